"""Absolute addresses of the site's pages, for feeds, the sitemap and metadata.

Pages may use relative URLs (``RELATIVE_URLS`` in development); feeds, ``sitemap.xml``,
canonical links and JSON-LD always need absolute ones, built from ``SITEURL``.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def site_url(settings: dict, key: str = "SITEURL") -> str:
    """``settings[key]`` without its trailing slash, or "" when it is not absolute http(s)."""
    value = str(settings.get(key) or "").rstrip("/")
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else ""


def absolute(base: str, path: str) -> str:
    """``path`` (relative to the site root) on the site ``base``; ``…/index.html`` → ``…/``."""
    path = str(path).lstrip("/")
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return f"{base}/{path}"
