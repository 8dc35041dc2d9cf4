"""Index the site with Pagefind, in shards, from the content model; "đ" folds too.

Records (:mod:`.records`) come from what Pelican holds in memory: each published article,
meeting report, page, document and tracked action item. They are grouped into *shards* —
one per year of the article's date (of the meeting that decided an action item, of a
document's issue date), split into month ranges when a year grows past
:data:`SHARD_SIZE` records, plus one shard, :data:`PAGES_SHARD`, for the undated pages.
Each shard is a complete Pagefind bundle under ``output/pagefind/<shard>/``;
``output/pagefind/shards.json`` lists them newest first, and the search page loads the
first and merges the others (theme/static/js/search.js).

In an incremental build (:mod:`toasoan.build.outputs`) a shard whose records did not change is
kept from the last build; only the changed shards are indexed again. Indexing runs in
background threads, two Pagefind services side by side (:data:`SERVICES`, each taking the largest
shard left), from
``all_generators_finalized`` (records are final then: the tracker has tracked its items)
while Pelican writes the pages — in a forked process of its own where the run forks
(:meth:`toasoan.build.run.BuildRun.beside_process`: its records, payloads and Pagefind's
answers neither add to the first process's memory nor wait for its interpreter lock) —
and is awaited at ``finalized``, when
the plugin's recipe (:class:`toasoan.build.run.Recipe`, owning ``pagefind/``) is made: when
Pagefind fails, :class:`SearchIndexError` fails the build and the old site stays. Made again
after a patch, the recipe indexes the shards holding an edited page; it starts them
``early``, from the edited files read on their own, while the build checks its outputs.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import logging
import math
import os
import shutil
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from toasoan.build.outputs import OutputLedger, Patch, digest
from toasoan.build.run import BuildRun, Recipe, run_of
from toasoan.settings import plugin_enabled

from .records import LANGUAGE, Placed, SearchRecord, record_of, searchable
from .reproducible import BundleFormatError, canonicalise
from .service import PagefindService, ServiceError
from .store import RecordStore

logger = logging.getLogger(__name__)

PLUGIN_NAME = "search_index"
BUNDLE_DIR = "pagefind"
MANIFEST = "shards.json"
PAGES_SHARD = "trang"
# Records per shard before a year is split into month ranges. Pagefind indexes about 1 000
# records a second; a shard is what an edit re-indexes, and every shard costs a visitor
# a few small downloads per search: ~500 keeps both small at 20 000 articles.
SHARD_SIZE = 500
_SPLITS = (1, 2, 3, 4, 6, 12)  # month ranges a year can be cut into
TIMEOUT = 600  # seconds; a stuck indexer must not hang a build forever
BACKGROUND = True  # index while Pelican writes the pages (False: all at ``finalized``)
# Pagefind services indexing side by side, in the background: one indexes a shard on one
# core, so the last shards of a build, indexed alone after the pages, would leave the other idle.
SERVICES = 2


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the build must fail and keep the old output."""


def pagefind_executable() -> Path:
    """The Pagefind binary shipped by the PyPI package ``pagefind[bin]``."""
    try:
        from pagefind_bin import get_executable
    except ImportError as error:
        raise SearchIndexError("Thiếu gói pagefind[bin] (Pagefind): chạy script/bootstrap.") from error
    return get_executable()


def pagefind_version() -> str:
    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return "?"


@dataclass
class Shard:
    """The records of one bundle, ``output/pagefind/<name>/``, and the key they hash to.

    A shard planned from the pages themselves (:class:`~.records.Placed`) makes its records
    when first asked: in a full build, in the thread that indexes it, so that a build never
    holds the text of every page at once (≈ 40 MiB at 5 000 articles)."""

    name: str
    made: list[SearchRecord] | None = field(default=None, repr=False)  # None: made from sources when asked
    size: int = 0  # records; still known once they are released
    sources: list = field(default_factory=list, repr=False)  # what each record is of, in order; kept on release
    bundle: dict[str, bytes] | None = field(default=None, repr=False)  # Pagefind's files, when indexed ahead
    unchanged: list[str] = field(default_factory=list, repr=False)  # its files the last build left as they are

    def __post_init__(self) -> None:
        self.size = self.size or len(self.sources if self.made is None else self.made)

    @property
    def records(self) -> list[SearchRecord]:
        """Its records, made from its sources the first time they are asked for."""
        if self.made is None:
            self.made = list(filter(None, map(record_of, self.sources)))
        return self.made

    @property
    def reldir(self) -> str:
        return f"{BUNDLE_DIR}/{self.name}"

    @functools.cached_property
    def key(self) -> str:
        """The records' fields — what their payloads are made from — in order. A kept shard
        never needs its payloads made (the folded words of every page: most of the work)."""
        return digest("pagefind", pagefind_version(), LANGUAGE, *map(repr, self.records))

    def payloads(self) -> list[dict]:
        """The records as Pagefind's ``AddRecord`` requests take them."""
        return [record.payload() for record in self.records]

    def release(self) -> None:
        """Let the records go (the text of every page in the shard) once the key is known
        and Pagefind has them, or does not need them: a build holds only what is left to index."""
        _ = self.key
        self.made = []


