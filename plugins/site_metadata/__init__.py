"""Canonical URLs, Open Graph, JSON-LD (NewsArticle, BreadcrumbList) and descriptions."""

from .site_metadata import register

__all__ = ["register"]
