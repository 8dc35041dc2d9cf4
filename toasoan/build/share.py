"""Pages rendered on every core: the writer's work split between forked processes.

Once Pelican has read everything and made its writer (every generator's context is final),
the :class:`~.writer.IncrementalWriter` forks one *helper* per further core. Each process —
the first one and every helper — then goes through the same ``generate_output`` of every
generator that renders through the writer, in the same order, but renders only its
*share*: the pages and feeds it reached first (:class:`Claims`: the first process to ask
for an output path renders it, and every later write to that path, so Pelican's overwrite
rules hold as they do in one process). The shares balance themselves: the first process,
which also does the work below, reaches fewer pages first; a static split left one
process rendering alone for up to 3.6 s at the end of a cold build at 5 000 articles
while the other core idled. A page of another share costs a skip:
the first process still tells plugins it was written (``content_written``: the sitemap
sees every page, in the same order as without helpers). ``feed_written`` carries the feed object, so
it is sent only where the feed is written (as for a feed an incremental build keeps).

Only the first process makes the plugins' recipes, works beside the pages (the search
index's threads) and copies static files: a helper's run has no recipes (``run.make`` does
nothing there) and skips the generators that write without the writer (static files,
sources). Helpers are forked only while no other thread runs — a lock held by a thread at
the fork stays held in the helper for ever — so the work beside the pages starts after the
fork (:meth:`toasoan.build.run.BuildRun.when_pages_begin`), and a process with threads of
its own (a server) renders alone. A helper sends back what its ledger learned of its
share — what it wrote, from which key, what each page read, what it kept — and the first
process takes it in (:meth:`toasoan.build.run.BuildRun.gather`) at ``finalized`` (the
incremental plugin, which installs the writer: so also when Pelican runs on its own). A helper
that fails sends its exception: the build fails with it, the outputs untouched. A build
that fails meanwhile stops its helpers before removing the staging folder (:mod:`.forked`).

Forked processes exist only where ``fork`` does (not on Windows): there, and with one core,
the writer renders everything itself. ``RENDER_PROCESSES`` in the settings sets how many
processes render (default: the cores this process may use).
"""

from __future__ import annotations

import mmap
import multiprocessing
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from ..parsing import may_fork, workers
from . import forked
from .generators import generator_contents
from .outputs import LedgerPart
from .run import run_of

SETTING = "RENDER_PROCESSES"
GENERATORS = "share.generators"  # the run's scratch: the generators, handed over at all_generators_finalized
# Outputs the writer writes, about, per article and page of the run, and besides (sizes the claims table):
# 10 760 pages and feeds for 5 010 articles and pages at 5 000 articles, with 2 005 tracker items.
OUTPUTS_PER_CONTENT, OUTPUTS_BESIDE = 3, 1024


# A slot of the claims table: a path's hash (0: empty) and the index of the process rendering it.
SLOT = struct.Struct("<QB")
FULLEST = 0.75  # the part of the table claims may fill; past it, new paths are split by hash
CLAIM_WAIT = 120  # seconds; a claim holds the lock for microseconds: longer, its holder died


class ClaimsStuck(RuntimeError):
    """The claims' lock stayed held: a process died holding it. The build fails, not hangs."""


class Claims:
    """Which process renders each output, settled as the processes reach them: a table of
    path hashes in memory shared across the fork, under a lock. Made before the helpers
    are forked; ``expected``: about how many outputs the build writes (it sizes the table).
    A claim waits for the lock at most :data:`CLAIM_WAIT`: a process that died holding it
    fails the build (:class:`ClaimsStuck`) instead of hanging it."""

    def __init__(self, expected: int) -> None:
        self.slots = 1 << max(12, (2 * expected - 1).bit_length())  # at most about half full
        self._table = mmap.mmap(-1, self.slots * SLOT.size + 8)  # anonymous: shared with forked processes
        self._lock = multiprocessing.get_context("fork").Lock()

    def claim(self, relpath: str, index: int, count: int) -> int:
        """The index of the process that renders ``relpath``: the first of the ``count``
        processes to ask (``index``: the one asking). A forked process hashes text with
        its parent's seed, so every process finds a path in the same slot."""
        key = hash(relpath) & 0xFFFF_FFFF_FFFF_FFFF or 1
        mask, slot = self.slots - 1, key & (self.slots - 1)
        if not self._lock.acquire(timeout=CLAIM_WAIT):  # held by a process that died holding it
            raise ClaimsStuck(f"Không chia được trang {relpath} giữa các tiến trình dựng: khóa bị giữ quá "
                              f"{CLAIM_WAIT} giây (một tiến trình dựng có thể đã dừng bất thường). Dựng lại.")
        try:
            while True:
                found, owner = SLOT.unpack_from(self._table, slot * SLOT.size)
                if found == key:
                    return owner
                if found == 0:
                    break
                slot = (slot + 1) & mask
            used = int.from_bytes(self._table[-8:], "little")
            if used >= FULLEST * self.slots:  # a longer build than expected: split the rest by hash
                return key % count
            SLOT.pack_into(self._table, slot * SLOT.size, key, index)
            self._table[-8:] = (used + 1).to_bytes(8, "little")
            return index
        finally:
            self._lock.release()


@dataclass
class Share:
    """Which outputs one process renders: those it claims first (:class:`Claims`)."""

    index: int
    count: int
    claims: Claims = field(repr=False)
    handled: list[str] = field(default_factory=list)  # the outputs of its share it wrote or kept

    @property
    def first(self) -> bool:
        """The process that makes the recipes and tells plugins of every page."""
        return self.index == 0

    def owns(self, relpath: str) -> bool:
        return self.claims.claim(relpath, self.index, self.count) == self.index


def processes(settings: dict) -> int:
    """How many processes render this build's pages (see module doc): one where this process
    may not fork (:func:`toasoan.parsing.may_fork`: no ``fork``, a worker itself, or another
    thread running; work beside the pages starts after the fork:
    :meth:`toasoan.build.run.BuildRun.when_pages_begin`)."""
    if not may_fork():
        return 1
    return max(1, int(settings.get(SETTING) or workers()))


def hand_over(generators: Sequence[object]) -> None:
    """``all_generators_finalized``: the writer, made next, splits their pages (see module doc)."""
    if generators:
        run_of(generators[0].settings).scratch[GENERATORS] = generators


def start(writer, generators: Sequence[object]) -> Share | None:
    """Fork the helpers of a writer just made over ``generators`` (see module doc); the first
    process's share, or None when it renders everything itself."""
    count = processes(writer.settings)
    if count < 2 or not generators:
        return None
    run = run_of(writer.settings)
    contents = sum(1 for generator in generators for _ in generator_contents(generator))
    claims = Claims(OUTPUTS_PER_CONTENT * contents + OUTPUTS_BESIDE)
    for index in range(1, count):
        work = partial(_render_share, writer, generators, Share(index, count, claims))
        run.follow(forked.fork(f"toasoan-render-{index}", work))
    return Share(0, count, claims)


def _render_share(writer, generators: Sequence[object], share: Share) -> LedgerPart:
    """A helper's work: its share of every page and feed (see module doc)."""
    from pelican.generators import SourceFileGenerator, StaticGenerator

    run = run_of(writer.settings)
    run.recipes, run.beside = {}, []  # the first process makes them, and works beside the pages
    writer.share = share
    for generator in generators:
        if hasattr(generator, "generate_output") and not isinstance(
                generator, (StaticGenerator, SourceFileGenerator)):
            generator.generate_output(writer)
    return writer.ledger.part(share.handled)
