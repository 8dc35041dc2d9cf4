"""What a state body's site carries, read from a real build of the sample content (plus a
draft and a Word document): Giới thiệu (functions, organisation chart, leadership), Văn bản
(listing, one page per document, downloadable files), the main menu, the footer."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from documents.documents import size_label

from sitekit import Project, make_project
from toasoan.build.plan import build_site, load_settings
from toasoan.content import read_content
from toasoan.model import Document
from toasoan.settings import site_rules

SITE = "http://localhost:8000"
WORD_DOCUMENT = """---
title: Công văn về việc cử cán bộ dự tập huấn "Chuyển đổi số"
number: 88/HVDT-VP
issued: 2021-03-02
issuer: Văn phòng Học viện Dân tộc
doc_type: Công văn
summary: Đề nghị các đơn vị cử cán bộ dự lớp tập huấn chuyển đổi số & an toàn thông tin.
file: files/2021/88-hvdt-vp.docx
---
"""
DRAFT_DOCUMENT = """---
title: Dự thảo kế hoạch chuyển đổi số
number: 999/KH-HVDT
issued: 2021-04-01
issuer: Học viện Dân tộc
doc_type: Kế hoạch
summary: Bản dự thảo, chưa ban hành.
file: files/2021/du-thao.pdf
status: draft
---
"""


def word_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>" * 200)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Project:
    project = make_project(tmp_path_factory.mktemp("state") / "site", sample_content=True)
    (project.content / "files/2021").mkdir(parents=True)
    (project.content / "files/2021/88-hvdt-vp.docx").write_bytes(word_file())
    (project.content / "files/2021/du-thao.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    project.add("documents/2021/cong-van-tap-huan.md", WORD_DOCUMENT)
    project.add("documents/2021/du-thao.md", DRAFT_DOCUMENT)
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
    for section in ("Trang chủ", "Giới thiệu", "Tin tức - Sự kiện", "Thông báo", "Văn bản", "Liên hệ"):
        assert section in nav, section
    assert nav.index("Giới thiệu") < nav.index("Tin tức - Sự kiện") < nav.index("Văn bản") < nav.index("Liên hệ")
    assert nav.index("Liên hệ") == len(nav) - 1


def test_footer_names_the_responsible_unit_and_contacts(sample: Project):
    footer = html(sample, "lien-he").body.find("footer", recursive=False)
    facts = dict(zip([dt.get_text() for dt in footer.find_all("dt")], [dd.get_text(" ", strip=True)
                                                                      for dd in footer.find_all("dd")],
                     strict=True))
    assert facts["Cơ quan chủ quản"] == "Học viện Dân tộc, Ủy ban Dân tộc"
    assert facts["Chịu trách nhiệm nội dung"] == "Trung tâm Thông tin - Thư viện, Học viện Dân tộc"
    assert facts["Địa chỉ"] and facts["Điện thoại"] and facts["Thư điện tử"] == "bbt@hvdt.example.vn"
    assert "Người chịu trách nhiệm" not in facts  # RESPONSIBLE_PERSON is None in the sample


# --------------------------------------------------------------------------- Văn bản
def documents(project: Project) -> list[Document]:
    """The published documents, as the content model reads them."""
    rules, _ = site_rules(load_settings(project.root / "pelicanconf.py", PATH=str(project.content)))
    found, _ = read_content(rules)
    return [d for d in found if isinstance(d, Document) and d.is_published]


def resolve(page: str, href: str) -> Path:
    """The output file a relative link on output page ``page`` points at."""
    target = (Path("/") / Path(page).parent / href).resolve().relative_to("/")
    return target / "index.html" if href.endswith("/") else target


def test_listing_shows_every_published_document_newest_first(sample: Project):
    expected = sorted(documents(sample), key=lambda d: d.issued, reverse=True)
    assert len(expected) >= 5  # four sample documents and the Word one; not the draft
    page = html(sample, "van-ban")
    assert page.h1.get_text() == "Văn bản"
    table = page.find("table", class_="documents-table")
    assert [th.get_text() for th in table.thead.find_all("th")] == [
        "Số, ký hiệu", "Ngày ban hành", "Trích yếu", "Cơ quan ban hành", "Tải về"]
    rows = table.tbody.find_all("tr")
    assert [r.th.get_text() for r in rows] == [d.number for d in expected]
    assert "999/KH-HVDT" not in table.get_text()
    for row, document in zip(rows, expected, strict=True):
        date, summary, issuer, download = row.find_all("td")
        assert date.time["datetime"] == document.issued.isoformat()
        assert date.get_text() == document.issued.strftime("%d/%m/%Y")
        assert summary.get_text() == document.summary and issuer.get_text() == document.issuer
        assert sample.output.joinpath(resolve("van-ban/index.html", summary.a["href"])).is_file()
        link = download.a
        file = sample.output / resolve("van-ban/index.html", link["href"])
        assert file.read_bytes() == (sample.content / document.file).read_bytes()
        kind = "Word" if document.file.endswith(".docx") else "PDF"
        assert download.find(class_="meta").get_text() == f"({kind}, {size_label(file.stat().st_size)})"
        assert link.get_text() == f"Tải về văn bản số {document.number}"  # a unique accessible name


def test_each_document_has_its_page_with_facts_and_file(sample: Project):
    for document in documents(sample):
        page = html(sample, f"van-ban/{document.slug}")
        assert page.h1.get_text() == document.title
        facts = page.find("dl", class_="document-facts")
        values = dict(zip([dt.get_text() for dt in facts.find_all("dt")],
                          [dd.get_text(" ", strip=True) for dd in facts.find_all("dd")], strict=True))
        assert values["Số, ký hiệu"] == document.number
        assert values["Ngày ban hành"] == document.issued.strftime("%d/%m/%Y")
        assert values["Cơ quan ban hành"] == document.issuer
        assert values["Loại văn bản"] == document.doc_type
        assert values["Trích yếu"] == document.summary
        assert values["Tệp văn bản"].startswith("Tải về")
        crumbs = [li.get_text(strip=True) for li in page.find("nav", class_="breadcrumb").find_all("li")]
        assert crumbs == ["Trang chủ", "Văn bản", f"Số {document.number}"]
        assert page.find("meta", attrs={"name": "description"})["content"].startswith(
            f"{document.doc_type} số {document.number}")


def test_document_text_is_escaped(sample: Project):
    raw = (sample.output / "van-ban/cong-van-ve-viec-cu-can-bo-du-tap-huan-chuyen-doi-so/index.html").read_text("utf-8")
    assert "chuyển đổi số &amp; an toàn thông tin" in raw
    assert "<h1>Công văn về việc cử cán bộ dự tập huấn &#34;Chuyển đổi số&#34;</h1>" in raw


def test_draft_document_is_neither_listed_nor_indexed(sample: Project):
    pages = [p for p in sample.output.rglob("*.html") if "999/KH-HVDT" in p.read_text(encoding="utf-8")]
    assert pages, "the draft is built for its reviewers"
    assert all(p.relative_to(sample.output).parts[0] == "ban-nhap" for p in pages), pages
    for path in pages:  # wherever it is written, search engines are told to stay away
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex", path
    assert "999/KH-HVDT" not in html(sample, "van-ban").get_text()
    sitemap = (sample.output / "sitemap.xml").read_text(encoding="utf-8")
    assert "du-thao" not in sitemap


def test_sitemap_lists_the_documents(sample: Project):
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root = ElementTree.parse(sample.output / "sitemap.xml").getroot()
    listed = {u.findtext(f"{ns}loc"): u.findtext(f"{ns}lastmod") for u in root.iter(f"{ns}url")}
    assert f"{SITE}/van-ban/" in listed
    for document in documents(sample):
        assert listed[f"{SITE}/van-ban/{document.slug}/"].startswith(document.issued.isoformat())
