"""What a build may show: drafts and articles scheduled for later (plain Python, no Pelican).

A *draft* is a file with ``status: draft``; a *scheduled* article is one whose ``date`` is
still in the future (Vietnam time). Both are *unreleased*. The writer's machine
(``pelicanconf.py``: ``SHOW_DRAFTS = True``) shows them, marked "Bản nháp" or
"Hẹn đăng <ngày>"; the public build (``publishconf.py``: ``SHOW_DRAFTS = False``) leaves them
out at the reader, so no page, list, feed, sitemap, search record or tracker entry ever
sees them. A scheduled article appears in the first public build after its time.

The clock is injected: ``PUBLICATION_NOW`` (``"YYYY-MM-DD HH:MM"``, Vietnam time), else the
environment variable ``TOASOAN_NOW``, else the current time. With
``Publication(show_unreleased=False, now=parse_now("2026-12-07 06:59"))``, an article dated
``2026-12-07 07:00`` is ``"scheduled"`` and left out; one minute later it is released.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import text as vi
from .model import DRAFT, Article, ContentFile

DRAFT_STATE, SCHEDULED = "draft", "scheduled"
CLOCK_VARIABLE = "TOASOAN_NOW"


class ClockError(ValueError):
    """``PUBLICATION_NOW`` or ``TOASOAN_NOW`` is not a date and time."""


def parse_now(value: object) -> dt.datetime:
    """``"YYYY-MM-DD HH:MM"`` (Vietnam time unless it says otherwise) as an aware datetime."""
    moment = vi.parse_datetime(value)
    if moment is None:
        raise ClockError(f"Giờ '{value}' không hợp lệ; viết dạng YYYY-MM-DD HH:MM, ví dụ 2026-12-07 07:00.")
    return moment


@dataclass(frozen=True)
class Publication:
    """Whether unreleased files are shown, and the time that decides what is scheduled."""

    show_unreleased: bool
    now: dt.datetime
    # The times of the scheduled files a build asked about (recorded as it asks): its outputs
    # hold until the soonest, :meth:`next_release`.
    upcoming: set[dt.datetime] = field(default_factory=set, compare=False, repr=False)

    @classmethod
    def of(cls, settings: Mapping, environ: Mapping[str, str] = os.environ) -> Publication:
        """From ``SHOW_DRAFTS`` (default True) and the clock (see the module doc)."""
        clock = settings.get("PUBLICATION_NOW") or environ.get(CLOCK_VARIABLE) or None
        now = parse_now(clock) if clock else dt.datetime.now(vi.VIETNAM)
        return cls(bool(settings.get("SHOW_DRAFTS", True)), now)

    def state(self, document: ContentFile) -> str | None:
        """``"draft"``, ``"scheduled"`` or None (released)."""
        if document.status == DRAFT:
            return DRAFT_STATE
        if isinstance(document, Article) and document.date > self.now:
            self.upcoming.add(document.date)
            return SCHEDULED
        return None

    def next_release(self) -> dt.datetime | None:
        """The soonest time a scheduled file seen so far goes live: what a build made from
        them (a "Hẹn đăng" banner, a public site without the article) is stale from then on."""
        return min(self.upcoming, default=None)

    def shows(self, document: ContentFile) -> bool:
        return self.show_unreleased or self.state(document) is None

    def note(self, document: ContentFile) -> str | None:
        """The banner a shown unreleased file carries, or None."""
        state = self.state(document)
        if state == DRAFT_STATE:
            return "Bản nháp: chỉ hiện khi xem trước trên máy, không được xuất bản."
        if state == SCHEDULED:
            return (f"Hẹn đăng {vi.vi_date(document.date)} lúc {document.date:%H:%M}: "
                    "trang công khai chưa có bài này cho đến giờ hẹn.")
        return None

    def scheduled(self, documents: Iterable[ContentFile]) -> list[Article]:
        """The published articles dated after now, soonest first."""
        found = [d for d in documents if self.state(d) == SCHEDULED]
        return sorted(found, key=lambda d: (d.date, d.source))  # type: ignore[attr-defined]

    def key(self) -> str:
        """What a build's outputs owe to the clock: the time when scheduled files are left
        out (they appear at their time), nothing when everything is shown."""
        return "" if self.show_unreleased else self.now.isoformat(timespec="minutes")


def scheduled_lines(articles: Iterable[Article]) -> list[str]:
    """``invoke check``'s note of the scheduled articles (not findings: nothing is wrong)."""
    return [f"{a.source}  Hẹn đăng {vi.vi_date(a.date)} lúc {a.date:%H:%M}: {a.title}" for a in articles]


def scheduled_records(articles: Iterable[Article]) -> list[dict]:
    """``invoke check --format json``'s records of the scheduled articles: the keys of a
    finding (``code`` None, ``severity`` "info") and the time, ``scheduled``."""
    return [{"file": a.source, "line": a.line("date"), "field": "date", "code": None, "severity": "info",
             "message": f"Hẹn đăng {vi.vi_date(a.date)} lúc {a.date:%H:%M}: {a.title}",
             "hint": "Bài lên trang công khai ở lần xuất bản đầu tiên sau giờ hẹn.",
             "scheduled": a.date.isoformat(timespec="minutes")} for a in articles]


def publication(settings: dict) -> Publication:
    """The build's :class:`Publication`, made once per settings and kept there as ``PUBLICATION``."""
    found = settings.get("PUBLICATION")
    if not isinstance(found, Publication):
        found = settings["PUBLICATION"] = Publication.of(settings)
    return found


def newest_first(article: object) -> tuple[float, str]:
    """Sort key of the site's article lists (``ARTICLE_ORDER_BY``): newest first, articles of
    the same time by slug. It is the order Pelican gives when it groups translations by slug
    (sorted by slug, then by date): the site has no translations (one language, unique slugs:
    E109), and Pelican's grouping of them is quadratic (2.3 s at 20 000 articles), so
    ``ARTICLE_TRANSLATION_ID`` is None and this key keeps the order from depending on the
    order files were read in."""
    return -article.date.timestamp(), article.slug
