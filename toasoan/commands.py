"""What the ``invoke`` tasks do, as functions that print for people and return exit codes."""

from __future__ import annotations

import atexit
import gc
import logging
import shutil
import sys
from pathlib import Path
from typing import ClassVar, TextIO

from . import findings as f
from .build.plan import BuildResult, Manifest, build_site, load_settings
from .collector import without_collector
from .content import read_content
from .fixes import FileFix, fix_content
from .git import Git, GitError
from .publication import ClockError, Publication, scheduled_lines, scheduled_records
from .scaffold import ScaffoldError, new_content
from .settings import site_rules

DEV_SETTINGS = "pelicanconf.py"
PUBLISH_SETTINGS = "publishconf.py"


def setup_logging(verbose: bool = False) -> None:
    """Plain log lines, quiet unless something is wrong; Pelican's English "Done: …" line
    is left out (each task says what it did, in Vietnamese)."""
    from pelican.log import console

    handler = logging.StreamHandler()
    handler.setFormatter(VietnameseLog(verbose))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler])
    console.quiet = not verbose


class VietnameseLog(logging.Formatter):
    """Our plugins' and toasoan's messages as they are (they are Vietnamese); a library's
    message after a Vietnamese label and its logger's name."""

    LEVELS: ClassVar[dict[str, str]] = {"DEBUG": "Gỡ lỗi", "INFO": "Thông tin", "WARNING": "Cảnh báo",
                                        "ERROR": "Lỗi", "CRITICAL": "Lỗi"}
    OURS = ("toasoan", *(p.name for p in (Path(__file__).resolve().parent.parent / "plugins").glob("*")))

    def __init__(self, verbose: bool = False) -> None:
        super().__init__()
        self.verbose = verbose

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if record.name.split(".")[0] in self.OURS and not self.verbose:
            return text
        return f"{self.LEVELS.get(record.levelname, record.levelname)} ({record.name}): {text}"


@without_collector
def check(settings_file: str = DEV_SETTINGS, fmt: str = "text", fix: bool = False) -> int:
    """Check every content file (after repairing what :mod:`toasoan.fixes` can, with ``fix``);
    0 when there is no error, 1 otherwise. Both reports also list the articles scheduled for
    later (not findings: nothing is wrong with them; in JSON, records of severity "info")."""
    settings = load_settings(settings_file)
    try:
        clock = Publication.of(settings)
    except ClockError as error:
        print(error, file=sys.stderr)
        return 1
    rules, problems = site_rules(settings)
    if fix:
        print_fixes(fix_content(rules), file=sys.stderr if fmt == "json" else sys.stdout)
    documents, findings = read_content(rules)
    findings = problems + findings
    scheduled = clock.scheduled(documents)
    if fmt == "json":
        print(f.format_json(findings, notes=scheduled_records(scheduled)))
    else:
        if findings:
            print(f.format_text(findings))
        print(f.format_summary(findings))
        if scheduled:
            print(f"Hẹn đăng ({len(scheduled)} bài, chưa lên trang công khai cho đến giờ hẹn):")
            print("\n".join(f"  {line}" for line in scheduled_lines(scheduled)))
    return 1 if f.has_errors(findings) else 0


def print_fixes(fixes: list[FileFix], file: TextIO) -> None:
    """What ``invoke check --fix`` changed, per file and line, in Vietnamese."""
    for fixed in fixes:
        print("\n".join(fixed.report()), file=file)
    written = sum(fixed.written for fixed in fixes)
    print(f"Đã sửa tự động {written} tệp." if written else "Không có gì sửa tự động được.", file=file)


@without_collector
def build(settings_file: str = DEV_SETTINGS, full: bool = False, **overrides: object) -> int:
    """Build the site (incrementally unless ``full``); print findings in Vietnamese on failure.

    The cyclic garbage collector is off meanwhile: a build makes almost no garbage in cycles
    (its collections free a few hundred objects), but each full collection scans everything
    the build holds — ≈ 0.5–1 s of a cold build at 5 000 articles, 40 ms of an edit's.
    """
    # When the process ends, Python's last full collection would scan every object of the
    # build once more (≈ 0.5 s at 5 000 articles) only to free memory the process gives back.
    atexit.register(gc.freeze)
    try:
        return report_build(build_site(settings_file, incremental=not full, **overrides))
    except ClockError as error:  # PUBLICATION_NOW or TOASOAN_NOW is not a time
        print(error, file=sys.stderr)
        return 1


def report_build(result: BuildResult) -> int:
    """Say what a build did (findings in Vietnamese on failure); its exit code."""
    if result.unchanged:
        print(f"Không có gì thay đổi kể từ lần dựng trước: giữ nguyên {result.kept} tệp trong {result.output}/.")
        return 0
    if result.ok and result.patched:
        names = ", ".join(Path(p).name for p in result.patched)
        print(f"Đã cập nhật thân bài {names}: ghi {result.rendered} tệp vào {result.output}/.")
        return 0
    if result.ok:
        kept = f", giữ nguyên {result.kept} tệp của lần dựng trước" if result.kept else ""
        print(f"Đã dựng trang vào {result.output}/: ghi {result.rendered} tệp{kept}.")
        return 0
    if result.findings:
        print(f.format_text(result.findings), file=sys.stderr)
        print(f.format_summary(result.findings), file=sys.stderr)
    if result.error:
        print(f"Lỗi khi dựng trang: {result.error}", file=sys.stderr)
    print(f"Dựng trang thất bại; thư mục {result.output}/ được giữ nguyên.", file=sys.stderr)
    return 1


