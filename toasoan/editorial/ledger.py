"""The review ledger (sổ duyệt): where approvals and change requests are recorded.

Each record is an SSH-signed commit on the branch ``ban-bien-tap/so-duyet``: its tree is the
empty tree, its one parent is the previous record (none for the first), and its trailers say
what was reviewed::

    Approval: approve            (or: request-changes)
    Submission: gui-duyet/bai-moi
    Approved-tree: <tree id of the submission head that was reviewed>
    Base: <merge base of the submission with the base branch>
    Roster: <base branch head when signing: whose roster the reviewer was on>
    Reviewer: <member e-mail>

The writer's branch carries only the writer's commits, so rewriting it (force-push, rebase,
squash) cannot erase a change request. The ledger read for a review lives in the base's
namespace: base ``refs/heads/main`` → ``refs/heads/ban-bien-tap/so-duyet``, base
``refs/remotes/origin/main`` → ``refs/remotes/origin/ban-bien-tap/so-duyet``.

Every merge into the base names the ledger commit it read (``Review-ledger:``); a ledger
that does not descend from the one named by the latest merge has been rewritten, and
:func:`read_ledger` says so.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..git import EMPTY_TREE, Git, GitError
from ..text import clean_line, nfc
from .refs import HEADS, REMOTES, Branch, ref_commit

LEDGER_BRANCH = "ban-bien-tap/so-duyet"
LOCAL_LEDGER = HEADS + LEDGER_BRANCH

APPROVE, REQUEST_CHANGES = "approve", "request-changes"
KIND_KEY, SUBMISSION_KEY, TREE_KEY = "Approval", "Submission", "Approved-tree"
BASE_KEY, ROSTER_KEY, REVIEWER_KEY = "Base", "Roster", "Reviewer"
LEDGER_KEY = "Review-ledger"
REQUIRED_KEYS = (KIND_KEY, SUBMISSION_KEY, TREE_KEY, BASE_KEY, ROSTER_KEY, REVIEWER_KEY)

_FIELD, _RECORD = "\x1f", "\x1e"
_LOG_FORMAT = _FIELD.join(["%H", "%T", "%P", "%G?", "%GS", "%aI", "%(trailers:only,unfold)", "%B"]) + _RECORD
_EMAIL = re.compile(r"<([^>]+)>")
_OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_NO_COMMIT = "0" * 40


class ApprovalError(Exception):
    """An approval cannot be recorded; the message is in Vietnamese."""


# ---------------------------------------------------------------------- reading records
def trailers(text: str) -> dict[str, list[str]]:
    """``Key: value`` lines (as ``git log %(trailers)`` prints them) by key."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and " " not in key.strip():
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def email_of(value: str) -> str:
    """``Name <a@b>`` or ``a@b`` → ``a@b``."""
    match = _EMAIL.search(value)
    return (match.group(1) if match else value).strip()


@dataclass
class Commit:
    """A ledger commit, parsed from one ``git log`` line, its signature checked."""

    sha: str
    tree: str
    parents: list[str]
    signature: str
    signer: str
    date: dt.datetime
    trailers: dict[str, list[str]]
    body: str

    def first(self, key: str) -> str:
        return (self.trailers.get(key) or [""])[0]

    @property
    def note(self) -> str:
        """The reviewer's words: the body without its subject line and trailers."""
        paragraphs = self.body.strip().split("\n\n")
        return clean_line(" ".join(paragraphs[1:-1])) if len(paragraphs) > 2 else ""

    @property
    def well_formed(self) -> bool:
        """Empty tree, at most one parent, each required trailer exactly once, object ids as such."""
        return (self.tree == EMPTY_TREE and len(self.parents) <= 1
                and all(len(self.trailers.get(k, ())) == 1 and self.first(k) for k in REQUIRED_KEYS)
                and self.first(KIND_KEY) in (APPROVE, REQUEST_CHANGES)
                and all(_OBJECT_ID.fullmatch(self.first(k)) for k in (TREE_KEY, BASE_KEY, ROSTER_KEY)))


def signed_log(git: Git, allowed_signers: str, *args: str) -> list[Commit]:
    """``git log args…`` (newest first), each signature checked against ``allowed_signers``."""
    # A closed file in a temporary folder: on Windows an open temporary file cannot be read by git.
    with tempfile.TemporaryDirectory(prefix="toasoan-") as folder:
        signers = Path(folder) / "allowed_signers"
        signers.write_text(allowed_signers, encoding="utf-8")
        checked = git.with_config(("gpg.ssh.allowedSignersFile", str(signers)))
        out = checked.text("log", "--topo-order", f"--format={_LOG_FORMAT}", *args)
    commits = []
    for chunk in out.split(_RECORD):
        parts = chunk.strip("\n").split(_FIELD)
        if len(parts) < 8:
            continue
        sha, tree, parents, status, signer, date, trailer_text, body = parts[:8]
        commits.append(Commit(sha, tree, parents.split(), status or "N", signer,
                              dt.datetime.fromisoformat(date), trailers(trailer_text), body))
    return commits


# ---------------------------------------------------------------------- the ledger of a base
def ledger_ref(base: Branch) -> str:
    """The ledger in the base's namespace (local, or the base's remote-tracking branches)."""
    return f"{REMOTES}{base.remote}/{LEDGER_BRANCH}" if base.remote else LOCAL_LEDGER


@dataclass
class Ledger:
    """The ledger as read for one review: its ref, head, the submission's records, a problem."""

    ref: str
    head: str | None
    records: list[Commit]
    problem: str | None = None


