"""``invoke check --fix``: each mechanical repair on real files, once, safely, and said."""

from __future__ import annotations

import json
import stat
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitekit import Project
from toasoan.fixes import CURLY, NFC, TAB, TRAILING, fix_content, fix_text
from toasoan.frontmatter import parse
from toasoan.model import parse_content_file

HEAD = "date: 2019-01-02\nauthor: A\ncategory: Thông báo\n"
MEETING_HEAD = ("title: Họp\ndate: 2019-01-02\nauthor: A\nmeeting:\n  date: 2019-01-02 08:00\n"
                "  location: Hà Nội\n  chair: B\n  bodies: [Ban]\n")


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# name → (relpath, bytes as the writer saved them, bytes after the fix, {what: lines})
CASES: dict[str, tuple[str, bytes, bytes, dict[str, list[int]]]] = {
    "tab-indent": (
        "meetings/a.md",
        f"---\n{MEETING_HEAD}".replace("  ", "\t").encode() + b"---\n\nx\n",
        f"---\n{MEETING_HEAD}---\n\nx\n".encode(),
        {TAB: [6, 7, 8, 9]}),
    "tab-after-dash": (
        "articles/a.md",
        f"---\ntitle: Tin\n{HEAD}tags:\n-\tCNTT\n-\tĐào tạo\n---\n\nx\n".encode(),
        f"---\ntitle: Tin\n{HEAD}tags:\n- CNTT\n- Đào tạo\n---\n\nx\n".encode(),
        {TAB: [7, 8]}),
    "curly-title-with-colon": (
        "articles/a.md",
        f"---\ntitle: “Chuyển đổi số: cơ hội và thách thức”\n{HEAD}---\n\nx\n".encode(),
        f'---\ntitle: "Chuyển đổi số: cơ hội và thách thức"\n{HEAD}---\n\nx\n'.encode(),
        {CURLY: [2]}),
    "curly-with-straight-quotes-and-backslash-inside": (
        "articles/a.md",
        f"---\ntitle: Tin\n{HEAD}summary: ‘Học viện \"mở\" cửa: 1’\nimage_caption: “a\\b: c”\n---\n\nx\n".encode(),
        f"---\ntitle: Tin\n{HEAD}summary: 'Học viện \"mở\" cửa: 1'\nimage_caption: \"a\\\\b: c\"\n---\n\nx\n".encode(),
        {CURLY: [6, 7]}),
    "curly-plain-value-and-list-items": (
        "articles/a.md",
        f"---\ntitle: “Đổi mới”\n{HEAD}tags: [“CNTT”, ‘Đào tạo’, Thư viện]\n---\n\nx\n".encode(),
        f'---\ntitle: "Đổi mới"\n{HEAD}tags: ["CNTT", "Đào tạo", Thư viện]\n---\n\nx\n'.encode(),
        {CURLY: [2, 6]}),
    "curly-decision-read-as-a-mapping": (
        "meetings/a.md",
        f"---\n{MEETING_HEAD}decisions:\n  - “Giao việc: Văn phòng”\n---\n\nx\n".encode(),
        f'---\n{MEETING_HEAD}decisions:\n  - "Giao việc: Văn phòng"\n---\n\nx\n'.encode(),
        {CURLY: [11]}),
    "nfd": (
        "articles/a.md",
        nfd(f"---\ntitle: Tiếng Việt\n{HEAD}---\n\nHọc viện khai giảng.\n").encode(),
        f"---\ntitle: Tiếng Việt\n{HEAD}---\n\nHọc viện khai giảng.\n".encode(),
        {NFC: [2, 5, 8]}),
    "trailing-spaces-keep-hard-breaks-and-code": (
        "articles/a.md",
        f"---\ntitle: Tin  \n{HEAD}---\n\nĐoạn một. \t\nDòng có ngắt  \ndòng sau\n   \n"
        "```\nmã   \n```\nCuối.  \n".encode(),
        f"---\ntitle: Tin\n{HEAD}---\n\nĐoạn một.\nDòng có ngắt  \ndòng sau\n\n```\nmã   \n```\nCuối.\n".encode(),
        {TRAILING: [2, 8, 11, 15]}),
    "windows-crlf-bom-nfd-and-curly": (
        "articles/a.md",
        b"\xef\xbb\xbf" + nfd(f"---\ntitle: “Tiếng Việt: bài một” \n{HEAD}---\n\nNội dung.\n")
        .replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + f'---\ntitle: "Tiếng Việt: bài một"\n{HEAD}---\n\nNội dung.\n'.replace("\n", "\r\n").encode(),
        {NFC: [2, 5, 8], CURLY: [2]}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_fix_repairs_the_file_once_and_it_then_parses(project: Project, name: str):
    relpath, written, expected, changes = CASES[name]
    path = project.content / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(written)
    path.chmod(0o640)
    _, before = parse_content_file(relpath, written, project.rules())

    (fixed,) = fix_content(project.rules())
    assert fixed.written and fixed.source == f"content/{relpath}"
    assert fixed.changes == changes
    assert path.read_bytes() == expected
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.md"]  # no scratch file left
    document, after = parse_content_file(relpath, path.read_bytes(), project.rules())
    assert document is not None, [(f.code, f.line) for f in after]
    assert not [f for f in after if f.code in ("E007", "E008", "E009", "W001") or f.is_error]
    assert not [f for f in before if f.code == "E003"], "each case is a mistake with its own code"

    assert fix_content(project.rules()) == []  # a second --fix changes nothing
    assert path.read_bytes() == expected


UNFIXABLE = {
    "articles/mo-ngoac.md": nfd(f"---\ntitle: Tiếng Việt  \n{HEAD}tags: [a, b\n---\n\nx  \n"),
    "articles/khong-khai-bao.md": "Chỉ có nội dung, không có khai báo.  \n",
    # the quotes are the text of a block: straightening them would change what the summary says
    "articles/khoi-chu.md": f"---\ntitle: Tin\n{HEAD}summary: |\n  - “Trích dẫn”\n---\n\nx\n",
}


def test_check_fix_reports_and_leaves_unfixable_files_byte_identical(project: Project):
    for relpath, text in UNFIXABLE.items():
        project.add(relpath, text)
    before = {relpath: (project.content / relpath).read_bytes() for relpath in UNFIXABLE}
    project.add("articles/sua-duoc.md", f"---\ntitle: “Tin: mới”\n{HEAD}---\n\nNội dung.\n")

    result = project.invoke("check", "--fix")
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert {relpath: (project.content / relpath).read_bytes() for relpath in UNFIXABLE} == before
    out = result.stdout
    assert "Đã sửa content/articles/sua-duoc.md:\n  dòng 2: " + CURLY in out
    assert "Không sửa content/articles/mo-ngoac.md" in out and "Không sửa content/articles/khong-khai-bao.md" in out
    assert "Không sửa content/articles/khoi-chu.md" in out
    assert "content/articles/mo-ngoac.md:6  tags  E003" in out
    assert "content/articles/khong-khai-bao.md:1  -  E002" in out
    assert "content/articles/sua-duoc.md" not in out.split("Đã sửa tự động 1 tệp.")[1]
    assert (project.content / "articles/sua-duoc.md").read_text(encoding="utf-8").startswith(
        '---\ntitle: "Tin: mới"\n')

    again = project.invoke("check", "--fix")
    assert "Đã sửa content" not in again.stdout and "Không có gì sửa tự động được." in again.stdout
    as_json = project.invoke("check", "--fix", "--format", "json")  # the report goes to stderr
    assert "Không sửa content/articles/mo-ngoac.md" in as_json.stderr
    assert {r["code"] for r in json.loads(as_json.stdout)} >= {"E002", "E003"}


def test_check_fix_changes_nothing_in_the_sample_site(sample_project: Project):
    before = {p: p.read_bytes() for p in sample_project.content.rglob("*") if p.is_file()}
    result = sample_project.invoke("check", "--fix")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Không có gì sửa tự động được." in result.stdout
    assert {p: p.read_bytes() for p in sample_project.content.rglob("*") if p.is_file()} == before


_LEADS = ["title: ", "summary: ", "tags: ", "tags:", "  - ", "-\t", "meeting:", "\tdate: ", "  date: ", ""]
_PIECES = [*"ab:-# \t“”‘’\"'[],", "e\u0302\u0301", "“Tin: a”", "‘b’", "[“a”, b]", "  "]
_VALUE = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)
_FRONT_LINE = st.tuples(st.sampled_from(_LEADS), _VALUE).map("".join)


@settings(max_examples=300, deadline=2000)
@given(st.lists(_FRONT_LINE, max_size=6), st.lists(_FRONT_LINE, max_size=4), st.sampled_from(["\n", "\r\n"]))
def test_a_repair_is_safe_and_done_once_whatever_the_text(front: list[str], body: list[str], end: str):
    """On any text: no exception; what is written parses; repairing it again changes nothing."""
    text = end.join(["---", *front, "---", *body])
    repaired, changes, safe = fix_text("content/articles/x.md", text)
    if not safe:
        return
    assert parse("x", repaired.replace("\r\n", "\n"))[0] is not None or not changes
    assert fix_text("content/articles/x.md", repaired) == (repaired, {}, True)

