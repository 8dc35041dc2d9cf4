"""Unit tests of robots.txt and the draft folders (the sitemap itself: tests/test_public_site.py)."""

from __future__ import annotations

from sitemap.sitemap import draft_prefixes, robots_txt


def test_robots_txt_names_the_sitemap_and_disallows_drafts_under_a_site_path():
    text = robots_txt("https://hvdt.github.io/toasoan", "https://hvdt.github.io/toasoan/sitemap.xml",
                      ["ban-nhap/"])
    lines = text.splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /toasoan/ban-nhap/" in lines
    assert "Sitemap: https://hvdt.github.io/toasoan/sitemap.xml" in lines


def test_draft_prefixes_come_from_the_url_settings():
    assert draft_prefixes({"DRAFT_URL": "ban-nhap/{slug}/", "DRAFT_PAGE_URL": "{slug}.html"}) == ["ban-nhap/"]
