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

Fields are recorded too, where a value's fingerprint would not cover them: :func:`install`
takes ``unseen(kind)``, which for a type of value gives the function naming what reading a
field of such a value adds to its fingerprint (``".tracked_items"`` on an article a listing
shows by its card; :mod:`.fingerprint`), or None when it adds nothing, whatever the field.
Templates read attributes and items through the environment's ``getattr`` and ``getitem``
(``a.b``, ``a["b"]``, and filters given ``attribute=``): both record such a field, unless
the value is one of the page's own (``recording(own=...)``), which is fingerprinted in
full. Python code handed a value reads its fields unrecorded.

:func:`install` sets both on a Jinja environment (the ``incremental`` plugin does it for
every generator's). Either half alone stays sound: a template compiled without the
generator resolves through :meth:`RecordingContext.resolve_or_missing`, which records every
name of the frame; code compiled with it records its uses in any context.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from jinja2 import Environment
from jinja2.compiler import CodeGenerator, Frame
from jinja2.idtracking import VAR_LOAD_ALIAS, VAR_LOAD_RESOLVE
from jinja2.nodes import Name, Template
from jinja2.runtime import Context


class Recording(set):
    """The names a page read; ``own``: the ids of the values that are the page's own."""

    __slots__ = ("own",)

    def __init__(self, own: Iterable[object] = ()) -> None:
        super().__init__()
        self.own = frozenset(map(id, own))


_RECORDING: ContextVar[Recording | None] = ContextVar("toasoan_reads", default=None)
Unseen = Callable[[type], "Callable[[str], str | None] | None"]  # see install()


def record_read(name: str, value: Any) -> Any:
    """``value``, the value of ``name``, noted as read by the page being rendered."""
    reads = _RECORDING.get()
    if reads is not None:
        reads.add(name)
    return value


@contextlib.contextmanager
def recording(own: Iterable[object] = ()) -> Iterator[set[str]]:
    """The names read while the block runs (rendering one page whose own values are ``own``)."""
    reads = Recording(own)
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


def install(environment: Environment, unseen: Unseen | None = None) -> None:
    """Record what the templates of ``environment`` read (call before any is loaded); with
    ``unseen``, the fields they read that a value's fingerprint does not cover (module doc)."""
    environment.context_class = RecordingContext
    environment.code_generator_class = RecordingCodeGenerator
    if unseen is not None:
        environment.getattr = _recording_field(environment.getattr, unseen)
        environment.getitem = _recording_field(environment.getitem, unseen)


def _recording_field(get: Callable[[object, Any], Any], unseen: Unseen) -> Callable[[object, Any], Any]:
    """``get`` (an environment's getattr or getitem), recording a field ``unseen`` names."""
    recorded_of: dict[type, Callable[[str], str | None] | None] = {}  # unseen(kind), asked once per kind

    def get_field(value: object, field: Any) -> Any:
        kind = type(value)
        if kind not in recorded_of:
            recorded_of[kind] = unseen(kind)
        name_of = recorded_of[kind]
        if name_of is not None and isinstance(field, str):
            reads = _RECORDING.get()
            if reads is not None and id(value) not in reads.own and (name := name_of(field)) is not None:
                reads.add(name)
        return get(value, field)

    return get_field


def records(environment: Environment) -> bool:
    """Whether renders with ``environment`` record what they read."""
    return (issubclass(environment.context_class, RecordingContext)
            or issubclass(environment.code_generator_class, RecordingCodeGenerator))
