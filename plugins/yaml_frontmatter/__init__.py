"""Markdown + YAML front matter reader built on the Tòa soạn content model."""

from .reader import NewsroomReader, register

__all__ = ["NewsroomReader", "register"]
