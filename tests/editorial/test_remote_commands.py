"""The editorial commands from clones of one bare remote: what each rule of the commands means.

Real repositories: a bare remote made from the newsroom, clones with their own identity,
real ``ssh-keygen`` keys; the commands are the functions ``tasks.py`` calls.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from newsroom import REPO, Newsroom, Person, article

from toasoan.editorial import cli, signers
from toasoan.editorial.ledger import LEDGER_BRANCH, LOCAL_LEDGER
from toasoan.editorial.seat import is_sample
from toasoan.git import Git

NEW = "content/articles/2024/bai-moi.md"
OTHER = "content/articles/2024/bai-khac.md"


def run(capsys: pytest.CaptureFixture[str], command, *args, **kwargs) -> tuple[int, str, str]:
    code = command(*args, **kwargs)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def bare(room: Newsroom, folder: Path) -> Path:
    remote = folder / "may-chu.git"
    room.git.run("clone", "--quiet", "--bare", str(room.root), str(remote))
    return remote


def clone_as(remote: Path, folder: Path, who: Person) -> Git:
    """``git clone`` for one person; their identity is the clone's own (no global config touched)."""
    root = folder / who.handle
    folder.mkdir(parents=True, exist_ok=True)
    Git(folder).run("clone", "--quiet", str(remote), str(root))
    git = Git(root)
    git.run("config", "user.name", who.name)
    git.run("config", "user.email", who.email)
    git.run("config", "commit.gpgSign", "false")
    return git


def write(git: Git, path: str, text: str) -> None:
    target = git.root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def as_person(monkeypatch: pytest.MonkeyPatch, who: Person) -> None:
    """Commands run in the newsroom itself commit as ``who``."""
    for name, value in who.env.items():
        monkeypatch.setenv(name, value)


def send(git: Git, message: str) -> None:
    """Commit everything and push it, as a writer at another computer would with plain git."""
    git.run("add", "--all")
    git.run("commit", "--quiet", "-m", message)
    git.run("push", "--quiet")


def pushed_submission(room: Newsroom, remote: Path, tmp_path: Path, capsys) -> tuple[Git, str]:
    """The writer's clone after ``invoke submit --push`` of a new article; the submission's name."""
    writer = clone_as(remote, tmp_path, room.people["writer"])
    write(writer, NEW, article("Bài mới về đào tạo", "Vũ Thị Lan"))
    code, out, _ = run(capsys, cli.submit_command, root=str(writer.root), push_branch=True)
    assert code == 0 and "Đã đẩy nhánh 'gui-duyet/bai-moi-ve-dao-tao' lên 'origin'" in out
    return writer, "gui-duyet/bai-moi-ve-dao-tao"


@pytest.fixture
def remote(room: Newsroom, tmp_path: Path) -> Path:
    return bare(room, tmp_path)


@pytest.fixture(autouse=True)
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Nobody's global git configuration: the commands must not need or write one."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return home


# ------------------------------------------------------------------ submit
@pytest.mark.parametrize("how", ["git rm", "delete the file"])
def test_submit_a_deletion(room: Newsroom, capsys, monkeypatch, how: str) -> None:
    gone = "content/articles/2024/hoi-thao.md"
    as_person(monkeypatch, room.people["writer"])
    if how == "git rm":
        room.git.run("rm", "--quiet", gone)
    else:
        (room.root / gone).unlink()
    code, out, err = run(capsys, cli.submit_command, root=str(room.root))
    assert code == 0, err
    branch = room.git.current_branch()
    assert branch == "gui-duyet/hoi-thao" and gone in out
    assert room.git.text("diff", "--name-status", "main", branch) == f"D\t{gone}"
    assert room.git.text("status", "--porcelain") == ""
    assert {k for c in room.review(branch).submission.changes for k in c.kinds} == {"removed_article"}


