"""A submission's whole round through the desk, each person with their own clone of a real
bare remote and their own real SSH key: write, check, submit; request changes (signed with
a passphrase-protected key); fix with one button; approve twice; merge and push. "Bài của
tôi" shows every state on the way — on the writer's machine and, from the shared remote
alone, on another machine of theirs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from deskkit import PASSPHRASE, DeskClient, clone_for, git, make_remote, protect

ARTICLE = {"kind": "article", "title": "Hội thảo chuyển đổi số năm 2024", "date": "2024-06-01 09:00",
           "authors": "Vũ Thị Lan", "category": "", "tags": "Chuyển đổi số, CNTT", "status": "published",
           "body": "Sáng 1/6/2024, Học viện tổ chức hội thảo về chuyển đổi số."}
NAME = "hoi-thao-chuyen-doi-so-nam-2024"
BRANCH = f"gui-duyet/{NAME}"


@pytest.fixture
def remote(tmp_path: Path, people) -> Path:
    return make_remote(tmp_path, people)


def text(response) -> str:
    return response.get_data(as_text=True)


def field_problems(page: str, key: str) -> str:
    match = re.search(rf'<ul class="findings" id="loi-{re.escape(key)}">(.*?)</ul>', page, re.S)
    return match.group(1) if match else ""


def my_state(desk: DeskClient, title: str) -> str:
    """The state "Bài của tôi" shows for ``title`` (and the reviewers' comments under it)."""
    page = text(desk.get("/bai-cua-toi"))
    row = re.search(rf'<li class="row state-([a-z_]+)">\s*<h2>(?:<a [^>]*>)?{re.escape(title)}<.*?</li>', page, re.S)
    assert row, page
    return row.group(0)


def test_a_submission_goes_round_the_desks(tmp_path: Path, people, remote: Path) -> None:
    writer = DeskClient(clone_for(people["writer"], remote, tmp_path))
    elsewhere = DeskClient(clone_for(people["writer"], remote, tmp_path / "may-khac"))  # the writer's other PC
    title = ARTICLE["title"]
    editor_clone = clone_for(people["editor"], remote, tmp_path)
    key = protect(editor_clone)
    editor = DeskClient(editor_clone)
    chief_clone = clone_for(people["chief"], remote, tmp_path)
    chief = DeskClient(chief_clone)

    # The writer: a new article with no category; the finding is shown beside the field.
    page = text(writer.follow(writer.post("/viet-bai-moi", ARTICLE)))
    assert "E101" in field_problems(page, "category")
    assert 'id="f-category"' in page and 'aria-invalid="true"' in page
    refused = writer.post(f"/ban-nhap/{NAME}", {**ARTICLE, "action": "submit"})
    assert refused.status_code == 400
    assert "Bài còn lỗi" in text(refused)
    assert not git(remote, "branch", "--list", BRANCH)
    assert "Chưa gửi duyệt" in my_state(writer, title)
    assert title not in text(elsewhere.get("/bai-cua-toi"))  # a draft stays on its machine
    fixed = {**ARTICLE, "category": "Hội nghị - Hội thảo"}
    page = text(writer.follow(writer.post(f"/ban-nhap/{NAME}", {**fixed, "action": "submit"})))
    assert "Đã gửi duyệt" in page
    assert git(remote, "branch", "--list", BRANCH).strip() == BRANCH
    for desk in (writer, elsewhere):
        assert "Đang chờ duyệt" in my_state(desk, title)

    # The editor: the queue, the submission's diff, a change request signed with a protected key.
    assert "Hội thảo chuyển đổi số năm 2024" in text(editor.get("/hang-cho-duyet"))
    review_page = text(editor.get(f"/bai-gui-duyet?nhanh=origin/{BRANCH}"))
    assert "Phần khai báo" in review_page and "Hội nghị - Hội thảo" in review_page
    assert "Sáng 1/6/2024" in review_page
    wrong = editor.post("/bai-gui-duyet", {"nhanh": f"origin/{BRANCH}", "action": "request-changes",
                                          "note": "Thêm tên diễn giả.", "key": str(key), "passphrase": "sai"})
    assert wrong.status_code == 400
    assert "mật khẩu của khoá không đúng" in text(wrong)
    asked = editor.post("/bai-gui-duyet", {"nhanh": f"origin/{BRANCH}", "action": "request-changes",
                                          "note": "Thêm tên diễn giả chính.", "key": str(key),
                                          "passphrase": PASSPHRASE})
    assert "Cần chỉnh sửa" in text(editor.follow(asked))

    # The writer sees the comment, fixes the article, and submits again with one button.
    for desk in (writer, elsewhere):
        row = my_state(desk, title)
        assert "Cần chỉnh sửa" in row and "Thêm tên diễn giả chính." in row and "Trần Văn Đức" in row
    assert "Sửa bài theo yêu cầu" in my_state(writer, title)
    again = {**fixed, "body": ARTICLE["body"] + "\n\nDiễn giả chính là TS. Nguyễn Văn An.", "action": "submit"}
    assert "Đã gửi duyệt" in text(writer.follow(writer.post(f"/ban-nhap/{NAME}", again)))

    # Two approvals (the editor with the protected key, the chief with a plain one), then the merge.
    review_page = text(editor.get(f"/bai-gui-duyet?nhanh=origin/{BRANCH}"))
    assert "Diễn giả chính là TS. Nguyễn Văn An." in review_page
    approved = editor.post("/bai-gui-duyet", {"nhanh": f"origin/{BRANCH}", "action": "approve",
                                             "key": str(key), "passphrase": PASSPHRASE})
    assert approved.status_code == 303, text(approved)
    chief_key = chief_clone.home / ".ssh" / "id_ed25519"
    approved = chief.post("/bai-gui-duyet", {"nhanh": f"origin/{BRANCH}", "action": "approve", "key": str(chief_key)})
    page = text(chief.follow(approved))
    assert "Đã duyệt, sẵn sàng hợp nhất" in page and "Hợp nhất và đăng" in page
    for desk in (writer, elsewhere):
        assert "Đã duyệt, sẵn sàng hợp nhất" in my_state(desk, title)
    merged = chief.post("/bai-gui-duyet", {"nhanh": f"origin/{BRANCH}", "action": "merge"})
    assert "Đã hợp nhất" in text(chief.follow(merged))
    log = git(remote, "log", "-1", "--format=%B", "main")
    assert "Reviewed-by: Trần Văn Đức" in log and "Reviewed-by: Nguyễn Thị Minh Hằng" in log
    for desk in (writer, elsewhere):
        assert "Đã hợp nhất và đăng" in my_state(desk, title)

    # The passphrase was typed for one signature each time: it is nowhere on disk.
    for folder in (editor_clone.root, editor_clone.home, remote):
        for path in folder.rglob("*"):
            if path.is_file():
                assert PASSPHRASE.encode() not in path.read_bytes(), path
