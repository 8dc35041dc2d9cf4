"""Review a submission: what changed, is the content valid, who approved, may it merge.

A :class:`Submission` is a branch compared with its base, both resolved as branches
(:mod:`.refs`). The roster, people and policy come from the base branch's tip; the content
is read from the branch's own tree; the review records from the ledger (:mod:`.ledger`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..collector import without_collector
from ..findings import Finding, has_errors
from ..git import EMPTY_TREE, FileChange, Git
from ..model import ARTICLE, MEETING_REPORT, PAGE, ContentFile, MeetingReport
from ..safety import ACTIVE_SUFFIXES
from .approvals import (
    STALE,
    Approval,
    Authorship,
    ChangeRequest,
    ReviewRecord,
    continuous,
    judge,
    records_from,
)
from .board import (
    ACTION_ITEMS,
    BOARD_FILE,
    CODE,
    CONTENT_FILE,
    EDITED_ARTICLE,
    EDITORIAL,
    MEETING,
    NEW_ARTICLE,
    PAGE_CHANGE,
    REMOVED_ARTICLE,
    BoardError,
    BoardMember,
    EditorialBoard,
    Rule,
    load_board,
    parse_members,
    roster_changes,
)
from .ledger import read_ledger
from .refs import Branch, BranchError, resolve_branch
from .tree import TreeContent, read_tree

EDITORIAL_PREFIX = "editorial/"
# File modes git stores for what is not a plain file: a symbolic link, a submodule. A link in
# content/ would publish whatever it points at on the machine that builds the site.
LINK_MODES = {"120000": "liên kết tượng trưng (symlink)", "160000": "kho con (submodule)"}

# States of a submission (``invoke queue``).
DRAFT, IN_REVIEW, CHANGES_REQUESTED, APPROVED, STALE_APPROVAL, CONFLICT = (
    "draft", "in_review", "changes_requested", "approved", "approval_stale", "conflict")
STATES = {
    DRAFT: "Bản nháp",
    CONFLICT: "Xung đột với nhánh gốc (người gửi cần cập nhật nhánh)",
    IN_REVIEW: "Đang chờ duyệt",
    CHANGES_REQUESTED: "Cần chỉnh sửa",
    APPROVED: "Đã duyệt, sẵn sàng hợp nhất",
    STALE_APPROVAL: "Phê duyệt đã cũ (nội dung đổi sau khi duyệt)",
}


@dataclass(frozen=True)
class Change:
    """One changed path with its kinds (a meeting report may also change action items)."""

    path: str
    status: str
    kinds: tuple[str, ...]
    title: str = ""
    old_path: str | None = None


@dataclass
class Submission:
    """A branch under review, compared with the base it will merge into."""

    branch: str
    base: str
    head: str
    base_head: str
    merge_base: str
    tree: str
    changes: list[Change]
    authors: Authorship
    board: EditorialBoard
    records: list[ReviewRecord]
    findings: list[Finding]
    documents: dict[str, ContentFile] = field(default_factory=dict)
    head_branch: Branch | None = None
    base_branch: Branch | None = None
    ledger: str | None = None
    ledger_problem: str | None = None
    refused: dict[str, str] = field(default_factory=dict)  # path → why it can never merge
    conflicts: list[str] = field(default_factory=list)  # paths a merge into the base cannot join
    roster: list[str] = field(default_factory=list)  # who a change of board.yml adds, drops, changes

    @property
    def kinds(self) -> set[str]:
        return {k for c in self.changes for k in c.kinds}

    @property
    def changed_paths(self) -> set[str]:
        return {c.path for c in self.changes}


@dataclass
class RuleResult:
    """How far a submission is from satisfying one rule of the policy."""

    rule: Rule
    approvers: list[BoardMember]
    missing: int
    missing_roles: tuple[str, ...]
    candidates: list[BoardMember]

    @property
    def satisfied(self) -> bool:
        return self.missing == 0 and not self.missing_roles


@dataclass
class Review:
    """The verdict on a submission."""

    submission: Submission
    results: list[RuleResult]
    blocking: list[ChangeRequest]
    problems: list[str] = field(default_factory=list)

    @property
    def content_ok(self) -> bool:
        return not has_errors(self.submission.findings)

    @property
    def counted(self) -> list[Approval]:
        return [r for r in self.submission.records if isinstance(r, Approval) and r.counts]

    @property
    def mergeable(self) -> bool:
        return (not self.problems and self.content_ok and not self.blocking
                and bool(self.submission.changes) and all(r.satisfied for r in self.results))

    @property
    def state(self) -> str:
        sub = self.submission
        if self.mergeable:
            return APPROVED
        if self.blocking:
            return CHANGES_REQUESTED
        if sub.conflicts:
            return CONFLICT
        if self.problems or not self.content_ok or any(
                d.status == "draft" for d in sub.documents.values()):
            return DRAFT
        if any(isinstance(r, Approval) and r.problem == STALE for r in sub.records):
            return STALE_APPROVAL
        return IN_REVIEW


class ReviewError(Exception):
    """The submission cannot be reviewed at all (no such branch, no roster…)."""


# ---------------------------------------------------------------------- classification
def _items(document: ContentFile | None) -> tuple | None:
    """Action items and updates of a meeting report, compared without line numbers."""
    if not isinstance(document, MeetingReport):
        return None
    return tuple(tuple(sorted(repr(replace(entry, line=None)) for entry in entries))
                 for entries in (document.action_items, document.updates))


def _outside_kinds(path: str, content: TreeContent) -> tuple[str, ...]:
    """Kinds of a path that is no content: ``editorial/`` or code (anything outside content/)."""
    if path.startswith(EDITORIAL_PREFIX):
        return (EDITORIAL, CODE)
    # .gitattributes changes how git checks files out for the build (encodings, line ends, filters)
    return (CODE,) if content.relpath(path) is None or path.rsplit("/", 1)[-1] == ".gitattributes" else ()


def classify(change: FileChange, content: TreeContent, old: ContentFile | None,
             new: ContentFile | None) -> tuple[str, ...]:
    """The kinds of one changed path; a rename is classified by its old path too, so moving
    code into ``content/`` is still a code change."""
    path = change.path
    moved = _outside_kinds(change.old_path, content) if change.old_path else ()
    outside = _outside_kinds(path, content)
    if outside:
        return tuple(dict.fromkeys((*outside, *moved)))
    return tuple(dict.fromkeys((*_content_kinds(change, content, old, new), *moved)))


def _content_kinds(change: FileChange, content: TreeContent, old: ContentFile | None,
                   new: ContentFile | None) -> tuple[str, ...]:
    """The kinds of a changed path inside the content folder."""
    path = change.path
    relpath = content.relpath(path) or ""
    if not content.is_document(path):
        return (CONTENT_FILE,)
    kind = content.rules.kind_of(relpath)
    if kind == PAGE:
        return (PAGE_CHANGE,)
    if kind == MEETING_REPORT:
        before, after = _items(old), _items(new)
        unknown = (change.status != "A" and before is None) or (change.status != "D" and after is None)
        changed = unknown or (before or ((), ())) != (after or ((), ()))
        return (MEETING, ACTION_ITEMS) if changed else (MEETING,)
    if kind == ARTICLE:
        return {"A": (NEW_ARTICLE,), "D": (REMOVED_ARTICLE,)}.get(change.status, (EDITED_ARTICLE,))
    return (CONTENT_FILE,)


def content_commits(git: Git, merge_base: str, head: str) -> list[tuple[str, str]]:
    """(author e-mail, author name) of the commits in ``merge_base..head`` that change content
    of their own: an empty commit, one whose tree equals its parent's, or a merge whose tree is
    what git merges by itself, makes no one an author."""
    fields = git.text("log", "--format=%T%x1f%P%x1f%ae%x1f%an", f"{merge_base}..{head}")
    rows = [line.split("\x1f") for line in fields.splitlines() if line]
    single = sorted({row[1] for row in rows if len(row[1].split()) == 1})
    trees = dict(zip(single, git.text("rev-parse", *(f"{p}^{{tree}}" for p in single)).split(),
                     strict=True)) if single else {}
    return [(email, name) for tree, parents, email, name in rows
            if tree != (trees[parents] if parents in trees else _merged_tree(git, parents.split()))]


def _merged_tree(git: Git, parents: list[str]) -> str | None:
    """The tree git makes of two parents by itself; None when it cannot (a conflict, or no
    or more than two parents): then whatever tree the commit has is its author's doing."""
    if len(parents) != 2:
        return EMPTY_TREE if not parents else None
    result = git.run("merge-tree", "--write-tree", "--no-messages", *parents, check=False)
    return result.stdout.decode().split()[0] if result.returncode == 0 else None


