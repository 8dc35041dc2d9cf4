"""The Pagefind index (plugins/search_index): the records taken from the content model, the
folded "đ" words, the shards and their manifest, deterministic and incremental output, and a
failed indexing that leaves the previous site in place. The search itself runs in a real
browser in test_browser.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import shutil
import threading
from pathlib import Path

import pytest
import search_index
from bs4 import BeautifulSoup
from editkit import build
from pelican import signals
from search_index import SearchRecord, folded_words, plain_text, shard_records
from search_index.records import KIND_PAGE, body_text

from sitekit import ARTICLE, Project
from toasoan.build.plan import build_site
from toasoan.build.run import BuildRun


def test_folded_words_are_the_ones_pagefind_cannot_fold_itself():
    assert folded_words("Đào tạo đội ngũ, Học viện ĐẢNG và đào tạo") == ["dang", "dao", "doi"]
    assert folded_words("Học viện Dân tộc khai giảng") == []  # tone marks: Pagefind folds them


def test_plain_text_of_a_sanitized_body():
    body = ('<p>Học viện<br>tiếp nhận <a href="/x/">ý kiến</a> &amp; <img src="x.png" alt=""> Đắk Lắk.</p>\n'
            "<ul><li>Một</li></ul>")
    assert plain_text(body) == "Học viện tiếp nhận ý kiến & Đắk Lắk. Một"
    assert plain_text("<p>&lt;img src=x onerror=1&gt;</p>") == "<img src=x onerror=1>"  # text, as the page shows it


def record(url: str, date: dt.date | None, text: str = "Đường dây nóng") -> SearchRecord:
    return SearchRecord(url=url, title=text, text=text, kind="Bài viết", date=date, category="Tin tức")


def test_a_record_gives_pagefind_what_the_search_page_shows_and_filters_on():
    payload = record("/2019/a/", dt.date(2019, 3, 5)).payload()
    assert payload == {"url": "/2019/a/", "content": "Đường dây nóng", "language": "vi",
                       "meta": {"title": "Đường dây nóng", "date": "05/03/2019", "folded": "duong"},
                       "filters": {"kind": ["Bài viết"], "year": ["2019"], "category": ["Tin tức"]},
                       "sort": {"date": "2019-03-05"}}
    page = SearchRecord(url="/gioi-thieu/", title="Giới thiệu", text="Giới thiệu", kind="Trang thông tin")
    assert page.payload()["meta"] == {"title": "Giới thiệu"} and "year" not in page.payload()["filters"]


def test_shards_by_year_newest_first_then_pages_and_big_years_split_by_months(monkeypatch):
    records = [record("/2019/b/", dt.date(2019, 8, 1)), record("/gioi-thieu/", None),
               record("/2018/a/", dt.date(2018, 1, 1)), record("/2019/a/", dt.date(2019, 2, 1))]
    shards = shard_records(records)
    assert [(s.name, [p["url"] for p in s.payloads()]) for s in shards] == [
        ("2019", ["/2019/a/", "/2019/b/"]), ("2018", ["/2018/a/"]), ("trang", ["/gioi-thieu/"])]
    assert [s.key for s in shards] == [s.key for s in shard_records(reversed(records))]  # order-free
    payloads = {s.name: s.payloads() for s in shards}
    for change in ({"title": "Khác"}, {"text": "Khác"}, {"kind": KIND_PAGE}, {"category": "Khác"},
                   {"date": dt.date(2019, 8, 2)}, {"url": "/2019/c/"}):
        edited = [dataclasses.replace(records[0], **change), *records[1:]]
        assert shard_records(edited)[0].key != shards[0].key, change
        assert shard_records(edited)[0].payloads() != payloads["2019"], change
    assert shard_records([dataclasses.replace(r) for r in records])[0].key == shards[0].key
    monkeypatch.setattr(search_index.search_index, "SHARD_SIZE", 1)
    assert [s.name for s in shard_records(records)] == ["2019-07", "2019-01", "2018", "trang"]


@pytest.fixture(scope="module")
def site(built_sample: Project) -> Project:
    """The sample site, built once for the whole run (conftest)."""
    return built_sample


def html_pages(project: Project) -> dict[str, str]:
    return {p.relative_to(project.output).as_posix(): p.read_text(encoding="utf-8")
            for p in project.output.rglob("*.html") if "pagefind" not in p.parts}


def indexed(output: Path) -> dict[str, list[dict]]:
    """Shard name → the records of its bundle (Pagefind's fragments: gzip, a signature, JSON)."""
    shards = json.loads((output / "pagefind" / "shards.json").read_text())["shards"]
    found = {}
    for shard in shards:
        fragments = sorted((output / "pagefind" / shard / "fragment").glob("*.pf_fragment"))
        found[shard] = [json.loads(gzip.decompress(f.read_bytes()).removeprefix(b"pagefind_dcd")) for f in fragments]
    return found


def test_invoke_build_indexes_articles_reports_pages_and_action_items(site: Project):
    bundles = indexed(site.output)
    assert list(bundles) == [*sorted((s for s in bundles if s != "trang"), reverse=True), "trang"]
    for shard in bundles:
        bundle = site.output / "pagefind" / shard
        entry = json.loads((bundle / "pagefind-entry.json").read_text())
        assert entry["languages"]["vi"]["page_count"] == len(bundles[shard])
        assert (bundle / "pagefind.js").is_file() and not list(bundle.glob("pagefind-*ui.*"))  # the site has its own
    urls = {r["url"].strip("/") + "/index.html": shard for shard, records in bundles.items() for r in records}
    searchable = {path for path, text in html_pages(site).items() if "data-pagefind-body" in text}
    assert set(urls) == searchable  # what the theme marks searchable, nothing else
    assert {urls["2018/tong-ket-cntt-2018/index.html"], urls["tracker/CNTT-2018-01/index.html"]} == {"2018"}
    assert urls["gioi-thieu/index.html"] == "trang"
    seed = next(r for r in bundles["2018"] if r["url"] == "/2018/tong-ket-cntt-2018/")
    assert seed["filters"] == {"year": ["2018"], "category": ["Hội nghị - Hội thảo"], "kind": ["Báo cáo cuộc họp"]}
    page = BeautifulSoup(html_pages(site)["2018/tong-ket-cntt-2018/index.html"], "html.parser")
    assert seed["meta"]["title"] == page.find("h1").get_text()
    assert seed["meta"]["date"] == page.find(attrs={"data-pagefind-filter": True})["data-date"]
    body = page.find(class_="prose").get_text(" ", strip=True).split()
    assert " ".join(body[:20]) in seed["content"]  # the body's text, as the page shows it
    item = next(r for r in bundles["2018"] if r["url"] == "/tracker/CNTT-2018-01/")
    assert item["filters"]["kind"] == ["Nhiệm vụ"] and item["meta"]["title"].startswith("CNTT-2018-01 ")


def test_two_builds_write_the_same_bundles_and_an_unchanged_build_keeps_them(project: Project):
    project.add("articles/2019/khai-giang.md", ARTICLE)
    project.add("articles/2018/dao-tao.md", ARTICLE.replace("2019-", "2018-").replace("Học viện khai giảng", "Đào tạo"))
    settings, output = project.root / "pelicanconf.py", project.output
    assert build_site(settings, OUTPUT_PATH=str(output)).ok
    first = {p: (output / p).read_bytes() for p in project.files() if p.startswith("pagefind/")}
    assert {"pagefind/shards.json", "pagefind/2019/pagefind.js", "pagefind/2018/pagefind.js"} <= set(first)
    stats = {p: (output / p).stat().st_mtime_ns for p in first}
    assert build_site(settings, OUTPUT_PATH=str(output)).ok  # nothing changed: every shard is kept
    assert {p: (output / p).stat().st_mtime_ns for p in first} == stats
    project.add("articles/2019/khai-giang.md", ARTICLE.replace("Học viện khai giảng", "Học viện bế giảng"))
    assert build_site(settings, OUTPUT_PATH=str(output)).ok  # one 2019 article changed: 2019 only
    assert all((output / p).stat().st_mtime_ns == stats[p] for p in first if p.startswith("pagefind/2018/"))
    shard_2019 = {p: b for p, b in project.files().items() if p.startswith("pagefind/2019/")}
    assert shard_2019 != {p: b for p, b in first.items() if p.startswith("pagefind/2019/")}
    project.add("articles/2019/khai-giang.md", ARTICLE)  # back as it was: a clean build gives the same bytes
    for path in output.glob("*"):
        path.unlink() if path.is_file() else shutil.rmtree(path)
    shutil.rmtree(project.root / ".cache", ignore_errors=True)
    assert build_site(settings, OUTPUT_PATH=str(output)).ok
    again = {p: (output / p).read_bytes() for p in project.files() if p.startswith("pagefind/")}
    assert again == first  # filters, meta and entry too: see search_index.reproducible
    assert any("/filter/" in p for p in first)


def indexed_here(monkeypatch) -> None:
    """The search index runs in this process, where a test's spies are: a build that may fork
    (no other thread in the test worker) indexes in a process of its own."""
    monkeypatch.setattr(BuildRun, "beside_process", lambda run, plugin, work=None: False)


def test_shards_indexed_side_by_side_are_the_bundles_one_service_makes(project: Project, monkeypatch):
    indexed_here(monkeypatch)
    project.add("articles/2019/khai-giang.md", ARTICLE)
    project.add("articles/2018/dao-tao.md", ARTICLE.replace("2019-", "2018-").replace("Học viện khai giảng", "Đào tạo"))
    threads: dict[str, str] = {}
    index_bundle = search_index.search_index.index_bundle

    def spy(service, payloads):
        bundle = index_bundle(service, payloads)
        threads[payloads[0]["url"]] = threading.current_thread().name
        return bundle

    monkeypatch.setattr(search_index.search_index, "index_bundle", spy)
    bundles = {}
    for services in (1, 2):
        monkeypatch.setattr(search_index.search_index, "SERVICES", services)
        threads.clear()
        output = project.root / f"output-{services}"
        assert build_site(project.root / "pelicanconf.py", OUTPUT_PATH=str(output)).ok
        bundles[services] = {p.relative_to(output): p.read_bytes() for p in (output / "pagefind").rglob("*")
                             if p.is_file()}
        assert len(set(threads.values())) == services, threads
        shutil.rmtree(project.root / ".cache")
    assert bundles[1] == bundles[2] and len(bundles[1]) > 10

    failed = []

    def second_fails(service, payloads):
        if threading.current_thread().name == "search-index-2":
            failed.append(payloads[0]["url"])
            raise search_index.search_index.ServiceError("hỏng")
        return index_bundle(service, payloads)

    monkeypatch.setattr(search_index.search_index, "index_bundle", second_fails)
    before = {p: p.read_bytes() for p in (project.root / "output-2").rglob("*") if p.is_file()}
    project.add("articles/2019/khai-giang.md", ARTICLE.replace("Học viện khai giảng", "Học viện bế giảng"))
    result = build_site(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.root / "output-2"))
    assert failed and not result.ok and "Pagefind" in result.error
    assert {p: p.read_bytes() for p in (project.root / "output-2").rglob("*") if p.is_file()} == before


