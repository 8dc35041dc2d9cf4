"""script/install-system-deps for a developer without root: it says in Vietnamese what to
install and fails, or passes when chromium, Java and npm are there."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from sitekit import REPO

SCRIPT = REPO / "script" / "install-system-deps"


@pytest.fixture
def bin_dir():
    """An empty PATH folder that ``nobody`` can read (pytest's tmp_path is root's only)."""
    path = Path(tempfile.mkdtemp(prefix="system-deps-"))
    yield path
    shutil.rmtree(path)


def run_unprivileged(path: Path) -> subprocess.CompletedProcess:
    """The script as an ordinary user (``nobody`` when the tests run as root) with only ``path``."""
    for tool in ("id", "grep", "dpkg-query"):
        found = shutil.which(tool)
        if found:
            (path / tool).symlink_to(found)
    path.chmod(0o755)
    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    return subprocess.run([*drop, "env", "-i", f"PATH={path}", "/bin/bash", str(SCRIPT)],
                          capture_output=True, text=True, timeout=60, check=False)


def test_without_chromium_it_says_what_to_install_and_fails(bin_dir: Path):
    result = run_unprivileged(bin_dir)
    assert result.returncode == 1, result.stderr
    assert "Thiếu chương trình cần cho bộ kiểm thử: chromium" in result.stderr
    assert "apt-get install -y --no-install-recommends chromium" in result.stderr


def test_with_everything_present_it_passes(bin_dir: Path):
    for program in ("chromium", "java", "npm"):
        (bin_dir / program).symlink_to("/bin/true")
    result = run_unprivileged(bin_dir)
    assert result.returncode == 0, result.stderr
    assert "Đã có đủ" in result.stdout


def test_script_is_strict_bash_and_never_ignores_failures():
    text = SCRIPT.read_text(encoding="utf-8")
    assert os.access(SCRIPT, os.X_OK) and text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text and "|| true" not in text
