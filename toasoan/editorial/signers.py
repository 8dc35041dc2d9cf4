"""Configure this clone so plain git verifies the board's signatures.

Writes an allowed-signers file from the base branch's roster into the git directory
(``.git/toasoan/allowed_signers``) and points the clone's **local** ``gpg.ssh.allowedSignersFile``
at it: ``git log --show-signature`` and ``git verify-commit`` then check review records with
nothing but git and OpenSSH. Nothing is written to the user's global git configuration.

``script/bootstrap`` runs ``python -m toasoan.editorial.signers`` (Python, so it works on Windows
too); ``invoke board`` does the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..git import Git, find_repository
from .board import BoardError, load_board
from .remote import BASE_BRANCH, RemoteError, base_ref, default_remote

SIGNERS_FILE = "toasoan/allowed_signers"
CONFIG_KEY = "gpg.ssh.allowedSignersFile"


class SignersError(Exception):
    """The roster cannot be read; the message is in Vietnamese."""


def roster_revision(git: Git) -> str:
    """The base the roster is read from: ``origin/main`` when fetched, else ``main``, else HEAD."""
    return base_ref(git, BASE_BRANCH, default_remote(git)) or "HEAD"


def configure(git: Git, revision: str | None = None) -> tuple[Path, int]:
    """Write the allowed-signers file from the roster at ``revision``; (its path, members written)."""
    revision = revision or roster_revision(git)
    try:
        board = load_board(git, revision)
    except BoardError as error:
        raise SignersError(str(error)) from error
    folder = git.common_dir()
    if folder is None:
        raise SignersError("Thư mục này không phải một kho git.")
    path = (folder / SIGNERS_FILE).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(board.allowed_signers(), encoding="utf-8", newline="\n")
    git.run("config", "--local", CONFIG_KEY, path.as_posix())
    return path, len(board.active_members)


def describe(path: Path, count: int) -> str:
    return (f"Đã ghi {count} khoá của Ban biên tập vào {path} và cấu hình kho này "
            f"({CONFIG_KEY}): 'git log --show-signature' kiểm được chữ ký duyệt.")


def main(argv: list[str] | None = None) -> int:
    """``python -m toasoan.editorial.signers [folder]``: configure the clone (bootstrap's step)."""
    args = sys.argv[1:] if argv is None else argv
    git = find_repository(args[0] if args else ".")
    if git is None:
        print("Không ở trong một kho git: bỏ qua cấu hình kiểm chữ ký.")
        return 0
    try:
        print(describe(*configure(git)))
    except (SignersError, RemoteError) as error:
        print(f"Chưa cấu hình kiểm chữ ký: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
