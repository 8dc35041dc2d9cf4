"""Read a whole content folder through the model: what ``invoke check`` runs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .checks import check_site
from .findings import Finding, finding
from .git import find_repository
from .model import ContentFile, SiteRules
from .parsing import model_cache, parse_files
from .safety import ACTIVE_SUFFIXES

MARKDOWN_SUFFIXES = (".md", ".markdown")


def local_cache(site: Path, name: str) -> Path:
    """A cache kept beside the content folder, ``.cache/toasoan/<name>`` (git ignores it)."""
    return site / ".cache" / "toasoan" / name


def shared_cache(git_dir: Path) -> Path:
    """Where the parses ``invoke check`` and ``invoke review`` share are kept: in the git
    directory, never in the work tree a writer commits."""
    return git_dir / "toasoan" / "parse"


def site_cache(site: Path) -> Path:
    """The shared parse cache of a checked-out site, or ``.cache/toasoan/parse`` beside its
    content when it is not in a git repository."""
    repository = find_repository(site)
    common = repository.common_dir() if repository else None
    return shared_cache(common) if common else local_cache(site, "parse")


def content_files(rules: SiteRules) -> Iterator[str]:
    """Markdown files under the article, meeting and page folders, relative to content/."""
    root = rules.content_root
    for folder in (*rules.article_dirs, *rules.meeting_dirs, *rules.page_dirs, *rules.document_dirs):
        base = root / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.suffix in MARKDOWN_SUFFIXES and path.is_file():
                    yield path.relative_to(root).as_posix()


def content_bytes(rules: SiteRules) -> Iterator[tuple[str, bytes]]:
    """Each content file (:func:`content_files`) and its bytes, read as they are asked for."""
    for relpath in content_files(rules):
        yield relpath, (rules.content_root / relpath).read_bytes()


def read_content(rules: SiteRules) -> tuple[list[ContentFile], list[Finding]]:
    """Parse every content file and run the cross-file checks.

    Files are parsed on every CPU and remembered (:mod:`toasoan.parsing`, :func:`site_cache`),
    so checking again after an edit parses only what changed, and a review of a branch
    afterwards only what the branch changed.
    """
    cache = model_cache(site_cache(rules.content_root.resolve().parent), rules)
    parsed = parse_files(content_bytes(rules), rules, cache=cache)
    cache.save()
    documents = [p.content_file for p in parsed.values() if p.content_file is not None]
    findings = [f for p in parsed.values() for f in p.findings]
    findings += check_site(documents, rules)
    return documents, findings + unsafe_files(rules.content_root)


def unsafe_files(content_root: Path) -> list[Finding]:
    """Files under content/ a build must never publish: symbolic links (E010: they would
    publish what they point at on the machine that builds) and files a browser runs (E011:
    HTML, SVG, scripts — published as they are, outside the sanitised Markdown)."""
    found: list[Finding] = []
    if not content_root.is_dir():
        return found
    prefix = content_root.name
    folders = [(str(content_root), prefix)]
    while folders:  # scandir's entries know links without a stat each; a linked folder is not entered
        folder, shown = folders.pop()
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                relpath = f"{shown}/{entry.name}"
                if entry.is_symlink():
                    found.append(finding("E010", relpath))
                elif entry.is_dir():
                    folders.append((entry.path, relpath))
                elif entry.name.lower().endswith(ACTIVE_SUFFIXES):
                    found.append(finding("E011", relpath, value=Path(entry.name).suffix.lower()))
    return sorted(found, key=lambda f: f.file)
    for folder, dirs, names in os.walk(content_root):  # never follows a linked folder
        here = Path(folder)
        for name in sorted(dirs + names):
            path = here / name
            relpath = path.relative_to(content_root.parent).as_posix()
            if path.is_symlink():
                found.append(finding("E010", relpath))
            elif name in names and name.lower().endswith(ACTIVE_SUFFIXES):
                found.append(finding("E011", relpath, value=Path(name).suffix.lower()))
    return found
