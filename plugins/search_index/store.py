"""The records of each search shard, kept on disk so that a patch can index an edited page's
shard ahead, before it renders the page (:func:`.search_index.index_early`).

``.cache/toasoan/search/<hash of the output path>/`` holds one file per shard key — the
shard's records, without the pages they were made from —, ``where.pickle``: which shard
each article's or page's file is in, and ``keys.pickle``: each shard's key. Everything
here is a guess to save time: records that no longer match what the patch makes give
another key, and the shard is indexed as it would have been without them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from toasoan.build.outputs import digest
from toasoan.build.run import BuildRun
from toasoan.content import local_cache

from .records import SearchRecord

logger = logging.getLogger(__name__)

WHERE = "where.pickle"
KEYS = "keys.pickle"


@dataclass(frozen=True)
class StoredShard:
    """A shard as stored: its name, key and records (without their pages)."""

    name: str
    key: str
    records: tuple[SearchRecord, ...]


@dataclass
class RecordStore:
    """The stored records of one output folder's shards."""

    folder: Path

    @classmethod
    def of(cls, run: BuildRun) -> RecordStore:
        """The store of the output folder ``run`` updates (a recipe's: the run it is made in)."""
        site = Path(run.settings["PATH"]).resolve().parent
        return cls(local_cache(site, "search") / digest(str(run.output_path)))

    def put(self, name: str, key: str, records: list[SearchRecord]) -> None:
        """Store the records of the shard ``key`` (a shard just indexed)."""
        stored = StoredShard(name, key, tuple(record.to_store() for record in records))
        self._write(f"{key}.pickle", stored)

    def keep(self, shards: list, *, placed: bool = True) -> None:
        """After a build: each shard's key, and (``placed``: a Pelican run placed every page
        in a shard) which file is in which; the files of other keys go. A patch changes
        records, not which shard a file is in: ``placed=False`` spares writing that again."""
        if placed:
            self._write(WHERE, {os.path.abspath(source.source_path): shard.name
                                for shard in shards for source in shard.sources if hasattr(source, "source_path")})
        self._write(KEYS, {shard.name: shard.key for shard in shards})
        kept = {f"{shard.key}.pickle" for shard in shards} | {WHERE, KEYS}
        for path in self.folder.glob("*.pickle"):
            if path.name not in kept:
                path.unlink(missing_ok=True)

    def shard_of(self, source_paths: list[str]) -> dict[str, StoredShard]:
        """The stored shard of each file in ``source_paths`` that has one."""
        where, keys = self._read(WHERE), self._read(KEYS)
        if not isinstance(where, dict) or not isinstance(keys, dict):
            return {}
        shards: dict[str, object] = {}
        found: dict[str, StoredShard] = {}
        for path in map(os.path.abspath, source_paths):
            name = where.get(path)
            if name is not None and name not in shards:
                shards[name] = self._read(f"{keys.get(name)}.pickle")
            if isinstance(stored := shards.get(name), StoredShard) and stored.name == name:
                found[path] = stored
        return found

    def shards(self) -> list[StoredShard]:
        """Every shard the last build kept, as stored; none when the store is missing or damaged."""
        keys = self._read(KEYS)
        stored = (self._read(f"{key}.pickle") for key in keys.values()) if isinstance(keys, dict) else ()
        return [shard for shard in stored if isinstance(shard, StoredShard)]

    def _write(self, name: str, value: object) -> None:
        temporary = self.folder / f".{name}.{os.getpid()}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, self.folder / name)
        except OSError:  # a cache that cannot be written only costs time
            logger.debug("search record store not written", exc_info=True)
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

    def _read(self, name: str) -> object:
        with contextlib.suppress(FileNotFoundError):
            try:
                return pickle.loads((self.folder / name).read_bytes())
            except Exception:  # damaged: the patch indexes as it would without the store
                logger.debug("search record store unreadable", exc_info=True)
        return None
