"""Memory a build has freed, handed back to the system.

CPython gives what it frees to the C library's heap, and glibc keeps most of it: the
temporaries of a build (files read and parsed, pickles from the parse pool, each rendered
page) leave tens of MiB that are free for the process but still count in its resident
size — and that a helper forked to render half the pages (:mod:`.share`) inherits.
:func:`release_free_memory` asks glibc to return them (``malloc_trim``), and
:func:`map_large_blocks` has it give every large block a mapping of its own, returned to the
system when the block is freed; elsewhere (Windows, macOS, a C library without them) they do
nothing.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import sys
from collections.abc import Callable

M_MMAP_THRESHOLD = -3  # glibc's mallopt() parameter
LARGE_BLOCK = 1024 * 1024  # bytes: a block this large or larger gets a mapping of its own


@functools.cache
def _glibc(name: str) -> Callable[..., int] | None:
    """A function of the process's own C library when it is glibc's, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):  # e.g. musl: neither malloc_trim nor mallopt
        return None


def release_free_memory() -> None:
    """Return the free pages of the C heap to the system, where the C library can."""
    trim = _glibc("malloc_trim")
    if trim is not None:
        trim(0)


def release_page_garbage() -> None:
    """Free the reference cycles rendering made since the last call, keep what survives out
    of later collections (``gc.freeze``: the next call scans only what is newer), and return
    the freed pages to the system. A build runs with the collector off; a page whose
    templates define macros leaves a cycle (its Jinja context holds the macros, which hold
    it): ≈ 670 contexts and their page values at the end of a helper's share at 5 000
    articles, kept to the end without this."""
    gc.collect()
    gc.freeze()
    release_free_memory()


@functools.cache
def map_large_blocks() -> None:
    """Have glibc map each block of :data:`LARGE_BLOCK` or more on its own, for the rest of
    the process. By default it raises that threshold each time such a block is freed, and
    later large blocks — a search shard's records and bundle, a page of the tracker's — come
    from the heap, where what they leave counts in the resident size until the process ends
    (≈ 13 MiB of a cold build's peak at 5 000 articles). Smaller blocks are left to the
    heap: mapping each of them would cost the build more time than it saves."""
    mallopt = _glibc("mallopt")
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)
