"""``invoke submit`` and ``invoke withdraw``: a writer's work becomes a submission branch.

One submission is one piece of work. On the base branch ``invoke submit`` creates
``gui-duyet/<slug>`` with the writer's changes; on a submission branch it adds a revision of
*that* submission and refuses files that are not part of it (``--new`` makes them a separate
submission from the base). ``invoke withdraw`` ("Rút bài") makes a submission that removes a
published article. Commits are built on a temporary index (``git update-index``, ``write-tree``,
``commit-tree``), so added, edited and deleted files are handled alike, files outside the
submission are never swept in, and nothing of the writer's work tree is lost.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, has_errors
from ..git import Git, GitError
from ..model import SiteRules, parse_content_file
from ..settings import site_rules
from ..text import slugify
from .board import BOARD_FILE
from .remote import RemoteError, base_ref, fast_forward, fetch
from .tree import SETTINGS_FILE, content_prefix, is_markdown, literal_settings

BRANCH_PREFIX = "gui-duyet/"
# Besides the content folder, a submission may carry the roster (a change the board reviews).
EDITORIAL_PATHS = ("editorial/", ".github/CODEOWNERS")


class SubmitError(Exception):
    """Nothing was submitted; the message says why, in Vietnamese."""

    def __init__(self, message: str, findings: list[Finding] | None = None, nothing: bool = False) -> None:
        super().__init__(message)
        self.findings = findings or []
        self.nothing = nothing  # there was simply nothing to commit


@dataclass
class SubmitResult:
    branch: str
    commit: str
    paths: list[str]
    created: bool
    findings: list[Finding] = field(default_factory=list)
    moved: bool = False  # the files went to a new submission and left this work tree
    note: str = ""  # e.g. the branch was brought up to date with the remote first


# ---------------------------------------------------------------------- the work tree
def changed_content(git: Git, *prefixes: str) -> list[str]:
    """Added, untracked, modified and deleted paths under ``prefixes``, new ones first."""
    out = git.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *prefixes).stdout
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    found: dict[str, bool] = {}
    i = 0
    while i < len(fields) and fields[i]:
        status, path = fields[i][:2], fields[i][3:]
        found[path] = status in ("??", "A ") or status[0] == "R"
        if status[0] in "RC":  # a rename is followed by its old path, which changed too
            found.setdefault(fields[i + 1], False)
            i += 1
        i += 1
    return sorted(found, key=lambda p: (not found[p], p))


def _rules(root: Path, settings: dict) -> tuple[SiteRules, list[Finding]]:
    """The site rules of ``settings`` (literals of a ``pelicanconf.py``) for the work tree at ``root``."""
    return site_rules({**settings, "PATH": str(root / content_prefix(settings))})


def check_files(root: Path, paths: list[str]) -> tuple[list[Finding], list]:
    """Parse the changed Markdown files of the work tree; their findings and documents."""
    settings = literal_settings((root / SETTINGS_FILE).read_bytes() if (root / SETTINGS_FILE).is_file()
                                else None)
    prefix = content_prefix(settings)
    rules, findings = _rules(root, settings)
    documents = []
    for path in paths:
        relpath = path[len(prefix):]
        file = root / path
        if path.startswith(prefix) and is_markdown(path) and file.is_file() and rules.kind_of(relpath):
            document, problems = parse_content_file(relpath, file.read_bytes(), rules)
            findings += problems
            documents.append(document)
    return findings, [d for d in documents if d is not None]


def commit_paths(git: Git, parent: str, paths: list[str], message: str,
                 remove: tuple[str, ...] = ()) -> str:
    """A commit on ``parent`` whose tree takes ``paths`` from the work tree (a missing file is
    deleted) and drops ``remove``; the real index and the work tree are not touched."""
    with tempfile.TemporaryDirectory(prefix="toasoan-index-") as folder:
        env = {"GIT_INDEX_FILE": os.path.join(folder, "index")}
        git.run("read-tree", parent, env=env)
        for option, listed in (("--remove", paths), ("--force-remove", remove)):
            if listed:  # --remove: a path missing from the work tree is deleted
                git.run("update-index", "--add", option, "-z", "--stdin", env=env,
                        stdin=b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in listed))
        tree = git.text("write-tree", env=env)
    if tree == git.tree_of(parent):
        raise SubmitError("Các thay đổi này đã có sẵn trên nhánh; không có gì mới để gửi duyệt.")
    return git.text("commit-tree", tree, "-p", parent, "-F", "-", stdin=message.encode("utf-8"))


def _free_branch(git: Git, wanted: str | None, slug: str, remote: str | None) -> str:
    """``wanted``, or ``gui-duyet/<slug>`` (then ``-2``, ``-3``…) not yet taken here or on the remote."""
    def taken(name: str) -> bool:
        return bool(git.resolve(f"refs/heads/{name}")
                    or (remote and git.resolve(f"refs/remotes/{remote}/{name}")))

    if wanted:
        if taken(wanted):
            raise SubmitError(f"Nhánh '{wanted}' đã có (trên máy này hoặc trên máy chủ, có thể là bài của "
                              "người khác); đặt tên khác bằng --branch.")
        return wanted
    name, n = BRANCH_PREFIX + (slug or "bai-moi"), 1
    while taken(name):
        n += 1
        name = f"{BRANCH_PREFIX}{slug}-{n}"
    return name


def submission_paths(git: Git, start: str, head: str = "HEAD") -> set[str]:
    """The paths a submission branch changes compared with its base (both sides of a rename)."""
    merge_base = git.merge_base(start, head)
    if merge_base is None:
        return set()
    return {p for c in git.diff(merge_base, head) for p in (c.path, c.old_path) if p}


def base_start(git: Git, base: str, remote: str | None) -> str:
    """Where a new submission starts: the remote's base branch when there is one, else the local one."""
    ref = base_ref(git, base, remote)
    if ref is None:
        raise SubmitError(f"Không có nhánh gốc '{base}'.")
    return git.text("rev-parse", ref)


