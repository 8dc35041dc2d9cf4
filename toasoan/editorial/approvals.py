"""Approvals and change requests: signed empty commits on the submission branch.

An :class:`Approval` (or a :class:`ChangeRequest`) is a commit whose tree is its parent's
tree, signed with the reviewer's SSH key through git's own signing (``gpg.format=ssh``),
carrying trailers::

    Approval: approve            (or: request-changes)
    Approved-tree: <tree id of the branch head that was reviewed>
    Base: <merge base with the base branch>
    Reviewer: <member e-mail>

It travels with the branch, leaves the content untouched, and stays in the merged history
as evidence. Verification uses an allowed-signers file built from the base roster and
checks that the verified signer is the member the record names.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..text import clean_line
from .board import BoardMember, EditorialBoard, same_person
from .git import Git, GitError

APPROVE, REQUEST_CHANGES = "approve", "request-changes"
KIND_KEY, TREE_KEY, BASE_KEY, REVIEWER_KEY = "Approval", "Approved-tree", "Base", "Reviewer"

# Why a record does not count (Vietnamese, shown to the board).
MALFORMED = "bản ghi không hợp lệ (không phải commit rỗng hoặc thiếu thông tin)"
NOT_MEMBER = "người duyệt không có trong danh sách Ban biên tập của nhánh gốc"
REVOKED = "thành viên đã bị thu hồi quyền duyệt"
UNSIGNED = "không có chữ ký"
BAD_SIGNATURE = "chữ ký không hợp lệ hoặc không phải khoá của thành viên"
FORGED = "chữ ký của người khác với người duyệt được ghi"
SELF = "người duyệt là tác giả của bài gửi duyệt"
STALE = "đã duyệt một phiên bản cũ (nội dung đã thay đổi sau đó)"
SUPERSEDED = "đã được thay bằng ý kiến mới hơn của cùng người duyệt"

_FIELD, _RECORD = "\x1f", "\x1e"
_LOG_FORMAT = _FIELD.join(["%H", "%T", "%P", "%G?", "%GS", "%aI", "%(trailers:only,unfold)", "%B"]) + _RECORD
_EMAIL = re.compile(r"<([^>]+)>")


class ApprovalError(Exception):
    """An approval cannot be recorded; the message is in Vietnamese."""


@dataclass
class ReviewRecord:
    """One recorded review, as found on the branch, with the verdict on it."""

    commit: str
    reviewer: str
    tree: str
    base: str
    date: dt.datetime
    note: str
    signature: str = "N"
    signer: str = ""
    order: int = 0
    member: BoardMember | None = None
    problem: str | None = None

    kind = ""

    @property
    def authentic(self) -> bool:
        """Signed by the member it names, who is on the base roster and not revoked."""
        return self.member is not None and self.problem in (None, SELF, STALE, SUPERSEDED)

    @property
    def counts(self) -> bool:
        return self.problem is None

    def who(self) -> str:
        return self.member.name if self.member else self.reviewer


@dataclass
class Approval(ReviewRecord):
    """"Duyệt": the member approves exactly this tree."""

    kind = APPROVE


@dataclass
class ChangeRequest(ReviewRecord):
    """"Yêu cầu chỉnh sửa": blocks the submission until the member approves again."""

    kind = REQUEST_CHANGES


@dataclass
class Authorship:
    """Who wrote the submission: authors of its content commits and of its articles."""

    emails: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def includes(self, member: BoardMember) -> bool:
        return member.email.lower() in self.emails or any(same_person(member.name, n) for n in self.names)


# ---------------------------------------------------------------------- reading
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


def _note(body: str) -> str:
    """The reviewer's words: the body without its subject line and trailers."""
    paragraphs = body.strip().split("\n\n")
    return clean_line(" ".join(paragraphs[1:-1])) if len(paragraphs) > 2 else ""


@dataclass
class Commit:
    """A commit of the submission range, parsed from one ``git log`` line."""

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


def read_commits(git: Git, base: str, head: str, allowed_signers: str) -> list[Commit]:
    """Commits in ``base..head`` (newest first), each signature checked against the roster."""
    with tempfile.NamedTemporaryFile("w", suffix=".allowed_signers", encoding="utf-8") as signers:
        signers.write(allowed_signers)
        signers.flush()
        checked = git.with_config(("gpg.ssh.allowedSignersFile", signers.name))
        out = checked.text("log", "--topo-order", f"--format={_LOG_FORMAT}", f"{base}..{head}")
    commits = []
    for chunk in out.split(_RECORD):
        parts = chunk.strip("\n").split(_FIELD)
        if len(parts) < 8:
            continue
        sha, tree, parents, status, signer, date, trailer_text, body = parts[:8]
        commits.append(Commit(sha, tree, parents.split(), status or "N", signer,
                              dt.datetime.fromisoformat(date), trailers(trailer_text), body))
    return commits


def is_review(commit: Commit) -> bool:
    return KIND_KEY in commit.trailers


