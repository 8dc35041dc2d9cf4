"""The print stylesheet, in a real headless Chromium with print media emulated: meeting
reports and the tracker print without navigation, search or filters, with every table
column and row shown (nothing scrolled away) and the header row repeated on each page."""

from __future__ import annotations

import pytest
from browserkit import Tab
from test_tracker_site import build
from tracker_story import PUBLIC_IDS, add_story

from sitekit import Project, make_project

A4_CONTENT_PX = 680  # A4 minus 1.5 cm margins at 96 dpi


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Project:
    project = add_story(make_project(tmp_path_factory.mktemp("print") / "site", sample_content=False))
    build(project)
    return project


@pytest.fixture(params=[False, True], ids=["js-off", "js-on"])
def printed(request, headless_browser):
    """A browser whose pages are laid out as for printing on A4."""
    tab = Tab(headless_browser, javascript=request.param, media="print",
              viewport={"width": A4_CONTENT_PX, "height": 960})
    yield tab
    tab.close()


SHOWN = "(s => [...document.querySelectorAll(s)].filter(e => getComputedStyle(e).display !== 'none').length)"
CLIPPED = """[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1)
  .map(w => w.querySelector('caption').innerText)"""


def shown(chromium: Tab, selector: str) -> int:
    return chromium.run(f"{SHOWN}({selector!r})")


def test_tracker_prints_every_row_without_navigation_or_filters(site: Project, printed: Tab):
    printed.open((site.output / "tracker/index.html").as_uri())
    for selector in (".site-nav", ".site-search", ".breadcrumb", "[data-bo-loc]", ".tai-ve", ".skip-link"):
        assert shown(printed, selector) == 0, selector
    rows = printed.run("[...document.querySelectorAll('tr[data-due]')].filter(r => r.offsetParent)"
                       ".map(r => r.cells[0].innerText)")
    assert sorted(set(rows)) == PUBLIC_IDS
    assert printed.run(CLIPPED) == []
    assert printed.run("getComputedStyle(document.querySelector('thead')).display") == "table-header-group"
    assert printed.run("getComputedStyle(document.querySelector('tr[data-due]')).breakInside") == "avoid"
    # sort buttons print as plain header text (a repeated header row paints no buttons)
    assert printed.run("[...document.querySelectorAll('thead th button')]"
                       ".every(b => getComputedStyle(b).display === 'contents')")


def test_meeting_report_prints_its_action_items_in_full(site: Project, printed: Tab):
    report = next(p for p in (site.output / "2018").glob("*/index.html") if "CNTT-2018-01" in p.read_text("utf-8"))
    printed.open(report.as_uri())
    for selector in (".site-nav", ".breadcrumb", ".neighbours", ".scroll-hint", ".footer-nav"):
        assert shown(printed, selector) == 0, selector
    assert shown(printed, "table.items") >= 1
    assert printed.run(CLIPPED) == []
    assert shown(printed, ".meeting-facts") == 1
