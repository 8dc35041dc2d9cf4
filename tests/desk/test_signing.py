"""Signing with a key file whose passphrase is typed into the desk: a Vietnamese passphrase
reaches ``ssh-keygen`` as the bytes it was set with, in a desk running with no locale at all
(``LC_ALL=C``), through the askpass program of either platform (the Windows one is run here
by its own command line), and it is found nowhere afterwards — not on disk, not in the
desk's output."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

from deskkit import DeskClient, clone_for, git, make_remote, protect

from sitekit import REPO
from toasoan.desk.signing import PYTHON_VARIABLE, askpass_env, askpass_program

PASSPHRASE = "mật khẩu Đổi"
ARTICLE = {"kind": "article", "title": "Ngày hội văn hoá các dân tộc", "date": "2024-09-01 08:00",
           "authors": "Vũ Thị Lan", "category": "Tin tức - Sự kiện", "status": "published",
           "body": "Sáng 1/9/2024, Học viện tổ chức ngày hội văn hoá các dân tộc."}
BRANCH = "gui-duyet/ngay-hoi-van-hoa-cac-dan-toc"
NO_LOCALE = {"LC_ALL": "C"}  # and no LANG, no LC_*: the environments are built from nothing


def askpass_output(command: list[str], tmp: Path) -> bytes:
    env = {"PATH": os.environ["PATH"], **NO_LOCALE, **askpass_env(tmp / "unused", PASSPHRASE)}
    result = subprocess.run([*command, "Enter passphrase for key:"], env=env, capture_output=True, check=True)
    return result.stdout


def test_both_askpass_programs_print_the_passphrase_bytes(tmp_path: Path) -> None:
    expected = PASSPHRASE.encode("utf-8") + b"\n"
    assert askpass_output([str(askpass_program(tmp_path, windows=False))], tmp_path) == expected
    # The Windows program: one ASCII line that cmd.exe runs; %VAR% is what cmd expands, and its
    # quoting splits the same way under Windows' and POSIX rules (no backslash before a quote).
    line = askpass_program(tmp_path, windows=True).read_bytes().decode("ascii")
    assert line.startswith("@") and line.endswith("\r\n") and line.count("\n") == 1
    command = shlex.split(line[1:].strip().replace(f"%{PYTHON_VARIABLE}%", sys.executable))
    assert askpass_output(command, tmp_path) == expected


REVIEW = textwrap.dedent("""\
    import sys
    from deskkit import Clone, DeskClient
    from newsroom import Person
    clone = Clone(None, Path(sys.argv[1]), Path(sys.argv[2]))
    desk = DeskClient(clone)
    answer = desk.post("/bai-gui-duyet", {"nhanh": "origin/%s", "action": "request-changes",
                                          "note": "Thêm ảnh ngày hội.", "key": sys.argv[3],
                                          "passphrase": bytes.fromhex(sys.argv[4]).decode("utf-8")})
    print(answer.status_code, answer.headers.get("Location"), answer.get_data(as_text=True)[-800:])
    """)


def test_a_vietnamese_passphrase_signs_in_a_desk_without_locale(tmp_path: Path, people) -> None:
    remote = make_remote(tmp_path, people)
    writer = DeskClient(clone_for(people["writer"], remote, tmp_path))
    writer.follow(writer.post("/viet-bai-moi", ARTICLE))
    sent = writer.post(f"/ban-nhap/{BRANCH.split('/')[1]}", {**ARTICLE, "action": "submit"})
    assert sent.status_code == 303, sent.get_data(as_text=True)
    editor = clone_for(people["editor"], remote, tmp_path)
    key = protect(editor, PASSPHRASE)
    assert subprocess.run(["ssh-keygen", "-y", "-P", "", "-f", str(key)], capture_output=True).returncode != 0

    # The editor's desk, in a process with no locale; the form posts the passphrase as typed.
    script = tmp_path / "review.py"
    script.write_text("from pathlib import Path\n" + REVIEW % BRANCH, encoding="utf-8")
    private_tmp = tmp_path / "tmp"  # the desk's temporary files: searched below
    private_tmp.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(editor.home), "TMPDIR": str(private_tmp), **NO_LOCALE,
           "PYTHONPATH": os.pathsep.join(str(REPO / p) for p in ("tests/desk", "tests/editorial", "tests", "."))}
    done = subprocess.run([sys.executable, str(script), str(editor.root), str(editor.home), str(key),
                           PASSPHRASE.encode("utf-8").hex()], env=env, capture_output=True, timeout=300,
                          check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0 and output.startswith(b"303 "), output.decode("utf-8", "replace")

    # The signed change request is on the remote: the writer's "Bài của tôi" shows it.
    mine = writer.get("/bai-cua-toi").get_data(as_text=True)
    assert "Cần chỉnh sửa" in mine and "Thêm ảnh ngày hội." in mine and "Trần Văn Đức" in mine
    assert "ban-bien-tap/so-duyet" in git(remote, "branch", "--list", "ban-bien-tap/*")

    # Never stored, never logged: not in the desk's output, nor in any file it could have written.
    secrets = (PASSPHRASE.encode("utf-8"), PASSPHRASE.encode("utf-8").hex().encode())
    assert not any(s in output for s in secrets)
    for folder in (editor.root, editor.home, remote, private_tmp):
        for path in folder.rglob("*"):
            if path.is_file():
                assert not any(s in path.read_bytes() for s in secrets), path
    assert list(private_tmp.iterdir()) == []  # the askpass folder is gone
