"""The shared remote: which one, fetching it, pushing to it — never a global git setting.

Every editorial command works from a clone of one shared remote (``origin`` when it is
configured) and still works in a clone without any remote (everything stays local).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..git import Git, GitError
from .refs import remotes

DEFAULT_REMOTE = "origin"
BASE_BRANCH = "main"


class RemoteError(Exception):
    """Talking to the remote failed; the message is in Vietnamese and says what to do."""


def default_remote(git: Git, remote: str | None = None) -> str | None:
    """``remote`` when given (it must be configured), else ``origin`` when configured, else None."""
    configured = remotes(git)
    if remote:
        if remote not in configured:
            raise RemoteError(f"Không có remote '{remote}' (đang có: {', '.join(configured) or 'không có'}).")
        return remote
    return DEFAULT_REMOTE if DEFAULT_REMOTE in configured else None


def fetch(git: Git, remote: str | None) -> str | None:
    """``git fetch --prune <remote>``; None when done, else a Vietnamese warning (offline)."""
    if remote is None:
        return None
    result = git.run("fetch", "--quiet", "--prune", remote, check=False)
    if result.returncode == 0:
        return None
    said = result.stderr.decode("utf-8", "replace").strip().splitlines()
    reason = next((line for line in said if line.startswith("fatal:")), said[0] if said else "không rõ lý do")
    return (f"Cảnh báo: không tải được từ '{remote}' (máy chủ không trả lời hoặc không có quyền truy cập; "
            f"git: {reason}); đang dùng bản đã tải lần trước.")


def default_base(remote: str | None, base: str | None = None) -> str:
    """The base branch's name: ``base`` if given, else ``origin/main`` (or ``main`` offline)."""
    if base:
        return base
    return f"{remote}/{BASE_BRANCH}" if remote else BASE_BRANCH


def base_ref(git: Git, base: str, remote: str | None) -> str | None:
    """The ref a new submission starts from: the remote's ``base`` when fetched, else the local one."""
    refs = ([f"refs/remotes/{remote}/{base}"] if remote else []) + [f"refs/heads/{base}"]
    return next((ref for ref in refs if git.resolve(ref)), None)


@dataclass(frozen=True)
class Pushed:
    """What a push sent: which branch, to which remote, which commit."""

    remote: str
    branch: str
    commit: str

    def __str__(self) -> str:
        return f"Đã đẩy nhánh '{self.branch}' lên '{self.remote}' (commit {self.commit[:10]})."


class PushRejected(RemoteError):
    """The remote branch moved since the last fetch (not a fast-forward)."""


def push(git: Git, remote: str, branch: str, *, upstream: bool = False) -> Pushed:
    """Push the local branch ``branch`` to the same name on ``remote`` (never forced)."""
    ref = f"refs/heads/{branch}"
    commit = git.resolve(ref)
    if commit is None:
        raise RemoteError(f"Không có nhánh '{branch}' để đẩy.")
    args = ["push", "--quiet", "--porcelain", *(["--set-upstream"] if upstream else []), remote, f"{ref}:{ref}"]
    result = git.run(*args, check=False)
    if result.returncode != 0:
        said = (result.stdout + result.stderr).decode("utf-8", "replace")
        if "[rejected]" in said or "non-fast-forward" in said or "fetch first" in said:
            raise PushRejected(f"Máy chủ '{remote}' từ chối nhánh '{branch}': nhánh trên máy chủ đã có "
                               "thay đổi mới mà máy này chưa có.")
        raise RemoteError(f"Không đẩy được nhánh '{branch}' lên '{remote}': {said.strip()}")
    return Pushed(remote, branch, commit)


def fast_forward(git: Git, branch: str, target: str) -> bool:
    """Move the local ``branch`` forward to ``target`` (a commit) if it is behind; never back.

    Returns True when it moved. The checked-out branch moves with ``git merge --ff-only`` (the
    work tree follows, and git refuses rather than overwrite local changes).
    """
    ref = f"refs/heads/{branch}"
    head = git.resolve(ref)
    if head == target or (head and git.is_ancestor(target, head)):
        return False
    if head and not git.is_ancestor(head, target):
        raise RemoteError(f"Nhánh '{branch}' trên máy này và trên máy chủ đã rẽ hai ngả (mỗi bên có "
                          f"commit mà bên kia không có). Hãy chạy 'git pull --rebase' trên nhánh "
                          f"'{branch}' hoặc nhờ Kỹ thuật viên.")
    try:
        if git.current_branch() == branch:
            git.run("merge", "--ff-only", "--quiet", target)
        else:
            git.update_ref(ref, target, head or "0" * 40, message=f"toasoan: fast-forward {branch}")
    except GitError as error:
        raise RemoteError(f"Không cập nhật được nhánh '{branch}' theo máy chủ: trên máy chủ đã có người "
                          "sửa chính những tệp bạn đang sửa dở. Hãy chép các tệp đó ra chỗ khác, trả chúng "
                          f"về như cũ (git restore <tệp>), chạy lại lệnh rồi chép nội dung của bạn vào. "
                          f"(git: {error})") from error
    return True
