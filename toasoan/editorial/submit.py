"""``invoke submit``: a writer's changed content becomes a submission branch.

On the base branch it creates ``gui-duyet/<slug>`` carrying the local changes and commits
them there; on a submission branch it commits the new revision on that branch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, has_errors
from ..model import parse_content_file
from ..settings import site_rules
from ..text import slugify
from .git import Git, GitError
from .tree import SETTINGS_FILE, content_prefix, is_markdown, literal_settings

BRANCH_PREFIX = "gui-duyet/"


class SubmitError(Exception):
    """Nothing was submitted; the message says why, in Vietnamese."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


@dataclass
class SubmitResult:
    branch: str
    commit: str
    paths: list[str]
    created: bool
    findings: list[Finding] = field(default_factory=list)


def changed_content(git: Git, prefix: str) -> list[str]:
    """Added, untracked, modified and deleted paths under the content folder, new ones first."""
    out = git.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", prefix).stdout
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    found: dict[str, bool] = {}
    i = 0
    while i < len(fields) and fields[i]:
        status, path = fields[i][:2], fields[i][3:]
        found[path] = status in ("??", "A ") or status[0] == "R"
        i += 2 if "R" in status or "C" in status else 1  # a rename is followed by its old path
    return sorted(found, key=lambda p: (not found[p], p))


def check_files(root: Path, paths: list[str]) -> tuple[list[Finding], list]:
    """Parse the changed Markdown files of the work tree; their findings and documents."""
    settings = literal_settings((root / SETTINGS_FILE).read_bytes() if (root / SETTINGS_FILE).is_file()
                                else None)
    prefix = content_prefix(settings)
    rules, findings = site_rules({**settings, "PATH": str(root / prefix)})
    documents = []
    for path in paths:
        relpath = path[len(prefix):]
        file = root / path
        if is_markdown(path) and file.is_file() and rules.kind_of(relpath):
            document, problems = parse_content_file(relpath, file.read_bytes(), rules)
            findings += problems
            documents.append(document)
    return findings, [d for d in documents if d is not None]


def submit(git: Git, base: str = "main", branch: str | None = None, message: str | None = None) -> SubmitResult:
    """Commit the writer's content changes on a submission branch (created from ``base``)."""
    root = git.toplevel() or git.root
    settings = literal_settings(git.show("HEAD", SETTINGS_FILE))
    paths = changed_content(git, content_prefix(settings))
    if not paths:
        raise SubmitError("Không có thay đổi nào trong thư mục nội dung để gửi duyệt.")
    findings, documents = check_files(root, paths)
    if has_errors(findings):
        raise SubmitError("Bài còn lỗi; hãy sửa rồi gửi lại.", findings)
    if not git.ok("var", "GIT_AUTHOR_IDENT"):
        raise SubmitError("Chưa khai báo tên và e-mail cho git: chạy 'git config --global user.name "
                          "\"Họ Tên\"' và 'git config --global user.email \"ten@example.vn\"'.")
    current = git.current_branch()
    if current is None:
        raise SubmitError("Đang không ở trên nhánh nào; hãy chuyển về nhánh chính trước.")
    title = documents[0].title if documents else Path(paths[0]).stem
    created = current == base
    if created:
        branch = branch or BRANCH_PREFIX + (documents[0].slug if documents else slugify(title))
        if git.resolve(f"refs/heads/{branch}"):
            raise SubmitError(f"Nhánh '{branch}' đã có; đặt tên khác bằng --branch.")
        git.run("switch", "--quiet", "-c", branch)
    else:
        branch = current
    try:
        git.run("add", "--all", "--", *paths)
        git.run("commit", "--quiet", "--only", "-m", message or f"Gửi duyệt: {title}", "--", *paths)
    except GitError as error:
        raise SubmitError(f"Không commit được: {error}") from error
    return SubmitResult(branch, git.text("rev-parse", "HEAD"), paths, created, findings)


def next_steps(result: SubmitResult, base: str) -> str:
    """What the writer does next, in Vietnamese."""
    files = "\n".join(f"  - {p}" for p in result.paths)
    verb = "Đã tạo nhánh gửi duyệt" if result.created else "Đã cập nhật nhánh gửi duyệt"
    return f"""{verb} '{result.branch}' (commit {result.commit[:10]}) với:
{files}

Bước tiếp theo:
  1. Đẩy nhánh lên máy chủ:      git push -u origin {result.branch}
  2. Mở yêu cầu hợp nhất (pull request) từ '{result.branch}' vào '{base}'
     và nhờ Ban biên tập duyệt. Xem tình trạng bất cứ lúc nào:
                                  invoke review {result.branch}
  3. Nếu được yêu cầu chỉnh sửa: sửa bài trên nhánh này rồi chạy lại 'invoke submit'
     (mọi phê duyệt trước đó hết hiệu lực vì nội dung đã đổi).
  4. Viết bài khác: quay về nhánh chính bằng 'git switch {base}'."""
