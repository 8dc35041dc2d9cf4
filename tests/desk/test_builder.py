"""The resident preview build of a draft: one child process keeps its Pelican run, patches a
body edit into it, says in Vietnamese why a build failed, and is started again once killed."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from sitekit import ARTICLE, make_project
from toasoan.desk.builder import Builders

SOURCE = "articles/2019/khai-giang.md"


def page(root: Path) -> str:
    return next((root / "output").glob("2019/hoc-vien-khai-giang*/index.html")).read_text(encoding="utf-8")


def test_the_builder_stays_patches_body_edits_and_comes_back(tmp_path: Path) -> None:
    project = make_project(tmp_path / "site", sample_content=False)
    project.add(SOURCE, ARTICLE)
    builders = Builders()
    builder = builders.for_root(project.root)
    try:
        first = builder.build()
        assert first.ok, first.message()
        assert "Lớp học kéo dài hai tuần." in page(project.root)

        project.add(SOURCE, ARTICLE.replace("hai tuần.", "hai tuần, tại Hà Nội."))
        second = builder.build()
        assert second.ok, second.message()
        assert second.pid == first.pid  # the same process, its Pelican run kept
        assert [Path(p).name for p in second.patched] == ["khai-giang.md"]
        assert "tại Hà Nội." in page(project.root)

        project.add(SOURCE, ARTICLE.replace("date: 2019-03-04 08:30", "date: 2019-13-45 08:30"))
        failed = builder.build()
        assert not failed.ok and failed.pid == first.pid
        assert any(f.field == "date" and f.is_error for f in failed.findings), failed.message()
        assert "Không dựng được trang xem trước" in failed.message()
        assert "tại Hà Nội." in page(project.root)  # the last good page stays on disk

        os.kill(first.pid, signal.SIGTERM)  # (TerminateProcess on Windows)
        project.add(SOURCE, ARTICLE.replace("hai tuần.", "ba tuần."))
        again = builder.build()
        assert again.ok, again.message()
        assert again.pid != first.pid
        assert "Lớp học kéo dài ba tuần." in page(project.root)
    finally:
        builders.stop_all()
    assert not builder.running
