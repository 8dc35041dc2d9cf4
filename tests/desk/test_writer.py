"""The writer's form: every field of a meeting report and of a Văn bản (with its file), rows
added, removed and reordered without a script, updates picked from the tracker, the file the
model reads back, and the preview of the real rendered page, a draft's included."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from deskkit import Clone, DeskClient, clone_for, git, make_remote

from sitekit import REPO
from toasoan.desk.workspace import site_rules_at
from toasoan.model import DOCUMENT_FIELDS, Document, MeetingReport, parse_content_file

MEETING = {
    "kind": "meeting", "title": "Giao ban CNTT tháng 6", "date": "2024-06-20 15:00", "authors": "Vũ Thị Lan",
    "status": "published", "meeting.date": "2024-06-20 08:00", "meeting.location": "Hà Nội",
    "meeting.chair": "Giám đốc Học viện", "meeting.bodies": "Ban chỉ đạo ứng dụng CNTT",
    "meeting.attendees": "Lãnh đạo các đơn vị, Văn phòng", "body": "Cuộc họp giao ban.",
    "decisions-count": "2", "decisions-0-text": "Kết luận thứ nhất.", "decisions-1-text": "Kết luận thứ hai.",
    "action_items-count": "2",
    "action_items-0-id": "CNTT-2024-02", "action_items-0-title": "Mua máy chủ", "action_items-0-owner": "Văn phòng",
    "action_items-0-due": "2024-12-31", "action_items-0-priority": "high", "action_items-0-status": "open",
    "action_items-0-progress": "0", "action_items-0-support": "",
    "action_items-1-id": "CNTT-2024-03", "action_items-1-title": "Tập huấn", "action_items-1-owner": "Văn phòng",
    "action_items-1-due": "2024-10-31", "action_items-1-priority": "", "action_items-1-status": "",
    "action_items-1-progress": "", "action_items-1-support": "",
    "updates-count": "0",
}


@pytest.fixture
def writer(tmp_path: Path, people) -> Clone:
    return clone_for(people["writer"], make_remote(tmp_path, people), tmp_path)


def values(page: str, name: str) -> list[str]:
    return re.findall(rf'name="{re.escape(name)}" value="([^"]*)"', page)


def test_meeting_rows_are_edited_and_the_model_reads_the_file(writer: Clone) -> None:
    desk = DeskClient(writer)
    page = desk.get("/viet-bai-moi?loai=meeting").get_data(as_text=True)
    for label in ("Ngày giờ họp", "Người chủ trì", "Kết luận 1", "Thêm nhiệm vụ", "Thêm cập nhật tiến độ"):
        assert label in page
    moved = desk.post("/viet-bai-moi", {**MEETING, "op": "up:action_items:1"}).get_data(as_text=True)
    assert values(moved, "action_items-0-id") == ["CNTT-2024-03"]
    assert values(moved, "action_items-1-id") == ["CNTT-2024-02"]
    removed = desk.post("/viet-bai-moi", {**MEETING, "op": "remove:decisions:0"}).get_data(as_text=True)
    assert "Kết luận thứ hai." in removed and "Kết luận thứ nhất." not in removed
    added = desk.post("/viet-bai-moi", {**MEETING, "op": "add:updates"}).get_data(as_text=True)
    assert re.search(r'<option value="CNTT-2024-01">CNTT-2024-01 — Nâng cấp mạng nội bộ', added)

    update = {"updates-count": "1", "updates-0-id": "CNTT-2024-01", "updates-0-status": "in_progress",
              "updates-0-progress": "40", "updates-0-note": "Đã lắp xong tầng 1.", "updates-0-due": ""}
    page = desk.follow(desk.post("/viet-bai-moi", {**MEETING, **update})).get_data(as_text=True)
    check = re.search(r'<section class="check".*?</section>', page, re.S).group(0)
    assert "Không có lỗi nào" in check or "<p class=\"ok\">0 lỗi" in check, check
    draft = writer.root / ".git" / "toasoan" / "ban-lam-viec" / "giao-ban-cntt-thang-6"
    rules, _, _ = site_rules_at(draft)
    source = draft / "content" / "meetings" / "2024" / "giao-ban-cntt-thang-6.md"
    document, findings = parse_content_file("meetings/2024/giao-ban-cntt-thang-6.md", source.read_bytes(), rules)
    assert [f for f in findings if f.is_error] == []
    assert isinstance(document, MeetingReport)
    assert [i.id for i in document.action_items] == ["CNTT-2024-02", "CNTT-2024-03"]
    assert document.action_items[0].priority == "high" and document.action_items[0].progress == 0
    assert document.meeting.attendees == ("Lãnh đạo các đơn vị", "Văn phòng")
    assert document.decisions == ("Kết luận thứ nhất.", "Kết luận thứ hai.")
    assert document.updates[0].id == "CNTT-2024-01" and document.updates[0].progress == 40

    # A unit not on the roster: the model's E211, shown beside the owner of that item.
    wrong = {**MEETING, **update, "action_items-1-owner": "Phòng CNTT", "action": "save"}
    page = desk.follow(desk.post("/ban-nhap/giao-ban-cntt-thang-6", wrong)).get_data(as_text=True)
    assert re.search(r'id="loi-action_items-1-owner">\s*<li class="error"><strong>E211</strong>', page)


def previewed(desk: DeskClient, name: str, form: dict) -> tuple[str, object]:
    """Xem trước of draft ``name`` with ``form``: the framed page's address and the page."""
    shown = desk.follow(desk.post(f"/ban-nhap/{name}", {**form, "action": "preview"}))
    frame = re.search(r'<iframe class="preview" title="[^"]*" src="([^"]+)"', shown.get_data(as_text=True))
    assert frame, shown.get_data(as_text=True)
    page = desk.get(frame.group(1))
    assert page.status_code == 200, frame.group(1)
    return frame.group(1), page


