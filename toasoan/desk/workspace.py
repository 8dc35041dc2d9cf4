"""The writer's drafts: one git work tree per submission, kept inside the repository's git
directory (``.git/toasoan/ban-lam-viec/<slug>``) on the branch ``gui-duyet/<slug>``.

A draft never touches the writer's own checkout, two drafts never share files, and a
submission is the library's :func:`~toasoan.editorial.submit.submit` run in the draft's
work tree, then ``git push``. Files are written atomically (a temporary file, then
``os.replace``), so a failed save leaves the previous version whole.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from .. import text as vi
from ..content import read_content
from ..docx_import import ImportRefused, import_docx, reencode_image
from ..editorial.remote import BASE_BRANCH, RemoteError, base_ref, default_base, default_remote, fetch, push
from ..editorial.submit import BRANCH_PREFIX, SubmitError, SubmitResult, changed_content, submit
from ..editorial.tree import SETTINGS_FILE, content_prefix, is_markdown, literal_settings
from ..findings import Finding, has_errors
from ..git import Git, GitError
from ..model import ARTICLE, PAGE, ContentFile, SiteRules, parse_content_file
from ..model import DOCUMENT as DOCUMENT_KIND
from ..settings import site_rules
from .compose import DOCUMENT, MEETING, Form, file_text, form_from_text, kind_of

DRAFTS_DIR = "toasoan/ban-lam-viec"
# Where Pelican writes a file of each kind, released or draft: the setting and Pelican's default.
ADDRESSES = {
    (ARTICLE, False): ("ARTICLE_URL", "{slug}.html"), (ARTICLE, True): ("DRAFT_URL", "drafts/{slug}.html"),
    (PAGE, False): ("PAGE_URL", "pages/{slug}.html"), (PAGE, True): ("DRAFT_PAGE_URL", "drafts/pages/{slug}.html"),
    (DOCUMENT_KIND, False): ("DOCUMENT_URL", "van-ban/{slug}/"),
    (DOCUMENT_KIND, True): ("DRAFT_PAGE_URL", "drafts/pages/{slug}.html"),
}
ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A Văn bản's file: what the site offers for download (plugins/documents), each recognised
# by its first bytes, so a file is what its name says.
ATTACHMENTS = {".pdf": b"%PDF-", ".docx": ZIP, ".xlsx": ZIP, ".odt": ZIP, ".ods": ZIP, ".doc": OLE, ".xls": OLE}


class DeskError(Exception):
    """Something the desk could not do; the message is in Vietnamese."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".desk-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


