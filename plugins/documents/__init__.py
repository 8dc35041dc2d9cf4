"""Văn bản: the list of published documents and their downloadable files."""

from .documents import register

__all__ = ["register"]
