"""Tag, category and author lists that answer ``in`` at once (Pelican's pages ask it N² times)."""

from .taxonomy_lists import ArticleList, register

__all__ = ["ArticleList", "register"]
