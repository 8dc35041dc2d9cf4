"""The gate against hostile branches (issue 25), on real repositories with real keys.

Each hostile scenario is built so that exactly one rule stands in its way: without that
rule the branch would be mergeable (or the approval would count), so the test would fail.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from newsroom import REPO, Newsroom, article

from toasoan.editorial import approvals as a
from toasoan.editorial import cli
from toasoan.editorial.approvals import REQUEST_CHANGES, ApprovalError, approve_submission
from toasoan.editorial.board import (
    BOARD_FILE,
    PEOPLE_FILE,
    POLICY_FILE,
    EditorialBoard,
    parse_members,
    parse_people,
    parse_policy,
)
from toasoan.editorial.ledger import LOCAL_LEDGER
from toasoan.editorial.refs import BranchError, resolve_branch
from toasoan.editorial.report import verdict
from toasoan.editorial.review import APPROVED, CHANGES_REQUESTED, ReviewError, review
from toasoan.git import EMPTY_TREE, Git
from toasoan.text import fold

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


def test_origin_main_is_the_remote_tracking_branch(room: Newsroom, tmp_path: Path, capsys) -> None:
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
    # CI's path: the pull request's branch checked out under its own name, then
    # ``invoke review <branch> --base origin/main`` — a branch named origin/main is refused
    assert cli.review_command(f"origin/{branch}", base="origin/main", root=str(git.root)) == 1
    assert "vừa là nhánh cục bộ" in capsys.readouterr().err


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


# ------------------------------------------------------------------ the ledger cannot be rewritten
def test_a_ledger_rewritten_before_the_last_merge_is_refused(room: Newsroom) -> None:
    """Someone with push rights on the ledger replaces it with a history without the change
    request: the latest merge named a ledger commit the new ledger does not descend from."""
    second = room.submission("gui-duyet/bai-hai",
                             {"content/articles/2024/hai.md": article("Bài thứ hai", "Vũ Thị Lan")})
    room.approve(second, "editor2", kind=REQUEST_CHANGES, note="Thiếu nguồn")
    first = submitted(room)
    room.approve(first, "editor")
    merged = room.merge(first)
    assert merged.merged
    assert f"Review-ledger: {room.sha(LOCAL_LEDGER)}" in room.git.text("log", "-1", "--format=%B", "main")
    room.git.run("update-ref", "-d", LOCAL_LEDGER)  # a fresh ledger, without the change request
    room.approve(second, "editor")
    result = room.review(second)
    assert not result.blocking and result.counted  # alone, the new ledger would let it through
    assert not result.mergeable and "không nối tiếp" in result.problems[0]
    room.git.run("update-ref", "-d", LOCAL_LEDGER)  # no ledger at all: refused just the same
    assert "không nối tiếp" in room.review(second).problems[0]


def test_a_ledger_with_a_merge_commit_is_refused(room: Newsroom) -> None:
    """Two lines of records joined by a merge have no order: the review refuses the ledger."""
    branch = submitted(room)
    room.approve(branch, "editor")
    side = room.sha(LOCAL_LEDGER)
    room.git.run("update-ref", "-d", LOCAL_LEDGER)
    room.approve(branch, "chief")
    main_line = room.sha(LOCAL_LEDGER)
    joined = room.git.text("commit-tree", EMPTY_TREE, "-p", main_line,
                           "-p", side, "-m", "Gộp sổ")
    room.git.run("update-ref", LOCAL_LEDGER, joined)
    result = room.review(branch)
    assert len(result.counted) == 2 and not result.mergeable
    assert "commit hợp nhất" in result.problems[0]


def record(room: Newsroom, branch: str, *, by: str = "editor", kind: str = "approve",
           extra: str = "", roster: str = "main") -> str:
    """A record by ``by``, signed with their own key, every trailer right, plus ``extra`` lines."""
    person = room.people[by]
    lines = [f"Duyệt {branch}", "", f"Approval: {kind}", f"Submission: {branch}",
             f"Approved-tree: {room.git.tree_of(branch)}", f"Base: {room.git.merge_base('main', branch)}",
             f"Roster: {roster if '~' in roster else room.sha(roster)}", f"Reviewer: {person.email}",
             *extra.splitlines()]
    return room.raw_record("\n".join(lines) + "\n", by=by)


def test_a_hand_made_record_counts_when_well_formed(room: Newsroom) -> None:
    branch = submitted(room)
    record(room, branch)
    assert room.review(branch).mergeable


def test_an_approval_checked_against_another_roster_does_not_count(room: Newsroom) -> None:
    """``Roster`` names a commit that is not on the base: continuity cannot be checked from it."""
    branch = submitted(room)
    record(room, branch, roster=forged_roster(room))
    assert problems(room, branch) == {f"approve:{room.people['editor'].email}": a.ELSEWHERE}


@pytest.mark.parametrize("malformed", [
    {"kind": "approved"},
    {"extra": "Reviewer: chief@hvdt.example.vn"},
    {"roster": "main~0"},
])
def test_a_malformed_record_does_not_count(room: Newsroom, malformed: dict) -> None:
    branch = submitted(room)
    record(room, branch, **malformed)
    result = room.review(branch)
    assert [r.problem for r in result.submission.records] == [a.MALFORMED] and not result.mergeable


# ------------------------------------------------------------------ renames and deletions
@pytest.mark.parametrize(("old", "new", "kinds"), [
    ("plugins/demo/__init__.py", "content/data/demo.py", {"code", "content_file"}),
    ("editorial/policy.yml", "content/data/quy-dinh.yml", {"editorial", "code", "content_file"}),
    ("plugins/demo/__init__.py", None, {"code"}),
])
def test_code_moved_into_content_or_deleted_is_code(room: Newsroom, old: str, new: str | None,
                                                    kinds: set[str]) -> None:
    room.branch("gui-duyet/don-dep")
    if new:
        room.git.run("mv", old, new)
    else:
        room.git.run("rm", "--quiet", old)
    room.commit("Dọn dẹp")
    room.switch("main")
    room.approve("gui-duyet/don-dep", "editor")
    result = room.review("gui-duyet/don-dep")
    assert [c.status for c in result.submission.changes] == ["R" if new else "D"]
    assert set(result.submission.changes[0].kinds) == kinds
    assert not result.mergeable  # an editor's approval would do for content; code needs more
    unmet = {r.rule.id for r in result.results if not r.satisfied}
    assert "code" in unmet


# ------------------------------------------------------------------ links into the building machine
@pytest.mark.parametrize("target", ["/etc/hostname", "../../pelicanconf.py"])
def test_a_symbolic_link_in_content_never_merges(room: Newsroom, target: str) -> None:
    """A link would publish whatever it points at on the machine that builds the site."""
    room.branch("gui-duyet/bao-cao")
    (room.root / "content/files").mkdir(parents=True)
    (room.root / "content/files/bao-cao.txt").symlink_to(target)
    room.commit("Gửi duyệt: báo cáo")
    room.switch("main")
    room.approve("gui-duyet/bao-cao", "editor")
    result = room.review("gui-duyet/bao-cao")
    assert [c.path for c in result.submission.changes] == ["content/files/bao-cao.txt"]
    assert not result.mergeable and result.counted  # the approval counts; the link does not pass
    assert any("content/files/bao-cao.txt là liên kết tượng trưng" in p for p in result.problems)
    assert not room.merge("gui-duyet/bao-cao").merged


@pytest.mark.parametrize("path", ["content/articles/2024/tin.html", "content/files/trang.htm",
                                  "content/images/2024/logo.svg", "content/files/x.JS"])
def test_a_file_a_browser_runs_never_merges_from_content(room: Newsroom, path: str) -> None:
    """Pelican would publish it as it is (an HTML article, a static page or picture) on the site's
    own address: a script outside the sanitised Markdown."""
    branch = room.submission("gui-duyet/trang", {path: "<script>alert(document.cookie)</script>\n"})
    room.approve(branch, "editor")
    result = room.review(branch)
    assert result.counted and not result.mergeable
    assert any(p.startswith(f"{path} là loại tệp trình duyệt chạy được") for p in result.problems)


def test_a_pdf_and_a_photo_still_merge(room: Newsroom) -> None:
    branch = room.submission("gui-duyet/tep", {"content/files/2024/quyet-dinh.pdf": "%PDF-1.4\n",
                                               "content/images/2024/anh.jpg": "JPEG"})
    room.approve(branch, "editor")
    assert room.review(branch).problems == []


def test_a_submodule_in_content_never_merges(room: Newsroom) -> None:
    room.branch("gui-duyet/kho-con")
    commit = room.sha("main")
    room.git.run("update-index", "--add", "--cacheinfo", f"160000,{commit},content/files/kho")
    room.git.run("commit", "--quiet", "-m", "Gửi duyệt: kho con", env=room.people["writer"].env)
    room.switch("main")
    room.approve("gui-duyet/kho-con", "editor")
    result = room.review("gui-duyet/kho-con")
    assert not result.mergeable and any("kho con (submodule)" in p for p in result.problems)


def test_gitattributes_in_content_is_code(room: Newsroom) -> None:
    """It changes how git checks the reviewed blobs out for the build (encodings, filters)."""
    branch = room.submission("gui-duyet/thuoc-tinh", {"content/articles/.gitattributes":
                                                      "*.md text eol=crlf\n"})
    room.approve(branch, "editor")
    result = room.review(branch)
    assert result.submission.changes[0].kinds == ("code",) and not result.mergeable


# ------------------------------------------------------------------ authors: real content changes only
def _empty_commit_as_editor(room: Newsroom, branch: str) -> None:
    room.switch(branch)
    room.commit("Ghi chú", "editor", "--allow-empty")
    room.switch("main")


def _foreign_record_as_editor(room: Newsroom, branch: str) -> None:
    """A record-looking empty commit authored as the editor, signed by the outsider."""
    room.switch(branch)
    person, outsider = room.people["editor"], room.people["outsider"]
    message = f"Duyệt\n\nApproval: approve\nReviewer: {person.email}\n"
    signed = room.git.with_config(("gpg.format", "ssh"), ("user.signingkey", str(outsider.key)))
    commit = signed.text("commit-tree", room.git.tree_of("HEAD"), "-p", "HEAD", "-S", "-F", "-",
                         stdin=message.encode(), env=person.env)
    room.git.run("reset", "--quiet", "--hard", commit)
    room.switch("main")


def _same_tree_as_parent_as_editor(room: Newsroom, branch: str) -> None:
    """A commit whose tree is its parent's, made with plumbing (no ``--allow-empty`` needed)."""
    tree = room.git.tree_of(branch)
    commit = room.git.text("commit-tree", tree, "-p", room.sha(branch), "-m", "Không đổi gì",
                           env=room.people["editor"].env)
    room.git.run("update-ref", f"refs/heads/{branch}", commit)


