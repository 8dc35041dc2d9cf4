"""JSON Feed 1.1 of the newest articles (``feeds/all.json``)."""

from .json_feed import register

__all__ = ["register"]