def attachment_suffix(data: bytes, filename: str) -> str:
    """The suffix of an acceptable Văn bản file (``.pdf``…); a Vietnamese refusal otherwise."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if suffix not in ATTACHMENTS or not data.startswith(ATTACHMENTS[suffix]):
        kinds = ", ".join(s.lstrip(".").upper() for s in ATTACHMENTS)
        raise DeskError(f"Tệp '{PurePosixPath(filename).name}' không phải tệp văn bản dùng được ({kinds}); "
                        "hãy chọn tệp PDF hoặc Word của văn bản.")
    return suffix


def free_path(folder: Path, stem: str, suffix: str, mine: Path | None = None) -> Path:
    """``folder/stem.suffix``, or ``stem-2``, ``stem-3``… when taken (by a file other than ``mine``)."""
    target, number = folder / f"{stem}{suffix}", 2
    while target.exists() and target != mine:
        target = folder / f"{stem}-{number}{suffix}"
        number += 1
    return target


def site_rules_at(root: Path) -> tuple[SiteRules, list[Finding], str]:
    """The site rules of the checkout at ``root`` (settings read as data, never run)."""
    settings_file = root / SETTINGS_FILE
    settings = literal_settings(settings_file.read_bytes() if settings_file.is_file() else None)
    prefix = content_prefix(settings)
    rules, problems = site_rules({**settings, "PATH": str(root / prefix)})
    return rules, problems, prefix


@dataclass
class Draft:
    """One draft: its work tree and its branch."""

    name: str
    path: Path

    @property
    def branch(self) -> str:
        return BRANCH_PREFIX + self.name

    @property
    def git(self) -> Git:
        return Git(self.path)

    def rules(self) -> tuple[SiteRules, list[Finding], str]:
        return site_rules_at(self.path)

    def document_path(self) -> str | None:
        """The draft's article or meeting report, relative to the work tree."""
        _, _, prefix = self.rules()
        changed = [p for p in changed_content(self.git, prefix) if is_markdown(p)]
        if changed:
            return changed[0]
        head = self.git.text("diff", "--name-only", "--diff-filter=AM", f"{self.base()}...HEAD", "--", prefix)
        files = [p for p in head.splitlines() if is_markdown(p)]
        return files[0] if files else None

    def base(self) -> str:
        return base_ref(self.git, BASE_BRANCH, default_remote(self.git)) or BASE_BRANCH

    def kind(self) -> str:
        """``article``, ``meeting`` or ``document``: decided by where its file is, as the model does."""
        rules, _, prefix = self.rules()
        path = self.document_path()
        if path is None:
            raise DeskError(f"Bản nháp '{self.name}' chưa có bài nào.")
        return kind_of(path[len(prefix):], rules)

    def read_form(self) -> Form:
        kind = self.kind()
        return form_from_text((self.path / self.document_path()).read_text(encoding="utf-8"), kind)

    def save(self, form: Form, path: str | None = None) -> str:
        """Write the form to the draft's file (atomically); returns its path."""
        path = path or self.document_path()
        if path is None:
            raise DeskError("Không biết tệp của bản nháp.")
        write_atomic(self.path / path, file_text(form).encode("utf-8"))
        return path

    def findings(self) -> tuple[list[Finding], ContentFile | None]:
        """What ``invoke check`` says about the draft's files, and its parsed document."""
        rules, problems, prefix = self.rules()
        documents, findings = read_content(rules)
        path = self.document_path()
        mine = set()
        if path:
            mine.add(rules.display_path(path[len(prefix):]))
        shown = [f for f in problems + findings if f.file in mine or f.file.startswith("content/data")]
        document = next((d for d in documents if d.source in mine), None)
        return shown, document

    def save_image(self, data: bytes, filename: str, now: dt.datetime | None = None) -> str:
        """A pasted or uploaded image, checked and resized by the library (the same as Word's
        images), under ``images/<year>/``; its path from content/."""
        found = reencode_image(data)
        if isinstance(found, str):
            raise DeskError(f"Ảnh không dùng được: {found}")
        image, suffix = found
        rules, _, _ = self.rules()
        now = now or dt.datetime.now(vi.VIETNAM)
        stem = vi.slugify(PurePosixPath(filename.replace("\\", "/")).stem) or "anh"
        target = free_path(rules.content_root / "images" / f"{now:%Y}", stem, f".{suffix}")
        write_atomic(target, image)
        return target.relative_to(rules.content_root).as_posix()

    def save_attachment(self, data: bytes, filename: str, form: Form) -> str:
        """A Văn bản's file (PDF, Word…) under ``files/<year of issue>/``, named after the
        document's number (``47/QĐ-HVDT`` → ``47-qd-hvdt.pdf``); its path from content/.
        A new file for the same document replaces the one it had."""
        suffix = attachment_suffix(data, filename)
        rules, _, _ = self.rules()
        year = (vi.parse_datetime(form.get("issued")) or dt.datetime.now(vi.VIETNAM)).year
        stem = vi.slugify(form.get("number")) or vi.slugify(PurePosixPath(filename.replace("\\", "/")).stem) \
            or "van-ban"
        current = rules.content_root / form.get("file") if form.get("file") else None
        target = free_path(rules.content_root / "files" / str(year), stem, suffix, mine=current)
        write_atomic(target, data)
        return target.relative_to(rules.content_root).as_posix()

    def page_address(self, document: ContentFile | None) -> str | None:
        """Where the preview build wrote ``document``'s page (from the output folder), or None.

        A draft (``status: draft``) is written at ``DRAFT_URL`` (``DRAFT_PAGE_URL`` for a
        Văn bản or a page), not at its public address; the settings are read as data."""
        if document is None:
            return None
        settings = literal_settings((self.path / SETTINGS_FILE).read_bytes())
        kind = ARTICLE if document.kind not in (PAGE, DOCUMENT_KIND) else document.kind
        name, default = ADDRESSES[kind, not document.is_published]
        try:
            address = str(settings.get(name) or default).format_map(
                {"slug": document.slug, "date": getattr(document, "date", None), "lang": "vi"})
        except (KeyError, AttributeError, ValueError, TypeError):
            return None
        output = (self.path / "output").resolve()
        page = (output / address / "index.html") if address.endswith("/") or not address else output / address
        return address if page.resolve().is_relative_to(output) and page.is_file() else None


