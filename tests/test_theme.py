"""The theme, read from a real Pelican build of a small site in ``tmp_path``."""

from __future__ import annotations

import re
import shutil
import textwrap
from itertools import pairwise
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from toasoan.build.plan import build_site

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "2018/hoc-vien-tong-ket-cong-tac-ung-dung-cntt-nam-2018/index.html"
MEETING = "2018/hoi-nghi-tong-ket-cong-tac-cntt-nam-2018/index.html"
NOTICES = 12  # more than DEFAULT_PAGINATION (10): the category needs two pages

ARTICLE_WITH_IMAGE = """\
---
title: Học viện tổng kết công tác ứng dụng CNTT năm 2018
date: 2018-12-27 11:00
author: [Thu Phương, Minh Anh]
category: Tin tức - Sự kiện
tags: [CNTT, Cổng thông tin]
image: images/2018/hoi-nghi.png
image_alt: Toàn cảnh Hội nghị
image_caption: Toàn cảnh Hội nghị tổng kết công tác ứng dụng CNTT năm 2018
---

Sáng 27/12, Học viện tổ chức Hội nghị tổng kết công tác ứng dụng CNTT năm 2018.
"""

MEETING_2018 = """\
---
title: Hội nghị tổng kết công tác CNTT năm 2018
date: 2018-12-27 15:00
author: Thu Phương
meeting:
  date: 2018-12-27 08:00
  location: Hội trường A, Học viện Dân tộc
  chair: PGS.TS. Trần Trung, Quyền Giám đốc Học viện
  bodies: [Ban chỉ đạo ứng dụng CNTT, Ban biên tập Trang thông tin điện tử]
  attendees: [Lãnh đạo các đơn vị]
decisions:
  - Đầu tư hạ tầng và phần mềm cho các đơn vị.
  - Tập huấn CNTT cho cán bộ.
  - Ưu tiên hạ tầng & phần mềm có chi phí < 2 tỷ đồng.
action_items:
  - id: CNTT-2018-01
    title: Đầu tư hạ tầng và phần mềm cho các đơn vị
    owner: Văn phòng
    support: [Phòng Kế hoạch Tài vụ]
    due: 2019-06-30
    priority: high
    status: open
    progress: 0
  - id: CNTT-2018-02
    title: Tập huấn CNTT cho cán bộ, giảng viên
    owner: Phòng Đào tạo
    due: 2019-03-31
    status: in_progress
    progress: 30
---

Hội nghị đánh giá kết quả năm 2018 và giao nhiệm vụ năm 2019.
"""

MEETING_2019 = """\
---
title: Sơ kết công tác CNTT sáu tháng đầu năm 2019
date: 2019-07-11 15:30
author: Thu Phương
meeting:
  date: 2019-07-11 08:30
  location: Hà Nội
  chair: Lãnh đạo Học viện
  bodies: [Ban chỉ đạo ứng dụng CNTT]
updates:
  - id: CNTT-2018-01
    status: blocked
    progress: 40
    due: 2019-12-31
    note: Chờ phân bổ kinh phí.
  - id: CNTT-2018-02
    status: done
    progress: 100
---

Ban chỉ đạo rà soát các nhiệm vụ giao cuối năm 2018.
"""

PAGE = """\
---
title: {title}
---

{title} của Học viện Dân tộc.
"""

