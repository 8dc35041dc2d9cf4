"""What a submission changes, for people: front matter as a table, the body by paragraph,
images side by side. Everything is read from git objects; nothing of the branch runs."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field

from .. import text as vi
from ..editorial.review import Review
from ..editorial.tree import is_markdown
from ..frontmatter import parse
from ..git import Git

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")


@dataclass
class FieldChange:
    name: str
    old: str
    new: str


@dataclass
class Paragraph:
    """``same``, ``added``, ``removed`` or ``changed`` (old → new)."""

    kind: str
    old: str = ""
    new: str = ""


@dataclass
class FileDiff:
    path: str
    status: str
    title: str = ""
    fields: list[FieldChange] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    image: bool = False
    old_path: str | None = None

    @property
    def changed_paragraphs(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.kind != "same"]


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str, indent=1)
    return str(value)


def _split(text: bytes | None) -> tuple[dict, list[str]]:
    if text is None:
        return {}, []
    front, _ = parse("", vi.nfc(text.decode("utf-8", "replace").replace("\r\n", "\n")))
    if front is None:
        return {}, [p.strip() for p in text.decode("utf-8", "replace").split("\n\n") if p.strip()]
    return front.data, [p.strip() for p in front.body.split("\n\n") if p.strip()]


def paragraphs(old: list[str], new: list[str]) -> list[Paragraph]:
    """The body compared paragraph by paragraph (difflib)."""
    out: list[Paragraph] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [Paragraph("same", p, p) for p in old[i1:i2]]
        elif tag == "delete":
            out += [Paragraph("removed", p) for p in old[i1:i2]]
        elif tag == "insert":
            out += [Paragraph("added", new=p) for p in new[j1:j2]]
        else:
            pairs = list(zip(old[i1:i2], new[j1:j2], strict=False))
            out += [Paragraph("changed", a, b) for a, b in pairs]
            out += [Paragraph("removed", p) for p in old[i1 + len(pairs):i2]]
            out += [Paragraph("added", new=p) for p in new[j1 + len(pairs):j2]]
    return out


def file_diffs(git: Git, rev: Review) -> list[FileDiff]:
    """One :class:`FileDiff` per changed path of the submission."""
    sub = rev.submission
    diffs = []
    for change in sub.changes:
        diff = FileDiff(change.path, change.status, change.title, old_path=change.old_path)
        if change.path.lower().endswith(IMAGE_SUFFIXES):
            diff.image = True
        elif is_markdown(change.path):
            before = git.show(sub.merge_base, change.old_path or change.path) if change.status != "A" else None
            after = git.show(sub.head, change.path) if change.status != "D" else None
            old_data, old_body = _split(before)
            new_data, new_body = _split(after)
            for name in dict.fromkeys([*old_data, *new_data]):
                old, new = _show(old_data.get(name)), _show(new_data.get(name))
                if old != new:
                    diff.fields.append(FieldChange(name, old, new))
            diff.paragraphs = paragraphs(old_body, new_body)
        diffs.append(diff)
    return diffs
