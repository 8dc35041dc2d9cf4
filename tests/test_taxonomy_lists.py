"""Tag, category and author lists that answer ``in`` at once (plugins/taxonomy_lists)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from editkit import files, succeeded
from pelican.generators import ArticlesGenerator
from taxonomy_lists import ArticleList
from taxonomy_lists.taxonomy_lists import PELICANS_GROUPING, period_archives

from sitekit import Project
from toasoan.build.plan import build_site, load_settings


class Item:
    """Stands for an article: no ``__eq__``, so a list finds it by identity."""

    def __init__(self, date: dt.datetime | None = None) -> None:
        self.date = date


def test_in_finds_by_identity_and_follows_every_change() -> None:
    a, b, c, d = Item(), Item(), Item(), Item()
    articles, plain = ArticleList([a, b]), [a, b]
    changes = [("append", c), ("remove", a), ("insert", 0, d), ("pop",), ("extend", [a, a]),
               ("__setitem__", 0, c), ("__delitem__", 1), ("__iadd__", [b]), ("__imul__", 2), ("clear",)]
    for name, *args in changes:
        assert [x in articles for x in (a, b, c, d)] == [x in plain for x in (a, b, c, d)], name
        getattr(articles, name)(*args)
        getattr(plain, name)(*args)
        assert articles == plain, name
        assert [x in articles for x in (a, b, c, d)] == [x in plain for x in (a, b, c, d)], name


def test_the_site_is_the_same_as_with_pelicans_plain_lists(newsroom: Project, tmp_path: Path) -> None:
    settings_file = newsroom.root / "pelicanconf.py"
    plugins = load_settings(settings_file)["PLUGINS"]
    assert "taxonomy_lists" in plugins
    without = [p for p in plugins if p != "taxonomy_lists"]
    for name, chosen in (("fast", plugins), ("plain", without)):
        succeeded(build_site(settings_file, incremental=False, PLUGINS=chosen, OUTPUT_PATH=str(tmp_path / name)))
    fast, plain = files(tmp_path / "fast"), files(tmp_path / "plain")
    assert any(path.startswith("the/") for path in fast), "the corpus has tag pages"
    assert fast == plain


def test_period_archives_are_pelicans_own() -> None:
    """The one-pass grouping gives what Pelican's method gives, for every granularity, with
    several articles a day and the site's order unlike the dates' (newest first, ties kept)."""
    rng = random.Random(7)
    start = dt.datetime(2017, 11, 20, 8)
    articles = [Item(start + dt.timedelta(days=rng.randrange(900), hours=rng.choice((0, 0, 3)))) for _ in range(400)]
    articles.sort(key=lambda a: a.date, reverse=True)
    by_date = sorted(articles, key=lambda a: a.date)
    settings = {"YEAR_ARCHIVE_SAVE_AS": "{date:%Y}/index.html", "YEAR_ARCHIVE_URL": "{date:%Y}/",
                "MONTH_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/index.html", "MONTH_ARCHIVE_URL": "{date:%Y}/{date:%m}/",
                "DAY_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/{date:%d}/index.html", "DAY_ARCHIVE_URL": ""}
    pelicans = getattr(ArticlesGenerator, PELICANS_GROUPING)  # a Pelican upgrade that renames it fails here
    ours = period_archives(by_date, articles, settings)
    assert ours == pelicans(None, by_date, articles, settings)
    assert [len(ours[g]) for g in ("year", "month")] == [4, 31] and len(ours["day"]) > 300
    assert all(len(a["articles"]) == len(a["dates"]) and a["articles"][0].date >= a["articles"][-1].date
               for a in ours["month"])
    for left_out in ("DAY", "MONTH"):
        settings[f"{left_out}_ARCHIVE_SAVE_AS"] = ""
        assert period_archives(by_date, articles, settings) == pelicans(None, by_date, articles, settings)
