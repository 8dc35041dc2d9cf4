"""Every page the sample site writes, and the theme's stylesheets, pass the Nu HTML Checker
(npm ``vnu-jar``, run with Java; installed into .cache/npm/ on first use)."""

from __future__ import annotations

import pytest

from sitekit import Project
from toasoan.npm_tools import validate_html


@pytest.fixture(scope="module")
def site(built_sample: Project) -> Project:
    """The sample site, built once for the whole run (conftest)."""
    return built_sample


def test_every_page_and_stylesheet_is_valid(site: Project):
    pages = sorted(p for p in site.output.rglob("*.html") if "pagefind" not in p.relative_to(site.output).parts)
    styles = sorted((site.output / "theme" / "css").glob("*.css"))
    written = {p.relative_to(site.output).parts[0] for p in pages}
    # home, 404, articles and reports by year, listings, pages, drafts, search, tracker
    assert {"index.html", "404.html", "2018", "chuyen-muc", "the", "tac-gia", "luu-tru", "gioi-thieu",
            "ban-nhap", "tim-kiem", "tracker"} <= written
    problems = validate_html(pages + styles)
    report = "\n".join(f"{m['url'].rsplit('/output/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
                       for m in problems)
    assert problems == [], report


def test_the_checker_does_find_invalid_html(tmp_path):
    broken = tmp_path / "hong.html"
    broken.write_text('<!doctype html><html lang="vi"><title>x</title><p><div id="a"></div><p id="a">',
                      encoding="utf-8")
    messages = [m["message"] for m in validate_html([broken])]
    assert any("Duplicate ID" in m for m in messages), messages