@pytest.mark.parametrize("disqualify", [_empty_commit_as_editor, _foreign_record_as_editor,
                                        _same_tree_as_parent_as_editor])
def test_commits_that_change_nothing_make_no_one_an_author(room: Newsroom, disqualify) -> None:
    branch = submitted(room)
    disqualify(room, branch)
    assert room.git.text("log", "-1", "--format=%ae", branch) == room.people["editor"].email
    room.approve(branch, "editor")  # the genuine approval still counts
    result = room.review(branch)
    assert result.mergeable, problems(room, branch)


def test_a_real_content_commit_makes_its_author_an_author(room: Newsroom) -> None:
    branch = submitted(room)
    room.switch(branch)
    room.write(NEW, article("Bài mới về đào tạo", "Vũ Thị Lan", body="Biên tập viên sửa một câu."))
    room.commit("Sửa câu", by="editor")
    room.switch("main")
    room.approve(branch, "editor")
    assert problems(room, branch) == {f"approve:{room.people['editor'].email}": a.SELF}


# ------------------------------------------------------------------ continuous membership
def _roster_on_main(room: Newsroom, message: str, **change: object) -> None:
    members = [p.entry(**(change if p.handle == "editor" else {}))
               for p in room.people.values() if p.roles is not None]
    room.roster([m for m in members if not m.get("drop")])
    room.commit(message, by="chief")


