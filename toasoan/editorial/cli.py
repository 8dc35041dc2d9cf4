"""What the editorial ``invoke`` tasks do: print for people, return an exit code.

Every command works from a clone of the shared remote: it fetches ``origin`` (when there is
one) itself, takes the remote's ``main`` as the base, and accepts a submission by the name
``invoke queue`` shows (``gui-duyet/x`` or ``origin/gui-duyet/x``). Without a remote the same
commands work on the local branches.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..findings import format_summary, format_text
from ..git import Git, GitError, find_repository
from . import codeowners, signers
from .approvals import APPROVE, REQUEST_CHANGES, ApprovalError, ApprovalResult, approve_submission
from .board import BoardError
from .ledger import LEDGER_BRANCH, LOCAL_LEDGER
from .merge import MergeResult, merge_submission
from .preview import PreviewError, build_preview
from .queue import format_queue, queue
from .refs import Branch, BranchError, resolve_branch
from .remote import (
    BASE_BRANCH,
    Pushed,
    PushRejected,
    RemoteError,
    default_base,
    default_remote,
    fast_forward,
    fetch,
    push,
)
from .report import format_review
from .review import STATES, ReviewError, review
from .seat import SeatError, seat, trust_statement
from .submit import SubmitError, leave_submission, next_steps, submit, withdraw

ERRORS = (ReviewError, BoardError, ApprovalError, SubmitError, GitError, BranchError, RemoteError,
          SeatError, signers.SignersError, PreviewError)
PREVIEW_FOLDER = Path(".cache") / "xem-truoc"


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


@dataclass
class Clone:
    """The clone a command runs in: its remote (None offline) and its base branch, fetched."""

    git: Git
    remote: str | None
    base: Branch

    @classmethod
    def open(cls, root: str, base: str | None = None, remote: str | None = None) -> Clone:
        git = Git(root)
        remote = default_remote(git, remote)
        warning = fetch(git, remote)
        if warning:
            print(warning, file=sys.stderr)
        return cls(git, remote, resolve_branch(git, default_base(remote, base)))

    def submission(self, name: str) -> Branch:
        """The submission ``name`` means: the remote's copy, unless this clone's is newer."""
        if not self.remote or name.startswith(("refs/", f"{self.remote}/")):
            return resolve_branch(self.git, name)
        tracking = self._branch(f"refs/remotes/{self.remote}/{name}")
        local = self._branch(f"refs/heads/{name}")
        newer_here = bool(local and tracking and local.sha != tracking.sha
                          and self.git.is_ancestor(tracking.sha, local.sha))
        if tracking and not newer_here:
            return tracking
        return local or resolve_branch(self.git, name)

    def _branch(self, ref: str) -> Branch | None:
        try:
            return resolve_branch(self.git, ref)
        except BranchError:
            return None


def _guard(what: str, action: Callable[[], int]) -> int:
    """Run ``action``; a known error becomes one Vietnamese line and exit code 1."""
    try:
        return action()
    except ERRORS as error:
        return _fail(f"{what}: {error}")


# ---------------------------------------------------------------------- review
def review_command(branch: str, base: str | None = None, fmt: str = "text", root: str = ".",
                   remote: str | None = None, preview: bool = False) -> int:
    """``invoke review``: 0 only when the branch may merge; ``preview`` builds its pages too."""
    def run() -> int:
        clone = Clone.open(root, base, remote)
        submission = clone.submission(branch)
        result = review(clone.git, submission, clone.base)
        print(format_review(result, fmt))
        if preview:
            _preview(clone, submission, out=sys.stdout if fmt == "text" else sys.stderr)
        return 0 if result.mergeable else 1

    return _guard(f"Không duyệt được '{branch}'", run)


def _preview(clone: Clone, submission: Branch, out) -> None:
    dest = (clone.git.toplevel() or clone.git.root) / PREVIEW_FOLDER / submission.name.split("/")[-1]
    built = build_preview(clone.git, submission, clone.base, dest)
    print(f"\nXem trước '{submission.short}' (dựng bằng mã của {clone.base.short}) tại {built.dest}:", file=out)
    for path, page in built.pages.items():
        print(f"  {path}\n    → {page.as_uri()}", file=out)
    for path in built.removed:
        print(f"  {path}\n    → bị gỡ khỏi trang", file=out)
    if built.error:
        if built.findings:
            print(format_text(built.findings), file=out)
        print(f"  Không dựng được bản xem trước: {built.error}", file=out)
    elif not built.pages and not built.removed:
        print("  (bài gửi duyệt không đổi trang nội dung nào)", file=out)


# ---------------------------------------------------------------------- approve
def default_key(git: Git) -> str:
    """The signing key: git's ``user.signingkey``, else ``~/.ssh/id_ed25519``."""
    return git.config_value("user.signingkey") or str(Path("~/.ssh/id_ed25519").expanduser())


