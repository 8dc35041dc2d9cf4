"""The content model of Tòa soạn, defined once.

Writers' files become :class:`Article`, :class:`MeetingReport` or :class:`Page` objects
here, with every problem reported as a :class:`~toasoan.findings.Finding`. The reader
plugin, ``invoke check``, the action-item tracker and the editorial review all call
:func:`parse_content_file`; nothing else reads front matter.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePosixPath

import yaml

from . import text as vi
from .findings import Finding, finding
from .frontmatter import FieldLines, FieldPath, FrontMatter, field_name, line_of, parse
from .links import Link, body_links, content_target, external_url_problem, is_external, is_relative
from .probes import file_size
from .safety import DEFAULT_IFRAME_HOSTS, scan_body, unsafe_url

ARTICLE = "article"
MEETING_REPORT = "meeting_report"
PAGE = "page"
DOCUMENT = "document"

PUBLISHED, DRAFT = "published", "draft"
PUBLICATION_STATUSES = {PUBLISHED: "Đã đăng", DRAFT: "Bản nháp"}

ACTION_ITEM_STATUSES = {
    "open": "Chưa triển khai",
    "in_progress": "Đang thực hiện",
    "done": "Hoàn thành",
    "blocked": "Vướng mắc",
    "cancelled": "Đã huỷ",
}
PRIORITIES = {"high": "Cao", "normal": "Bình thường", "low": "Thấp"}
# Findings after which no document can be built; with other errors the document is built
# (so the sanitiser and escaping stay testable) and the checks still stop the build.
INCOMPLETE = frozenset({"E001", "E002", "E003", "E004", "E005", "E006", "E007", "E008", "E009",
                        "E101", "E102", "E103", "E110", "E201"})
# The sentences ``invoke new`` writes for the writer to replace (toasoan.scaffold): a
# published file that still has one is not finished (E113).
PLACEHOLDERS = {
    "lead": "Viết đoạn mở đầu ở đây: ai, làm gì, khi nào, ở đâu.",
    "detail": "Viết nội dung chi tiết ở đây.",
    "meeting_summary": "Viết tóm tắt diễn biến cuộc họp ở đây.",
    "chair": "Họ tên, chức vụ người chủ trì",
    "decision": "Kết luận thứ nhất của cuộc họp.",
    "action_item": "Nội dung nhiệm vụ được giao",
}
ACTION_ITEM_ID = re.compile(r"^[A-Z0-9]+(?:[-.][A-Z0-9]+)*$")

DEFAULT_DOCUMENT_TYPES = (
    "Quyết định", "Thông báo", "Kế hoạch", "Công văn", "Báo cáo", "Hướng dẫn", "Quy chế",
    "Quy định", "Chỉ thị", "Nghị quyết", "Thông tư", "Nghị định", "Luật",
)

DEFAULT_CATEGORIES = (
    "Tin tức - Sự kiện",
    "Thông báo",
    "Hội nghị - Hội thảo",
    "Đào tạo - Bồi dưỡng",
    "Nghiên cứu khoa học",
)


# --------------------------------------------------------------------------- model types
@dataclass(frozen=True)
class Unit:
    """An organisational unit (đơn vị) that can own or support an action item."""

    name: str

    @property
    def slug(self) -> str:
        return vi.slugify(self.name)


class Compact:
    """A slots dataclass pickled as its constructor's arguments, not as a state dict: the
    parse cache (toasoan.parsing) holds tens of thousands of them, and the unpickler keeps
    every state it read until the whole shard is loaded. (None of them refers back to itself
    through its fields: pickle could not make it from its arguments.)"""

    __slots__ = ()

    def __reduce__(self) -> tuple:
        return type(self), tuple(getattr(self, name) for name in _field_names(type(self)))


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@functools.cache
def shown_fields(kind: type, leaving_out: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The fields a dataclass of ``kind`` shows (``repr``), but ``leaving_out``, in order:
    what its card digest (:class:`ContentFile`) and the build's fingerprints hold."""
    return tuple(f.name for f in fields(kind) if f.repr and f.name not in leaving_out)


