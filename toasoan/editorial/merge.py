"""Merge a submission: only when its review passes, always ``--no-ff`` with ``Reviewed-by:``.

The merge commit is built without touching the work tree (``git merge-tree --write-tree``
then ``git commit-tree``) and the base branch moves by compare-and-swap, so a refusal or a
conflict leaves the base branch exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Finding, has_errors
from ..git import Git, GitError
from .board import CHANGE_KINDS
from .refs import Branch, resolve_branch
from .report import merge_trailers
from .review import Review, review
from .tree import read_tree

SUBMISSION_KEY = "Submission"


@dataclass
class MergeResult:
    """What ``invoke merge`` did: the merge commit, or why it refused."""

    review: Review
    commit: str | None = None
    refusal: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def merged(self) -> bool:
        return self.commit is not None


def merge_message(rev: Review) -> str:
    sub = rev.submission
    counts: dict[str, int] = {}
    for change in sub.changes:
        for kind in change.kinds:
            counts[kind] = counts.get(kind, 0) + 1
    summary = [f"- {CHANGE_KINDS.get(k, k)}: {n}" for k, n in counts.items()]
    into = sub.base_branch.name if sub.base_branch else sub.base
    return "\n".join([
        f"Hợp nhất bài gửi duyệt '{sub.branch}' vào {into}", "", *summary, "",
        f"{SUBMISSION_KEY}: {sub.branch}", f"Approved-tree: {sub.tree}", *merge_trailers(rev),
    ]) + "\n"


def merge_submission(git: Git, branch: str | Branch, base: str | Branch = "main") -> MergeResult:
    """Merge ``branch`` into the local branch named like ``base`` if, and only if, the review passes.

    ``base`` may be the remote's (``origin/main``): the review then reads the shared roster
    and ledger, and the local ``main`` must point at the same commit (bring it up to date first).
    """
    target = resolve_branch(git, base)
    rev = review(git, branch, target)
    sub = rev.submission
    if not rev.mergeable:
        return MergeResult(rev, refusal="Bài gửi duyệt chưa đủ điều kiện hợp nhất.")
    ref = f"refs/heads/{target.name}"
    if git.resolve(ref) != sub.base_head:
        return MergeResult(rev, refusal=f"Nhánh '{target.name}' trên máy này khác '{target.short}'; "
                                        f"hãy cập nhật nó (git switch {target.name} && git pull --ff-only) "
                                        "rồi chạy lại.")
    result = git.run("merge-tree", "--write-tree", "--no-messages", sub.base_head, sub.head, check=False)
    if result.returncode != 0:
        return MergeResult(rev, refusal=f"Nhánh xung đột với {target.short}; người gửi cần cập nhật "
                                        "nhánh (docs/editorial-review.md, mục 4) rồi xin duyệt lại.")
    tree = result.stdout.decode().split()[0]
    merged = read_tree(git, tree)
    if has_errors(merged.findings):
        return MergeResult(rev, findings=merged.findings,
                           refusal=f"Sau khi gộp với {target.short}, nội dung có lỗi; hãy cập nhật nhánh.")
    try:
        commit = git.text("commit-tree", tree, "-p", sub.base_head, "-p", sub.head, "-F", "-",
                          stdin=merge_message(rev).encode("utf-8"))
        if git.current_branch() == target.name:
            git.run("merge", "--ff-only", "--quiet", commit)
        else:
            git.update_ref(ref, commit, sub.base_head, message=f"toasoan: merge {sub.branch}")
    except GitError as error:
        return MergeResult(rev, refusal=f"Không hợp nhất được: {error}")
    return MergeResult(rev, commit=commit)
