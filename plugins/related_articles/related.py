"""Related articles: those sharing the most tags, then the category, nearest in time.

Computed once per build at ``article_generator_finalized`` into ``article.related``
(a list of up to ``RELATED_ARTICLES["count"]`` articles). No article is compared with
every other: each tag and each category keeps its articles in date order, and an
article looks only at the ``window`` nearest ones on either side in each of its lists,
so a build of *n* articles does O(n · (tags + 1) · window) work however popular a tag is.

Score of a candidate: 2 per shared tag, 1 for the same category; ties go to the one
closest in date, then the newer.
"""

from __future__ import annotations

import bisect
import heapq
from collections import defaultdict
from collections.abc import Sequence

from pelican import signals

from toasoan.settings import plugin_enabled

DEFAULTS: dict[str, int] = {
    "count": 3,  # related articles per article (0: none)
    "window": 10,  # neighbours looked at on each side in each tag/category list
}
TAG_WEIGHT, CATEGORY_WEIGHT = 2, 1


def options(settings: dict) -> dict:
    return {**DEFAULTS, **(settings.get("RELATED_ARTICLES") or {})}


def _tags(article) -> set[str]:
    return {t.slug for t in getattr(article, "tags", ()) or ()}


def _category(article) -> str | None:
    category = getattr(article, "category", None)
    return category.slug if category else None


def _key(article) -> tuple:
    return (article.date, article.source_path)


def find_related(articles: Sequence, count: int = 3, window: int = 20) -> dict[int, list]:
    """``id(article)`` → its related articles, best first."""
    ordered = sorted(articles, key=_key)
    tags = {id(a): _tags(a) for a in ordered}
    category = {id(a): _category(a) for a in ordered}
    stamp = {id(a): a.date.timestamp() for a in ordered}
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for article in ordered:  # in date order, so every group is sorted
        names = [("tag", t) for t in tags[id(article)]]
        if category[id(article)]:
            names.append(("category", category[id(article)]))
        for name in names:
            groups[name].append(article)
    keys = {name: [_key(a) for a in members] for name, members in groups.items()}
    related: dict[int, list] = {}
    for article in ordered:
        own_tags, own_category, when = tags[id(article)], category[id(article)], stamp[id(article)]
        names = [("tag", t) for t in own_tags] + ([("category", own_category)] if own_category else [])
        candidates: dict[int, object] = {}
        for name in names:
            at = bisect.bisect_left(keys[name], _key(article))
            for other in groups[name][max(0, at - window): at + window + 1]:
                candidates[id(other)] = other
        candidates.pop(id(article), None)

        def rank(other, own_tags=own_tags, own_category=own_category, when=when) -> tuple:
            key = id(other)
            score = TAG_WEIGHT * len(own_tags & tags[key]) + CATEGORY_WEIGHT * (category[key] == own_category)
            return (-score, abs(stamp[key] - when), -stamp[key])

        related[id(article)] = heapq.nsmallest(count, candidates.values(), key=rank)
    return related


def attach_related(generator) -> None:
    if not plugin_enabled(generator.settings, "related_articles"):
        return
    opts = options(generator.settings)
    found = find_related(generator.articles, int(opts["count"]), int(opts["window"]))
    for article in generator.articles:
        article.related = found.get(id(article), [])


def register() -> None:
    signals.article_generator_finalized.connect(attach_related)
