"""Related articles: those sharing the most tags, then the category, nearest in time.

Computed once per build at ``article_generator_finalized`` into ``article.related``
(a list of up to ``RELATED_ARTICLES["count"]`` articles). No article is compared with
every other: each tag and each category keeps its articles in date order, and an
article looks only at the ``window`` nearest ones on either side in each of its lists,
so a build of *n* articles does O(n · (tags + 1) · window) work however popular a tag is.

Score of a candidate: 2 per shared tag, 1 for the same category; ties go to the one
closest in date, then the newer, then the first by source path (the same in every build).
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
    """``id(article)`` → its related articles, best first (an exact tie: the older, then the
    first by source path, whatever order the tags come in)."""
    ordered = sorted(articles, key=_key)  # an article is known by its place here from now on
    tags = [frozenset(_tags(a)) for a in ordered]
    category = [_category(a) for a in ordered]
    stamp = [a.date.timestamp() for a in ordered]
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)  # in date order: sorted

    def lists_of(at: int) -> list[tuple[str, str]]:
        return [("tag", t) for t in tags[at]] + ([("category", category[at])] if category[at] else [])

    for at in range(len(ordered)):
        for name in lists_of(at):
            groups[name].append(at)
    related: dict[int, list] = {}
    for at, article in enumerate(ordered):
        own_tags, own_category, when = tags[at], category[at], stamp[at]
        candidates: set[int] = set()
        for name in lists_of(at):
            members = groups[name]
            here = bisect.bisect_left(members, at)
            candidates.update(members[max(0, here - window): here + window + 1])
        candidates.discard(at)
        best = heapq.nsmallest(count, ((-(TAG_WEIGHT * len(own_tags & tags[other])
                                          + CATEGORY_WEIGHT * (category[other] == own_category)),
                                        abs(stamp[other] - when), -stamp[other], other) for other in candidates))
        related[id(article)] = [ordered[rank[-1]] for rank in best]
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