class Workspace:
    """The desk user's repository: their drafts, the remote, who they are."""

    def __init__(self, root: str | Path) -> None:
        git = Git(root)
        top = git.toplevel()
        if top is None:
            raise DeskError(f"'{root}' không phải một kho git: hãy mở bàn làm việc trong thư mục của tòa soạn.")
        self.root = top
        self.git = Git(top)

    # ---------------------------------------------------------------- identity and remote
    def me(self) -> tuple[str, str]:
        return (self.git.config_value("user.name") or "", self.git.config_value("user.email") or "")

    @property
    def remote(self) -> str | None:
        return default_remote(self.git)

    @property
    def base(self) -> str:
        return default_base(self.remote)

    def fetch(self) -> None:
        """Bring the remote's branches (``origin/*``) up to date (offline: what was fetched last)."""
        fetch(self.git, self.remote)

    # ---------------------------------------------------------------- drafts
    @property
    def drafts_dir(self) -> Path:
        common = self.git.common_dir()
        if common is None:
            raise DeskError("Không tìm thấy thư mục .git của kho.")
        return common.resolve() / DRAFTS_DIR

    def drafts(self) -> list[Draft]:
        folder = self.drafts_dir
        if not folder.is_dir():
            return []
        return [Draft(p.name, p) for p in sorted(folder.iterdir()) if (p / ".git").exists()]

    def draft(self, name: str) -> Draft:
        """The draft ``name``; its work tree is made from the branch when missing (another machine)."""
        if not vi.SLUG_PATTERN.match(name):
            raise DeskError(f"Tên bản nháp '{name}' không hợp lệ.")
        draft = Draft(name, self.drafts_dir / name)
        if (draft.path / ".git").exists():
            return draft
        if self.git.resolve(f"refs/heads/{draft.branch}"):
            self._worktree("add", "--quiet", str(draft.path), draft.branch)
        elif self.remote and self.git.resolve(f"refs/remotes/{self.remote}/{draft.branch}"):
            self._worktree("add", "--quiet", "-b", draft.branch, str(draft.path), f"{self.remote}/{draft.branch}")
        else:
            raise DeskError(f"Không có bản nháp hay bài gửi duyệt '{name}'.")
        return draft

    def new_draft(self, form: Form, now: dt.datetime | None = None,
                  attachment: tuple[bytes, str] | None = None) -> Draft:
        """A new draft holding ``form`` as ``content/<articles|meetings|documents>/<year>/<slug>.md``
        (and a Văn bản's file, ``attachment``: its bytes and name)."""
        slug = vi.slugify(form.get("slug") or form.get("title"))
        if not slug:
            raise DeskError("Hãy nhập tiêu đề (có ít nhất một chữ cái hoặc chữ số) trước khi lưu.")
        if attachment:
            attachment_suffix(*attachment)  # a wrong file is refused before anything is written
        draft = self._start(slug)
        rules, _, prefix = draft.rules()
        now = now or dt.datetime.now(vi.VIETNAM)
        year = (vi.parse_datetime(form.get("issued" if form.kind == DOCUMENT else "date")) or now).year
        folder = {MEETING: rules.meeting_dirs, DOCUMENT: rules.document_dirs}.get(form.kind, rules.article_dirs)[0]
        if attachment:
            form.fields["file"] = draft.save_attachment(*attachment, form)
        draft.save(form, f"{prefix}{folder}/{year}/{slug}.md")
        return draft

    def import_draft(self, data: bytes, filename: str, *, meeting: bool = False) -> tuple[Draft, list[str]]:
        """Nhập từ Word: a new draft from a .docx (the library's converter, which refuses a bad
        file before reading it); the draft and what could not be converted."""
        rules, _, _ = site_rules_at(self.root)
        name, _ = self.me()
        try:
            result = import_docx(data, meeting=meeting, author=name or None, content_root=rules.content_root,
                                 name=PurePosixPath(filename.replace("\\", "/")).name, rules=rules)
        except ImportRefused as refusal:
            problem = refusal.finding
            raise DeskError(f"{problem.code}: {problem.message} {problem.hint}".strip()) from refusal
        draft = self._start(PurePosixPath(result.relpath).stem)
        content_root = draft.rules()[0].content_root
        replace(result, path=content_root / result.relpath, content_root=content_root).write()
        return draft, result.unconverted

    def _start(self, slug: str) -> Draft:
        """A new work tree on a new branch ``gui-duyet/<slug>`` from the remote's ``main``."""
        draft = Draft(slug, self.drafts_dir / slug)
        if draft.path.exists() or self.git.resolve(f"refs/heads/{draft.branch}") or \
                (self.remote and self.git.resolve(f"refs/remotes/{self.remote}/{draft.branch}")):
            raise DeskError(f"Đã có bài với đường dẫn '{slug}'; hãy đổi tiêu đề hoặc đặt đường dẫn (slug) khác.")
        self.fetch()
        draft.path.parent.mkdir(parents=True, exist_ok=True)
        self._worktree("add", "--quiet", "-b", draft.branch, str(draft.path), self.base)
        return draft

    def submit(self, draft: Draft) -> SubmitResult:
        """Gửi duyệt: check, commit on the draft's branch (the library's submit), push."""
        findings, _ = draft.findings()
        if has_errors(findings):
            raise SubmitError("Bài còn lỗi; hãy sửa rồi gửi lại.", findings)
        try:
            result = submit(draft.git, BASE_BRANCH, remote=self.remote)
            if self.remote:
                push(draft.git, self.remote, draft.branch, upstream=True)
        except (GitError, RemoteError) as error:
            raise DeskError(f"Không gửi duyệt được: {error}") from error
        self.git.run("config", f"branch.{draft.branch}.toasoan-sent", "true")
        return result

    def _worktree(self, *args: str) -> None:
        try:
            self.git.run("worktree", *args)
        except GitError as error:
            raise DeskError(f"Không tạo được bản nháp: {error}") from error


def parse_form(form: Form, relpath: str, rules: SiteRules) -> list[Finding]:
    """Findings of the form's file alone (before it is saved anywhere)."""
    _, findings = parse_content_file(relpath, file_text(form), rules)
    return findings
