"""Python's cyclic garbage collector, paused while a run loads and checks a whole site.

A build, ``invoke check`` and the review make almost no garbage in cycles, but they load
thousands of parsed files at once: each of the collector's full passes meanwhile scans
everything loaded so far. At 20 000 articles that was a quarter of loading the review's
parse cache, and ≈ 0.5–1 s of a cold build at 5 000.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextlib.contextmanager
def collector_off() -> Iterator[None]:
    """The collector off while the block runs, then on again if it was on before."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def without_collector(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run with the collector off (:func:`collector_off`)."""
    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_off():
            return function(*args, **kwargs)
    return paused