# ---------------------------------------------------------------------- submit
def submit(git: Git, base: str = "main", branch: str | None = None, message: str | None = None, *,
           new: bool = False, remote: str | None = None) -> SubmitResult:
    """Commit the writer's changes as a submission (see the module docstring)."""
    git = Git(git.toplevel() or git.root, git.config)
    settings = literal_settings(git.show("HEAD", SETTINGS_FILE))
    paths = changed_content(git, content_prefix(settings), *EDITORIAL_PATHS)
    if not paths:
        raise SubmitError("Không có thay đổi nào trong thư mục nội dung để gửi duyệt.", nothing=True)
    _check_identity(git)
    current = git.current_branch()
    if current is None:
        raise SubmitError(f"Đang không ở trên nhánh nào; hãy chuyển về nhánh chính: git switch {base}")
    on_submission = current != base
    note = fetch(git, remote) or ""  # the remote's branches: a new submission's name must be free there
    if on_submission:
        if remote:
            tracking = git.resolve(f"refs/remotes/{remote}/{current}")
            try:
                if tracking and fast_forward(git, current, tracking):
                    note = f"Đã cập nhật nhánh '{current}' theo bản trên máy chủ trước khi gửi."
            except RemoteError as error:
                raise SubmitError(str(error)) from error
        start = base_start(git, base, remote)
        own = submission_paths(git, start)
        others = [p for p in paths if own and p not in own and not _attachment(p, settings)]
        if new:
            if not others:
                raise SubmitError(f"Mọi thay đổi đều thuộc bài gửi duyệt '{current}'; hãy dùng 'invoke submit' "
                                  "(không có --new).")
            paths = others
        elif others:
            listed = "\n".join(f"  - {p}" for p in others)
            raise SubmitError(
                f"Bạn đang ở nhánh gửi duyệt '{current}', nhưng các tệp sau không thuộc bài này:\n{listed}\n"
                "Mỗi bài gửi duyệt chỉ chứa một việc. Để gửi chúng thành một bài gửi duyệt riêng "
                "(tách từ nhánh gốc), chạy:\n  invoke submit --new\nrồi chạy lại 'invoke submit' "
                "cho phần còn lại của bài này.")
    findings, documents = check_files(git.root, paths)
    if has_errors(findings):
        raise SubmitError("Bài còn lỗi; hãy sửa rồi gửi lại.", findings)
    title = (documents[0].title if documents else
             "Danh sách Ban biên tập" if BOARD_FILE in paths else Path(paths[0]).stem)
    text = message or f"Gửi duyệt: {title}"
    try:
        if on_submission and not new:
            head = git.text("rev-parse", "HEAD")
            commit = commit_paths(git, head, paths, text)
            git.update_ref(f"refs/heads/{current}", commit, head, message="toasoan: submit")
            git.run("reset", "--quiet", "--", *paths)
            return SubmitResult(current, commit, paths, False, findings, note=note)
        name = _free_branch(git, branch, documents[0].slug if documents else slugify(title), remote)
        parent = start if on_submission else git.text("rev-parse", "HEAD")
        commit = commit_paths(git, parent, paths, text)
        git.update_ref(f"refs/heads/{name}", commit, "0" * 40, message="toasoan: submit")
        if on_submission:
            _move_out(git, commit, paths)
        else:  # the work tree already holds the new branch's files: only HEAD and the index move
            git.run("symbolic-ref", "-m", "toasoan: submit", "HEAD", f"refs/heads/{name}")
            git.run("reset", "--quiet", "--", *paths)
    except GitError as error:
        raise SubmitError(f"Không commit được: {error}") from error
    return SubmitResult(name, commit, paths, True, findings, moved=on_submission, note=note)


