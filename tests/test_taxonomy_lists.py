"""Tag, category and author lists that answer ``in`` at once (plugins/taxonomy_lists)."""

from __future__ import annotations

from pathlib import Path

from editkit import files, succeeded
from taxonomy_lists import ArticleList

from sitekit import Project
from toasoan.build.plan import build_site, load_settings


class Item:
    """Stands for an article: no ``__eq__``, so a list finds it by identity."""


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
