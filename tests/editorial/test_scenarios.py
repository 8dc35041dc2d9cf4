"""Acceptance scenarios of the editorial review (issue 4) on real repositories and keys.

Each refused scenario is built so that exactly one rule stands in its way: remove that rule
and the branch would become mergeable, so the test would fail.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest
from newsroom import Newsroom, article, meeting

from toasoan.editorial import approvals as a
from toasoan.editorial.approvals import REQUEST_CHANGES
from toasoan.editorial.ledger import review_message
from toasoan.editorial.report import format_review
from toasoan.editorial.review import (
    ACTION_ITEMS,
    APPROVED,
    CHANGES_REQUESTED,
    CODE,
    EDITED_ARTICLE,
    EDITORIAL,
    MEETING,
    NEW_ARTICLE,
    STALE_APPROVAL,
    Review,
)

NEW = "content/articles/2024/bai-moi.md"
MEETING_FILE = "content/meetings/2024/giao-ban.md"


def new_article(room: Newsroom, author: str = "Vũ Thị Lan", by: str = "writer",
                extra: dict[str, str] | None = None) -> str:
    return room.submission("gui-duyet/bai-moi", {NEW: article("Bài mới về đào tạo", author), **(extra or {})},
                           by=by)


def problems(result: Review) -> dict[str, str | None]:
    """Each record's reviewer and why it does not count (None: it counts)."""
    return {f"{r.kind}:{r.reviewer}": r.problem for r in result.submission.records}


def assert_merged(room: Newsroom, branch: str, reviewers: list[str]) -> None:
    before = room.sha("main")
    result = room.merge(branch)
    assert result.merged, result.refusal
    assert room.git.text("rev-parse", "main^1") == before
    assert room.git.text("rev-parse", "main^2") == room.sha(branch)
    message = room.git.text("log", "-1", "--format=%B", "main")
    for handle in reviewers:
        person = room.people[handle]
        assert f"Reviewed-by: {person.name} <{person.email}>" in message


# ------------------------------------------------------------------ happy paths
def test_article_approved_by_an_editor_merges(room: Newsroom) -> None:
    branch = new_article(room)
    pending = room.review(branch)
    assert [c.kinds for c in pending.submission.changes] == [(NEW_ARTICLE,)]
    assert not pending.mergeable
    assert [m.email for m in pending.results[0].candidates] == [
        room.people[h].email for h in ("chief", "editor", "editor2")]
    room.approve(branch, "editor")
    result = room.review(branch)
    assert result.mergeable and result.state == APPROVED
    assert_merged(room, branch, ["editor"])
    assert (room.root / NEW).is_file()


def test_meeting_report_with_chief_and_editor_merges(room: Newsroom) -> None:
    branch = room.submission("gui-duyet/giao-ban", {MEETING_FILE: meeting(
        [("VP-2024-01", "Rà soát quy chế"), ("VP-2024-02", "Số hoá hồ sơ")])})
    room.approve(branch, "editor")
    room.approve(branch, "chief")
    result = room.review(branch)
    assert result.submission.changes[0].kinds == (MEETING, ACTION_ITEMS)
    assert result.mergeable
    assert_merged(room, branch, ["editor", "chief"])


def test_edit_that_keeps_action_items_is_not_an_action_item_change(room: Newsroom) -> None:
    text = meeting([("VP-2024-01", "Rà soát quy chế")]).replace("Biên bản cuộc họp.", "Biên bản đã sửa.")
    branch = room.submission("gui-duyet/sua-bien-ban", {MEETING_FILE: text})
    assert room.review(branch).submission.changes[0].kinds == (MEETING,)


# ------------------------------------------------------------------ refused scenarios
def self_approval_by_commit(room: Newsroom) -> str:
    branch = new_article(room, author="Vũ Thị Lan", by="editor")
    room.approve(branch, "editor")
    return branch


def self_approval_by_byline(room: Newsroom) -> str:
    branch = new_article(room, author="Trần Văn Đức")
    room.approve(branch, "editor")
    return branch


def non_member(room: Newsroom) -> str:
    branch = new_article(room)
    room.approve(branch, "outsider")
    return branch


def approval_before_new_commit(room: Newsroom) -> str:
    branch = new_article(room)
    room.approve(branch, "editor")
    room.switch(branch)
    room.write(NEW, article("Bài mới về đào tạo", "Vũ Thị Lan", body="Đã thêm một câu sau khi duyệt."))
    room.commit("Sửa sau khi duyệt")
    room.switch("main")
    return branch


