"""Fingerprints of the values a page read, so an unchanged page need not be rendered again.

A page's key (:mod:`.writer`) is a hash of its template's name (the templates' sources are in
the build key) and of the fingerprints of the values of the names its last render read
(:mod:`.reads`). Values are fingerprinted by kind:

* the page's own article or page (``article``, ``page``): everything about it — its HTML
  body, metadata, and the cards of the articles it refers to (neighbours, related
  articles) and the URLs of the files its body links to;
* any other article or page, wherever it appears (lists, categories, neighbours): its
  *card* — what a listing shows (title, URL, dates, category, tags, authors, summary,
  image, kind, status), not its body — and the fields beyond the card that the page's
  templates read on that article (:func:`unseen_field`, recorded by :mod:`.reads` with the
  article's source: a home page showing its lead story's ``a.content`` has that body in its
  key, :meth:`Fingerprinter.field`); a method of the article read that way
  (``a.get_content``), or the article handed to Python code (a filter, a global: ``".*"``),
  counts as everything about it (what its page fingerprint adds to the card);
* lists, dicts, dataclasses and other objects: their parts, each object once per build;
* functions by their code's name (the code is in the build key) and what they are bound
  to: ``functools.partial`` arguments, a method's object, a closure's variables, defaults;
* anything that cannot be fingerprinted reliably gets a random value, so its page is
  always rendered (wrong by being slow, never by being stale) — but for a Jinja global
  (:class:`Fingerprinter` with ``strict``), which every page may call: the build refuses it
  (:class:`Unfingerprintable`). A global is Python code: an article it is bound to counts
  by everything about it, not by its card.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import re
import types
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from markupsafe import Markup
from pelican.contents import Content, Static
from pelican.paginator import Page as PaginatedPage
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper

from ..frontmatter import FieldLines
from ..model import BODY_FIELDS, ContentFile, shown_fields
from .generators import body_of
from .outputs import digest
from .reads import ANY_FIELD

# What a listing can show of an article or page it does not belong to.
CARD_FIELDS = ("title", "url", "save_as", "date", "modified", "category", "tags", "authors", "author",
               "summary", "image", "image_alt", "image_caption", "image_width", "image_height", "picture",
               "kind", "status", "slug", "lang", "order", "content_file", "download", "in_default_lang")
# Attributes of a page that are not what it shows (or are shown through other attributes).
_NOT_SHOWN = frozenset(("settings", "_context", "metadata", "_content", "_get_content", "_summary", "content_file"))
# Fields of a content-model object a card leaves out: the body is only on its own page.
_CARD_SKIPS = frozenset(BODY_FIELDS)
# The fields a card shows, those its content model leaves out, and whether a listing's
# paginator counts by its whole list (card_fields())
Card = tuple[tuple[str, ...], frozenset[str], bool]
_LINK = re.compile(r"""\{(filename|static|attach)\}([^"'\s>#?]+)""")


# A listing's list read through its paginator (``articles_paginator.object_list``), or through a
# page of it the page was not given (``articles_paginator.page(1).object_list``): a paginator
# counts by its number of pages and items, and then by its whole list too.
LISTS = ".paginator."


ON = "@"  # in a field's name, before the source of the article it was read on


def unseen_field(kind: type, sources: Sources | None = None) -> Callable[[object, str], str | None] | None:
    """For a kind of value, what reading one of its fields adds to a page's key beyond the
    value's fingerprint, as :mod:`.reads` records it: ``"." + field`` for a field an article's
    or page's card leaves out, ``".content_file." + field`` for what a card leaves out of its
    content model (the body); None for a kind whose fingerprint covers every field. Asked
    for :data:`~.reads.ANY_FIELD` (Python code was handed the value), ``".*"`` and
    ``".content_file.*"``: everything. On a value ``sources`` knows, the name ends in
    :data:`ON` and its source: the field counts on that article alone (:func:`field_on`). A
    paginator's list, or that of a page of it the page was not given: :data:`LISTS`."""
    if issubclass(kind, Content) and not issubclass(kind, Static):
        return lambda value, field: None if field in CARD_FIELDS else _on(sources, value, "." + field)
    if issubclass(kind, ContentFile):
        return lambda value, field: (_on(sources, value, ".content_file." + field)
                                     if field in _CARD_SKIPS or field == ANY_FIELD else None)
    if issubclass(kind, (Paginator, PaginatedPage)):
        return lambda value, field: LISTS + field if field in ("object_list", ANY_FIELD) else None
    return None


def _on(sources: Sources | None, value: object, name: str) -> str:
    """``name``, read on ``value``: on that article or page alone when ``sources`` knows it,
    else on every one the page shows a card of."""
    source = None if sources is None or ON in name else sources.source(value)
    return name if source is None else f"{name}{ON}{source}"


def field_on(name: str) -> tuple[str, str | None]:
    """A field's name as :func:`unseen_field` records it → the field, and the source of the
    article or page it was read on (None: read on every one the page shows a card of)."""
    field, _, source = name.partition(ON)
    return field, source or None


def is_field(name: str) -> bool:
    """Whether a name a page read is a field beyond a card (:func:`unseen_field`), not a
    context name or global."""
    return name.startswith(".")


def card_fields(reads: Iterable[str]) -> Card:
    """The fields of a card for a page that read ``reads`` (:func:`unseen_field`'s names
    among them, but those read on one article: :func:`field_on`), and the fields its
    content model leaves out."""
    fields, skips, whole_lists = list(CARD_FIELDS), set(_CARD_SKIPS), False
    for name in reads:
        if ON in name:
            continue
        if name.startswith(LISTS):
            whole_lists = True
            continue
        if name.startswith(".content_file."):
            field = name.removeprefix(".content_file.")
            skips.difference_update(_CARD_SKIPS if field == ANY_FIELD else (field,))
        elif is_field(name):
            fields.append(name[1:])
            if name[1:] == ANY_FIELD:
                skips.clear()
    return tuple(fields), frozenset(skips), whole_lists


class Sources:
    """The articles and pages of one Pelican run by their source (the file they were read
    from: what names an article from one build to the next), so that a field a page read
    on one of them counts on that one alone (:func:`unseen_field`)."""

    def __init__(self) -> None:
        self._contents: dict[str, Content] = {}

    def note(self, content: Content) -> None:
        """The run made ``content`` (``content_object_init``); the last made for a source counts."""
        source = None if isinstance(content, Static) else source_of(content)
        if source is not None:
            self._contents[source] = content

    def source(self, value: object) -> str | None:
        """The source of ``value`` — an article or page, or its content model — when it is
        the one the run made for that source; None for anything else."""
        if isinstance(value, ContentFile):
            content = self._contents.get(value.source)
            return value.source if getattr(content, "content_file", None) is value else None
        source = source_of(value)
        return source if source is not None and self._contents.get(source) is value else None

    def get(self, source: str) -> Content | None:
        """The article or page the run made for ``source``, if any."""
        return self._contents.get(source)


def source_of(content: object) -> str | None:
    """What names an article or page from build to build: its content model's source, or
    the path Pelican read it from."""
    model = getattr(content, "content_file", None)
    if isinstance(model, ContentFile):
        return model.source
    return getattr(content, "relative_source_path", None)


class Unfingerprintable(Exception):
    """A value whose fingerprint cannot be known (strict mode): a page using it could go stale."""


# Lists, tuples, dicts and sets with fewer items than this are fingerprinted again each time
# they are met rather than memoised: most belong to one value (a page's own article, an
# action item's history), which is memoised itself. A listing's list is memoised: every
# page of the listing is given it whole.
MEMO_FROM = 16
_CONTAINERS = (list, tuple, dict, set, frozenset)


def _join(tag: str, parts: Iterable[str]) -> str:
    """One hash of a value made of ``parts``; ``tag`` says what kind of value."""
    return digest(tag, *parts)


class Fingerprinter:
    """Fingerprints for one build; each object is fingerprinted once (memoised by identity)."""

    def __init__(self, context: Mapping | None = None, settings: Mapping | None = None, *,
                 strict: bool = False, card: Card = (CARD_FIELDS, _CARD_SKIPS, False)) -> None:
        self.context = context or {}
        self.strict = strict  # refuse what cannot be fingerprinted, instead of a random value
        self._card_fields, self._card_skips, self._whole_lists = card  # what a card shows (card_fields())
        self._settings = settings
        self._skip = {id(context), id(settings)}
        self._memo: defaultdict[str, dict[int, str]] = defaultdict(dict)  # kind → id of the object → fingerprint
        self._alive: list[object] = []  # every object in the memo, kept alive: ids must not be reused
        self._busy: set[tuple[int, str]] = set()

    def forget(self, content: Content) -> None:
        """Fingerprint ``content`` afresh next time (a resident preview changed it in place)."""
        for kind in ("page", "card"):
            self._memo[kind].pop(id(content), None)

    # ---------------------------------------------------------------- pages
    def page(self, content: Content) -> str:
        """Everything a page shows about its own article or page."""
        return self._memo_of(content, "page", self._page)

    def _page(self, content: Content) -> str:
        return _join("page", [self.card(content), self._beyond_card(content)])

    def _beyond_card(self, content: Content) -> str:
        """Everything about ``content`` its card leaves out: its body, the attributes plugins
        gave it, the URLs of the files its body links to."""
        body = body_of(content)
        parts = [digest(body)]
        model = getattr(content, "content_file", None)
        shown = _digested(model)  # its fields the card's model digest holds
        parts += [f"{name}={self.of(value)}" for name, value in sorted(vars(content).items())
                  if name not in _NOT_SHOWN and not (name in shown and getattr(model, name) is value)]
        parts += self._link_targets(body)
        return _join("beyond", parts)

    def _link_targets(self, html: str) -> list[str]:
        """URLs of the files a body links to: they change the body Pelican writes."""
        if "{" not in html:
            return []
        found = []
        for kind, path in sorted(set(_LINK.findall(html))):
            table = self.context.get("generated_content" if kind == "filename" else "static_content", {})
            target = table.get(path)
            found.append(f"{kind}:{path}:{getattr(target, 'url', None)}")
        return found

    def card(self, content: Content) -> str:
        """What a listing shows of an article or page."""
        return self._memo_of(content, "card", self._card)

    def _card(self, content: Content) -> str:
        return _join(type(content).__name__, [self._field(content, name) for name in self._card_fields])

    def _field(self, content: Content, name: str) -> str:
        """One field of ``content`` as a card shows it."""
        value = getattr(content, name, None)
        if name == "content_file":
            return self._model(value, self._card_skips)
        if name == ANY_FIELD or callable(value):  # Python code (a filter, a method) may read anything of it
            return self._beyond_card(content)
        return self.of(value)

    def field(self, content: Content, name: str) -> str:
        """What reading a field on ``content`` adds to its card: ``name`` as
        :func:`unseen_field` records it, without its source (:func:`field_on`). What it
        refers to (a neighbour, a related article) counts by its card."""
        if name.startswith(".content_file."):
            field, model = name.removeprefix(".content_file."), getattr(content, "content_file", None)
            return self._model(model, frozenset()) if field == ANY_FIELD else self.of(getattr(model, field, None))
        return self._field(content, name[1:])

    # ---------------------------------------------------------------- values
    def of(self, value: object) -> str:
        """The fingerprint of any template value."""
        kind = _KIND_OF.get(type(value))
        if kind is None:
            kind = _KIND_OF.setdefault(type(value), _kind(type(value)))
        if kind <= _MARKUP:  # the commonest, first
            return ("m" if kind else "s") + (value if len(value) < 64 else digest(value))
        if kind == _REPR:
            return repr(value)
        if kind == _TIME:
            return f"{type(value).__name__}:{value.isoformat()}:{getattr(value, 'tzinfo', None)}"
        if kind == _CODE:
            return _code_name(value)
        if id(value) in self._skip:
            return "settings-or-context"  # in the build key
        if kind == _CONTENT:
            return self.page(value) if self.strict else self.card(value)  # a global is Python code
        if kind == _FRESH:  # made for one page: not kept for the next
            return self._compound(value)
        if kind == _CONTAINER and len(value) < MEMO_FROM:  # cheap again; kept, it would outlive its page
            return self._guarded(value, "of", self._compound)
        return self._memo_of(value, "of", self._compound)

    def _compound(self, value: object) -> str:
        shape = _SHAPE_OF.get(type(value))
        if shape is None:
            shape = _SHAPE_OF.setdefault(type(value), _shape(type(value)))
        if shape == _LINES:  # by its text: as a mapping it would be parsed and kept
            return _join("lines", [value.text()])
        if shape == _CALLABLE:
            return self._callable(value)
        if shape == _URLWRAPPER:
            return _join("urlwrapper", [type(value).__name__, value.name, value.slug, value.url, value.save_as])
        if shape == _PAGINATED:
            paginator = value.paginator
            return _join("paginated", [str(value.number), str(paginator.num_pages), str(paginator.per_page),
                                       value.url, value.save_as, *map(self.of, value.object_list)])
        if shape == _PAGINATOR:
            counts = [str(value.num_pages), str(value.count), str(value.per_page)]
            return _join("paginator", [*counts, self.of(value.object_list)] if self._whole_lists else counts)
        if shape == _STATIC:
            return _join("static", [value.url, value.save_as, value.source_path])
        if shape == _MAPPING:
            items = sorted((self.of(k), self.of(v)) for k, v in value.items())
            return _join("dict", (f"{k}={v}" for k, v in items))
        if shape == _SEQUENCE:
            return _join(type(value).__name__, map(self.of, value))
        if shape == _SET:
            return _join("set", sorted(map(self.of, value)))
        if shape == _DATACLASS:
            return self._shown(value)
        if hasattr(value, "__dict__"):
            return _join(type(value).__qualname__, (f"{k}={self.of(v)}" for k, v in sorted(vars(value).items())
                                                    if k not in _NOT_SHOWN))
        text = repr(value)
        if " at 0x" not in text:
            return _join(type(value).__qualname__, [text])
        if self.strict:
            raise Unfingerprintable(type(value).__qualname__)
        return uuid.uuid4().hex

    def _callable(self, value: object) -> str:
        """A function by its code's name and everything it is bound to."""
        if isinstance(value, functools.partial):
            return _join("partial", [self.of(value.func), self.of(value.args), self.of(value.keywords)])
        if isinstance(value, (types.MethodType, types.BuiltinFunctionType)):  # bound: its object counts
            bound = getattr(value, "__self__", None)
            target = value.__func__ if isinstance(value, types.MethodType) else value
            if bound is None or isinstance(bound, types.ModuleType):
                return _code_name(target)
            return _join("method", [_code_name(target), self.of(bound)])
        code = value.__code__  # a Python function: where it is (lambdas share a name), what it closes over
        cells = []
        for cell in value.__closure__ or ():
            try:
                cells.append(self.of(cell.cell_contents))
            except ValueError:  # a variable not assigned yet
                cells.append("empty")
        return _join("function", [_code_name(value), code.co_filename, str(code.co_firstlineno),
                                  self.of(value.__defaults__), self.of(value.__kwdefaults__), *cells])

    def _model(self, value: object, skips: frozenset[str]) -> str:
        """A content model (in a card: ``skips``, the fields it leaves out), once per build."""
        if not dataclasses.is_dataclass(value):
            return self.of(value)
        return self._memo_of(value, _model_kind(skips), lambda model: self._shown(model, skips))

    def _shown(self, value: object, skips: frozenset[str] = frozenset()) -> str:
        """A dataclass (content model, tracker) by the fields it shows (``repr=True``) but
        ``skips``; a content model by the digest made when it was parsed, and what of its
        body counts."""
        if skips <= _CARD_SKIPS and _digested(value):
            return _join("parsed", [value.card_digest, *(f"{name}={self.of(getattr(value, name))}"
                                                        for name in BODY_FIELDS if name not in skips)])
        return _join(type(value).__qualname__, [f"{name}={self.of(getattr(value, name))}"
                                                for name in shown_fields(type(value), skips)])

    def _memo_of(self, value: object, kind: str, compute) -> str:
        memo = self._memo[kind]
        found = memo.get(id(value))
        if found is not None:
            return found
        result = self._guarded(value, kind, compute)
        memo[id(value)] = result
        self._alive.append(value)
        return result

    def _guarded(self, value: object, kind: str, compute) -> str:
        """``compute(value)``, unless ``value`` is being fingerprinted further up (a cycle)."""
        key = (id(value), kind)
        if key in self._busy:
            return f"cycle:{type(value).__qualname__}"
        self._busy.add(key)
        try:
            return compute(value)
        finally:
            self._busy.discard(key)


# What Fingerprinter.of() does with a value, by its type: decided once per type, with the
# checks in this order (isinstance of a value is issubclass of its type for these classes).
_TEXT, _MARKUP, _REPR, _TIME, _CODE, _CONTENT, _FRESH, _CONTAINER, _OBJECT = range(9)
_KIND_OF: dict[type, int] = {}


def _kind(kind: type) -> int:
    if issubclass(kind, str):
        return _MARKUP if issubclass(kind, Markup) else _TEXT
    if kind is type(None) or issubclass(kind, (bool, int, float)):
        return _REPR
    if issubclass(kind, (dt.datetime, dt.date, dt.time)):
        return _TIME
    if issubclass(kind, enum.Enum):
        return _REPR
    if issubclass(kind, (type, types.ModuleType)):
        return _CODE
    if issubclass(kind, Content) and not issubclass(kind, Static):
        return _CONTENT
    if issubclass(kind, (PaginatedPage, Paginator)):
        return _FRESH
    return _CONTAINER if issubclass(kind, _CONTAINERS) else _OBJECT


# How Fingerprinter._compound() takes a value apart, by its type (likewise once per type);
# _INSTANCE: by what the value itself has.
_LINES, _CALLABLE, _URLWRAPPER, _PAGINATED, _PAGINATOR, _STATIC, _MAPPING, _SEQUENCE, _SET, _DATACLASS, \
    _INSTANCE = range(11)
_SHAPE_OF: dict[type, int] = {}


def _shape(kind: type) -> int:
    if issubclass(kind, FieldLines):
        return _LINES
    if issubclass(kind, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, functools.partial)):
        return _CALLABLE
    for shape, base in ((_URLWRAPPER, URLWrapper), (_PAGINATED, PaginatedPage), (_PAGINATOR, Paginator),
                        (_STATIC, Static), (_MAPPING, Mapping), (_SEQUENCE, (list, tuple)), (_SET, (set, frozenset))):
        if issubclass(kind, base):
            return shape
    return _DATACLASS if dataclasses.is_dataclass(kind) else _INSTANCE


def _digested(model: object) -> frozenset[str]:
    """The fields the card digest of ``model`` holds (none: not a content model, or made
    without one): those it shows, but its body. A content model is not changed once parsed."""
    if not (isinstance(model, ContentFile) and model.card_digest):
        return frozenset()
    return _in_digest(type(model))


@functools.cache
def _in_digest(kind: type) -> frozenset[str]:
    return frozenset(shown_fields(kind, _CARD_SKIPS))


@functools.cache
def _model_kind(skips: frozenset[str]) -> str:
    return "model:" + ",".join(sorted(skips))


def _code_name(value: object) -> str:
    """Code by its name: its source is in the build key."""
    return f"code:{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', value)}"
