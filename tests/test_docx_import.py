"""Nhập từ Word: real .docx files made with python-docx, converted, written and checked."""

from __future__ import annotations

import datetime as dt
import functools
import io
import unicodedata
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches
from PIL import Image
from yaml_frontmatter.reader import HtmlRenderer

from sitekit import make_project
from toasoan.build.plan import load_settings
from toasoan.docx_import import MAX_UPLOAD_MB, ImportRefused, import_docx
from toasoan.model import parse_content_file

TITLE_NFD = unicodedata.normalize("NFD", "Học viện tổng kết “Chuyển đổi số” năm 2026")
TWO_LEVELS = f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
<w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
<w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="◦"/></w:lvl>
</w:abstractNum><w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>"""
FOOTNOTES_XML = """<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Theo Quyết định số 47/QĐ-HVDT.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def photo(size: tuple[int, int] = (1200, 800)) -> bytes:
    """A photo-like JPEG made by Pillow."""
    ramp = Image.linear_gradient("L")
    image = Image.merge("RGB", (ramp.resize(size), ramp.rotate(90).resize(size), Image.new("L", size, 120)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def add_link(paragraph, text: str, url: str) -> None:
    """A w:hyperlink to ``url`` (python-docx has no API for it)."""
    rel = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    text_el = OxmlElement("w:t")
    text_el.text = text
    run.append(text_el)
    link.append(run)
    paragraph._p.append(link)


def add_footnote(document, paragraph) -> None:
    """Footnote 1 at the end of ``paragraph``: a footnotes part and a w:footnoteReference run
    (python-docx has no footnote API, so the part is added through its packaging layer)."""
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, FOOTNOTES_XML.encode(), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    run = OxmlElement("w:r")
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), "1")
    run.append(reference)
    paragraph._p.append(run)


@functools.cache
def sample_docx(*, alt: str | None = "Đại biểu dự hội nghị trong phòng họp lớn") -> bytes:
    """The writer's document: Vietnamese (partly NFD, with Word's quotes, no-break and
    zero-width spaces), two headings, lists, a table, a link, a footnote and a photo."""
    document = docx.Document()
    document.add_heading(TITLE_NFD, 1)
    lead = document.add_paragraph("Sáng 27/12/2026,\u00a0Học viện\u200b họp ")
    lead.add_run("tổng kết").bold = True
    lead.add_run(" công tác ")
    lead.add_run("ứng dụng CNTT").italic = True
    lead.add_run(" với “Ban chỉ đạo”.")
    add_footnote(document, lead)
    document.add_heading("Kết quả đạt được", 2)
    document.add_paragraph("Cổng thông tin điện tử", style="List Bullet")
    document.add_paragraph("Thư viện số", style="List Bullet")
    more = document.add_paragraph("Xem chi tiết tại ")
    add_link(more, "trang của Bộ", "https://www.mic.gov.vn/tin-tuc")
    more.add_run(".")
    document.add_heading("Nhiệm vụ năm 2027", 2)
    document.add_paragraph("Nâng cấp hạ tầng mạng", style="List Number")
    document.add_paragraph("Đào tạo cán bộ", style="List Number")
    table = document.add_table(rows=3, cols=2)
    for row, (unit, count) in enumerate([("Đơn vị", "Số máy"), ("Văn phòng", "12"), ("Phòng Đào tạo", "8")]):
        table.cell(row, 0).text = unit
        table.cell(row, 1).text = count
    document.add_picture(io.BytesIO(photo()), width=Inches(4))
    if alt is not None:
        document.inline_shapes[0]._inline.docPr.set("descr", alt)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "site", sample_content=False)


def test_converts_a_word_document_to_a_valid_draft(project):
    result = import_docx(sample_docx(), content_root=project.content, author="Thu Phương",
                         today=dt.date(2026, 12, 27), name="tong-ket.docx")
    assert result.relpath == "articles/2026/hoc-vien-tong-ket-chuyen-doi-so-nam-2026.md"
    text = result.text
    assert unicodedata.is_normalized("NFC", text)
    assert "\u00a0" not in text and "\u200b" not in text
    assert "title: 'Học viện tổng kết \"Chuyển đổi số\" năm 2026'" in text  # straight quotes in front matter
    assert "status: draft" in text and "author: Thu Phương" in text
    body = text.split("---\n", 2)[2]
    assert "Chuyển đổi số" not in body  # the first heading is the title, not a body heading
    assert "Sáng 27/12/2026, Học viện họp **tổng kết** công tác *ứng dụng CNTT* với “Ban chỉ đạo”.[^1]" in body
    assert "[^1]: Theo Quyết định số 47/QĐ-HVDT." in body
    assert "## Kết quả đạt được\n\n- Cổng thông tin điện tử\n- Thư viện số\n" in body
    assert "[trang của Bộ](https://www.mic.gov.vn/tin-tuc)" in body
    assert "## Nhiệm vụ năm 2027\n\n1. Nâng cấp hạ tầng mạng\n2. Đào tạo cán bộ\n" in body
    assert "| Đơn vị | Số máy |\n| --- | --- |\n| Văn phòng | 12 |\n| Phòng Đào tạo | 8 |" in body
    image_path = "images/2026/hoc-vien-tong-ket-chuyen-doi-so-nam-2026-1.jpg"
    assert f"![Đại biểu dự hội nghị trong phòng họp lớn]({image_path})" in body
    assert [rel for rel, _ in result.images] == [image_path]
    assert result.unconverted == []

    assert result.write() == result.path
    with Image.open(project.content / image_path) as written:
        assert (written.format, written.size) == ("JPEG", (1200, 800))
    document, findings = parse_content_file(result.relpath, result.path.read_bytes(), project.rules())
    assert document is not None and document.status == "draft"
    assert document.title == "Học viện tổng kết \"Chuyển đổi số\" năm 2026"
    assert findings == []


