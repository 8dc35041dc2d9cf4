"""``invoke new``: write a valid, ready-to-fill article or meeting report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import text as vi
from .checks import next_free_id
from .content import read_content
from .frontmatter import yaml_quoted
from .model import SiteRules, decided_items

ARTICLE_TEMPLATE = """\
---
title: {title}
date: {date}
author: {author}
category: {category}
tags: []
status: draft
---

Viết đoạn mở đầu ở đây: ai, làm gì, khi nào, ở đâu.

Viết nội dung chi tiết ở đây.
"""

MEETING_TEMPLATE = """\
---
title: {title}
date: {date}
author: {author}
status: draft
meeting:
  date: {date}
  location: Hà Nội
  chair: Họ tên, chức vụ người chủ trì
  bodies: [Ban chỉ đạo ứng dụng CNTT]
decisions:
  - Kết luận thứ nhất của cuộc họp.
action_items:
  - id: {item_id}
    title: Nội dung nhiệm vụ được giao
    owner: {unit}
    due: {due}
    priority: normal
    status: open
    progress: 0
updates: []
---

Viết tóm tắt diễn biến cuộc họp ở đây.
"""


USAGE = ("invoke new article Tiêu đề bài viết (bài viết) hoặc invoke new meeting Tiêu đề cuộc họp "
         "(biên bản cuộc họp); thêm --author Tên người viết nếu cần.")


class ScaffoldError(Exception):
    """The new file cannot be written (it exists, the kind is unknown or the title is empty)."""


def new_content(kind: str, title: str, rules: SiteRules, *, author: str = "Ban biên tập",
                now: dt.datetime | None = None) -> Path:
    """Create ``content/articles/<year>/<slug>.md`` or ``content/meetings/<year>/<slug>.md``."""
    now = now or dt.datetime.now(vi.VIETNAM)
    if kind not in ("article", "meeting"):
        raise ScaffoldError(f"Không biết loại bài '{kind}'. Gõ: {USAGE}")
    title = vi.clean_line(title)
    slug = vi.slugify(title)
    if not slug:
        raise ScaffoldError(f"Thiếu tiêu đề (phải có ít nhất một chữ cái hoặc chữ số). Gõ: {USAGE}")
    values = {
        "title": _yaml_text(title),
        "date": now.strftime("%Y-%m-%d %H:%M"),
        "author": _yaml_text(author),
        "category": _yaml_text(rules.categories[0]),
        "unit": _yaml_text(rules.unit_names[0] if rules.unit_names else "Văn phòng"),
        "item_id": _free_item_id(f"CNTT-{now:%Y}-01", rules) if kind == "meeting" else "",
        "due": (now + dt.timedelta(days=90)).strftime("%Y-%m-%d"),
    }
    if kind == "article":
        folder, template = rules.article_dirs[0], ARTICLE_TEMPLATE
    else:
        folder, template = rules.meeting_dirs[0], MEETING_TEMPLATE
    path = rules.content_root / folder / f"{now:%Y}" / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(f"Tệp {path} đã có; chọn tiêu đề khác.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template.format(**values), encoding="utf-8")
    return path


def _free_item_id(first: str, rules: SiteRules) -> str:
    """``first`` unless an action item already has it; then the next free one in its series."""
    taken = decided_items(read_content(rules)[0])
    return first if first not in taken else next_free_id(first, taken)


def _yaml_text(value: str) -> str:
    """Quote a value when YAML would misread it (a colon, a hash, a leading symbol)."""
    if any(c in value for c in ":#[]{},&*!|>'\"%@`") or value[:1] in "-?“‘":
        return yaml_quoted(value)
    return value
