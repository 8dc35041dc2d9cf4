"""``article.related``: articles sharing tags or the category, computed once per build."""

from .related import find_related, register

__all__ = ["find_related", "register"]
