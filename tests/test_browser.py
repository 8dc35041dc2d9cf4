"""The sample site in a real browser (Debian's chromium, driven by Playwright), as a visitor
uses it: navigation, Vietnamese search with and without diacritics, the tracker with
JavaScript on and off, a 360 px phone, and the feeds the pages link to. Page-weight budgets
are measured on fixture content of their own (test_budgets.py)."""

from __future__ import annotations

import json
import unicodedata
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlparse

import pytest
from browserkit import MOBILE, search, served

from sitekit import Project, make_project
from toasoan import audit
from toasoan.text import fold

# "dao động" (to fluctuate) is written with a plain "d": the other direction of folding.
DAO_DONG = """---
title: Giá vé máy bay dao động mạnh trong mùa cao điểm
date: 2020-07-01 09:00
author: Văn phòng
category: Thông báo
---

Giá vé máy bay phục vụ công tác dao động mạnh trong mùa cao điểm; các đơn vị lập kế hoạch sớm.
"""
DAO_DONG_TITLE = "Giá vé máy bay dao động mạnh trong mùa cao điểm"
# "Đảng" only in the body, while other pages have "đăng" (same letters, other tone) in titles.
DANG = """---
title: Sinh hoạt chuyên đề tháng 5
date: 2020-05-20 14:00
author: Văn phòng
category: Tin tức - Sự kiện
---

Chi bộ Trung tâm Thông tin - Thư viện học tập chuyên đề về xây dựng Đảng.

Bài tập an toàn thông tin: nhận biết đoạn mã `<img src=x onerror="window.hacked=1">` trong thư.
"""
DAO_TAO_TITLE = "Đào tạo nghiệp vụ viết và biên tập tin, bài cho cộng tác viên"
HOC_VIEN_TITLE = "Học viện Dân tộc chính thức vận hành Cổng thông tin điện tử"
SEED_MEETING = "/2018/tong-ket-cntt-2018/"
DAO_TAO_URL = "/2019/dao-tao-nghiep-vu-viet-va-bien-tap-tin-bai-cho-cong-tac-vien/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Project:
    project = make_project(tmp_path_factory.mktemp("browser") / "site", sample_content=True)
    project.add("articles/2020/gia-ve-dao-dong.md", DAO_DONG)
    project.add("articles/2020/sinh-hoat-chuyen-de.md", DANG)
    result = project.invoke("build")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture(scope="module")
def base(site: Project):
    with served(site.output) as url:
        yield url


@pytest.fixture(scope="module")
def browser(headless_browser):
    """The test run's one Chromium (conftest): Playwright's sync API allows one per process."""
    return headless_browser


@pytest.fixture
def page(browser):
    context = browser.new_context()
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == []  # no script error on any page a test visited


def titles(results: list[dict]) -> list[str]:
    return [r["title"] for r in results]


def test_navigation_home_category_article_and_back(page, base):
    page.goto(base + "/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Đào tạo - Bồi dưỡng").click()
    assert page.locator("h1").inner_text().startswith("Đào tạo - Bồi dưỡng")
    category_url = page.url
    first = page.locator("main article h2 a, main .card-title a").first
    title = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text() == title
    assert page.get_by_role("navigation", name="Đường dẫn").get_by_role("link", name="Đào tạo - Bồi dưỡng").count()
    page.go_back()
    assert page.url == category_url
    assert page.locator("h1").inner_text().startswith("Đào tạo - Bồi dưỡng")


def test_header_search_box_leads_to_results_without_any_script(browser, base):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base + SEED_MEETING)
    assert tab.locator("script[src]").count() == 0
    tab.get_by_role("searchbox", name="Tìm kiếm trên trang").fill("dao tao")
    tab.get_by_role("button", name="Tìm kiếm").click()
    assert urlparse(tab.url).path == "/tim-kiem/" and "q=dao+tao" in tab.url
    assert "đang tắt JavaScript" in tab.locator("main").inner_text()  # says why, links elsewhere
    context.close()


def test_search_without_diacritics_finds_vietnamese(page, base):
    assert DAO_TAO_TITLE in titles(search(page, base, "dao tao"))  # "đ" as well as tone marks
    assert HOC_VIEN_TITLE in titles(search(page, base, "hoc vien"))
    assert HOC_VIEN_TITLE in titles(search(page, base, "HỌC VIỆN"))
    results = search(page, base, "dao tao")
    first = next(r for r in results if r["title"] == DAO_TAO_TITLE)
    assert "Đào" in first["marks"]  # highlighted however it is accented


def test_search_with_diacritics_exact_matches_first(page, base):
    results = search(page, base, "đào tạo")
    assert DAO_TAO_TITLE in titles(results)
    assert "đào tạo" in results[0]["text"].lower()
    # "đào" also finds "dao" written with a plain d, but after the pages that say "đào"
    results = search(page, base, "đào")
    assert "đào" in results[0]["text"].lower()
    assert titles(results).index(DAO_DONG_TITLE) > titles(results).index(DAO_TAO_TITLE)
    # Pagefind alone would put titles with "đăng" above a body that says "Đảng"
    results = search(page, base, "Đảng")
    exact = [i for i, r in enumerate(results) if "Đảng" in r["marks"]]
    other = [i for i, r in enumerate(results) if r["marks"] and "Đảng" not in r["marks"]]
    assert len(exact) >= 2 and other and max(exact) < min(other)
    # and "dao" puts the page that says "dao" before those that say "đào"
    results = search(page, base, "dao")
    assert results[0]["title"] == DAO_DONG_TITLE and DAO_TAO_TITLE in titles(results)


