"""find_related on plain objects: ranking, the window, and scale without a full scan."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from related_articles.related import find_related

START = dt.datetime(2019, 1, 1)


def art(n: int, tags: tuple[str, ...] = (), category: str = "tin") -> SimpleNamespace:
    return SimpleNamespace(date=START + dt.timedelta(days=n), source_path=f"{n:05}.md",
                           tags=[SimpleNamespace(slug=t) for t in tags],
                           category=SimpleNamespace(slug=category), name=n)


def names(found: list) -> list[int]:
    return [a.name for a in found]


def test_shared_tags_weigh_more_than_the_category_and_unrelated_never_show():
    articles = [art(0, ("a", "b")), art(1, (), "tin"), art(2, ("a",), "khac"), art(30, ("a", "b"), "khac"),
                art(40, ("z",), "khac")]
    related = find_related(articles, count=5)
    assert names(related[id(articles[0])]) == [30, 2, 1]  # scores 4 (two tags), 2 (one tag), 1 (category)
    assert names(related[id(articles[4])]) == [30, 2]  # category "khac" only; the nearer first
    assert all(id(a) not in {id(r) for r in related[id(a)]} for a in articles)


def test_count_and_nearest_in_time_on_a_tie_newer_first():
    articles = [art(n) for n in range(10)]
    related = find_related(articles, count=3)
    assert names(related[id(articles[5])]) == [6, 4, 7]
    assert names(related[id(articles[0])]) == [1, 2, 3]
    assert find_related(articles, count=0)[id(articles[5])] == []


def test_a_popular_tag_is_looked_at_only_around_the_article_a_rare_one_everywhere():
    articles = [art(n, ("a",)) for n in range(500)]
    near = find_related(articles, count=10, window=5)[id(articles[0])]
    assert names(near) == [1, 2, 3, 4, 5]  # the window, not all 499 sharing "a"
    assert len(find_related(articles, count=600, window=600)[id(articles[0])]) == 499
    rare = [art(0, ("a", "b")), *articles[1:], art(900, ("a", "b"))]
    assert names(find_related(rare, count=1, window=5)[id(rare[0])]) == [900]  # "b": two members


def test_five_thousand_articles_in_one_popular_tag():
    articles = [art(n, ("cntt",), ("tin", "thong-bao")[n % 2]) for n in range(5000)]
    related = find_related(articles, count=3, window=20)
    assert len(related) == 5000
    assert names(related[id(articles[2500])]) == [2502, 2498, 2504]  # same category, nearest


def test_an_exact_tie_goes_to_the_first_by_source_path_whatever_order_the_tags_come_in():
    """Same score, same date: the first by source path, in every build (an article's tags
    are a set, whose order changes from one Python process to the next)."""
    tags = tuple(f"chu-de-{n}" for n in range(8))
    article = art(0, tags)
    candidates = [SimpleNamespace(**{**vars(art(5, (tag,), "khac")), "source_path": f"{9 - n:05}.md", "name": 9 - n})
                  for n, tag in enumerate(tags)]
    related = find_related([article, *candidates], count=8)
    assert names(related[id(article)]) == [2, 3, 4, 5, 6, 7, 8, 9]
