"""What a state body's site carries, read from a real build of the sample content:
Giới thiệu (functions, organisation chart, leadership), the main menu, the footer."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from sitekit import Project, make_project
from toasoan.build import build_site, load_settings


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Project:
    project = make_project(tmp_path_factory.mktemp("state") / "site", sample_content=True)
    settings = project.root / "pelicanconf.py"
    plugins = [p for p in load_settings(settings)["PLUGINS"] if p != "search_index"]  # search: own tests
    result = build_site(settings, OUTPUT_PATH=str(project.output), PLUGINS=plugins)
    assert result.ok, (result.error, result.findings)
    return project


def html(project: Project, url: str) -> BeautifulSoup:
    return BeautifulSoup((project.output / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_gioi_thieu_has_functions_organisation_chart_and_leadership(sample: Project):
    page = html(sample, "gioi-thieu")
    headings = [h.get_text(strip=True) for h in page.find(class_="prose").find_all(["h2", "h3"])]
    assert headings[:4] == ["Chức năng, nhiệm vụ", "Cơ cấu tổ chức", "Sơ đồ tổ chức", "Lãnh đạo Học viện"]
    chart = page.find(id="so-do-to-chuc").find_next_sibling()
    assert chart.name == "ul"  # a nested list: screen readers announce every level
    top = chart.find("li", recursive=False)
    assert top.strong.get_text() == "Ban Giám đốc Học viện"
    groups = top.ul.find_all("li", recursive=False)
    assert [g.strong.get_text() for g in groups] == ["Các phòng chức năng", "Các đơn vị chuyên môn",
                                                      "Các ban giúp việc"]
    assert "Trung tâm Thông tin - Thư viện" in [li.get_text() for li in groups[1].ul.find_all("li")]
    leaders = page.find(id="lanh-ao-hoc-vien").find_next_sibling("table")
    assert [th.get_text() for th in leaders.thead.find_all("th")] == ["Chức vụ", "Họ và tên", "Lĩnh vực phụ trách"]
    assert "PGS.TS. Trần Trung" in leaders.tbody.get_text()


def test_organisation_chart_is_styled_by_its_heading_id(sample: Project):
    css = (sample.output / "theme/css/main.css").read_text(encoding="utf-8")
    assert "#so-do-to-chuc + ul" in css


def test_main_menu_shows_the_sections(sample: Project):
    nav = [a.get_text(strip=True) for a in html(sample, "").find("nav", class_="site-nav").find_all("a")]
    for section in ("Trang chủ", "Giới thiệu", "Tin tức - Sự kiện", "Thông báo", "Liên hệ"):
        assert section in nav, section
    assert nav.index("Giới thiệu") < nav.index("Tin tức - Sự kiện") < nav.index("Liên hệ") == len(nav) - 1


def test_footer_names_the_responsible_unit_and_contacts(sample: Project):
    footer = html(sample, "lien-he").body.find("footer", recursive=False)
    facts = dict(zip([dt.get_text() for dt in footer.find_all("dt")], [dd.get_text(" ", strip=True)
                                                                      for dd in footer.find_all("dd")],
                     strict=True))
    assert facts["Cơ quan chủ quản"] == "Học viện Dân tộc, Ủy ban Dân tộc"
    assert facts["Chịu trách nhiệm nội dung"] == "Trung tâm Thông tin - Thư viện, Học viện Dân tộc"
    assert facts["Địa chỉ"] and facts["Điện thoại"] and facts["Thư điện tử"] == "bbt@hvdt.example.vn"
    assert "Người chịu trách nhiệm" not in facts  # RESPONSIBLE_PERSON is None in the sample
