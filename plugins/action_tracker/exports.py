"""Calendar (iCalendar) and Atom exports of the tracked action items.

JSON and CSV come from :mod:`toasoan.tracker` (``invoke tracker`` shares them); the
calendar is built with ``icalendar`` and the feed with ``feedgenerator`` — never by hand.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

from feedgenerator import Atom1Feed

from toasoan import text as vi
from toasoan.tracker import HistoryEntry, TrackedItem

if TYPE_CHECKING:
    from icalendar import Component

#: RFC 5545 VTODO status for each action-item status (``blocked`` is work in progress
#: that is stuck: IN-PROCESS, with "Vướng mắc" in CATEGORIES).
VTODO_STATUS = {
    "open": "NEEDS-ACTION",
    "in_progress": "IN-PROCESS",
    "blocked": "IN-PROCESS",
    "done": "COMPLETED",
    "cancelled": "CANCELLED",
}
ICAL_PRIORITY = {"high": 1, "normal": 5, "low": 9}
ATOM_SUBTITLE = "Các thay đổi về trạng thái, tiến độ và hạn của nhiệm vụ CNTT."


def absolute(site_url: str, url: str) -> str:
    return f"{site_url.rstrip('/')}/{url}"


def site_domain(site_url: str) -> str:
    """Host of ``SITEURL`` for UIDs and tag URIs; a fixed name when SITEURL is relative."""
    return urlsplit(site_url).hostname or "toasoan.local"


def _description(tracked: TrackedItem) -> str:
    first = tracked.history[0]
    lines = [
        f"Trạng thái: {tracked.status_label}, tiến độ {tracked.progress}%",
        f"Đơn vị chủ trì: {tracked.owner}",
    ]
    if tracked.support:
        lines.append(f"Phối hợp: {', '.join(tracked.support)}")
    lines.append(f"Giao tại: {first.report.title} ({vi.short_date(first.date)})")
    if tracked.rescheduled:
        lines.append(f"Hạn ban đầu: {vi.short_date(tracked.item.due)}")
    return "\n".join(lines)


def to_ics(items: list[TrackedItem], generated: dt.datetime, title: str, site_url: str = "") -> bytes:
    """One VTODO per item (DUE, STATUS, PERCENT-COMPLETE) and an all-day VEVENT on its due date.

    The bytes are those of ``Calendar.to_ical()`` with every component added, made one
    component at a time: the calendar's own properties come first and ``END:VCALENDAR``
    last, and each component is serialised by ``icalendar`` and let go, so the export never
    holds every item's component objects and content lines at once (≈ 30 MiB at 2 000 items).
    """
    # Imported here: icalendar takes ≈ 40 ms to import, and only a build that writes the
    # calendar needs it (not a patch, which starts Pagefind after the plugins are loaded).
    from icalendar import Calendar

    domain = site_domain(site_url)
    calendar = Calendar()
    calendar.add("prodid", f"-//{domain}//Toa soan - {title}//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", title)
    end = b"END:VCALENDAR\r\n"  # what icalendar writes after the last component
    components = (c.to_ical() for c in _components(items, generated, domain, site_url))
    return b"".join((calendar.to_ical().removesuffix(end), *components, end))


def _components(items: list[TrackedItem], generated: dt.datetime, domain: str,
                site_url: str) -> Iterator[Component]:
    """Each item's VTODO and VEVENT, in order.

    Values are handed to ``Component.add`` as icalendar property objects, and a value that
    repeats (DTSTAMP, each item's DESCRIPTION and URL in its two components, statuses,
    priorities, percentages) is converted once: ``add`` then skips its type inference and
    each property object its parameter dictionary — with content-line folding, most of the
    cost of this export. The output is the same as adding plain Python values.
    """
    from icalendar import Event, Todo, vDDDTypes, vInt, vText, vUri

    text = functools.cache(vText)
    integer = functools.cache(vInt)
    stamp = vDDDTypes(generated.astimezone(dt.UTC))
    for tracked in items:
        summary = f"{tracked.id}: {tracked.title}"
        description = vText(_description(tracked))
        todo = Todo()
        todo.add("uid", vText(f"{tracked.id}@{domain}"))
        todo.add("dtstamp", stamp)
        todo.add("summary", vText(summary))
        todo.add("description", description)
        todo.add("due", tracked.due)
        todo.add("status", text(VTODO_STATUS[tracked.status]))
        todo.add("percent-complete", integer(tracked.progress))
        todo.add("priority", integer(ICAL_PRIORITY[tracked.priority]))
        todo.add("categories", [tracked.owner, tracked.status_label])
        event = Event()
        event.add("uid", vText(f"{tracked.id}-han@{domain}"))
        event.add("dtstamp", stamp)
        event.add("summary", vText(f"Hạn: {summary}"))
        event.add("description", description)
        event.add("dtstart", tracked.due)
        event.add("dtend", tracked.due + dt.timedelta(days=1))
        event.add("transp", text("TRANSPARENT"))
        if tracked.status == "cancelled":
            event.add("status", text("CANCELLED"))
        url = vUri(absolute(site_url, tracked.url)) if site_url else None
        for component in (todo, event):
            if url:
                component.add("url", url)
            yield component


def _entry_title(tracked: TrackedItem, entry: HistoryEntry) -> str:
    what = "Giao nhiệm vụ" if entry.is_decision else "Cập nhật"
    return f"{tracked.id} — {what}: {entry.status_label}, {entry.progress}% — {tracked.title}"


def _entry_text(tracked: TrackedItem, entry: HistoryEntry) -> str:
    parts = [f"Cuộc họp {vi.short_date(entry.date)}: {entry.report.title}.",
             f"Trạng thái: {entry.status_label}; tiến độ {entry.progress}%; "
             f"hạn {vi.short_date(entry.due)}; đơn vị chủ trì: {tracked.owner}."]
    if entry.note:
        parts.append(entry.note)
    return " ".join(parts)


class _StreamedAtom(Atom1Feed):
    """An Atom feed whose entries are made one at a time as they are written (``entries``
    gives each one's ``add_item`` arguments, newest first): holding all of them took 19.1 MiB
    at 5 000 articles, against 7.5 (tracemalloc). ``updated`` is the newest entry's date,
    or when there is none the date given (not the time of writing: two builds of the same
    content write the same feed)."""

    def __init__(self, *args: object, updated: dt.datetime,
                 entries: Callable[[], Iterator[dict[str, object]]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.updated = updated
        self.entries = entries

    def latest_post_date(self) -> dt.datetime:
        return self.updated

    def write_items(self, handler) -> None:
        for fields in self.entries():
            self.add_item(**fields)  # feedgenerator's own conversions, then let go once written
            item = self.items.pop()
            handler.startElement("entry", self.item_attributes(item))
            self.add_item_elements(handler, item)
            handler.endElement("entry")


def write_atom(file: BinaryIO, items: list[TrackedItem], title: str, page_url: str, feed_url: str,
               site_url: str = "", *, updated: dt.datetime) -> None:
    """An Atom feed with one entry per decision or update, newest first (``updated``: its
    date when there is none), into ``file``, encoded as the XML writer goes."""
    entries = _feed_entries(items)
    feed = _StreamedAtom(title=title, link=page_url, feed_url=feed_url, language="vi", description=ATOM_SUBTITLE,
                         updated=entries[0][0].date if entries else updated,
                         entries=lambda: _entry_fields(entries, site_url))
    feed.write(file, "utf-8")


def _feed_entries(items: list[TrackedItem]) -> list[tuple[HistoryEntry, TrackedItem]]:
    """Every decision and update with its item, newest first (items by id on the same date)."""
    by_item = [(entry, tracked) for tracked in sorted(items, key=lambda t: t.id) for entry in tracked.history]
    return sorted(by_item, key=lambda pair: pair[0].date, reverse=True)  # stable: ids ascend


def _entry_fields(entries: list[tuple[HistoryEntry, TrackedItem]], site_url: str) -> Iterator[dict[str, object]]:
    """``Atom1Feed.add_item``'s arguments for each entry, in order."""
    domain = site_domain(site_url)
    for entry, tracked in entries:
        yield {
            "title": _entry_title(tracked, entry),
            "link": f"{absolute(site_url, tracked.url)}#{entry.anchor}",
            "description": _entry_text(tracked, entry),
            "unique_id": f"tag:{domain},{entry.date.date().isoformat()}:{tracked.url}{entry.anchor}",
            "pubdate": entry.date,
            "updateddate": entry.date,
            "categories": [tracked.owner, entry.status_label],
        }