def test_a_full_build_makes_the_records_of_each_shard_in_the_thread_that_indexes_it(project: Project, monkeypatch):
    """A build never holds the text of every page at once: a shard's records are made as it
    is indexed, each once, and let go once indexed."""
    indexed_here(monkeypatch)
    project.add("articles/2019/khai-giang.md", ARTICLE)
    project.add("articles/2018/dao-tao.md", ARTICLE.replace("2019-", "2018-").replace("Học viện khai giảng", "Đào tạo"))
    made: list[tuple[str, str]] = []
    record_of = search_index.search_index.record_of

    def spy(source):
        record = record_of(source)
        made.append((record.url, threading.current_thread().name))
        return record

    monkeypatch.setattr(search_index.search_index, "record_of", spy)
    assert build_site(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output)).ok
    urls = [url for url, _ in made]
    assert {url.split("/")[1] for url in urls} >= {"2019", "2018"} and len(urls) == len(set(urls)), made
    assert all(thread.startswith("search-index") for _, thread in made), made


def test_an_incremental_build_lets_a_kept_shards_records_go_before_it_makes_the_next(project: Project,
                                                                                       monkeypatch):
    """It makes the records of every shard to know which changed; those of a kept shard go
    at once, so it never holds the text of every page either."""
    indexed_here(monkeypatch)
    project.add("articles/2019/khai-giang.md", ARTICLE)
    project.add("articles/2018/dao-tao.md", ARTICLE.replace("2019-", "2018-").replace("Học viện khai giảng", "Đào tạo"))
    assert build_site(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output)).ok
    events: list[str] = []
    record_of, release = search_index.search_index.record_of, search_index.search_index.Shard.release

    def made(source):
        record = record_of(source)
        events.append(f"made {record.url.split('/')[1]}")
        return record

    def released(shard):
        events.append(f"released {shard.name}")
        return release(shard)

    monkeypatch.setattr(search_index.search_index, "record_of", made)
    monkeypatch.setattr(search_index.search_index.Shard, "release", released)
    edited = ARTICLE.replace("2019-", "2018-").replace("Học viện khai giảng", "Đào tạo lại")
    project.add("articles/2018/dao-tao.md", edited)
    assert build_site(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output)).ok
    assert events.index("released 2019") < events.index("made 2018"), events


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
    assert "pagefind/2019/pagefind.js" in before
    monkeypatch.setattr(search_index.search_index, "pagefind_executable", lambda: Path("/bin/false"))
    project.add("articles/2019/them.md", ARTICLE.replace("Học viện khai giảng", "Học viện bế giảng"))
    result = build_site(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output))
    assert not result.ok and "Pagefind" in result.error
    assert project.files() == before
    assert not list(project.root.glob(".output-*"))


def test_a_record_reads_the_text_an_article_read_alone_has(newsroom: Project):
    """Records take the body as written (``_content``), so an article read outside a run — its
    links unresolved — gives the record it has in the run: resolving links changes only the
    attributes of tags, which the text leaves out."""
    articles: list = []
    with signals.all_generators_finalized.connected_to(
            lambda generators: articles.extend(a for g in generators for a in getattr(g, "articles", ()))):
        build(newsroom, clean=True)
    assert any("{static}" in a._content for a in articles), "the corpus links its images"
    for article in articles:
        assert body_text(article) == plain_text(article.content), article.source_path