def roster_edited_in_branch(room: Newsroom) -> str:
    """The branch makes the outsider chief editor and maintainer, then has them approve."""
    outsider = room.people["outsider"]
    members = [p.entry() for p in room.people.values() if p.roles is not None]
    members.append({**outsider.entry(), "roles": ["chief_editor", "editor", "maintainer"]})
    room.branch("gui-duyet/bai-moi")
    room.write(NEW, article("Bài mới về đào tạo", "Vũ Thị Lan"))
    room.roster(members)
    room.commit("Bài mới và thêm người duyệt")
    room.switch("main")
    room.approve("gui-duyet/bai-moi", "outsider")
    return "gui-duyet/bai-moi"


def plugin_without_maintainer(room: Newsroom) -> str:
    branch = new_article(room, extra={"plugins/demo/__init__.py": "def register():\n    return None\n"})
    room.approve(branch, "editor")
    return branch


def unsigned(room: Newsroom) -> str:
    branch = new_article(room)
    room.approve(branch, "editor", key=None)
    return branch


def forged_with_unknown_key(room: Newsroom) -> str:
    branch = new_article(room)
    room.approve(branch, "outsider", claim="editor")
    return branch


def forged_with_another_members_key(room: Newsroom) -> str:
    branch = new_article(room)
    room.approve(branch, "maintainer", claim="editor")
    return branch


def _change_member_on_main(room: Newsroom, **change: object) -> None:
    members = [p.entry(**(change if p.handle == "editor" else {}))
               for p in room.people.values() if p.roles is not None]
    room.roster([m for m in members if not m.get("drop")])
    room.commit("Cập nhật danh sách Ban biên tập", by="chief")


def member_removed_on_base(room: Newsroom) -> str:
    branch = new_article(room)
    room.approve(branch, "editor")
    _change_member_on_main(room, drop=True)
    return branch


def member_revoked_on_base(room: Newsroom) -> str:
    branch = new_article(room)
    room.approve(branch, "editor")
    _change_member_on_main(room, revoked=True)
    return branch


def meeting_with_one_approval(room: Newsroom) -> str:
    branch = room.submission("gui-duyet/giao-ban", {MEETING_FILE: meeting(
        [("VP-2024-01", "Rà soát quy chế"), ("VP-2024-02", "Số hoá hồ sơ")])})
    room.approve(branch, "chief")
    return branch


def meeting_without_chief(room: Newsroom) -> str:
    branch = room.submission("gui-duyet/giao-ban", {MEETING_FILE: meeting(
        [("VP-2024-01", "Rà soát quy chế"), ("VP-2024-02", "Số hoá hồ sơ")])})
    room.approve(branch, "editor")
    room.approve(branch, "editor2")
    return branch


def changes_requested(room: Newsroom) -> str:
    branch = new_article(room)
    room.approve(branch, "editor2", kind=REQUEST_CHANGES, note="Thiếu nguồn ảnh")
    room.approve(branch, "editor")
    return branch


def content_errors(room: Newsroom) -> str:
    branch = room.submission("gui-duyet/bai-moi", {NEW: article("Bài lỗi", "Vũ Thị Lan").replace(
        "Tin tức - Sự kiện", "Chuyên mục không có")})
    room.approve(branch, "editor")
    return branch


def content_commit_posing_as_approval(room: Newsroom) -> str:
    """A signed ledger commit with every trailer right but a non-empty tree is no approval."""
    branch = new_article(room)
    person = room.people["editor"]
    tree = room.git.tree_of(branch)
    base = room.git.merge_base("main", branch)
    room.raw_record(review_message("approve", branch, tree, base, room.sha("main"), person.email), tree=tree)
    return branch


REFUSED: dict[str, tuple[Callable[[Newsroom], str], str]] = {
    "self approval (commit author)": (self_approval_by_commit, a.SELF),
    "self approval (byline)": (self_approval_by_byline, a.SELF),
    "non-member": (non_member, a.NOT_MEMBER),
    "approval before a new commit": (approval_before_new_commit, a.STALE),
    "roster edited inside the branch": (roster_edited_in_branch, a.NOT_MEMBER),
    "plugin change without maintainer": (plugin_without_maintainer, None),
    "unsigned approval": (unsigned, a.UNSIGNED),
    "forged: unknown key": (forged_with_unknown_key, a.BAD_SIGNATURE),
    "forged: another member's key": (forged_with_another_members_key, a.FORGED),
    "member removed on base": (member_removed_on_base, a.NOT_MEMBER),
    "member revoked on base": (member_revoked_on_base, a.REVOKED),
    "meeting report with one approval": (meeting_with_one_approval, None),
    "meeting report without chief editor": (meeting_without_chief, None),
    "changes requested": (changes_requested, None),
    "content errors": (content_errors, None),
    "content commit posing as approval": (content_commit_posing_as_approval, a.MALFORMED),
}


