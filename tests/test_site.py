"""Build real sites with Pelican through ``invoke`` and read the HTML, as a visitor would."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup

from sitekit import ARTICLE, MEETING, Project
from toasoan.content import read_content
from toasoan.model import Article, MeetingReport
from toasoan.settings import site_rules

SEED_MEETING = "meetings/2018/tong-ket-cntt-2018.md"


def page(project: Project, url: str) -> BeautifulSoup:
    return BeautifulSoup((project.output / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def article_url(document: Article) -> str:
    return f"{document.date:%Y}/{document.slug}"




def test_sample_site_has_home_seed_meeting_and_every_article(built_sample: Project):
    settings = {"PATH": str(built_sample.content), "ARTICLE_PATHS": ["articles", "meetings"],
                "PAGE_PATHS": ["pages"]}
    rules, problems = site_rules(settings)
    documents, findings = read_content(rules)
    assert problems == [] and [f for f in findings if f.is_error] == []
    articles = [d for d in documents if isinstance(d, Article)]
    assert len(articles) >= 10
    home = BeautifulSoup((built_sample.output / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.html["lang"] == "vi"
    for document in articles:
        written = built_sample.output / article_url(document) / "index.html"
        assert written.is_file() == document.is_published, document.source


def test_seed_meeting_page_shows_vietnamese_date_figure_and_action_items(built_sample: Project):
    rules, _ = site_rules({"PATH": str(built_sample.content)})
    documents, _ = read_content(rules)
    seed = next(d for d in documents if d.source == f"content/{SEED_MEETING}")
    assert isinstance(seed, MeetingReport)
    soup = page(built_sample, article_url(seed))
    text = soup.get_text(" ")
    assert "Thứ Năm, 27/12/2018" in text
    figure = soup.find("figure")
    assert figure is not None and figure.find("img") is not None
    assert figure.find("figcaption").get_text(strip=True)
    assert figure.find("img")["alt"]
    rows = " ".join(row.get_text(" ") for row in soup.find_all("tr"))
    for item in seed.action_items:
        assert item.id in rows and item.owner in rows
    assert 6 <= len(seed.action_items) <= 8


def test_pages_gioi_thieu_and_lien_he(built_sample: Project):
    assert "Giới thiệu" in page(built_sample, "gioi-thieu").get_text()
    assert "Liên hệ" in page(built_sample, "lien-he").get_text()


def broken(kind: str) -> tuple[str, str, str, str]:
    """(file, text, field, code) for three writer mistakes."""
    return {
        "yaml": ("articles/2019/hong.md", "---\ntitle: Tin: hỏng\ndate: 2019-01-01\n---\nx\n", "title", "E009"),
        "title": ("articles/2019/thieu-tieu-de.md",
                  "---\ndate: 2019-01-01\nauthor: A\ncategory: Thông báo\n---\nx\n", "title", "E101"),
        "unit": ("meetings/2018/hop.md", MEETING.replace("owner: Văn phòng", "owner: Phòng CNTT"),
                 "action_items[0].owner", "E211"),
    }[kind]


@pytest.mark.parametrize("kind", ["yaml", "title", "unit"])
def test_check_and_build_refuse_broken_files(project: Project, kind: str):
    project.add("articles/2019/tot.md", ARTICLE)
    assert project.invoke("build").returncode == 0
    before = project.files()
    relpath, text, field, code = broken(kind)
    project.add(relpath, text)

    check = project.invoke("check")
    assert check.returncode == 1
    assert f"content/{relpath}" in check.stdout and code in check.stdout and field in check.stdout
    assert "Gợi ý:" in check.stdout and "lỗi" in check.stdout
    as_json = project.invoke("check", "--format", "json")
    assert as_json.returncode == 1
    records = json.loads(as_json.stdout)
    assert {"file", "line", "field", "code", "severity", "message"} <= set(records[0])
    assert any(r["code"] == code and r["file"] == f"content/{relpath}" for r in records)

    build = project.invoke("build")
    assert build.returncode == 1
    assert code in build.stderr and f"content/{relpath}" in build.stderr
    assert project.files() == before
    for output in (check, as_json, build):
        assert "Traceback" not in output.stdout + output.stderr


def test_new_article_and_meeting_pass_check(project: Project):
    created = project.invoke("new", "article", "Đào tạo bồi dưỡng")
    assert created.returncode == 0, created.stderr
    year = dt.date.today().year
    path = project.content / "articles" / str(year) / "dao-tao-boi-duong.md"
    assert path.is_file()
    assert project.invoke("new", "meeting", "Họp Ban biên tập: quý I").returncode == 0
    assert (project.content / "meetings" / str(year) / "hop-ban-bien-tap-quy-i.md").is_file()
    check = project.invoke("check")
    assert check.returncode == 0, check.stdout
    again = project.invoke("new", "article", "Đào tạo bồi dưỡng")
    assert again.returncode == 1 and "đã có" in again.stderr


def test_a_published_file_keeps_no_sentence_of_the_template(project: Project):
    """``invoke new`` writes sentences to replace: a draft may keep them, a published file may not."""
    assert project.invoke("new", "meeting", "Họp Ban biên tập: quý I").returncode == 0
    path = project.content / "meetings" / str(dt.date.today().year) / "hop-ban-bien-tap-quy-i.md"
    path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: published"), encoding="utf-8")
    check = project.invoke("check")
    assert check.returncode == 1
    left = [line for line in check.stdout.splitlines() if "E113 (lỗi)" in line]
    fields = sorted(line.split()[1] for line in left)
    assert fields == ["-", "action_items[0].title", "decisions[0]", "meeting.chair"], check.stdout  # -: the body
    assert "Thay câu mẫu bằng nội dung thật" in check.stdout
    assert project.invoke("build").returncode != 0  # nothing half-finished is published


def test_drafts_are_not_published(project: Project):
    project.add("articles/2019/tin.md", ARTICLE)
    project.add("articles/2019/nhap.md", ARTICLE.replace("title: Học viện khai giảng",
                                                          "status: draft\ntitle: Bản nháp"))
    assert project.invoke("build").returncode == 0
    assert (project.output / "2019" / "hoc-vien-khai-giang-lop-boi-duong" / "index.html").is_file()
    assert not (project.output / "2019" / "ban-nhap-lop-boi-duong").exists()


def test_second_meeting_of_a_year_gets_the_next_free_item_id(project: Project):
    assert project.invoke("new", "meeting", "Họp lần một").returncode == 0
    assert project.invoke("new", "meeting", "Họp lần hai").returncode == 0
    year = dt.date.today().year
    second = (project.content / "meetings" / str(year) / "hop-lan-hai.md").read_text(encoding="utf-8")
    assert f"id: CNTT-{year}-02" in second
    assert project.invoke("check").returncode == 0


def test_main_menu_reaches_every_section(built_sample: Project):
    home = BeautifulSoup((built_sample.output / "index.html").read_text(encoding="utf-8"), "html.parser")
    menu = {a.get_text(strip=True): a["href"] for a in home.select("nav.site-nav a")}
    for label in ("Trang chủ", "Giới thiệu", "Tin tức - Sự kiện", "Thông báo", "Nhiệm vụ CNTT", "Liên hệ"):
        assert label in menu, label
        target = (built_sample.output / menu[label]).resolve()
        assert (target / "index.html").is_file() or target.is_file(), label