def _check_identity(git: Git) -> None:
    if not (git.ok("var", "GIT_AUTHOR_IDENT") and git.ok("var", "GIT_COMMITTER_IDENT")):
        raise SubmitError("Chưa khai báo tên và e-mail cho git: chạy 'git config --global user.name "
                          "\"Họ Tên\"' và 'git config --global user.email \"ten@example.vn\"'.")


def _attachment(path: str, settings: dict) -> bool:
    """An image or data file inside the content folder: it goes with the submission it is sent in."""
    return path.startswith(content_prefix(settings)) and not is_markdown(path)


def _move_out(git: Git, commit: str, paths: list[str]) -> None:
    """Take ``paths`` out of the work tree once ``commit`` holds them exactly as they are."""
    kept = {e.path: e.sha for e in git.ls_tree(commit, *paths)}
    for path in paths:
        file = git.root / path
        if file.is_file() and git.text("hash-object", "--", path) != kept.get(path):
            raise SubmitError(f"Tệp {path} vừa thay đổi trong khi gửi; hãy chạy lại lệnh.")
    tracked = {e.path for e in git.ls_tree("HEAD", *paths)}
    if tracked:
        git.run("checkout", "HEAD", "--", *sorted(tracked))
    for path in paths:
        if path not in tracked:
            git.run("rm", "--quiet", "--cached", "--ignore-unmatch", "--", path)
            (git.root / path).unlink(missing_ok=True)