def test_submit_on_a_submission_branch_takes_only_its_own_files(room: Newsroom, capsys, monkeypatch) -> None:
    as_person(monkeypatch, room.people["writer"])
    branch = room.submission("gui-duyet/bai-moi", {NEW: article("Bài mới về đào tạo", "Vũ Thị Lan")})
    room.switch(branch)
    head = room.sha(branch)
    room.write(NEW, article("Bài mới về đào tạo", "Vũ Thị Lan", body="Sửa theo góp ý."))
    room.write(OTHER, article("Một bài khác hẳn", "Vũ Thị Lan", body="Bài KHÁC."))
    room.write("content/articles/2024/khai-giang.md", article("Khai giảng khoá học mới", "Vũ Thị Lan",
                                                               body="Sửa bài cũ."))
    code, _, err = run(capsys, cli.submit_command, root=str(room.root))
    assert code == 1 and "invoke submit --new" in err
    assert OTHER in err and "khai-giang.md" in err and NEW not in err.split("không thuộc bài này")[1]
    assert room.sha(branch) == head and (room.root / OTHER).is_file()  # nothing committed, nothing lost

    code, out, err = run(capsys, cli.submit_command, root=str(room.root), new=True)
    assert code == 0, err
    split = "gui-duyet/mot-bai-khac-han"
    assert f"'{split}'" in out and f"git switch {split}" in out
    assert room.git.current_branch() == branch and room.sha(branch) == head
    assert room.git.text("diff", "--name-only", "main", split).split() == \
        ["content/articles/2024/bai-khac.md", "content/articles/2024/khai-giang.md"]
    assert room.git.text("merge-base", "main", split) == room.sha("main")
    assert "Bài KHÁC." in room.git.text("show", f"{split}:{OTHER}")
    assert not (room.root / OTHER).exists()  # it moved to its own submission
    assert room.git.text("status", "--porcelain") == f" M {NEW}"

    code, out, _ = run(capsys, cli.submit_command, root=str(room.root))
    assert code == 0 and "Đã cập nhật bài gửi duyệt 'gui-duyet/bai-moi'" in out
    assert room.git.text("diff", "--name-only", "main", branch) == NEW
    room.switch(split)  # the writer can go on with the split-off article
    assert "Bài KHÁC." in (room.root / OTHER).read_text(encoding="utf-8")


def test_new_work_starts_from_main(room: Newsroom, capsys, monkeypatch) -> None:
    monkeypatch.chdir(room.root)
    branch = room.submission("gui-duyet/bai-moi", {NEW: article("Bài mới về đào tạo", "Vũ Thị Lan")})
    room.switch(branch)
    room.write(NEW, article("Bài mới về đào tạo", "Vũ Thị Lan", body="Chưa gửi."))
    code, _, err = run(capsys, cli.new_command, "article", "Bài thứ hai", "Vũ Thị Lan", root=str(room.root))
    assert code == 1 and "invoke submit --push" in err and "invoke submit --new" in err
    assert room.git.current_branch() == branch and len(room.git.text("status", "--porcelain").splitlines()) == 1
    room.git.run("checkout", "--", NEW)
    code, out, _ = run(capsys, cli.new_command, "article", "Bài thứ hai", "Vũ Thị Lan", root=str(room.root))
    assert code == 0 and f"Đã chuyển từ nhánh gửi duyệt '{branch}' về nhánh 'main'" in out
    assert room.git.current_branch() == "main"
    assert room.git.text("status", "--porcelain").startswith("?? content/articles/")


