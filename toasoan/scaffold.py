"""``invoke new``: write a valid, ready-to-fill article or meeting report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import text as vi
from .checks import next_free_id
from .content import read_content
from .frontmatter import yaml_quoted
from .model import PLACEHOLDERS, SiteRules, decided_items

ARTICLE_TEMPLATE = """\
---
title: {title}
{slug_line}date: {date}
author: {author}
category: {category}
tags: []
status: draft
---

{body}"""
ARTICLE_BODY = f"{PLACEHOLDERS['lead']}\n\n{PLACEHOLDERS['detail']}\n"

MEETING_TEMPLATE = """\
---
title: {title}
{slug_line}date: {date}
author: {author}
status: draft
meeting:
  date: {date}
  location: Hà Nội
  chair: {chair}
  bodies: [Ban chỉ đạo ứng dụng CNTT]
decisions:
  - {decision}
action_items:
  - id: {item_id}
    title: {action_item}
    owner: {unit}
    due: {due}
    priority: normal
    status: open
    progress: 0
updates: []
---

{body}"""
MEETING_BODY = f"{PLACEHOLDERS['meeting_summary']}\n"


USAGE = ("invoke new article Tiêu đề bài viết (bài viết) hoặc invoke new meeting Tiêu đề cuộc họp "
         "(biên bản cuộc họp); thêm --author Tên người viết nếu cần.")


class ScaffoldError(Exception):
    """The new file cannot be written (it exists, the kind is unknown or the title is empty)."""


def new_content(kind: str, title: str, rules: SiteRules, *, author: str = "Ban biên tập",
                now: dt.datetime | None = None) -> Path:
    """Create ``content/articles/<year>/<slug>.md`` or ``content/meetings/<year>/<slug>.md``."""
    path, text = draft(kind, title, rules, author=author, now=now)
    if path.exists():
        raise ScaffoldError(f"Tệp {path} đã có; chọn tiêu đề khác.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def draft(kind: str, title: str, rules: SiteRules, *, author: str = "Ban biên tập",
          now: dt.datetime | None = None, slug: str | None = None,
          body: str | None = None) -> tuple[Path, str]:
    """Where a new draft goes and its text: the front matter of ``kind`` with ``body`` (or the
    template's own) below it. ``slug`` (when it is not the title's) is written as a field."""
    now = now or dt.datetime.now(vi.VIETNAM)
    if kind not in ("article", "meeting"):
        raise ScaffoldError(f"Không biết loại bài '{kind}'. Gõ: {USAGE}")
    title = vi.clean_line(title)
    own_slug = vi.slugify(title)
    if not own_slug:
        raise ScaffoldError(f"Thiếu tiêu đề (phải có ít nhất một chữ cái hoặc chữ số). Gõ: {USAGE}")
    slug = slug or own_slug
    values = {
        "title": _yaml_text(title),
        "slug_line": "" if slug == own_slug else f"slug: {slug}\n",
        "date": now.strftime("%Y-%m-%d %H:%M"),
        "author": _yaml_text(vi.clean_line(author)),
        "category": _yaml_text(rules.categories[0]),
        "unit": _yaml_text(rules.unit_names[0] if rules.unit_names else "Văn phòng"),
        "item_id": _free_item_id(f"CNTT-{now:%Y}-01", rules) if kind == "meeting" else "",
        "due": (now + dt.timedelta(days=90)).strftime("%Y-%m-%d"),
        **PLACEHOLDERS,  # the sentences the writer replaces (a published file may not keep them)
    }
    if kind == "article":
        folder, template, values["body"] = rules.article_dirs[0], ARTICLE_TEMPLATE, ARTICLE_BODY
    else:
        folder, template, values["body"] = rules.meeting_dirs[0], MEETING_TEMPLATE, MEETING_BODY
    if body is not None:
        values["body"] = body
    return rules.content_root / folder / f"{now:%Y}" / f"{slug}.md", template.format(**values)


def _free_item_id(first: str, rules: SiteRules) -> str:
    """``first`` unless an action item already has it; then the next free one in its series."""
    taken = decided_items(read_content(rules)[0])
    return first if first not in taken else next_free_id(first, taken)


def _yaml_text(value: str) -> str:
    """Quote a value when YAML would misread it (a colon, a hash, a leading symbol)."""
    if any(c in value for c in ":#[]{},&*!|>'\"%@`") or value[:1] in "-?“‘":
        return yaml_quoted(value)
    return value
