"""``.github/CODEOWNERS`` generated from the roster and the policy (``invoke board``).

CODEOWNERS only asks the forge to request reviews from the right people; the gate itself
is the ``invoke review`` status check, which can express what CODEOWNERS cannot (two
approvers, one of them the chief editor; author exclusion; signatures).
"""

from __future__ import annotations

from pathlib import Path

from .board import (
    BOARD_FILE,
    CODE,
    EDITORIAL,
    MEETING,
    NEW_ARTICLE,
    POLICY_FILE,
    EditorialBoard,
    parse_members,
    parse_policy,
)
from .tree import SETTINGS_FILE, content_prefix, literal_settings

CODEOWNERS_FILE = ".github/CODEOWNERS"
HEADER = """\
# Tệp này do `invoke board` sinh ra từ editorial/board.yml và editorial/policy.yml.
# Đừng sửa tay: sửa danh sách Ban biên tập rồi chạy lại `invoke board`.
# Quy tắc viết sau được ưu tiên (quy tắc của GitHub/Gitea).
"""


def owners(board: EditorialBoard, kind: str) -> list[str]:
    """Active members whose review a rule for ``kind`` asks for.

    A rule's ``must_include`` roles when it has some (the meeting report needs the chief
    editor), else its ``roles``; a rule without roles asks every member.
    """
    rules = [r for r in board.policy.rules if kind in r.kinds]
    roles = {role for r in rules for role in (r.must_include or r.roles)}
    everyone = any(not (r.must_include or r.roles) for r in rules)
    return [m.owner for m in board.active_members if everyone or roles & set(m.roles)]


def render(board: EditorialBoard, settings: dict) -> str:
    """The CODEOWNERS text for a board and the site's content settings."""
    prefix = content_prefix(settings)
    article_paths = settings.get("ARTICLE_PATHS") or ["articles", "meetings"]
    meeting_dirs = [p for p in article_paths if str(p).startswith("meetings")]
    patterns = [("*", CODE), (f"/{prefix}", NEW_ARTICLE)]
    patterns += [(f"/{prefix}{d.strip('/')}/", MEETING) for d in meeting_dirs]
    patterns.append(("/editorial/", EDITORIAL))
    lines = [HEADER]
    for pattern, kind in patterns:
        names = owners(board, kind)
        if names:
            lines.append(f"{pattern:<24}{' '.join(names)}")
    return "\n".join(lines) + "\n"


def generate(root: str | Path = ".") -> str:
    """CODEOWNERS for the roster and policy in the work tree at ``root``."""
    root = Path(root)
    board = EditorialBoard(parse_members((root / BOARD_FILE).read_bytes()),
                           parse_policy((root / POLICY_FILE).read_bytes()))
    settings_file = root / SETTINGS_FILE
    settings = literal_settings(settings_file.read_bytes() if settings_file.is_file() else None)
    return render(board, settings)


def write(root: str | Path = ".") -> Path:
    path = Path(root) / CODEOWNERS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(generate(root), encoding="utf-8")
    return path