def test_the_second_round_follows_the_remote(room: Newsroom, remote: Path, tmp_path: Path, capsys) -> None:
    writer, branch = pushed_submission(room, remote, tmp_path, capsys)
    assert writer.text("rev-parse", "--abbrev-ref", f"{branch}@{{upstream}}") == f"origin/{branch}"
    # the same writer, at another computer, adds a photo to the submission
    laptop = clone_as(remote, tmp_path / "laptop", room.people["writer"])
    laptop.run("switch", "--quiet", branch)
    write(laptop, "content/images/anh.txt", "ảnh")
    send(laptop, "Thêm ảnh")
    # back at the first computer: edit, submit, push — no git option needed
    write(writer, NEW, article("Bài mới về đào tạo", "Vũ Thị Lan", body="Sửa theo góp ý."))
    code, out, err = run(capsys, cli.submit_command, root=str(writer.root), push_branch=True)
    assert code == 0, err
    assert f"Đã cập nhật nhánh '{branch}' theo bản trên máy chủ" in out and "Đã đẩy nhánh" in out
    assert writer.text("rev-list", "--count", f"origin/main..origin/{branch}") == "3"
    assert "Sửa theo góp ý." in writer.text("show", f"origin/{branch}:{NEW}")
    # both sides moved: a clear message, the edit stays in the work tree
    write(writer, NEW, article("Bài mới về đào tạo", "Vũ Thị Lan", body="Lần sửa thứ ba."))
    run(capsys, cli.submit_command, root=str(writer.root))  # committed here, not pushed
    write(laptop, "content/images/anh2.txt", "ảnh 2")
    laptop.run("pull", "--quiet", "--ff-only")
    send(laptop, "Thêm ảnh nữa")
    write(writer, NEW, article("Bài mới về đào tạo", "Vũ Thị Lan", body="Lần sửa thứ tư."))
    code, _, err = run(capsys, cli.submit_command, root=str(writer.root), push_branch=True)
    assert code == 1 and "rẽ hai ngả" in err and "git pull --rebase" in err
    assert "Lần sửa thứ tư." in (writer.root / NEW).read_text(encoding="utf-8")


def test_a_name_taken_on_the_remote_since_the_last_fetch_is_not_reused(room: Newsroom, remote: Path,
                                                                        tmp_path: Path, capsys) -> None:
    """Two people cloned before either submitted: the second never takes the first one's branch."""
    writer = clone_as(remote, tmp_path / "a", room.people["writer"])
    other = clone_as(remote, tmp_path / "b", room.people["editor"])
    for git, body in ((writer, "Bản của người viết."), (other, "Bản của biên tập viên.")):
        write(git, "content/articles/2024/thong-bao.md", article("Thông báo", git.text("config", "user.name"),
                                                                 body=body))
    run(capsys, cli.submit_command, root=str(writer.root), push_branch=True, branch="gui-duyet/thong-bao")
    code, _, err = run(capsys, cli.submit_command, root=str(other.root), push_branch=True,
                       branch="gui-duyet/thong-bao")
    assert code == 1 and "Nhánh 'gui-duyet/thong-bao' đã có" in err and other.current_branch() == "main"
    code, out, _ = run(capsys, cli.submit_command, root=str(other.root), push_branch=True)
    assert code == 0 and "Đã đẩy nhánh 'gui-duyet/thong-bao-2' lên 'origin'" in out
    assert "Bản của người viết." in writer.text("show", "origin/gui-duyet/thong-bao:content/articles/2024/thong-bao.md")


def test_pushing_a_committed_branch_that_went_its_own_way_says_how_out(room: Newsroom, remote: Path,
                                                                      tmp_path: Path, capsys) -> None:
    """A branch committed earlier under a name someone pushed meanwhile: no advice to loop on."""
    writer, branch = pushed_submission(room, remote, tmp_path / "a", capsys)
    other = clone_as(remote, tmp_path / "b", room.people["editor"])
    other.run("switch", "--quiet", "-c", branch, "origin/main")
    write(other, "content/articles/2024/khac.md", article("Bài khác", "Trần Văn Đức"))
    other.run("add", "--all")
    other.run("commit", "--quiet", "-m", "Bài khác")
    code, _, err = run(capsys, cli.submit_command, root=str(other.root), push_branch=True)
    assert code == 1 and "rẽ hai ngả" in err and f"git branch -m {branch} {branch}-2" in err
    other.run("branch", "-m", branch, f"{branch}-2")
    code, out, _ = run(capsys, cli.submit_command, root=str(other.root), push_branch=True)
    assert code == 0 and f"Đã đẩy nhánh '{branch}-2' lên 'origin'" in out
    # behind the remote with nothing new: brought up to date, nothing to push
    writer.run("reset", "--quiet", "--hard", "HEAD~1")
    code, out, _ = run(capsys, cli.submit_command, root=str(writer.root), push_branch=True)
    assert code == 0 and "Máy chủ đã có đủ nhánh" in out
    assert writer.resolve("HEAD") == writer.resolve(f"refs/remotes/origin/{branch}")


