"""The editorial commands as people run them: submit, review, approve, merge, queue."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from newsroom import REPO, Newsroom, article

from toasoan.editorial import cli
from toasoan.editorial.ledger import LOCAL_LEDGER
from toasoan.git import EMPTY_TREE

NEW = "content/articles/2024/bai-moi.md"


def run(capsys: pytest.CaptureFixture[str], command, *args, **kwargs) -> tuple[int, str, str]:
    code = command(*args, **kwargs)
    out, err = capsys.readouterr()
    return code, out, err


def submitted(room: Newsroom) -> str:
    return room.submission("gui-duyet/bai-moi", {NEW: article("Bài mới về đào tạo", "Vũ Thị Lan")})


# ------------------------------------------------------------------ submit
def test_submit_creates_a_branch_with_the_writers_changes(room: Newsroom, capsys, monkeypatch) -> None:
    main = room.sha("main")
    room.write(NEW, article("Tuyển sinh đào tạo năm 2024", "Vũ Thị Lan"))
    room.write("content/articles/2024/khai-giang.md", article("Khai giảng khoá học mới", "Vũ Thị Lan",
                                                               body="Thêm lịch học."))
    room.write("ghi-chu.txt", "không thuộc nội dung")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Vũ Thị Lan")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "writer@hvdt.example.vn")
    code, out, _ = run(capsys, cli.submit_command, root=str(room.root))
    assert code == 0
    branch = "gui-duyet/tuyen-sinh-dao-tao-nam-2024"  # named after the new article
    assert room.git.current_branch() == branch
    assert room.sha("main") == main
    assert f"git push -u origin {branch}" in out and "Bước tiếp theo" in out
    changed = room.git.text("diff", "--name-only", "main", branch).split()
    assert changed == ["content/articles/2024/bai-moi.md", "content/articles/2024/khai-giang.md"]
    assert room.git.text("status", "--porcelain") == "?? ghi-chu.txt"
    review = room.review(branch)
    assert {k for c in review.submission.changes for k in c.kinds} == {"new_article", "edited_article"}
    assert room.git.text("log", "-1", "--format=%ae %s", branch) == \
        "writer@hvdt.example.vn Gửi duyệt: Tuyển sinh đào tạo năm 2024"
    # a revision on the same branch: submit again from the branch
    room.write(NEW, article("Tuyển sinh đào tạo năm 2024", "Vũ Thị Lan", body="Sửa theo góp ý."))
    code, out, _ = run(capsys, cli.submit_command, root=str(room.root))
    assert code == 0 and "Đã cập nhật bài gửi duyệt" in out
    assert room.git.text("rev-list", "--count", f"main..{branch}") == "2"


def test_submit_refuses_content_with_errors(room: Newsroom, capsys) -> None:
    room.write(NEW, article("Bài lỗi", "Vũ Thị Lan").replace("Tin tức - Sự kiện", "Không có"))
    code, _, err = run(capsys, cli.submit_command, root=str(room.root))
    assert code == 1
    assert "E104" in err and "Bài còn lỗi" in err
    assert room.git.current_branch() == "main"
    assert room.git.branches() == ["main"]


def test_submit_with_nothing_to_send(room: Newsroom, capsys) -> None:
    code, _, err = run(capsys, cli.submit_command, root=str(room.root))
    assert code == 1 and "Không có thay đổi" in err


# ------------------------------------------------------------------ approve
def test_approve_signs_with_the_members_key(room: Newsroom, capsys) -> None:
    branch = submitted(room)
    key = str(room.people["editor"].key)
    code, out, _ = run(capsys, cli.approve_command, branch, key=key, message="Đạt", root=str(room.root))
    assert code == 0
    assert "Trần Văn Đức" in out and "Đã duyệt, sẵn sàng hợp nhất" in out
    assert "git push origin refs/heads/ban-bien-tap/so-duyet" in out
    trailers = room.git.text("log", "-1", "--format=%(trailers:only)", LOCAL_LEDGER)
    assert f"Reviewer: {room.people['editor'].email}" in trailers
    assert f"Submission: {branch}" in trailers
    assert room.git.text("rev-parse", f"{LOCAL_LEDGER}^{{tree}}") == EMPTY_TREE
    assert room.git.text("rev-list", "--count", f"main..{branch}") == "1"  # the writer's commit only


@pytest.mark.parametrize(("who", "expected"), [("outsider", "không thuộc thành viên nào"),
                                               ("writer", "không thuộc thành viên nào")])
def test_approve_refuses_a_key_outside_the_board(room: Newsroom, capsys, who: str, expected: str) -> None:
    branch = submitted(room)
    head = room.sha(branch)
    code, _, err = run(capsys, cli.approve_command, branch, key=str(room.people[who].key), root=str(room.root))
    assert code == 1 and expected in err
    assert room.sha(branch) == head and room.git.resolve(LOCAL_LEDGER) is None


def test_approve_without_a_key_says_how_to_make_one(room: Newsroom, capsys, tmp_path) -> None:
    branch = submitted(room)
    code, _, err = run(capsys, cli.approve_command, branch, key=str(tmp_path / "khong-co"), root=str(room.root))
    assert code == 1 and "Không có tệp khoá SSH" in err and "ssh-keygen -t ed25519" in err
    assert "No such file" not in err


def test_approve_refuses_self_approval(room: Newsroom, capsys) -> None:
    branch = room.submission("gui-duyet/bai-moi", {NEW: article("Bài của biên tập viên", "Trần Văn Đức")})
    code, _, err = run(capsys, cli.approve_command, branch, key=str(room.people["editor"].key),
                       root=str(room.root))
    assert code == 1 and "không thể tự duyệt" in err


def test_request_changes_needs_a_reason(room: Newsroom, capsys) -> None:
    branch = submitted(room)
    key = str(room.people["chief"].key)
    code, _, err = run(capsys, cli.approve_command, branch, request_changes=True, key=key,
                       root=str(room.root))
    assert code == 1 and "lý do" in err
    code, out, _ = run(capsys, cli.approve_command, branch, request_changes=True, message="Sửa tít",
                       key=key, root=str(room.root))
    assert code == 0 and "Cần chỉnh sửa" in out


# ------------------------------------------------------------------ review and merge
def test_review_formats_and_exit_codes(room: Newsroom, capsys) -> None:
    branch = submitted(room)
    code, out, _ = run(capsys, cli.review_command, branch, fmt="json", root=str(room.root))
    data = json.loads(out)
    assert code == 1 and data["mergeable"] is False and data["state"] == "in_review"
    assert data["rules"][0]["candidates"] == [room.people[h].email for h in ("chief", "editor", "editor2")]
    room.approve(branch, "editor")
    code, out, _ = run(capsys, cli.review_command, branch, fmt="markdown", root=str(room.root))
    assert code == 0
    assert out.startswith("## ✅ Duyệt bài: `gui-duyet/bai-moi`")
    assert "Reviewed-by: Trần Văn Đức <editor@hvdt.example.vn>" in out
    code, out, _ = run(capsys, cli.review_command, branch, root=str(room.root))
    assert code == 0 and "ĐƯỢC HỢP NHẤT" in out


def test_review_of_a_missing_branch(room: Newsroom, capsys) -> None:
    code, _, err = run(capsys, cli.review_command, "khong-co", root=str(room.root))
    assert code == 1 and "Không có nhánh 'khong-co'" in err


def test_merge_command(room: Newsroom, capsys) -> None:
    branch = submitted(room)
    main = room.sha("main")
    code, _, err = run(capsys, cli.merge_command, branch, root=str(room.root))
    assert code == 1 and "Từ chối hợp nhất" in err and room.sha("main") == main
    room.approve(branch, "editor")
    code, out, _ = run(capsys, cli.merge_command, branch, root=str(room.root))
    assert code == 0 and "Đã hợp nhất" in out
    assert room.git.text("rev-list", "--parents", "-1", "main").split()[1:] == [main, room.sha(branch)]
    assert (room.root / NEW).is_file()  # main is checked out: the work tree follows


def test_merge_when_main_moved_on(room: Newsroom, capsys) -> None:
    branch = submitted(room)
    room.approve(branch, "editor")
    room.write("content/articles/2024/khac.md", article("Một bài khác", "Vũ Thị Lan"))
    room.commit("Bài khác đã vào main")
    result = room.merge(branch)
    assert result.merged
    assert {"content/articles/2024/khac.md", NEW} <= set(room.git.text("ls-files").split())


def test_merge_refuses_when_the_merged_tree_is_invalid(room: Newsroom) -> None:
    """Both sides valid alone, together a duplicate slug: main stays as it was."""
    branch = submitted(room)
    room.approve(branch, "editor")
    room.write("content/articles/2024/trung.md", article("Bài mới về đào tạo", "Vũ Thị Lan"))
    room.commit("Bài trùng tên trên main")
    main = room.sha("main")
    result = room.merge(branch)
    assert not result.merged and "E109" in {f.code for f in result.findings}
    assert room.sha("main") == main


# ------------------------------------------------------------------ queue
def test_queue_shows_each_state(room: Newsroom, capsys) -> None:
    room.submission("gui-duyet/cho-duyet", {"content/articles/2024/a.md": article("Bài A", "Vũ Thị Lan")})
    room.submission("gui-duyet/da-duyet", {"content/articles/2024/b.md": article("Bài B", "Vũ Thị Lan")})
    room.approve("gui-duyet/da-duyet", "editor")
    room.submission("gui-duyet/can-sua", {"content/articles/2024/c.md": article("Bài C", "Vũ Thị Lan")})
    room.approve("gui-duyet/can-sua", "chief", kind="request-changes", note="Thiếu ảnh")
    room.submission("gui-duyet/nhap", {"content/articles/2024/d.md": article("Bài D", "Vũ Thị Lan")
                                       .replace("category:", "status: draft\ncategory:")})
    room.submission("gui-duyet/cu", {"content/articles/2024/e.md": article("Bài E", "Vũ Thị Lan")})
    room.approve("gui-duyet/cu", "editor")
    room.switch("gui-duyet/cu")
    room.write("content/articles/2024/e.md", article("Bài E", "Vũ Thị Lan", body="Sửa sau khi duyệt."))
    room.commit("Sửa")
    room.switch("main")
    conflicting(room)
    code, out, _ = run(capsys, cli.queue_command, root=str(room.root))
    assert code == 0
    assert "6 bài gửi duyệt đang mở" in out and "so-duyet" not in out  # never the review ledger
    states = dict(line.split("  [", 1) for line in out.splitlines() if "  [" in line)
    assert {k.strip(): v.rstrip("]") for k, v in states.items()} == {
        "gui-duyet/can-sua": "Cần chỉnh sửa",
        "gui-duyet/cho-duyet": "Đang chờ duyệt",
        "gui-duyet/cu": "Phê duyệt đã cũ (nội dung đổi sau khi duyệt)",
        "gui-duyet/da-duyet": "Đã duyệt, sẵn sàng hợp nhất",
        "gui-duyet/nhap": "Bản nháp",
        "gui-duyet/xung-dot": "Xung đột với nhánh gốc (người gửi cần cập nhật nhánh)",
    }
    assert "Yêu cầu chỉnh sửa của Nguyễn Thị Minh Hằng: chờ người viết sửa" in out


def conflicting(room: Newsroom) -> str:
    """A submission that edits an article main edited differently since: it cannot merge."""
    path = "content/articles/2024/khai-giang.md"
    branch = room.submission("gui-duyet/xung-dot", {path: article("Khai giảng khoá học mới", "Vũ Thị Lan",
                                                                  body="Bản của người viết.")})
    room.write(path, article("Khai giảng khoá học mới", "Vũ Thị Lan", body="Bản đã đăng, sửa trên main."))
    room.commit("Sửa trên main", by="maintainer")
    return branch


def test_review_says_a_branch_conflicts_before_anyone_approves(room: Newsroom, capsys) -> None:
    branch = conflicting(room)
    room.approve(branch, "editor")
    code, out, _ = run(capsys, cli.review_command, branch, root=str(room.root))
    assert code == 1 and "Trạng thái: Xung đột với nhánh gốc" in out
    assert "nhánh xung đột với main ở content/articles/2024/khai-giang.md" in out
    assert not room.merge(branch).merged


def test_a_change_request_is_not_marked_as_an_approval(room: Newsroom, capsys) -> None:
    branch = submitted(room)
    room.approve(branch, "chief", kind="request-changes", note="Thiếu ảnh")
    room.approve(branch, "editor")
    _, out, _ = run(capsys, cli.review_command, branch, root=str(room.root))
    assert "  ✎ Nguyễn Thị Minh Hằng" in out and "  ✔ Trần Văn Đức" in out
    _, out, _ = run(capsys, cli.review_command, branch, fmt="markdown", root=str(room.root))
    assert "- ✋ Nguyễn Thị Minh Hằng" in out and "invoke approve gui-duyet/bai-moi --push" in out


def test_invoke_tasks_are_wired(room: Newsroom) -> None:
    """``invoke review`` from the project's tasks.py, run in the repository being reviewed."""
    branch = submitted(room)
    room.approve(branch, "editor")
    invoke = [sys.executable, "-m", "invoke", "--search-root", str(REPO)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([*invoke, "review", branch, "--format", "json"], cwd=room.root, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["reviewed_by"] == ["Reviewed-by: Trần Văn Đức <editor@hvdt.example.vn>"]
    refused = subprocess.run([*invoke, "merge", "khong-co"], cwd=room.root, env=env,
                             capture_output=True, text=True, check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
