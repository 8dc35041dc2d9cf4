"""A content file (article, meeting report or Văn bản) as the desk's form holds it, and back.

The form keeps every field as text (what the writer typed, even when it is wrong); the file
is written from it with ``yaml.safe_dump`` and read back with the content model's own front
matter reader (:func:`toasoan.frontmatter.parse`), so nothing here parses YAML by hand and
the findings always come from :func:`toasoan.model.parse_content_file`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from .. import text as vi
from ..frontmatter import parse
from ..model import (
    ARTICLE_FIELDS,
    DOCUMENT_FIELDS,
    ITEM_FIELDS,
    MEETING_INFO_FIELDS,
    MEETING_REPORT,
    UPDATE_FIELDS,
    SiteRules,
)
from ..model import DOCUMENT as DOCUMENT_KIND

ARTICLE, MEETING, DOCUMENT = "article", "meeting", "document"
KINDS = (ARTICLE, MEETING, DOCUMENT)
LISTS = {"decisions": (), "action_items": ITEM_FIELDS, "updates": UPDATE_FIELDS}
NAME_LISTS = ("authors", "tags", "meeting.bodies", "meeting.attendees")


@dataclass
class Form:
    """The fields of one article, meeting report or document as text, plus its rows."""

    kind: str
    fields: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=lambda: {k: [] for k in LISTS})
    body: str = ""

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    @property
    def field_names(self) -> tuple[str, ...]:
        """The model's top-level fields of this kind (``author`` is the form's ``authors``)."""
        return DOCUMENT_FIELDS if self.kind == DOCUMENT else ARTICLE_FIELDS


def kind_of(relpath: str, rules: SiteRules) -> str:
    """The form's kind for a file under the content root, as the model decides it."""
    return {MEETING_REPORT: MEETING, DOCUMENT_KIND: DOCUMENT}.get(rules.kind_of(relpath) or "", ARTICLE)


# ------------------------------------------------------------------ file → form
def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(_as_text(v) for v in value)
    return str(value)


def form_from_text(text: str, kind: str) -> Form:
    """What a content file says, as the form shows it (values kept as written)."""
    front, _ = parse("", vi.nfc(text))
    form = Form(kind)
    if front is None:
        form.body = text
        return form
    data = front.data
    form.body = front.body.lstrip("\n")
    for name in form.field_names:
        if name in ("author", "authors"):
            continue
        form.fields[name] = _as_text(data.get(name))
    if kind == DOCUMENT:
        return form
    form.fields["authors"] = _as_text(data.get("authors", data.get("author")))
    meeting = data.get("meeting") if isinstance(data.get("meeting"), Mapping) else {}
    for name in MEETING_INFO_FIELDS:
        form.fields[f"meeting.{name}"] = _as_text(meeting.get(name))
    for key, names in LISTS.items():
        entries = data.get(key) if isinstance(data.get(key), list) else []
        if key == "decisions":
            form.rows[key] = [{"text": _as_text(e)} for e in entries]
        else:
            form.rows[key] = [{n: _as_text(e.get(n)) for n in names} for e in entries if isinstance(e, Mapping)]
    if kind == MEETING or data.get("meeting") is not None:
        form.kind = MEETING
    return form


# ------------------------------------------------------------------ request → form
def form_from_post(values: Mapping[str, str], kind: str) -> Form:
    """The form as posted: ``title``, ``meeting.date``, ``action_items-2-owner``…"""
    form = Form(kind if kind in KINDS else ARTICLE)
    form.body = vi.nfc(values.get("body", "")).replace("\r\n", "\n")
    names = form.field_names if form.kind == DOCUMENT else \
        (*form.field_names, "authors", *(f"meeting.{n}" for n in MEETING_INFO_FIELDS))
    for name in names:
        if name in values and name != "author":
            form.fields[name] = vi.nfc(values[name]).strip()
    for key, names in LISTS.items():
        count = _int(values.get(f"{key}-count"), 0)
        for index in range(min(count, 500)):
            prefix = f"{key}-{index}-"
            if key == "decisions":
                form.rows[key].append({"text": vi.nfc(values.get(prefix + "text", "")).strip()})
            else:
                form.rows[key].append({n: vi.nfc(values.get(prefix + n, "")).strip() for n in names})
    return form


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


def apply_operation(form: Form, operation: str) -> None:
    """``add:action_items``, ``remove:updates:1``, ``up:decisions:2``, ``down:…``: rows edited
    without a script (the buttons post the form; the page's script does the same in place)."""
    verb, _, rest = operation.partition(":")
    key, _, index_text = rest.partition(":")
    if key not in LISTS:
        return
    rows = form.rows[key]
    index = _int(index_text, -1)
    if verb == "add":
        rows.append({"text": ""} if key == "decisions" else {n: "" for n in LISTS[key]})
    elif verb == "remove" and 0 <= index < len(rows):
        del rows[index]
    elif verb == "up" and 0 < index < len(rows):
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif verb == "down" and 0 <= index < len(rows) - 1:
        rows[index + 1], rows[index] = rows[index], rows[index + 1]


# ------------------------------------------------------------------ form → file
def _names(value: str) -> list[str]:
    return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]


def _number(value: str) -> int | str:
    return int(value) if value.strip().isdigit() else value


def _row(row: dict[str, str], names: tuple[str, ...]) -> dict:
    entry: dict[str, object] = {}
    for name in names:
        value = row.get(name, "")
        if not value:
            continue
        if name == "support":
            entry[name] = _names(value)
        elif name == "progress":
            entry[name] = _number(value)
        else:
            entry[name] = value
    return entry


def front_matter(form: Form) -> dict:
    """The front matter the form describes, in the model's field order, empty fields left out."""
    data: dict[str, object] = {}
    for name in form.field_names:
        if name == "author":
            continue
        if name == "authors":
            names = _names(form.get("authors"))
            if names:
                data["author"] = names[0] if len(names) == 1 else names
            continue
        value = form.get(name)
        if value:
            data[name] = _names(value) if name == "tags" else value
    if form.kind == MEETING:
        meeting = {}
        for name in MEETING_INFO_FIELDS:
            value = form.get(f"meeting.{name}")
            if value:
                meeting[name] = _names(value) if f"meeting.{name}" in NAME_LISTS else value
        data["meeting"] = meeting
        data["decisions"] = [r["text"] for r in form.rows["decisions"] if r.get("text")]
        data["action_items"] = [e for r in form.rows["action_items"] if (e := _row(r, ITEM_FIELDS))]
        data["updates"] = [e for r in form.rows["updates"] if (e := _row(r, UPDATE_FIELDS))]
    return data


def file_text(form: Form) -> str:
    """The Markdown file: front matter between ``---`` lines, then the body."""
    yaml_text = yaml.safe_dump(front_matter(form), allow_unicode=True, sort_keys=False,
                               default_flow_style=False, width=1000)
    body = form.body.strip("\n")
    return f"---\n{yaml_text}---\n\n{body}\n"