@pytest.mark.parametrize("change", [{"drop": True}, {"revoked": True}, {"key": "other"}])
def test_an_approval_lapses_when_its_signer_left_the_board_meanwhile(room: Newsroom, change: dict) -> None:
    branch = submitted(room)
    room.approve(branch, "editor")
    if change.get("key"):
        change = {"key": room.people["outsider"].public_key}
    _roster_on_main(room, "Tạm gỡ biên tập viên", **change)
    _roster_on_main(room, "Khôi phục biên tập viên")
    result = room.review(branch)
    assert problems(room, branch) == {f"approve:{room.people['editor'].email}": a.LAPSED}
    assert not result.mergeable
    room.approve(branch, "editor")  # a fresh approval after the restoration counts
    assert room.review(branch).mergeable


# ------------------------------------------------------------------ self-approval by identity
def people_on_main(room: Newsroom, people: list[dict]) -> None:
    room.write("editorial/people.yml", yaml.safe_dump({"people": people}, allow_unicode=True))
    room.commit("Người viết và bút danh", by="maintainer")


def bylined(room: Newsroom, byline: str, by: str = "writer") -> str:
    branch = room.submission("gui-duyet/bai-moi", {NEW: article("Bài mới về đào tạo", byline)}, by=by)
    room.approve(branch, "editor2")  # Lê Thu Phương
    return branch


