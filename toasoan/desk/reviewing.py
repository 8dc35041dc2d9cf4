"""The board's side of the desk: the queue, one submission, and a signed review or a merge,
each pushed to the remote. Every verdict is the library's (:mod:`toasoan.editorial`)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path

from ..editorial.approvals import APPROVE, REQUEST_CHANGES, ApprovalError, public_key_of
from ..editorial.board import BoardError, BoardMember
from ..editorial.cli import Clone, merge_and_push, record_and_push
from ..editorial.merge import MergeResult
from ..editorial.preview import PreviewError, PreviewResult, build_preview
from ..editorial.queue import QueueEntry, queue
from ..editorial.refs import BranchError
from ..editorial.remote import RemoteError
from ..editorial.review import Review, ReviewError, review
from ..editorial.submit import BRANCH_PREFIX
from ..git import GitError
from .signing import agent_holds, key_has_passphrase, signing_git
from .workspace import DeskError, Workspace

ERRORS = (ReviewError, BoardError, ApprovalError, GitError, BranchError, RemoteError, PreviewError)


@dataclass
class Signer:
    """The key a member signs with (a private key file), and its passphrase for this one signature."""

    key: Path
    passphrase: str | None = None


def clone_of(ws: Workspace) -> Clone:
    """The user's clone, fetched, with the remote's ``main`` as the base (the CLI's own view)."""
    try:
        return Clone.open(str(ws.root))
    except ERRORS as error:
        raise DeskError(str(error)) from error


def submissions(ws: Workspace) -> list[QueueEntry]:
    """Hàng chờ duyệt: every open submission on the remote (or local branches without one)."""
    clone = clone_of(ws)
    try:
        return queue(clone.git, clone.base, clone.remote)
    except ERRORS as error:
        raise DeskError(f"Không đọc được hàng chờ duyệt: {error}") from error


def submission(ws: Workspace, branch: str, clone: Clone | None = None) -> Review:
    """One submission, by the name the queue shows (``origin/gui-duyet/x`` or ``gui-duyet/x``)."""
    clone = clone or clone_of(ws)
    try:
        return review(clone.git, clone.submission(branch), clone.base)
    except ERRORS as error:
        raise DeskError(f"Không đọc được bài gửi duyệt '{branch}': {error}") from error


def preview(ws: Workspace, branch: str) -> PreviewResult:
    """Xem trước: the submission's changed pages built with the base's code (never its own),
    into ``.git/toasoan/xem-truoc/<commit>`` (kept: a commit's pages never change)."""
    clone = clone_of(ws)
    try:
        sub = clone.submission(branch)
        dest = ws.drafts_dir.parent / "xem-truoc" / f"{sub.sha}-{clone.base.sha[:12]}"
        return build_preview(clone.git, sub, clone.base, dest)
    except ERRORS as error:
        raise DeskError(f"Không dựng được bản xem trước: {error}") from error


def needs_passphrase(key: Path) -> bool:
    """The key cannot sign without its passphrase (it is protected and no agent holds it)."""
    try:
        public = public_key_of(key)
    except ApprovalError:
        return False
    return not agent_holds(public) and key_has_passphrase(key)


def record(ws: Workspace, branch: str, kind: str, note: str, signer: Signer) -> tuple[BoardMember, str]:
    """Duyệt / Yêu cầu chỉnh sửa: a review signed with the member's key, in the review ledger,
    pushed to the remote."""
    if kind not in (APPROVE, REQUEST_CHANGES):
        raise DeskError("Loại ý kiến không hợp lệ.")
    if not signer.key.is_file():
        raise DeskError(f"Không có tệp khoá {signer.key}.")
    if not signer.passphrase and needs_passphrase(signer.key):
        raise DeskError("Khoá này có mật khẩu: hãy gõ mật khẩu của khoá để ký.")
    clone = clone_of(ws)
    try:
        with signing_git(clone.git, signer.passphrase) as git:
            done, _ = record_and_push(replace(clone, git=git), clone.submission(branch), key=signer.key,
                                      kind=kind, note=note, push_ledger=True)
    except ApprovalError as error:
        raise DeskError(_signing_problem(str(error))) from error
    except ERRORS as error:
        raise DeskError(f"Không ghi được ý kiến duyệt: {error}") from error
    return done.member, done.commit


def _signing_problem(message: str) -> str:
    if "passphrase" in message.lower() or "load key" in message.lower():
        return "Không ký được: mật khẩu của khoá không đúng, hoặc khoá không dùng được."
    return message


def merge(ws: Workspace, branch: str) -> MergeResult:
    """Hợp nhất và đăng: the library's merge into ``main``, then ``main`` pushed."""
    try:
        result, _, _ = merge_and_push(clone_of(ws), branch, push_base=True)
    except ERRORS as error:
        raise DeskError(f"Không hợp nhất được: {error}") from error
    return result

PUBLISHED = "published"
SUBMIT_SUBJECT = "Gửi duyệt: "  # toasoan.editorial.submit's commit subject
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
        row = MySubmission(draft.name, draft.branch, draft.name, NOT_SENT, local=True)
        head = draft.git.text("rev-parse", "HEAD")
        if _sent(ws, draft.branch) and ws.git.is_ancestor(head, ws.base):
            row.state, row.local = PUBLISHED, False  # in main: nothing left to edit here
            row.title = _title(draft.git.text("log", "-1", "--format=%s", head), draft.name)
        else:
            with contextlib.suppress(DeskError, OSError):
                row.title = draft.read_form().get("title") or draft.name
            if _sent(ws, draft.branch):
                row.review = submission(ws, draft.branch)
                row.state = row.review.state
        rows[draft.branch] = row
    for entry in submissions(ws) if ws.remote else []:
        name = entry.branch.removeprefix(f"{ws.remote}/")
        if name in rows or entry.review is None or email.lower() not in entry.review.submission.authors.emails:
            continue
        titles = [c.title for c in entry.review.submission.changes if c.title]
        rows[name] = MySubmission(name.rsplit("/", 1)[-1], name, titles[0] if titles else name,
                                  entry.review.state, entry.review)
    for row in _published_elsewhere(ws, email):
        rows.setdefault(row.branch, row)
    return list(rows.values())


def _published_elsewhere(ws: Workspace, email: str) -> list[MySubmission]:
    """The user's submissions on the remote that are already in ``main`` (sent from any machine)."""
    if not ws.remote or not email:
        return []
    prefix = f"refs/remotes/{ws.remote}/"
    lines = ws.git.text("for-each-ref", "--format=%(refname)%00%(objectname)%00%(authoremail)%00%(contents:subject)",
                        prefix + BRANCH_PREFIX).splitlines()
    rows = []
    for line in lines:
        ref, sha, author, subject = line.split("\0", 3)
        if author.strip("<>").lower() == email.lower() and ws.git.is_ancestor(sha, ws.base):
            name = ref[len(prefix):]
            rows.append(MySubmission(name.removeprefix(BRANCH_PREFIX), name, _title(subject, name), PUBLISHED))
    return rows


def _title(subject: str, fallback: str) -> str:
    """A submission's title from its commit subject (``Gửi duyệt: <title>``)."""
    return subject.removeprefix(SUBMIT_SUBJECT).strip() or fallback


def _sent(ws: Workspace, branch: str) -> bool:
    """Whether the branch was ever pushed (its upstream is configured)."""
    return ws.git.config_value(f"branch.{branch}.toasoan-sent") == "true"
