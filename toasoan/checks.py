"""Checks that need every file at once: links between pages, unique slugs and ids, updates
that follow a decision.

Shared by the build (``content_checks`` plugin), ``invoke check`` and the editorial review.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote, urlsplit

from . import text as vi
from .findings import Finding, finding
from .model import DOCUMENT, PAGE, Article, ContentFile, SiteRules, decided_items, meeting_reports
from .tracker import check_tracker

_ARTICLE_PATH = re.compile(r"^/\d{4}/[^/]+/$")


def check_site(documents: list[ContentFile], rules: SiteRules | None = None, *,
               today: dt.date | None = None) -> list[Finding]:
    """Checks that need every file: links to the site's own pages (when ``rules`` are given),
    then :func:`check_site_model`.

    ``today`` (default: today in Vietnam) dates the tracker's stale-item warning W202.
    """
    findings = check_site_links(documents, rules) if rules else []
    return findings + check_site_model(documents, today=today)


def check_site_model(documents: list[ContentFile], *, today: dt.date | None = None) -> list[Finding]:
    """Unique slugs and ids, updates that follow a decision, the tracker's own checks.

    They read nothing of a body: files that differ only in their bodies (and the links in
    them) have the same findings — a resident preview's patch reuses them.
    """
    findings: list[Finding] = []
    slugs: dict[tuple[str, str], ContentFile] = {}
    for doc in sorted(documents, key=lambda d: d.source):
        space = doc.kind if doc.kind in (PAGE, DOCUMENT) else "article"
        first = slugs.setdefault((space, doc.slug), doc)
        if first is not doc:
            line = doc.lines.get(("slug",)) or doc.line("title")
            findings.append(finding("E109", doc.source, line, "slug", value=doc.slug,
                                    other=first.source))
    decided = decided_items(documents)
    for report in meeting_reports(documents):
        for item in report.action_items:
            first_item, first_report = decided[item.id]
            if first_item is not item:
                findings.append(finding(
                    "E203", report.source, item.line, "id", value=item.id,
                    other=f"{first_report.source}:{first_item.line}",
                    suggestion=next_free_id(item.id, decided)))
        for update in report.updates:
            origin = decided.get(update.id)
            if origin is None:
                findings.append(finding("E204", report.source, update.line, "updates.id",
                                        value=update.id))
            elif origin[1].meeting.date >= report.meeting.date:
                findings.append(finding(
                    "E205", report.source, update.line, "updates.id", value=update.id,
                    date=vi.short_date(report.meeting.date),
                    other=f"{vi.short_date(origin[1].meeting.date)}, {origin[1].source}"))
    findings += check_tracker(documents, today)
    return findings


def check_site_links(documents: list[ContentFile], rules: SiteRules) -> list[Finding]:
    """Site-absolute links (``/2019/ten-bai/``, ``/images/…``) must reach a page or file."""
    known = {"/" + rules.article_url.format(date=d.date, slug=d.slug) for d in documents
             if isinstance(d, Article)}
    known |= {"/" + rules.page_url.format(slug=d.slug) for d in documents if d.kind == PAGE}
    findings = []
    for document in documents:
        for link in document.site_links:
            path = unquote(urlsplit(link.url).path)
            path = path.removesuffix("index.html")
            top = path.strip("/").split("/", 1)[0]
            if top in rules.static_dirs:
                missing = not (rules.content_root / path.lstrip("/")).is_file()
            else:
                path = path if path.endswith("/") else path + "/"
                missing = bool(_ARTICLE_PATH.match(path)) and path not in known
            if missing:
                code = "E304" if link.image else "E303"
                findings.append(finding(code, document.source, link.line, "body", value=link.url))
    return findings


def next_free_id(ident: str, taken: dict[str, object]) -> str:
    """Suggest a free id in the same series: CNTT-2018-03 → CNTT-2018-09."""
    head, _, tail = ident.rpartition("-")
    if head and tail.isdigit():
        for number in range(int(tail) + 1, int(tail) + 1000):
            candidate = f"{head}-{number:0{len(tail)}d}"
            if candidate not in taken:
                return candidate
    return f"{ident}-B"
