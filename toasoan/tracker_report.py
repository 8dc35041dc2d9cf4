"""``invoke tracker``: what the next board meeting should look at.

Overdue and due-soon action items grouped by owner unit, as text (Vietnamese), JSON or
CSV. Built from the same :mod:`toasoan.tracker` state as the public tracker pages.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass

from . import findings as f
from . import text as vi
from .tracker import (
    CSV_COLUMNS,
    JSON_VERSION,
    TrackedItem,
    TrackerSummary,
    csv_row,
    item_record,
    parse_today,
    summarise,
    to_csv,
    track,
    tracker_settings,
    vietnam_today,
)

FORMATS = ("text", "json", "csv")


@dataclass(frozen=True)
class BoardGroup:
    """One unit's overdue and due-soon items (units with neither are left out)."""

    unit: str
    overdue: tuple[TrackedItem, ...]
    due_soon: tuple[TrackedItem, ...]


def board_groups(summary: TrackerSummary) -> list[BoardGroup]:
    return [BoardGroup(u.unit, u.overdue, u.due_soon) for u in summary.units
            if u.overdue or u.due_soon]


def _line(tracked: TrackedItem, today: dt.date) -> str:
    if tracked.is_overdue(today):
        when = f"hạn {vi.short_date(tracked.due)}, quá {tracked.days_overdue(today)} ngày"
    else:
        when = f"hạn {vi.short_date(tracked.due)}, còn {(tracked.due - today).days} ngày"
    moved = " (đã lùi hạn)" if tracked.rescheduled else ""
    return (f"    {tracked.id}  {tracked.title}\n"
            f"      {when}{moved} · {tracked.status_label} {tracked.progress}% · "
            f"cập nhật lần cuối {vi.short_date(tracked.last_update)}")


def board_text(summary: TrackerSummary) -> str:
    """The terminal summary, in Vietnamese."""
    totals = " · ".join(f"{g.label}: {len(g.items)}" for g in summary.statuses)
    progress = f"{summary.progress}%" if summary.progress is not None else "chưa có"
    lines = [
        f"Nhiệm vụ CNTT — tình hình đến {vi.vi_date(summary.today)}",
        f"Tổng số {summary.total} nhiệm vụ ({totals}); tiến độ chung {progress}.",
        f"Quá hạn: {len(summary.overdue)} · "
        f"Sắp đến hạn (trong {summary.due_soon_days} ngày): {len(summary.due_soon)}",
    ]
    groups = board_groups(summary)
    if not groups:
        lines += ["", "Không có nhiệm vụ quá hạn hay sắp đến hạn."]
    for group in groups:
        lines += ["", group.unit]
        for heading, items in (("Quá hạn", group.overdue), ("Sắp đến hạn", group.due_soon)):
            if items:
                lines.append(f"  {heading} ({len(items)})")
                lines += [_line(t, summary.today) for t in items]
    return "\n".join(lines)


def board_json(summary: TrackerSummary, site_url: str = "") -> str:
    """``{"version": 1, "today", "due_soon_days", "totals", "units": [...]}``."""
    data = {
        "version": JSON_VERSION,
        "today": summary.today.isoformat(),
        "due_soon_days": summary.due_soon_days,
        "totals": {"items": summary.total, "progress": summary.progress,
                   "by_status": summary.by_status, "overdue": len(summary.overdue),
                   "due_soon": len(summary.due_soon)},
        "units": [{"unit": g.unit,
                   "overdue": [item_record(t, site_url) for t in g.overdue],
                   "due_soon": [item_record(t, site_url) for t in g.due_soon]}
                  for g in board_groups(summary)],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


BOARD_CSV_COLUMNS = ("group", "unit", *CSV_COLUMNS)


def board_csv(summary: TrackerSummary, site_url: str = "") -> str:
    """One row per overdue or due-soon item; ``group`` is ``overdue`` or ``due_soon``."""
    rows = [{"group": name, "unit": g.unit, **csv_row(t, summary.today, site_url)}
            for g in board_groups(summary)
            for name, items in (("overdue", g.overdue), ("due_soon", g.due_soon))
            for t in items]
    return to_csv(rows, BOARD_CSV_COLUMNS)


def render(summary: TrackerSummary, fmt: str) -> str:
    if fmt == "json":
        return board_json(summary)
    if fmt == "csv":
        return board_csv(summary)
    return board_text(summary)


def tracker_command(settings_file: str = "pelicanconf.py", fmt: str = "text", today: str | None = None,
            days: int | None = None) -> int:
    """Print the board summary as of ``today`` (meetings after it do not count).

    Returns 1 when the content has errors or an option is wrong.
    """
    from .build.plan import load_settings
    from .content import read_content
    from .settings import site_rules

    if fmt not in FORMATS:
        print(f"Định dạng '{fmt}' không hỗ trợ; dùng một trong: {', '.join(FORMATS)}.", file=sys.stderr)
        return 1
    settings = load_settings(settings_file)
    options = tracker_settings(settings)
    try:
        day = parse_today(today) if today else options["today"] or vietnam_today()
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    rules, problems = site_rules(settings)
    documents, findings = read_content(rules)
    findings = problems + findings
    if f.has_errors(findings):
        print(f.format_text([x for x in findings if x.is_error]), file=sys.stderr)
        print("Nội dung còn lỗi (xem 'invoke check'); chưa lập được báo cáo.", file=sys.stderr)
        return 1
    window = options["due_soon_days"] if days is None else int(days)
    summary = summarise(track(documents, until=day), day, window, rules.unit_names)
    output = render(summary, fmt)
    sys.stdout.write(output if fmt == "csv" else output + "\n")
    return 0
