"""Defence in depth: even with the content checks switched off, no hostile payload becomes
executable anywhere in output/ — pages, feeds, JSON and CSV are parsed to prove it."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from test_broken_input import CASES

from sitekit import Project
from toasoan.build.plan import build_site
from toasoan.safety import unsafe_url

HOSTILE_CODES = {"E111", "E301", "E302"}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "srcdoc")
FORMULA_START = ("=", "+", "-", "@")
DANGEROUS_STYLE = re.compile(r"url\s*\(|expression\s*\(|javascript:|@import", re.I)
FORMULA_MEETING = """---
title: Họp có nhiệm vụ mang công thức
date: 2019-01-10 10:00
author: Thu Phương
meeting:
  date: 2019-01-10 08:00
  location: Hà Nội
  chair: Chủ trì
  bodies: [Ban chỉ đạo ứng dụng CNTT]
action_items:
  - id: CNTT-F-01
    title: '=HYPERLINK("https://evil.example","bấm")'
    owner: Văn phòng
    due: 2019-06-30
  - id: CNTT-F-02
    title: '@SUM(1+1)*cmd|calc'
    owner: Văn phòng
    due: 2019-06-30
---

Biên bản.
"""


def hostile_cases() -> dict[str, dict[str, str | bytes]]:
    return {name: files for name, (files, code, _) in CASES.items()
            if code in HOSTILE_CODES and name != "five-megabyte-body"}


def unsafe_markup(html: str, where: str) -> list[str]:
    """Everything in ``html`` that a browser would execute or load from a payload."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            values = value if isinstance(value, list) else [value]
            if name.lower().startswith("on"):
                problems.append(f"{where}: {element.name} has {name}")
            if name.lower() in URL_ATTRIBUTES and any(unsafe_url(str(v)) for v in values):
                problems.append(f"{where}: {element.name} {name}={value!r}")
        if element.name in ("object", "embed", "frame", "base", "form") and in_content(element):
            problems.append(f"{where}: <{element.name}>")
        if element.name == "iframe" and element.get("src"):
            problems.append(f"{where}: <iframe src={element['src']!r}>")
        if element.name == "meta" and element.get("http-equiv", "").lower() == "refresh":
            problems.append(f"{where}: <meta http-equiv=refresh>")
        if element.name == "script":
            own_file = element.get("src", "").endswith(".js") and not unsafe_url(element["src"])
            data = element.get("type") == "application/ld+json"
            if data:
                json.loads(element.string or "null")
            if not (own_file or data):
                problems.append(f"{where}: inline <script>")
        style = (element.string or "") if element.name == "style" else element.get("style", "")
        if DANGEROUS_STYLE.search(style):
            problems.append(f"{where}: style {style[:40]!r}")
    return problems


def in_content(element) -> bool:
    """Inside a writer's body text (the theme's own forms, e.g. the tracker filter, are fine)."""
    return element.find_parent(class_="prose") is not None


