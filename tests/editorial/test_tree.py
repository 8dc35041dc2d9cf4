"""Content read from git objects: links checked against the branch's tree, the parse cache
invalidated by what a file looked at, settings read without running them."""

from __future__ import annotations

import gc
import shutil

import pytest
from newsroom import REPO, Newsroom, article

from toasoan import parsing
from toasoan.build.plan import load_settings
from toasoan.content import read_content, shared_cache
from toasoan.editorial import review as reviewing
from toasoan.editorial.tree import literal_settings, read_tree
from toasoan.findings import Finding
from toasoan.settings import site_rules

LINKING = "content/articles/2024/lien-ket.md"
TARGET = "content/articles/2024/hoi-thao.md"


def codes(room: Newsroom, rev: str) -> dict[str, set[str]]:
    """Finding codes by file, for the whole tree at ``rev``."""
    found: dict[str, set[str]] = {}
    for f in read_tree(room.git, rev).findings:
        found.setdefault(f.file, set()).add(f.code)
    return found


def _key(f: Finding) -> tuple:
    return (f.file, f.line or 0, f.field or "", f.code, f.message)


def test_links_follow_the_tree_and_the_cache_follows_the_links(room: Newsroom) -> None:
    room.write(LINKING, article("Bài có liên kết", "Vũ Thị Lan", body="Xem [hội thảo](hoi-thao.md)."))
    room.commit("Bài có liên kết")
    assert "E303" not in codes(room, "main").get(LINKING, set())  # the link resolves in git's tree
    assert list(shared_cache(room.root / ".git").rglob("*.pickle"))
    room.branch("xoa-bai")
    (room.root / TARGET).unlink()
    room.commit("Gỡ bài hội thảo")
    # lien-ket.md is byte for byte the same blob, but what it links to is gone
    assert "E303" in codes(room, "xoa-bai")[LINKING]
    assert "E303" not in codes(room, "main").get(LINKING, set())


def test_settings_of_the_branch_are_read_not_run(room: Newsroom) -> None:
    room.branch("chuyen-muc-moi")
    room.write("pelicanconf.py", 'import os\nos.system("touch da-chay")\nPATH = "content"\n'
               'NEWSROOM = {"categories": ["Tin tức - Sự kiện", "Góc ảnh"]}\n'
               f"ARTICLE_PATHS = {['articles', 'meetings']!r}\n")
    room.write("content/articles/2024/goc-anh.md",
               article("Góc ảnh tháng 5", "Vũ Thị Lan").replace("Tin tức - Sự kiện", "Góc ảnh"))
    room.commit("Chuyên mục mới")
    content = read_tree(room.git, "chuyen-muc-moi")
    assert not [f for f in content.findings if f.is_error]
    assert content.rules.categories == ("Tin tức - Sự kiện", "Góc ảnh")
    assert not (room.root / "da-chay").exists()


def test_literal_settings() -> None:
    source = 'import os\nPATH = "noi-dung"\nX = os.getcwd()\nNEWSROOM = {"units_file": "dv.yml"}\n'
    assert literal_settings(source) == {"PATH": "noi-dung", "NEWSROOM": {"units_file": "dv.yml"}}
    assert literal_settings("def (:") == {}


def test_tree_checks_match_the_disk_checks_on_the_sample_site(room: Newsroom) -> None:
    """The same findings whether the sample content is read from disk or from git objects."""
    shutil.rmtree(room.root / "content")
    shutil.copytree(REPO / "content", room.root / "content")
    room.write("content/articles/2024/loi.md", article("Bài lỗi", "Vũ Thị Lan", body="![](images/khong-co.jpg)"))
    room.commit("Nội dung mẫu")
    rules, problems = site_rules({"PATH": str(room.root / "content"), "ARTICLE_PATHS": ["articles", "meetings"],
                                  "PAGE_PATHS": ["pages", "documents"]})
    documents, findings = read_content(rules)
    content = read_tree(room.git, "main")
    assert sorted(map(_key, content.findings)) == sorted(map(_key, problems + findings))
    assert sorted(content.documents) == sorted(d.source.removeprefix("content/") for d in documents)
    assert "E304" in {f.code for f in findings}


def test_a_review_after_a_check_parses_only_what_the_branch_changed(
        room: Newsroom, monkeypatch: pytest.MonkeyPatch) -> None:
    """``invoke check`` in the work tree and the review of a branch share one parse cache."""
    rules, _ = site_rules(load_settings(str(room.root / "pelicanconf.py")))
    documents, _ = read_content(rules)  # what `invoke check` does; fills the cache
    assert len(documents) >= 2
    room.branch("sua-bai")
    room.write(TARGET, article("Hội thảo khoa học quốc gia", "Trần Văn Đức"))
    room.commit("Sửa tiêu đề")
    parsed: list[str] = []

    parse_many = parsing.parse_many

    def spy(files: list[tuple[str, bytes]], *args: object) -> list[parsing.ParsedFile]:
        parsed.extend(relpath for relpath, _ in files)
        return parse_many(files, *args)

    monkeypatch.setattr(parsing, "parse_many", spy)
    base_blob = room.git.text("rev-parse", f"main:{TARGET}")
    content = read_tree(room.git, "sua-bai", earlier=[(TARGET, base_blob)])
    assert parsed == ["articles/2024/hoi-thao.md"]  # the new version only; the rest came from the check
    assert content.document(TARGET).title == "Hội thảo khoa học quốc gia"
    assert content.earlier[TARGET].title == "Hội thảo khoa học"
    assert len(content.documents) == len(documents)


def test_a_review_reads_the_site_with_the_collector_off_and_turns_it_on_again(room: Newsroom, monkeypatch) -> None:
    """Loading thousands of parsed files with Python's cyclic collector on had it scan all
    of them again and again (a quarter of the review's load at 20 000 articles)."""
    seen = []

    def reading(*args, **kwargs):
        seen.append(gc.isenabled())
        return read_tree(*args, **kwargs)

    monkeypatch.setattr(reviewing, "read_tree", reading)
    room.submission("gui-duyet/bai-moi", {TARGET: article("Hội thảo, sửa lại", "Vũ Thị Lan")})
    assert gc.isenabled()
    assert room.review("gui-duyet/bai-moi").submission.changes
    assert seen == [False]
    assert gc.isenabled()