def vietnamese_letters() -> str:
    """Every Vietnamese vowel with every tone, both cases, and đ/Đ."""
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    words = [unicodedata.normalize("NFC", vowel + tone) for vowel in "aăâeêioôơuưy" for tone in tones]
    text = " ".join(words) + " đ"
    return f"{text} {text.upper()}"


def test_the_search_page_folds_queries_as_the_index_does(page, base):
    page.goto(base + "/")
    script = base + "/theme/js/search.js"
    letters = vietnamese_letters()
    assert page.evaluate("async ([url, s]) => (await import(url)).fold(s)", [script, letters]) == fold(letters)


def test_search_results_show_page_text_as_text(page, base):
    results = search(page, base, "onerror")
    assert results and '<img src=x onerror="window.hacked=1">' in results[0]["text"]
    assert page.locator("#ket-qua img").count() == 0
    assert page.evaluate("window.hacked") is None


def test_search_filters_by_kind_category_and_year(page, base):
    results = search(page, base, "", loai="Nhiệm vụ")
    assert results and all(r["meta"].startswith("Nhiệm vụ · ") for r in results)
    assert all(r["url"].startswith("/tracker/CNTT-") for r in results)
    results = search(page, base, "dao tao", **{"chuyen-muc": "Đào tạo - Bồi dưỡng", "nam": "2019"})
    assert DAO_TAO_TITLE in titles(results)
    assert all("/2019/" in r["url"] for r in results)
    options = page.eval_on_selector_all("#loc-loai option", "os => os.map(o => o.value)")
    assert {"Bài viết", "Báo cáo cuộc họp", "Nhiệm vụ"} <= set(options)
    page.select_option("#loc-nam", "2018")
    page.wait_for_url("**nam=2018**")
    page.wait_for_function("document.getElementById('trang-thai').textContent.startsWith('Tìm thấy')")
    assert all("/2018/" in url for url in page.eval_on_selector_all("#ket-qua a", "as => as.map(a => a.href)"))


ROWS = "tr[data-due]"


def test_tracker_without_javascript_shows_every_item(browser, base, site: Project):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base + "/tracker/")
    rows = tab.locator(ROWS)
    items = sorted(p.name for p in (site.output / "tracker").glob("CNTT-*"))
    assert rows.count() == len(items) and all(rows.nth(i).is_visible() for i in range(rows.count()))
    assert not tab.locator("form[data-bo-loc]").is_visible()  # the filters need JavaScript
    tab.locator(f"{ROWS} a[href*='{items[0]}']").first.click()
    assert tab.locator("h1").inner_text().startswith(items[0])
    context.close()


def test_tracker_with_javascript_filters_rows(page, base):
    page.goto(base + "/tracker/")
    form = page.locator("form[data-bo-loc]")
    assert form.is_visible()
    total = page.locator(ROWS).count()
    form.locator("select[name=status]").select_option("done")
    visible = page.locator(f"{ROWS}:visible")
    assert 0 < visible.count() < total
    assert all(visible.nth(i).get_attribute("data-status") == "done" for i in range(visible.count()))


@pytest.mark.parametrize("path", ["/", SEED_MEETING, DAO_TAO_URL, "/tim-kiem/?q=dao+tao", "/tracker/",
                                  "/tracker/CNTT-2018-01/", "/van-ban/"])
def test_phone_360px_has_no_horizontal_scroll(browser, base, path):
    context = browser.new_context(viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.goto(base + path)
    tab.wait_for_load_state("networkidle")
    width = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{path}: trang rộng {width[0]}px trên màn hình {width[1]}px"
    context.close()


def parse_feed(kind: str, body: bytes) -> int:
    """Entries in a feed of this MIME type; raises when it does not parse."""
    if kind == "application/feed+json":
        feed = json.loads(body)
        assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
        return len(feed["items"])
    root = ET.fromstring(body)
    if kind == "application/atom+xml":
        assert root.tag == "{http://www.w3.org/2005/Atom}feed"
        return len(root.findall("{http://www.w3.org/2005/Atom}entry"))
    assert kind == "application/rss+xml" and root.tag == "rss"
    return len(root.findall("channel/item"))


def test_feeds_linked_from_pages_exist_and_parse(page, base):
    kinds: set[str] = set()
    for path in ("/", "/chuyen-muc/thong-bao/", "/tracker/", SEED_MEETING):
        page.goto(base + path)
        links = page.eval_on_selector_all('link[rel="alternate"]',
                                          "ls => ls.map(l => [l.type, l.getAttribute('href')])")
        for kind, href in links:
            target = urlparse(urljoin(base + path, href)).path  # absolute links may name the public host
            response = page.request.get(base + target)
            assert response.ok, f"{path}: {href} → {response.status}"
            assert parse_feed(kind, response.body()) > 0, href
            kinds.add(kind)
    assert kinds == {"application/atom+xml", "application/rss+xml", "application/feed+json"}


def test_page_weight_sees_blocking_scripts_and_other_hosts(browser, base, site: Project):
    page = site.output / "thu-nghiem" / "index.html"
    page.parent.mkdir()
    page.write_text('<!doctype html><html lang="vi"><head><title>x</title><script src="/chan.js"></script>'
                    '</head><body><img src="http://127.0.0.2:9/anh.png" alt=""></body></html>', encoding="utf-8")
    (site.output / "chan.js").write_text("var x = 1;", encoding="utf-8")
    weight = audit.weigh(browser, base + "/thu-nghiem/")
    assert weight.render_blocking == [base + "/chan.js"]
    assert weight.third_party == ["http://127.0.0.2:9/anh.png"]
    measured = audit.PageAudit("article", "Bài viết", "/thu-nghiem/", weight, axe=[{"id": "image-alt"}],
                               scores={name: 0.97 for name in audit.CATEGORIES})
    assert len(audit.misses([measured])) == 1 + len(audit.CATEGORIES) + 2
