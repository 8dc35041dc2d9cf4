"""Benchmarks: a generated Vietnamese newsroom corpus and a harness against stock Pelican."""

import resource


def cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for (e.g. Pagefind), in seconds."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