def self_approved(room: Newsroom, branch: str) -> bool:
    found = problems(room, branch)
    assert list(found) == [f"approve:{room.people['editor2'].email}"]
    return found[f"approve:{room.people['editor2'].email}"] == a.SELF


@pytest.mark.parametrize("registered", [True, False])
def test_a_pen_name_in_people_yml_is_the_members(room: Newsroom, registered: bool) -> None:
    if registered:
        people_on_main(room, [{"name": "Lê Thu Phương", "aliases": ["Lê Phương"]}])
    assert self_approved(room, bylined(room, "Lê Phương")) is registered


@pytest.mark.parametrize("registered", [True, False])
def test_a_pen_name_on_the_roster_is_the_members(room: Newsroom, registered: bool) -> None:
    if registered:
        room.roster([p.entry(**({"aliases": ["Phương Lê"]} if p.handle == "editor2" else {}))
                     for p in room.people.values() if p.roles is not None])
        room.commit("Bút danh của thành viên", by="chief")
    assert self_approved(room, bylined(room, "phuong le")) is registered


@pytest.mark.parametrize("registered", [True, False])
def test_a_commit_from_a_members_other_email_is_theirs(room: Newsroom, registered: bool) -> None:
    if registered:
        people_on_main(room, [{"name": "Lê Thu Phương", "email": "thuphuong.le@thu-rieng.example"}])
    room.people["phuong"] = replace(room.people["writer"], name="Phương", email="thuphuong.le@thu-rieng.example")
    assert self_approved(room, bylined(room, "Vũ Thị Lan", by="phuong")) is registered


@pytest.mark.parametrize(("byline", "author"), [
    ("Thu Phương", True),     # nobody is registered as "Thu Phương": it ends "Lê Thu Phương"
    ("THU PHUONG", True),
    ("Phương", False),        # one word is too little to tell
    ("Thu Phương Anh", False),
])
def test_an_unregistered_byline_that_ends_a_members_name_is_theirs(room: Newsroom, byline: str,
                                                                  author: bool) -> None:
    assert self_approved(room, bylined(room, byline)) is author


@pytest.mark.parametrize(("byline", "author"), [
    ("ThS. Lê Thu Phương", True),             # an academic title before the name
    ("Lê Thu Phương (Phòng Đào tạo)", True),  # a note after it
    ("Lê Thu Phương - Phòng Đào tạo", True),
    ("Lê Thu Phương.", True),
    ("Lê-Thu-Phương", True),
    ("Vũ Thị Lan, Thu Phương", True),         # one name of a list
    ("Vũ Thị Lan và Lê Thu Phương", True),
    ("Lê Thu Phương Anh", False),             # a longer name is someone else's
    ("Vũ Thị Lan", False),
])
def test_a_byline_with_a_title_or_in_a_list_is_the_members(room: Newsroom, byline: str, author: bool) -> None:
    assert self_approved(room, bylined(room, byline)) is author


def test_a_byline_registered_to_someone_else_is_not_the_members(room: Newsroom) -> None:
    people_on_main(room, [{"name": "Trần Thu Phương", "aliases": ["Thu Phương"]}])
    assert not self_approved(room, bylined(room, "Thu Phương"))


def test_people_are_read_from_the_base(room: Newsroom) -> None:
    """A branch that drops the alias from people.yml is still judged by the base's people."""
    people_on_main(room, [{"name": "Lê Thu Phương", "aliases": ["Lê Phương"]}])
    room.branch("gui-duyet/bai-moi")
    room.write(NEW, article("Bài mới về đào tạo", "Lê Phương"))
    room.git.run("rm", "--quiet", "editorial/people.yml")
    room.commit("Bài mới")
    room.switch("main")
    room.approve("gui-duyet/bai-moi", "editor2")
    assert self_approved(room, "gui-duyet/bai-moi")


