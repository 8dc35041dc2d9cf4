"""``invoke board --seat``: a new institution replaces the sample roster with its founding board.

The shipped ``editorial/board.yml`` is a sample (``sample: true``): its keys belong to nobody, so
no real submission could ever be approved against it. Seating writes the founding chief editor
and maintainer, regenerates ``.github/CODEOWNERS`` and commits both directly on the base
branch. At that moment the only thing trusted is *who can push the base branch*; once the
roster is no longer the sample, seating refuses and every roster change is a reviewed
submission like any other.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..git import Git
from . import codeowners
from .board import (
    BOARD_FILE,
    CHIEF_EDITOR,
    MAINTAINER,
    ROLES,
    BoardError,
    BoardMember,
    load_yaml,
    parse_members,
)
from .submit import commit_paths

SAMPLE_KEY = "sample"
_PERSON = re.compile(r"^\s*(?P<name>[^<>]+?)\s*<(?P<email>[^<>@\s]+@[^<>@\s]+)>\s*$")


class SeatError(Exception):
    """The board cannot be seated; the message is in Vietnamese and says what to do."""


@dataclass(frozen=True)
class Seated:
    commit: str
    branch: str
    members: tuple[BoardMember, ...]
    fingerprints: dict[str, str]


def is_sample(raw: bytes | None) -> bool:
    """Whether a ``board.yml`` is still the shipped sample roster."""
    try:
        return load_yaml(raw or b"", BOARD_FILE).get(SAMPLE_KEY) is True
    except BoardError:
        return False


def person(text: str, option: str) -> tuple[str, str]:
    """``"Họ Tên <ten@example.vn>"`` → (name, e-mail)."""
    match = _PERSON.match(text or "")
    if not match:
        raise SeatError(f"{option}: cần dạng \"Họ Tên <ten@example.vn>\" (nhận được: {text!r}).")
    return match["name"], match["email"]


def public_key(path: str, option: str) -> tuple[str, str]:
    """The public key in ``path`` (a ``.pub`` file) and its fingerprint, checked by ``ssh-keygen``."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise SeatError(f"{option}: không có tệp {file}.")
    result = subprocess.run(["ssh-keygen", "-l", "-f", str(file)], capture_output=True, text=True,
                            check=False, stdin=subprocess.DEVNULL)
    text = file.read_text(encoding="utf-8", errors="replace").strip()
    if result.returncode != 0 or "PRIVATE KEY" in text or len(text.split()) < 2:
        raise SeatError(f"{option}: {file} không phải khoá công khai SSH (tệp .pub, một dòng "
                        "'ssh-ed25519 AAAA…').")
    return " ".join(text.split()[:2]), result.stdout.split()[1]


def roster_text(current: str, members: list[dict]) -> str:
    """The new ``board.yml``: the current header comments (without the sample notes) and ``members``."""
    header = []
    for line in current.splitlines():
        if not line.startswith("#"):
            break
        if "mẫu" not in line:
            header.append(line)
    body = yaml.safe_dump({"members": members}, allow_unicode=True, sort_keys=False, width=200)
    return "\n".join(header) + "\n" + body


def seat(git: Git, *, chief: str, chief_key: str, maintainer: str, maintainer_key: str,
         base: str = "main") -> Seated:
    """Replace the sample roster on the checked-out base branch and commit it there."""
    git = Git(git.toplevel() or git.root, git.config)
    if git.current_branch() != base:
        raise SeatError(f"Hãy chạy trên nhánh gốc: git switch {base}")
    current = git.show("HEAD", BOARD_FILE)
    if not is_sample(current):
        raise SeatError("Ban biên tập đã được xếp ghế (editorial/board.yml không còn là danh sách mẫu). "
                        "Từ nay mọi thay đổi danh sách phải qua duyệt: sửa editorial/board.yml trên một "
                        "nhánh, chạy 'invoke board' rồi 'invoke submit --push', và nhờ Tổng biên tập "
                        "cùng Kỹ thuật viên duyệt.")
    paths = [BOARD_FILE, codeowners.CODEOWNERS_FILE]
    if git.text("status", "--porcelain", "--", *paths):
        raise SeatError(f"{' hoặc '.join(paths)} đang có thay đổi chưa commit; hãy bỏ chúng trước "
                        f"(git restore {' '.join(paths)}).")
    entries: dict[str, dict] = {}
    fingerprints = {}
    for (who, key), role, option in (((chief, chief_key), CHIEF_EDITOR, "--chief-editor"),
                                     ((maintainer, maintainer_key), MAINTAINER, "--maintainer")):
        name, email = person(who, option)
        key_text, fingerprint = public_key(key, option.replace("-editor", "") + "-key")
        entry = entries.setdefault(email.lower(), {"name": name, "email": email, "roles": [], "key": key_text})
        if entry["key"] != key_text or entry["name"] != name:
            raise SeatError(f"{email} được khai hai lần với tên hoặc khoá khác nhau.")
        entry["roles"].append(role)
        fingerprints[email] = fingerprint
    text = roster_text(current.decode("utf-8", "replace"), list(entries.values()))
    try:
        members = parse_members(text)
    except BoardError as error:
        raise SeatError(str(error)) from error
    (git.root / BOARD_FILE).write_text(text, encoding="utf-8", newline="\n")
    codeowners.write(git.root)
    labels = "; ".join(f"{m.name} ({m.role_labels})" for m in members)
    head = git.text("rev-parse", "HEAD")
    commit = commit_paths(git, head, paths, f"Xếp ghế Ban biên tập: {labels}\n\n"
                          "Thay danh sách mẫu bằng Tổng biên tập và Kỹ thuật viên đầu tiên "
                          "(invoke board --seat). Từ nay mọi thay đổi danh sách phải qua duyệt.\n")
    git.update_ref(f"refs/heads/{base}", commit, head, message="toasoan: seat the board")
    git.run("reset", "--quiet", "--", *paths)
    return Seated(commit, base, members, fingerprints)


def trust_statement(seated: Seated, remote: str | None, pushing: bool = False) -> str:
    """What seating trusted, in plain Vietnamese; ``pushing``: the command pushes it right away."""
    lines = [f"Đã xếp ghế Ban biên tập trên nhánh '{seated.branch}' (commit {seated.commit[:10]}):"]
    lines += [f"  - {m.name} <{m.email}>: {m.role_labels}, khoá {seated.fingerprints[m.email]}"
              for m in seated.members]
    where = f"nhánh '{seated.branch}' trên '{remote}'" if remote else f"nhánh '{seated.branch}'"
    lines += ["",
              "Điều Tòa soạn tin lúc này: danh sách mẫu không bảo vệ gì, nên ai đẩy (push) được "
              f"{where} là người xếp ghế Ban biên tập. "
              + ("Vân tay khoá ở trên phải đúng là vân tay bạn đã đối chiếu với chính chủ; sai thì báo "
                 "ngay cho Tổng biên tập. " if pushing else
                 "Hãy đối chiếu vân tay khoá ở trên với chính chủ trước khi đẩy. ")
              + "Chỉ cho Kỹ thuật viên quyền đẩy nhánh này (docs/editorial-review.md, mục 7).",
              "Từ nay lệnh này từ chối; mọi thay đổi danh sách (thêm, thu hồi thành viên) là một bài gửi "
              f"duyệt cần {ROLES[CHIEF_EDITOR]} và {ROLES[MAINTAINER]} duyệt."]
    return "\n".join(lines)
