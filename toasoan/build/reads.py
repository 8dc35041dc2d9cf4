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
shows by its card, with the article's source: :mod:`.fingerprint`), or None when it adds
nothing, whatever the field.
Templates read attributes and items through the environment's ``getattr`` and ``getitem``
(``a.b``, ``a["b"]``, and filters given ``attribute=``): both record such a field, unless
the value is one of the page's own (``recording(own=...)``), which is fingerprinted in
full. Python code may read any field of what it is handed, unseen: the environment's
globals, filters and tests that are not Jinja's own are kept wrapped in their tables
(:class:`HandingOver`, from :func:`install` on), and a call records :data:`ANY_FIELD` of
every value it is handed — among its arguments, or in lists, tuples, sets and dicts among
them (:meth:`FieldRecorder.handed`). What such code reaches through another object's
attributes (a paginated page's ``object_list``, an article's neighbours) is not recorded,
nor what a callable put in the context itself (not among the globals) or a method of a
value reads; Jinja's own filters read fields through the environment's ``getattr`` and
``getitem``.

:func:`install` sets both on a Jinja environment (the ``incremental`` plugin does it for
every generator's). Either half alone stays sound: a template compiled without the
generator resolves through :meth:`RecordingContext.resolve_or_missing`, which records every
name of the frame; code compiled with it records its uses in any context.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import markupsafe
from jinja2 import Environment
from jinja2.compiler import CodeGenerator, Frame
from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_NAMESPACE, DEFAULT_TESTS
from jinja2.idtracking import VAR_LOAD_ALIAS, VAR_LOAD_RESOLVE
from jinja2.nodes import Expr, Name, Template
from jinja2.runtime import Context
from markupsafe import Markup, escape


class Recording(set):
    """The names a page read; ``own``: the ids of the values that are the page's own."""

    __slots__ = ("own",)

    def __init__(self, own: Iterable[object] = ()) -> None:
        super().__init__()
        self.own = frozenset(map(id, own))


_RECORDING: ContextVar[Recording | None] = ContextVar("toasoan_reads", default=None)
Unseen = Callable[[type], "Callable[[object, str], str | None] | None"]  # see install()
ANY_FIELD = "*"  # the field asked of unseen(kind) for a value handed to Python code: any of them
# Handed values with nothing to look into: most of what a template hands a filter or global.
_PLAIN = frozenset((str, Markup, int, float, bool, type(None), dt.date, dt.datetime))


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


_escape_text = getattr(markupsafe, "_escape_inner", None)  # markupsafe's escaping of text (C)
_as_markup = str.__new__  # a Markup of text escaped already, without Markup's own checks


def escape_output(value: Any) -> Markup:
    """``markupsafe.escape(value)``, made faster for what a template outputs most: text, and
    markup (returned as it is: a Markup's ``__html__`` is itself). A page outputs ≈ 270
    values; markupsafe's ``escape`` is Python code making each Markup through its
    ``__new__``, ≈ 0.35 µs more a value than this."""
    kind = type(value)
    if kind is str and _escape_text is not None:
        return _as_markup(Markup, _escape_text(value))
    if kind is Markup:
        return value
    return escape(value)


class RecordingCodeGenerator(CodeGenerator):
    """Jinja's code generator, recording each use of a name resolved from the context, and
    escaping what a template outputs with :func:`escape_output`."""

    cache_tag = "reads-2"  # compiled code differs: kept apart in the template cache

    def visit_Template(self, node: Template, frame: Frame | None = None) -> None:  # noqa: N802 (Jinja's)
        self.writeline(f"from {__name__} import escape_output, record_read")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("escape_output(")
            if finalize.src is not None:
                self.write(finalize.src)
            return
        super()._output_child_pre(node, frame, finalize)

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
        fields = FieldRecorder(unseen)
        environment.getattr = fields.recording(environment.getattr)
        environment.getitem = fields.recording(environment.getitem)
        environment.globals = HandingOver(environment.globals, fields)
        environment.filters = HandingOver(environment.filters, fields)
        environment.tests = HandingOver(environment.tests, fields)


_GIVEN = "_toasoan_given"  # on a wrapper HandingOver keeps: the function it was given


def given(table: dict[str, Any]) -> dict[str, Any]:
    """An environment's globals, filters or tests as they were given to it: without the
    wrappers :func:`install` keeps in the table (the writer fingerprints these)."""
    return {name: getattr(value, _GIVEN, value) for name, value in table.items()}


# Jinja's own globals, filters and tests (len, operator.eq and the like among them), kept alive by Jinja
_JINJAS_OWN = frozenset(map(id, (*DEFAULT_FILTERS.values(), *DEFAULT_TESTS.values(), *DEFAULT_NAMESPACE.values())))


class FieldRecorder:
    """Records the fields of values a page reads that their fingerprint does not cover."""

    def __init__(self, unseen: Unseen) -> None:
        self._unseen = unseen
        self._name_of: dict[type, Callable[[object, str], str | None] | None] = {}  # unseen(kind), asked once per kind

    def name_of(self, kind: type) -> Callable[[object, str], str | None] | None:
        if kind not in self._name_of:
            self._name_of[kind] = self._unseen(kind)
        return self._name_of[kind]

    def recording(self, get: Callable[[object, Any], Any]) -> Callable[[object, Any], Any]:
        """``get`` (an environment's getattr or getitem), recording a field ``unseen`` names."""
        known = self._name_of

        def get_field(value: object, field: Any) -> Any:
            kind = type(value)
            name_of = known[kind] if kind in known else self.name_of(kind)  # every template read: kept short
            if name_of is not None and isinstance(field, str):
                reads = _RECORDING.get()
                if reads is not None and id(value) not in reads.own and (name := name_of(value, field)) is not None:
                    reads.add(name)
            return get(value, field)

        return get_field

    def handed(self, args: Iterable[Any], kwargs: Iterable[Any]) -> None:
        """Values handed to Python code while a page renders: :data:`ANY_FIELD` of each,
        and of what lists, tuples, sets and dicts among them hold, is recorded (not of the
        page's own values, fingerprinted in full)."""
        reads = _RECORDING.get()
        if reads is None:
            return
        pending = [*args, *kwargs]
        seen: set[int] = set()
        while pending:
            value = pending.pop()
            if type(value) in _PLAIN or id(value) in seen:
                continue
            seen.add(id(value))
            name_of = self.name_of(type(value))
            if name_of is not None:
                if id(value) not in reads.own and (name := name_of(value, ANY_FIELD)) is not None:
                    reads.add(name)
            elif isinstance(value, dict):
                pending.extend(value.values())
            elif isinstance(value, (list, tuple, set, frozenset)):
                pending.extend(value)


def _plain(values: Iterable[Any]) -> bool:
    """Whether there is nothing in ``values`` to look into (the common case, made fast)."""
    return _PLAIN.issuperset(map(type, values))


class HandingOver(dict):
    """An environment's globals, filters or tests, each function that is not Jinja's own kept
    wrapped so that a call hands its arguments to :meth:`FieldRecorder.handed` (compiled
    code, ``map`` and ``select`` take the wrapper from the table as from a dict); every way
    of setting a name wraps, and :func:`given` unwraps."""

    def __init__(self, table: dict[str, Any], fields: FieldRecorder) -> None:
        super().__init__()
        self._handed = fields.handed
        self.update(table)

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, _handing_over(value, self._handed))

    def update(self, *tables: Any, **values: Any) -> None:
        for name, value in dict(*tables, **values).items():
            self[name] = value

    def setdefault(self, name: str, default: Any = None) -> Any:
        if name not in self:
            self[name] = default
        return self[name]

    def __ior__(self, table: Any) -> HandingOver:
        self.update(table)
        return self


def _handing_over(value: Any, handed: Callable[[Iterable[Any], Iterable[Any]], None]) -> Any:
    """``value``, a function set in a table of the environment, wrapped to hand its
    arguments to ``handed`` (Jinja's own, classes and data as they are)."""
    if id(value) in _JINJAS_OWN or isinstance(value, type) or not callable(value) or hasattr(value, _GIVEN):
        return value

    @functools.wraps(value)  # keeps pass_context & co., which Jinja reads off it
    def handing_over(*args: Any, **kwargs: Any) -> Any:
        if not (_plain(args) and (not kwargs or _plain(kwargs.values()))):
            handed(args, kwargs.values())
        return value(*args, **kwargs)

    marked = getattr(type(value).__call__, "jinja_pass_arg", None)  # a callable object's, on its class
    if marked is not None and not hasattr(handing_over, "jinja_pass_arg"):
        handing_over.jinja_pass_arg = marked
    setattr(handing_over, _GIVEN, value)
    return handing_over


def records(environment: Environment) -> bool:
    """Whether renders with ``environment`` record what they read."""
    return (issubclass(environment.context_class, RecordingContext)
            or issubclass(environment.code_generator_class, RecordingCodeGenerator))
