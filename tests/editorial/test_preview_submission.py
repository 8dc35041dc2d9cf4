"""Xem trước: a submission's pages built with the base's code, never the submission's."""

from __future__ import annotations

import os
from pathlib import Path

from clones import person, project

from toasoan.editorial.preview import build_preview
from toasoan.git import Git

ARTICLE = "content/articles/2024/bai-xem-truoc.md"
GONE = "content/articles/2018/hoi-thao-nguon-nhan-luc-vung-dan-toc-thieu-so.md"
TEXT = """---
title: Bài xem trước của người viết
date: 2024-05-02 09:00
author: Vũ Thị Lan
category: Tin tức - Sự kiện
---
Nội dung ĐỘC-NHẤT-123 của bài.
"""


def test_preview_builds_the_branch_content_with_the_base_code(tmp_path: Path) -> None:
    writer = person(tmp_path, "writer", "Vũ Thị Lan", "lan.vt@hvdt.example.vn")
    root = project(tmp_path, writer)
    git = Git(root)
    ran = tmp_path / "ma-cua-nhanh-da-chay"
    side_effect = f"\nfrom pathlib import Path as _P\n_P({str(ran)!r}).write_text('x')\n"
    writer.run("git", "switch", "--quiet", "-c", "gui-duyet/xem-truoc", cwd=root)
    base_html = root / "theme/templates/base.html"
    base_html.write_text(base_html.read_text(encoding="utf-8").replace("</body>", "<p>DẤU-CỦA-NHÁNH</p></body>"),
                         encoding="utf-8")
    for code in ("pelicanconf.py", "plugins/site_menu/__init__.py"):
        (root / code).write_text((root / code).read_text(encoding="utf-8") + side_effect, encoding="utf-8")
    with (root / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write('SITENAME = "TÊN-BỊ-ĐỔI"\n')
    (root / ARTICLE).parent.mkdir(parents=True, exist_ok=True)
    (root / ARTICLE).write_text(TEXT, encoding="utf-8")
    os.symlink("/etc/hostname", root / "content/articles/2024/lien-ket.md")
    (root / GONE).unlink()
    writer.run("git", "add", "--all", cwd=root)
    writer.run("git", "commit", "--quiet", "-m", "Bài mới, kèm sửa mã", cwd=root)
    writer.run("git", "switch", "--quiet", "main", cwd=root)

    dest = root / ".cache/xem-truoc/xem-truoc"
    result = build_preview(git, "gui-duyet/xem-truoc", "main", dest)

    assert result.error is None, result.findings
    assert set(result.pages) == {ARTICLE} and result.removed == [GONE]
    page = result.pages[ARTICLE]
    assert page.is_file() and page.is_relative_to(dest)
    html = page.read_text(encoding="utf-8")
    assert "ĐỘC-NHẤT-123" in html and "Trang thông tin điện tử Học viện Dân tộc" in html
    pages = list(dest.rglob("*.html"))
    assert len(pages) > 20
    assert not any("DẤU-CỦA-NHÁNH" in p.read_text(encoding="utf-8") or "TÊN-BỊ-ĐỔI" in p.read_text(encoding="utf-8")
                   for p in pages)
    assert not ran.exists()  # neither the branch's settings nor its plugin ran
    assert not any("lien-ket" in p.as_posix() for p in dest.rglob("*"))  # links are not followed
    assert git.current_branch() == "main" and git.text("status", "--porcelain") == ""  # .cache/ is ignored
