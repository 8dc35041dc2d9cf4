"""Parse many content files once: in parallel on every CPU, remembered across builds.

:func:`parse_files` turns ``(relpath, bytes)`` pairs into :class:`ParsedFile` results
through :func:`toasoan.model.parse_content_file` and, when given, a ``render`` function
(Markdown → safe HTML). Results are kept in a :class:`ParseCache` on disk, keyed by the
file's path, its git blob id and a fingerprint of everything else the parse depends on
(site rules, settings, the code of the model and reader, library versions); the
file-system probes made while parsing (linked files, image sizes, :mod:`toasoan.probes`,
recorded relative to the content folder) are checked again before a cached result is
reused. ``invoke check`` and ``invoke review`` share one cache (:func:`model_cache`): a
review after a check parses only what the branch changed. Files that are not in the
cache are parsed in a pool of forked processes when there are enough of them.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import multiprocessing
import os
import pickle
import shutil
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from . import probes
from .findings import Finding
from .model import BODY_FIELDS, ContentFile, SiteRules, parse_content_file, shown_fields

logger = logging.getLogger(__name__)

CACHE_FORMAT = 2
SHARDS = 64
POOL_MINIMUM = 64  # fewer files than this are parsed in this process
BATCH_MOST = 64  # files a worker parses at a time: small batches end together
Render = Callable[[str, str], str]  # (Markdown body, relpath) → HTML


@dataclass(frozen=True)
class ParsedFile:
    """One file, parsed: its content file (None when it cannot be built), findings, body HTML."""

    content_file: ContentFile | None
    findings: tuple[Finding, ...]
    html: str
    probes: tuple[probes.Probe, ...] = ()

    def __reduce__(self) -> tuple:
        # The HTML is pickled as UTF-8 bytes: pickling a str that is not ASCII attaches
        # CPython's UTF-8 copy of it to the str for as long as it lives, and a build keeps
        # the HTML to the end (the body of the article Pelican holds).
        return _parsed_file, (self.content_file, self.findings, self.html.encode("utf-8"), self.probes)


def _parsed_file(content_file: ContentFile | None, findings: tuple[Finding, ...], html: bytes,
                 asked: tuple[probes.Probe, ...]) -> ParsedFile:
    return ParsedFile(content_file, findings, html.decode("utf-8"), asked)


def card_digest(content_file: ContentFile) -> str:
    """A hash of what a listing may show of ``content_file``: every field it shows (``repr``)
    but its body. Made once per parse (``ContentFile.card_digest``), it stands for the
    content model in the build's fingerprints (``toasoan.build.fingerprint``): in the card
    of an article, which every page listing it has in its key, and wherever the model is."""
    shown = "\x1f".join(f"{name}={getattr(content_file, name)!r}"
                        for name in shown_fields(type(content_file), frozenset(BODY_FIELDS)))
    return hashlib.blake2b(shown.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def parse_one(relpath: str, raw: bytes, rules: SiteRules, render: Render | None = None) -> ParsedFile:
    """Parse (and render) one file, recording what it asked of the file system."""
    with probes.recording() as asked:
        document, findings = parse_content_file(relpath, raw, rules)
        if document is not None:
            document.card_digest = card_digest(document)
        html = render(document.body, relpath) if render is not None and document is not None else ""
    root = str(rules.content_root)
    asked_here = ((os.path.relpath(path, root), size) for path, size in asked)
    return ParsedFile(document, tuple(findings), html, tuple(dict.fromkeys(asked_here)))


def blob_id(raw: bytes) -> str:
    """The object id git gives these bytes (``git hash-object``): the review knows it unread."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


def content_key(relpath: str, raw: bytes) -> str:
    """Cache key of one file from its path under the content folder and its bytes."""
    return cache_key(relpath, blob_id(raw))


def cache_key(relpath: str, blob: str) -> str:
    """Cache key from a path under the content folder (the source and relative links depend
    on it) and the git blob id of the bytes there."""
    return hashlib.blake2b(f"{relpath}\0{blob}".encode(), digest_size=20).hexdigest()


def code_fingerprint(*parts: object, modules: Iterable[Path] = (), packages: Iterable[str] = ()) -> str:
    """A digest of ``parts`` (their repr), the bytes of ``modules`` and the versions of ``packages``."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"format {CACHE_FORMAT}".encode())
    for part in parts:
        digest.update(repr(part).encode())
    for module in sorted(modules):
        digest.update(str(module).encode() + Path(module).read_bytes())
    for package in sorted(packages):
        digest.update(f"{package} {importlib.metadata.version(package)}".encode())
    return digest.hexdigest()


def model_modules() -> list[Path]:
    """The source files every parse depends on: the ``toasoan`` package itself."""
    return sorted(Path(__file__).resolve().parent.glob("*.py"))


def model_fingerprint(rules: SiteRules) -> str:
    """What a parse without rendering depends on: the rules (wherever the content folder is
    checked out or read from), the model's code and the YAML library."""
    portable = replace(rules, content_root=PurePosixPath(rules.content_root.name))
    return code_fingerprint(portable, modules=model_modules(), packages=("pyyaml",))