def test_the_preview_is_the_real_page_in_a_sandbox(writer: Clone) -> None:
    desk = DeskClient(writer)
    article = {"kind": "article", "title": "Lễ tốt nghiệp khoá 15", "date": "2024-07-01 09:00",
               "authors": "Vũ Thị Lan", "category": "Tin tức - Sự kiện", "status": "draft",
               "body": "Sáng 1/7/2024, Học viện tổ chức **lễ tốt nghiệp**."}
    desk.follow(desk.post("/viet-bai-moi", article))
    # A draft (status: draft) is built at the draft address (DRAFT_URL), marked as a draft.
    address, page = previewed(desk, "le-tot-nghiep-khoa-15", article)
    assert address.endswith("/trang/ban-nhap/le-tot-nghiep-khoa-15/")
    assert "Lễ tốt nghiệp khoá 15" in page.get_data(as_text=True)
    assert "Bản nháp" in page.get_data(as_text=True)
    address, page = previewed(desk, "le-tot-nghiep-khoa-15", {**article, "status": "published"})
    assert address.endswith("/trang/2024/le-tot-nghiep-khoa-15/")
    assert page.headers["Content-Security-Policy"].startswith("sandbox;")
    assert "script-src 'none'" in page.headers["Content-Security-Policy"]
    html = page.get_data(as_text=True)
    assert "Lễ tốt nghiệp khoá 15" in html and "<strong>lễ tốt nghiệp</strong>" in html
    assert desk.get("/ban-nhap/le-tot-nghiep-khoa-15/trang/../../../../etc/passwd").status_code == 404


DOCUMENT = {"kind": "document", "title": "Quyết định ban hành Quy chế thi đua khen thưởng",
            "number": "25/QĐ-HVDT", "issued": "2024-03-05", "issuer": "Học viện Dân tộc",
            "doc_type": "Quyết định", "summary": "Ban hành Quy chế thi đua, khen thưởng của Học viện.",
            "status": "draft", "slug": "", "body": "Quy chế có hiệu lực từ ngày ký."}
