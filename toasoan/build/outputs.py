"""The output ledger: which files a build writes, and which it may keep from the last build.

An incremental build renders into an empty staging folder only the outputs whose inputs
changed. Every writer — Pelican's (:mod:`.writer`), and plugins writing files of their own
through their run (:meth:`toasoan.build.run.BuildRun.output`) — asks the ledger first::

    if not ledger.fresh("tracker/action-items.ics", key):
        write(staging / "tracker/action-items.ics")
        ledger.wrote("tracker/action-items.ics", key)

``key`` is any string that changes whenever the output would change (a hash of what the
output shows). The ledger mixes in the *build key* — the settings, the theme, the plugins
and the code — so a changed template or setting makes every output stale. A whole folder
written by one tool (a search-index shard) is kept or rewritten as one unit with
:meth:`OutputLedger.fresh_tree` / :meth:`OutputLedger.wrote_tree`.

Outside an incremental build the ledger is a :class:`FullBuild`, which never keeps anything,
so plugins need no special case.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


def digest(*parts: object) -> str:
    """A short stable hash of ``parts`` (bytes as they are, text by its characters, anything
    else by its ``str``), each followed by a separator; hashed in one call (page keys make
    hundreds of thousands: parts that are all text are joined as text, then encoded once)."""
    try:
        data = ("\x1f".join(parts) + "\x1f").encode("utf-8", "surrogatepass") if parts else b""  # type: ignore[arg-type]
    except TypeError:  # bytes, numbers, ...
        data = b"".join([_bytes(part) + b"\x1f" for part in parts])
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def digest_each(parts: Iterable[object]) -> str:
    """:func:`digest` of ``parts``, hashed one by one as they come: thousands of parts made on
    the fly (a sitemap's entries) are never held together."""
    hashed = hashlib.blake2b(digest_size=16)
    for part in parts:
        hashed.update(_bytes(part))
        hashed.update(b"\x1f")
    return hashed.hexdigest()


def _bytes(part: object) -> bytes:
    """One part of a digest as bytes: bytes as they are, text by its characters, anything else by its ``str``."""
    if isinstance(part, bytes):
        return part
    return (part if isinstance(part, str) else str(part)).encode("utf-8", "surrogatepass")


Reads = tuple[str, ...]  # the names a page read while rendered, sorted (toasoan.build.reads)


class Background(Protocol):
    """Something writing into the staging folder beside the build: a thread, a helper process."""

    def join(self, timeout: float | None = None) -> None: ...


@dataclass(slots=True)
class Entry:
    """One output file of a build: the key it was written from, its stat on disk, and the
    names its page read when rendered (None: not a recorded render)."""

    key: str | None
    size: int
    mtime_ns: int
    reads: Reads | None = None


@dataclass
class LedgerPart:
    """What a forked process learned of its outputs (a share of the pages, :mod:`.share`; a
    plugin's folder made beside the pages, :meth:`.run.BuildRun.beside_process`): the
    outputs it wrote (from which key, having read what), those it kept from the last build
    (named only: the first process has their entries), and the folders written or kept
    whole (from which key)."""

    written: dict[str, str | None]
    reads: dict[str, Reads]
    kept: tuple[str, ...]
    trees: dict[str, str] = field(default_factory=dict)


@dataclass
class OutputLedger:
    """Decides, per output, whether the previous build's file can stay (see module doc)."""

    output: Path
    staging: Path
    build_key: str = ""
    previous: dict[str, Entry] = field(default_factory=dict)
    previous_trees: dict[str, str] = field(default_factory=dict)
    kept: dict[str, Entry] = field(default_factory=dict)
    written: dict[str, str | None] = field(default_factory=dict)
    reads: dict[str, Reads] = field(default_factory=dict)  # written outputs → what their pages read
    trees: dict[str, str] = field(default_factory=dict)
    _by_tree: dict[str, dict[str, Entry]] | None = field(default=None, repr=False)
    _intact_files: set[str] = field(default_factory=set, repr=False)
    _background: list[Background] = field(default_factory=list, repr=False)

    @property
    def incremental(self) -> bool:
        return bool(self.previous)

    def _key(self, key: str) -> str:
        return digest(self.build_key, key)

    def _intact(self, relpath: str, entry: Entry) -> bool:
        if relpath in self._intact_files:
            return True
        try:
            stat = os.stat(os.path.join(self.output, relpath))  # os.path: 18 000 stats at 5 000 articles
        except OSError:
            return False
        if stat.st_size == entry.size and stat.st_mtime_ns == entry.mtime_ns:
            self._intact_files.add(relpath)  # asked once per build
            return True
        return False

    def all_intact(self) -> bool:
        """Whether every file of the last build is still on disk as it was written."""
        return all(self._intact(relpath, entry) for relpath, entry in self.previous.items())

    def fresh(self, relpath: str, key: str) -> bool:
        """True (and the file is kept) when the last build wrote ``relpath`` from ``key``."""
        relpath = output_name(relpath)
        entry = self.previous.get(relpath)
        if entry is None or entry.key != self._key(key) or not self._intact(relpath, entry):
            return False
        self.kept[relpath] = entry
        return True

    def _previous_in(self, reldir: str) -> dict[str, Entry]:
        """The last build's files under ``reldir`` (one of its trees)."""
        if self._by_tree is None:
            self._by_tree = {}
            tops = tuple({tree.split("/", 1)[0] + "/" for tree in self.previous_trees})
            for relpath, entry in self.previous.items():
                if relpath.startswith(tops):
                    for tree in self.previous_trees.keys() & _folders(relpath):
                        self._by_tree.setdefault(tree, {})[relpath] = entry
        return self._by_tree.get(reldir, {})

    def follow(self, worker: Background) -> None:
        """``worker`` writes into the staging folder: a failed build waits for it (:meth:`settle`)."""
        self._background.append(worker)

    def settle(self, timeout: float = 600) -> None:
        """Wait for what writes into the staging folder (a helper process is stopped), so it
        can be removed."""
        for worker in self._background:
            worker.join(timeout)

    def part(self, relpaths: Iterable[str]) -> LedgerPart:
        """What this ledger learned of ``relpaths``: a helper's share, sent to the first process."""
        paths = [output_name(p) for p in relpaths]
        return LedgerPart({p: self.written[p] for p in paths if p in self.written},
                          {p: self.reads[p] for p in paths if p in self.reads},
                          tuple(p for p in paths if p in self.kept))

    def part_under(self, owns: Iterable[str]) -> LedgerPart:
        """What this ledger learned of ``owns`` (files, and folders ending in ``/``: a
        plugin's outputs made in a forked process), sent to the first process."""
        prefixes = tuple(output_name(path).rstrip("/") + "/" for path in owns)

        def under(table: dict) -> dict:
            return {path: value for path, value in table.items() if f"{path}/".startswith(prefixes)}

        return LedgerPart(under(self.written), under(self.reads), tuple(under(self.kept)), under(self.trees))

    def take(self, part: LedgerPart) -> None:
        """Take in what a forked process learned (:meth:`part`, :meth:`part_under`)."""
        self.written.update(part.written)
        self.reads.update(part.reads)
        self.kept.update((relpath, self.previous[relpath]) for relpath in part.kept)
        self.trees.update(part.trees)

    def reads_of(self, relpath: str) -> Reads | None:
        """The names the last build's page at ``relpath`` read (None: unknown)."""
        entry = self.previous.get(output_name(relpath))
        return None if entry is None else entry.reads

    def wrote(self, relpath: str, key: str | None, reads: Reads | None = None) -> None:
        """Record that ``relpath`` was written into staging from ``key``, its page reading ``reads``."""
        relpath = output_name(relpath)
        self.written[relpath] = None if key is None else self._key(key)
        if reads is None:
            self.reads.pop(relpath, None)
        else:
            self.reads[relpath] = reads

    def fresh_tree(self, reldir: str, key: str) -> bool:
        """Like :meth:`fresh` for every file the last build wrote under ``reldir``."""
        reldir = output_name(reldir).rstrip("/")
        if self.previous_trees.get(reldir) != self._key(key):
            return False
        files = self._previous_in(reldir)
        if not files or not all(self._intact(p, e) for p, e in files.items()):
            return False
        self.kept.update(files)
        self.trees[reldir] = self._key(key)
        return True

    def unchanged(self, relpath: str, data: bytes) -> bool:
        """Whether the last build left ``relpath`` with these very bytes, as it wrote it: a
        tool writing a folder (:meth:`wrote_tree`) need not write that file again. It only
        reads the disk (and notes what it found intact), so a writer's thread may ask."""
        entry = self.previous.get(relpath)
        if entry is None or entry.size != len(data) or not self._intact(relpath, entry):
            return False
        try:
            return Path(self.output, relpath).read_bytes() == data
        except OSError:
            return False

    def wrote_tree(self, reldir: str, key: str, unchanged: Iterable[str] = ()) -> None:
        """Record that ``reldir`` was written from ``key``: every file now under
        ``staging/reldir``, and the files of the last build there that were ``unchanged``."""
        reldir = output_name(reldir).rstrip("/")
        self.trees[reldir] = self._key(key)
        for relpath in unchanged:
            self.kept[relpath] = self.previous[relpath]
        root = self.staging / reldir
        for path in root.rglob("*"):
            if path.is_file():
                self.written[path.relative_to(self.staging).as_posix()] = self.trees[reldir]


class FullBuild(OutputLedger):
    """The ledger of a build that writes everything (no previous outputs to keep)."""

    def fresh(self, relpath: str, key: str) -> bool:
        return False

    def fresh_tree(self, reldir: str, key: str) -> bool:
        return False


@dataclass
class Patch(OutputLedger):
    """The ledger of a patch to the last build (:mod:`toasoan.build.session`): every output it
    does not write again stays as it is."""

    def __post_init__(self) -> None:
        self.kept = dict(self.previous)
        self.trees = dict(self.previous_trees)

    def wrote_tree(self, reldir: str, key: str, unchanged: Iterable[str] = ()) -> None:
        """A folder written again replaces the old one as a whole: its old files go, but
        for those ``unchanged``."""
        prefix = output_name(reldir).rstrip("/") + "/"
        for relpath in [p for p in self.kept if p.startswith(prefix)]:
            del self.kept[relpath]
        super().wrote_tree(reldir, key, unchanged)


def _folders(relpath: str) -> set[str]:
    """``"a/b/c.html"`` → ``{"a", "a/b"}``."""
    parts = relpath.split("/")[:-1]
    return {"/".join(parts[:n]) for n in range(1, len(parts) + 1)}


def output_name(relpath: str | os.PathLike) -> str:
    """``relpath`` as the ledger and the run name an output: as ``Path(relpath).as_posix()`` without a leading
    ``/`` — made from its string, since ``Path`` interns every part of every path it parses
    (≈ 2 MiB over a build's pages at 5 000 articles, kept to the end)."""
    text = str(relpath).replace(os.sep, "/")
    parts = [part for part in text.split("/") if part not in ("", ".")]
    return "/".join(parts) if parts or text.startswith("/") else "."
