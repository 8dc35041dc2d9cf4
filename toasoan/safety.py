"""Writers' Markdown is untrusted: the HTML allow-list, the sanitiser and the body scan.

The sanitiser (nh3, i.e. Ammonia) is what keeps scripts off the public site; the scan tells
the writer, with a finding, what the sanitiser would have removed, so nothing disappears
silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
})
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "ol": {"start", "type"},
    "iframe": {"src", "title", "width", "height", "allowfullscreen", "loading"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
# Video hosts whose players may be embedded with <iframe> (NEWSROOM["iframe_hosts"]).
# Files a browser runs: in content/ they would be published as they are (a page, an image) and
# run on the site's own address, outside the sanitised Markdown.
ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".xslt", ".js",
                   ".mjs")
DEFAULT_IFRAME_HOSTS = ("www.youtube.com", "www.youtube-nocookie.com", "player.vimeo.com")


_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_EMPTY_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>\s*</iframe>")


@dataclass(frozen=True)
class UnsafeHtml:
    """One piece of markup the sanitiser would drop, with its line in the body."""

    line: int
    what: str
    kind: str  # "tag", "attribute" or "url"


def _allowed_iframe(src: str | None, hosts: tuple[str, ...]) -> bool:
    if not src:
        return False
    parts = urlsplit(src.strip())
    return parts.scheme == "https" and parts.hostname in hosts


def sanitize(html: str, iframe_hosts: tuple[str, ...] = DEFAULT_IFRAME_HOSTS) -> str:
    """Keep only allowed tags, attributes and URL schemes; iframes only from ``iframe_hosts``."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "iframe" and attribute == "src" and not _allowed_iframe(value, iframe_hosts):
            return None
        return value

    tags = ALLOWED_TAGS | ({"iframe"} if iframe_hosts else set())
    clean = nh3.clean(html, tags=set(tags), attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=set(URL_SCHEMES), link_rel=None, attribute_filter=keep)
    return _EMPTY_IFRAME.sub("", clean)


def unsafe_url(url: str) -> bool:
    """A URL whose scheme is not on the allow-list (``javascript:``, ``data:``…)."""
    scheme = _SCHEME.match(re.sub(r"[\x00-\x20]+", "", url).lower())
    return bool(scheme) and scheme.group(1) not in URL_SCHEMES


class _Scanner(HTMLParser):
    def __init__(self, iframe_hosts: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.iframe_hosts = iframe_hosts
        self.problems: list[UnsafeHtml] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        allowed_tag = tag in ALLOWED_TAGS or (
            tag == "iframe" and _allowed_iframe(dict(attrs).get("src"), self.iframe_hosts))
        if not allowed_tag:
            self.problems.append(UnsafeHtml(line, f"<{tag}>", "tag"))
            return
        permitted = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in permitted:
                self.problems.append(UnsafeHtml(line, f'{name}="…" trong <{tag}>', "attribute"))
            elif name in URL_ATTRIBUTES and value and unsafe_url(value):
                self.problems.append(UnsafeHtml(line, value[:60], "url"))

    handle_startendtag = handle_starttag


# [text](url), ![alt](url), [id]: url, <scheme:...>
_MARKDOWN_URL = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)|<([a-zA-Z]+:[^>\s]+)>", re.M)


_CODE = re.compile(r"^(```|~~~).*?^\1[ \t]*$|`[^`\n]+`", re.M | re.S)


def without_code(body: str) -> str:
    """The body with code blocks and spans blanked (Markdown escapes what is in them),
    keeping line numbers."""
    return _CODE.sub(lambda m: "\n" * m.group(0).count("\n"), body)


def scan_body(body: str, iframe_hosts: tuple[str, ...] = DEFAULT_IFRAME_HOSTS) -> Iterator[UnsafeHtml]:
    """Raw HTML and link URLs in a Markdown body that the sanitiser would remove."""
    body = without_code(body)
    scanner = _Scanner(iframe_hosts)
    scanner.feed(body)
    scanner.close()
    yield from scanner.problems
    for match in _MARKDOWN_URL.finditer(body):
        url = next(g for g in match.groups() if g)
        if unsafe_url(url):
            yield UnsafeHtml(body.count("\n", 0, match.start()) + 1, url[:60], "url")