def _authors(git: Git, board: EditorialBoard, merge_base: str, head: str,
             documents: list[ContentFile | None]) -> Authorship:
    """Authors of the real content commits (e-mail, name) and bylines of the changed documents."""
    authorship = Authorship(board)
    for email, name in content_commits(git, merge_base, head):
        authorship.emails.add(email.lower())
        authorship.names.add(name)
    for document in documents:
        authorship.names.update(getattr(document, "authors", ()) or ())
    return authorship


@without_collector
def load_submission(git: Git, branch: str | Branch, base: str | Branch = "main", full: bool = True,
                    ledger: str | None = None) -> Submission:
    """Everything the review needs about ``branch``; ``full`` runs the site-wide checks.

    Records are read from the ledger in the base's namespace, or from the ref ``ledger``.
    """
    try:
        source, target = resolve_branch(git, branch), resolve_branch(git, base)
    except BranchError as error:
        raise ReviewError(str(error)) from error
    head, base_head = source.sha, target.sha
    merge_base = git.merge_base(base_head, head)
    if merge_base is None:
        raise ReviewError(f"Nhánh '{source.short}' không có gốc chung với '{target.short}'.")
    board = load_board(git, base_head)
    diffs = git.diff(merge_base, head)
    earlier = [(c.old_path or c.path, c.old_sha) for c in diffs if c.old_sha]
    changed = {c.path for c in diffs if c.status != "D"}
    content = read_tree(git, head, None if full else changed, earlier)
    changes, touched = [], []
    for diff in diffs:
        old = content.earlier.get(diff.old_path or diff.path)
        new = content.document(diff.path) if diff.status != "D" else None
        touched += [old, new]
        title = (new or old).title if (new or old) else ""
        changes.append(Change(diff.path, diff.status, classify(diff, content, old, new), title,
                              diff.old_path))
    book = read_ledger(git, target, source.name, board.allowed_signers(), ledger)
    records = records_from(book.records, board)
    authors = _authors(git, board, merge_base, head, touched)
    judge(records, git.tree_of(head), merge_base, authors, continuous(git, base_head))
    documents = {c.path: d for c in changes if (d := content.document(c.path)) is not None}
    refused = {d.path: _refusal(d, content) for d in diffs if d.status != "D" and _refusal(d, content)}
    return Submission(source.name, target.short, head, base_head, merge_base, git.tree_of(head), changes,
                      authors, board, records, content.findings, documents, source, target,
                      book.head, book.problem, refused, conflicts(git, base_head, head),
                      _roster(git, board, head) if BOARD_FILE in {p for c in diffs for p in (c.path, c.old_path)}
                      else [])


