"""Approvals and change requests: signed records in the review ledger, verified.

An :class:`Approval` (or a :class:`ChangeRequest`) is a signed commit on the review ledger
(:mod:`.ledger`) naming the submission, the tree reviewed and the merge base. Verification
uses an allowed-signers file built from the base roster and checks that the verified signer
is the member the record names. Then :func:`judge` decides which records count: each
member's latest word, on the current tree, not by an author of the submission, and only
from someone who stayed on the board (same key) since signing (:func:`continuous`).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..git import Git
from .board import BOARD_FILE, BoardError, BoardMember, EditorialBoard, key_id, parse_members
from .ledger import (
    APPROVE,
    BASE_KEY,
    KIND_KEY,
    LOCAL_LEDGER,
    REQUEST_CHANGES,
    REVIEWER_KEY,
    ROSTER_KEY,
    TREE_KEY,
    ApprovalError,
    Commit,
    email_of,
    record_review,
)
from .refs import Branch, BranchError, resolve_branch

if TYPE_CHECKING:
    from .review import Review

__all__ = ["APPROVE", "REQUEST_CHANGES", "ApprovalError", "ApprovalResult", "approve_submission"]

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
LAPSED = ("người duyệt không ở Ban biên tập liên tục từ khi duyệt "
          "(đã bị gỡ, thu hồi quyền hoặc đổi khoá sau đó)")
ELSEWHERE = "đã duyệt theo một nhánh gốc khác (commit Roster không thuộc lịch sử nhánh gốc)"


@dataclass
class ReviewRecord:
    """One recorded review, as found in the ledger, with the verdict on it."""

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
    roster: str = ""

    kind = ""

    @property
    def authentic(self) -> bool:
        """Signed by the member it names, who is on the base roster and not revoked."""
        return self.member is not None and self.problem in (None, SELF, STALE, SUPERSEDED, LAPSED, ELSEWHERE)

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
    """"Yêu cầu chỉnh sửa": blocks the submission until the same member approves later."""

    kind = REQUEST_CHANGES


@dataclass
class Authorship:
    """Who wrote the submission: e-mails and names of its real content commits' authors and
    the bylines of its changed documents, resolved to members through the base's people."""

    board: EditorialBoard
    emails: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def includes(self, member: BoardMember) -> bool:
        return self.board.is_author(member, self.names, self.emails)


# ---------------------------------------------------------------------- verifying
def records_from(commits: list[Commit], board: EditorialBoard) -> list[ReviewRecord]:
    """The review records among ledger ``commits`` (newest first), each verified
    (``problem`` says what is wrong)."""
    records: list[ReviewRecord] = []
    for order, commit in enumerate(commits):
        cls = ChangeRequest if commit.first(KIND_KEY) == REQUEST_CHANGES else Approval
        record = cls(commit=commit.sha, reviewer=email_of(commit.first(REVIEWER_KEY)),
                     tree=commit.first(TREE_KEY), base=commit.first(BASE_KEY), date=commit.date,
                     note=commit.note, signature=commit.signature, signer=commit.signer,
                     order=order, roster=commit.first(ROSTER_KEY))
        member = board.member(record.reviewer) if commit.well_formed else None
        if not commit.well_formed:
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


def continuous(git: Git, base_head: str) -> Callable[[ReviewRecord], str | None]:
    """Why a record's signer does not count for membership (None: they do): they must have been
    an active member with the same key in every version of the roster on the base's first-parent
    line from the record's ``Roster`` commit to ``base_head``."""
    rosters: dict[str, tuple[BoardMember, ...]] = {}

    def versions(start: str) -> list[tuple[BoardMember, ...]]:
        commits = [start, *git.text("rev-list", "--first-parent", base_head, f"^{start}").split()]
        out = git.run("cat-file", "--batch-check=%(objectname)",
                      stdin="".join(f"{c}:{BOARD_FILE}\n" for c in commits).encode()).stdout.decode()
        found = []
        for blob in dict.fromkeys(line.split()[0] for line in out.splitlines()):
            if blob not in rosters:
                raw = git.cat_files([blob])[0] if ":" not in blob else None  # "<rev>:<path> missing"
                try:
                    rosters[blob] = parse_members(raw) if raw else ()
                except BoardError:
                    rosters[blob] = ()
            found.append(rosters[blob])
        return found

    def check(record: ReviewRecord) -> str | None:
        member = record.member
        if member is None or not record.roster or not git.is_ancestor(record.roster, base_head):
            return ELSEWHERE
        stayed = all(any(m.email.lower() == member.email.lower() and m.active and key_id(m.key) == key_id(member.key)
                         for m in roster) for roster in versions(record.roster))
        return None if stayed else LAPSED

    return check


