"""Markdown extension: writers' relative links become Pelican's ``{static}``/``{filename}``.

A writer links an image as ``images/2018/anh.jpg`` (relative to ``content/``, like the
``image`` field) or relative to the article file; when the target exists, the link is
rewritten so Pelican resolves it to the published URL.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

CONTENT_SUFFIXES = (".md", ".markdown")


def resolve(url: str, relpath: str, content_root: Path) -> str:
    """``url`` as written in ``relpath`` → a Pelican link placeholder, or unchanged."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path or url.startswith(("/", "#", "{")):
        return url
    path = unquote(parts.path)
    for candidate in (posixpath.join(posixpath.dirname(relpath), path), path):
        target = posixpath.normpath(candidate)
        if not target.startswith("..") and (content_root / target).is_file():
            kind = "filename" if target.endswith(CONTENT_SUFFIXES) else "static"
            suffix = f"#{parts.fragment}" if parts.fragment else ""
            return f"{{{kind}}}/{target}{suffix}"
    return url


class _LinkProcessor(Treeprocessor):
    def __init__(self, md: Markdown, extension: LinkExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: ElementTree.Element) -> None:
        relpath, content_root = self.extension.relpath, self.extension.content_root
        if content_root is None:
            return
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            if attribute and element.get(attribute):
                element.set(attribute, resolve(element.get(attribute), relpath, content_root))


class LinkExtension(Extension):
    """Set ``relpath`` (the file being converted) before each conversion."""

    def __init__(self, content_root: Path | None = None) -> None:
        super().__init__()
        self.content_root = content_root
        self.relpath = ""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_LinkProcessor(md, self), "toasoan_links", 4)
