"""The run of one build: what a plugin reaches of the build it is part of, in one way.

Every build makes one :class:`BuildRun` and puts it in the settings of the Pelican run it
drives (a patch, in those of the kept run it patches, and in their shared context), under
:data:`SETTING`. A plugin reaches it with :func:`run_of` from whatever its signal gives it —
``pelican.settings``, ``generator.settings``, ``writer.settings``, a page's context::

    run = run_of(generator.settings)
    run.output("tracker/action-items.ics", lambda: to_ics(items), key=digest(items))

:meth:`BuildRun.output` is the one way a plugin writes a file it owns: the ledger
(:mod:`.outputs`) keeps the last build's file when its key is the same. What a plugin keeps
of a finished run for a later patch goes in :attr:`BuildRun.memory` (saved with the run,
:mod:`.saved_run`); what it holds while the run lasts, in :attr:`BuildRun.scratch`.

Outside a build (Pelican run on its own) the first plugin that asks gets a run that writes
everything, into ``OUTPUT_PATH``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from .outputs import FullBuild, OutputLedger, digest

SETTING = "BUILD_RUN"


@dataclass(eq=False)
class BuildRun:
    """One build (see module doc)."""

    ledger: OutputLedger
    memory: dict[str, object] = field(default_factory=dict)  # plugin → what a patch needs of the run
    scratch: dict[str, object] = field(default_factory=dict)  # plugin → what it holds while the run lasts

    @classmethod
    def writing_all(cls, output: Path) -> BuildRun:
        """A run outside a build: it writes everything into ``output``."""
        return cls(FullBuild(output, output))

    @property
    def output_path(self) -> Path:
        """The output folder the run updates (its files are written into a staging folder)."""
        return self.ledger.output.resolve()

    def output(self, relpath: str, render: Callable[[], str | bytes], key: str | None = None) -> bool:
        """Write ``render()`` to ``relpath`` of the staging folder, unless the last build wrote
        it from the same ``key`` (``None``: the data itself is the key, so it is rendered
        first). Text is written as UTF-8 without newline changes. Whether it was written."""
        data = None
        if key is None:
            data = render()
            key = digest(data)
        if self.ledger.fresh(relpath, key):
            return False
        data = render() if data is None else data
        target = self.ledger.staging / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        self.ledger.wrote(relpath, key)
        return True

    @contextlib.contextmanager
    def driving(self, *places: MutableMapping) -> Iterator[BuildRun]:
        """The run, in ``places`` (Pelican settings, a run's context) while the block runs."""
        before = [place.get(SETTING) for place in places]
        for place in places:
            place[SETTING] = self
        try:
            yield self
        finally:
            for place, was in zip(places, before, strict=True):
                place[SETTING] = was

    def __reduce__(self) -> tuple:
        """A run belongs to its build: settings saved with a Pelican run keep none."""
        return _no_run, ()


def _no_run() -> None:
    return None


def run_of(settings: MutableMapping) -> BuildRun:
    """The run of the build these settings (or this context) belong to (see module doc)."""
    found = settings.get(SETTING)
    if found is None:
        found = settings[SETTING] = BuildRun.writing_all(Path(settings["OUTPUT_PATH"]))
    return found
