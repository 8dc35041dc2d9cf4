"""``sitemap.xml`` (every public page with its last change) and ``robots.txt``."""

from .sitemap import register

__all__ = ["register"]
