"""Pelican wiring for the incremental build: use :class:`IncrementalWriter` (``get_writer``)."""

from __future__ import annotations

from pelican import signals

from toasoan.build.writer import IncrementalWriter
from toasoan.settings import plugin_enabled

PLUGIN_NAME = "incremental"


def get_writer(pelican) -> type | None:
    return IncrementalWriter if plugin_enabled(pelican.settings, PLUGIN_NAME) else None


def register() -> None:
    signals.get_writer.connect(get_writer)