DOC_NAME = "quyet-dinh-ban-hanh-quy-che-thi-dua-khen-thuong"


def test_a_document_form_covers_the_model_and_keeps_its_file(writer: Clone, tmp_path: Path) -> None:
    desk = DeskClient(writer)
    page = desk.get("/viet-bai-moi?loai=document").get_data(as_text=True)
    assert "Đăng văn bản mới" in page and 'enctype="multipart/form-data"' in page
    for name in DOCUMENT_FIELDS:  # every field of the model has its control (the file: an upload)
        assert re.search(rf'name="{"tep" if name == "file" else name}"', page), name
    for kind in ("Quyết định", "Thông báo", "Kế hoạch"):
        assert f'<option value="{kind}">' in page
    pdf = (REPO / "content" / "files" / "2019" / "47-qd-hvdt.pdf").read_bytes()

    # A file that is not what its name says is refused before anything is written.
    refused = desk.post("/viet-bai-moi", {**DOCUMENT, "tep": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "qd.pdf")},
                        content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "không phải tệp văn bản dùng được" in refused.get_data(as_text=True)
    assert not (writer.root / ".git" / "toasoan" / "ban-lam-viec" / DOC_NAME).exists()

    # Without its file the model says E101 beside the upload; with it, the Văn bản is whole.
    page = desk.follow(desk.post("/viet-bai-moi", DOCUMENT)).get_data(as_text=True)
    assert re.search(r'id="loi-file">\s*<li class="error"><strong>E101</strong>', page), page
    saved = desk.post(f"/ban-nhap/{DOC_NAME}", {**DOCUMENT, "action": "save",
                                                "tep": (io.BytesIO(pdf), "Quyết định số 25.pdf")},
                      content_type="multipart/form-data")
    page = desk.follow(saved).get_data(as_text=True)
    assert "Không có lỗi nào" in page, page
    draft = writer.root / ".git" / "toasoan" / "ban-lam-viec" / DOC_NAME
    assert (draft / "content" / "files" / "2024" / "25-qd-hvdt.pdf").read_bytes() == pdf
    rules, _, _ = site_rules_at(draft)
    relpath = f"documents/2024/{DOC_NAME}.md"
    document, findings = parse_content_file(relpath, (draft / "content" / relpath).read_bytes(), rules)
    assert [f for f in findings if f.is_error] == []
    assert isinstance(document, Document)
    assert (document.number, str(document.issued), document.issuer, document.doc_type, document.file) == \
        ("25/QĐ-HVDT", "2024-03-05", "Học viện Dân tộc", "Quyết định", "files/2024/25-qd-hvdt.pdf")
    assert document.summary == DOCUMENT["summary"] and document.status == "draft"

    # Saved again without a new file, the file stays; the preview is the real Văn bản page,
    # at the draft page address while a draft, at van-ban/<slug>/ once published.
    form = {**DOCUMENT, "file": "files/2024/25-qd-hvdt.pdf"}
    address, shown = previewed(desk, DOC_NAME, form)
    assert address.endswith(f"/trang/ban-nhap/trang/{DOC_NAME}/")
    html = shown.get_data(as_text=True)
    assert "25/QĐ-HVDT" in html and DOCUMENT["title"] in html and "25-qd-hvdt.pdf" in html
    address, shown = previewed(desk, DOC_NAME, {**form, "status": "published"})
    assert address.endswith(f"/trang/van-ban/{DOC_NAME}/")
    assert "25/QĐ-HVDT" in shown.get_data(as_text=True)

    # Gửi duyệt sends the Văn bản and its file together.
    sent = desk.post(f"/ban-nhap/{DOC_NAME}", {**form, "status": "published", "action": "submit"})
    assert sent.status_code == 303, sent.get_data(as_text=True)
    files = git(writer.root, "ls-tree", "-r", "--name-only", f"origin/gui-duyet/{DOC_NAME}").splitlines()
    assert f"content/documents/2024/{DOC_NAME}.md" in files and "content/files/2024/25-qd-hvdt.pdf" in files
