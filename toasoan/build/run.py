"""The run of one build: what a plugin reaches of the build it is part of, in one way.

Every build makes one :class:`BuildRun` and puts it in the settings of the Pelican run it
drives (a patch, in those of the kept run it patches, and in their shared context), under
:data:`SETTING`. A plugin reaches it with :func:`run_of` from whatever its signal gives it —
``pelican.settings``, ``generator.settings``, ``writer.settings``, a page's context.

A plugin declares, at ``initialized``, a :class:`Recipe`: the outputs it owns (files, and
folders ending in ``/``) and ``make``, the function that writes them from the run's objects
with :meth:`BuildRun.output`. When its inputs are ready (its own Pelican signal) it asks the
run to :meth:`~BuildRun.make` it::

    def declare(pelican):            # initialized
        run_of(pelican.settings).declare(Recipe("tracker", ("tracker/items.ics",), write_ics))

    def write_ics(run):              # the recipe: keyed, so an unchanged file is kept
        items = run.memory["tracker"]
        title = run.settings["SITENAME"]  # the settings of the Pelican run it drives now
        run.output("tracker/items.ics", lambda: to_ics(items, title), key=digest(items, title))

    def finished(generator):         # article_writer_finalized
        run = run_of(generator.settings)
        run.memory["tracker"] = generator.items
        run.make("tracker")

:meth:`BuildRun.output` writes only inside a recipe, and only what that recipe owns; a
path it did not declare is refused (:class:`UndeclaredOutput`, naming the plugin and the
path). The ledger (:mod:`.outputs`) keeps the last build's file when its key is the same.
A recipe that owns nothing is a check: it may only raise.

When a build patches the bodies of articles or pages into a kept Pelican run
(:mod:`.session`), it makes every recipe of that run again (:meth:`BuildRun.remake`), in
the order they were declared — but for those that declared ``bodies=False``: what they make
shows no body, and a patch keeps their files. A recipe's keys tell which of its files
changed, and :attr:`BuildRun.edited` names the articles and pages whose bodies changed since
it was last made; one that can ``start`` begins before the pages are rendered again
(:meth:`BuildRun.restart`) and is made after them. A recipe may also say what it can do
``early``: the run hands it the edited files, read on their own, before the patch starts
(the search index has Pagefind index their shards meanwhile).

What a plugin keeps of a finished run for a recipe made again goes in
:attr:`BuildRun.memory` (the preview keeps it with the run, :mod:`.session`); what it holds
while the run lasts, in :attr:`BuildRun.scratch`. Recipes belong to the Pelican object that
declared them.

Outside a build (Pelican run on its own) the first plugin that asks gets a run that writes
everything, into ``OUTPUT_PATH``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

from ..parsing import may_fork
from . import forked
from .memory import release_free_memory
from .outputs import FullBuild, LedgerPart, OutputLedger, digest, output_name

SETTING = "BUILD_RUN"


class UndeclaredOutput(RuntimeError):
    """A plugin wrote a file it did not declare (a bug in the plugin, not in the content)."""


@dataclass
class Recipe:
    """The outputs one plugin owns and how it makes them (see module doc)."""

    plugin: str
    owns: tuple[str, ...]  # output files, and folders ending in "/"
    make: Callable[[BuildRun], None]
    early: Callable[[BuildRun, Sequence[object]], None] | None = None  # given the edited files read alone
    start: Callable[[BuildRun], None] | None = None  # made again: begun before the pages are rendered again
    bodies: bool = True  # what it makes depends on bodies of articles and pages (False: a patch keeps it)

    def covers(self, relpath: str) -> bool:
        """Whether ``relpath`` (a file, or a folder) is one of its outputs."""
        return any(relpath == own or (own.endswith("/") and f"{relpath}/".startswith(own)) for own in self.owns)


@dataclass(eq=False)
class BuildRun:
    """One build (see module doc)."""

    ledger: OutputLedger
    memory: dict[str, object] = field(default_factory=dict)  # plugin → what its recipe needs again
    scratch: dict[str, object] = field(default_factory=dict)  # plugin → what it holds while the run lasts
    recipes: dict[str, Recipe] = field(default_factory=dict)  # plugin → its recipe, in declaration order
    edited: tuple[object, ...] = ()  # articles and pages whose bodies changed since the recipes were made
    helpers: list[forked.Helper] = field(default_factory=list)  # processes rendering a share of the pages (.share)
    # The settings of the Pelican run it drives (a patch: the kept run's): what a recipe reads
    settings: MutableMapping = field(default_factory=dict, repr=False)
    beside: list[Callable[[], None]] = field(default_factory=list)  # to start once the pages begin
    kept: bool = False  # a preview keeps the Pelican run to patch it (toasoan.build.session)
    _making: Recipe | None = field(default=None, repr=False)
    # plugin → the process of its own making its outputs (None once awaited)
    _apart: dict[str, forked.Helper | None] = field(default_factory=dict, repr=False)

    @classmethod
    def writing_all(cls, output: Path, settings: MutableMapping | None = None) -> BuildRun:
        """A run outside a build: it writes everything into ``output``."""
        return cls(FullBuild(output, output), settings={} if settings is None else settings)

    @property
    def output_path(self) -> Path:
        """The output folder the run updates (its files are written into a staging folder)."""
        return self.ledger.output.resolve()

    def declare(self, recipe: Recipe) -> None:
        """Keep ``recipe``: its plugin owns its outputs for this run."""
        self.recipes[recipe.plugin] = recipe

    def when_pages_begin(self, start: Callable[[], None]) -> None:
        """Call ``start`` (work beside the rendering: a thread) once the writer has forked its
        helpers (:mod:`.share`): a thread running at the fork could hold a lock a helper needs."""
        self.beside.append(start)

    def pages_begin(self) -> None:
        """The writer's helpers are forked (or none will be): start the work beside the pages,
        then give back to the system what that work freed in this process (the tracker's
        exports, where they are not made apart: ≈ 20 MiB at 5 000 articles, kept until the
        writer's next release otherwise)."""
        if not self.beside:
            return
        while self.beside:
            self.beside.pop(0)()
        release_free_memory()

    def beside_process(self, plugin: str, work: Callable[[], None] | None = None) -> bool:
        """Run ``work`` — the work beside the pages that makes ``plugin``'s outputs; by
        default its recipe — in a forked process of its own (:mod:`.forked`), whose memory and
        interpreter lock are not this process's; what it writes is taken into this run's
        ledger when the recipe has it awaited (:meth:`awaited`). False where this run does
        not fork (a preview keeps its run to patch it; no ``fork``; another thread runs):
        then the plugin does the work here."""
        if self.kept or not may_fork() or plugin not in self.recipes:
            return False
        recipe = self.recipes[plugin]

        def in_its_own_process() -> LedgerPart:
            self.beside, self._apart = [], {}  # the first process starts the rest of the work
            with self.making(plugin):
                (work or partial(recipe.make, self))()
            return self.ledger.part_under(recipe.owns)

        helper = forked.fork(f"toasoan-{plugin}", in_its_own_process)
        self.ledger.follow(helper)  # a build failing meanwhile stops it before removing staging
        self._apart[plugin] = helper
        return True

    def awaited(self, plugin: str) -> bool:
        """Whether ``plugin``'s work ran in a process of its own (:meth:`beside_process`); if
        it is still running, wait for it and take in what it wrote (its failure is raised)."""
        if plugin not in self._apart:
            return False
        helper = self._apart[plugin]
        if helper is not None:
            self._apart[plugin] = None
            self.ledger.take(helper.finish())
        return True

    def make(self, plugin: str) -> None:
        """Make ``plugin``'s recipe now; nothing if it declared none (it is off). A recipe that
        writes has the work beside the pages start first, at the latest (no writer started
        it); a check, which writes nothing, is made when asked, even before the pages begin
        (and the helpers are forked)."""
        if plugin in self.recipes:
            if self.recipes[plugin].owns:
                self.pages_begin()
            with self.making(plugin) as recipe:
                recipe.make(self)

    @contextlib.contextmanager
    def making(self, plugin: str) -> Iterator[Recipe]:
        """While the block runs, the run writes for ``plugin``'s recipe (a recipe that starts
        work before it is made, e.g. Pagefind in a thread, plans it in such a block)."""
        outer, self._making = self._making, self.recipes[plugin]
        try:
            yield self._making
        finally:
            self._making = outer

    def restart(self, edited: Sequence[object]) -> None:
        """``edited``'s bodies changed (a patch, :mod:`.session`): the recipes that depend on
        bodies and can ``start`` begin now, before the pages are rendered again (the search
        index has Pagefind work in a thread meanwhile); :meth:`remake` makes them after."""
        self.edited = tuple(edited)
        for recipe in [r for r in self.recipes.values() if r.bodies and r.start is not None]:
            with self.making(recipe.plugin):
                recipe.start(self)

    def remake(self, edited: Sequence[object]) -> None:
        """Make again every recipe that depends on bodies, after ``edited``'s bodies changed
        and the pages showing them were rendered again (a patch, :mod:`.session`)."""
        self.edited = tuple(edited)
        for plugin in [p for p, recipe in self.recipes.items() if recipe.bodies]:
            self.make(plugin)

    def follow(self, helper: forked.Helper) -> None:
        """``helper`` renders a share of the pages into the staging folder (:mod:`.share`)."""
        self.helpers.append(helper)
        self.ledger.follow(helper)  # a failed build stops it before removing the staging folder

    def gather(self) -> None:
        """Wait for the helpers and the processes of their own making plugins' outputs, and
        take in what they wrote; a failure is raised."""
        while self.helpers:
            self.ledger.take(self.helpers.pop(0).finish())
        for plugin in list(self._apart):
            self.awaited(plugin)

    def start_early(self, edited: Sequence[object]) -> None:
        """Hand the edited files, read on their own, to the recipes that can start early."""
        for recipe in list(self.recipes.values()):
            if recipe.early is not None:
                recipe.early(self, edited)

    def owned(self, relpath: str) -> str:
        """``relpath`` as the recipe being made writes it; UndeclaredOutput unless it owns it."""
        recipe, relpath = self._making, output_name(relpath)
        if recipe is None:
            owners = [r.plugin for r in self.recipes.values() if r.covers(relpath)]
            raise UndeclaredOutput(f"{relpath}: ghi ngoài công thức của plugin nào "
                                   f"(khai báo bởi: {', '.join(owners) or 'không plugin nào'}).")
        if not recipe.covers(relpath):
            raise UndeclaredOutput(f"Plugin {recipe.plugin} ghi {relpath} mà không khai báo "
                                   f"(nó khai báo: {', '.join(recipe.owns) or 'không tệp nào'}).")
        return relpath

    def output(self, relpath: str, render: Callable[[], str | bytes], key: str | None = None) -> bool:
        """Write ``render()`` to ``relpath`` of the staging folder, unless the last build wrote
        it from the same ``key`` (``None``: the data itself is the key, so it is rendered
        first). Only inside a recipe that owns ``relpath``. Text is written as UTF-8 without
        newline changes. Whether it was written."""
        relpath = self.owned(relpath)
        data = None
        if key is None:
            data = render()
            key = digest(data)

        def write(file: BinaryIO) -> None:
            made = render() if data is None else data
            file.write(made if isinstance(made, bytes) else made.encode("utf-8"))

        return self._write(relpath, write, key)

    def output_to(self, relpath: str, write: Callable[[BinaryIO], None], key: str) -> bool:
        """Like :meth:`output`, for an output made straight into its file (``write(file)``,
        binary), so a large one is never held whole (the tracker's Atom feed: 26 MB at
        20 000 articles)."""
        return self._write(self.owned(relpath), write, key)

    def _write(self, relpath: str, write: Callable[[BinaryIO], None], key: str) -> bool:
        """``write`` an output the recipe owns (``relpath``: :meth:`owned`'s) into the staging
        folder, unless the last build wrote it from ``key``."""
        if self.ledger.fresh(relpath, key):
            return False
        target = self.ledger.staging / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as file:
            write(file)
        self.ledger.wrote(relpath, key)
        return True

    @contextlib.contextmanager
    def driving(self, *places: MutableMapping) -> Iterator[BuildRun]:
        """The run, in ``places`` (Pelican settings first, then a run's context) while the block
        runs; its recipes read those settings (:attr:`settings`)."""
        before = [place.get(SETTING) for place in places]
        outer, self.settings = self.settings, places[0]
        for place in places:
            place[SETTING] = self
        try:
            yield self
        finally:
            self.settings = outer
            for place, was in zip(places, before, strict=True):
                place[SETTING] = was


def run_of(settings: MutableMapping) -> BuildRun:
    """The run of the build these settings (or this context) belong to (see module doc)."""
    found = settings.get(SETTING)
    if found is None:
        found = settings[SETTING] = BuildRun.writing_all(Path(settings["OUTPUT_PATH"]), settings)
    return found