@dataclass(frozen=True, slots=True)
class Meeting(Compact):
    date: dt.datetime
    location: str
    chair: str
    bodies: tuple[str, ...]
    attendees: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActionItem(Compact):
    """A task decided in a meeting; its ``id`` is stable forever."""

    id: str
    title: str
    owner: str
    due: dt.date
    support: tuple[str, ...] = ()
    priority: str = "normal"
    status: str = "open"
    progress: int | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ActionItemUpdate(Compact):
    """A later meeting's follow-up on an earlier action item."""

    id: str
    status: str | None = None
    progress: int | None = None
    note: str = ""
    due: dt.date | None = None
    line: int | None = None


BODY_FIELDS = ("body", "body_line")  # what a listing never shows of a file: its body, where it starts


@dataclass(slots=True)
class ContentFile(Compact):
    """What every content file has: where it is, its title, slug, status and body."""

    source: str
    kind: str
    title: str
    slug: str
    status: str
    body: str
    body_line: int
    summary: str | None = None
    lines: FieldLines = field(default_factory=FieldLines, repr=False)
    site_links: tuple[Link, ...] = field(default=(), repr=False)  # "/2019/x/": checked site-wide
    # A hash of every field it shows (repr) but BODY_FIELDS, made when it is parsed
    # (toasoan.parsing.card_digest): it stands for the file in the build's fingerprints.
    card_digest: str = field(default="", repr=False, compare=False)

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    def line(self, *path: str | int) -> int:
        return line_of(self.lines, path)

    def rendered(self) -> ContentFile:
        """This file as a build keeps it once its body is HTML: without the Markdown."""
        return replace(self, body="")

    def apart_from_body(self) -> ContentFile:
        """This file without its body (nor the site links in it): what a body edit keeps."""
        return replace(self, body="", site_links=())

    def same_apart_from_body(self, other: ContentFile) -> bool:
        """Whether ``other`` is this file with another body (whose links may have moved)."""
        return type(other) is type(self) and other.apart_from_body() == self.apart_from_body()


@dataclass(slots=True)
class Page(ContentFile):
    order: int = 0


@dataclass(slots=True)
class Document(ContentFile):
    """Văn bản: a legal or administrative document with its number, issue date and file."""

    number: str = ""
    issued: dt.date = None  # type: ignore[assignment]  # always set by the parser
    issuer: str = ""
    doc_type: str = ""
    file: str = ""  # under content/, e.g. files/2019/quyet-dinh-47.pdf


@dataclass(slots=True)
class Article(ContentFile):
    date: dt.datetime = None  # type: ignore[assignment]  # always set by the parser
    authors: tuple[str, ...] = ()
    category: str = ""
    tags: tuple[str, ...] = ()
    image: str | None = None
    image_alt: str | None = None
    image_caption: str | None = None
    modified: dt.datetime | None = None


@dataclass(slots=True)
class MeetingReport(Article):
    meeting: Meeting = None  # type: ignore[assignment]  # always set by the parser
    decisions: tuple[str, ...] = ()
    action_items: tuple[ActionItem, ...] = ()
    updates: tuple[ActionItemUpdate, ...] = ()


# --------------------------------------------------------------------------- site rules
@dataclass(frozen=True)
class SiteRules:
    """What the site allows: its categories, its units, where its content lives."""

    content_root: Path
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    units: tuple[Unit, ...] = ()
    meeting_category: str = "Hội nghị - Hội thảo"
    article_dirs: tuple[str, ...] = ("articles",)
    meeting_dirs: tuple[str, ...] = ("meetings",)
    page_dirs: tuple[str, ...] = ("pages",)
    document_dirs: tuple[str, ...] = ("documents",)
    document_types: tuple[str, ...] = DEFAULT_DOCUMENT_TYPES
    units_file: str = "data/units.yml"
    iframe_hosts: tuple[str, ...] = DEFAULT_IFRAME_HOSTS
    max_image_kb: int = 10 * 1024  # bigger photos are not published (toasoan.images.MAX_BYTES)
    max_title_length: int = 150
    max_slug_length: int = 80
    article_url: str = "{date:%Y}/{slug}/"
    page_url: str = "{slug}/"
    static_dirs: tuple[str, ...] = ("images", "files")

    def display_path(self, relpath: str) -> str:
        """How findings name a file: ``content/meetings/2018/x.md``."""
        return f"{self.content_root.name}/{relpath}"

    @property
    def unit_names(self) -> tuple[str, ...]:
        return tuple(u.name for u in self.units)

    def kind_of(self, source: str) -> str | None:
        """The content kind of a path relative to the content root, or None."""
        top = source.split("/", 1)[0]  # asked for every file of a tree: no path object
        if top in ("", "."):  # "./x.md", "/x.md": as a path would read it
            top = PurePosixPath(source).parts[0] if source else ""
        if top in self.meeting_dirs:
            return MEETING_REPORT
        if top in self.article_dirs:
            return ARTICLE
        if top in self.page_dirs:
            return PAGE
        if top in self.document_dirs:
            return DOCUMENT
        return None