def shard_name(year: int, month: int, splits: int) -> str:
    """"2019" for a whole year; "2019-07" for the range of months starting in July."""
    if splits == 1:
        return str(year)
    span = 12 // splits
    return f"{year}-{(month - 1) // span * span + 1:02d}"


def shard_records(records: Iterable[SearchRecord | Placed]) -> list[Shard]:
    """Records, or where records go (:class:`~.records.Placed`), grouped into shards: newest
    year first, month ranges newest first, then the undated pages; within a shard, by URL
    (so the bundle does not depend on the order Pelican listed the pages in)."""
    by_year: dict[int, list[SearchRecord | Placed]] = {}
    undated: list[SearchRecord | Placed] = []
    for record in records:
        (by_year.setdefault(record.date.year, []) if record.date else undated).append(record)
    groups: dict[str, list[SearchRecord | Placed]] = {}
    for year in sorted(by_year, reverse=True):
        found = by_year[year]
        splits = next((s for s in _SPLITS if math.ceil(len(found) / s) <= SHARD_SIZE), _SPLITS[-1])
        for record in found:
            groups.setdefault(shard_name(year, record.date.month, splits), []).append(record)
    names = sorted(groups, reverse=True)
    if undated:
        groups[PAGES_SHARD] = undated
        names.append(PAGES_SHARD)
    return [_shard(name, groups[name]) for name in names]


def _shard(name: str, records: Iterable[SearchRecord | Placed]) -> Shard:
    ordered = sorted(records, key=lambda r: r.url)
    made = None if ordered and isinstance(ordered[0], Placed) else ordered
    return Shard(name, made, sources=[r.source for r in ordered])


def remade(shard: Shard) -> Shard:
    """``shard``, its records to be made again from its articles, pages and items (a body
    edit moves no page to another place)."""
    return Shard(shard.name, sources=shard.sources)


DEFAULT_UI = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")


def bundle_files(files: list[dict]) -> dict[str, bytes]:
    """A bundle from Pagefind's ``GetFiles`` answer: reproducible, without Pagefind's own
    ready-made search interfaces (the site has its own, search.js)."""
    kept = {path: f["content"] for f in files if not (path := f["path"].lstrip("/")).startswith(DEFAULT_UI)}
    return canonicalise({path: base64.b64decode(content) for path, content in kept.items()}, LANGUAGE)


class Ahead:
    """Shards indexed ahead of a patch (:func:`index_early`), by key, until
    :func:`write_shards` takes them: Pagefind runs while the build checks its outputs and
    renders the edited pages. One per build run (:func:`ahead_of`)."""

    def __init__(self) -> None:
        self._jobs: dict[str, tuple[threading.Thread, Shard]] = {}

    def start(self, shards: list[Shard]) -> None:
        """Index ``shards`` in a thread (their keys are taken here, before it starts)."""
        if not shards:
            return

        def run() -> None:
            try:
                with PagefindService(pagefind_executable()) as service:
                    for shard in shards:
                        shard.bundle = index_bundle(service, shard.payloads())
            except Exception:
                logger.debug("indexing ahead failed", exc_info=True)

        thread = threading.Thread(target=run, name="search-index-ahead", daemon=True)
        self._jobs.update((shard.key, (thread, shard)) for shard in shards)
        thread.start()

    def take(self, key: str) -> Shard | None:
        """The shard ``key`` as indexed ahead, with its bundle, if there is one: the same
        records as the patch's shard of that key, their words folded while indexing."""
        thread, shard = self._jobs.pop(key, (None, None))
        if thread is not None:
            thread.join(TIMEOUT)
        return shard if shard is not None and shard.bundle is not None else None

    def clear(self) -> None:
        self._jobs.clear()


