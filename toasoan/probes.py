"""File-system questions asked while parsing a document, recorded so a cached parse can be reused.

Parsing a file depends on its bytes and on a few other files: does the linked article
exist, how large is the image? :func:`file_size` answers those questions for the model
and, inside :func:`recording`, remembers each answer. A cached result stays valid while
every recorded answer is still the same (:func:`still_true`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

Probe = tuple[str, int | None]  # (path, size in bytes or None when it is not a file)

_recorded: ContextVar[list[Probe] | None] = ContextVar("toasoan_probes", default=None)


def _size(path: Path) -> int | None:
    # Through the path object, not os.stat: the review answers from a git tree with its own
    # path class (toasoan.editorial.tree.TreePath).
    try:
        return path.stat().st_size if path.is_file() else None
    except (OSError, ValueError):
        return None


def file_size(path: Path) -> int | None:
    """Size of the regular file at ``path``, or None when there is none."""
    size = _size(path)
    recorded = _recorded.get()
    if recorded is not None:
        recorded.append((str(path), size))
    return size


def is_file(path: Path) -> bool:
    return file_size(path) is not None


@contextmanager
def recording() -> Iterator[list[Probe]]:
    """Collect the probes made in this block (in this thread or task)."""
    probes: list[Probe] = []
    token = _recorded.set(probes)
    try:
        yield probes
    finally:
        _recorded.reset(token)


def still_true(probes: Iterable[Probe], root: Path) -> bool:
    """Whether every probe, recorded relative to the content folder, would get the same
    answer under ``root`` now (the review passes the root of the git tree it reads)."""
    return all(_size(root / path) == size for path, size in probes)