def test_bylines_resolve_by_identity() -> None:
    """The rules on their own: name, alias, e-mail, and the cautious trailing-name reading."""
    board = EditorialBoard(
        parse_members("members:\n  - {name: Ngô Thị Hồng Nhung, email: nhung@x.vn, roles: [editor], key: k1}\n"
                      "  - {name: Lê Thu Phương, email: phuong@x.vn, roles: [editor], key: k2}\n"),
        parse_policy((REPO / POLICY_FILE).read_bytes()),
        people=parse_people("people:\n  - {name: Lê Thu Phương, aliases: [Thu Phương, TP], email: tp@y.vn}\n"))
    nhung, phuong = board.members
    assert board.is_author(nhung, {"Hồng Nhung"}, set())
    assert board.is_author(nhung, {"ngo thi hong nhung"}, set())
    assert not board.is_author(nhung, {"Nhung"}, set())
    assert not board.is_author(nhung, {"Thu Phương"}, set())
    assert board.is_author(phuong, {"TP"}, set()) and board.is_author(phuong, set(), {"TP@y.vn"})
    assert not board.is_author(phuong, {"Hồng Nhung"}, set())


def test_shipped_people_map_the_sample_bylines_explicitly() -> None:
    board = EditorialBoard(parse_members((REPO / BOARD_FILE).read_bytes()),
                           parse_policy((REPO / POLICY_FILE).read_bytes()),
                           people=parse_people((REPO / PEOPLE_FILE).read_bytes()))
    phuong = next(m for m in board.members if m.name == "Lê Thu Phương")
    names, _ = board.identity(phuong)
    assert fold("Thu Phương") in names  # by the data, not by the trailing-name fallback
    assert board.is_author(phuong, {"Thu Phương"}, set())


def test_approving_in_a_clone_continues_the_remotes_ledger(room: Newsroom, tmp_path: Path) -> None:
    """With base ``origin/main`` the local ledger first catches up with the remote's; a local
    ledger that went its own way is refused, not merged."""
    branch = submitted(room)
    room.approve(branch, "editor2", kind=REQUEST_CHANGES, note="Thiếu nguồn")
    git = clone(room, tmp_path / "clone")
    remote_ledger = room.sha(LOCAL_LEDGER)
    done = approve_submission(git, f"origin/{branch}", "origin/main", key=room.people["editor"].key)
    assert git.text("rev-parse", f"{done.commit}^") == remote_ledger
    assert done.review.state == CHANGES_REQUESTED  # the change request came along
    git.run("update-ref", "-d", LOCAL_LEDGER)  # base main tracks origin/main: the same catch-up
    again = approve_submission(git, f"origin/{branch}", "main", key=room.people["editor"].key)
    assert git.text("rev-parse", f"{again.commit}^") == remote_ledger
    git.run("update-ref", LOCAL_LEDGER, git.text("commit-tree", EMPTY_TREE, "-m", "Sổ khác"))
    with pytest.raises(ApprovalError, match="đã rẽ khỏi origin/ban-bien-tap/so-duyet"):
        approve_submission(git, f"origin/{branch}", "origin/main", key=room.people["editor"].key)


def _merge_main_as_editor(room: Newsroom, branch: str, *, evil: bool) -> None:
    """Main moves on; the branch takes it in with a merge authored as the editor (``evil``: the
    merge also edits the article)."""
    room.write("content/articles/2024/khac.md", article("Một bài khác", "Vũ Thị Lan"))
    room.commit("Bài khác đã vào main", by="chief")
    room.switch(branch)
    room.git.run("merge", "--quiet", "--no-ff", "--no-commit", "main")
    if evil:
        room.write(NEW, article("Bài mới về đào tạo", "Vũ Thị Lan", body="Sửa lén trong commit hợp nhất."))
    room.commit("Hợp nhất main", "editor")
    room.switch("main")


@pytest.mark.parametrize("evil", [False, True])
def test_a_merge_makes_its_author_an_author_only_for_what_it_changes_itself(room: Newsroom,
                                                                           evil: bool) -> None:
    branch = submitted(room)
    _merge_main_as_editor(room, branch, evil=evil)
    assert len(room.git.text("log", "-1", "--format=%P", branch).split()) == 2
    room.approve(branch, "editor")
    assert problems(room, branch) == {f"approve:{room.people['editor'].email}": a.SELF if evil else None}


def test_a_branch_without_changes_is_refused_in_one_plain_sentence(room: Newsroom) -> None:
    room.branch("gui-duyet/rong")
    room.switch("main")
    said = verdict(review(room.git, "gui-duyet/rong", "main"))
    assert said == "CHƯA ĐƯỢC HỢP NHẤT: nhánh không có thay đổi nào so với nhánh gốc."
