"""Markdown extension: writers' relative links become Pelican's ``{static}``/``{filename}``.

A writer links an image as ``images/2018/anh.jpg`` (relative to ``content/``, like the
``image`` field) or relative to the article file; when the target exists, the link is
rewritten so Pelican resolves it to the published URL (see :mod:`toasoan.links`).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from toasoan.links import CONTENT_SUFFIXES, content_target, is_relative


def resolve(url: str, relpath: str, content_root: Path) -> str:
    """``url`` as written in ``relpath`` → a Pelican link placeholder, or unchanged."""
    if url.startswith("{") or not is_relative(url):
        return url
    target = content_target(url, relpath, content_root)
    if target is None:
        return url
    kind = "filename" if target.endswith(CONTENT_SUFFIXES) else "static"
    fragment = urlsplit(url).fragment
    return f"{{{kind}}}/{target}" + (f"#{fragment}" if fragment else "")


class _LinkProcessor(Treeprocessor):
    def __init__(self, md: Markdown, extension: LinkExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            if attribute and element.get(attribute):
                element.set(attribute, resolve(element.get(attribute), self.extension.relpath,
                                               self.extension.content_root))


class LinkExtension(Extension):
    """Set ``relpath`` (the file being converted) before each conversion."""

    def __init__(self, content_root: Path) -> None:
        super().__init__()
        self.content_root = content_root
        self.relpath = ""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_LinkProcessor(md, self), "toasoan_links", 4)