def approve_command(branch: str, base: str | None = None, request_changes: bool = False,
                    message: str = "", key: str | None = None, root: str = ".",
                    remote: str | None = None, push_ledger: bool = False) -> int:
    """``invoke approve``: a signed approval (or change request) in the review ledger."""
    kind = REQUEST_CHANGES if request_changes else APPROVE

    def run() -> int:
        clone = Clone.open(root, base, remote)
        done, pushed = record_and_push(clone, clone.submission(branch), key=key or default_key(clone.git),
                                       kind=kind, note=message, push_ledger=push_ledger)
        verb = "phê duyệt" if kind == APPROVE else "yêu cầu chỉnh sửa"
        print(f"Đã ghi {verb} của {done.member.name} cho '{done.review.submission.branch}' vào sổ duyệt "
              f"{LEDGER_BRANCH} (commit {done.commit[:10]}).")
        print(f"Tình trạng bài gửi duyệt: {STATES[done.review.state]}.")
        if pushed:
            print(str(pushed).replace("Đã đẩy nhánh", "Đã đẩy sổ duyệt"))
        elif push_ledger:
            print("Kho này không có remote: sổ duyệt chỉ ở máy này.")
        else:
            print(f"Bước tiếp theo: đẩy sổ duyệt lên máy chủ: git push origin {LOCAL_LEDGER} "
                  "(lần sau: invoke approve … --push)")
        return 0

    return _guard("Không ghi được ý kiến duyệt", run)


def record_and_push(clone: Clone, submission: Branch, *, key: str | Path, kind: str, note: str,
                    push_ledger: bool) -> tuple[ApprovalResult, Pushed | None]:
    """Record a review in the ledger (signed by ``clone.git``) and, with ``push_ledger``, push the
    ledger; when someone pushed records meanwhile, take theirs and sign ours again on top, once.
    (``invoke approve`` and the desk.)"""
    done = approve_submission(clone.git, submission, clone.base, key=key, kind=kind, note=note)
    if not (push_ledger and clone.remote):
        return done, None
    try:
        return done, push(clone.git, clone.remote, LEDGER_BRANCH)
    except RemoteError:
        if not _ledger_moved(clone):
            raise
    _drop_unpushed(clone, done.commit)
    clone = replace(Clone.open(str(clone.git.root), clone.base.short, clone.remote), git=clone.git)
    done = approve_submission(clone.git, submission, clone.base, key=key, kind=kind, note=note)
    return done, push(clone.git, clone.remote, LEDGER_BRANCH)


def _ledger_moved(clone: Clone) -> bool:
    """After a refused push: has the remote's ledger gained records this clone does not have?"""
    fetch(clone.git, clone.remote)
    theirs = clone.git.resolve(f"refs/remotes/{clone.remote}/{LEDGER_BRANCH}")
    return bool(theirs) and not clone.git.is_ancestor(theirs, LOCAL_LEDGER)