def test_an_unreachable_remote_is_a_warning_in_vietnamese(room: Newsroom, remote: Path, tmp_path: Path,
                                                           capsys) -> None:
    writer = clone_as(remote, tmp_path, room.people["writer"])
    writer.run("remote", "set-url", "origin", str(tmp_path / "khong-co.git"))
    code, out, err = run(capsys, cli.queue_command, root=str(writer.root))
    assert code == 0 and "Không có bài gửi duyệt nào đang mở." in out
    assert "máy chủ không trả lời hoặc không có quyền truy cập; git: fatal:" in err
    assert "(and the repository exists.)" not in err


def test_submit_push_without_changes_pushes_what_is_committed(room: Newsroom, remote: Path, tmp_path: Path,
                                                              capsys) -> None:
    writer = clone_as(remote, tmp_path, room.people["writer"])
    write(writer, NEW, article("Bài mới về đào tạo", "Vũ Thị Lan"))
    assert run(capsys, cli.submit_command, root=str(writer.root))[0] == 0
    code, out, _ = run(capsys, cli.submit_command, root=str(writer.root), push_branch=True)
    assert code == 0 and "Đã đẩy nhánh 'gui-duyet/bai-moi-ve-dao-tao' lên 'origin'" in out
    assert writer.resolve("refs/remotes/origin/gui-duyet/bai-moi-ve-dao-tao") == writer.resolve("HEAD")


def test_withdraw_needs_a_published_file(room: Newsroom, capsys, monkeypatch) -> None:
    as_person(monkeypatch, room.people["writer"])
    code, _, err = run(capsys, cli.withdraw_command, "content/articles/2024/khong-co.md", "Cũ", root=str(room.root))
    assert code == 1 and "chỉ rút được bài đã đăng" in err
    code, out, _ = run(capsys, cli.withdraw_command, "content/articles/2024/hoi-thao.md", "Cũ",
                       root=str(room.root))
    assert code == 0 and "gui-duyet/rut-hoi-thao-khoa-hoc" in out
    assert room.git.current_branch() == "main" and room.git.text("status", "--porcelain") == ""
    assert room.git.text("diff", "--name-status", "main", "gui-duyet/rut-hoi-thao-khoa-hoc") == \
        "D\tcontent/articles/2024/hoi-thao.md"


# ------------------------------------------------------------------ queue
def test_queue_lists_only_submissions(room: Newsroom, remote: Path, tmp_path: Path, capsys) -> None:
    branch = room.submission("gui-duyet/bai-moi", {NEW: article("Bài mới về đào tạo", "Vũ Thị Lan")})
    room.approve(branch, "editor")  # creates the ledger branch
    for orphan in ("gh-pages", "lich-su-khac"):  # the publish branch; a branch with no common history
        room.git.run("switch", "--quiet", "--orphan", orphan)
        room.write("index.html", "<p>trang</p>")
        room.commit(f"{orphan}")
        room.switch("main")
    code, out, _ = run(capsys, cli.queue_command, root=str(room.root))
    assert code == 0 and "1 bài gửi duyệt đang mở" in out and "gui-duyet/bai-moi  [" in out
    room.git.run("push", "--quiet", str(remote), "--all")
    editor = clone_as(remote, tmp_path, room.people["editor"])
    code, out, _ = run(capsys, cli.queue_command, root=str(editor.root))
    assert code == 0 and "1 bài gửi duyệt đang mở" in out
    assert "origin/gui-duyet/bai-moi  [Đã duyệt, sẵn sàng hợp nhất]" in out
    for hidden in (LEDGER_BRANCH, "gh-pages", "lich-su-khac", "HEAD"):
        assert hidden not in out


