"""Search records: what the index holds for each searchable page, taken from the content model.

A :class:`SearchRecord` is built from what Pelican already has in memory (the article's
sanitized body, its model object, the tracker's items), never from the written HTML. It
carries what the search page shows and filters on — title, date, kind, category, year —
the plain text Pagefind indexes, and the ``folded`` words: the ASCII form
(:func:`toasoan.text.fold`) of every word Pagefind cannot fold by itself ("Đào" → "dao"),
so that "dao tao" finds "Đào tạo".

Searchable are the pages the theme marks ``data-pagefind-body``: published articles and
meeting reports, published pages and documents (Văn bản), and tracked action items.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from toasoan.build.generators import body_of
from toasoan.text import fold, short_date

LANGUAGE = "vi"
FOLDED_FIELD = "folded"
KIND_ARTICLE = "Bài viết"
KIND_MEETING = "Báo cáo cuộc họp"
KIND_ITEM = "Nhiệm vụ"
KIND_PAGE = "Trang thông tin"
KIND_DOCUMENT = "Văn bản"
# Page templates whose pages are searchable (theme: page.html, document.html).
SEARCHABLE_TEMPLATES = {"page": KIND_PAGE, "document": KIND_DOCUMENT}

_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class SearchRecord:
    """One searchable page as Pagefind stores it (a custom record). Its ``repr`` holds every
    field its payload is made from: a shard is keyed on it."""

    url: str  # from the site root, with a leading "/": "/2019/khai-giang/"
    title: str
    text: str  # plain text, the title first, as the page reads
    kind: str  # filter "kind": Bài viết, Báo cáo cuộc họp, Nhiệm vụ, Trang thông tin, Văn bản
    date: dt.date | None = None  # shown, sorted on, and the "year" filter
    category: str | None = None
    source: object = field(default=None, repr=False, compare=False)  # the article, page or item

    @functools.cached_property
    def folded(self) -> str:
        """The ``folded`` field: ASCII forms of the words Pagefind cannot fold itself (made
        once, when a shard is indexed; a stored record keeps them, see :meth:`to_store`)."""
        return " ".join(folded_words(self.text))

    def to_store(self) -> SearchRecord:
        """The record without its page, as the record store keeps it, with its folded words
        if they were made: a patch indexes the other records of the edited page's shard
        ahead without folding their words again (≈ 0.05 s for a shard of 290 pages)."""
        stored = replace(self, source=None)
        if "folded" in self.__dict__:
            stored.__dict__["folded"] = self.folded
        return stored

    def payload(self) -> dict:
        """The fields of Pagefind's ``AddRecord`` request (without the index id)."""
        meta = {"title": self.title}
        filters = {"kind": [self.kind]}
        sort = {}
        if self.date is not None:
            meta["date"] = short_date(self.date)
            filters["year"] = [str(self.date.year)]
            sort["date"] = self.date.strftime("%Y-%m-%d")
        if self.category:
            filters["category"] = [self.category]
        folded = self.folded
        if folded:
            meta[FOLDED_FIELD] = folded
        return {"url": self.url, "content": self.text, "language": LANGUAGE, "meta": meta,
                "filters": filters, "sort": sort}


