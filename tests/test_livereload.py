"""``invoke livereload`` end to end: a real server process, real edits, real rebuilds.

A body edit is patched into the resident build (the page shows it, the log says so); a
change to a plugin's code starts the process again so builds run the new code.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sitekit import ARTICLE, VENV_BIN, Project

SENTENCE = "Câu mới thêm khi xem trước trên máy."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(condition: Callable[[], bool], what: str, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} — log:\n{log.read_text(encoding='utf-8', errors='replace')}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def livereload(project: Project, log: Path) -> Iterator[str]:
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([str(VENV_BIN / "invoke"), "livereload", "--port", str(port)],
                                   cwd=project.root, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_livereload_patches_a_body_edit_and_restarts_when_code_changes(sample_project: Project,
                                                                       tmp_path: Path) -> None:
    log = tmp_path / "livereload.log"
    article = sample_project.content / "articles" / "2019" / "nghiem-thu-de-tai-cntt-quan-ly-dao-tao.md"
    page = sample_project.output / "2019" / "nghiem-thu-de-tai-cntt-quan-ly-dao-tao" / "index.html"
    with livereload(sample_project, log) as base:
        _wait(lambda: _answers(f"{base}/"), "the site is served after the first build", log)
        assert page.is_file() and SENTENCE not in page.read_text(encoding="utf-8")
        article.write_text(article.read_text(encoding="utf-8") + f"\n{SENTENCE}\n", encoding="utf-8")
        _wait(lambda: SENTENCE in page.read_text(encoding="utf-8"), "the edit reaches the page", log)
        _wait(lambda: f"Đã cập nhật thân bài {article.name}" in log.read_text(encoding="utf-8"),
              "the edit was patched, not rebuilt", log)
        plugin = sample_project.root / "plugins" / "sitemap" / "sitemap.py"
        plugin.write_text(plugin.read_text(encoding="utf-8") + "\n# sửa mã\n", encoding="utf-8")
        _wait(lambda: "khởi động lại" in log.read_text(encoding="utf-8"), "a code change restarts", log)
        _wait(lambda: log.read_text(encoding="utf-8").count("Đã dựng trang") >= 2 and _answers(f"{base}/"),
              "the restarted process builds and serves again", log)


@pytest.mark.parametrize("task", ["serve", "livereload"])
def test_a_port_already_taken_is_told_plainly(sample_project: Project, task: str) -> None:
    """A second server on a busy port (a writer's forgotten ``invoke serve``) ends with a
    plain message and exit code 1, not a traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([str(VENV_BIN / "invoke"), task, "--port", str(port)], cwd=sample_project.root,
                              capture_output=True, text=True, timeout=300, check=False)
    printed = done.stdout + done.stderr
    assert done.returncode == 1, printed
    assert f"Không mở được cổng {port}" in printed and f"--port {port + 1}" in printed, printed
    assert "Traceback" not in printed, printed


LIVE = "() => window.LiveReload && window.LiveReload.connector && window.LiveReload.connector.protocol > 0"
H1 = "() => (document.querySelector('h1') || {}).innerText"


def test_a_failed_build_shows_its_findings_in_the_browser_until_the_next_good_save(
        project: Project, tmp_path: Path, headless_browser) -> None:
    """A bad date: the open page turns into the findings (Vietnamese, file:line, field, code,
    hint); the terminal says it once, in Vietnamese; the fix brings the article back by itself."""
    from browserkit import Tab

    article = project.add("articles/2019/tin.md", ARTICLE)
    log = tmp_path / "livereload.log"
    tab = Tab(headless_browser, javascript=True)
    try:
        with livereload(project, log) as base:
            _wait(lambda: _answers(f"{base}/"), "the site is served after the first build", log)
            tab.open(f"{base}/2019/hoc-vien-khai-giang-lop-boi-duong/")
            assert tab.run(H1) == "Học viện khai giảng lớp bồi dưỡng"
            tab.page.wait_for_function(LIVE, timeout=60_000)  # the page listens for reloads
            article.write_text(ARTICLE.lstrip().replace("2019-03-04 08:30", "2019-13-45"), encoding="utf-8")
            tab.page.wait_for_function(f"({H1})() === 'Dựng trang thất bại'", timeout=120_000)
            shown = tab.run("document.body.innerText")
            for part in ("content/articles/2019/tin.md:3", "trường date", "E103 (lỗi)", "'2019-13-45'",
                         "Gợi ý: Viết theo dạng YYYY-MM-DD"):
                assert part in shown, (part, shown)
            assert "Traceback" not in shown
            tab.page.wait_for_function(LIVE, timeout=60_000)
            article.write_text(ARTICLE.lstrip(), encoding="utf-8")
            tab.page.wait_for_function(f"({H1})() === 'Học viện khai giảng lớp bồi dưỡng'", timeout=120_000)
    finally:
        tab.close()
    printed = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert printed.count("content/articles/2019/tin.md:3  date  E103 (lỗi)") == 1, printed
    assert sum(line.startswith("Dựng trang thất bại;") for line in printed) == 1, printed
    english = [line for line in printed if any(word in line for word in ("INFO", "Done:", "Serving on",
                                                                         "Running task", "watching"))]
    assert english == [], english
    assert len(printed) == len(set(printed)), printed  # each line once
