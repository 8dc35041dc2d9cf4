"""Malformed and hostile files: each gets its finding, nothing is built, nothing is lost.

Each case is one writer's mistake (or one attack) with the code and field it must produce.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitekit import ARTICLE, MEETING, Project
from toasoan.build.plan import build_site
from toasoan.content import read_content
from toasoan.model import SiteRules, parse_content_file

GOOD_HEAD = "title: Tin\ndate: 2019-01-02\nauthor: A\ncategory: Thông báo\n"


def doc(front: str, body: str = "Nội dung.") -> str:
    return f"---\n{front}---\n\n{body}\n"


def good(**replace: str) -> str:
    """The sample article with some front-matter lines replaced or added."""
    text = ARTICLE.lstrip()
    for key, value in replace.items():
        if f"\n{key}:" in text:
            start = text.index(f"\n{key}:") + 1
            text = text[:start] + f"{key}: {value}" + text[text.index("\n", start):]
        else:
            text = text.replace("---\n", f"---\n{key}: {value}\n", 1)
    return text


def meeting(**replace: str) -> str:
    text = MEETING.lstrip()
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def with_body(body: str) -> str:
    return good() + "\n" + body + "\n"


LATER_MEETING = meeting(**{
    "title: Họp Ban chỉ đạo ứng dụng CNTT năm 2018": "title: Họp sơ kết 2019",
    "date: 2018-12-27 08:00": "date: 2019-07-01 08:00",
    "action_items:\n  - id: CNTT-2018-01": "action_items:\n  - id: CNTT-2019-01",
    "due: 2019-06-30": "due: 2019-12-31",
})
BIG_BODY = "Đoạn văn dài về công tác đào tạo. " * 150_000 + "\n\n<script>alert(1)</script>\n"
MANY_ITEMS = MEETING.lstrip().split("action_items:")[0] + "action_items:\n" + "".join(
    f"  - id: CNTT-X-{n}\n    title: Việc {n}\n    owner: {'Phòng Ma' if n == 9_999 else 'Văn phòng'}\n"
    f"    due: 2019-06-30\n" for n in range(10_000)) + "---\n\nBiên bản.\n"

# name → ({relpath: text or bytes}, code, field)
CASES: dict[str, tuple[dict[str, str | bytes], str, str | None]] = {
    "yaml-unclosed-list": ({"articles/a.md": doc(GOOD_HEAD + "tags: [a, b\n")}, "E003", "tags"),
    "yaml-tab-indent": ({"articles/a.md": doc(GOOD_HEAD + "meeting:\n\tdate: 1\n")}, "E007", "date"),
    "yaml-colon-in-title": ({"articles/a.md": doc("title: Tin: mới\n" + GOOD_HEAD[10:])}, "E009", "title"),
    "yaml-curly-quotes": ({"articles/a.md": doc("title: “Tin: mới”\n" + GOOD_HEAD[10:])}, "E008", "title"),
    "yaml-bad-indent": ({"articles/a.md": doc(" title: a\nauthor: b\n")}, "E003", "author"),
    "no-front-matter": ({"articles/a.md": "Tin không có khai báo.\n"}, "E002", None),
    "unclosed-front-matter": ({"articles/a.md": "---\ntitle: Tin\nNội dung\n"}, "E002", None),
    "empty-file": ({"articles/a.md": ""}, "E006", None),
    "whitespace-only": ({"articles/a.md": " \n\t\n"}, "E006", None),
    "binary-junk": ({"articles/a.md": bytes(range(256)) * 40}, "E001", None),
    "latin-1": ({"articles/a.md": doc(GOOD_HEAD.replace("Tin", "Thông tin"), "Ghi chú.").encode("latin-1")},
                "E001", None),
    "front-matter-list": ({"articles/a.md": "---\n- a\n- b\n---\nx\n"}, "E004", None),
    "front-matter-scalar": ({"articles/a.md": "---\nchỉ một dòng\n---\nx\n"}, "E004", None),
    "duplicate-key": ({"articles/a.md": doc(GOOD_HEAD + "author: B\n")}, "E005", "author"),
    "missing-title": ({"articles/a.md": doc(GOOD_HEAD.replace("title: Tin\n", ""))}, "E101", "title"),
    "missing-date": ({"articles/a.md": doc(GOOD_HEAD.replace("date: 2019-01-02\n", ""))}, "E101", "date"),
    "missing-author": ({"articles/a.md": doc(GOOD_HEAD.replace("author: A\n", ""))}, "E101", "author"),
    "missing-category": ({"articles/a.md": doc(GOOD_HEAD.replace("category: Thông báo\n", ""))},
                         "E101", "category"),
    "title-is-list": ({"articles/a.md": good(title="[a, b]")}, "E102", "title"),
    "title-is-bool": ({"articles/a.md": good(title="yes")}, "E102", "title"),
    "tags-is-mapping": ({"articles/a.md": good(tags="{a: 1}")}, "E102", "tags"),
    "author-is-number-list": ({"articles/a.md": good(author="[[1]]")}, "E102", "author"),
    "impossible-date": ({"articles/a.md": good(date="2019-02-30")}, "E103", "date"),
    "month-13": ({"articles/a.md": good(date="2019-13-01 08:00")}, "E103", "date"),
    "day-first-date": ({"articles/a.md": good(date="04/03/2019")}, "E103", "date"),
    "unknown-category": ({"articles/a.md": good(category="Tin vắn")}, "E104", "category"),
    "bad-status": ({"articles/a.md": good(status="hidden")}, "E105", "status"),
    "image-without-alt": ({"articles/a.md": good(image="images/a.jpg")}, "E106", "image"),
    "image-missing": ({"articles/a.md": good(image="images/khong-co.jpg", image_alt="Ảnh")}, "E107", "image"),
    "bad-slug": ({"articles/a.md": good(slug="'Tin Mới!'")}, "E108", "slug"),
    "duplicate-slug": ({"articles/a.md": good(), "articles/b.md": good()}, "E109", "slug"),
    "blank-title": ({"articles/a.md": good(title="'   '")}, "E110", "title"),
    "zero-width-title": ({"articles/a.md": good(title="'\u200b\u200b'")}, "E110", "title"),
    "meeting-missing": ({"meetings/a.md": good()}, "E201", "meeting"),
    "meeting-not-mapping": ({"meetings/a.md": meeting(**{"meeting:\n  date: 2018-12-27 08:00\n":
                                                         "meeting: hôm nay\nx:\n  date: 2018-12-27 08:00\n"})},
                            "E102", "meeting"),
    "meeting-bad-date": ({"meetings/a.md": meeting(**{"date: 2018-12-27 08:00": "date: sáng nay"})},
                         "E103", "meeting.date"),
    "bad-item-id": ({"meetings/a.md": meeting(**{"id: CNTT-2018-01": "id: cntt 2018/01"})},
                    "E202", "action_items[0].id"),
    "duplicate-item-id": ({"meetings/a.md": MEETING.lstrip(), "meetings/b.md": meeting(**{
        "title: Họp Ban chỉ đạo": "title: Họp lại Ban chỉ đạo"})}, "E203", "id"),
    "update-unknown-id": ({"meetings/a.md": meeting(**{"---\n\n": "updates:\n  - id: CNTT-1999-01\n"
                                                       "    progress: 10\n---\n\n"})}, "E204", "updates.id"),
    "update-before-decision": ({"meetings/a.md": MEETING.lstrip(), "meetings/b.md": LATER_MEETING.replace(
        "---\n\n", "updates:\n  - id: CNTT-2019-01\n    progress: 5\n---\n\n")}, "E205", "updates.id"),
    "due-before-meeting": ({"meetings/a.md": meeting(**{"due: 2019-06-30": "due: 2018-01-01"})},
                           "E206", "action_items[0].due"),
    "progress-150": ({"meetings/a.md": meeting(**{"progress: 0": "progress: 150"})},
                     "E207", "action_items[0].progress"),
    "progress-percent-text": ({"meetings/a.md": meeting(**{"progress: 0": "progress: 50%"})},
                              "E207", "action_items[0].progress"),
    "unknown-owner": ({"meetings/a.md": meeting(**{"owner: Văn phòng": "owner: Phòng CNTT"})},
                      "E211", "action_items[0].owner"),
    "unknown-support": ({"meetings/a.md": meeting(**{"[Phòng Kế hoạch Tài vụ]": "[Phòng Ma]"})},
                        "E211", "action_items[0].support"),
    "items-not-list": ({"meetings/a.md": meeting(**{"action_items:\n": "action_items: nhiều việc\nx:\n"})},
                       "E102", "action_items"),
    "item-is-text": ({"meetings/a.md": meeting(**{"  - id: CNTT-2018-01\n": "  - một việc\n  - id: CNTT-2018-01\n"})},
                     "E102", "action_items[0]"),
    "ten-thousand-items": ({"meetings/a.md": MANY_ITEMS}, "E211", "action_items[9999].owner"),
    "body-script": ({"articles/a.md": with_body("<script>alert(1)</script>")}, "E301", "body"),
    "body-event-handler": ({"articles/a.md": with_body('<img src="x.jpg" alt="a" onerror="alert(1)">')},
                           "E301", "body"),
    "body-style": ({"articles/a.md": with_body('<p style="background:url(javascript:x)">a</p>')}, "E301", "body"),
    "body-style-tag": ({"articles/a.md": with_body("<style>body{display:none}</style>")}, "E301", "body"),
    "body-iframe-foreign": ({"articles/a.md": with_body('<iframe src="https://evil.example/"></iframe>')},
                            "E301", "body"),
    "body-object-embed-form": ({"articles/a.md": with_body('<object data="x.swf"></object><embed src="x">'
                                                          '<form action="/x"><input></form>')}, "E301", "body"),
    "body-javascript-link": ({"articles/a.md": with_body("[bấm](javascript:alert(1))")}, "E302", "body"),
    "body-obfuscated-javascript": ({"articles/a.md": with_body('<a href=" jav&#x09;ascript:alert(1)">x</a>')},
                                   "E302", "body"),
    "body-data-url": ({"articles/a.md": with_body("[x](data:text/html;base64,PHNjcmlwdD4=)")}, "E302", "body"),
    "body-vbscript-reference": ({"articles/a.md": with_body("[x][1]\n\n[1]: vbscript:msgbox(1)")}, "E302", "body"),
    "broken-internal-link": ({"articles/a.md": with_body("[bài cũ](articles/2019/khong-co.md)")}, "E303", "body"),
    "broken-site-link": ({"articles/a.md": with_body("[bài cũ](/2019/khong-co-bai-nay/)")}, "E303", "body"),
    "missing-body-image": ({"articles/a.md": with_body("![Ảnh](images/khong-co.jpg)")}, "E304", "body"),
    "image-no-alt": ({"articles/a.md": with_body("![](images/a.jpg)")}, "E305", "body"),
    "bad-external-url": ({"articles/a.md": with_body("[x](http://bad..host/trang)")}, "E306", "body"),
    "five-megabyte-body": ({"articles/a.md": with_body(BIG_BODY)}, "E301", "body"),
    "html-in-title": ({"articles/a.md": good(title="'<script>alert(1)</script>'")}, "E111", "title"),
    "html-in-summary": ({"articles/a.md": good(summary="'<img src=x onerror=alert(1)>'")}, "E111", "summary"),
    "html-in-author": ({"articles/a.md": good(author="'<b onmouseover=alert(1)>A</b>'")}, "E111", "author"),
    "html-in-tag": ({"articles/a.md": good(tags="['<svg onload=alert(1)>']")}, "E111", "tags[0]"),
    "html-in-image-alt": ({"articles/a.md": good(image="images/a.jpg", image_alt="'\"><script>x</script>'")},
                          "E111", "image_alt"),
    "javascript-in-image": ({"articles/a.md": good(image="'javascript:alert(1)'", image_alt="Ảnh")},
                            "E111", "image"),
    "html-in-meeting-location": ({"meetings/a.md": meeting(**{"location: Hà Nội": "location: '<script>x</script>'"})},
                                 "E111", "meeting.location"),
    "html-in-item-title": ({"meetings/a.md": meeting(**{
        "title: Đầu tư hạ tầng và phần mềm": "title: '<iframe src=x>'"})},
                           "E111", "action_items[0].title"),
    "html-in-decision": ({"meetings/a.md": meeting(**{
        "- Đầu tư hạ tầng công nghệ thông tin.": "- '<a href=javascript:x>bấm</a>'"})},
                         "E111", "decisions[0]"),
}
CASES["second-fence-in-body"] = ({"articles/a.md": "---\ntitle: a\n---\nx\n---\n"}, "E101", "date")


def test_there_are_at_least_forty_distinct_cases():
    assert len(CASES) >= 40
    assert len({code for _, code, _ in CASES.values()}) >= 30


def _write_case(project: Project, files: dict[str, str | bytes]) -> None:
    (project.content / "images").mkdir(parents=True, exist_ok=True)
    (project.content / "images" / "a.jpg").write_bytes(b"\xff\xd8\xff")
    for relpath, text in files.items():
        path = project.content / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_malformed_file_gets_its_finding_and_builds_nothing(project: Project, name: str):
    files, code, field = CASES[name]
    project.add("pages/gioi-thieu.md", "---\ntitle: Giới thiệu\n---\n\nHọc viện.\n")
    first = build_site(project.root / "pelicanconf.py", PATH=str(project.content),
                       OUTPUT_PATH=str(project.output))
    assert first.ok, first
    before = project.files()
    _write_case(project, files)

    _, findings = read_content(project.rules())
    matching = [f for f in findings if f.code == code and f.field == field]
    assert matching, f"{name}: expected {code} on {field}, got {[(f.code, f.field) for f in findings]}"
    assert matching[0].file.startswith("content/") and matching[0].severity == "error"
    assert matching[0].message and matching[0].hint

    result = build_site(project.root / "pelicanconf.py", PATH=str(project.content),
                        OUTPUT_PATH=str(project.output))
    assert not result.ok and any(f.code == code for f in result.findings)
    assert project.files() == before
    assert not list(project.root.glob(".output-*"))


def test_all_cases_at_once_through_invoke_without_traceback(project: Project):
    """What a writer sees: every broken file named, exit 1, no Python traceback."""
    for name, (files, _, _) in CASES.items():
        if name in ("five-megabyte-body", "ten-thousand-items", "duplicate-slug", "duplicate-item-id"):
            continue
        _write_case(project, {f"{os.path.dirname(r)}/{name}/{os.path.basename(r)}": t for r, t in files.items()})
    check = project.invoke("check")
    build = project.invoke("build")
    for result in (check, build):
        assert result.returncode == 1
        assert "Traceback" not in result.stdout + result.stderr
    for name in CASES:
        if name not in ("five-megabyte-body", "ten-thousand-items", "duplicate-slug", "duplicate-item-id"):
            assert f"/{name}/" in check.stdout, name
    assert not project.output.exists()


RULES = SiteRules(content_root=Path("/nonexistent"), units=())


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_reader_never_raises_on_arbitrary_text(text: str):
    for relpath in ("articles/x.md", "meetings/x.md", "pages/x.md"):
        document, findings = parse_content_file(relpath, text, RULES)
        assert document is not None or findings


@settings(max_examples=200, deadline=2000)
@given(st.binary())
def test_reader_never_raises_on_arbitrary_bytes(raw: bytes):
    document, findings = parse_content_file("articles/x.md", raw, RULES)
    assert document is not None or findings


_yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
_fields = st.sampled_from(["title", "date", "author", "category", "tags", "summary", "image", "image_alt",
                           "status", "slug", "meeting", "decisions", "action_items", "updates", "modified"])


@settings(max_examples=300, deadline=2000)
@given(st.dictionaries(_fields, _yaml_values, max_size=10), st.text(max_size=200))
def test_validator_never_raises_on_any_front_matter_shape(front: dict, body: str):
    import yaml

    from toasoan.checks import check_site

    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    documents = []
    for relpath in ("articles/x.md", "meetings/x.md"):
        document, findings = parse_content_file(relpath, text, RULES)
        assert all(f.code and f.message for f in findings)
        if document is not None:
            documents.append(document)
    check_site(documents, RULES)
