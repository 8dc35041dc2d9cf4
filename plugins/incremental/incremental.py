"""Pelican wiring for the incremental build: use :class:`IncrementalWriter` (``get_writer``),
record what each generator's templates read (:mod:`toasoan.build.reads`), and hand the writer
the generators whose pages it splits between the cores (:mod:`toasoan.build.share`)."""

from __future__ import annotations

from pelican import signals

from toasoan.build.run import run_of
from toasoan.build.writer import IncrementalWriter
from toasoan.settings import plugin_enabled

PLUGIN_NAME = "incremental"


def get_writer(pelican) -> type | None:
    return IncrementalWriter if plugin_enabled(pelican.settings, PLUGIN_NAME) else None


def record_reads(generator) -> None:
    """Every environment the writer renders with is a generator's, made just before this."""
    if plugin_enabled(generator.settings, PLUGIN_NAME) and hasattr(generator, "env"):
        IncrementalWriter.prepare(generator.env, generator.settings)


def note_content(content) -> None:
    """Each article and page the run makes: a field a page reads on one counts on it alone."""
    IncrementalWriter.note(content)


def hand_over(generators: list) -> None:
    if generators and plugin_enabled(generators[0].settings, PLUGIN_NAME):
        IncrementalWriter.hand_over(generators)


def gather(pelican) -> None:
    """``finalized``: the helpers' pages are in (also when Pelican runs on its own)."""
    run_of(pelican.settings).gather()


def register() -> None:
    signals.get_writer.connect(get_writer)
    signals.generator_init.connect(record_reads)
    signals.content_object_init.connect(note_content)
    signals.all_generators_finalized.connect(hand_over)
    signals.finalized.connect(gather)