# A writer's file Pelican's own HTML reader would publish as it is: it must never be read.
RAW_HTML_ARTICLE = """<html><head><title>Trang HTML thô</title><meta name="date" content="2019-02-01">
</head><body><p onclick="alert(2)">Bài HTML thô</p><script>alert(3)</script></body></html>"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Project:
    from sitekit import make_project

    project = make_project(tmp_path_factory.mktemp("hostile") / "site", sample_content=False)
    (project.content / "images").mkdir(parents=True)
    (project.content / "images" / "a.jpg").write_bytes(b"\xff\xd8\xff")
    for name, files in hostile_cases().items():
        for relpath, text in files.items():
            folder, _, filename = relpath.rpartition("/")
            raw = text if isinstance(text, str) else text.decode("utf-8")
            unique = raw.replace("---\n", f"---\nslug: {name}-{filename[0]}\n", 1)
            project.add(f"{folder}/{name}/{filename}", unique)
    project.add("meetings/2019/cong-thuc.md", FORMULA_MEETING)
    project.add("articles/2019/trang-doc.html", RAW_HTML_ARTICLE)
    settings = project.root / "pelicanconf.py"
    from toasoan.build.plan import load_settings

    plugins = [p for p in load_settings(settings)["PLUGINS"] if p != "content_checks"]
    result = build_site(settings, PATH=str(project.content), OUTPUT_PATH=str(project.output),
                        PLUGINS=plugins, FEED_ALL_ATOM="feeds/all.atom.xml", FEED_ALL_RSS="feeds/all.rss.xml",
                        FEED_DOMAIN="https://example.vn", SITEURL="https://example.vn")
    assert result.ok, result
    return project


def test_a_raw_html_file_in_content_is_never_read(hostile_site: Project):
    """Only Markdown is content: an .html file is not a page, even with the checks off."""
    written = [p for p in hostile_site.output.rglob("*") if p.is_file()]
    assert not [p for p in written if "trang-doc" in p.as_posix()]
    assert not [p for p in written if "Bài HTML thô".encode() in p.read_bytes()]


@pytest.mark.parametrize("kind", ["symlink", "html"])
def test_a_symlink_or_a_browser_file_in_content_stops_check_and_build(tmp_path: Path, kind: str):
    from sitekit import make_project

    project = make_project(tmp_path / "site", sample_content=True)
    secret = tmp_path / "bi-mat.txt"
    secret.write_text("khóa bí mật của máy dựng", encoding="utf-8")
    if kind == "symlink":
        relpath, code = "content/images/anh-moi.jpg", "E010"
        (project.root / relpath).symlink_to(secret)
    else:
        relpath, code = "content/images/bieu-do.svg", "E011"
        project.add("images/bieu-do.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    checked = project.invoke("check")
    assert checked.returncode == 1
    assert f"{relpath}  -  {code} (lỗi)" in checked.stdout, checked.stdout
    built = project.invoke("build")
    assert built.returncode == 1 and "Traceback" not in built.stdout + built.stderr
    assert code in built.stdout + built.stderr
    assert not project.output.exists() or not any(project.output.rglob(Path(relpath).name))


def test_hostile_articles_were_built(hostile_site: Project):
    pages = list(hostile_site.output.rglob("index.html"))
    assert len(pages) > len(hostile_cases())
    titles = " ".join(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text() for p in pages)
    assert "<script>alert(1)</script>" in titles  # the hostile title is shown as text


def test_no_executable_payload_in_html(hostile_site: Project):
    problems = []
    for path in hostile_site.output.rglob("*.html"):
        problems += unsafe_markup(path.read_text(encoding="utf-8"), str(path.relative_to(hostile_site.output)))
    assert problems == []


def test_no_executable_payload_in_feeds(hostile_site: Project):
    feeds = list((hostile_site.output / "feeds").glob("*.xml"))
    assert feeds
    problems = []
    for feed in feeds:
        for element in ElementTree.parse(feed).iter():
            carries_html = element.get("type") in ("html", "xhtml") or element.tag.endswith(
                ("description", "encoded"))
            if carries_html and element.text:
                problems += unsafe_markup(element.text, f"{feed.name}:{element.tag}")
            for name, value in element.attrib.items():
                if name == "href" and unsafe_url(value):
                    problems.append(f"{feed.name}: href={value}")
    assert problems == []


def _urls(value: object) -> list[str]:
    """Every value stored under a key named like a URL, anywhere in a JSON document."""
    if isinstance(value, dict):
        found = [v for k, v in value.items() if isinstance(v, str) and "url" in k.lower()]
        return found + [u for v in value.values() for u in _urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in _urls(v)]
    return []


def test_no_executable_payload_in_json_and_csv(hostile_site: Project):
    # the site's own JSON; pagefind/ is the search bundle (search results are drawn as text)
    bundle = hostile_site.output / "pagefind"
    json_files = [p for p in hostile_site.output.rglob("*.json") if not p.is_relative_to(bundle)]
    csv_files = [p for p in hostile_site.output.rglob("*.csv")]
    assert json_files and csv_files, "the tracker's exports are part of the output"
    for path in json_files:
        data = json.loads(path.read_text(encoding="utf-8"))
        urls = _urls(data)
        assert urls, f"{path.name} links its items"
        assert [u for u in urls if unsafe_url(u)] == []
    for path in csv_files:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            assert not any(cell.startswith(FORMULA_START) for cell in row), (path.name, row)


def test_json_ld_and_meta_are_escaped(hostile_site: Project):
    for path in hostile_site.output.rglob("index.html"):
        html = path.read_text(encoding="utf-8")
        head = html.split("</head>", 1)[0]
        assert "<script>alert" not in head, Path(path).parent.name
