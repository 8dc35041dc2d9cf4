"""Every finding code of the content model, with the file, line and field it names."""

from __future__ import annotations

import datetime as dt
import pickle
import pickletools
from pathlib import Path

import pytest

from sitekit import ARTICLE, MEETING, Project
from toasoan import model
from toasoan.checks import check_site
from toasoan.content import read_content
from toasoan.findings import CODES
from toasoan.frontmatter import FieldLines
from toasoan.model import INCOMPLETE, Document, MeetingReport, SiteRules, parse_content_file

HEAD = "title: Tin\ndate: 2019-01-02\nauthor: A\ncategory: Thông báo\n"
DOCUMENT_HEAD = (
    "title: Quyết định ban hành quy chế\nnumber: 47/QĐ-HVDT\nissued: 2019-03-01\n"
    "issuer: Học viện Dân tộc\ndoc_type: Quyết định\nfile: files/qd.pdf\nsummary: Ban hành quy chế\n"
)
MEETING_HEAD = (
    "title: Họp\ndate: 2019-01-02\nauthor: A\n"
    "meeting:\n  date: 2019-01-02 08:00\n  location: Hà Nội\n  chair: B\n  bodies: [Ban]\n"
)


def article(front: str, body: str = "Nội dung.") -> str:
    return f"---\n{front}---\n\n{body}\n"


def item(**fields: object) -> str:
    """One action item in YAML; a field set to None is left out."""
    values = {"id": "CNTT-2019-01", "title": "Việc", "owner": "Văn phòng", "due": "2019-03-01",
              **fields}
    lines = [f"{k}: {v}" for k, v in values.items() if v is not None]
    return "action_items:\n  - " + "\n    ".join(lines) + "\n"