# A plugin standing in for the provenance plugin: it sets article.provenance on one article.
PROVENANCE_PLUGIN = """\
import datetime as dt
from types import SimpleNamespace

from pelican import signals


def add(generator):
    for article in generator.articles:
        if article.slug == "thong-bao-01":
            article.provenance = SimpleNamespace(
                approvals=[SimpleNamespace(name="Nguyễn Văn An", role="Tổng biên tập",
                                           date=dt.date(2019, 1, 3))],
                history_url="https://git.example.vn/lich-su/thong-bao-01",
            )


def register():
    signals.article_generator_finalized.connect(add)
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_content(content: Path) -> None:
    """A small site: pages, a captioned article, two meeting reports, many notices."""
    (content / "data").mkdir(parents=True)
    shutil.copy(ROOT / "content/data/units.yml", content / "data/units.yml")
    (content / "images/2018").mkdir(parents=True)
    Image.new("RGB", (64, 36), (165, 14, 14)).save(content / "images/2018/hoi-nghi.png")
    write(content / "pages/gioi-thieu.md", PAGE.format(title="Giới thiệu"))
    write(content / "pages/lien-he.md", PAGE.format(title="Liên hệ"))
    write(content / "articles/2018/tong-ket-cntt.md", ARTICLE_WITH_IMAGE)
    write(content / "meetings/2018/tong-ket-cntt-2018.md", MEETING_2018)
    write(content / "meetings/2019/so-ket-cntt-2019.md", MEETING_2019)
    for n in range(1, NOTICES + 1):
        write(content / f"articles/2019/thong-bao-{n:02}.md", textwrap.dedent(f"""\
            ---
            title: Thông báo số {n} về lịch học
            date: 2019-01-{n:02} 08:00
            author: Văn phòng
            category: Thông báo
            slug: thong-bao-{n:02}
            ---

            Nội dung thông báo số {n}.
            """))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("theme")
    make_content(root / "content")
    write(root / "plugins/fake_provenance/__init__.py", PROVENANCE_PLUGIN)
    result = build_site(
        ROOT / "pelicanconf.py",
        PATH=str(root / "content"),
        OUTPUT_PATH=str(root / "output"),
        THEME=str(ROOT / "theme"),
        PLUGIN_PATHS=[str(ROOT / "plugins"), str(root / "plugins")],
        PLUGINS=["yaml_frontmatter", "content_checks", "site_menu", "fake_provenance"],
    )
    assert result.ok, (result.findings, result.error)
    return root / "output"


def soup(site: Path, relpath: str) -> BeautifulSoup:
    return BeautifulSoup((site / relpath).read_text(encoding="utf-8"), "html.parser")


PAGES = [
    "index.html",
    ARTICLE,
    MEETING,
    "gioi-thieu/index.html",
    "chuyen-muc/thong-bao/index.html",
    "chuyen-muc/thong-bao/trang/2/index.html",
    "chuyen-muc/index.html",
    "the/index.html",
    "the/cntt/index.html",
    "tac-gia/index.html",
    "tac-gia/thu-phuong/index.html",
    "luu-tru/index.html",
    "2019/index.html",
    "404.html",
]


@pytest.mark.parametrize("relpath", PAGES)
def test_every_page_type_has_language_skip_link_landmarks_and_one_h1(site: Path, relpath: str) -> None:
    page = soup(site, relpath)
    assert page.html["lang"] == "vi"
    skip = page.find("a", class_="skip-link")
    assert skip.get_text(strip=True) == "Bỏ qua, đến nội dung chính"
    target = page.find(id=skip["href"].removeprefix("#"))
    assert target is not None and target.name == "main"
    assert page.body.find("header", recursive=False) is not None
    assert page.find("nav", attrs={"aria-label": "Điều hướng chính"}) is not None
    assert page.body.find("footer", recursive=False) is not None
    assert len(page.find_all("main")) == 1
    assert len(page.find_all("h1")) == 1


@pytest.mark.parametrize("relpath", PAGES)
def test_headings_never_skip_a_level(site: Path, relpath: str) -> None:
    levels = [int(h.name[1]) for h in soup(site, relpath).find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in pairwise(levels)), levels


@pytest.mark.parametrize("relpath", PAGES)
def test_no_external_resources(site: Path, relpath: str) -> None:
    page = soup(site, relpath)
    urls = [tag.get("href") for tag in page.find_all("link")]
    urls += [tag.get("src") for tag in page.find_all(["script", "img"])]
    assert urls, "the page loads at least its stylesheet"
    assert not [u for u in urls if u and re.match(r"(https?:)?//", u)]
    assert page.find("script") is None


def test_header_and_footer_name_the_institution_and_contacts(site: Path) -> None:
    page = soup(site, "index.html")
    brand = page.find(class_="brand-link").get_text(" ", strip=True)
    assert "Ủy ban Dân tộc" in brand and "Học viện Dân tộc" in brand
    nav = [a.get_text(strip=True) for a in page.find("nav", class_="site-nav").find_all("a")]
    assert nav[:2] == ["Trang chủ", "Giới thiệu"] and nav[-1] == "Liên hệ"
    assert {"Tin tức - Sự kiện", "Thông báo", "Hội nghị - Hội thảo"} <= set(nav)
    footer = page.find("footer").get_text(" ", strip=True)
    for text in ("Cơ quan chủ quản", "Chịu trách nhiệm nội dung", "Km 13, Đại lộ Thăng Long",
                 "bbt@hvdt.example.vn"):
        assert text in footer
    assert page.find("footer").find("a", href="tel:02400000000") is not None


def test_main_menu_marks_the_current_section(site: Path) -> None:
    def link(relpath: str, text: str):
        return soup(site, relpath).find("nav", class_="site-nav").find("a", string=text)

    on_category = link("chuyen-muc/thong-bao/index.html", "Thông báo")
    assert on_category["aria-current"] == "page"
    in_category = link("2019/thong-bao-03/index.html", "Thông báo")
    assert "aria-current" not in in_category.attrs and in_category["class"] == ["is-section"]
    assert link("gioi-thieu/index.html", "Giới thiệu")["aria-current"] == "page"
    assert link("index.html", "Trang chủ")["aria-current"] == "page"
    assert "aria-current" not in link("trang/2/index.html", "Trang chủ").attrs


def test_home_leads_with_the_newest_story_larger(site: Path) -> None:
    page = soup(site, "index.html")
    cards = page.find(class_="home-news").find_all("article")
    assert "card-lead" in cards[0]["class"]
    assert not any("card-lead" in c["class"] for c in cards[1:])
    assert cards[0].find("a").get_text() == "Sơ kết công tác CNTT sáu tháng đầu năm 2019"
    side = page.find(class_="home-side")
    assert len(side.find_all("li")) == 5


def test_article_page_date_byline_figure_and_tags(site: Path) -> None:
    page = soup(site, "2018/hoc-vien-tong-ket-cong-tac-ung-dung-cntt-nam-2018/index.html")
    assert page.h1.get_text() == "Học viện tổng kết công tác ứng dụng CNTT năm 2018"
    time = page.find("header", class_="entry-header").find("time")
    assert time.get_text() == "Thứ Năm, 27/12/2018"
    assert time["datetime"].startswith("2018-12-27T11:00:00+07:00")
    byline = page.find(class_="byline")
    assert [a.get_text() for a in byline.find_all("a")] == ["Thu Phương", "Minh Anh"]
    figure = page.find("figure", class_="entry-figure")
    img = figure.find("img")
    assert img["alt"] == "Toàn cảnh Hội nghị"
    assert ((site / ARTICLE).parent / img["src"]).resolve() == (site / "images/2018/hoi-nghi.png")
    assert figure.figcaption.get_text() == "Toàn cảnh Hội nghị tổng kết công tác ứng dụng CNTT năm 2018"
    tags = [a.get_text() for a in page.find(class_="tags").find_all("a")]
    assert tags == ["CNTT", "Cổng thông tin"]
    assert page.find(class_="provenance") is None
    assert page.find(class_="meeting-facts") is None


def test_meeting_report_shows_facts_decisions_and_action_items(site: Path) -> None:
    page = soup(site, MEETING)
    facts = page.find(class_="meeting-facts")
    assert facts.h2.get_text() == "Thông tin cuộc họp"
    text = facts.get_text(" ", strip=True)
    assert "Thứ Năm, 27/12/2018, lúc 08:00" in text
    assert "Hội trường A, Học viện Dân tộc" in text and "PGS.TS. Trần Trung" in text
    assert "Ban biên tập Trang thông tin điện tử" in text and "Lãnh đạo các đơn vị" in text
    decisions = page.find(class_="decisions")
    assert decisions.h2.get_text() == "Kết luận"
    items = decisions.find_all("li")
    assert len(items) == 3
    assert items[2].get_text() == "Ưu tiên hạ tầng & phần mềm có chi phí < 2 tỷ đồng."
    assert "hạ tầng &amp; phần mềm có chi phí &lt; 2 tỷ" in (site / MEETING).read_text(encoding="utf-8")

    section = page.find(class_="action-items")
    assert section.h2.get_text() == "Nhiệm vụ được giao"
    region = section.find(class_="table-wrap")
    assert region["role"] == "region" and region["tabindex"] == "0"
    table = region.table
    assert table.caption is not None and region["aria-labelledby"] == table.caption["id"]
    headers = [th.get_text() for th in table.thead.find_all("th")]
    assert headers == ["Mã", "Nội dung", "Đơn vị chủ trì", "Phối hợp", "Hạn", "Ưu tiên",
                       "Trạng thái", "Tiến độ"]
    assert all(th["scope"] == "col" for th in table.thead.find_all("th"))
    first, second = table.tbody.find_all("tr")
    assert first["id"] == "CNTT-2018-01" and first.th["scope"] == "row"
    cells = [td.get_text(" ", strip=True) for td in first.find_all("td")]
    assert cells == ["Đầu tư hạ tầng và phần mềm cho các đơn vị", "Văn phòng",
                     "Phòng Kế hoạch Tài vụ", "30/06/2019", "Cao", "Chưa triển khai", "0%"]
    assert second.find(class_="status").get_text() == "Đang thực hiện"
    assert "Không có" in second.find_all("td")[2].get_text()  # no supporting unit


def test_meeting_report_lists_updates_of_earlier_items(site: Path) -> None:
    page = soup(site, "2019/so-ket-cong-tac-cntt-sau-thang-dau-nam-2019/index.html")
    section = page.find(class_="action-updates")
    assert section.h2.get_text() == "Cập nhật nhiệm vụ từ các cuộc họp trước"
    rows = section.tbody.find_all("tr")
    assert [r.th.get_text() for r in rows] == ["CNTT-2018-01", "CNTT-2018-02"]
    first = [td.get_text(" ", strip=True) for td in rows[0].find_all("td")]
    assert first == ["Vướng mắc", "40%", "31/12/2019", "Chờ phân bổ kinh phí."]
    assert rows[1].find(class_="status").get_text() == "Hoàn thành"
    assert page.find(class_="action-items") is None  # this meeting decided nothing new


def test_provenance_shows_approvals_only_when_a_plugin_sets_them(site: Path) -> None:
    box = soup(site, "2019/thong-bao-01/index.html").find(class_="provenance")
    assert box.h2.get_text() == "Người duyệt"
    assert box.li.get_text(" ", strip=True) == "Nguyễn Văn An , Tổng biên tập – Thứ Năm, 03/01/2019"
    assert box.find("a", string="Lịch sử chỉnh sửa")["href"] == "https://git.example.vn/lich-su/thong-bao-01"
    assert soup(site, "2019/thong-bao-02/index.html").find(class_="provenance") is None


def test_category_listing_is_paginated_in_vietnamese(site: Path) -> None:
    first = soup(site, "chuyen-muc/thong-bao/index.html")
    assert first.h1.get_text() == "Thông báo"
    assert len(first.find(class_="listing").find_all("article")) == 10
    nav = first.find("nav", class_="pagination")
    assert nav.find(class_="page-count").get_text() == "Trang 1/2"
    assert nav.find("a", rel="next").get_text(strip=True) == "Trang sau →"
    assert nav.find("a", rel="next")["href"].endswith("chuyen-muc/thong-bao/trang/2/")
    second = soup(site, "chuyen-muc/thong-bao/trang/2/index.html")
    nav = second.find("nav", class_="pagination")
    assert nav.find(class_="page-count").get_text() == "Trang 2/2"
    assert nav.find("a", rel="prev").get_text(strip=True) == "← Trang trước"
    assert len(second.find(class_="listing").find_all("article")) == NOTICES - 10
    item = second.find(class_="listing").article
    assert item.find(class_="card-summary").get_text() == "Nội dung thông báo số 2."
    assert item.find("time").get_text() == "02/01/2019"


def test_home_pagination_and_single_page_listing(site: Path) -> None:
    assert (site / "trang/2/index.html").is_file()
    assert soup(site, "tac-gia/thu-phuong/index.html").find("nav", class_="pagination") is None


def test_404_page_links_from_the_site_root(site: Path) -> None:
    page = soup(site, "404.html")
    assert page.h1.get_text() == "Không tìm thấy trang"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.find("link", rel="stylesheet")["href"] == "/theme/css/main.css"


def test_stylesheet_is_small_and_has_print_and_focus_rules(site: Path) -> None:
    css = (site / "theme/css/main.css").read_text(encoding="utf-8")
    assert len(css.encode()) < 16_000  # ~4 KB gzipped: base, print, search box, site map, menu, cards
    assert "@media print" in css and ":focus-visible" in css
    assert "@import" not in css and "url(" not in css