def records_from(git: Git, commits: list[Commit], board: EditorialBoard) -> list[ReviewRecord]:
    """The review records among ``commits``, each verified (``problem`` says what is wrong)."""
    candidates = [c for c in commits if is_review(c)]
    parent_trees = _parent_trees(git, candidates)
    records: list[ReviewRecord] = []
    for order, commit in enumerate(candidates):
        kind = commit.first(KIND_KEY)
        cls = ChangeRequest if kind == REQUEST_CHANGES else Approval
        record = cls(commit=commit.sha, reviewer=email_of(commit.first(REVIEWER_KEY)),
                     tree=commit.first(TREE_KEY), base=commit.first(BASE_KEY), date=commit.date,
                     note=_note(commit.body), signature=commit.signature, signer=commit.signer,
                     order=order)
        well_formed = (kind in (APPROVE, REQUEST_CHANGES) and record.reviewer and record.base
                       and len(commit.parents) == 1 and record.tree == commit.tree
                       and parent_trees.get(commit.sha) == commit.tree)
        member = board.member(record.reviewer) if well_formed else None
        if not well_formed:
            record.problem = MALFORMED
        elif member is None:
            record.problem = NOT_MEMBER
        elif member.revoked:
            record.problem = REVOKED
        elif commit.signature == "N":
            record.problem = UNSIGNED
        elif commit.signature != "G":
            record.problem = BAD_SIGNATURE
        elif commit.signer.lower() != member.email.lower():
            record.problem = FORGED
        else:
            record.member = member
        records.append(record)
    return records


def _parent_trees(git: Git, commits: list[Commit]) -> dict[str, str]:
    """Tree of each commit's first parent, in one ``git rev-parse`` call."""
    single = [c for c in commits if len(c.parents) == 1]
    if not single:
        return {}
    trees = git.text("rev-parse", *(f"{c.parents[0]}^{{tree}}" for c in single)).split()
    return {c.sha: t for c, t in zip(single, trees, strict=True)}


def judge(records: list[ReviewRecord], head_tree: str, merge_base: str, authors: Authorship) -> None:
    """Decide which authentic records count: each member's latest word, on the current tree."""
    seen: set[str] = set()
    for record in sorted(records, key=lambda r: r.order):
        if not record.authentic or record.member is None:
            continue
        email = record.member.email.lower()
        if email in seen:
            record.problem = SUPERSEDED
            continue
        seen.add(email)
        if isinstance(record, ChangeRequest):
            continue  # the member's latest word is "request changes": it blocks
        if authors.includes(record.member):
            record.problem = SELF
        elif record.tree != head_tree or record.base != merge_base:
            record.problem = STALE


# ---------------------------------------------------------------------- writing
def public_key_of(key_path: str | Path) -> str:
    """The public key for a signing key: ``key.pub`` beside it, or ``ssh-keygen -y``."""
    path = Path(key_path).expanduser()
    pub = path if path.suffix == ".pub" else path.with_name(path.name + ".pub")
    if pub.is_file():
        return pub.read_text(encoding="utf-8").strip()
    result = subprocess.run(["ssh-keygen", "-y", "-f", str(path)], capture_output=True, text=True,
                            check=False, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise ApprovalError(f"Không đọc được khoá SSH {path}: {result.stderr.strip()}")
    return result.stdout.strip()


def local_branch(git: Git, name: str) -> str:
    """The local branch ``name``, created from ``origin/name`` when only that exists."""
    if git.resolve(f"refs/heads/{name}"):
        return name
    remote = git.resolve(f"refs/remotes/origin/{name}")
    if remote:
        git.run("branch", name, remote)
        return name
    raise ApprovalError(f"Không có nhánh '{name}'.")


def review_message(kind: str, branch: str, tree: str, base: str, reviewer: str, note: str = "") -> str:
    subject = ("Duyệt" if kind == APPROVE else "Yêu cầu chỉnh sửa") + f" bài gửi duyệt {branch}"
    lines = [subject, ""]
    if note.strip():
        lines += [note.strip(), ""]
    lines += [f"{KIND_KEY}: {kind}", f"{TREE_KEY}: {tree}", f"{BASE_KEY}: {base}",
              f"{REVIEWER_KEY}: {reviewer}"]
    return "\n".join(lines) + "\n"


def record_review(git: Git, branch: str, base: str, *, name: str, email: str,
                  key: str | Path | None, kind: str = APPROVE, note: str = "") -> str:
    """Add a signed review commit on top of ``branch``; returns its id.

    ``key`` is the SSH signing key (private key file, or public key held by ssh-agent);
    None records an unsigned commit (useful only to show that it does not count).
    """
    if kind not in (APPROVE, REQUEST_CHANGES):
        raise ApprovalError(f"Loại ý kiến không hợp lệ: {kind}.")
    ref = f"refs/heads/{branch}"
    head = git.resolve(ref)
    if head is None:
        raise ApprovalError(f"Không có nhánh '{branch}'.")
    merge_base = git.merge_base(base, head)
    if merge_base is None:
        raise ApprovalError(f"Nhánh '{branch}' không có gốc chung với '{base}'.")
    tree = git.tree_of(head)
    message = review_message(kind, branch, tree, merge_base, email, note)
    signer = git.with_config(("gpg.format", "ssh"), ("user.signingkey", str(key))) if key else git
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
           "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    args = ["commit-tree", tree, "-p", head, "-F", "-", "-S" if key else "--no-gpg-sign"]
    try:
        commit = signer.run(*args, stdin=message.encode("utf-8"), env=env).stdout.decode().strip()
    except GitError as error:
        raise ApprovalError(f"Không ký được bản ghi duyệt: {error}") from error
    git.update_ref(ref, commit, head, message=f"toasoan: {kind} {branch}")
    return commit