def load_units(content_root: Path, units_file: str) -> tuple[tuple[Unit, ...], list[Finding]]:
    """Read the unit roster (``content/data/units.yml``)."""
    path = content_root / units_file
    source = f"content/{units_file}"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        entries = data["units"]
        units = tuple(Unit(vi.clean_line(str(e["name"]))) for e in entries)
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        return (), [finding("E901", source, None, "units", detail=error)]
    return units, []


# --------------------------------------------------------------------------- parsing
class Invalid(Exception):
    """A field value is wrong: carries the finding code and its details."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


_TYPE_NAMES = {str: "chuỗi chữ", int: "số nguyên", list: "danh sách", dict: "khối trường con",
               bool: "đúng/sai", float: "số", type(None): "để trống"}
_EXAMPLES = {
    "list": "Viết dạng danh sách: [Mục 1, Mục 2] hoặc mỗi mục một dòng bắt đầu bằng '- '.",
    "text": "Viết nội dung chữ; đặt trong ngoặc kép nếu có dấu ':'.",
}


def _type_name(value: object) -> str:
    if isinstance(value, dt.date):
        return "ngày tháng"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _text(value: object) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise Invalid("E102", expected="chuỗi chữ", actual=_type_name(value), example=_EXAMPLES["text"])
    result = vi.clean_line(str(value))
    if not result:
        raise Invalid("E110")
    return result


def _paragraph(value: object) -> str:
    """Free text that may span lines (summary, note): NFC, trimmed."""
    if isinstance(value, (list, dict, bool)) or value is None:
        raise Invalid("E102", expected="chuỗi chữ", actual=_type_name(value), example=_EXAMPLES["text"])
    return vi.nfc(str(value)).strip()


def _text_list(value: object) -> tuple[str, ...]:
    """A list of names; a single string counts as a one-item list."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise Invalid("E102", expected="danh sách", actual=_type_name(value), example=_EXAMPLES["list"])
    return tuple(_text(v) for v in value)


def _tag_list(value: object) -> tuple[str, ...]:
    """Tags: a list, or one comma-separated string."""
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    return tuple(dict.fromkeys(_text_list(value)))


def _datetime(value: object) -> dt.datetime:
    moment = vi.parse_datetime(value)
    if moment is None:
        raise Invalid("E103", value=value)
    return moment


def _date(value: object) -> dt.date:
    return _datetime(value).date()


def _choice(choices: dict[str, str] | tuple[str, ...], code: str = "E105") -> Callable[[object], str]:
    def convert(value: object) -> str:
        key = _text(value)
        if key not in choices:
            raise Invalid(code, value=key, choices=", ".join(choices))
        return key
    return convert