def ahead_of(run: BuildRun) -> Ahead:
    """The shards indexed ahead of the patch ``run`` makes."""
    return run.scratch.setdefault(f"{PLUGIN_NAME}.ahead", Ahead())


def index_bundle(service: PagefindService, payloads: list[dict]) -> dict[str, bytes]:
    """The bundle of one shard's records (``Shard.payloads``), indexed by ``service``."""
    index = service.new_index({"force_language": LANGUAGE})
    service.batch([{"type": "AddRecord", "index_id": index, **p} for p in payloads])
    answer, _ = service.batch([{"type": "GetFiles", "index_id": index},
                               {"type": "DeleteIndex", "index_id": index}])
    return bundle_files(answer.get("files") or [])


def write_shards(output: Path, shards: Iterable[Shard], store: RecordStore | None = None,
                 ledger: OutputLedger | None = None, ahead: Ahead | None = None) -> None:
    """Index each shard with one Pagefind service into ``output/pagefind/<shard>/``; a shard
    indexed ahead of a patch (:func:`index_early`) is taken as it was indexed then. The
    records of each shard go to ``store`` before they are let go.

    The files come back in memory (``GetFiles``) and are written here, so each one is
    complete before the build goes on (Pagefind's ``WriteFiles`` may answer first). A file
    the last build left with the same bytes (``ledger``) is not written but listed in
    ``Shard.unchanged``: Pagefind names fragments by their content, so an edited page
    changes a handful of a shard's ≈ 300 files.
    """
    try:
        with contextlib.ExitStack() as stack:
            service = None
            for shard in shards:
                shutil.rmtree(output / shard.reldir, ignore_errors=True)
                indexed = ahead.take(shard.key) if ahead is not None else None
                if indexed is not None:
                    files, records = indexed.bundle, indexed.records
                else:
                    if service is None:
                        service = stack.enter_context(PagefindService(pagefind_executable()))
                    files, records = index_bundle(service, shard.payloads()), shard.records
                if store is not None:
                    store.put(shard.name, shard.key, records)
                shard.release()
                if "pagefind.js" not in files:
                    raise ServiceError(f"không thấy {shard.reldir}/pagefind.js trong bó chỉ mục")
                _write_bundle(output, shard, files, ledger)
    except (ServiceError, BundleFormatError) as error:
        raise SearchIndexError(f"Pagefind không lập được chỉ mục tìm kiếm: {error}") from error


def _write_bundle(output: Path, shard: Shard, files: dict[str, bytes], ledger: OutputLedger | None) -> None:
    """Write the bundle of ``shard``; a file the last build left with these very bytes is
    listed in ``shard.unchanged`` instead."""
    shard.unchanged = []
    folders: set[Path] = set()
    for relpath, data in files.items():
        path = f"{shard.reldir}/{relpath}"
        if ledger is not None and ledger.unchanged(path, data):
            shard.unchanged.append(path)
            continue
        target = output / path
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_bytes(data)


def manifest_text(shards: list[Shard]) -> str:
    """``shards.json``: the shard folders, the first one loaded, the others merged into it."""
    return json.dumps({"shards": [s.name for s in shards]}, ensure_ascii=False) + "\n"


class Taking:
    """Shards several threads index, each taking the next one left when it is done with one."""

    def __init__(self, shards: Iterable[Shard]) -> None:
        self._left = iter(shards)
        self._lock = threading.Lock()

    def __iter__(self) -> Taking:
        return self

    def __next__(self) -> Shard:
        with self._lock:
            return next(self._left)


