"""The action-item tracker, as plain Python over the content model.

Each :class:`~toasoan.model.ActionItem` becomes a :class:`TrackedItem`: the state it was
given in the meeting that decided it, then every later ``updates`` entry applied in
meeting-date order. Only *published* meeting reports count: a draft report neither
decides nor updates anything on the public tracker (``invoke check`` still validates it).

Nothing here knows Pelican; the ``action_tracker`` plugin and ``invoke tracker`` call it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import text as vi
from .findings import Finding, finding
from .model import (
    ACTION_ITEM_STATUSES,
    PRIORITIES,
    ActionItem,
    ActionItemUpdate,
    Compact,
    ContentFile,
    MeetingReport,
    decided_items,
    meeting_reports,
)

JSON_VERSION = 1
CLOSED = frozenset({"done", "cancelled"})
STALE_DAYS = 365  # W202: an open item with no entry for longer than this

#: ``TRACKER`` settings (pelicanconf.py) with their defaults, read once by the plugin.
TRACKER_DEFAULTS: dict[str, object] = {
    # Folder and URL prefix: /tracker/, /tracker/<id>/, /tracker/don-vi/<unit>/, exports.
    "path": "tracker",
    # Sub-folder of ``path`` for the per-unit pages.
    "unit_path": "don-vi",
    # Heading of the tracker page (and title of the exports).
    "title": "Theo dõi nhiệm vụ CNTT",
    # Items due within this many days are "sắp đến hạn" (page and ``invoke tracker``).
    "due_soon_days": 30,
    # Reference date for "quá hạn" as "YYYY-MM-DD"; None means the build day in Vietnam.
    "today": None,
}

SOURCE_TITLE = "Giao nhiệm vụ"


def tracker_settings(settings: dict) -> dict:
    """``TRACKER`` from Pelican settings merged over :data:`TRACKER_DEFAULTS`."""
    options = {**TRACKER_DEFAULTS, **(settings.get("TRACKER") or {})}
    options["path"] = str(options["path"]).strip("/")
    options["unit_path"] = str(options["unit_path"]).strip("/")
    options["due_soon_days"] = int(options["due_soon_days"])  # type: ignore[call-overload]
    if options["today"] is not None:
        options["today"] = parse_today(options["today"])
    return options


def parse_today(value: object) -> dt.date:
    """``YYYY-MM-DD`` (or a date) as a date; ValueError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = vi.parse_date(value)
    if parsed is None:
        raise ValueError(f"Ngày '{value}' không hợp lệ; viết dạng YYYY-MM-DD.")
    return parsed


def vietnam_now() -> dt.datetime:
    """Now in Vietnam, or the moment ``SOURCE_DATE_EPOCH`` names (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), vi.VIETNAM)
    return dt.datetime.now(vi.VIETNAM)


def vietnam_today() -> dt.date:
    return vietnam_now().date()


def last_change(items: Iterable[TrackedItem]) -> dt.datetime | None:
    """When the tracked data last changed: the newest meeting that decided or updated an item."""
    return max((entry.date for item in items for entry in item.history), default=None)


def effective_progress(status: str, progress: int | None, previous: int = 0) -> int:
    """A missing progress keeps the previous value; ``done`` without one means 100."""
    if progress is not None:
        return progress
    return 100 if status == "done" else previous


# --------------------------------------------------------------------------- tracked items
@dataclass(frozen=True, slots=True)
class HistoryEntry(Compact):
    """One step of an item's timeline: the deciding meeting or a later update."""

    item_id: str
    report: MeetingReport
    status: str
    progress: int
    due: dt.date
    note: str = ""
    update: ActionItemUpdate | None = None  # None for the deciding meeting
    report_url: str = ""

    @property
    def date(self) -> dt.datetime:
        return self.report.meeting.date

    @property
    def is_decision(self) -> bool:
        return self.update is None

    @property
    def anchor(self) -> str:
        """Stable fragment id of this entry on the item page."""
        return f"{'giao' if self.is_decision else 'cap-nhat'}-{self.report.slug}"

    @property
    def fragment(self) -> str:
        """Where the meeting report page shows this entry (row ids of its tables)."""
        return self.item_id if self.is_decision else f"cap-nhat-{self.item_id}"

    @property
    def status_label(self) -> str:
        return ACTION_ITEM_STATUSES[self.status]


