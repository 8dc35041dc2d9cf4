"""Benchmarks: a generated Vietnamese newsroom corpus and a harness against stock Pelican."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for (e.g. Pagefind), in seconds."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(action: Callable[[], T]) -> tuple[T, dict[str, float]]:
    """``action()`` and how it ran: wall and CPU seconds (:func:`cpu_seconds`), and this
    process's peak RSS so far in MiB — what a measuring subprocess prints as JSON."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = action()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    return result, {"wall": wall, "cpu": cpu, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