@dataclass
class IndexJob:
    """Indexing of one build: planned at once, run in a thread, finished with :meth:`finish`."""

    output: Path
    shards: list[Shard]
    build: BuildRun  # the run of the build it indexes for
    store: RecordStore | None = None  # where the records of the shards go, for a patch ahead
    stale: list[Shard] = field(default_factory=list)
    error: BaseException | None = None
    threads: list[threading.Thread] = field(default_factory=list)
    seconds: float = 0.0  # spent by Pagefind (in the longest thread)

    @classmethod
    def plan(cls, output: Path, records: Iterable[SearchRecord | Placed], run: BuildRun,
             store: RecordStore | None = None) -> IndexJob:
        return cls.of_shards(output, shard_records(records), run, store)

    @classmethod
    def of_shards(cls, output: Path, shards: list[Shard], run: BuildRun,
                  store: RecordStore | None = None) -> IndexJob:
        """Index the shards the run's ledger cannot keep from the last build."""
        output = Path(output).resolve()
        ledger = run.ledger
        run.owned(f"{BUNDLE_DIR}/")
        job = cls(output, shards, run, store)
        if not ledger.incremental:  # every shard is indexed: its records are made as it is
            shutil.rmtree(output / BUNDLE_DIR, ignore_errors=True)
            job.stale = list(shards)
            return job
        for shard in shards:  # a kept shard's records go as soon as its key is known
            if ledger.fresh_tree(shard.reldir, shard.key):
                shard.release()
            else:
                job.stale.append(shard)
        return job

    def run(self, shards: Iterable[Shard] | None = None) -> None:
        """Index ``shards`` (all the stale ones when not given) with one Pagefind service."""
        started = time.perf_counter()
        try:
            write_shards(self.output, self.stale if shards is None else shards, self.store,
                         self.build.ledger, ahead_of(self.build))
        except BaseException as error:  # noqa: BLE001 — handed to finish() in the main thread
            self.error = self.error or error
        self.seconds = max(self.seconds, time.perf_counter() - started)

    def start(self) -> None:
        """Index in :data:`SERVICES` threads, each with its own service, taking the largest
        shard left as it is done with one (:class:`Taking`): they end together."""
        count = max(1, min(SERVICES, len(self.stale)))
        left = Taking(sorted(self.stale, key=lambda shard: -shard.size))
        self.threads = [threading.Thread(target=self.run, args=(left,), daemon=True,
                                         name="search-index" + (f"-{n + 1}" if n else "")) for n in range(count)]
        for thread in self.threads:
            self.build.ledger.follow(thread)  # a build failing meanwhile waits before removing staging
            thread.start()

    def finish(self) -> int:
        """Wait for the shards, record them and write the manifest; the number of records."""
        started = time.perf_counter()
        if not self.threads:
            self.run()
        for thread in self.threads:
            thread.join(max(0.0, TIMEOUT - (time.perf_counter() - started)))
            if thread.is_alive():
                self.error = SearchIndexError(f"Pagefind chạy quá {TIMEOUT} giây.")
        waited = time.perf_counter() - started
        if self.error is not None:
            for shard in self.stale:
                shutil.rmtree(self.output / shard.reldir, ignore_errors=True)
            if isinstance(self.error, SearchIndexError):
                raise self.error
            raise SearchIndexError(f"Không lập được chỉ mục tìm kiếm: {self.error}") from self.error
        count = sum(s.size for s in self.shards)
        if not self.shards:
            logger.warning("Không có trang nào để lập chỉ mục tìm kiếm.")
            return 0
        for shard in self.stale:
            self.build.ledger.wrote_tree(shard.reldir, shard.key, shard.unchanged)
        if self.store is not None:
            # A patch changes records, not which shard a file is in.
            self.store.keep(self.shards, placed=not isinstance(self.build.ledger, Patch))
        text = manifest_text(self.shards)
        self.build.output(f"{BUNDLE_DIR}/{MANIFEST}", lambda: text)
        logger.info("Chỉ mục tìm kiếm: %d trang trong %d phần, lập lại %d phần (Pagefind %.1f s, chờ %.1f s).",
                    count, len(self.shards), len(self.stale), self.seconds, waited)
        return count


def index_records(output: Path, records: Iterable[SearchRecord]) -> int:
    """Write the search bundles of ``records`` into ``output/pagefind/`` now (no thread)."""
    run = BuildRun.writing_all(Path(output))
    run.declare(Recipe(PLUGIN_NAME, (f"{BUNDLE_DIR}/",), lambda _run: None))
    with run.making(PLUGIN_NAME):
        return IndexJob.plan(output, records, run).finish()


# The run holds its indexing job (scratch, JOB) from all_generators_finalized to finalized,
# and keeps the shards of its last index (memory, PLUGIN_NAME) for the recipe made again.
JOB = f"{PLUGIN_NAME}.job"