@dataclass(frozen=True, slots=True)
class TrackedItem(Compact):
    """An action item with its current state and its history across meetings."""

    item: ActionItem
    report: MeetingReport  # the meeting report that decided it
    history: tuple[HistoryEntry, ...]
    url: str = ""  # relative to SITEURL, e.g. ``tracker/CNTT-2018-01/``

    @property
    def current(self) -> HistoryEntry:
        return self.history[-1]

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def owner(self) -> str:
        return self.item.owner

    @property
    def support(self) -> tuple[str, ...]:
        return self.item.support

    @property
    def priority(self) -> str:
        return self.item.priority

    @property
    def status(self) -> str:
        return self.current.status

    @property
    def progress(self) -> int:
        return self.current.progress

    @property
    def due(self) -> dt.date:
        return self.current.due


    @property
    def status_label(self) -> str:
        return ACTION_ITEM_STATUSES[self.status]

    @property
    def priority_label(self) -> str:
        return PRIORITIES[self.priority]

    @property
    def status_order(self) -> int:
        """Rank of the status in :data:`ACTION_ITEM_STATUSES` (for sorting)."""
        return list(ACTION_ITEM_STATUSES).index(self.status)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    @property
    def rescheduled(self) -> bool:
        return self.due != self.item.due

    @property
    def last_update(self) -> dt.date:
        return self.current.date.date()

    @property
    def updates(self) -> tuple[HistoryEntry, ...]:
        return self.history[1:]

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due < today

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.due).days

    def is_due_soon(self, today: dt.date, days: int) -> bool:
        return self.is_open and today <= self.due <= today + dt.timedelta(days=days)


def published(documents: Iterable[ContentFile]) -> list[ContentFile]:
    """The documents the public tracker is built from."""
    return [d for d in documents if d.is_published]


def track(documents: Iterable[ContentFile], *, path: str = "tracker",
          report_url: Callable[[MeetingReport], str] | None = None,
          until: dt.date | None = None) -> list[TrackedItem]:
    """Every action item of the *published* meeting reports, with updates applied.

    Items come in decision order (meeting date, then order in the report). Updates of
    unknown items or from meetings not after the decision are skipped here; the checks
    report them (E204, E205). With ``until``, meetings after that day do not count
    (the state as it stood then).
    """
    docs = [d for d in published(documents)
            if until is None or not isinstance(d, MeetingReport) or d.meeting is None
            or d.meeting.date.date() <= until]
    url_of = report_url or (lambda _report: "")
    decided = decided_items(docs)
    steps: dict[str, list[HistoryEntry]] = {}
    for ident, (item, report) in decided.items():
        status = item.status
        steps[ident] = [HistoryEntry(item_id=ident, report=report, status=status, due=item.due,
                                     progress=effective_progress(status, item.progress),
                                     report_url=url_of(report))]
    for report in meeting_reports(docs):
        for update in report.updates:
            history = steps.get(update.id)
            if history is None or report.meeting.date <= history[0].date:
                continue
            last = history[-1]
            status = update.status or last.status
            history.append(HistoryEntry(
                item_id=update.id, report=report, status=status, update=update, note=update.note,
                progress=effective_progress(status, update.progress, last.progress),
                due=update.due or last.due, report_url=url_of(report)))
    return [TrackedItem(item=item, report=report, history=tuple(steps[ident]),
                        url=item_url(ident, path))
            for ident, (item, report) in decided.items()]


def item_url(ident: str, path: str = "tracker") -> str:
    return f"{path}/{ident}/"


def unit_url(unit: str, path: str = "tracker", unit_path: str = "don-vi") -> str:
    return f"{path}/{unit_path}/{vi.slugify(unit)}/"


def by_id(items: Iterable[TrackedItem]) -> dict[str, TrackedItem]:
    return {t.id: t for t in items}


def display_order(items: Iterable[TrackedItem]) -> list[TrackedItem]:
    """Table order: earliest due first, then id."""
    return sorted(items, key=lambda t: (t.due, t.id))


# --------------------------------------------------------------------------- summaries
def mean_progress(items: Iterable[TrackedItem]) -> int | None:
    """Mean progress of the items that count (cancelled ones do not); None if none do."""
    values = [t.progress for t in items if t.status != "cancelled"]
    return round(sum(values) / len(values)) if values else None


@dataclass(frozen=True)
class StatusGroup:
    status: str
    items: tuple[TrackedItem, ...]

    @property
    def label(self) -> str:
        return ACTION_ITEM_STATUSES[self.status]

    @property
    def anchor(self) -> str:
        return f"trang-thai-{vi.slugify(self.status)}"


@dataclass(frozen=True)
class UnitSummary:
    """A unit's items: those it owns (chủ trì) and those it supports (phối hợp)."""

    unit: str
    owned: tuple[TrackedItem, ...]
    supported: tuple[TrackedItem, ...]
    overdue: tuple[TrackedItem, ...]
    due_soon: tuple[TrackedItem, ...]
    url: str = ""

    @property
    def slug(self) -> str:
        return vi.slugify(self.unit)

    @property
    def progress(self) -> int | None:
        return mean_progress(self.owned)

    @property
    def done(self) -> int:
        return sum(t.status == "done" for t in self.owned)


