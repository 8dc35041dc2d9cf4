"""Page weight with photos, in Debian's chromium at 360 px (the Lighthouse mobile width), on a
fixture newsroom of its own (``photokit``): what the newsroom publishes never moves these
figures. Also the main menu: folded on a phone, one row on a wide screen."""

from __future__ import annotations

import pytest
from browserkit import served
from photokit import LEAD_ARTICLE, photo_site

from sitekit import Project, built
from toasoan import audit


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Project:
    return built(photo_site(tmp_path_factory.mktemp("budgets") / "site"))


@pytest.fixture(scope="module")
def base(site: Project):
    with served(site.output) as url:
        yield url


def test_home_with_photos_within_budget(headless_browser, base):
    weight = audit.weigh(headless_browser, base + "/")
    assert weight.images > 0, weight.by_type  # the lead photo and the thumbnails do load
    assert audit.weight_misses("home", "Trang chủ", weight) == [], weight.by_type
    assert weight.render_blocking == [] and weight.third_party == []


def test_article_with_lead_photo_within_budget(headless_browser, base, site: Project):
    weight = audit.weigh(headless_browser, base + "/" + LEAD_ARTICLE)
    assert weight.images > 0, weight.by_type
    assert audit.weight_misses("article", "Bài viết", weight) == [], weight.by_type
    assert weight.render_blocking == [] and weight.third_party == []
    original = (site.content / "images/2021/anh-6.jpg").stat().st_size
    assert original > audit.BUDGET.article_bytes  # the photo as taken would break the budget alone


def test_a_phone_gets_a_narrow_webp_not_the_original(headless_browser, base):
    context = audit.mobile_context(headless_browser)
    page = context.new_page()
    page.goto(base + "/" + LEAD_ARTICLE, wait_until="networkidle")
    chosen = page.eval_on_selector(".entry-figure img", "img => img.currentSrc")
    context.close()
    assert chosen.endswith("anh-6-720.webp"), chosen  # 328 css px at 2x


def nav_rows(page) -> int:
    return page.evaluate("""() => new Set([...document.querySelectorAll('.site-nav li')]
        .filter(li => li.getClientRects().length).map(li => Math.round(li.getBoundingClientRect().top))).size""")


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_menu_is_one_row_on_wide_screens(headless_browser, base, width):
    context = headless_browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(base + "/")
    assert not page.locator(".nav-menu > summary").is_visible()
    links = page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link")
    assert links.count() == 10 and all(links.nth(i).is_visible() for i in range(links.count()))
    assert nav_rows(page) == 1
    context.close()


def test_the_menu_folds_on_a_phone_and_opens_from_the_keyboard_without_script(headless_browser, base):
    context = headless_browser.new_context(viewport=audit.MOBILE, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/")
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    toggle = nav.locator("summary")
    assert toggle.is_visible() and not nav.get_by_role("link", name="Trang chủ").is_visible()
    assert toggle.bounding_box()["y"] < 250  # the news starts on the first screen
    toggle.focus()
    page.keyboard.press("Enter")
    assert nav.get_by_role("link", name="Trang chủ").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= audit.MOBILE["width"]
    context.close()


@pytest.mark.parametrize("path", ["/2018/hop-ban-chi-dao-ung-dung-cntt-nam-2018/", "/tracker/"])
def test_tables_show_every_column_at_1280px(headless_browser, base, path):
    context = headless_browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(base + path)
    clipped = page.eval_on_selector_all(".table-wrap", "ws => ws.filter(w => w.scrollWidth > w.clientWidth).length")
    context.close()
    assert clipped == 0, path


def test_the_tracker_and_van_ban_are_cards_on_a_phone_with_labels(headless_browser, base):
    context = headless_browser.new_context(viewport=audit.MOBILE)
    page = context.new_page()
    for path, label in (("/tracker/", "Hạn"), ("/van-ban/", "Ban hành")):
        page.goto(base + path)
        cell = page.locator(f".cards td[data-label='{label}']").first
        assert cell.evaluate("td => getComputedStyle(td).display") == "block"
        assert cell.evaluate("td => getComputedStyle(td, '::before').content").startswith(f'"{label}')
        assert cell.bounding_box()["width"] <= audit.MOBILE["width"]
    page.emulate_media(media="print")  # on paper: the table again
    assert page.locator(".cards td").first.evaluate("td => getComputedStyle(td).display") == "table-cell"
    context.close()
