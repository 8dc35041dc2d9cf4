"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) of the newest articles.

Written at ``article_writer_finalized`` next to Pelican's Atom and RSS feeds, to
``JSON_FEED["save_as"]`` (default ``feeds/all.json``), with as many items as
``FEED_MAX_ITEMS``. The document is a dict serialised by :func:`json.dumps`; item links
and the links inside ``content_html`` are absolute (``SITEURL``), the feed's own address
uses ``FEED_DOMAIN`` like Pelican's feeds. Templates get ``JSON_FEED_URL`` to link it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable

from pelican import signals

from toasoan.build.run import BuildRun, Recipe, run_of
from toasoan.settings import plugin_enabled
from toasoan.urls import absolute, site_url

logger = logging.getLogger(__name__)

PLUGIN_NAME = "json_feed"
VERSION = "https://jsonfeed.org/version/1.1"
DEFAULTS: dict[str, object] = {
    # Where the feed is written, relative to the output folder; None writes no feed.
    "save_as": "feeds/all.json",
}


def options(settings: dict) -> dict:
    return {**DEFAULTS, **(settings.get("JSON_FEED") or {})}


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def item(article, base: str) -> dict:
    """One article as a JSON Feed item."""
    url = absolute(base, article.url)
    entry: dict = {
        "id": url,
        "url": url,
        "title": article.title,
        "content_html": article.get_content(base),
        "date_published": _iso(article.date),
    }
    summary = getattr(article, "description", None)
    if summary:
        entry["summary"] = summary
    modified = getattr(article, "modified", None)
    if modified:
        entry["date_modified"] = _iso(max(modified, article.date))
    authors = [{"name": a.name} for a in getattr(article, "authors", ())]
    if authors:
        entry["authors"] = authors
    tags = [article.category.name, *(t.name for t in getattr(article, "tags", ()))]
    entry["tags"] = list(dict.fromkeys(tags))
    if getattr(article, "image", None):
        entry["image"] = absolute(base, article.image)
    return entry


def feed(articles: Iterable, settings: dict, save_as: str) -> dict:
    """The JSON Feed document for ``articles`` (newest first)."""
    base = site_url(settings)
    feed_base = site_url(settings, "FEED_DOMAIN") or base
    document: dict = {
        "version": VERSION,
        "title": settings["SITENAME"],
        "home_page_url": f"{base}/",
        "feed_url": absolute(feed_base, save_as),
        "language": "vi",
        "authors": [{"name": settings.get("INSTITUTION") or settings["SITENAME"], "url": f"{base}/"}],
        "items": [item(a, base) for a in articles],
    }
    subtitle = settings.get("SITESUBTITLE")
    if subtitle:
        document["description"] = subtitle
    return document


def write_feed(run: BuildRun) -> None:
    """The recipe: the feed of the newest published articles of the run's ArticlesGenerator."""
    settings = run.settings
    generator = run.memory.get(PLUGIN_NAME)
    if generator is None:
        return
    save_as = str(options(settings)["save_as"])
    articles = sorted(generator.articles, key=lambda a: a.date, reverse=True)
    limit = settings.get("FEED_MAX_ITEMS")
    text = json.dumps(feed(articles[:limit], settings, save_as), ensure_ascii=False, indent=1)
    run.output(save_as, lambda: text)
    logger.info("Writing %s", save_as)


def announce(pelican) -> None:
    """``initialized``: the feed's recipe; templates link the feed (``JSON_FEED_URL``) only
    when it is written."""
    settings = pelican.settings
    save_as = options(settings)["save_as"]
    if not save_as or not plugin_enabled(settings, PLUGIN_NAME):
        return
    if not site_url(settings):
        logger.warning("JSON Feed không được ghi: SITEURL (%r) không phải địa chỉ tuyệt đối.",
                       settings.get("SITEURL"))
        return
    settings["JSON_FEED_URL"] = str(save_as)
    run_of(settings).declare(Recipe(PLUGIN_NAME, (str(save_as),), write_feed))


def articles_written(generator, writer=None) -> None:
    """``article_writer_finalized``: the articles are final; the feed is made."""
    run = run_of(generator.settings)
    run.memory[PLUGIN_NAME] = generator
    run.make(PLUGIN_NAME)


def register() -> None:
    signals.initialized.connect(announce)
    signals.article_writer_finalized.connect(articles_written)