# ------------------------------------------------------------------ review, approve, merge from a clone
def test_review_and_approve_by_the_name_the_queue_shows(room: Newsroom, remote: Path, tmp_path: Path,
                                                        capsys) -> None:
    writer, branch = pushed_submission(room, remote, tmp_path, capsys)
    editor = clone_as(remote, tmp_path, room.people["editor"])
    for name in (branch, f"origin/{branch}"):
        code, out, _ = run(capsys, cli.review_command, name, root=str(editor.root))
        assert code == 1 and "Đang chờ duyệt" in out and "Không có nhánh" not in out
    # a stale local copy of the branch does not hide the writer's new revision
    editor.run("branch", branch, f"origin/{branch}")
    write(writer, NEW, article("Bài mới về đào tạo", "Vũ Thị Lan", body="Bản mới."))
    run(capsys, cli.submit_command, root=str(writer.root), push_branch=True)
    key = str(room.people["editor"].key)
    code, out, err = run(capsys, cli.approve_command, branch, key=key, root=str(editor.root), push_ledger=True)
    assert code == 0, err
    assert f"Đã đẩy sổ duyệt '{LEDGER_BRANCH}' lên 'origin'" in out
    record = editor.text("rev-parse", f"refs/remotes/origin/{LEDGER_BRANCH}")
    assert record == editor.resolve(LOCAL_LEDGER)
    trailers = editor.text("log", "-1", "--format=%(trailers:only)", record)
    assert f"Approved-tree: {writer.tree_of(branch)}" in trailers  # the new revision, not the stale one
    code, out, _ = run(capsys, cli.review_command, branch, root=str(writer.root))
    assert code == 0 and "ĐƯỢC HỢP NHẤT" in out


