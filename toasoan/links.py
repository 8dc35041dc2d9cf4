"""Links and images in a Markdown body: find them, resolve them, check them (offline).

Writers link files relative to ``content/`` (like the ``image`` field) or to the article
itself; Pelican's own ``{static}``/``{filename}`` forms work too. External links are never
fetched — the site is built offline — but their syntax is checked.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .probes import is_file
from .safety import without_code

CONTENT_SUFFIXES = (".md", ".markdown")
_PLACEHOLDER = re.compile(r"^\{(static|filename|attach)\}")
_HOST = (r"^(?=.{1,253}$)([a-z0-9\u00a1-\uffff]([a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+"
         r"[a-z\u00a1-\uffff]{2,63}\.?$")


@functools.cache
def _host_pattern() -> re.Pattern:
    """Compiled when first needed: its case-insensitive Unicode ranges take 30 ms, at every start."""
    return re.compile(_HOST, re.I)


@dataclass(frozen=True)
class Link:
    """A link or image in a body: its 1-based line in the body, URL and (images) alt text."""

    line: int
    url: str
    image: bool = False
    alt: str | None = None


_MARKDOWN_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
# A reference definition "[id]: url"; not a footnote "[^1]: text" (the extra extension).
_REFERENCE = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)


class _HtmlLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(Link(self.getpos()[0], values["href"] or ""))
        elif tag == "img":
            self.links.append(Link(self.getpos()[0], values.get("src") or "", True, values.get("alt")))

    handle_startendtag = handle_starttag


def body_links(body: str) -> Iterator[Link]:
    """Every Markdown and HTML link and image of a body, outside code."""
    body = without_code(body)
    for match in _MARKDOWN_LINK.finditer(body):
        line = body.count("\n", 0, match.start()) + 1
        image = match.group(1) == "!"
        yield Link(line, match.group(3), image, match.group(2) if image else None)
    for match in _REFERENCE.finditer(body):
        yield Link(body.count("\n", 0, match.start()) + 1, match.group(1))
    parser = _HtmlLinks()
    parser.feed(body)
    parser.close()
    yield from parser.links


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def content_target(url: str, relpath: str, content_root: Path) -> str | None:
    """The path under ``content/`` that a relative link from ``relpath`` points at, if the
    file exists; None otherwise (or for external, anchor and site-absolute links)."""
    placeholder = _PLACEHOLDER.match(url)
    path = unquote(urlsplit(_PLACEHOLDER.sub("", url)).path)
    if not path or (is_external(url) and not placeholder):
        return None
    if placeholder and path.startswith("/"):
        candidates = [path.lstrip("/")]
    elif path.startswith("/"):
        return None
    else:
        candidates = [posixpath.join(posixpath.dirname(relpath), path), path]
    for candidate in candidates:
        target = posixpath.normpath(candidate)
        if not target.startswith("..") and is_file(content_root / target):
            return target
    return None


def is_relative(url: str) -> bool:
    """A link into the site's own files (not external, anchor-only or site-absolute)."""
    if _PLACEHOLDER.match(url):
        return True
    return bool(url) and not is_external(url) and not url.startswith(("#", "/", "?"))


def external_url_problem(url: str) -> str | None:
    """Why an external URL is malformed, or None when its syntax is fine."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as error:
        return str(error)
    if parts.scheme in ("mailto", "tel"):
        return None if parts.path else "thiếu địa chỉ"
    if parts.scheme not in ("http", "https"):
        return f"giao thức '{parts.scheme}' không được hỗ trợ"
    if not host or (not _host_pattern().match(host) and host != "localhost"):
        return "tên miền không hợp lệ"
    if " " in url:
        return "có dấu cách"
    return None
