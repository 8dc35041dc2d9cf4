"""Test kit: a throwaway newsroom project (code, theme, settings) in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from toasoan.model import SiteRules, load_units

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PROJECT_FILES = ("pelicanconf.py", "publishconf.py", "tasks.py")
PROJECT_DIRS = ("theme", "plugins", "content/data")


def in_a_new_process(case: Callable[..., None], *arguments: str) -> None:
    """Run ``case(*arguments)`` (a function of a test module) in a new Python process, with no
    thread but its own: a case that forks cannot run in a test worker where another test left
    a thread (the browser tests' Chromium, a server), since nothing forks beside a thread."""
    code = (f"import sys; sys.path[:0] = {[str(Path(__file__).parent), str(REPO)]!r}\n"
            f"import {case.__module__} as cases\ncases.{case.__name__}(*{list(arguments)!r})\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                            check=False, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-6000:]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


class Project:
    """A copy of the project's code and settings with content of the test's choosing."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        self.output = root / "output"

    def add(self, relpath: str, text: str) -> Path:
        return write(self.content / relpath, text)

    def rules(self) -> SiteRules:
        units, _ = load_units(self.content, "data/units.yml")
        return SiteRules(content_root=self.content, units=units)

    def invoke(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Run ``invoke`` in the project as a person would (``env``: more environment
        variables), capturing what it prints."""
        env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})}
        return subprocess.run([str(VENV_BIN / "invoke"), *args], cwd=self.root, env=env,
                              capture_output=True, text=True, timeout=300, check=False)

    def files(self) -> dict[str, bytes]:
        """Every output file and its bytes, for before/after comparisons."""
        return {p.relative_to(self.output).as_posix(): p.read_bytes()
                for p in sorted(self.output.rglob("*")) if p.is_file()}


def built(project: Project) -> Project:
    """``project`` after ``invoke build``, which must succeed."""
    result = project.invoke("build")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def make_project(root: Path, *, sample_content: bool) -> Project:
    """Copy the project's code, theme and settings to ``root``; with the sample content or
    with only the units roster."""
    root.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy2(REPO / name, root / name)
    dirs = ("theme", "plugins", "content") if sample_content else PROJECT_DIRS
    for name in dirs:
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "test_*"))
    return Project(root)


ARTICLE = """
---
title: Học viện khai giảng lớp bồi dưỡng
date: 2019-03-04 08:30
author: Thu Phương
category: Đào tạo - Bồi dưỡng
tags: [Đào tạo]
---

Sáng 4/3/2019, Học viện khai giảng lớp bồi dưỡng kiến thức quản lý nhà nước.

Lớp học kéo dài hai tuần.
"""

MEETING = """
---
title: Họp Ban chỉ đạo ứng dụng CNTT năm 2018
date: 2018-12-27 11:00
author: Thu Phương
meeting:
  date: 2018-12-27 08:00
  location: Hà Nội
  chair: PGS.TS. Trần Trung, Quyền Giám đốc Học viện
  bodies: [Ban chỉ đạo ứng dụng CNTT]
decisions:
  - Đầu tư hạ tầng công nghệ thông tin.
action_items:
  - id: CNTT-2018-01
    title: Đầu tư hạ tầng và phần mềm
    owner: Văn phòng
    support: [Phòng Kế hoạch Tài vụ]
    due: 2019-06-30
    priority: high
    status: open
    progress: 0
---

Sáng 27/12/2018, Học viện họp tổng kết công tác ứng dụng công nghệ thông tin.
"""
