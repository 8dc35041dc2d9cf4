"""The gate against hostile branches (issue 25), on real repositories with real keys.

Each hostile scenario is built so that exactly one rule stands in its way: without that
rule the branch would be mergeable (or the approval would count), so the test would fail.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from newsroom import Newsroom, article

from toasoan.editorial import approvals as a
from toasoan.editorial.approvals import REQUEST_CHANGES, ApprovalError, approve_submission
from toasoan.editorial.git import Git
from toasoan.editorial.ledger import LOCAL_LEDGER
from toasoan.editorial.refs import BranchError, resolve_branch
from toasoan.editorial.review import APPROVED, CHANGES_REQUESTED, ReviewError, review

NEW = "content/articles/2024/bai-moi.md"


def submitted(room: Newsroom, author: str = "Vũ Thị Lan", name: str = "gui-duyet/bai-moi") -> str:
    return room.submission(name, {NEW: article("Bài mới về đào tạo", author)})


def problems(room: Newsroom, branch: str, base: str = "main", git: Git | None = None) -> dict[str, str | None]:
    result = review(git or room.git, branch, base)
    return {f"{r.kind}:{r.reviewer}": r.problem for r in result.submission.records}


# ------------------------------------------------------------------ the ledger
def test_records_live_in_the_ledger_not_on_the_branch(room: Newsroom) -> None:
    branch = submitted(room)
    head = room.sha(branch)
    done = approve_submission(room.git, branch, "main", key=room.people["editor"].key)
    assert room.sha(branch) == head  # the writer's branch carries only the writer's commits
    assert room.sha(LOCAL_LEDGER) == done.commit
    assert done.member.email == room.people["editor"].email and done.review.state == APPROVED
    assert room.review(branch).mergeable


def test_change_request_survives_a_rewritten_branch(room: Newsroom) -> None:
    """The writer squashes and force-rewrites the branch: the change request still blocks."""
    branch = submitted(room)
    room.approve(branch, "editor2", kind=REQUEST_CHANGES, note="Thiếu nguồn ảnh")
    room.switch(branch)
    room.git.run("reset", "--quiet", "--hard", "main")
    room.write(NEW, article("Bài mới về đào tạo", "Vũ Thị Lan", body="Viết lại từ đầu."))
    room.commit("Gửi duyệt lại từ đầu")
    room.switch("main")
    room.approve(branch, "editor")
    result = room.review(branch)
    assert result.state == CHANGES_REQUESTED and not result.mergeable
    assert [r.reviewer for r in result.blocking] == [room.people["editor2"].email]
    room.approve(branch, "editor2")  # only its author lifts it, by approving later
    assert room.review(branch).mergeable


def test_change_request_is_lifted_only_by_its_author(room: Newsroom) -> None:
    branch = submitted(room)
    room.approve(branch, "editor2", kind=REQUEST_CHANGES, note="Sai tên đơn vị")
    room.approve(branch, "editor")
    room.approve(branch, "chief")
    assert room.review(branch).state == CHANGES_REQUESTED


# ------------------------------------------------------------------ the base is a branch
def forged_roster(room: Newsroom) -> str:
    """A commit on top of main whose roster makes the outsider an editor (on no branch; the tag
    ``gia-mao`` only carries it into clones)."""
    outsider = room.people["outsider"]
    members = [p.entry() for p in room.people.values() if p.roles is not None]
    room.branch("tam")
    room.roster([*members, {**outsider.entry(), "roles": ["editor", "chief_editor", "maintainer"]}])
    forged = room.commit("Danh sách giả", by="outsider")
    room.switch("main")
    room.git.run("branch", "-D", "tam")
    room.git.run("tag", "gia-mao", forged)
    return forged


def test_a_tag_named_main_does_not_stand_in_for_the_roster(room: Newsroom) -> None:
    branch = submitted(room)
    room.git.run("tag", "main", forged_roster(room))
    room.approve(branch, "outsider")
    assert problems(room, branch) == {f"approve:{room.people['outsider'].email}": a.NOT_MEMBER}
    with pytest.raises(ApprovalError, match="không thuộc thành viên nào"):
        approve_submission(room.git, branch, "main", key=room.people["outsider"].key)


def clone(room: Newsroom, target: Path) -> Git:
    subprocess.run(["git", "clone", "--quiet", f"file://{room.root}", str(target)], check=True)
    git = Git(target)
    git.run("config", "commit.gpgSign", "false")
    return git


def test_origin_main_is_the_remote_tracking_branch(room: Newsroom, tmp_path: Path) -> None:
    """In a reviewer's clone (CI's ``--base origin/main``): a tag ``origin/main`` is ignored,
    a local branch ``origin/main`` makes the name ambiguous and is refused."""
    branch = submitted(room)
    forged = forged_roster(room)
    git = clone(room, tmp_path / "clone")
    room.approve(branch, "outsider")  # recorded in the remote's ledger, fetched by the clone
    git.run("fetch", "--quiet", "origin", "+refs/heads/*:refs/remotes/origin/*")
    git.run("tag", "origin/main", forged)
    assert problems(room, f"origin/{branch}", "origin/main", git) == {
        f"approve:{room.people['outsider'].email}": a.NOT_MEMBER}
    git.run("branch", "origin/main", forged)
    with pytest.raises(ReviewError, match="vừa là nhánh cục bộ"):
        review(git, f"origin/{branch}", "origin/main")
    with pytest.raises(BranchError, match="vừa là nhánh cục bộ"):
        resolve_branch(git, "origin/main")


def test_resolve_branch_accepts_branch_names_only(room: Newsroom, tmp_path: Path) -> None:
    branch = submitted(room)
    git = clone(room, tmp_path / "clone")
    main = room.sha("main")
    for name in ("main", "refs/heads/main"):
        assert resolve_branch(git, name) == resolve_branch(git, "refs/heads/main")
    remote = resolve_branch(git, "origin/main")
    assert (remote.name, remote.ref, remote.sha, remote.remote, remote.short) == (
        "main", "refs/remotes/origin/main", main, "origin", "origin/main")
    assert resolve_branch(git, "refs/remotes/origin/main") == remote
    only_remote = resolve_branch(git, branch)  # no local branch: the one remote that has it
    assert (only_remote.ref, only_remote.name) == (f"refs/remotes/origin/{branch}", branch)
    room.git.run("tag", "chi-la-the", main)
    for name in ("main~1", "main^{tree}", "khong-co", "chi-la-the", "refs/tags/chi-la-the"):
        with pytest.raises(BranchError, match="Không có nhánh"):
            resolve_branch(room.git, name)
