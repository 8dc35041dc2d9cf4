"""What a page reads while it is rendered: the context names and Jinja globals its templates use.

The incremental writer (:mod:`.writer`) renders each page inside :func:`recording`; every
name a template resolves from the page's context or the environment's globals is added to
the recording *where its value is used*. Jinja's compiled code resolves every name a frame
(a template, a block, a macro, a loop body) refers to when the frame starts, whether or not
the branch using it runs; :class:`RecordingCodeGenerator` keeps that resolution silent and
wraps each use of a resolved name in :func:`record_read`. So a name in an ``{% if %}``
branch not taken, in a macro never called or in a loop over nothing is not recorded, and
templates reached by ``extends``, ``include`` and ``import`` record their own reads (they
are compiled the same way). Python code handed the context (``pass_context``) reads through
``context[name]``, ``get``, ``resolve`` or ``in``: :class:`RecordingContext` records those.
What it reads through ``get_all()``, ``vars`` or ``parent`` is not recorded: the project's
filters and globals take no context.

:func:`install` sets both on a Jinja environment (the ``incremental`` plugin does it for
every generator's). Either half alone stays sound: a template compiled without the
generator resolves through :meth:`RecordingContext.resolve_or_missing`, which records every
name of the frame; code compiled with it records its uses in any context.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from jinja2 import Environment
from jinja2.compiler import CodeGenerator, Frame
from jinja2.idtracking import VAR_LOAD_ALIAS, VAR_LOAD_RESOLVE
from jinja2.nodes import Name, Template
from jinja2.runtime import Context

_RECORDING: ContextVar[set[str] | None] = ContextVar("toasoan_reads", default=None)


def record_read(name: str, value: Any) -> Any:
    """``value``, the value of ``name``, noted as read by the page being rendered."""
    reads = _RECORDING.get()
    if reads is not None:
        reads.add(name)
    return value


@contextlib.contextmanager
def recording() -> Iterator[set[str]]:
    """The names read while the block runs (rendering one page)."""
    reads: set[str] = set()
    token = _RECORDING.set(reads)
    try:
        yield reads
    finally:
        _RECORDING.reset(token)


class RecordingContext(Context):
    """A Jinja context recording the names Python code reads from it (see module doc)."""

    def resolve_quietly(self, key: str) -> Any:
        """The value of ``key`` or ``missing``, not recorded: compiled code records its uses."""
        return Context.resolve_or_missing(self, key)

    def resolve_or_missing(self, key: str) -> Any:
        return record_read(key, super().resolve_or_missing(key))

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            record_read(name, None)
        return super().__contains__(name)


class RecordingCodeGenerator(CodeGenerator):
    """Jinja's code generator, recording each use of a name resolved from the context."""

    cache_tag = "reads-1"  # compiled code differs: kept apart in the template cache

    def visit_Template(self, node: Template, frame: Frame | None = None) -> None:  # noqa: N802 (Jinja's)
        self.writeline(f"from {__name__} import record_read")
        super().visit_Template(node, frame)

    def write_commons(self) -> None:
        super().write_commons()
        self.writeline("resolve = getattr(context, 'resolve_quietly', resolve)")

    def visit_Name(self, node: Name, frame: Frame) -> None:  # noqa: N802 (Jinja's)
        if node.ctx != "load" or not _from_context(frame, node.name):
            super().visit_Name(node, frame)
            return
        self.write(f"record_read({node.name!r}, ")
        super().visit_Name(node, frame)
        self.write(")")


def _from_context(frame: Frame, name: str) -> bool:
    """Whether ``name``, used in ``frame``, may hold a value resolved from the context (an
    alias of an outer frame's name is followed; unknown counts as resolved)."""
    symbols = frame.symbols
    load = symbols.find_load(symbols.ref(name))
    while load is not None and load[0] == VAR_LOAD_ALIAS:
        load = symbols.find_load(load[1])
    return load is None or load[0] == VAR_LOAD_RESOLVE


def install(environment: Environment) -> None:
    """Record what the templates of ``environment`` read (call before any is loaded)."""
    environment.context_class = RecordingContext
    environment.code_generator_class = RecordingCodeGenerator


def records(environment: Environment) -> bool:
    """Whether renders with ``environment`` record what they read."""
    return (issubclass(environment.context_class, RecordingContext)
            or issubclass(environment.code_generator_class, RecordingCodeGenerator))