def _drop_unpushed(clone: Clone, record: str) -> None:
    """Take back the one record the remote refused, so it can be signed again on the new ledger."""
    theirs = clone.git.text("rev-parse", f"refs/remotes/{clone.remote}/{LEDGER_BRANCH}")
    unpushed = clone.git.text("rev-list", LOCAL_LEDGER, f"^{theirs}").split()
    if unpushed != [record]:
        raise RemoteError(f"Sổ duyệt trên máy này có bản ghi chưa đẩy và đã lệch với '{clone.remote}'. "
                          "Báo Kỹ thuật viên.")
    parents = clone.git.text("rev-list", "--parents", "-1", record).split()[1:]
    if parents:
        clone.git.update_ref(LOCAL_LEDGER, parents[0], record, message="toasoan: re-record")
    else:
        clone.git.run("update-ref", "-d", LOCAL_LEDGER, record)


# ---------------------------------------------------------------------- merge
def merge_command(branch: str, base: str | None = None, root: str = ".", remote: str | None = None,
                  push_base: bool = False) -> int:
    """``invoke merge``: refuse unless the review passes; ``--no-ff`` with ``Reviewed-by:``."""
    def run() -> int:
        clone = Clone.open(root, base, remote)
        target = clone.base
        result, moved, pushed = merge_and_push(clone, branch, push_base=push_base)
        if moved:
            print(f"Đã cập nhật nhánh '{target.name}' theo {target.short}.")
        if not result.merged:
            print(format_review(result.review), file=sys.stderr)
            if result.findings:
                print(format_text(result.findings) + "\n" + format_summary(result.findings), file=sys.stderr)
            return _fail(f"\nTừ chối hợp nhất: {result.refusal} Nhánh '{target.name}' được giữ nguyên.")
        print(f"Đã hợp nhất '{result.review.submission.branch}' vào '{target.name}' "
              f"(commit {result.commit[:10]}).")
        if pushed:
            print(pushed)
            print("Máy chủ sẽ tự dựng và xuất bản trang.")
        else:
            print(f"Bước tiếp theo: đẩy lên máy chủ: git push origin {target.name}")
        return 0

    return _guard(f"Không hợp nhất được '{branch}'", run)


def merge_and_push(clone: Clone, branch: str, *, push_base: bool) -> tuple[MergeResult, bool, Pushed | None]:
    """Merge ``branch`` into the base (brought up to the remote's first) and, with ``push_base``,
    push it: the merge result, whether the local base moved forward, what was pushed.
    (``invoke merge`` and the desk.)"""
    target = clone.base
    moved = bool(target.remote and fast_forward(clone.git, target.name, target.sha))
    result = merge_submission(clone.git, clone.submission(branch), target)
    pushed = push(clone.git, clone.remote, target.name) if result.merged and push_base and clone.remote else None
    return result, moved, pushed


# ---------------------------------------------------------------------- queue
def queue_command(base: str | None = None, remote: str | None = None, root: str = ".") -> int:
    def run() -> int:
        clone = Clone.open(root, base, remote)
        print(format_queue(queue(clone.git, clone.base, clone.remote)))
        return 0

    return _guard("Không đọc được danh sách bài gửi duyệt", run)


# ---------------------------------------------------------------------- the writer
def submit_command(base: str = BASE_BRANCH, branch: str | None = None, message: str | None = None,
                   root: str = ".", push_branch: bool = False, new: bool = False,
                   remote: str | None = None) -> int:
    """``invoke submit``: commit the writer's work as a submission; ``push_branch`` sends it."""
    git = Git(root)
    try:
        remote = default_remote(git, remote)
        current = git.current_branch()
        try:
            result = submit(git, base, branch, message, new=new, remote=remote)
        except SubmitError as error:
            if not (error.nothing and push_branch and current and current != base):
                raise
            print(_push_submission(git, remote, current))  # already committed: only send it
            return 0
    except SubmitError as error:
        if error.findings:
            print(format_text(error.findings), file=sys.stderr)
        return _fail(str(error))
    except (GitError, RemoteError) as error:
        return _fail(f"Không gửi duyệt được: {error}")
    pushed = None
    if push_branch:
        try:
            pushed = _push_submission(git, remote, result.branch)
        except RemoteError as error:
            print(next_steps(result, base))
            return _fail(f"\nĐã commit nhưng chưa đẩy được: {error}")
    print(next_steps(result, base, pushed))
    return 0


