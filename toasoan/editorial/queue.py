"""``invoke queue``: every open submission branch and where it stands."""

from __future__ import annotations

from dataclasses import dataclass

from .board import BoardError
from .git import Git
from .ledger import LEDGER_BRANCH
from .review import STATES, Review, ReviewError, review


@dataclass
class QueueEntry:
    branch: str
    review: Review | None
    error: str | None = None

    @property
    def state(self) -> str:
        return self.review.state if self.review else "error"


def open_branches(git: Git, base: str = "main", remote: str | None = None) -> list[str]:
    """Branches with commits not yet in ``base``: local ones, or those of ``remote``."""
    pattern = f"refs/remotes/{remote}" if remote else "refs/heads"
    names = git.text("for-each-ref", "--format=%(refname:short)", pattern).split()
    skip = {base, f"{remote}/{base}", f"{remote}/HEAD", remote or "", LEDGER_BRANCH, f"{remote}/{LEDGER_BRANCH}"}
    return [n for n in names if n not in skip
            and git.text("rev-list", "--count", f"{base}..{n}") != "0"]


def queue(git: Git, base: str = "main", remote: str | None = None) -> list[QueueEntry]:
    """Review every open branch (changed files only: the full check is ``invoke review``)."""
    entries = []
    for branch in open_branches(git, base, remote):
        try:
            entries.append(QueueEntry(branch, review(git, branch, base, full=False)))
        except (ReviewError, BoardError) as error:
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
        if waiting and entry.state != "approved":
            lines.append(f"    Còn chờ: {'; '.join(waiting)}")
    return "\n".join(lines)
