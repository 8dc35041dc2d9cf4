"""Tag, category and author lists that answer ``in`` at once, period archives grouped in one
pass (Pelican scans a list for every article: N²)."""

from .taxonomy_lists import ArticleList, register

__all__ = ["ArticleList", "register"]
