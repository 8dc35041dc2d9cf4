"""What the editorial ``invoke`` tasks do: print for people, return an exit code."""

from __future__ import annotations

import sys
from pathlib import Path

from ..findings import format_summary, format_text
from . import codeowners
from .approvals import APPROVE, REQUEST_CHANGES, ApprovalError, approve_submission
from .board import BoardError
from .git import Git, GitError
from .merge import merge_submission
from .queue import format_queue, queue
from .refs import BranchError
from .report import format_review
from .review import STATES, ReviewError, review
from .submit import SubmitError, next_steps, submit

ERRORS = (ReviewError, BoardError, ApprovalError, SubmitError, GitError, BranchError)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def review_command(branch: str, base: str = "main", fmt: str = "text", root: str = ".") -> int:
    """``invoke review``: 0 only when the branch may merge."""
    try:
        result = review(Git(root), branch, base)
    except ERRORS as error:
        return _fail(f"Không duyệt được '{branch}': {error}")
    print(format_review(result, fmt))
    return 0 if result.mergeable else 1


def default_key(git: Git) -> str:
    """The signing key: git's ``user.signingkey``, else ``~/.ssh/id_ed25519``."""
    return git.config_value("user.signingkey") or str(Path("~/.ssh/id_ed25519").expanduser())


def approve_command(branch: str, base: str = "main", request_changes: bool = False,
                    message: str = "", key: str | None = None, root: str = ".") -> int:
    """``invoke approve``: record a signed approval (or change request) in the review ledger."""
    git = Git(root)
    kind = REQUEST_CHANGES if request_changes else APPROVE
    try:
        done = approve_submission(git, branch, base, key=key or default_key(git), kind=kind, note=message)
    except ERRORS as error:
        return _fail(f"Không ghi được ý kiến duyệt: {error}")
    verb = "phê duyệt" if kind == APPROVE else "yêu cầu chỉnh sửa"
    print(f"Đã ghi {verb} của {done.member.name} cho '{done.review.submission.branch}' vào sổ duyệt "
          f"(commit {done.commit[:10]}).")
    print(f"Tình trạng bài gửi duyệt: {STATES[done.review.state]}.")
    print("Bước tiếp theo: git push origin refs/heads/ban-bien-tap/so-duyet")
    return 0


def merge_command(branch: str, base: str = "main", root: str = ".") -> int:
    """``invoke merge``: refuse unless the review passes; ``--no-ff`` with ``Reviewed-by:``."""
    try:
        result = merge_submission(Git(root), branch, base)
    except ERRORS as error:
        return _fail(f"Không hợp nhất được '{branch}': {error}")
    if not result.merged:
        print(format_review(result.review), file=sys.stderr)
        if result.findings:
            print(format_text(result.findings) + "\n" + format_summary(result.findings), file=sys.stderr)
        return _fail(f"\nTừ chối hợp nhất: {result.refusal} Nhánh '{base}' được giữ nguyên.")
    print(f"Đã hợp nhất '{branch}' vào '{base}' (commit {result.commit[:10]}).")
    print(f"Bước tiếp theo: git push origin {base}")
    return 0


def queue_command(base: str = "main", remote: str | None = None, root: str = ".") -> int:
    try:
        entries = queue(Git(root), base, remote)
    except ERRORS as error:
        return _fail(f"Không đọc được danh sách bài gửi duyệt: {error}")
    print(format_queue(entries))
    return 0


def submit_command(base: str = "main", branch: str | None = None, message: str | None = None,
                   root: str = ".") -> int:
    try:
        result = submit(Git(root), base, branch, message)
    except SubmitError as error:
        if error.findings:
            print(format_text(error.findings), file=sys.stderr)
        return _fail(str(error))
    except GitError as error:
        return _fail(f"Không gửi duyệt được: {error}")
    print(next_steps(result, base))
    return 0


def board_command(root: str = ".") -> int:
    """``invoke board``: regenerate ``.github/CODEOWNERS`` from the roster."""
    try:
        path = codeowners.write(root)
    except (BoardError, OSError) as error:
        return _fail(f"Không sinh được CODEOWNERS: {error}")
    print(f"Đã ghi {path}.")
    return 0
