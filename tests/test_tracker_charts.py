"""The tracker's charts: static SVG drawn at build time from the tracker's model, each named
by a title and a description, beside the table of its numbers; read in the HTML and in a
real Chromium (axe-core, a phone's width)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from action_tracker.charts import status_chart, unit_chart
from browserkit import Tab, served
from bs4 import BeautifulSoup
from test_tracker_site import build
from tracker_story import TODAY, add_story

from sitekit import Project, make_project
from toasoan.audit import axe_violations
from toasoan.content import read_content
from toasoan.model import ACTION_ITEM_STATUSES
from toasoan.npm_tools import npm_package
from toasoan.tracker import status_timeline, summarise, track

# After each meeting of the story (tests/tracker_story.py): open, in progress, done, blocked,
# cancelled; the draft meeting of 01/09/2019 does not count.
EXPECTED = {
    "27/12/2018": (3, 1, 0, 0, 0),
    "11/07/2019": (2, 2, 1, 0, 0),
    "20/12/2019": (1, 1, 2, 1, 1),
}
REPO = Path(__file__).resolve().parent.parent
UNIT_PROGRESS = {"Văn phòng": 100, "Phòng Đào tạo": 10, "Trung tâm Thông tin - Thư viện": 65}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Project:
    project = add_story(make_project(tmp_path_factory.mktemp("charts") / "site", sample_content=False))
    build(project)
    return project


@pytest.fixture(scope="module")
def page(site: Project) -> BeautifulSoup:
    return BeautifulSoup((site.output / "tracker/index.html").read_text(encoding="utf-8"), "html.parser")


def story_items(site: Project) -> list:
    documents, _ = read_content(site.rules())
    return track(documents)


def test_status_timeline_counts_each_status_after_each_meeting(site: Project):
    timeline = status_timeline(story_items(site))
    assert {t.date.strftime("%d/%m/%Y"): tuple(t.count(s) for s in ACTION_ITEM_STATUSES)
            for t in timeline} == EXPECTED
    assert [t.total for t in timeline] == [4, 5, 6]
    assert [title for title, _ in timeline[1].reports] == ["Sơ kết 6 tháng đầu năm 2019"]


def test_status_timeline_of_a_large_corpus_is_the_status_of_each_item_after_each_day(tmp_path):
    """On a generated newsroom (many meetings, updates over years): each tally is the status of
    every item at its last history entry dated that day or before — the definition, counted
    directly here."""
    from bench.corpus import generate
    from toasoan.build.plan import load_settings
    from toasoan.settings import site_rules

    generate(tmp_path / "content", 400, seed=11)
    rules, _ = site_rules(load_settings(REPO / "pelicanconf.py", PATH=str(tmp_path / "content")))
    items = track(read_content(rules)[0])
    timeline = status_timeline(items)
    days = sorted({entry.date.date() for tracked in items for entry in tracked.history})
    assert len(timeline) == len(days) > 20 and sum(len(t.history) > 2 for t in items) > 10
    for tally, day in zip(timeline, days, strict=True):
        expected = dict.fromkeys(ACTION_ITEM_STATUSES, 0)
        for tracked in items:
            reached = [entry for entry in tracked.history if entry.date.date() <= day]
            if reached:
                expected[reached[-1].status] += 1
        assert tally.date.date() == day and dict(tally.counts) == expected


def test_charts_say_their_numbers_in_words_and_escape_names(site: Project):
    chart = status_chart(status_timeline(story_items(site)))
    assert "Sau cuộc họp ngày 20/12/2019: 6 nhiệm vụ (1 chưa triển khai, 1 đang thực hiện, 2 hoàn thành, " \
           "1 vướng mắc, 1 đã huỷ)." in chart.description
    units = summarise(story_items(site), TODAY, units=["Phòng <Thử> & \"Nghiệm\""]).units
    drawn = unit_chart(units).svg
    assert "<Thử>" not in drawn and "Phòng &lt;Thử&gt;" not in drawn  # owns nothing: not drawn
    assert "Văn phòng · 100%" in drawn
    assert status_chart([]).description == "Chưa có nhiệm vụ nào."


def svg_of(page: BeautifulSoup, chart_id: str):
    figure = page.find("figure", id=chart_id)
    assert figure is not None, chart_id
    svg = figure.find("svg", attrs={"role": "img"})
    title_id, desc_id = svg["aria-labelledby"].split()
    assert svg.find("title")["id"] == title_id and svg.find("desc")["id"] == desc_id
    assert figure.find("a", href=True)["href"].startswith("#")  # to the table of its numbers
    assert page.find(id=figure.find("a", href=True)["href"][1:]) is not None
    return svg


def test_tracker_page_shows_the_status_chart_beside_its_table(page: BeautifulSoup):
    svg = svg_of(page, "bieu-do-trang-thai")
    assert svg.find("title").get_text() == "Số nhiệm vụ theo trạng thái sau mỗi cuộc họp"
    rows = [re.match(r"(\S+) · (\d+) nhiệm vụ", t.get_text()).groups() for t in svg.find_all("text")]
    assert [day for day, _ in rows] == list(EXPECTED)
    widest = max(sum(counts) for counts in EXPECTED.values())
    bars = svg.find_all("rect")
    for (day, total), counts in zip(rows, EXPECTED.values(), strict=True):
        assert int(total) == sum(counts)
        assert f"ngày {day}: {total} nhiệm vụ" in svg.find("desc").get_text()
    drawn = [(r["data-status"], int(r["data-count"]), float(r["width"].rstrip("%"))) for r in bars]
    expected = [(status, n) for counts in EXPECTED.values() for status, n in zip(ACTION_ITEM_STATUSES, counts,
                                                                                  strict=True) if n]
    assert [(s, n) for s, n, _ in drawn] == expected
    assert all(abs(width - 100 * n / widest) < 0.01 for _, n, width in drawn)
    table = page.find("caption", id="qua-cac-cuoc-hop-bang").find_parent("table")
    cells = [[td.get_text() for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]
    assert cells == [[*map(str, counts), str(sum(counts))] for counts in EXPECTED.values()]


def test_tracker_page_shows_progress_per_unit_beside_the_unit_table(page: BeautifulSoup):
    svg = svg_of(page, "bieu-do-don-vi")
    drawn = {r["data-unit"]: int(r["data-progress"]) for r in svg.find_all("rect", attrs={"data-progress": True})}
    assert drawn == UNIT_PROGRESS
    widths = {r["data-unit"]: r["width"] for r in svg.find_all("rect", attrs={"data-progress": True})}
    assert widths == {unit: f"{value}%" for unit, value in UNIT_PROGRESS.items()}
    table = page.find("caption", id="theo-don-vi-bang").find_parent("table")
    shown = {tr.th.get_text(strip=True): tr.find_all("td")[-1].get_text(" ", strip=True)
             for tr in table.tbody.find_all("tr")}  # "65%", shown once in the cell and once in <progress>
    assert {unit: shown[unit].split()[-1] for unit in UNIT_PROGRESS} == {u: f"{v}%" for u, v in UNIT_PROGRESS.items()}


def test_charts_in_chromium_fit_a_phone_and_pass_axe(site: Project, headless_browser):
    with served(site.output) as base:
        assert axe_violations(headless_browser, f"{base}/tracker/", npm_package("axe-core") / "axe.min.js") == []
        phone = Tab(headless_browser, javascript=False, viewport={"width": 360, "height": 740})
        try:
            phone.open(f"{base}/tracker/")
            assert phone.run("document.documentElement.scrollWidth") <= 360
            for chart in ("bieu-do-trang-thai", "bieu-do-don-vi"):
                box = phone.page.locator(f"#{chart} svg[role=img]").bounding_box()
                assert 250 <= box["width"] <= 360 and box["height"] > 100, (chart, box)
            name = phone.page.get_by_role("img", name="Số nhiệm vụ theo trạng thái sau mỗi cuộc họp")
            assert name.count() == 1
        finally:
            phone.close()
