"""Xem trước: build a submission's pages with the base's code, for the reviewer to open.

The submission's code is never checked out nor run. The base's site code (``pelicanconf.py``,
``publishconf.py``, ``plugins/``, ``theme/``; ``toasoan`` is the installed package) is exported
from git objects into a temporary folder, the submission's content folder — regular files only,
from git objects too — is laid over it, and Pelican builds that folder in a separate process
(:mod:`toasoan.build.pages_report`) into ``dest``. A branch that edits a template or a plugin
is therefore shown as the base would publish it.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding
from ..git import Git
from .refs import Branch, resolve_branch
from .tree import SETTINGS_FILE, content_prefix, literal_settings

# The base's code a preview runs; everything else of the base is left out.
CODE_PATHS = ("pelicanconf.py", "publishconf.py", "plugins", "theme")
BUILD_TIMEOUT = 900  # seconds
PAGES_REPORT = "toasoan.build.pages_report"  # the build run in its own process (this package imports no Pelican)


class PreviewError(Exception):
    """The preview could not be built; the message is in Vietnamese."""


@dataclass
class PreviewResult:
    """Where each changed content file's page was written (``dest``-absolute), and the findings."""

    dest: Path
    pages: dict[str, Path] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # changed paths the submission deletes
    error: str | None = None  # why the build failed (the findings say more)


def _export(git: Git, commit: str, paths: list[str], folder: Path) -> None:
    """Write the regular files of ``paths`` at ``commit`` into ``folder`` (no links, nothing outside)."""
    present = git.text("ls-tree", "--name-only", "-z", commit, "--", *paths).split("\0")
    present = [p for p in present if p]
    if not present:
        return
    data = git.run("archive", "--format=tar", commit, "--", *present).stdout
    root = folder.resolve()
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for member in archive.getmembers():
            target = (root / member.name).resolve()
            if not member.isreg() or not target.is_relative_to(root):
                continue  # links, folders (made below) and anything pointing outside
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.extractfile(member).read())


def build_preview(git: Git, submission_branch: str | Branch, base_branch: str | Branch,
                  dest: str | Path) -> PreviewResult:
    """Build ``submission_branch``'s content with ``base_branch``'s code into ``dest``."""
    submission = resolve_branch(git, submission_branch)
    base = resolve_branch(git, base_branch)
    merge_base = git.merge_base(base.sha, submission.sha)
    if merge_base is None:
        raise PreviewError(f"Nhánh '{submission.short}' không có gốc chung với '{base.short}'.")
    prefix = content_prefix(literal_settings(git.show(base.sha, SETTINGS_FILE)))
    changes = [c for c in git.diff(merge_base, submission.sha) if c.path.startswith(prefix)]
    dest = Path(dest).resolve()
    with tempfile.TemporaryDirectory(prefix="toasoan-xem-truoc-") as work:
        site = Path(work) / "site"
        site.mkdir()
        _export(git, base.sha, list(CODE_PATHS), site)
        _export(git, submission.sha, [prefix.rstrip("/")], site)
        report = Path(work) / "report.json"
        command = [sys.executable, "-m", PAGES_REPORT, str(site / SETTINGS_FILE), str(dest), str(report)]
        try:
            done = subprocess.run(command, cwd=site, capture_output=True, text=True, check=False,
                                  timeout=BUILD_TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as error:
            raise PreviewError(f"Dựng bản xem trước quá {BUILD_TIMEOUT} giây; đã dừng.") from error
        if not report.is_file():
            raise PreviewError(f"Không dựng được bản xem trước: {done.stderr.strip()[-2000:]}")
        built = json.loads(report.read_text(encoding="utf-8"))
    result = PreviewResult(dest, findings=[Finding(**f) for f in built["findings"]], error=built["error"])
    for change in changes:
        save_as = built["pages"].get(change.path[len(prefix):])
        if change.status == "D":
            result.removed.append(change.path)
        elif save_as:
            result.pages[change.path] = dest / save_as
    return result