@functools.lru_cache(maxsize=1 << 16)
def native_fold(word: str) -> str:
    """What Pagefind does to a word itself: lower case, combining marks removed."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1 << 16)
def _folded_word(word: str) -> str | None:
    """``fold(word)`` when Pagefind would not find it by itself, else None (cached: a
    site has a few thousand distinct words and millions of occurrences)."""
    folded = fold(word)
    return folded if folded and folded != native_fold(word) else None


def folded_words(text: str) -> list[str]:
    """ASCII forms of the words Pagefind cannot fold by itself ("Đào" → "dao"), each once."""
    words: dict[str, None] = {}
    for word in set(_WORD.findall(text)):
        folded = _folded_word(word)
        if folded:
            words[folded] = None
    return sorted(words)


def plain_text(body: str) -> str:
    """Text of an (already sanitized) HTML body: tags dropped, entities decoded, each run of
    whitespace one space (``str.split``: the same whitespace as ``\\s``, twice as fast)."""
    return " ".join(html.unescape(_TAG.sub(" ", body)).split())


def body_text(content: object) -> str:
    """The plain text of an article's or page's body. Read from the body as written
    (:func:`~toasoan.build.generators.body_of`): Pelican's link resolution (``content``) changes
    only the attributes of tags, which the text drops; so the text of a page read alone,
    outside a run, is the same."""
    return plain_text(body_of(content))


def _join(*parts: object) -> str:
    return " ".join(str(p) for p in parts if p)


def _site_url(url: str) -> str:
    return "/" + url.lstrip("/")


def _date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def article_record(article: object) -> SearchRecord:
    """An article or meeting report, with what its page shows above and below the body."""
    model = article.content_file
    meeting = getattr(model, "meeting", None)
    parts = [model.title, short_date(model.date), _join("Tác giả:", ", ".join(model.authors)),
             _join("Chuyên mục:", model.category), model.image_caption or model.image_alt]
    if meeting is not None:
        parts += [meeting.location, meeting.chair, *meeting.bodies, *meeting.attendees]
    parts.append(body_text(article))
    for decision in getattr(model, "decisions", ()):
        parts.append(decision)
    for item in getattr(model, "action_items", ()):
        parts += [item.id, item.title, item.owner, *item.support]
    return SearchRecord(url=_site_url(article.url), title=model.title, text=_join(*parts),
                        kind=KIND_MEETING if meeting is not None else KIND_ARTICLE,
                        date=record_date(article), category=model.category or None, source=article)


def page_kind(page: object) -> str | None:
    """The kind of a page's record (a page or a document); None for pages the theme does
    not mark searchable."""
    return SEARCHABLE_TEMPLATES.get(getattr(page, "template", "page"))


def page_record(page: object) -> SearchRecord | None:
    """A page or a document (Văn bản); None for pages the theme does not mark searchable."""
    kind = page_kind(page)
    if kind is None:
        return None
    model = getattr(page, "content_file", None)
    title = model.title if model is not None else page.title
    parts = [title]
    if kind == KIND_DOCUMENT:
        parts += [model.doc_type, model.number, short_date(model.issued), model.issuer, model.summary]
    parts.append(body_text(page))
    return SearchRecord(url=_site_url(page.url), title=title, text=_join(*parts), kind=kind,
                        date=record_date(page), source=page)


def item_record(tracked: object) -> SearchRecord:
    """A tracked action item: its facts and its history, not what depends on the build day."""
    parts = [tracked.id, tracked.title, tracked.status_label, tracked.priority_label,
             tracked.owner, *tracked.support, tracked.report.title, short_date(tracked.due)]
    for entry in tracked.history:
        parts += [entry.report.title, entry.status_label, entry.note]
    return SearchRecord(url=_site_url(tracked.url), title=f"{tracked.id} {tracked.title}",
                        text=_join(*parts), kind=KIND_ITEM, date=record_date(tracked), source=tracked)


def record_of(source: object) -> SearchRecord | None:
    """The record of one article, page, document or tracked action item, made again."""
    from pelican.contents import Article, Content

    if isinstance(source, Article):
        return article_record(source)
    if isinstance(source, Content):
        return page_record(source)
    return item_record(source)


def record_date(source: object) -> dt.date | None:
    """The date of the record of ``source`` (an article's, a document's issue date, the day a
    meeting decided an action item; None for a page): which shard it goes in."""
    from pelican.contents import Article, Content

    if isinstance(source, Article):
        return _date(source.content_file.date)
    if isinstance(source, Content):
        return source.content_file.issued if page_kind(source) == KIND_DOCUMENT else None
    return _date(source.history[0].date)


@dataclass(frozen=True)
class Placed:
    """Where the record of ``source`` goes (its URL and date), before the record is made."""

    url: str
    date: dt.date | None
    source: object = field(repr=False, compare=False)

    @classmethod
    def of(cls, source: object) -> Placed:
        return cls(_site_url(source.url), record_date(source), source)


def searchable(articles: Iterable, pages: Iterable, tracked_items: Iterable) -> Iterator[object]:
    """Every searchable page of a site: published articles, pages, documents, action items."""
    for article in articles:
        if getattr(article, "content_file", None) is not None and article.status == "published":
            yield article
    for page in pages:
        if page.status == "published" and page_kind(page) is not None:
            yield page
    yield from tracked_items