def model_cache(folder: Path | None, rules: SiteRules, prune: bool = True) -> ParseCache:
    """The cache of parses without rendering that ``invoke check`` and the review share
    (and the build adds to: ``prune=False``)."""
    return ParseCache(folder, model_fingerprint(rules), rules.content_root, prune)


class ParseCache:
    """Parsed files on disk (``folder``), in shards.

    ``root`` is the content folder the recorded probes are checked against: a real folder,
    or the review's git tree (:class:`toasoan.editorial.tree.TreePath`). With ``prune``,
    entries a run did not use are dropped when it saves (a run that reads every file);
    without, a run only adds: an entry put into a shard not read yet waits in
    :attr:`added`, and the shard is read only when asked or saved (a build adds every file
    it parses to the cache ``invoke check`` reads; reading that cache's shards as it did
    held ≈ 37 MiB more for a moment at 5 000 articles, the peak of a cold build).
    """

    def __init__(self, folder: Path | None, fingerprint: str, root: Path, prune: bool = True) -> None:
        self.folder = Path(folder) / fingerprint[:16] if folder else None
        self.fingerprint = fingerprint
        self.root = root
        self.prune = prune
        self.shards: dict[int, dict[str, ParsedFile]] = {}
        self.added: dict[int, dict[str, ParsedFile]] = {}  # put into shards not read yet (no prune)
        self.used: dict[int, set[str]] = {}
        self.dirty: set[int] = set()

    def _shard(self, key: str) -> int:
        return int(key[:4], 16) % SHARDS

    def _load(self, shard: int) -> dict[str, ParsedFile]:
        if shard not in self.shards:
            entries: dict[str, ParsedFile] = {}
            if self.folder is not None:
                try:
                    with open(self.folder / f"{shard:02x}.pickle", "rb") as handle:
                        entries = pickle.load(handle)
                except FileNotFoundError:
                    pass
                except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                    logger.debug("bỏ qua shard hỏng %s", shard, exc_info=True)
            entries.update(self.added.pop(shard, {}))
            self.shards[shard] = entries
        return self.shards[shard]

    def get(self, key: str) -> ParsedFile | None:
        shard = self._shard(key)
        found = self._load(shard).get(key)
        if found is not None and probes.still_true(found.probes, self.root):
            self.used.setdefault(shard, set()).add(key)
            return found
        return None

    def put(self, key: str, parsed: ParsedFile) -> None:
        shard = self._shard(key)
        if self.prune or shard in self.shards:
            self._load(shard)[key] = parsed
        else:
            self.added.setdefault(shard, {})[key] = parsed
        self.used.setdefault(shard, set()).add(key)
        self.dirty.add(shard)

    def save(self) -> None:
        """Write the shards that changed or hold entries this build did not use.

        A cache that cannot be written (read-only checkout) is only a warning: the next
        run parses again.
        """
        if self.folder is None:
            return
        try:
            self._save(self.folder)
        except OSError as error:
            logger.warning("Không ghi được bộ nhớ đệm %s: %s", self.folder, error)

    def _save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for shard in sorted(self.shards.keys() | self.added.keys()):
            read_now = shard not in self.shards  # read to add to it, and let go once written
            entries = self._load(shard)
            used = self.used.get(shard, set())
            if shard in self.dirty or (self.prune and len(used) != len(entries)):
                kept = {k: v for k, v in entries.items() if k in used} if self.prune else entries
                temporary = folder / f"{shard:02x}.pickle.tmp-{os.getpid()}"
                with open(temporary, "wb") as handle:
                    pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, folder / f"{shard:02x}.pickle")
            if read_now:
                del self.shards[shard]
        for stale in folder.parent.iterdir():  # caches of other fingerprints
            if stale.is_dir() and stale != folder:
                _remove_tree(stale)


@dataclass
class CacheSave:
    """Parse caches being saved (:func:`save_caches`); :meth:`join` waits until they are."""

    process: multiprocessing.Process | None = None

    def join(self) -> None:
        if self.process is not None:
            self.process.join()


def save_caches(*caches: ParseCache, beside: bool = False) -> CacheSave:
    """Save ``caches``: ``beside`` the caller, in a forked process, when this process may fork
    (:func:`may_fork`); otherwise now. A cold build at 5 000 articles pickles its parses for
    ≈ 0.3 s while only one core has work: Pelican reading what was parsed."""
    if not (beside and may_fork()):
        _save_all(caches)
        return CacheSave()
    # Not a daemon: should the caller end first, multiprocessing waits for it at exit.
    process = multiprocessing.get_context("fork").Process(target=_save_all, args=(caches,),
                                                          name="toasoan-parse-cache")
    process.start()
    return CacheSave(process)