def leave_submission(git: Git, base: str, remote: str | None) -> str | None:
    """Before new work: on a submission branch with nothing left to send, go back to ``base``.

    Returns what was done (None when already on ``base``); refuses, saying how, when the
    work tree still holds changes that belong to the open submission.
    """
    current = git.current_branch()
    if current is None or current == base:
        return None
    settings = literal_settings(git.show("HEAD", SETTINGS_FILE))
    if changed_content(git, content_prefix(settings), *EDITORIAL_PATHS):
        raise SubmitError(
            f"Bạn đang ở nhánh gửi duyệt '{current}' và còn thay đổi chưa gửi. Mỗi bài gửi duyệt chỉ "
            "chứa một việc, nên bài mới phải bắt đầu từ nhánh gốc. Hãy:\n"
            "  - gửi nốt thay đổi của bài này: invoke submit --push\n"
            "    (hoặc, nếu đó là một bài khác: invoke submit --new --push)\n"
            "  - rồi chạy lại lệnh 'invoke new …'.")
    git.run("switch", "--quiet", base)
    done = f"Đã chuyển từ nhánh gửi duyệt '{current}' về nhánh '{base}' để bắt đầu bài mới."
    tracking = remote and git.resolve(f"refs/remotes/{remote}/{base}")
    if tracking:
        try:
            fast_forward(git, base, tracking)
        except RemoteError as error:
            done += f"\nLưu ý: {error}"
    return done


# ---------------------------------------------------------------------- withdraw
def withdraw(git: Git, path: str, reason: str, base: str = "main", branch: str | None = None,
             remote: str | None = None) -> SubmitResult:
    """"Rút bài": a submission from the base that removes the published file ``path``."""
    if not reason.strip():
        raise SubmitError("Hãy ghi lý do rút bài: -m \"…\".")
    git = Git(git.toplevel() or git.root, git.config)
    if remote:
        fetch(git, remote)
    start = base_start(git, base, remote)
    settings = literal_settings(git.show(start, SETTINGS_FILE))
    prefix = content_prefix(settings)
    wanted = Path(path)
    relative = (wanted.resolve().relative_to(git.root.resolve()) if wanted.is_absolute() or wanted.exists()
                else wanted).as_posix()
    raw = git.show(start, relative)
    if raw is None or not relative.startswith(prefix):
        raise SubmitError(f"Nhánh gốc '{base}' không có bài '{relative}' trong thư mục {prefix}: "
                          "chỉ rút được bài đã đăng.")
    document, _ = parse_content_file(relative[len(prefix):], raw, _rules(git.root, settings)[0])
    title = document.title if document else wanted.stem
    _check_identity(git)
    name = _free_branch(git, branch, "rut-" + (document.slug if document else slugify(title)), remote)
    try:
        commit = commit_paths(git, start, [], f"Rút bài: {title}\n\n{reason.strip()}\n", remove=(relative,))
        git.update_ref(f"refs/heads/{name}", commit, "0" * 40, message="toasoan: withdraw")
    except GitError as error:
        raise SubmitError(f"Không tạo được bài gửi duyệt rút bài: {error}") from error
    return SubmitResult(name, commit, [relative], True)


def next_steps(result: SubmitResult, base: str, pushed: str | None = None) -> str:
    """What the writer does next, in Vietnamese."""
    files = "\n".join(f"  - {p}" for p in result.paths)
    verb = "Đã tạo bài gửi duyệt" if result.created else "Đã cập nhật bài gửi duyệt"
    lines = [result.note] if result.note else []
    lines += [f"{verb} '{result.branch}' (commit {result.commit[:10]}) với:", files, ""]
    if result.moved:
        lines += [f"Các tệp trên đã chuyển sang nhánh '{result.branch}' (không mất gì). Muốn sửa tiếp bài đó:",
                  f"  git switch {result.branch}", ""]
    if pushed:
        lines += [pushed, ""]
    push = [] if pushed else [f"Đẩy bài lên máy chủ:        invoke submit --push  (hoặc git push -u origin "
                              f"{result.branch})"]
    steps = [*push,
             f"Nhờ Ban biên tập duyệt. Xem tình trạng:  invoke review {result.branch}",
             "Nếu được yêu cầu chỉnh sửa: sửa bài trên nhánh này rồi chạy lại 'invoke submit --push'",
             f"Viết bài khác: invoke new … (tự quay về nhánh {base} khi không còn gì chưa gửi)"]
    lines.append("Bước tiếp theo:")
    lines += [f"  {n}. {s}" for n, s in enumerate(steps, 1)]
    return "\n".join(lines)