# (code, relpath, file text, field named by the finding, line)
CASES = [
    ("E001", "articles/a.md", b"---\ntitle: \xff\xfe\n---\n", None, None),
    ("E002", "articles/a.md", "Chỉ có nội dung, không có khai báo.\n", None, 1),
    ("E003", "articles/a.md", "---\ntitle: Tin\ndate: [2019\n---\nx\n", "date", 3),
    ("E007", "articles/a.md", "---\ntitle: Tin\n\tdate: 2019-01-01\n---\nx\n", "date", 3),
    ("E007", "meetings/a.md", article(MEETING_HEAD.replace("  location", "\tlocation")), "location", 7),
    ("E008", "articles/a.md", article("title: “Chuyển đổi số: cơ hội”\n" + HEAD[11:]), "title", 2),
    ("E008", "meetings/a.md", article(MEETING_HEAD + "decisions:\n  - ‘Giao việc: Văn phòng’\n"),
     "decisions", 11),
    ("E009", "articles/a.md", article("title: Chuyển đổi số: cơ hội\n" + HEAD[11:]), "title", 2),
    ("E009", "articles/a.md", article(HEAD + "summary: @Học viện\n"), "summary", 6),
    ("E009", "meetings/a.md", article(MEETING_HEAD + "decisions:\n  - Giao Văn phòng: chuẩn bị hạ tầng\n"),
     "decisions", 11),
    ("E009", "articles/a.md", article(HEAD + 'summary: "Đổi mới" là chủ đề\n'), "summary", 6),
    ("W001", "articles/a.md", article("title: “Đổi mới”\n" + HEAD[11:]), "title", 2),
    ("W001", "articles/a.md", article(HEAD + "tags: [CNTT, ‘Đào tạo’]\n"), "tags[1]", 6),
    ("E004", "articles/a.md", "---\n- một\n- hai\n---\nx\n", None, 2),
    ("E005", "articles/a.md", article(HEAD + "title: Lần hai\n"), "title", 6),
    ("E006", "articles/a.md", "   \n", None, 1),
    ("E101", "articles/a.md", article("date: 2019-01-02\nauthor: A\ncategory: Thông báo\n"), "title", 1),
    ("E101", "articles/a.md", article("title: Tin\ndate: 2019-01-02\ncategory: Thông báo\n"), "author", 1),
    ("E102", "articles/a.md", article(HEAD + "tags: {a: 1}\n"), "tags", 6),
    ("E103", "articles/a.md", article(HEAD.replace("2019-01-02", "2019-02-30")), "date", 3),
    ("E103", "articles/a.md", article(HEAD.replace("2019-01-02", "27/12/2018")), "date", 3),
    ("E104", "articles/a.md", article(HEAD.replace("Thông báo", "Tin vắn")), "category", 5),
    ("E105", "articles/a.md", article(HEAD + "status: hidden\n"), "status", 6),
    ("E106", "articles/a.md", article(HEAD + "image: images/a.jpg\n"), "image", 6),
    ("E107", "articles/a.md", article(HEAD + "image: images/khong-co.jpg\nimage_alt: Ảnh\n"), "image", 6),
    ("E108", "articles/a.md", article(HEAD + "slug: Tin Mới!\n"), "slug", 6),
    ("E110", "articles/a.md", article(HEAD + "image_caption: '   '\n"), "image_caption", 6),
    ("E108", "articles/a.md", article(HEAD + "slug: '12'\n"), "slug", 6),
    ("E113", "articles/a.md", article(HEAD, "Viết nội dung chi tiết ở đây."), None, 8),
    ("W101", "articles/a.md", article(HEAD + "titel: Sai chính tả\n"), "titel", 6),
    ("W103", "articles/a.md", article(HEAD.replace("title: Tin", "title: " + "Tin dài " * 30)), "title", 2),
    ("W104", "articles/a.md", article(HEAD + "slug: " + "-".join(["tin"] * 30) + "\n"), "slug", 6),
    ("E112", "documents/a.md", article(DOCUMENT_HEAD.replace("files/qd.pdf", "files/khong-co.pdf")), "file", 7),
    ("E101", "documents/a.md", article(DOCUMENT_HEAD.replace("number: 47/QĐ-HVDT\n", "")), "number", 1),
    ("E101", "documents/a.md", article(DOCUMENT_HEAD.replace("summary: Ban hành quy chế\n", "")), "summary", 1),
    ("E103", "documents/a.md", article(DOCUMENT_HEAD.replace("2019-03-01", "01/03/2019")), "issued", 4),
    ("E105", "documents/a.md", article(DOCUMENT_HEAD.replace("Quyết định", "Tờ trình lạ")), "doc_type", 6),
    ("E307", "articles/a.md", article(HEAD + "image: images/big.jpg\nimage_alt: Ảnh\n"), "image", 6),
    ("W102", "articles/a.md", article(HEAD, body=""), None, 7),
    ("E201", "meetings/a.md", article("title: Họp\ndate: 2019-01-02\nauthor: A\n"), "meeting", 1),
    ("E202", "meetings/a.md", article(MEETING_HEAD + item(id="cntt 1")), "action_items[0].id", 11),
    ("E206", "meetings/a.md", article(MEETING_HEAD + item(due="2018-12-01")), "action_items[0].due", 14),
    ("E207", "meetings/a.md", article(MEETING_HEAD + item(progress=140)), "action_items[0].progress", 15),
    ("E207", "meetings/a.md", article(MEETING_HEAD + item(progress="'40%'")), "action_items[0].progress", 15),
    ("E211", "meetings/a.md", article(MEETING_HEAD + item(owner="Phòng CNTT")), "action_items[0].owner", 13),
    ("E211", "meetings/a.md", article(MEETING_HEAD + item(support="[Phòng Ma]")), "action_items[0].support", 15),
    ("E105", "meetings/a.md", article(MEETING_HEAD + item(priority="urgent")), "action_items[0].priority", 15),
    ("E105", "meetings/a.md", article(MEETING_HEAD + item(status="finished")), "action_items[0].status", 15),
    ("W201", "meetings/a.md", article(MEETING_HEAD + item(status="done", progress=80)),
     "action_items[0].progress", 16),
    ("E101", "meetings/a.md", article(MEETING_HEAD + item(owner=None)), "action_items[0].owner", 11),
]