def _save_all(caches: Sequence[ParseCache]) -> None:
    for cache in caches:
        cache.save()


def _remove_tree(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


# The job a forked worker runs; set in the parent just before the pool starts.
_JOB: tuple[SiteRules, Render | None] | None = None


def _work(batch: list[tuple[str, bytes]]) -> bytes:
    """A batch's results, pickled here. The parent unpickles them on its main thread, not on
    the pool's result thread: glibc gives each thread its own heap, and a build keeps the
    bodies to the end, so made there they held memory the rest of the build could not reuse
    (peak RSS of a cold build at 5 000 articles: 283 → 272 MiB, medians of three)."""
    assert _JOB is not None
    rules, render = _JOB
    return pickle.dumps([parse_one(relpath, raw, rules, render) for relpath, raw in batch],
                        protocol=pickle.HIGHEST_PROTOCOL)


def can_fork() -> bool:
    """Whether worker processes can be forked (not on Windows: there, files are parsed here)."""
    return "fork" in multiprocessing.get_all_start_methods()


def may_fork() -> bool:
    """Whether this process may fork a helper now: ``fork`` exists, this process is not itself
    a forked worker, and no other thread runs — a lock a thread holds at the fork would be
    held for ever in the helper."""
    return can_fork() and multiprocessing.parent_process() is None and threading.active_count() == 1


def workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


Version = tuple[str, str]  # (path under the content folder, git blob id of its bytes)


def parse_versions(versions: Sequence[Version], read: Callable[[list[Version]], list[bytes]],
                   rules: SiteRules, render: Render | None = None, cache: ParseCache | None = None,
                   also: ParseCache | None = None) -> dict[Version, ParsedFile]:
    """Every version of a file, parsed: from the cache, or read (``read`` gives the bytes of
    the versions the cache does not have, in order) and parsed now.

    Versions parsed now are also put, without their HTML, into ``also``: the build fills the
    cache ``invoke check`` and the review read, so they do not parse those files again.
    """
    results: dict[Version, ParsedFile] = {}
    missing: list[Version] = []
    for version in dict.fromkeys(versions):
        found = cache.get(cache_key(*version)) if cache else None
        if found is None:
            missing.append(version)
        else:
            results[version] = found
    files = [(relpath, raw) for (relpath, _), raw in zip(missing, read(missing), strict=True)]
    for version, parsed in zip(missing, parse_many(files, rules, render), strict=True):
        results[version] = parsed
        if cache is not None:
            cache.put(cache_key(*version), parsed)
        if also is not None:
            also.put(cache_key(*version), replace(parsed, html=""))
    return results


def parse_files(files: Iterable[tuple[str, bytes]], rules: SiteRules, render: Render | None = None,
                cache: ParseCache | None = None, also: ParseCache | None = None) -> dict[str, ParsedFile]:
    """``{relpath: ParsedFile}`` for files read from disk (:func:`parse_versions`), which may
    come as they are read: the bytes of a file are kept only when ``cache`` lacks its parse
    (an edit's build holds one file's, not every file's: ≈ 20 MiB at 5 000 articles)."""
    order: list[str] = []
    found: dict[str, ParsedFile] = {}
    unparsed: dict[Version, bytes] = {}
    for relpath, raw in files:
        order.append(relpath)
        version = (relpath, blob_id(raw))
        cached = cache.get(cache_key(*version)) if cache is not None else None
        if cached is None:
            unparsed[version] = raw
        else:
            found[relpath] = cached
    made = parse_versions(list(unparsed), lambda missing: [unparsed[version] for version in missing],
                          rules, render, cache, also)
    found.update((relpath, parsed) for (relpath, _), parsed in made.items())
    return {relpath: found[relpath] for relpath in order}


def parse_many(files: list[tuple[str, bytes]], rules: SiteRules, render: Render | None = None) -> list[ParsedFile]:
    """:func:`parse_one` for every file, in order, on every CPU when there are enough files."""
    count = workers()
    if count < 2 or len(files) < POOL_MINIMUM or multiprocessing.parent_process() is not None or not can_fork():
        return [parse_one(relpath, raw, rules, render) for relpath, raw in files]
    global _JOB
    _JOB = (rules, render)
    size = max(8, min(BATCH_MOST, len(files) // (count * 8)))
    batches = [files[i:i + size] for i in range(0, len(files), size)]
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            return [parsed for batch in pool.imap(_work, batches) for parsed in pickle.loads(batch)]
    finally:
        _JOB = None
