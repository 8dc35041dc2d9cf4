"""The writer's form: every field of a meeting report, rows added, removed and reordered
without a script, updates picked from the tracker, the file the model reads back, and the
preview of the real rendered page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from deskkit import Clone, DeskClient, clone_for, make_remote

from toasoan.desk.workspace import site_rules_at
from toasoan.model import MeetingReport, parse_content_file

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


def test_the_preview_is_the_real_page_in_a_sandbox(writer: Clone) -> None:
    desk = DeskClient(writer)
    article = {"kind": "article", "title": "Lễ tốt nghiệp khoá 15", "date": "2024-07-01 09:00",
               "authors": "Vũ Thị Lan", "category": "Tin tức - Sự kiện", "status": "published",
               "body": "Sáng 1/7/2024, Học viện tổ chức **lễ tốt nghiệp**."}
    desk.follow(desk.post("/viet-bai-moi", article))
    shown = desk.follow(desk.post("/ban-nhap/le-tot-nghiep-khoa-15", {**article, "action": "preview"}))
    frame = re.search(r'<iframe class="preview" title="[^"]*" src="([^"]+)"', shown.get_data(as_text=True))
    assert frame, shown.get_data(as_text=True)
    page = desk.get(frame.group(1))
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"].startswith("sandbox;")
    assert "script-src 'none'" in page.headers["Content-Security-Policy"]
    html = page.get_data(as_text=True)
    assert "Lễ tốt nghiệp khoá 15" in html and "<strong>lễ tốt nghiệp</strong>" in html
    assert desk.get("/ban-nhap/le-tot-nghiep-khoa-15/trang/../../../../etc/passwd").status_code == 404