@dataclass(frozen=True)
class TrackerSummary:
    """Totals for one reference day: by status, progress, overdue and due soon."""

    today: dt.date
    due_soon_days: int
    items: tuple[TrackedItem, ...]
    statuses: tuple[StatusGroup, ...]
    units: tuple[UnitSummary, ...]
    overdue: tuple[TrackedItem, ...]
    due_soon: tuple[TrackedItem, ...]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def progress(self) -> int | None:
        return mean_progress(self.items)

    @property
    def by_status(self) -> dict[str, int]:
        return {g.status: len(g.items) for g in self.statuses}

    @property
    def active_units(self) -> tuple[UnitSummary, ...]:
        """Units that own or support at least one item."""
        return tuple(u for u in self.units if u.owned or u.supported)

    @property
    def idle_units(self) -> tuple[UnitSummary, ...]:
        return tuple(u for u in self.units if not (u.owned or u.supported))

    def unit(self, name: str) -> UnitSummary | None:
        return next((u for u in self.units if u.unit == name), None)


def summarise(items: Iterable[TrackedItem], today: dt.date, due_soon_days: int = 30,
              units: Iterable[str] = (), path: str = "tracker",
              unit_path: str = "don-vi") -> TrackerSummary:
    """Totals by status, per-unit progress, overdue and due-soon items as of ``today``.

    ``units`` (the roster) gives every unit a summary even with no item; units named by
    items but missing from the roster are added after it.
    """
    ordered = tuple(display_order(items))
    overdue = tuple(t for t in ordered if t.is_overdue(today))
    due_soon = tuple(t for t in ordered if t.is_due_soon(today, due_soon_days))
    names = list(dict.fromkeys([*units, *(t.owner for t in ordered),
                                *(s for t in ordered for s in t.support)]))
    unit_summaries = tuple(
        UnitSummary(unit=name,
                    owned=tuple(t for t in ordered if t.owner == name),
                    supported=tuple(t for t in ordered if name in t.support),
                    overdue=tuple(t for t in overdue if t.owner == name),
                    due_soon=tuple(t for t in due_soon if t.owner == name),
                    url=unit_url(name, path, unit_path))
        for name in names)
    statuses = tuple(StatusGroup(s, tuple(t for t in ordered if t.status == s))
                     for s in ACTION_ITEM_STATUSES)
    return TrackerSummary(today=today, due_soon_days=due_soon_days, items=ordered,
                          statuses=statuses, units=unit_summaries, overdue=overdue,
                          due_soon=due_soon)


@dataclass(frozen=True)
class MeetingTally:
    """How many items stood in each status right after one meeting (decisions and updates
    of that meeting applied; meetings of the same day count as one)."""

    date: dt.datetime
    reports: tuple[tuple[str, str], ...]  # (title, URL) of that day's meetings that decided or updated items
    counts: tuple[tuple[str, int], ...]  # (status, items), every status in ACTION_ITEM_STATUSES order

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def count(self, status: str) -> int:
        return dict(self.counts)[status]


def status_timeline(items: Iterable[TrackedItem]) -> list[MeetingTally]:
    """Items by status after each meeting that decided or updated one, oldest first.

    One pass over the days in order: each item stands at the last entry of its history dated
    that day or before, and the counts move with it (linear in the entries, not days × items).
    """
    items = list(items)
    days: dict[dt.date, list[tuple[int, int, HistoryEntry]]] = {}  # (item, index in its history, entry)
    for number, tracked in enumerate(items):
        for index, entry in enumerate(tracked.history):
            days.setdefault(entry.date.date(), []).append((number, index, entry))
    histories = [tracked.history for tracked in items]
    standing: dict[int, int] = {}  # item → index of the entry of its history it stands at
    counts = dict.fromkeys(ACTION_ITEM_STATUSES, 0)
    tallies = []
    for day in sorted(days):
        for number, index, _ in days[day]:
            before = standing.get(number)
            if before is not None:
                if before > index:
                    continue
                counts[histories[number][before].status] -= 1
            standing[number] = index
            counts[histories[number][index].status] += 1
        entries = sorted((entry for _, _, entry in days[day]), key=lambda e: e.date)
        reports = tuple({e.report.source: (e.report.title, e.report_url) for e in entries}.values())
        tallies.append(MeetingTally(entries[-1].date, reports, tuple(counts.items())))
    return tallies