def test_approve_push_signs_again_when_the_ledger_moved(room: Newsroom, remote: Path, tmp_path: Path,
                                                        capsys) -> None:
    """Someone else's record lands between this clone's fetch and its push: fetch, sign again, push."""
    for name in ("gui-duyet/a", "gui-duyet/b"):
        room.submission(name, {f"content/articles/2024/{name[10:]}.md": article(f"Bài {name}", "Vũ Thị Lan")})
    room.git.run("push", "--quiet", str(remote), "--all")
    chief = clone_as(remote, tmp_path, room.people["chief"])
    editor = clone_as(remote, tmp_path, room.people["editor"])
    assert run(capsys, cli.approve_command, "gui-duyet/b", key=str(room.people["chief"].key),
               root=str(chief.root))[0] == 0  # recorded, not yet pushed
    hook = editor.root / ".git" / "hooks" / "pre-push"
    done = tmp_path / "chief-pushed"
    hook.write_text(f"#!/bin/sh\n[ -e '{done}' ] && exit 0\ntouch '{done}'\n"
                    f"env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE git -C '{chief.root}' push --quiet origin "
                    f"{LOCAL_LEDGER}:{LOCAL_LEDGER}\n", encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    code, out, err = run(capsys, cli.approve_command, "gui-duyet/a", key=str(room.people["editor"].key),
                         root=str(editor.root), push_ledger=True)
    assert done.exists()
    assert code == 0, err
    assert "Đã đẩy sổ duyệt" in out
    ledger = editor.text("log", "--format=%(trailers:key=Submission,valueonly)%(trailers:key=Reviewer,valueonly)",
                         f"refs/remotes/origin/{LEDGER_BRANCH}").split()
    assert ledger == ["gui-duyet/a", room.people["editor"].email, "gui-duyet/b", room.people["chief"].email]


def test_merge_brings_main_up_to_date_then_pushes(room: Newsroom, remote: Path, tmp_path: Path, capsys) -> None:
    for name in ("gui-duyet/a", "gui-duyet/b"):
        room.submission(name, {f"content/articles/2024/{name[10:]}.md": article(f"Bài {name}", "Vũ Thị Lan")})
        room.approve(name, "editor")
    room.git.run("push", "--quiet", str(remote), "--all")
    first = clone_as(remote, tmp_path / "mot", room.people["maintainer"])
    second = clone_as(remote, tmp_path / "hai", room.people["maintainer"])
    code, out, _ = run(capsys, cli.merge_command, "gui-duyet/a", root=str(first.root), push_base=True)
    assert code == 0 and "Đã đẩy nhánh 'main' lên 'origin'" in out
    code, out, err = run(capsys, cli.merge_command, "origin/gui-duyet/b", root=str(second.root), push_base=True)
    assert code == 0, err
    assert "Đã cập nhật nhánh 'main' theo origin/main" in out and "Đã đẩy nhánh 'main'" in out
    assert second.text("rev-parse", "main") == second.text("rev-parse", "origin/main")
    assert all((second.root / f"content/articles/2024/{n}.md").is_file() for n in "ab")
    parents = second.text("rev-list", "--parents", "-1", "origin/main").split()
    assert parents[1] == first.text("rev-parse", "main")  # b merged on top of a: nothing lost
    # a local main with its own commit is never merged into silently
    room.submission("gui-duyet/c", {"content/articles/2024/c.md": article("Bài c", "Vũ Thị Lan")})
    room.approve("gui-duyet/c", "editor")
    room.git.run("push", "--quiet", "--force", str(remote), "gui-duyet/c", LEDGER_BRANCH)
    write(first, "ghi-chu.txt", "riêng")
    first.run("add", "ghi-chu.txt")
    first.run("commit", "--quiet", "-m", "Riêng")
    run(capsys, cli.merge_command, "gui-duyet/b", root=str(second.root))  # nothing to do: already merged
    mine = first.text("rev-parse", "main")
    second.run("commit", "--quiet", "--allow-empty", "-m", "Khác")
    second.run("push", "--quiet")
    code, _, err = run(capsys, cli.merge_command, "gui-duyet/c", root=str(first.root))
    assert code == 1 and "rẽ hai ngả" in err and first.text("rev-parse", "main") == mine


# ------------------------------------------------------------------ signatures and seating
def test_signers_configure_plain_git(room: Newsroom, own_home: Path) -> None:
    branch = room.submission("gui-duyet/bai-moi", {NEW: article("Bài mới về đào tạo", "Vũ Thị Lan")})
    record = room.approve(branch, "editor2")
    unconfigured = room.git.run("verify-commit", record, check=False)
    assert unconfigured.returncode != 0 and "allowedSignersFile" in unconfigured.stderr.decode()
    assert signers.main([str(room.root)]) == 0
    path = Path(room.git.text("config", "--local", "gpg.ssh.allowedSignersFile"))
    assert path == (room.root / ".git" / "toasoan" / "allowed_signers").resolve()
    assert room.people["editor2"].email in path.read_text(encoding="utf-8")
    assert room.git.ok("verify-commit", record)
    shown = room.git.run("log", "--show-signature", "-1", LOCAL_LEDGER, env={"LC_ALL": "C"}).stdout.decode()
    assert f'Good "git" signature for {room.people["editor2"].email}' in shown
    assert not (own_home / ".gitconfig").exists() and not (own_home / "git").exists()


def test_seat_replaces_only_the_sample_roster(room: Newsroom, capsys, monkeypatch) -> None:
    board = (room.root / "editorial/board.yml").read_text(encoding="utf-8")
    room.write("editorial/board.yml", "# Danh sách mẫu\n# Ghi chú giữ lại\nsample: true\n" + board)
    room.commit("Danh sách mẫu", by="maintainer")
    chief, maintainer = room.people["chief"], room.people["maintainer"]
    args = dict(chief_editor=f"{chief.name} <{chief.email}>", chief_key=f"{chief.key}.pub",
                maintainer=f"{maintainer.name} <{maintainer.email}>", maintainer_key=f"{maintainer.key}.pub",
                root=str(room.root))
    as_person(monkeypatch, maintainer)
    for wrong, expected in ((dict(chief_editor="Chỉ có tên"), "Họ Tên <ten@example.vn>"),
                            (dict(chief_key=str(chief.key)), "không phải khoá công khai SSH"),
                            (dict(maintainer_key="/khong/co.pub"), "không có tệp")):
        code, _, err = run(capsys, cli.seat_command, **{**args, **wrong})
        assert code == 1 and expected in err
    before = room.sha("main")
    code, out, err = run(capsys, cli.seat_command, **args)
    assert code == 0, err
    assert "ai đẩy (push) được nhánh 'main' là người xếp ghế" in out and "SHA256:" in out
    assert room.git.text("rev-list", "--parents", "-1", "main").split()[1:] == [before]
    roster = room.git.text("show", "main:editorial/board.yml")
    assert roster.startswith("# Ghi chú giữ lại\nmembers:") and "sample" not in roster
    assert roster.count("- name:") == 2 and chief.public_key.split()[1] in roster
    assert chief.email in room.git.text("show", "main:.github/CODEOWNERS")
    assert room.git.text("status", "--porcelain") == ""
    code, _, err = run(capsys, cli.seat_command, **args)
    assert code == 1 and "đã được xếp ghế" in err and "invoke submit --push" in err


def test_seat_one_person_with_both_roles(room: Newsroom, capsys, monkeypatch) -> None:
    room.write("editorial/board.yml", "sample: true\n" + (room.root / "editorial/board.yml").read_text("utf-8"))
    room.commit("Danh sách mẫu", by="maintainer")
    chief = room.people["chief"]
    as_person(monkeypatch, room.people["maintainer"])
    code, _, err = run(capsys, cli.seat_command, f"{chief.name} <{chief.email}>", f"{chief.key}.pub",
                       f"{chief.name} <{chief.email}>", f"{chief.key}.pub", root=str(room.root))
    assert code == 0, err
    roster = room.git.text("show", "main:editorial/board.yml")
    assert roster.count("- name:") == 1 and "- chief_editor\n  - maintainer" in roster



def test_the_shipped_roster_is_marked_as_the_sample() -> None:
    """A new institution's clone can be seated; the seated roster written above is not a sample."""
    assert is_sample((REPO / "editorial/board.yml").read_bytes())
    assert not is_sample(b"members: []\n") and not is_sample(b"sample: yes-please\n")


def test_the_second_round_when_the_remote_changed_the_same_file(room: Newsroom, remote: Path, tmp_path: Path,
                                                                  capsys) -> None:
    writer, branch = pushed_submission(room, remote, tmp_path, capsys)
    laptop = clone_as(remote, tmp_path / "laptop", room.people["writer"])
    laptop.run("switch", "--quiet", branch)
    write(laptop, NEW, article("Bài mới về đào tạo", "Vũ Thị Lan", body="Sửa ở máy khác."))
    send(laptop, "Sửa ở máy khác")
    write(writer, NEW, article("Bài mới về đào tạo", "Vũ Thị Lan", body="Sửa ở máy này."))
    code, _, err = run(capsys, cli.submit_command, root=str(writer.root), push_branch=True)
    assert code == 1 and "sửa chính những tệp bạn đang sửa dở" in err and "git restore" in err
    assert "Sửa ở máy này." in (writer.root / NEW).read_text(encoding="utf-8")
    assert writer.text("rev-parse", f"origin/{branch}") == laptop.text("rev-parse", "HEAD")