def last_recorded(git: Git, base: str) -> list[str]:
    """The ledger ids named by the latest merge on the base's first-parent line that names one."""
    return git.text("log", "-1", "--first-parent", f"--grep=^{LEDGER_KEY}:", "--extended-regexp",
                    f"--format=%(trailers:key={LEDGER_KEY},valueonly)", base).split()


def continuity_problem(git: Git, base: str, head: str | None) -> str | None:
    """Why the ledger ``head`` cannot be trusted for ``base``, or None."""
    if head and git.text("rev-list", "--merges", "--max-count=1", head):
        return (f"Sổ duyệt {LEDGER_BRANCH} có commit hợp nhất: sổ chỉ được ghi nối tiếp bằng "
                "'invoke approve'. Báo Kỹ thuật viên khôi phục sổ.")
    lost = [r for r in last_recorded(git, base) if not (head and git.is_ancestor(r, head))]
    if lost:
        return (f"Sổ duyệt {LEDGER_BRANCH} không nối tiếp bản {lost[0][:10]} mà lần hợp nhất gần nhất "
                "đã dùng: lịch sử sổ đã bị viết lại hoặc chưa được tải về (git fetch). "
                "Báo Kỹ thuật viên.")
    return None


def read_ledger(git: Git, base: Branch, submission: str, allowed_signers: str,
                ref: str | None = None) -> Ledger:
    """The records of ``submission`` (newest first) on the base's ledger, or on ``ref``."""
    ref = ref or ledger_ref(base)
    head = ref_commit(git, ref)
    problem = continuity_problem(git, base.sha, head)
    if head is None:
        return Ledger(ref, None, [], problem)
    found = signed_log(git, allowed_signers, "--fixed-strings", f"--grep={SUBMISSION_KEY}: {submission}",
                       head)
    mine = [c for c in found if c.trailers.get(SUBMISSION_KEY) == [submission]]
    return Ledger(ref, head, mine, problem)


# ---------------------------------------------------------------------- writing
def review_message(kind: str, submission: str, tree: str, base: str, roster: str, reviewer: str,
                   note: str = "") -> str:
    subject = ("Duyệt" if kind == APPROVE else "Yêu cầu chỉnh sửa") + f" bài gửi duyệt {submission}"
    lines = [subject, ""]
    if note.strip():
        lines += [note.strip(), ""]
    lines += [f"{KIND_KEY}: {kind}", f"{SUBMISSION_KEY}: {submission}", f"{TREE_KEY}: {tree}",
              f"{BASE_KEY}: {base}", f"{ROSTER_KEY}: {roster}", f"{REVIEWER_KEY}: {reviewer}"]
    return "\n".join(lines) + "\n"


def catch_up(git: Git, remote: str | None) -> str | None:
    """Fast-forward the local ledger to ``<remote>/ban-bien-tap/so-duyet`` when that is ahead
    (create it when missing); the local ledger's head after. Refuses a ledger that went its own way."""
    local = ref_commit(git, LOCAL_LEDGER)
    theirs = ref_commit(git, f"{REMOTES}{remote}/{LEDGER_BRANCH}") if remote else None
    if theirs is None or theirs == local or (local and git.is_ancestor(theirs, local)):
        return local
    if local and not git.is_ancestor(local, theirs):
        raise ApprovalError(
            f"Sổ duyệt trên máy này ({LEDGER_BRANCH}) đã rẽ khỏi {remote}/{LEDGER_BRANCH}. "
            f"Hãy chạy 'git fetch {remote}', rồi báo Kỹ thuật viên nếu vẫn còn lỗi này.")
    git.update_ref(LOCAL_LEDGER, theirs, local or _NO_COMMIT, message=f"toasoan: {LEDGER_BRANCH} từ {remote}")
    return theirs


def record_review(git: Git, submission: Branch, base: Branch, *, name: str, email: str,
                  key: str | Path | None, kind: str = APPROVE, note: str = "") -> str:
    """Add a signed record on the local ledger branch; returns its commit id.

    The local ledger first catches up with the remote one (:func:`catch_up`) of the base,
    or of the remote the local base branch tracks.

    ``key`` is the SSH signing key (private key file, or public key held by ssh-agent);
    None records an unsigned commit (useful only to show that it does not count).
    """
    if kind not in (APPROVE, REQUEST_CHANGES):
        raise ApprovalError(f"Loại ý kiến không hợp lệ: {kind}.")
    merge_base = git.merge_base(base.sha, submission.sha)
    if merge_base is None:
        raise ApprovalError(f"Nhánh '{submission.short}' không có gốc chung với '{base.short}'.")
    parent = catch_up(git, base.remote or git.config_value(f"branch.{base.name}.remote"))
    message = review_message(kind, submission.name, git.tree_of(submission.sha), merge_base, base.sha,
                             email, note)
    signer = git.with_config(("gpg.format", "ssh"), ("user.signingkey", str(key))) if key else git
    name = nfc(name)  # git stores the bytes it is given: one spelling of each name (Git.run: UTF-8 in any locale)
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
           "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    args = ["commit-tree", EMPTY_TREE, *(["-p", parent] if parent else []), "-F", "-",
            "-S" if key else "--no-gpg-sign"]
    try:
        commit = signer.run(*args, stdin=message.encode("utf-8"), env=env).stdout.decode().strip()
        git.update_ref(LOCAL_LEDGER, commit, parent or _NO_COMMIT,
                       message=f"toasoan: {kind} {submission.name}")
    except GitError as error:
        raise ApprovalError(f"Không ghi được ý kiến duyệt vào sổ duyệt: {error}") from error
    return commit
