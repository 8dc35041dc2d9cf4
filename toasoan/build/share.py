"""Pages rendered on every core: the writer's work split between forked processes.

Once Pelican has read everything and made its writer (every generator's context is final),
the :class:`~.writer.IncrementalWriter` forks one *helper* per further core. Each process —
the first one and every helper — then goes through the same ``generate_output`` of every
generator that renders through the writer, in the same order, but renders only its
*share*: the pages and feeds whose output path falls to it (:meth:`Share.owns`, by the
path's hash, so every write to one path happens in one process and Pelican's overwrite
rules hold as they do in one process). The first process's share is the smallest
(:data:`FIRST_WEIGHT`): it also does the work below. A page of another share costs a skip:
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

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from ..parsing import may_fork, workers
from . import forked
from .outputs import LedgerPart
from .run import run_of

SETTING = "RENDER_PROCESSES"
GENERATORS = "share.generators"  # the run's scratch: the generators, handed over at all_generators_finalized


@dataclass
class Share:
    """Which outputs one process renders: those whose path hashes to its ``index``."""

    index: int
    count: int
    handled: list[str] = field(default_factory=list)  # the outputs of its share it wrote or kept

    @property
    def first(self) -> bool:
        """The process that makes the recipes and tells plugins of every page."""
        return self.index == 0

    def owns(self, relpath: str) -> bool:
        return owner(relpath, self.count) == self.index


FIRST_WEIGHT = 0.7  # the first process's share of pages, to a helper's 1: it also makes the recipes


def owner(relpath: str, count: int) -> int:
    """The index of the process that renders ``relpath`` out of ``count``. The first
    process renders fewer pages than a helper (:data:`FIRST_WEIGHT`): it also makes every
    recipe, feeds the search index and tells plugins of every page."""
    place = hash(relpath) % 10_000 / 10_000 * (FIRST_WEIGHT + count - 1)
    return 0 if place < FIRST_WEIGHT else min(count - 1, 1 + int(place - FIRST_WEIGHT))


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
    for index in range(1, count):
        work = partial(_render_share, writer, generators, Share(index, count))
        run.follow(forked.fork(f"toasoan-render-{index}", work))
    return Share(0, count)


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
