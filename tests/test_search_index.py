"""The Pagefind index (plugins/search_index): what is indexed, the folded "đ" words, and a
failed indexing that leaves the previous site in place. The search itself runs in a real
browser in test_browser.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import search_index
from bs4 import BeautifulSoup
from search_index import folded_words, prepare

from sitekit import ARTICLE, Project
from toasoan.build import build_site

PAGE = """<!doctype html><html lang="vi"><head><title>t</title></head><body>
<header><nav><a href="/">Đào tạo - Bồi dưỡng</a></nav></header>
<main><article class="entry" data-pagefind-body>
  <h1>Đường dây nóng</h1><p>Học viện<br>tiếp nhận ý kiến <img src="x.png" alt=""> Đắk Lắk.</p>
  <p class="tags">Thẻ: <a href="/the/dien/">Điện</a></p>
  <nav class="neighbours"><a href="/a/">Điều lệ</a></nav>
  <div data-pagefind-ignore>Đông</div>
</article></main>
<footer>Địa chỉ</footer></body></html>"""


def test_folded_words_are_the_ones_pagefind_cannot_fold_itself():
    assert folded_words("Đào tạo đội ngũ, Học viện ĐẢNG và đào tạo") == ["dao", "doi", "dang"]
    assert folded_words("Học viện Dân tộc khai giảng") == []  # tone marks: Pagefind folds them


def test_prepare_adds_folded_words_of_the_body_only():
    field = '<meta data-pagefind-meta="folded[content]" content="duong dak">'
    # not the menu, tags, neighbours, ignored part or footer; the page is otherwise unchanged
    assert prepare(PAGE) == PAGE.replace("</head>", field + "</head>")
    assert prepare(PAGE.replace(" data-pagefind-body", "")) is None  # not searchable
    plain = PAGE.replace("Đường dây nóng", "Dây nóng").replace("Đắk Lắk", "Hà Nội")
    assert prepare(plain) == plain  # nothing to add


@pytest.fixture(scope="module")
def site(built_sample: Project) -> Project:
    """The sample site, built once for the whole run (conftest)."""
    return built_sample


def html_pages(project: Project) -> dict[str, str]:
    return {p.relative_to(project.output).as_posix(): p.read_text(encoding="utf-8")
            for p in project.output.rglob("*.html") if "pagefind" not in p.parts}


def test_invoke_build_indexes_articles_reports_pages_and_action_items(site: Project):
    entry = json.loads((site.output / "pagefind" / "pagefind-entry.json").read_text())
    assert not list((site.output / "pagefind").glob("pagefind-*ui.*"))  # the site has its own interface
    searchable = sorted(path for path, text in html_pages(site).items() if "data-pagefind-body" in text)
    assert entry["languages"]["vi"]["page_count"] == len(searchable)
    kinds = {path.split("/")[0] for path in searchable}
    assert {"2018", "2019", "2020", "tracker", "gioi-thieu", "lien-he"} <= kinds
    assert not any(path.startswith(("ban-nhap/", "chuyen-muc/", "the/", "tac-gia/", "luu-tru/", "tim-kiem/"))
                   or path in ("index.html", "tracker/index.html") for path in searchable)
    seed = BeautifulSoup(html_pages(site)["2018/tong-ket-cntt-2018/index.html"], "html.parser")
    marks = seed.find(attrs={"data-pagefind-filter": True})
    assert marks["data-pagefind-filter"] == "year[data-year], category[data-category], kind:Báo cáo cuộc họp"
    assert (marks["data-year"], marks["data-category"]) == ("2018", "Hội nghị - Hội thảo")
    item = BeautifulSoup(html_pages(site)["tracker/CNTT-2018-01/index.html"], "html.parser")
    assert item.find(attrs={"data-pagefind-filter": True})["data-pagefind-filter"].endswith("kind:Nhiệm vụ")


def test_search_script_only_on_the_search_page_and_a_plain_form_in_the_header(site: Project):
    pages = html_pages(site)
    with_script = sorted(path for path, text in pages.items() if "search.js" in text or "pagefind" in
                         text.replace("data-pagefind", ""))
    assert with_script == ["tim-kiem/index.html"]
    home = BeautifulSoup(pages["index.html"], "html.parser")
    form = home.find("form", attrs={"role": "search"})
    assert form["action"].endswith("tim-kiem/") and form["method"] == "get"
    assert form.find("input", attrs={"name": "q"})["id"] == form.find("label")["for"]
    search = BeautifulSoup(pages["tim-kiem/index.html"], "html.parser")
    assert search.find("script", attrs={"type": "module"})["src"].endswith("js/search.js")
    assert search.find("h1").get_text() == "Tìm kiếm"
    assert len(search.find_all("form", attrs={"role": "search"})) == 1  # no second box in the header


def test_a_failed_indexing_fails_the_build_and_keeps_the_previous_site(project: Project, monkeypatch):
    """On its own small site: the shared sample site is read-only."""
    project.add("articles/2019/khai-giang.md", ARTICLE)
    assert build_site(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output)).ok
    before = project.files()
    assert "pagefind/pagefind.js" in before
    monkeypatch.setattr(search_index.search_index, "pagefind_executable", lambda: Path("/bin/false"))
    project.add("articles/2019/them.md", ARTICLE.replace("Học viện khai giảng", "Học viện bế giảng"))
    result = build_site(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output))
    assert not result.ok and "Pagefind" in result.error
    assert project.files() == before
    assert not list(project.root.glob(".output-*"))
