"""Metadata for search engines and link previews, computed once in Python.

* :func:`description` — a plain-text description (meta description, Open Graph) from a
  summary that is HTML.
* :func:`news_article` — schema.org ``NewsArticle`` for one article.
* :func:`breadcrumb_list` — schema.org ``BreadcrumbList`` for a breadcrumb trail.
* :func:`json_ld` — JSON for a ``<script type="application/ld+json">`` element, produced
  by :func:`json.dumps` with ``<``, ``>`` and ``&`` escaped so no text can close the script.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup
from PIL import Image, UnidentifiedImageError

from toasoan.urls import absolute

SCHEMA = "https://schema.org"
DESCRIPTION_LENGTH = 160
_TAGS = re.compile(r"<[^>]+>")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


@dataclass(frozen=True)
class ImageFacts:
    """An image as link previews and JSON-LD describe it: absolute URL and pixel size."""

    url: str
    width: int | None = None
    height: int | None = None

    def schema(self) -> dict:
        data: dict = {"@type": "ImageObject", "url": self.url}
        if self.width and self.height:
            data.update(width=self.width, height=self.height)
        return data


def description(summary: str | None, limit: int = DESCRIPTION_LENGTH) -> str:
    """Plain text of an HTML summary, cut at a word boundary to ``limit`` characters."""
    text = " ".join(html.unescape(_TAGS.sub(" ", summary or "")).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.–- ")
    return f"{cut}…"


def image_size(path: Path) -> tuple[int, int] | None:
    """Pixel size of an image file (reads the header only), or None."""
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError):
        return None


def image_facts(base: str, url: str, source: Path) -> ImageFacts:
    size = image_size(source)
    return ImageFacts(absolute(base, url), *(size or (None, None)))


def json_ld(data: dict) -> Markup:
    """``data`` as JSON that is safe inside ``<script type="application/ld+json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _JSON_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)  # every "<", ">" and "&" is escaped above


def _iso(moment: dt.datetime | dt.date) -> str:
    return moment.isoformat()


def organisation(name: str, url: str, logo: ImageFacts | None) -> dict:
    data: dict = {"@type": "Organization", "name": name, "url": f"{url}/"}
    if logo:
        data["logo"] = logo.schema()
    return data


def author(name: str, organisations: Iterable[str]) -> dict:
    """A byline name: an Organization when it names a unit or the editorial board."""
    kind = "Organization" if name in set(organisations) else "Person"
    return {"@type": kind, "name": name}


def news_article(*, url: str, headline: str, summary: str, published: dt.datetime,
                 modified: dt.datetime | None, authors: Sequence[str], organisations: Iterable[str],
                 section: str, tags: Sequence[str], images: Sequence[ImageFacts],
                 publisher: dict) -> dict:
    """schema.org ``NewsArticle`` with what Google's article rich results ask for."""
    organisations = tuple(organisations)
    data = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": headline,
        "description": summary,
        "inLanguage": "vi",
        "datePublished": _iso(published),
        "dateModified": _iso(max(published, modified) if modified else published),
        "author": [author(a, organisations) for a in authors],
        "publisher": publisher,
        "image": [i.schema() for i in images],
        "articleSection": section,
    }
    if tags:
        data["keywords"] = list(tags)
    return data


def breadcrumb_list(trail: Sequence[tuple[str, str]], base: str) -> dict:
    """schema.org ``BreadcrumbList``; ``trail`` is (name, URL relative to the site root)."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": str(name), "item": absolute(base, url)}
            for n, (name, url) in enumerate(trail, start=1)
        ],
    }
