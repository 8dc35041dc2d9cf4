"""The tracker's two charts as static SVG, made at build time from the tracker's model.

* :func:`status_chart`: items by status after each meeting (one stacked bar per meeting day).
* :func:`unit_chart`: mean progress of each unit's items (one bar per unit, 0–100 %).

Each chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>`` (the desc says
every number in words); the page puts the data table beside it. Widths are percentages and
text has a fixed size, so a chart fills a phone's width without shrinking its text; no
script is needed. Every shape carries its number (``data-count``, ``data-progress``) for
the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from toasoan import text as vi
from toasoan.model import ACTION_ITEM_STATUSES
from toasoan.tracker import MeetingTally, UnitSummary

# Fill of each status: at least 3:1 against white (WCAG 1.4.11), told apart by the legend.
STATUS_COLOURS = {
    "open": "#5f6b7a",
    "in_progress": "#0b57a4",
    "done": "#1e7b34",
    "blocked": "#9a1c1c",
    "cancelled": "#8a6d00",
}
INK, TRACK = "#1f2328", "#e6e9ed"
ROW, BAR, TEXT_SIZE = 44, 18, 14  # px: one row is a text line, then its bar


@dataclass(frozen=True)
class Chart:
    """One chart: its id (the page's anchors), title, description and SVG markup."""

    id: str
    title: str
    description: str
    svg: str
    legend: tuple[tuple[str, str, str], ...] = ()  # (status, label, colour)


def _svg(chart_id: str, title: str, description: str, height: int, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="bieu-do-svg" role="img" width="100%" '
            f'height="{height}" aria-labelledby="{chart_id}-ten {chart_id}-mo-ta">'
            f'<title id="{chart_id}-ten">{escape(title)}</title>'
            f'<desc id="{chart_id}-mo-ta">{escape(description)}</desc>'
            + "".join(body) + "</svg>")


def _text(y: int, words: str) -> str:
    return f'<text x="0" y="{y}" font-size="{TEXT_SIZE}" fill="{INK}">{escape(words)}</text>'


def _percent(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def status_chart(tallies: Iterable[MeetingTally], chart_id: str = "bieu-do-trang-thai") -> Chart:
    """One row per meeting day: "27/12/2018 · 4 nhiệm vụ", then a bar stacked by status,
    as long as the day's total against the largest total."""
    tallies = list(tallies)
    title = "Số nhiệm vụ theo trạng thái sau mỗi cuộc họp"
    widest = max((t.total for t in tallies), default=0) or 1
    body: list[str] = []
    sentences = []
    for row, tally in enumerate(tallies):
        top = row * ROW
        day = vi.short_date(tally.date)
        body.append(_text(top + TEXT_SIZE, f"{day} · {tally.total} nhiệm vụ"))
        left = 0.0
        for status, count in tally.counts:
            if not count:
                continue
            width = 100 * count / widest
            body.append(f'<rect x="{_percent(left)}" y="{top + TEXT_SIZE + 6}" width="{_percent(width)}" '
                        f'height="{BAR}" fill="{STATUS_COLOURS[status]}" data-status="{status}" '
                        f'data-count="{count}"/>')
            left += width
        parts = ", ".join(f"{n} {ACTION_ITEM_STATUSES[s].lower()}" for s, n in tally.counts if n)
        sentences.append(f"Sau cuộc họp ngày {day}: {tally.total} nhiệm vụ ({parts}).")
    description = " ".join(sentences) or "Chưa có nhiệm vụ nào."
    legend = tuple((s, label, STATUS_COLOURS[s]) for s, label in ACTION_ITEM_STATUSES.items())
    return Chart(chart_id, title, description, _svg(chart_id, title, description, max(len(tallies), 1) * ROW, body),
                 legend)


def unit_chart(units: Iterable[UnitSummary], chart_id: str = "bieu-do-don-vi") -> Chart:
    """One row per unit that owns items: "Văn phòng · 45%", then its progress bar on a track."""
    units = [u for u in units if u.owned]
    title = "Tiến độ trung bình của các đơn vị chủ trì"
    body: list[str] = []
    sentences = []
    for row, unit in enumerate(units):
        top = row * ROW
        shown = "chưa có tiến độ" if unit.progress is None else f"{unit.progress}%"
        body.append(_text(top + TEXT_SIZE, f"{unit.unit} · {shown}"))
        body.append(f'<rect x="0" y="{top + TEXT_SIZE + 6}" width="100%" height="{BAR}" fill="{TRACK}"/>')
        if unit.progress is not None:
            body.append(f'<rect x="0" y="{top + TEXT_SIZE + 6}" width="{unit.progress}%" height="{BAR}" '
                        f'fill="{STATUS_COLOURS["in_progress"]}" data-unit="{escape(unit.unit)}" '
                        f'data-progress="{unit.progress}"/>')
        sentences.append(f"{unit.unit}: {shown}, {len(unit.owned)} nhiệm vụ chủ trì, {unit.done} hoàn thành.")
    description = " ".join(sentences) or "Chưa có đơn vị nào được giao nhiệm vụ."
    return Chart(chart_id, title, description, _svg(chart_id, title, description, max(len(units), 1) * ROW, body))
