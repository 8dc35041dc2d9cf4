"""Previous and next article across the whole site, in publication order.

At ``article_generator_finalized`` every published article gets ``prev_article`` (the
one published just before it) and ``next_article`` (just after), or None at either end —
the names the theme's ``partials/neighbours.html`` reads. One sort, one pass.
"""

from __future__ import annotations

from collections.abc import Sequence

from pelican import signals

from toasoan.settings import plugin_enabled


def link_neighbours(articles: Sequence) -> None:
    """Set ``prev_article``/``next_article`` on ``articles`` by date (then source path)."""
    ordered = sorted(articles, key=lambda a: (a.date, a.source_path))
    for index, article in enumerate(ordered):
        article.prev_article = ordered[index - 1] if index > 0 else None
        article.next_article = ordered[index + 1] if index + 1 < len(ordered) else None


def on_articles(generator) -> None:
    if plugin_enabled(generator.settings, "neighbours"):
        link_neighbours(generator.articles)


def register() -> None:
    signals.article_generator_finalized.connect(on_articles)
