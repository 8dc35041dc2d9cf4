"""A Pelican reader for Markdown files with YAML front matter.

The file is parsed once by :func:`toasoan.model.parse_document`; the reader only turns
the model object into Pelican metadata and the Markdown body into safe HTML. A file
with errors is recorded with its findings and skipped (``status: skip``); the
``content_checks`` plugin then stops the build before anything is written.
"""

from __future__ import annotations

import html
import os
import re

from markdown import Markdown
from pelican import signals
from pelican.readers import BaseReader
from pelican.urlwrappers import Author, Category, Tag

from toasoan.model import Article, Document, MeetingReport, Page, parse_document
from toasoan.safety import sanitize
from toasoan.settings import site_rules

from .figures import FigureExtension
from .links import LinkExtension

_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAGS = re.compile(r"<[^>]+>")


class NewsroomReader(BaseReader):
    """Reads ``.md`` files through the content model and keeps what it found."""

    enabled = True
    file_extensions = ["md", "markdown"]  # noqa: RUF012 - Pelican reads this class attribute

    def __init__(self, settings: dict) -> None:
        super().__init__(settings)
        self.rules, self.findings = site_rules(settings)
        self.documents: list[Document] = []
        config = dict(settings.get("MARKDOWN") or {})
        config.setdefault("extensions", [])
        self._links = LinkExtension(self.rules.content_root)
        config["extensions"] = [*config["extensions"], *config.get("extension_configs", {}),
                                FigureExtension(), self._links]
        self._markdown = Markdown(**config)

    def read(self, source_path: str) -> tuple[str, dict]:
        relpath = os.path.relpath(source_path, self.rules.content_root).replace(os.sep, "/")
        with open(source_path, "rb") as handle:
            raw = handle.read()
        document, findings = parse_document(relpath, raw, self.rules)
        self.findings.extend(findings)
        if document is None:
            return "", {"status": "skip", "title": relpath}
        self.documents.append(document)
        body = self.render(document.body, relpath)
        return body, self.metadata(document, body)

    def render(self, markdown_text: str, relpath: str = "") -> str:
        """Markdown → sanitised HTML; relative links resolved from ``relpath``."""
        self._markdown.reset()
        self._links.relpath = relpath
        return sanitize(self._markdown.convert(markdown_text), self.rules.iframe_hosts)

    def metadata(self, document: Document, body: str) -> dict:
        s = self.settings
        meta: dict = {
            "title": document.title,  # text: templates autoescape it
            "slug": document.slug,
            "status": document.status,
            "kind": document.kind,
            "document": document,
            "summary": html.escape(document.summary, quote=False) if document.summary
            else first_paragraph(body),
        }
        if isinstance(document, Article):
            meta.update(
                date=document.date,
                authors=[Author(a, s) for a in document.authors],
                category=Category(document.category, s),
                image=document.image,
                image_alt=document.image_alt,
                image_caption=document.image_caption,
            )
            if document.tags:
                meta["tags"] = [Tag(t, s) for t in document.tags]
            if document.modified:
                meta["modified"] = document.modified
        if isinstance(document, MeetingReport):
            meta.update(meeting=document.meeting, decisions=document.decisions,
                        action_items=document.action_items, updates=document.updates)
        if isinstance(document, Page):
            meta["order"] = document.order
        return meta


def first_paragraph(body: str) -> str:
    """The first paragraph of rendered HTML as plain, escaped text (the default summary)."""
    for match in _FIRST_PARAGRAPH.finditer(body):
        text = html.unescape(_TAGS.sub("", match.group(1))).strip()
        if text:
            return html.escape(" ".join(text.split()), quote=False)
    return ""


def add_reader(readers) -> None:
    for extension in NewsroomReader.file_extensions:
        readers.reader_classes[extension] = NewsroomReader


def register() -> None:
    signals.readers_init.connect(add_reader)