def _push_submission(git: Git, remote: str | None, branch: str) -> str:
    if remote is None:
        return "Kho này không có remote: bài gửi duyệt chỉ ở máy này."
    try:
        return str(push(git, remote, branch, upstream=True))
    except PushRejected as error:
        fetch(git, remote)
        theirs, ours = git.resolve(f"refs/remotes/{remote}/{branch}"), git.resolve(f"refs/heads/{branch}")
        if theirs and ours and git.is_ancestor(ours, theirs):
            fast_forward(git, branch, theirs)
            return f"Máy chủ đã có đủ nhánh '{branch}'; đã cập nhật máy này theo máy chủ, không cần đẩy gì thêm."
        if theirs and ours and not git.is_ancestor(theirs, ours):
            raise RemoteError(
                f"{error} Hai bên đã rẽ hai ngả. Nếu nhánh trên máy chủ là bài của người khác trùng tên, "
                f"đổi tên nhánh của bạn: git branch -m {branch} {branch}-2 rồi chạy lại 'invoke submit "
                "--push'. Nếu đó là bài của chính bạn sửa từ máy khác: git pull --rebase, rồi chạy lại "
                "'invoke submit --push'.") from error
        raise RemoteError(f"{error} Chạy lại 'invoke submit --push'.") from error


def withdraw_command(path: str, message: str = "", base: str = BASE_BRANCH, branch: str | None = None,
                     root: str = ".", push_branch: bool = False, remote: str | None = None) -> int:
    """``invoke withdraw`` ("Rút bài"): a submission that removes a published article."""
    def run() -> int:
        git = Git(root)
        chosen = default_remote(git, remote)
        result = withdraw(git, path, message, base, branch, chosen)
        pushed = _push_submission(git, chosen, result.branch) if push_branch else None
        print(next_steps(result, base, pushed).replace("Đã tạo bài gửi duyệt", "Đã tạo bài gửi duyệt rút bài"))
        return 0

    return _guard("Không rút bài được", run)


def new_command(kind: str, title: str, author: str, base: str = BASE_BRANCH, root: str = ".") -> int:
    """``invoke new``: new work starts from the base branch, never inside an open submission."""
    from ..commands import new

    git = find_repository(root)
    if git is not None:  # a folder outside git (or without git installed) just gets the file
        try:
            note = leave_submission(git, base, default_remote(git))
        except (SubmitError, RemoteError, GitError) as error:
            return _fail(str(error))
        if note:
            print(note)
    return new(kind, title, author=author)


# ---------------------------------------------------------------------- the board
def board_command(root: str = ".") -> int:
    """``invoke board``: regenerate ``.github/CODEOWNERS`` and this clone's signature checking."""
    try:
        path = codeowners.write(root)
        print(f"Đã ghi {path}.")
        print(signers.describe(*signers.configure(Git(root))))
    except (BoardError, OSError, GitError, RemoteError, signers.SignersError) as error:
        return _fail(f"Không cập nhật được: {error}")
    return 0


def seat_command(chief_editor: str, chief_key: str, maintainer: str, maintainer_key: str,
                 root: str = ".", push_base: bool = False, remote: str | None = None) -> int:
    """``invoke board --seat``: replace the sample roster with the founding board, once."""
    def run() -> int:
        git = Git(root)
        chosen = default_remote(git, remote)
        warning = fetch(git, chosen)
        if warning:
            print(warning, file=sys.stderr)
        tracking = chosen and git.resolve(f"refs/remotes/{chosen}/{BASE_BRANCH}")
        if tracking:
            fast_forward(git, BASE_BRANCH, tracking)
        seated = seat(git, chief=chief_editor, chief_key=chief_key, maintainer=maintainer,
                      maintainer_key=maintainer_key, base=BASE_BRANCH)
        print(trust_statement(seated, chosen, pushing=bool(push_base and chosen)))
        print(signers.describe(*signers.configure(git, f"refs/heads/{BASE_BRANCH}")))
        if push_base and chosen:
            print(push(git, chosen, BASE_BRANCH))
        else:
            print(f"Bước tiếp theo: git push origin {BASE_BRANCH}")
        return 0

    return _guard("Không xếp ghế Ban biên tập được", run)

