"""``invoke queue``: every open submission branch and where it stands."""

from __future__ import annotations

from dataclasses import dataclass

from ..git import Git
from .board import BoardError
from .ledger import LEDGER_BRANCH
from .refs import Branch, BranchError, resolve_branch
from .review import STATES, Review, ReviewError, review

PUBLISH_BRANCH = "gh-pages"  # written by 'invoke publish': built pages, never a submission
NOT_SUBMISSIONS = {LEDGER_BRANCH, PUBLISH_BRANCH, "HEAD"}


@dataclass
class QueueEntry:
    branch: str
    review: Review | None
    error: str | None = None

    @property
    def state(self) -> str:
        return self.review.state if self.review else "error"


def open_branches(git: Git, base: str | Branch = "main", remote: str | None = None) -> list[str]:
    """Submission branches with commits not yet in ``base``: local ones, or those of ``remote``.

    Never the base, the review ledger, the publish branch, ``HEAD``, nor a branch without
    history in common with the base.
    """
    target = resolve_branch(git, base)
    prefix = f"refs/remotes/{remote}/" if remote else "refs/heads/"
    found = []
    for line in git.text("for-each-ref", "--format=%(refname) %(objectname)", prefix).splitlines():
        ref, _, sha = line.rpartition(" ")
        name = ref[len(prefix):]
        if name in NOT_SUBMISSIONS or name == target.name or ref == target.ref:
            continue
        if git.merge_base(target.sha, sha) and not git.is_ancestor(sha, target.sha):
            found.append(f"{remote}/{name}" if remote else name)
    return found


def queue(git: Git, base: str | Branch = "main", remote: str | None = None) -> list[QueueEntry]:
    """Review every open branch (changed files only: the full check is ``invoke review``)."""
    entries = []
    for branch in open_branches(git, base, remote):
        try:
            entries.append(QueueEntry(branch, review(git, branch, base, full=False)))
        except (ReviewError, BoardError, BranchError) as error:
            entries.append(QueueEntry(branch, None, str(error)))
    return entries


def format_queue(entries: list[QueueEntry]) -> str:
    if not entries:
        return "Không có bài gửi duyệt nào đang mở."
    lines = [f"{len(entries)} bài gửi duyệt đang mở:", ""]
    for entry in entries:
        if entry.review is None:
            lines.append(f"  {entry.branch}\n    Lỗi: {entry.error}")
            continue
        sub = entry.review.submission
        titles = "; ".join(c.title for c in sub.changes if c.title) or f"{len(sub.changes)} tệp"
        waiting = [r.rule.label for r in entry.review.results if not r.satisfied]
        lines.append(f"  {entry.branch}  [{STATES[entry.state]}]\n    {titles}")
        for request in entry.review.blocking:
            lines.append(f"    Yêu cầu chỉnh sửa của {request.who()}: " + (
                f"người viết đã gửi bản sửa, chờ {request.who()} xem lại rồi duyệt" if request.tree != sub.tree
                else "chờ người viết sửa"))
        if waiting and entry.state != "approved":
            lines.append(f"    Còn chờ: {'; '.join(waiting)}")
    return "\n".join(lines)