# --------------------------------------------------------------------------- checks
def check_tracker(documents: list[ContentFile], today: dt.date | None = None) -> list[Finding]:
    """Tracker findings over the published reports: W201 on a derived state, W202, W203.

    W201 here catches an update that lowers progress on an item already ``done`` (the
    model reports an explicit ``status: done`` with low progress itself).
    """
    today = today or vietnam_today()
    findings: list[Finding] = []
    items = track(documents)
    for tracked in items:
        for entry in tracked.updates:
            update = entry.update
            if entry.status == "done" and entry.progress < 100 and update and not update.status:
                findings.append(finding("W201", entry.report.source, update.line, "updates.progress",
                                        value=tracked.id, progress=entry.progress))
        if tracked.is_open and (today - tracked.last_update).days > STALE_DAYS:
            findings.append(finding("W202", tracked.report.source, tracked.item.line, "id",
                                    value=tracked.id, date=vi.short_date(tracked.last_update)))
    public = {t.id for t in items}
    everywhere = decided_items(documents)
    for report in meeting_reports(published(documents)):
        for update in report.updates:
            if update.id in everywhere and update.id not in public:
                findings.append(finding("W203", report.source, update.line, "updates.id",
                                        value=update.id, other=everywhere[update.id][1].source))
    return findings


# --------------------------------------------------------------------------- records
def _iso(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


def _absolute(site_url: str, url: str) -> str:
    return f"{site_url.rstrip('/')}/{url}" if url else ""


def meeting_record(entry: HistoryEntry, site_url: str = "") -> dict:
    report = entry.report
    return {"title": report.title, "date": _iso(entry.date),
            "url": _absolute(site_url, entry.report_url)}


def history_record(entry: HistoryEntry, site_url: str = "") -> dict:
    return {"date": _iso(entry.date.date()), "meeting": meeting_record(entry, site_url),
            "status": entry.status, "progress": entry.progress, "note": entry.note,
            "due": _iso(entry.due)}


def item_record(tracked: TrackedItem, site_url: str = "") -> dict:
    """One item of ``action-items.json`` (schema in docs/tracker.md)."""
    return {
        "id": tracked.id,
        "title": tracked.title,
        "owner": tracked.owner,
        "support": list(tracked.support),
        "due": _iso(tracked.due),
        "status": tracked.status,
        "priority": tracked.priority,
        "progress": tracked.progress,
        "meeting": meeting_record(tracked.history[0], site_url),
        "url": _absolute(site_url, tracked.url),
        "history": [history_record(e, site_url) for e in tracked.history],
    }


def to_json(items: Iterable[TrackedItem], generated: dt.datetime, site_url: str = "") -> bytes:
    """``action-items.json`` in UTF-8: ``{"version": 1, "generated": …, "items": […]}``, the
    bytes ``json.dumps(…, ensure_ascii=False, indent=2)`` of the whole would give. Each
    item's record is made and encoded in turn: all of them at once, with the encoder's
    pieces, held 11.0 MiB at 5 000 articles, against 4.7 (tracemalloc)."""
    head = json.dumps({"version": JSON_VERSION, "generated": generated.isoformat(timespec="seconds"),
                       "items": []}, ensure_ascii=False, indent=2)
    before, after = head.rsplit("[]", 1)  # around the empty list of items
    out = io.BytesIO()
    out.write(before.encode("utf-8"))
    opening = "["
    for tracked in items:
        record = json.dumps(item_record(tracked, site_url), ensure_ascii=False, indent=2)
        out.write(f"{opening}\n{textwrap.indent(record, '    ')}".encode())
        opening = ","
    out.write(b"[]" if opening == "[" else b"\n  ]")
    out.write(f"{after}\n".encode())
    return out.getvalue()


CSV_COLUMNS = ("id", "title", "owner", "support", "due", "status", "status_label",
               "priority", "progress", "overdue", "last_update", "meeting_title",
               "meeting_date", "meeting_url", "url")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A CSV cell that Excel will not run as a formula (leading apostrophe)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def csv_row(tracked: TrackedItem, today: dt.date, site_url: str = "") -> dict[str, object]:
    first = tracked.history[0]
    return {
        "id": tracked.id, "title": tracked.title, "owner": tracked.owner,
        "support": "; ".join(tracked.support), "due": _iso(tracked.due),
        "status": tracked.status, "status_label": tracked.status_label,
        "priority": tracked.priority, "progress": tracked.progress,
        "overdue": "có" if tracked.is_overdue(today) else "không",
        "last_update": _iso(tracked.last_update), "meeting_title": first.report.title,
        "meeting_date": _iso(first.date.date()),
        "meeting_url": _absolute(site_url, first.report_url),
        "url": _absolute(site_url, tracked.url),
    }


def to_csv(rows: Iterable[dict[str, object]], columns: Iterable[str] = CSV_COLUMNS) -> str:
    """CSV text with a BOM (so Excel reads UTF-8), CRLF rows, formula-safe cells."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    columns = tuple(columns)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return out.getvalue()