def new(kind: str, title: str, settings_file: str = DEV_SETTINGS, author: str = "Ban biên tập") -> int:
    rules, _ = site_rules(load_settings(settings_file))
    try:
        path = new_content(kind, title, rules, author=author)
    except ScaffoldError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Đã tạo {Path(path).relative_to(Path.cwd()) if Path(path).is_absolute() else path}")
    print("Mở tệp, điền nội dung, đổi 'status: draft' thành 'status: published' khi sẵn sàng.")
    return 0


def import_word(file: str, *, meeting: bool = False, author: str | None = None,
                settings_file: str = DEV_SETTINGS) -> int:
    """``invoke import``: a .docx becomes a draft; print it, its images and what was not converted."""
    from .docx_import import ImportRefused, import_docx

    rules, _ = site_rules(load_settings(settings_file))
    source = Path(file)
    if not source.is_file():
        print(f"Không tìm thấy tệp {file}.", file=sys.stderr)
        return 1
    try:
        result = import_docx(source, meeting=meeting, author=author, content_root=rules.content_root,
                             rules=rules)
        result.write()
    except ImportRefused as error:
        print(f.format_text([error.finding]), file=sys.stderr)
        return 1
    print(f"Đã tạo {rules.display_path(result.relpath)} (bản nháp: status: draft)")
    for relpath, _ in result.images:
        print(f"  ảnh: {rules.display_path(relpath)}")
    if result.unconverted:
        print("Không chuyển được (xem lại trong Word rồi sửa trong bài):")
        for note in result.unconverted:
            print(f"  - {note}")
    fields = ("thông tin cuộc họp (meeting), kết luận (decisions), nhiệm vụ (action_items)" if meeting
              else "chuyên mục (category) và thẻ (tags)")
    print(f"Bước tiếp theo: đọc lại bài, điền {fields}, rồi chạy 'invoke check'; "
          "hết lỗi thì 'invoke submit'.")
    return 0


def clean(settings_file: str = DEV_SETTINGS) -> int:
    settings = load_settings(settings_file)
    output = Path(settings["OUTPUT_PATH"])
    for leftover in [output, *output.parent.glob(".output-*")]:
        shutil.rmtree(leftover, ignore_errors=True)
    Manifest.for_output(settings, output.resolve()).remove()
    return 0


def publish(settings_file: str = PUBLISH_SETTINGS, branch: str = "gh-pages", push: bool = False,
            remote: str = "origin") -> int:
    """Check, build with publish settings, then add one commit to ``branch`` with ghp-import.

    Refuses a dirty work tree and failing checks; never force-pushes: the new commit goes
    on top of the remote's ``branch``, so its history stays. A build identical to what
    ``branch`` holds adds no commit (the workflow runs on a schedule, for scheduled articles).
    On failure ``branch`` is left where it was.
    """
    from ghp_import import GhpError, ghp_import

    git = Git(".")
    uncommitted = _uncommitted(git)
    if uncommitted:
        shown = "".join(f"\n  {line}" for line in uncommitted[:MAX_LISTED])
        more = f"\n  … và {len(uncommitted) - MAX_LISTED} tệp khác" if len(uncommitted) > MAX_LISTED else ""
        print("Có thay đổi chưa commit; hãy commit (hoặc gửi duyệt) hoặc bỏ chúng trước khi xuất bản:"
              + shown + more, file=sys.stderr)
        return 1
    if check(settings_file) != 0:
        print("Nội dung còn lỗi; không xuất bản.", file=sys.stderr)
        return 1
    if build(settings_file, full=True) != 0:  # what is published never depends on an earlier build
        return 1
    ref = f"refs/heads/{branch}"
    before = None
    try:
        if push:
            # the remote may have no such branch yet (first publish); a push then creates it
            git.run("fetch", "--quiet", remote, f"+{ref}:refs/remotes/{remote}/{branch}", check=False)
        before = git.resolve(ref)
        commit = git.text("rev-parse", "--short", "HEAD")
        ghp_import(load_settings(settings_file)["OUTPUT_PATH"], mesg=f"Xuất bản trang từ {commit}",
                   branch=branch, remote=remote, push=False, nojekyll=True, force=False)
        if before and git.tree_of(before) == git.tree_of(ref):  # a scheduled run with nothing new
            git.update_ref(ref, before)
            print(f"Trang không thay đổi so với nhánh {branch}: không có gì mới để xuất bản.")
            return 0
        if push:
            git.run("push", remote, f"{ref}:{ref}")
    except (GhpError, GitError) as error:
        if before:
            git.update_ref(ref, before)
        print(f"Xuất bản thất bại, nhánh {branch} giữ nguyên: {error}", file=sys.stderr)
        return 1
    print(f"Đã xuất bản vào nhánh {branch}" + (f" và đẩy lên {remote}." if push else "."))
    return 0


MAX_LISTED = 20  # uncommitted files ``invoke publish`` names; the rest are counted


def _uncommitted(git: Git) -> list[str]:
    """``git status`` lines of the work tree's uncommitted changes (``M content/…``)."""
    out = git.run("status", "--porcelain", "-z", "--untracked-files=all").stdout
    return [entry.decode("utf-8", "surrogateescape").strip() for entry in out.split(b"\0") if entry.strip()]
