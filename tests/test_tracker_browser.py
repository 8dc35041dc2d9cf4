"""The tracker page in a real headless Chromium (Playwright, Debian's chromium), with
JavaScript off and on."""

from __future__ import annotations

import datetime as dt

import pytest
from browserkit import Tab
from test_tracker_site import build
from tracker_story import PUBLIC_IDS, add_story

from sitekit import Project, make_project


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Project:
    project = add_story(make_project(tmp_path_factory.mktemp("tracker-js") / "site", sample_content=False))
    build(project)  # built "today" 15/10/2019; the browser's today is later
    return project


@pytest.fixture(params=[False, True], ids=["js-off", "js-on"])
def tab(request, headless_browser):
    opened = Tab(headless_browser, javascript=request.param)
    yield opened, request.param
    opened.close()


ROWS = "[...document.querySelectorAll('{}')]"
IDS = ".map(r => r.cells[0].innerText)"
VISIBLE_ROWS = ROWS.format("tr[data-due]") + ".filter(r => r.offsetParent)" + IDS
FLAGGED = ROWS.format("tr[data-due]") + ".filter(r => r.querySelector('.qua-han').offsetParent)" + IDS


def test_tracker_page_with_javascript_off_and_on(site: Project, tab):
    chromium, javascript = tab
    chromium.open((site.output / "tracker/index.html").as_uri())
    assert chromium.run("document.querySelector('h1').innerText") == "Theo dõi nhiệm vụ CNTT"
    assert sorted(chromium.run(VISIBLE_ROWS)) == PUBLIC_IDS  # every item, grouped by status
    sections = chromium.run("[...document.querySelectorAll('tbody[id]')].filter(b => b.offsetParent).length")
    assert sections == 5
    form_shown = chromium.run("!!document.querySelector('[data-bo-loc]').offsetParent")
    buttons = chromium.run("document.querySelectorAll('thead th button').length")
    flagged = sorted(chromium.run(FLAGGED))
    assert chromium.run("document.querySelector('.cap-nhat').innerText").startswith("Cập nhật lúc")
    if not javascript:
        assert (form_shown, buttons) == (False, 0)
        assert flagged == ["CNTT-2018-03"]  # overdue on the build day, in text
        return
    assert (form_shown, buttons) == (True, 7)
    # Against the browser's today, every open item of the story is overdue.
    assert dt.date.today() > dt.date(2020, 6, 30)
    assert flagged == ["CNTT-2018-03", "CNTT-2018-04", "CNTT-2019-02"]
    assert chromium.run("document.querySelector('[data-so-qua-han]').innerText") == "3"
    assert chromium.run("document.querySelector('time[data-hom-nay]').dateTime") == dt.date.today().isoformat()


def test_script_filters_and_sorts(site: Project, headless_browser):
    chromium = Tab(headless_browser, javascript=True)
    try:
        chromium.open((site.output / "tracker/index.html").as_uri())
        chromium.run("""(() => { const f = document.querySelector('[data-bo-loc]');
            f.elements.unit.value = 'Phòng Đào tạo'; f.dispatchEvent(new Event('input')); })()""")
        assert sorted(chromium.run(VISIBLE_ROWS)) == ["CNTT-2018-03", "CNTT-2018-04"]
        assert chromium.run("document.querySelector('[data-ket-qua]').innerText") == "Đang hiện 2/6 nhiệm vụ."
        assert chromium.run("[...document.querySelectorAll('tbody[id]')].filter(b => !b.hidden).length") == 2
        chromium.run("""(() => { const f = document.querySelector('[data-bo-loc]');
            f.elements.unit.value = ''; f.elements.q.value = 'tai lieu noi sinh';
            f.dispatchEvent(new Event('input')); })()""")
        assert chromium.run(VISIBLE_ROWS) == ["CNTT-2019-02"]  # search ignores diacritics
        chromium.run("""(() => { const f = document.querySelector('[data-bo-loc]');
            f.elements.q.value = ''; f.dispatchEvent(new Event('input'));
            const b = [...document.querySelectorAll('thead th button')].find(b => b.innerText === 'Mã');
            b.click(); b.click(); })()""")
        done = chromium.run(ROWS.format("#trang-thai-done tr[data-due]") + IDS)
        assert done == ["CNTT-2018-02", "CNTT-2018-01"]  # descending after two clicks
        sort = chromium.run(ROWS.format("[data-bang-nhiem-vu] thead th") + ".map(th => th.getAttribute('aria-sort'))")
        assert sort[0] == "descending" and sort[1:] == [None] * 6
    finally:
        chromium.close()