@pytest.mark.parametrize(("code", "relpath", "text", "field", "line"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_code_names_file_field_and_line(project: Project, code, relpath, text, field, line):
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    (project.content / "images").mkdir(parents=True, exist_ok=True)
    (project.content / "images" / "a.jpg").write_bytes(b"\xff\xd8")
    with (project.content / "images" / "big.jpg").open("wb") as big:  # 10 MB and a byte: too big
        big.truncate(10 * 1024 * 1024 + 1)
    (project.content / "files").mkdir(exist_ok=True)
    (project.content / "files" / "qd.pdf").write_bytes(b"%PDF-1.4\n")
    document, findings = parse_content_file(relpath, raw, project.rules())
    matching = [f for f in findings if f.code == code]
    assert matching, f"expected {code}, got {[(f.code, f.field) for f in findings]}"
    found = matching[0]
    assert found.file == f"content/{relpath}"
    assert found.field == field
    if line is not None:
        assert found.line == line
    assert found.message == found.message.strip() and found.hint
    assert (document is None) == (code in INCOMPLETE)


def test_every_code_is_exercised():
    from test_broken_input import CASES as BROKEN
    from test_docx_import import REFUSALS

    exercised = {case[0] for case in CASES} | {code for _, code, _ in BROKEN.values()} | {"E901"}
    exercised |= {code for _, code, _ in REFUSALS.values()} | {"E405"}  # Nhập từ Word: test_docx_import
    exercised |= {"E010", "E011"}  # files refused in content/: test_output_safety
    tracker_codes = {"W202", "W203"}  # need the tracker's current state: see the tracker's tests
    assert set(CODES) - exercised - tracker_codes == set()


def test_meeting_report_model(project: Project):
    document, findings = parse_content_file("meetings/2018/hop.md", MEETING.lstrip().encode(), project.rules())
    assert findings == []
    assert isinstance(document, MeetingReport)
    assert document.category == "Hội nghị - Hội thảo"
    assert document.slug == "hop-ban-chi-dao-ung-dung-cntt-nam-2018"
    assert document.meeting.date == dt.datetime(2018, 12, 27, 8, 0, tzinfo=document.date.tzinfo)
    assert document.date.utcoffset() == dt.timedelta(hours=7)
    (action,) = document.action_items
    assert (action.id, action.owner, action.support, action.due, action.priority) == (
        "CNTT-2018-01", "Văn phòng", ("Phòng Kế hoạch Tài vụ",), dt.date(2019, 6, 30), "high")


def test_a_pickled_content_file_keeps_every_field_line_in_one_text(project: Project):
    """The content model travels (parse pool, parse cache) with the line of each
    field as one JSON text, and every line reads back as it was parsed."""
    text = article(MEETING_HEAD + item() + "  - id: CNTT-2019-02\n    title: Việc hai\n    owner: Văn phòng\n"
                   "    due: 2019-04-01\n    support: [Phòng Kế hoạch Tài vụ]\n")
    document, _ = parse_content_file("meetings/a.md", text.encode(), project.rules())
    assert len(document.lines) > 15
    restored = pickle.loads(pickle.dumps(document, pickle.HIGHEST_PROTOCOL))
    assert restored.lines == document.lines and restored == document
    assert {path: restored.line(*path) for path in document.lines} == dict(document.lines)
    assert restored.line("action_items", 1, "support", 0) == 19
    one_field = FieldLines({("title",): 2})
    assert opcodes(document.lines) == opcodes(one_field)  # one text, however many fields


def test_a_pickled_meeting_report_has_no_state_to_build_only_its_constructors_arguments(project: Project):
    """Model objects pickle as the arguments of their constructors (``Compact``): a saved
    run loads tens of thousands of them, and every state the unpickler builds an object
    from stays in its memo until the whole run is loaded."""
    text = article(MEETING_HEAD + item() + "updates:\n  - id: CNTT-2018-01\n    status: done\n")
    document, findings = parse_content_file("meetings/a.md", text.encode(), project.rules())
    assert not findings and document.meeting and document.action_items and document.updates
    restored = pickle.loads(pickle.dumps(document, pickle.HIGHEST_PROTOCOL))
    assert restored == document and type(restored) is type(document)
    assert restored.meeting == document.meeting and restored.action_items == document.action_items
    assert "BUILD" not in opcodes(document)


def opcodes(value: object) -> list[str]:
    """The pickle opcodes of ``value``, a text of any length as one."""
    ops = (op.name for op, _, _ in pickletools.genops(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)))
    return ["UNICODE" if name.endswith("UNICODE") else name for name in ops]


def test_nfd_bom_and_crlf_are_accepted(project: Project):
    import unicodedata

    text = "\ufeff" + unicodedata.normalize("NFD", ARTICLE.lstrip()).replace("\n", "\r\n")
    document, findings = parse_content_file("articles/a.md", text.encode(), project.rules())
    assert [f.code for f in findings] == []
    assert document.title == "Học viện khai giảng lớp bồi dưỡng"
    assert unicodedata.is_normalized("NFC", document.body)


def test_author_list_and_comma_tags(project: Project):
    text = article(HEAD.replace("author: A", "author: [Thu Phương, Minh Anh]") + "tags: CNTT, Đào tạo\n")
    document, findings = parse_content_file("articles/a.md", text, project.rules())
    assert findings == []
    assert document.authors == ("Thu Phương", "Minh Anh")
    assert document.tags == ("CNTT", "Đào tạo")


def meeting_file(date: str, body: str) -> str:
    head = MEETING_HEAD.replace("2019-01-02 08:00", date).replace("2019-01-02", date[:10])
    return article(head.replace("title: Họp", f"title: Họp ngày {date[:10]}") + body)


def test_cross_file_codes(project: Project):
    project.add("articles/a.md", article(HEAD))
    project.add("articles/b.md", article(HEAD))
    project.add("meetings/2019/a.md", meeting_file("2019-01-02 08:00", item()))
    project.add("meetings/2019/b.md", meeting_file("2019-02-02 08:00", item(due="2019-04-01")))
    project.add("meetings/2019/c.md", meeting_file(
        "2018-12-01 08:00", "updates:\n  - id: CNTT-2019-01\n    progress: 10\n"
        "  - id: CNTT-2099-01\n    progress: 10\n"))
    _, findings = read_content(project.rules())
    got = {(f.code, f.file, f.line) for f in findings}
    assert ("E109", "content/articles/b.md", 2) in got
    assert ("E203", "content/meetings/2019/b.md", 11) in got
    assert ("E205", "content/meetings/2019/c.md", 11) in got
    assert ("E204", "content/meetings/2019/c.md", 13) in got
    duplicate = next(f for f in findings if f.code == "E203")
    assert "CNTT-2019-02" in duplicate.hint


def test_update_after_the_decision_is_clean(project: Project):
    project.add("meetings/2019/a.md", meeting_file("2019-01-02 08:00", item()))
    project.add("meetings/2019/b.md", meeting_file(
        "2019-02-02 08:00", "updates:\n  - id: CNTT-2019-01\n    status: in_progress\n    progress: 10\n"))
    documents, findings = read_content(project.rules())
    stale = {"W202"}  # the item is open and years old: the tracker's warning, not this test's
    assert [f for f in findings if f.code not in stale] == [] and len(documents) == 2
    assert [f for f in check_site(documents) if f.code not in stale] == []


def test_broken_units_roster_is_a_finding(project: Project):
    from toasoan.model import load_units

    (project.content / "data" / "units.yml").write_text("units: [\n", encoding="utf-8")
    units, findings = load_units(project.content, "data/units.yml")
    assert units == () and [f.code for f in findings] == ["E901"]


def test_error_code_reference_is_up_to_date():
    from sitekit import REPO
    from toasoan.findings import codes_markdown

    written = (REPO / "docs" / "ma-loi.md").read_text(encoding="utf-8")
    assert written == codes_markdown(), "docs/ma-loi.md is stale: run `invoke codes`"


def test_document_model(project: Project):
    (project.content / "files").mkdir(parents=True)
    (project.content / "files" / "qd.pdf").write_bytes(b"%PDF-1.4\n")
    document, findings = parse_content_file("documents/2019/qd.md", article(DOCUMENT_HEAD, body=""),
                                            project.rules())
    assert findings == []
    assert isinstance(document, Document)
    assert (document.number, document.issued, document.issuer, document.doc_type, document.file) == (
        "47/QĐ-HVDT", dt.date(2019, 3, 1), "Học viện Dân tộc", "Quyết định", "files/qd.pdf")
    assert document.slug == "quyet-dinh-ban-hanh-quy-che"


@pytest.mark.parametrize(("source", "kind"), [
    ("articles/2019/x.md", model.ARTICLE), ("meetings/2019/x.md", model.MEETING_REPORT),
    ("pages/lien-he.md", model.PAGE), ("documents/qd-1.md", model.DOCUMENT), ("./articles/x.md", model.ARTICLE),
    ("articles//x.md", model.ARTICLE),
    ("/articles/x.md", None), ("x.md", None), ("images/a.jpg", None), ("", None)])
def test_the_kind_of_a_file_is_read_off_its_top_folder(source: str, kind: str | None):
    assert SiteRules(content_root=Path("/nonexistent"), units=()).kind_of(source) == kind
