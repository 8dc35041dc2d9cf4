"""``invoke new article Học viện khai giảng``: a title typed without quotes is one title."""

from __future__ import annotations

import shlex

import pytest

from sitekit import Project
from toasoan.cli_args import join_title_words
from toasoan.model import Article, MeetingReport, parse_content_file


@pytest.mark.parametrize(("typed", "parsed"), [
    ("new article Học viện khai giảng", ["new", "article", "Học viện khai giảng"]),
    ("new meeting Sơ kết 6 tháng --author Thu Phương",
     ["new", "meeting", "Sơ kết 6 tháng", "--author", "Thu Phương"]),
    ("new --author Thu Phương article Học viện", ["new", "article", "Học viện", "--author", "Thu Phương"]),
    ("new article Tin --author=Thu Phương", ["new", "article", "Tin", "--author", "Thu Phương"]),
    ("new --kind article Học viện", ["new", "Học viện", "--kind", "article"]),
    ("new article", ["new", "article", ""]),
    ("new", ["new", "", ""]),
    ("new --help", ["new", "--help"]),
    ("check --fix", ["check", "--fix"]),
])
def test_title_words_are_joined(typed: str, parsed: list[str]):
    assert join_title_words(typed.split()) == parsed


def test_quoted_and_unquoted_words_join_alike():
    assert join_title_words(["new", "article", "Học viện", "--author", "Thu Phương"]) == [
        "new", "article", "Học viện", "--author", "Thu Phương"]
    assert join_title_words(["new", "article", "Học viện", "khai giảng", "--author", "Thu Phương", "Tin"]) == [
        "new", "article", "Học viện khai giảng Tin", "--author", "Thu Phương"]


def _created(project: Project, folder: str) -> tuple[str, bytes]:
    (path,) = (project.content / folder).rglob("*.md")
    return path.relative_to(project.content).as_posix(), path.read_bytes()


def test_invoke_new_with_an_unquoted_title_and_author(project: Project):
    article = project.invoke("new", "article", "Học", "viện", "khai", "giảng")
    assert article.returncode == 0, article.stdout + article.stderr
    relpath, raw = _created(project, "articles")
    assert relpath.endswith("/hoc-vien-khai-giang.md")
    document, findings = parse_content_file(relpath, raw, project.rules())
    assert isinstance(document, Article) and document.title == "Học viện khai giảng"
    assert not [f for f in findings if f.is_error]

    meeting = project.invoke("new", "meeting", "Sơ", "kết:", "6", "tháng", "--author", "Thu", "Phương")
    assert meeting.returncode == 0, meeting.stdout + meeting.stderr
    relpath, raw = _created(project, "meetings")
    assert relpath.endswith("/so-ket-6-thang.md")
    document, findings = parse_content_file(relpath, raw, project.rules())
    assert isinstance(document, MeetingReport)
    assert (document.title, document.authors) == ("Sơ kết: 6 tháng", ("Thu Phương",))


@pytest.mark.parametrize(("args", "said"), [
    (("new", "article"), "Thiếu tiêu đề"),
    (("new",), "Không biết loại bài"),
    (("new", "bai", "Học", "viện"), "Không biết loại bài 'bai'"),
])
def test_invoke_new_without_title_or_kind_says_what_to_type(project: Project, args: tuple[str, ...], said: str):
    result = project.invoke(*args)
    assert result.returncode == 1
    assert said in result.stderr and "invoke new article Tiêu đề bài viết" in result.stderr
    assert "Traceback" not in result.stderr and "No idea" not in result.stderr
    assert not (project.content / "articles").exists()


def test_the_writer_guide_new_commands_run_as_written(project: Project):
    """README's "Tạo tệp mới" lines, split as a shell splits them, make the drafts they promise."""
    from sitekit import REPO

    lines = [line for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines()
             if line.startswith(".venv/bin/invoke new ")]
    assert len(lines) == 2
    for line in lines:
        result = project.invoke(*shlex.split(line)[1:])
        assert result.returncode == 0, line + result.stderr
    rules = project.rules()
    titles = sorted(parse_content_file(path.relative_to(project.content).as_posix(), path.read_bytes(), rules)[0].title
                    for path in project.content.rglob("*.md"))
    assert titles == ["Học viện khai giảng lớp bồi dưỡng năm 2021",
                      "Sơ kết 6 tháng đầu năm 2021 công tác ứng dụng CNTT"]
