"""``sitemap.xml`` and ``robots.txt`` from the pages Pelican actually wrote.

Every HTML page written through Pelican's writer (articles, pages, listings, archives,
the tracker, the documents…) is seen once at ``content_written``; at ``finalized`` the
public ones are listed in ``sitemap.xml`` with their last modification date, and
``robots.txt`` points at it. Not listed: drafts and hidden pages, ``404.html``, pages 2,
3… of a listing (their first page is listed) and pages marked ``noindex`` by a setting.

``lastmod`` is the newest date of what the page shows: an article's ``modified`` or
``date``; a page's ``modified`` or its file's modification time; an action item's last
update; a document's ``modified``/``issued``; for a listing, the newest of its articles.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import XMLGenerator

from pelican import signals

from toasoan.build.outputs import digest_each
from toasoan.build.run import BuildRun, Recipe, run_of
from toasoan.settings import plugin_enabled
from toasoan.text import VIETNAM
from toasoan.urls import absolute, site_url

logger = logging.getLogger(__name__)

PLUGIN_NAME = "sitemap"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
DEFAULTS: dict[str, object] = {
    # Where the sitemap is written, relative to the output folder.
    "save_as": "sitemap.xml",
    # Write robots.txt (allow everything but drafts; name the sitemap).
    "robots_txt": True,
    # Output paths (relative, e.g. "tim-kiem/index.html") left out of the sitemap.
    "exclude": (),
}
# The object a page is about, in the order looked for in its template context.
SUBJECTS = ("article", "page", "document", "tracked")
HIDDEN_STATUSES = ("draft", "hidden")
Moment = dt.datetime | dt.date


def options(settings: dict) -> dict:
    return {**DEFAULTS, **(settings.get("SITEMAP") or {})}


def _aware(moment: Moment) -> dt.datetime:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime(moment.year, moment.month, moment.day)
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


def newest(moments: Iterable[Moment | None]) -> dt.datetime | None:
    aware = [_aware(m) for m in moments if m]
    return max(aware) if aware else None


def changed(item: object) -> dt.datetime | None:
    """When one article, page, document or action item last changed."""
    moments = [getattr(item, name, None) for name in ("modified", "date", "issued", "last_update")]
    found = newest(moments)
    if found is None and getattr(item, "source_path", None):
        found = dt.datetime.fromtimestamp(int(os.stat(item.source_path).st_mtime), VIETNAM)
    return found


def is_public(item: object) -> bool:
    """Not a draft or hidden article/page (other objects' ``status`` means something else)."""
    return getattr(item, "status", None) not in HIDDEN_STATUSES


def lastmod(context: dict, changed: Callable[[object], dt.datetime | None] = changed) -> dt.datetime | None:
    """The newest date of what a page shows, from its template context."""
    for key in SUBJECTS:
        if context.get(key) is not None:
            return changed(context[key])
    tracker, unit = context.get("tracker"), context.get("unit_summary")
    if unit is not None:  # a unit with no items changes with the tracker as a whole
        found = newest(changed(t) for t in (*unit.owned, *unit.supported))
        if found is not None:
            return found
    if tracker is not None and hasattr(tracker, "items"):
        return newest(changed(t) for t in tracker.items)
    return newest(changed(a) for a in context.get("articles") or ())


def listed(name: str, context: dict, exclude: Iterable[str]) -> bool:
    """Whether a written file belongs in the sitemap."""
    if not (name == "index.html" or name.endswith("/index.html")) or name in exclude:
        return False
    if any(context.get(key) is not None and not is_public(context[key]) for key in SUBJECTS):
        return False
    page = context.get("articles_page")
    return not (page is not None and page.has_previous())


@dataclass
class Sitemap:
    """The pages of one build and when each last changed."""

    exclude: tuple[str, ...] = ()
    entries: dict[str, dt.datetime | None] = field(default_factory=dict)
    _changed: dict[int, dt.datetime | None] = field(default_factory=dict, repr=False)

    def changed(self, item: object) -> dt.datetime | None:
        """:func:`changed`, once per object (listings show the same articles many times)."""
        key = id(item)
        if key not in self._changed:
            self._changed[key] = changed(item)
        return self._changed[key]

    def add(self, context: dict) -> None:
        """A page written with this template context (``output_file`` is its path)."""
        name = str(context.get("output_file") or "")
        for key in SUBJECTS:  # a page of its own: when its subject changed is asked afresh
            self._changed.pop(id(context.get(key)), None)
        if listed(name, context, self.exclude):
            self.entries[name] = lastmod(context, self.changed)

    def key(self, base: str) -> str:
        """What :meth:`xml` writes, hashed: an unchanged sitemap is not serialised again."""
        entries = (f"{name} {moment.isoformat() if (moment := self.entries[name]) else ''}"
                   for name in sorted(self.entries))
        return digest_each(chain(("sitemap", base), entries))

    def xml(self, base: str) -> bytes:
        """The sitemap, written as it is made (``XMLGenerator``): an ElementTree of its
        ≈ 50 000 elements at 5 000 articles held ≈ 17 MiB at the end of the build."""
        out = io.BytesIO()
        xml = XMLGenerator(out, encoding="utf-8")
        xml.startDocument()
        xml.startElement("urlset", {"xmlns": NAMESPACE})
        for name in sorted(self.entries, key=lambda n: (n.count("/"), n)):
            xml.ignorableWhitespace("\n  ")
            xml.startElement("url", {})
            _element(xml, "loc", absolute(base, name))
            if moment := self.entries[name]:
                _element(xml, "lastmod", moment.isoformat())
            xml.ignorableWhitespace("\n  ")
            xml.endElement("url")
        xml.ignorableWhitespace("\n")
        xml.endElement("urlset")
        xml.endDocument()
        return out.getvalue() + b"\n"


def _element(xml: XMLGenerator, name: str, text: str) -> None:
    """``<name>text</name>`` on a line of its own in a ``<url>``."""
    xml.ignorableWhitespace("\n    ")
    xml.startElement(name, {})
    xml.characters(text)
    xml.endElement(name)


def robots_txt(base: str, sitemap_url: str, disallow: Iterable[str]) -> str:
    """Allow every crawler everywhere but ``disallow`` (paths from the site root)."""
    prefix = site_path(base)
    lines = ["User-agent: *", *(f"Disallow: {prefix}/{p}" for p in disallow), "Allow: /", "",
             f"Sitemap: {sitemap_url}", ""]
    return "\n".join(lines)


def site_path(base: str) -> str:
    """The path part of the site's address ("" at a domain's root)."""
    return urlsplit(base).path.rstrip("/")


def draft_prefixes(settings: dict) -> list[str]:
    """Folders drafts are written to (``ban-nhap/``), from the draft URL settings."""
    prefixes = [str(settings.get(key) or "").split("{", 1)[0] for key in ("DRAFT_URL", "DRAFT_PAGE_URL")]
    return sorted({p for p in prefixes if p.endswith("/")})


def start(pelican) -> None:
    """``initialized``: the run's sitemap (kept with the run: a patch adds its pages anew), and
    the recipe of ``sitemap.xml`` and ``robots.txt``."""
    settings = pelican.settings
    run = run_of(settings)
    run.memory.pop(PLUGIN_NAME, None)
    if not plugin_enabled(settings, PLUGIN_NAME):
        return
    opts = options(settings)
    if site_url(settings):
        settings["SITEMAP_XML_URL"] = str(opts["save_as"])  # templates link it
    run.memory[PLUGIN_NAME] = Sitemap(tuple(opts["exclude"]))
    owns = (str(opts["save_as"]), *(("robots.txt",) if opts["robots_txt"] else ()))
    run.declare(Recipe(PLUGIN_NAME, owns, write))


def collect(_path: str, context: dict) -> None:
    """``content_written``: the page's context holds the run (and so its sitemap)."""
    sitemap = run_of(context).memory.get(PLUGIN_NAME)
    if sitemap is not None:
        sitemap.add(context)


def write(run: BuildRun) -> None:
    """The recipe: ``sitemap.xml`` of the pages written, and ``robots.txt``."""
    settings = run.settings
    sitemap = run.memory.get(PLUGIN_NAME)
    if sitemap is None:
        return
    base = site_url(settings)
    if not base:
        logger.warning("sitemap.xml không được ghi: SITEURL (%r) không phải địa chỉ tuyệt đối.",
                       settings.get("SITEURL"))
        return
    opts = options(settings)
    save_as = str(opts["save_as"])
    run.output(save_as, lambda: sitemap.xml(base), sitemap.key(base))
    logger.info("Writing %s (%d trang)", Path(settings["OUTPUT_PATH"]) / save_as, len(sitemap.entries))
    if opts["robots_txt"]:
        text = robots_txt(base, absolute(base, save_as), draft_prefixes(settings))
        run.output("robots.txt", lambda: text)


def finish(pelican) -> None:
    """``finalized``: every page is written."""
    run_of(pelican.settings).make(PLUGIN_NAME)


def register() -> None:
    signals.initialized.connect(start)
    signals.content_written.connect(collect)
    signals.finalized.connect(finish)
