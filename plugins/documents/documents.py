"""Văn bản on the site: the list of published documents and their downloadable files.

Documents (:class:`toasoan.model.Document`, ``content/documents/``) are read as Pelican
pages by the reader plugin, which gives them the ``document`` template and their
``van-ban/<slug>/`` address. At ``page_generator_finalized`` this plugin

* gives every published document ``download`` (:class:`DownloadFile`: URL, type, size);
* puts them, newest issue date first, in the context as ``documents``;
* gives the page named by ``DOCUMENTS["listing_page"]`` (``van-ban``: its intro is the
  writers' text) ``listed_documents``, which the theme shows as a table, and puts that
  page in the context as ``documents_page`` (breadcrumbs of the documents link to it).
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pelican import signals

from toasoan.model import DOCUMENT
from toasoan.settings import plugin_enabled

logger = logging.getLogger(__name__)

PLUGIN_NAME = "documents"
DEFAULTS: dict[str, object] = {
    # Slug of the page (content/pages/) that lists the documents; its body is the intro.
    "listing_page": "van-ban",
}
FILE_TYPES = {".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".odt": "ODT", ".xls": "Excel",
              ".xlsx": "Excel", ".ods": "ODS", ".zip": "ZIP"}


def options(settings: dict) -> dict:
    return {**DEFAULTS, **(settings.get("DOCUMENTS") or {})}


def size_label(size: int) -> str:
    """File size as Vietnamese readers write it: "820 byte", "45 KB", "1,2 MB"."""
    if size < 1024:
        return f"{size} byte"
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


@dataclass(frozen=True)
class DownloadFile:
    """A document's file as the site offers it."""

    url: str  # from the site root, e.g. files/2019/47-qd-hvdt.pdf
    kind: str  # "PDF", "Word"…
    mime: str
    size: int

    @property
    def size_label(self) -> str:
        return size_label(self.size)

    @property
    def label(self) -> str:
        """"PDF, 45 KB"."""
        return f"{self.kind}, {self.size_label}"


def download_file(relpath: str, content_root: Path) -> DownloadFile:
    """The file ``relpath`` (under the content folder, copied as is to the output)."""
    suffix = PurePosixPath(relpath).suffix.lower()
    mime = mimetypes.guess_type(relpath)[0] or "application/octet-stream"
    return DownloadFile(url=relpath, kind=FILE_TYPES.get(suffix, suffix.lstrip(".").upper()), mime=mime,
                        size=(content_root / relpath).stat().st_size)


def published_documents(pages: Iterable) -> list:
    """Pages that are documents, newest issue date first (then by number)."""
    found = [p for p in pages if getattr(p, "kind", None) == DOCUMENT]
    return sorted(found, key=lambda p: (p.content_file.issued, p.content_file.number), reverse=True)


def list_documents(generator) -> None:
    settings = generator.settings
    if not plugin_enabled(settings, PLUGIN_NAME):
        return
    root = Path(settings["PATH"])
    documents = published_documents(generator.pages)
    for page in [*documents, *published_documents(generator.draft_pages)]:
        page.download = download_file(page.content_file.file, root)
    generator.context["documents"] = documents
    slug = options(settings)["listing_page"]
    listing = next((p for p in generator.pages if p.slug == slug and getattr(p, "kind", None) != DOCUMENT), None)
    generator.context["documents_page"] = listing
    if listing is not None:
        listing.listed_documents = documents
    elif documents:
        logger.warning("Chưa có trang '%s' (content/pages/) để liệt kê %d văn bản.", slug, len(documents))


def register() -> None:
    signals.page_generator_finalized.connect(list_documents)
