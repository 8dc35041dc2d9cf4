"""Memory a build has freed, handed back to the system.

CPython gives what it frees to the C library's heap, and glibc keeps most of it: the
temporaries of a build (files read and parsed, pickles from the parse pool, each rendered
page) leave tens of MiB that are free for the process but still count in its resident
size — and that a helper forked to render half the pages (:mod:`.share`) inherits.
:func:`release_free_memory` asks glibc to return them (``malloc_trim``); elsewhere (Windows,
macOS, a C library without it) it does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # the process's own C library
    except (OSError, AttributeError):  # e.g. musl: no malloc_trim
        return None


def release_free_memory() -> None:
    """Return the free pages of the C heap to the system, where the C library can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