@pytest.mark.parametrize("name", REFUSED)
def test_refused(room: Newsroom, name: str) -> None:
    build, reason = REFUSED[name]
    result = room.review(build(room))
    assert not result.mergeable
    if reason:
        assert reason in problems(result).values()
        assert not result.counted


@pytest.mark.parametrize("name", REFUSED)
def test_merge_refuses_and_leaves_main_untouched(room: Newsroom, name: str) -> None:
    build, _ = REFUSED[name]
    branch = build(room)
    before = room.sha("main"), room.git.text("status", "--porcelain"), room.git.text("reflog", "main")
    result = room.merge(branch)
    assert not result.merged and result.refusal
    assert (room.sha("main"), room.git.text("status", "--porcelain"),
            room.git.text("reflog", "main")) == before


# ------------------------------------------------------------------ what makes them pass
def test_plugin_change_passes_with_a_maintainer(room: Newsroom) -> None:
    branch = plugin_without_maintainer(room)
    before = room.review(branch)
    assert {k for c in before.submission.changes for k in c.kinds} == {NEW_ARTICLE, CODE}
    assert [r.rule.id for r in before.results if not r.satisfied] == ["code"]
    room.approve(branch, "maintainer")
    assert room.review(branch).mergeable


def test_meeting_report_needs_a_second_approver(room: Newsroom) -> None:
    branch = meeting_with_one_approval(room)
    result = room.review(branch)
    assert [(r.rule.id, r.missing, r.missing_roles) for r in result.results] == [("meeting_report", 1, ())]
    room.approve(branch, "editor2")
    assert room.review(branch).mergeable


def test_meeting_report_needs_the_chief_editor(room: Newsroom) -> None:
    branch = meeting_without_chief(room)
    result = room.review(branch)
    assert [(r.missing, r.missing_roles) for r in result.results] == [(0, ("chief_editor",))]
    room.approve(branch, "chief")
    assert room.review(branch).mergeable


def test_reapproval_after_new_commit_counts(room: Newsroom) -> None:
    branch = approval_before_new_commit(room)
    assert room.review(branch).state == STALE_APPROVAL
    room.approve(branch, "editor")
    assert room.review(branch).mergeable


def test_change_request_blocks_until_the_same_member_approves(room: Newsroom) -> None:
    branch = changes_requested(room)
    blocked = room.review(branch)
    assert blocked.state == CHANGES_REQUESTED
    assert [r.reviewer for r in blocked.blocking] == [room.people["editor2"].email]
    room.approve(branch, "chief")
    assert not room.review(branch).mergeable
    room.approve(branch, "editor2")
    assert room.review(branch).mergeable


def test_roster_change_needs_chief_editor_and_maintainer(room: Newsroom) -> None:
    branch = roster_edited_in_branch(room)
    result = room.review(branch)
    kinds = {k for c in result.submission.changes for k in c.kinds}
    assert kinds == {NEW_ARTICLE, EDITORIAL, CODE}
    assert {r.rule.id for r in result.results} == {"article", "code", "editorial"}
    outsider = room.people["outsider"]
    key = subprocess.run(["ssh-keygen", "-l", "-f", str(outsider.key)], capture_output=True, text=True,
                         check=True).stdout.split()[1]
    # the reviewers see whom the change seats, and the key to check with that person
    assert result.submission.roster == [f"Thêm: {outsider.name} <{outsider.email}> — Tổng biên tập, "
                                        f"Biên tập viên, Kỹ thuật viên, khoá {key}"]
    assert f"khoá {key}" in format_review(result)
    room.approve(branch, "chief")
    room.approve(branch, "maintainer")
    assert room.review(branch).mergeable


def test_edit_of_existing_article_is_classified_as_edit(room: Newsroom) -> None:
    branch = room.submission("gui-duyet/sua", {"content/articles/2024/khai-giang.md": article(
        "Khai giảng khoá học mới", "Vũ Thị Lan", body="Thêm ảnh và chú thích.")})
    result = room.review(branch)
    assert [c.kinds for c in result.submission.changes] == [(EDITED_ARTICLE,)]
    # the original byline author of an edited article may not approve the edit either
    room.approve(branch, "editor")
    assert room.review(branch).mergeable
    branch2 = room.submission("gui-duyet/sua-2", {"content/articles/2024/hoi-thao.md": article(
        "Hội thảo khoa học", "Trần Văn Đức", body="Bổ sung danh sách đại biểu.")})
    room.approve(branch2, "editor")
    assert problems(room.review(branch2)) == {f"approve:{room.people['editor'].email}": a.SELF}
