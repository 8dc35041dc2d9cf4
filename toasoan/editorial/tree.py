"""Read a revision's content straight from git objects, through the content model.

The review never checks out the branch under review. It lists the tree once, reads the
blobs in one ``git cat-file --batch`` call and hands the bytes to :func:`parse_content_file`.
The model asks the file system whether images and linked files exist: here the content
root is a :class:`TreePath`, a path that answers those questions from the git tree.

Site settings come from the revision's ``pelicanconf.py`` by reading its literal
assignments (never by running it), so a submission cannot run code on a reviewer's machine.

Parsing is cached by path and blob id (:class:`ParseCache`): a file whose bytes, site
rules, parser code and the files it looked at are unchanged is not parsed again. The cache
is the one ``invoke check`` fills (in the git directory), so a review after a check parses only
what the branch changed.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from ..checks import check_site
from ..content import MARKDOWN_SUFFIXES, shared_cache
from ..findings import Finding
from ..git import Git, TreeEntry
from ..model import ContentFile, SiteRules, load_units
from ..parsing import ParseCache, model_cache, parse_versions
from ..settings import PELICAN_DEFAULTS as DEFAULT_CONFIG
from ..settings import site_rules

SETTINGS_FILE = "pelicanconf.py"
CACHE_VERSION = 1


def literal_settings(source: bytes | str | None) -> dict:
    """Every top-level ``NAME = <literal>`` of a ``pelicanconf.py``; nothing is executed."""
    settings: dict = {}
    if not source:
        return settings
    try:
        module = ast.parse(source)
    except SyntaxError:
        return settings
    for node in module.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                settings[node.targets[0].id] = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
    return settings


def content_prefix(settings: dict) -> str:
    """The content folder as a tree path prefix: ``content/``."""
    return PurePosixPath(str(settings.get("PATH") or "content")).as_posix().strip("/") + "/"


def is_markdown(path: str) -> bool:
    return path.endswith(MARKDOWN_SUFFIXES)


# ---------------------------------------------------------------------- a tree as a path
@dataclass(frozen=True)
class _Stat:
    st_size: int


class TreePath(PurePosixPath):
    """A path inside one git tree that can say ``is_file()``, ``stat()`` and read itself.

    Each tree gets its own subclass (:func:`tree_root`) whose class attributes hold the
    listing, so every path derived with ``/`` answers from the same tree. Every question
    is recorded by :mod:`toasoan.probes`, so the parse cache knows what a document depended on.
    """

    files: dict[str, int] = {}  # noqa: RUF012 - set per tree by tree_root()
    dirs: frozenset[str] = frozenset()
    reader: Callable[[str], bytes | None] = staticmethod(lambda path: None)

    def _key(self) -> str:
        return posixpath.normpath(self.as_posix())

    def is_file(self) -> bool:
        return self._key() in self.files

    def is_dir(self) -> bool:
        return self._key() in self.dirs

    def exists(self) -> bool:
        key = self._key()
        return key in self.files or key in self.dirs

    def stat(self) -> _Stat:
        key = self._key()
        if key not in self.files:
            raise FileNotFoundError(key)
        return _Stat(self.files[key])

    def read_bytes(self) -> bytes:
        data = self.reader(self._key()) if self.is_file() else None
        if data is None:
            raise FileNotFoundError(self.as_posix())
        return data

    def read_text(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return self.read_bytes().decode(encoding, errors)


def tree_root(prefix: str, entries: Iterable[TreeEntry], reader: Callable[[str], bytes | None]) -> TreePath:
    """The content root (``content``) of a tree, as a :class:`TreePath`."""
    files = {e.path: e.size for e in entries}
    dirs = {posixpath.dirname(p) for p in files}
    for folder in list(dirs):
        while folder:
            folder = posixpath.dirname(folder)
            dirs.add(folder)
    cls = type("TreePath", (TreePath,), {"files": files, "dirs": frozenset(dirs - {""}),
                                         "reader": staticmethod(reader)})
    return cls(prefix.rstrip("/"))


# ---------------------------------------------------------------------- reading a tree
@dataclass
class TreeContent:
    """The content of one revision: its rules, documents (by path under content/) and findings.

    ``earlier`` holds other versions of some files (path → document) parsed with the same
    rules, e.g. the base version of each changed file.
    """

    revision: str
    prefix: str
    rules: SiteRules
    entries: dict[str, TreeEntry]
    documents: dict[str, ContentFile] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    earlier: dict[str, ContentFile] = field(default_factory=dict)

    def relpath(self, path: str) -> str | None:
        """``content/articles/x.md`` → ``articles/x.md``; None outside the content folder."""
        return path[len(self.prefix):] if path.startswith(self.prefix) else None

    def document(self, path: str) -> ContentFile | None:
        """The parsed document at a repository path (``content/articles/…``)."""
        relpath = self.relpath(path)
        return self.documents.get(relpath) if relpath else None

    def is_document(self, path: str) -> bool:
        relpath = self.relpath(path)
        return bool(relpath) and is_markdown(path) and self.rules.kind_of(relpath) is not None


def tree_rules(git: Git, revision: str) -> tuple[SiteRules, list[Finding], str, dict[str, TreeEntry]]:
    """Site rules of ``revision`` with its content root as a :class:`TreePath`."""
    settings = literal_settings(git.show(revision, SETTINGS_FILE))
    prefix = content_prefix(settings)
    listing = git.ls_tree(revision, prefix)
    entries = {e.path: e for e in listing}
    root = tree_root(prefix, listing, lambda path: git.cat_files([entries[path].sha])[0] if path in entries else None)
    # What the file does not say, Pelican's defaults say, as in a build of the branch.
    base, _ = site_rules({**DEFAULT_CONFIG, **settings, "PATH": prefix.rstrip("/")})
    units, findings = load_units(root, base.units_file)
    return replace(base, content_root=root, units=units), findings, prefix, entries


def read_tree(git: Git, revision: str, paths: set[str] | None = None,
              earlier: Iterable[tuple[str, str]] = ()) -> TreeContent:
    """Parse the content files of ``revision`` and, when ``paths`` is None, check the site.

    With ``paths`` (repository paths), only those files are parsed and no cross-file check
    runs: what ``invoke queue`` needs to classify many branches quickly. ``earlier`` names
    other versions of files, ``(path, blob id)``, to parse with the same rules.
    """
    rules, findings, prefix, entries = tree_rules(git, revision)
    root: TreePath = rules.content_root  # type: ignore[assignment]
    content = TreeContent(revision, prefix, rules, entries, findings=list(findings))
    current = [(p, e.sha) for p, e in entries.items()
               if content.is_document(p) and (paths is None or p in paths)]
    old = [(p, sha) for p, sha in earlier if content.is_document(p)]
    parsed = _parse(git, rules, root, prefix, [*current, *old])
    for key in current:
        document, problems = parsed[key]
        content.findings += problems
        if document is not None:
            content.documents[key[0][len(prefix):]] = document
    content.earlier = {key[0]: document for key in old if (document := parsed[key][0]) is not None}
    if paths is None:
        content.findings += check_site(list(content.documents.values()), rules)
    return content


def _parse(git: Git, rules: SiteRules, root: TreePath, prefix: str,
           keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[ContentFile | None, list[Finding]]]:
    """(path, blob id) → what :func:`parse_content_file` says, from the shared parse cache
    (:mod:`toasoan.parsing`) when still valid; blobs are read only for what it lacks."""
    cache = _cache(git, rules)
    versions = {key: (key[0][len(prefix):], key[1]) for key in keys}
    parsed = parse_versions(list(versions.values()),
                            lambda missing: [raw or b"" for raw in git.cat_files(sha for _, sha in missing)],
                            rules, cache=cache)
    cache.save()
    return {key: (parsed[v].content_file, list(parsed[v].findings)) for key, v in versions.items()}


def _cache(git: Git, rules: SiteRules) -> ParseCache:
    """The parse cache in the git directory, shared with ``invoke check``."""
    common = git.common_dir()
    return model_cache(shared_cache(common) if common else None, rules)