def declare(pelican: object) -> None:
    """``initialized``: the recipe of ``pagefind/``."""
    settings = pelican.settings
    if plugin_enabled(settings, PLUGIN_NAME):
        run_of(settings).declare(Recipe(PLUGIN_NAME, (f"{BUNDLE_DIR}/",), index_site, early=index_early,
                                        start=index_edited))


def start_indexing(generators: list) -> None:
    """``all_generators_finalized`` (records are final): once the pages begin, collect the
    records and start indexing them. Not now: the helpers that render pages are not forked
    yet (:mod:`toasoan.build.share`), and making the records meanwhile would keep them waiting."""
    if not generators:
        return
    settings, context = generators[0].settings, generators[0].context
    run = run_of(settings)
    if PLUGIN_NAME not in run.recipes:
        return

    def plan() -> IndexJob:
        started = time.perf_counter()
        pages = [Placed.of(source) for source in searchable(
            context.get("articles", ()), context.get("pages", ()), (context.get("tracked_items") or {}).values())]
        with run.making(PLUGIN_NAME):
            job = IndexJob.plan(Path(settings["OUTPUT_PATH"]).resolve(), pages, run, RecordStore.of(run))
        logger.info("Chỉ mục tìm kiếm: %d trang, chuẩn bị %.1f s.", len(pages), time.perf_counter() - started)
        return job

    def index_apart() -> None:  # in a process of its own: its services in threads there
        job = plan()
        job.start()
        job.finish()

    def begin() -> None:
        if BACKGROUND and run.beside_process(PLUGIN_NAME, index_apart):
            return
        job = plan()
        if BACKGROUND:  # beside the pages
            job.start()
        run.scratch[JOB] = job

    run.when_pages_begin(begin)


def finish_indexing(pelican: object) -> None:
    """``finalized``: the recipe is made (SearchIndexError fails the build)."""
    run_of(pelican.settings).make(PLUGIN_NAME)


def index_edited(run: BuildRun) -> None:
    """The recipe made again begins: plan indexing the shards holding a page whose body
    changed (``run.edited``) and start it, while the pages are rendered again."""
    finished = run.memory.get(PLUGIN_NAME)
    if finished is None:
        raise SearchIndexError("Chỉ mục tìm kiếm chưa được lập (thiếu tín hiệu all_generators_finalized).")
    edited = {id(content) for content in run.edited}
    shards = [remade(s) if any(id(source) in edited for source in s.sources) else s for s in finished]
    job = IndexJob.of_shards(Path(run.settings["OUTPUT_PATH"]), shards, run, RecordStore.of(run))
    if BACKGROUND:
        job.start()
    run.scratch[JOB] = job


def index_site(run: BuildRun) -> None:
    """The recipe: wait for the index started at ``all_generators_finalized`` (or, made
    again, by :func:`index_edited`) and finish it. An index made in a process of its own
    is done there; the run takes in what it wrote."""
    if run.awaited(PLUGIN_NAME):
        return
    job = run.scratch.pop(JOB, None)
    if job is None:
        index_edited(run)
        job = run.scratch.pop(JOB)
    try:
        job.finish()
    finally:
        ahead_of(run).clear()
    run.memory[PLUGIN_NAME] = job.shards


def index_early(run: BuildRun, contents: list) -> None:
    """The recipe's early start: index now the shards of the edited pages with their new
    records (the others from the store); the recipe takes a bundle only if its key matches.
    A shard whose records are those the last build indexed is not: the patch keeps its files
    (a page edited since the kept run was made, but not since the last build, is patched
    again in every build)."""
    stored = RecordStore.of(run).shard_of([content.source_path for content in contents])
    edited: dict[str, list[SearchRecord]] = {}
    changed: set[str] = set()  # shards with a record the last build did not index
    for content in contents:
        shard = stored.get(os.path.abspath(content.source_path))
        record = record_of(content) if shard is not None else None
        if record is not None:
            records = edited.setdefault(shard.name, list(shard.records))
            for n, old in enumerate(records):
                if old.url == record.url and old != record:
                    records[n] = record
                    changed.add(shard.name)
    ahead_of(run).start([_shard(name, records) for name, records in edited.items() if name in changed])


def register() -> None:
    from pelican import signals

    signals.initialized.connect(declare)
    signals.all_generators_finalized.connect(start_indexing)
    signals.finalized.connect(finish_indexing)