def judge(records: list[ReviewRecord], head_tree: str, merge_base: str, authors: Authorship,
          membership: Callable[[ReviewRecord], str | None] = lambda record: None) -> None:
    """Decide which authentic records count: each member's latest word, on the current tree,
    by a member who is no author and stayed on the board since signing (``membership``
    says why not, see :func:`continuous`)."""
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
        else:
            record.problem = membership(record)


# ---------------------------------------------------------------------- writing
def public_key_of(key_path: str | Path) -> str:
    """The public key for a signing key: ``key.pub`` beside it, or ``ssh-keygen -y``."""
    path = Path(key_path).expanduser()
    pub = path if path.suffix == ".pub" else path.with_name(path.name + ".pub")
    if not path.is_file() and not pub.is_file():
        raise ApprovalError(f"Không có tệp khoá SSH {path}. Tạo khoá bằng: ssh-keygen -t ed25519 (rồi gửi tệp "
                            ".pub cho Kỹ thuật viên), hoặc chỉ rõ khoá đã đăng ký: --key <tệp khoá>.")
    if pub.is_file():
        return pub.read_text(encoding="utf-8").strip()
    # -P "": a key with a passphrase fails here instead of asking for it on the terminal
    result = subprocess.run(["ssh-keygen", "-y", "-P", "", "-f", str(path)], capture_output=True, text=True,
                            check=False, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise ApprovalError(f"Không đọc được khoá công khai của {path}: {result.stderr.strip()}. "
                            f"Đặt tệp khoá công khai {pub.name} cạnh khoá rồi làm lại.")
    return result.stdout.strip()


@dataclass
class ApprovalResult:
    """What :func:`approve_submission` recorded: whose word, the ledger commit, the review after."""

    member: BoardMember
    commit: str
    review: Review


def approve_submission(git: Git, submission: str | Branch, base: str | Branch = "main", *,
                       key: str | Path, kind: str = APPROVE, note: str = "") -> ApprovalResult:
    """Record ``kind`` on ``submission`` in the local ledger, signed with ``key``.

    Refuses a key that is no active member's on the base roster, a change request without a
    reason, and an approval by an author of the submission.
    """
    from .review import load_submission, review  # late: review imports this module

    if kind == REQUEST_CHANGES and not note.strip():
        raise ApprovalError("Hãy ghi lý do yêu cầu chỉnh sửa: -m \"…\".")
    try:
        sub, target = resolve_branch(git, submission), resolve_branch(git, base)
    except BranchError as error:
        raise ApprovalError(str(error)) from error
    loaded = load_submission(git, sub, target, full=False)
    member = loaded.board.member_with_key(public_key_of(key))
    if member is None or member.revoked:
        state = "đã bị thu hồi quyền duyệt" if member else "không thuộc thành viên nào"
        raise ApprovalError(f"Khoá {key} {state} trong danh sách Ban biên tập của nhánh '{target.short}'.")
    if kind == APPROVE and loaded.authors.includes(member):
        raise ApprovalError(f"{member.name} là tác giả của bài gửi duyệt này nên không thể tự duyệt.")
    commit = record_review(git, sub, target, name=member.name, email=member.email, key=key,
                           kind=kind, note=note)
    return ApprovalResult(member, commit, review(git, sub, target, ledger=LOCAL_LEDGER))
