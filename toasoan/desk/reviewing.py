"""The board's side of the desk: the queue, one submission, and a signed review or a merge,
each pushed to the remote. Every verdict is the library's (:mod:`toasoan.editorial`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..editorial.approvals import APPROVE, REQUEST_CHANGES, ApprovalError, public_key_of, record_review
from ..editorial.board import BoardError, BoardMember, load_board
from ..editorial.git import GitError
from ..editorial.merge import MergeResult, merge_submission
from ..editorial.queue import QueueEntry, queue
from ..editorial.review import Review, ReviewError, load_submission, review
from .signing import agent_holds, key_has_passphrase, signing_git
from .workspace import REMOTE, DeskError, Workspace

ERRORS = (ReviewError, BoardError, ApprovalError, GitError)


@dataclass
class Signer:
    """The key a member signs with: a private key file (or its .pub when ssh-agent holds it)."""

    key: Path
    passphrase: str | None = None


def submissions(ws: Workspace) -> list[QueueEntry]:
    """Hàng chờ duyệt: every open submission on the remote (or local branches without one)."""
    ws.fetch()
    try:
        return queue(ws.git, ws.base, ws.remote)
    except ERRORS as error:
        raise DeskError(f"Không đọc được hàng chờ duyệt: {error}") from error


def branch_ref(ws: Workspace, branch: str) -> str:
    """Where the submission ``branch`` is read: ``origin/<branch>`` when there is a remote."""
    if branch.startswith(f"{REMOTE}/"):
        branch = branch[len(REMOTE) + 1:]
    return f"{REMOTE}/{branch}" if ws.remote else branch


def submission(ws: Workspace, branch: str) -> Review:
    try:
        return review(ws.git, branch_ref(ws, branch), ws.base)
    except ERRORS as error:
        raise DeskError(f"Không đọc được bài gửi duyệt '{branch}': {error}") from error


def member_for(ws: Workspace, key: Path) -> BoardMember:
    """The board member whose key ``key`` is, on the base roster."""
    try:
        board = load_board(ws.git, ws.base)
        member = board.member_with_key(public_key_of(key))
    except ERRORS as error:
        raise DeskError(str(error)) from error
    if member is None or member.revoked:
        state = "đã bị thu hồi quyền duyệt" if member else "không phải khoá của thành viên nào"
        raise DeskError(f"Khoá {key} {state} trong danh sách Ban biên tập.")
    return member


def needs_passphrase(key: Path) -> bool:
    """The key cannot sign without its passphrase (it is protected and no agent holds it)."""
    try:
        public = public_key_of(key)
    except ApprovalError:
        return True
    return not agent_holds(public) and key_has_passphrase(key)


def record(ws: Workspace, branch: str, kind: str, note: str, signer: Signer) -> tuple[BoardMember, str]:
    """Duyệt / Yêu cầu chỉnh sửa: a review signed with the member's key, pushed to the remote."""
    if kind not in (APPROVE, REQUEST_CHANGES):
        raise DeskError("Loại ý kiến không hợp lệ.")
    if kind == REQUEST_CHANGES and not note.strip():
        raise DeskError("Hãy ghi rõ cần chỉnh sửa gì.")
    if not signer.key.is_file():
        raise DeskError(f"Không có tệp khoá {signer.key}.")
    ws.fetch()
    member = member_for(ws, signer.key)
    local = branch.removeprefix(f"{REMOTE}/")
    try:
        if ws.remote:
            ws.git.update_ref(f"refs/heads/{local}", ws.git.text("rev-parse", f"{REMOTE}/{local}"))
        if kind == APPROVE and load_submission(ws.git, local, ws.base, full=False).authors.includes(member):
            raise DeskError(f"{member.name} là tác giả của bài gửi duyệt này nên không thể tự duyệt.")
        with signing_git(ws.git, signer.passphrase) as git:
            commit = record_review(git, local, ws.base, name=member.name, email=member.email,
                                   key=signer.key, kind=kind, note=note)
    except ApprovalError as error:
        raise DeskError(_signing_problem(str(error))) from error
    except ERRORS as error:
        raise DeskError(f"Không ghi được ý kiến duyệt: {error}") from error
    ws.push(local)
    return member, commit


def _signing_problem(message: str) -> str:
    if "passphrase" in message.lower() or "load" in message.lower() or "incorrect" in message.lower():
        return "Không ký được: mật khẩu của khoá không đúng, hoặc khoá không dùng được."
    return message


def merge(ws: Workspace, branch: str) -> MergeResult:
    """Hợp nhất và đăng: the library's merge into ``main``, then ``main`` pushed."""
    ws.fetch()
    local = branch.removeprefix(f"{REMOTE}/")
    try:
        if ws.remote:
            ws.git.update_ref(f"refs/heads/{local}", ws.git.text("rev-parse", f"{REMOTE}/{local}"))
            _main_to_remote(ws)
        result = merge_submission(ws.git, local, "main")
    except ERRORS as error:
        raise DeskError(f"Không hợp nhất được: {error}") from error
    if result.merged:
        ws.push("main")
    return result


def _main_to_remote(ws: Workspace) -> None:
    """Local ``main`` moved to the remote's (a fast-forward; the checkout too when on it)."""
    remote = ws.git.text("rev-parse", f"{REMOTE}/main")
    local = ws.git.resolve("refs/heads/main")
    if local == remote:
        return
    if local and not ws.git.is_ancestor(local, remote):
        raise DeskError("Nhánh main trên máy này có commit chưa đẩy lên máy chủ; không hợp nhất được.")
    if ws.git.current_branch() == "main":
        ws.git.run("merge", "--ff-only", "--quiet", remote)
    else:
        ws.git.update_ref("refs/heads/main", remote, local)


PUBLISHED = "published"
NOT_SENT = "not_sent"
MY_STATES = {NOT_SENT: "Chưa gửi duyệt", PUBLISHED: "Đã hợp nhất và đăng"}


@dataclass
class MySubmission:
    """One row of "Bài của tôi"."""

    name: str
    branch: str
    title: str
    state: str
    review: Review | None = None
    local: bool = False

    @property
    def change_requests(self) -> list:
        return self.review.blocking if self.review else []


def my_submissions(ws: Workspace) -> list[MySubmission]:
    """The user's drafts (on this machine) and submissions (on the remote), with their state."""
    ws.fetch()
    _, email = ws.me()
    rows: dict[str, MySubmission] = {}
    for draft in ws.drafts():
        try:
            title = draft.read_form().get("title") or draft.name
        except (DeskError, OSError):
            title = draft.name
        row = MySubmission(draft.name, draft.branch, title, NOT_SENT, local=True)
        if _sent(ws, draft.branch):
            if ws.git.is_ancestor(draft.git.text("rev-parse", "HEAD"), ws.base):
                row.state = PUBLISHED
            else:
                row.review = submission(ws, draft.branch)
                row.state = row.review.state
        rows[draft.branch] = row
    for entry in submissions(ws) if ws.remote else []:
        name = entry.branch.removeprefix(f"{REMOTE}/")
        if name in rows or entry.review is None or email.lower() not in entry.review.submission.authors.emails:
            continue
        titles = [c.title for c in entry.review.submission.changes if c.title]
        rows[name] = MySubmission(name.rsplit("/", 1)[-1], name, titles[0] if titles else name,
                                  entry.review.state, entry.review)
    return list(rows.values())


def _sent(ws: Workspace, branch: str) -> bool:
    """Whether the branch was ever pushed (its upstream is configured)."""
    return ws.git.config_value(f"branch.{branch}.toasoan-sent") == "true"