def _progress(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise Invalid("E207", value=value)
    return value


def _integer(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("E102", expected="số nguyên", actual=_type_name(value), example="Ví dụ: 3")
    return value


def _slug(value: object) -> str:
    slug = _text(value)
    if not vi.SLUG_PATTERN.match(slug):
        raise Invalid("E108", value=slug)
    return slug


def _item_id(value: object) -> str:
    ident = _text(value)
    if not ACTION_ITEM_ID.match(ident):
        raise Invalid("E202", value=ident)
    return ident


class _Reader:
    """Reads fields of one file, collecting a finding for each bad one."""

    def __init__(self, source: str, front: FrontMatter, rules: SiteRules) -> None:
        self.source = source
        self.front = front
        self.rules = rules
        self.findings: list[Finding] = []

    def report(self, code: str, path: FieldPath, **details: object) -> None:
        self.findings.append(
            finding(code, self.source, self.front.line(*path), field_name(path), **details)
        )

    def get(self, data: dict, path: FieldPath, convert: Callable[[object], object], *,
            required: bool = False, default: object = None) -> object:
        key = path[-1]
        if key not in data or data[key] is None or data[key] == "":
            if required:
                self.report("E101", path)
            return default
        try:
            return convert(data[key])
        except Invalid as problem:
            self.report(problem.code, path, **problem.details)
            return default

    def mapping(self, data: dict, path: FieldPath, *, required: bool = False) -> dict | None:
        value = data.get(path[-1])
        if value is None:
            if required:
                self.report("E201" if path == ("meeting",) else "E101", path)
            return None
        if not isinstance(value, dict):
            self.report("E102", path, expected="khối trường con", actual=_type_name(value),
                        example="Viết các trường con thụt vào hai dấu cách dưới dòng này.")
            return None
        return value

    def sequence(self, data: dict, path: FieldPath) -> list:
        value = data.get(path[-1])
        if value is None:
            return []
        if not isinstance(value, list):
            self.report("E102", path, expected="danh sách", actual=_type_name(value),
                        example=_EXAMPLES["list"])
            return []
        return value

    def unit(self, value: object) -> str:
        name = _text(value)
        if self.rules.units and name not in self.rules.unit_names:
            close = difflib.get_close_matches(name, self.rules.unit_names, n=3, cutoff=0.5)
            raise Invalid("E211", value=name, choices=", ".join(close or self.rules.unit_names))
        return name

    def units(self, value: object) -> tuple[str, ...]:
        return tuple(self.unit(v) for v in _text_list(value))

    def unknown_fields(self, data: dict, path: FieldPath, known: tuple[str, ...]) -> None:
        for key in data:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"Có phải ý bạn là '{close[0]}'?" if close else \
                    "Xoá dòng này hoặc xem các trường hợp lệ trong README."
                self.report("W101", (*path, str(key)), suggestion=hint)


PAGE_FIELDS = ("title", "slug", "summary", "status", "order", "template")
DOCUMENT_FIELDS = ("title", "number", "issued", "issuer", "doc_type", "summary", "file", "status",
                   "slug")
ARTICLE_FIELDS = ("title", "date", "modified", "author", "authors", "category", "tags",
                  "summary", "image", "image_alt", "image_caption", "status", "slug")
MEETING_FIELDS = (*ARTICLE_FIELDS, "meeting", "decisions", "action_items", "updates")
MEETING_INFO_FIELDS = ("date", "location", "chair", "bodies", "attendees")
ITEM_FIELDS = ("id", "title", "owner", "support", "due", "priority", "status", "progress")
UPDATE_FIELDS = ("id", "status", "progress", "note", "due")


_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|javascript\s*:", re.I)


def _texts(value: object, path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    """Every text in front-matter ``value`` with its field path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _texts(inner, (*path, str(key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _texts(inner, (*path, index))


def _markup_in_text(r: _Reader, data: dict) -> None:
    """E111 for every front-matter text that looks like HTML (it would be shown as text)."""
    for path, text in _texts(data, ()):
        if _MARKUP.search(text):
            r.report("E111", path)


def _placeholders_left(r: _Reader, front: FrontMatter) -> None:
    """E113 for every sentence of :data:`PLACEHOLDERS` a published file still has."""
    for path, text in _texts(front.data, ()):
        if text.strip() in PLACEHOLDERS.values():
            r.report("E113", path, value=text.strip())
    for offset, line in enumerate(front.body.split("\n")):
        for sentence in PLACEHOLDERS.values():
            if sentence in line:
                r.findings.append(finding("E113", r.source, front.body_line + offset, value=sentence))


def _common_fields(r: _Reader, data: dict) -> dict:
    title = r.get(data, ("title",), _text, required=True)
    slug = r.get(data, ("slug",), _slug) or (vi.slugify(title) if title else "")
    if slug.isdigit():  # /2019/12/ is the month archive, not an article
        r.report("E108", ("slug",) if "slug" in data else ("title",), value=slug)
    if title and len(title) > r.rules.max_title_length:
        r.report("W103", ("title",), length=len(title), limit=r.rules.max_title_length)
    if len(slug) > r.rules.max_slug_length:
        r.report("W104", ("slug",) if "slug" in data else ("title",), length=len(slug),
                 limit=r.rules.max_slug_length)
    return {
        "title": title or "",
        "slug": slug,
        "status": r.get(data, ("status",), _choice(PUBLICATION_STATUSES), default=PUBLISHED),
        "summary": r.get(data, ("summary",), _paragraph),
    }


def _article_fields(r: _Reader, data: dict, kind: str) -> dict:
    authors_key = "authors" if "authors" in data and "author" not in data else "author"
    category_default = r.rules.meeting_category if kind == MEETING_REPORT else None
    image = r.get(data, ("image",), _text)
    if image:
        _check_image_file(r, image, image, ("image",), "E107")
    image_alt = r.get(data, ("image_alt",), _text)
    if image and not image_alt:
        r.report("E106", ("image_alt",) if "image_alt" in data else ("image",))
    return {
        "date": r.get(data, ("date",), _datetime, required=True),
        "modified": r.get(data, ("modified",), _datetime),
        "authors": r.get(data, (authors_key,), _text_list, required=True, default=()),
        "category": r.get(data, ("category",), _choice(r.rules.categories, "E104"),
                          required=category_default is None, default=category_default or ""),
        "tags": r.get(data, ("tags",), _tag_list, default=()),
        "image": image,
        "image_alt": image_alt,
        "image_caption": r.get(data, ("image_caption",), _text),
    }


def _document_fields(r: _Reader, data: dict) -> dict:
    """Văn bản: number, issue date, issuer, type, the file itself, and a summary (trích yếu)."""
    file = r.get(data, ("file",), _text, required=True)
    if file and not (r.rules.content_root / file).is_file():
        r.report("E112", ("file",), value=file)
    if not data.get("summary"):
        r.report("E101", ("summary",))
    return {
        "number": r.get(data, ("number",), _text, required=True, default=""),
        "issued": r.get(data, ("issued",), _date, required=True),
        "issuer": r.get(data, ("issuer",), _text, required=True, default=""),
        "doc_type": r.get(data, ("doc_type",), _choice(r.rules.document_types), default=""),
        "file": file or "",
    }


def _meeting(r: _Reader, data: dict) -> Meeting | None:
    info = r.mapping(data, ("meeting",), required=True)
    if info is None:
        return None
    r.unknown_fields(info, ("meeting",), MEETING_INFO_FIELDS)
    path = ("meeting",)
    date = r.get(info, (*path, "date"), _datetime, required=True)
    location = r.get(info, (*path, "location"), _text, required=True)
    chair = r.get(info, (*path, "chair"), _text, required=True)
    bodies = r.get(info, (*path, "bodies"), _text_list, required=True, default=())
    attendees = r.get(info, (*path, "attendees"), _text_list, default=())
    if date is None or location is None or chair is None:
        return None
    return Meeting(date=date, location=location, chair=chair, bodies=bodies, attendees=attendees)


def _entries(r: _Reader, data: dict, key: str, known: tuple[str, ...],
             example: str) -> Iterator[tuple[FieldPath, dict]]:
    """The mappings of list field ``key``, each with its path; anything else is E102."""
    for index, raw in enumerate(r.sequence(data, (key,))):
        path: FieldPath = (key, index)
        if not isinstance(raw, dict):
            r.report("E102", path, expected="khối trường con", actual=_type_name(raw), example=example)
            continue
        r.unknown_fields(raw, path, known)
        yield path, raw


def _action_items(r: _Reader, data: dict, meeting: Meeting | None) -> tuple[ActionItem, ...]:
    items = []
    for path, raw in _entries(r, data, "action_items", ITEM_FIELDS,
                              "Mỗi nhiệm vụ gồm các dòng 'id:', 'title:', 'owner:', 'due:'."):
        values = {
            "id": r.get(raw, (*path, "id"), _item_id, required=True),
            "title": r.get(raw, (*path, "title"), _text, required=True),
            "owner": r.get(raw, (*path, "owner"), r.unit, required=True),
            "due": r.get(raw, (*path, "due"), _date, required=True),
            "support": r.get(raw, (*path, "support"), r.units, default=()),
            "priority": r.get(raw, (*path, "priority"), _choice(PRIORITIES), default="normal"),
            "status": r.get(raw, (*path, "status"), _choice(ACTION_ITEM_STATUSES), default="open"),
            "progress": r.get(raw, (*path, "progress"), _progress),
        }
        if any(values[k] is None for k in ("id", "title", "owner", "due")):
            continue
        item = ActionItem(**values, line=r.front.line(*path))
        if meeting and item.due < meeting.date.date():
            r.report("E206", (*path, "due"), value=vi.short_date(item.due),
                     date=vi.short_date(meeting.date))
        _check_done(r, (*path,), item.id, item.status, item.progress)
        items.append(item)
    return tuple(items)


def _updates(r: _Reader, data: dict, meeting: Meeting | None) -> tuple[ActionItemUpdate, ...]:
    updates = []
    for path, raw in _entries(r, data, "updates", UPDATE_FIELDS,
                              "Mỗi cập nhật gồm 'id:', 'status:', 'progress:', 'note:'."):
        ident = r.get(raw, (*path, "id"), _item_id, required=True)
        update = ActionItemUpdate(
            id=ident or "",
            status=r.get(raw, (*path, "status"), _choice(ACTION_ITEM_STATUSES)),
            progress=r.get(raw, (*path, "progress"), _progress),
            note=r.get(raw, (*path, "note"), _paragraph, default=""),
            due=r.get(raw, (*path, "due"), _date),
            line=r.front.line(*path),
        )
        if ident is None:
            continue
        if meeting and update.due and update.due < meeting.date.date():
            r.report("E206", (*path, "due"), value=vi.short_date(update.due),
                     date=vi.short_date(meeting.date))
        _check_done(r, path, ident, update.status, update.progress)
        updates.append(update)
    return tuple(updates)


def _check_done(r: _Reader, path: FieldPath, ident: str, status: str | None,
                progress: int | None) -> None:
    if status == "done" and progress is not None and progress < 100:
        r.report("W201", (*path, "progress"), value=ident, progress=progress)


def _check_image_file(r: _Reader, written: str, target: str | None, path: FieldPath, missing: str,
                      line: int | None = None) -> None:
    """A missing image is an error, and so is one over ``max_image_kb`` (it is not published)."""
    size = file_size(r.rules.content_root / target) if target else None
    where = line or r.front.line(*path)
    if size is None:
        r.findings.append(finding(missing, r.source, where, field_name(path), value=written))
        return
    if size > r.rules.max_image_kb * 1024:
        r.findings.append(finding("E307", r.source, where, field_name(path), value=written,
                                  size=f"{size / 1048576:.1f}".replace(".", ","),
                                  limit=f"{r.rules.max_image_kb / 1024:g}".replace(".", ",")))


def _body(r: _Reader, relpath: str) -> tuple[Link, ...]:
    """Check the body's HTML, links and images; return its site-absolute links."""
    front, body_field = r.front, ("body",)

    def at(line: int) -> int:
        return front.body_line + line - 1

    def report(code: str, line: int, **details: object) -> None:
        r.findings.append(finding(code, r.source, at(line), "body", **details))

    for problem in scan_body(front.body, r.rules.iframe_hosts):
        report("E302" if problem.kind == "url" else "E301", problem.line, value=problem.what)
    site_links = []
    for link in body_links(front.body):
        if link.image and not (link.alt or "").strip():
            report("E305", link.line, value=link.url)
        if not link.url or unsafe_url(link.url):
            continue
        if is_relative(link.url):
            target = content_target(link.url, relpath, r.rules.content_root)
            if link.image:
                _check_image_file(r, link.url, target, body_field, "E304", at(link.line))
            elif target is None:
                report("E303", link.line, value=link.url)
        elif is_external(link.url):
            problem = external_url_problem(link.url)
            if problem:
                report("E306", link.line, value=link.url, detail=problem)
        elif link.url.startswith("/"):
            site_links.append(Link(at(link.line), link.url, link.image, link.alt))
    return tuple(site_links)


def _decode(raw: bytes, source: str) -> tuple[str | None, list[Finding]]:
    """Bytes → NFC text with LF line ends; a BOM and CRLF are accepted."""
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [finding("E001", source, None, detail=f"không phải UTF-8 (byte {error.start})")]
    if "\x00" in content:
        return None, [finding("E001", source, None, detail="tệp nhị phân, không phải văn bản")]
    return vi.nfc(content.replace("\r\n", "\n").replace("\r", "\n")), []


def parse_content_file(relpath: str, raw: bytes | str, rules: SiteRules) -> tuple[ContentFile | None, list[Finding]]:
    """Parse one content file; ``relpath`` is its path under the content root.

    Returns the document (None when it cannot be built) and every finding about it.
    """
    kind = rules.kind_of(relpath)
    source = rules.display_path(relpath)
    text, findings = _decode(raw, source) if isinstance(raw, bytes) else (vi.nfc(raw), [])
    if text is None:
        return None, findings
    front, problems = parse(source, text)
    findings += problems
    if front is None:
        return None, findings
    r = _Reader(source, front, rules)
    data = front.data
    _markup_in_text(r, data)
    base = {"source": source, "body": front.body, "body_line": front.body_line,
            "lines": front.lines, "site_links": _body(r, relpath)}
    document: ContentFile | None
    if kind == PAGE:
        r.unknown_fields(data, (), PAGE_FIELDS)
        fields = _common_fields(r, data)
        document = Page(kind=PAGE, **base, **fields,
                        order=r.get(data, ("order",), _integer, default=0))
    elif kind == DOCUMENT:
        r.unknown_fields(data, (), DOCUMENT_FIELDS)
        document = Document(kind=DOCUMENT, **base, **_common_fields(r, data), **_document_fields(r, data))
    else:
        kind = kind or ARTICLE
        r.unknown_fields(data, (), MEETING_FIELDS if kind == MEETING_REPORT else ARTICLE_FIELDS)
        fields = {**_common_fields(r, data), **_article_fields(r, data, kind)}
        if kind == MEETING_REPORT:
            meeting = _meeting(r, data)
            document = MeetingReport(
                kind=kind, **base, **fields, meeting=meeting,
                decisions=r.get(data, ("decisions",), _text_list, default=()),
                action_items=_action_items(r, data, meeting),
                updates=_updates(r, data, meeting),
            )
        else:
            document = Article(kind=kind, **base, **fields)
    if not front.body.strip() and kind in (ARTICLE, MEETING_REPORT):
        r.findings.append(finding("W102", source, front.body_line))
    if document is not None and document.is_published:
        _placeholders_left(r, front)
    findings += r.findings
    if any(f.code in INCOMPLETE for f in findings):
        return None, findings
    return document, findings


# --------------------------------------------------------------------------- across files
def meeting_reports(documents: list[ContentFile]) -> list[MeetingReport]:
    """Meeting reports in meeting-date order (the order their decisions were taken)."""
    reports = [d for d in documents if isinstance(d, MeetingReport) and d.meeting]
    return sorted(reports, key=lambda r: (r.meeting.date, r.source))


def decided_items(documents: list[ContentFile]) -> dict[str, tuple[ActionItem, MeetingReport]]:
    """Each action item id with the item and the meeting report that decided it (first wins)."""
    decided: dict[str, tuple[ActionItem, MeetingReport]] = {}
    for report in meeting_reports(documents):
        for item in report.action_items:
            decided.setdefault(item.id, (item, report))
    return decided