def _roster(git: Git, board: EditorialBoard, head: str) -> list[str]:
    """What the branch's ``board.yml`` changes in the base's roster."""
    try:
        after = parse_members(git.show(head, BOARD_FILE) or b"members: []\n")
    except BoardError as error:
        return [f"Danh sách mới không đọc được: {error}"]
    return roster_changes(board.members, after)


def _refusal(change: FileChange, content: TreeContent) -> str:
    """Why a changed path can never be published ("" when it can): a link or a submodule, or a
    file a browser runs inside the content folder."""
    if change.mode in LINK_MODES:
        return (f"{change.path} là {LINK_MODES[change.mode]}, không phải tệp thường: không được gửi duyệt "
                "(hãy xoá nó và gửi chính tệp đó)")
    if content.relpath(change.path) is not None and change.path.lower().endswith(ACTIVE_SUFFIXES):
        return (f"{change.path} là loại tệp trình duyệt chạy được (HTML, SVG, JavaScript…): trang công khai "
                "không đăng nguyên trạng loại tệp này (hãy viết bài bằng Markdown, gửi ảnh JPEG/PNG, tài "
                "liệu PDF)")
    return ""


def conflicts(git: Git, base_head: str, head: str) -> list[str]:
    """The paths git cannot merge by itself when ``head`` joins ``base_head`` (none: it merges)."""
    result = git.run("merge-tree", "--write-tree", "--name-only", "--no-messages", base_head, head,
                     check=False)
    if result.returncode == 0:
        return []
    return [p for p in result.stdout.decode("utf-8", "surrogateescape").splitlines()[1:] if p]


# ---------------------------------------------------------------------- policy
def evaluate(submission: Submission) -> Review:
    """Apply the base branch's policy to the submission's verified approvals."""
    board = submission.board
    approvers = [r.member for r in submission.records
                 if isinstance(r, Approval) and r.counts and r.member]
    results = []
    for rule in board.policy.rules_for(submission.kinds):
        qualified = [m for m in approvers if m.has_any(rule.roles)]
        missing_roles = tuple(role for role in rule.must_include
                              if not any(role in m.roles for m in qualified))
        candidates = [m for m in board.active_members if m.has_any(rule.roles)
                      and m not in qualified and not submission.authors.includes(m)]
        results.append(RuleResult(rule, qualified, max(0, rule.approvals - len(qualified)),
                                  missing_roles, candidates))
    blocking = [r for r in submission.records if isinstance(r, ChangeRequest) and r.counts]
    problems = [submission.ledger_problem] if submission.ledger_problem else []
    if not submission.changes:
        problems.append("nhánh không có thay đổi nào so với nhánh gốc")
    problems += list(submission.refused.values())
    if submission.conflicts:
        problems.append(f"nhánh xung đột với {submission.base} ở {', '.join(submission.conflicts)}: người gửi "
                        "cần cập nhật nhánh (docs/editorial-review.md, mục 4) rồi xin duyệt lại")
    return Review(submission, results, blocking, problems)


def review(git: Git, branch: str | Branch, base: str | Branch = "main", full: bool = True,
           ledger: str | None = None) -> Review:
    """Load and evaluate a submission in one call."""
    return evaluate(load_submission(git, branch, base, full, ledger))