def test_missing_alt_text_is_listed_and_left_for_the_check(project):
    result = import_docx(sample_docx(alt=None), content_root=project.content)
    result.write()
    assert any("chưa có mô tả (alt)" in note for note in result.unconverted)
    _, findings = parse_content_file(result.relpath, result.path.read_bytes(), project.rules())
    assert [f.code for f in findings] == ["E305"]


def test_a_second_import_gets_a_free_name_and_overwrites_nothing(project):
    first = import_docx(sample_docx(), content_root=project.content)
    first.write()
    before = first.path.read_bytes()
    second = import_docx(sample_docx(), content_root=project.content, meeting=True)
    assert second.relpath.startswith("meetings/") and second.path.stem.endswith("-2")
    assert "slug: " + second.path.stem in second.text
    second.write()
    report, findings = parse_content_file(second.relpath, second.path.read_bytes(), project.rules())
    assert report is not None and report.kind == "meeting_report" and findings == []
    assert second.images[0][0].endswith("-2-1.jpg")
    again = import_docx(sample_docx(), content_root=project.content)
    again.write()
    assert again.path != first.path and first.path.read_bytes() == before
    # a file that appears between the import and write() is not overwritten either
    third = import_docx(sample_docx(), content_root=project.content)
    third.path.write_text("của người khác", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        third.write()
    assert refused.value.finding.code == "E405"
    assert third.path.read_text(encoding="utf-8") == "của người khác"
    assert not (project.content / third.images[0][0]).exists()


def test_invoke_import_output_passes_invoke_check(project, tmp_path):
    source = tmp_path / "Bài viết.docx"
    source.write_bytes(sample_docx())
    done = project.invoke("import", str(source), "--author", "Thu Phương")
    assert done.returncode == 0, done.stderr
    assert "content/articles/" in done.stdout and "content/images/" in done.stdout
    assert "invoke check" in done.stdout and "invoke submit" in done.stdout
    minutes = project.invoke("import", str(source), "--meeting")
    assert minutes.returncode == 0, minutes.stderr
    assert "content/meetings/" in minutes.stdout and "action_items" in minutes.stdout
    checked = project.invoke("check")
    assert checked.returncode == 0, checked.stdout
    assert "Không có lỗi." in checked.stdout


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _with_member(name: str, data: bytes) -> bytes:
    """The sample document with one more member."""
    with zipfile.ZipFile(io.BytesIO(sample_docx())) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    return _zip({**members, name: data})


REFUSALS = {
    "not a docx": (lambda: "Đây là văn bản thường, không phải Word.".encode(), "E401", "không phải tài liệu Word"),
    "a zip without a document": (lambda: _zip({"word/styles.xml": b"<w:styles/>"}), "E401", "word/document.xml"),
    "an old .doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "E401", "Word 97–2003"),
    "oversized": (lambda: bytes(MAX_UPLOAD_MB * 1024 * 1024 + 1), "E402", "vượt giới hạn 20 MB"),
    "a zip bomb": (lambda: _with_member("word/media/bom.png", bytes(64 * 1024 * 1024)), "E403", "zip bomb"),
    "path traversal in media": (lambda: _with_member("../../evil.png", photo((20, 20))), "E404", "../../evil.png"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refused_uploads_get_a_vietnamese_error_and_write_nothing(project, tmp_path, case):
    make, code, words = REFUSALS[case]
    before = sorted(p.relative_to(project.root) for p in project.root.rglob("*"))
    with pytest.raises(ImportRefused) as refused:
        import_docx(make(), content_root=project.content, name="tai-lieu.docx")
    assert refused.value.finding.code == code
    assert words in refused.value.finding.message
    assert refused.value.finding.hint
    # through the terminal too: the same finding, no traceback, nothing written
    upload = tmp_path / "tai-lieu.docx"
    upload.write_bytes(make())
    done = project.invoke("import", str(upload))
    assert done.returncode == 1
    assert code in done.stderr and "Traceback" not in done.stderr + done.stdout
    assert sorted(p.relative_to(project.root) for p in project.root.rglob("*")) == before


def test_images_are_verified_and_reencoded(project):
    document = docx.Document()
    document.add_heading("Hai ảnh", 1)
    document.add_picture(io.BytesIO(photo((40, 30))))
    logo = io.BytesIO()
    Image.new("RGBA", (2400, 1200), (200, 30, 30, 128)).save(logo, "PNG")
    document.add_picture(io.BytesIO(logo.getvalue()))
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    broken = next(name for name in members if name.startswith("word/media/") and name.endswith(".jpg"))
    members[broken] = b"\xff\xd8\xff not really a jpeg"
    result = import_docx(_zip(members), content_root=project.content, today=dt.date(2026, 1, 5))
    assert [rel for rel, _ in result.images] == ["images/2026/hai-anh-1.png"]  # transparent: PNG
    with Image.open(io.BytesIO(result.images[0][1])) as kept:
        assert (kept.format, kept.size) == ("PNG", (1600, 800))  # at most 1600 px wide
    assert result.text.count("![") == 1
    assert any("Ảnh thứ 1" in note and "không chuyển được" in note for note in result.unconverted)


def test_what_markdown_cannot_hold_is_listed(project):
    document = docx.Document()
    document.add_heading("Định dạng riêng", 1)
    document.add_paragraph("Đoạn có ").add_run("gạch chân").underline = True
    document.styles.add_style("Trích dẫn riêng", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Một đoạn kiểu riêng.", style="Trích dẫn riêng")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Ô gộp"
    contents = OxmlElement("w:hyperlink")  # a table of contents' link to a heading
    contents.set(qn("w:anchor"), "_Toc1")
    contents.append(parse_xml(f'<w:r {nsdecls("w")}><w:t>Mục một</w:t></w:r>'))
    document.add_paragraph()._p.append(contents)
    formula = document.add_paragraph("Diện tích hình tròn: ")
    formula._p.append(parse_xml(f'<m:oMath {nsdecls("m")}><m:r><m:t>πr²</m:t></m:r></m:oMath>'))
    out = io.BytesIO()
    document.save(out)
    result = import_docx(out.getvalue(), content_root=project.content)
    notes = "\n".join(result.unconverted)
    assert "Chữ gạch chân" in notes
    assert "Kiểu đoạn \"Trích dẫn riêng\"" in notes
    assert "Bảng thứ 1 có ô gộp" in notes
    assert [note for note in result.unconverted if "công thức" in note or "oMath" in note] == [
        "Tài liệu có 1 công thức toán; phần này không chuyển được, hãy chụp lại thành ảnh hoặc gõ lại thành chữ."]
    assert "mục lục" in notes and "\nMục một\n" in result.text
    assert "gạch chân" in result.text and "Một đoạn kiểu riêng." in result.text


def test_markdown_special_characters_stay_text(project):
    document = docx.Document()
    document.add_heading("Ký tự đặc biệt", 1)
    document.add_paragraph("# không phải tiêu đề <script>alert(1)</script> a*b_c [x] {: #id} &amp; 1|2")
    document.add_paragraph("1. không phải danh sách")
    document.add_paragraph("- gạch đầu dòng gõ tay")
    numbering = document.part.numbering_part.element  # a two-level bullet list, as Word writes it
    numbering.insert(0, parse_xml(TWO_LEVELS.split("<w:num ")[0]))
    numbering.append(parse_xml("<w:num " + TWO_LEVELS.split("<w:num ")[1]))
    for text, level in (("Ý lớn", 0), ("Ý nhỏ", 1), ("Ý lớn thứ hai", 0)):
        item = document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_numPr()
        item.get_or_add_ilvl().val = level
        item.get_or_add_numId().val = 90
    out = io.BytesIO()
    document.save(out)
    result = import_docx(out.getvalue(), content_root=project.content)
    result.write()
    document_, findings = parse_content_file(result.relpath, result.path.read_bytes(), project.rules())
    assert findings == [] and document_ is not None
    render = HtmlRenderer(load_settings(project.root / "pelicanconf.py"), project.rules())  # the site's reader
    html = render(document_.body, result.relpath)
    assert "<p># không phải tiêu đề &lt;script&gt;alert(1)&lt;/script&gt; a*b_c [x] {: #id} &amp;amp; 1|2</p>" in html
    assert "<p>1. không phải danh sách</p>\n<p>- gạch đầu dòng gõ tay</p>" in html
    assert "<li>Ý lớn<ul>\n<li>Ý nhỏ</li>\n</ul>\n</li>\n<li>Ý lớn thứ hai</li>" in html


def test_footnotes_render_on_the_site(project):
    result = import_docx(sample_docx(), content_root=project.content)
    result.write()
    document, _ = parse_content_file(result.relpath, result.path.read_bytes(), project.rules())
    html = HtmlRenderer(load_settings(project.root / "pelicanconf.py"), project.rules())(document.body, result.relpath)
    assert 'href="#fn:1"' in html and "Theo Quyết định số 47/QĐ-HVDT." in html
    assert 'title="Quay lại chỗ chú thích 1 trong bài"' in html
