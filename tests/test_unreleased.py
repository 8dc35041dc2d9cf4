"""Drafts and scheduled articles: shown, marked, on the writer's machine; nowhere in a public
build — not a page, list, feed, sitemap entry, search record or tracker item — until their
time (the clock is injected with ``PUBLICATION_NOW`` / ``TOASOAN_NOW``)."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from photokit import photo
from PIL import Image
from search_index.store import RecordStore

from sitekit import ARTICLE, MEETING, Project, make_project
from toasoan.build.plan import build_site, load_settings
from toasoan.build.run import run_of

# What must never reach a public build: every title, slug and id of the unreleased files.
DRAFT_TITLE, DRAFT_SLUG = "Dự thảo Zebrakhe tuyệt mật", "du-thao-zebrakhe"
REPORT_TITLE, REPORT_SLUG, REPORT_ITEM = "Họp kín Quokkaxa", "hop-kin-quokkaxa", "CNTT-2019-77"
PAGE_TITLE, PAGE_SLUG = "Trang nháp Kinkajou", "trang-nhap-kinkajou"
SCHEDULED_TITLE, SCHEDULED_SLUG = "Lịch nghỉ Okapiwu", "lich-nghi-okapiwu"
SECRETS = [DRAFT_TITLE, DRAFT_SLUG, "Zebrakhe", REPORT_TITLE, REPORT_SLUG, "Quokkaxa", REPORT_ITEM,
           PAGE_TITLE, PAGE_SLUG, "Kinkajou"]
SCHEDULED = [SCHEDULED_TITLE, SCHEDULED_SLUG, "Okapiwu"]
# Phone photos (1 200 × 800: published in three widths) only an unreleased article shows.
DRAFT_LEAD, SCHEDULED_LEAD = "images/2019/zebrakhe-dau.jpg", "images/2026/okapiwu-anh.jpg"
BEFORE, AT = "2026-12-07 06:59", "2026-12-07 07:00"  # the scheduled article's time is 07:00


def article(title: str, slug: str, when: str, status: str = "published", body: str = "", image: str = "") -> str:
    lead = f"image: {image}\nimage_alt: Ảnh của bài {title}\n" if image else ""
    return (f"---\ntitle: {title}\nslug: {slug}\ndate: {when}\nauthor: Thu Phương\n{lead}"
            f"category: Thông báo\ntags: [Đào tạo]\nstatus: {status}\n---\n\n{title}: nội dung của bài.\n\n{body}")


DRAFT_DOCUMENT = """---
title: Dự thảo quy chế Zebrakhe
number: 999/QC-HVDT
issued: 2021-04-01
issuer: Học viện Dân tộc
doc_type: Quy chế
summary: Bản dự thảo, chưa ban hành.
file: files/2021/du-thao-zebrakhe.pdf
status: draft
---
"""


def draft_report() -> str:
    report = (MEETING.replace("Họp Ban chỉ đạo ứng dụng CNTT năm 2018", REPORT_TITLE)
              .replace("2018-12-27", "2019-05-02").replace("CNTT-2018-01", REPORT_ITEM)
              .replace("Đầu tư hạ tầng và phần mềm", "Nhiệm vụ Quokkaxa"))
    return report.replace("author:", f"slug: {REPORT_SLUG}\nstatus: draft\nauthor:", 1)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Project:
    project = make_project(tmp_path_factory.mktemp("unreleased") / "site", sample_content=False)
    project.add("articles/2019/tin.md", ARTICLE)
    project.add("meetings/2018/hop.md", MEETING)
    for name in ("images/2019/zebrakhe-anh.png", "images/2019/chung.png"):  # the draft's own, and a shared one
        (project.content / name).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (40, 30), (20, 90, 160)).save(project.content / name)
    (project.content / "files/2021").mkdir(parents=True)
    (project.content / "files/2021/du-thao-zebrakhe.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    project.add("documents/2021/du-thao.md", DRAFT_DOCUMENT)
    body = "![Ảnh chỉ bản nháp dùng](images/2019/zebrakhe-anh.png)\n\n![Ảnh dùng chung](images/2019/chung.png)\n"
    for lead in (DRAFT_LEAD, SCHEDULED_LEAD):
        photo(project.content / lead)
    project.add("articles/2019/nhap.md", article(DRAFT_TITLE, DRAFT_SLUG, "2019-04-01 08:00", "draft", body,
                                                 image=DRAFT_LEAD))
    project.add("articles/2019/anh.md", article("Ảnh hoạt động", "anh-hoat-dong", "2019-04-02 08:00",
                                                body="![Ảnh dùng chung](images/2019/chung.png)\n\n"
                                                     "Xem thêm [bài đang soạn](nhap.md).\n"))
    project.add("meetings/2019/hop-kin.md", draft_report())
    project.add("pages/nhap.md", f"---\ntitle: {PAGE_TITLE}\nslug: {PAGE_SLUG}\nstatus: draft\n---\n\nNháp.\n")
    project.add("articles/2026/lich-nghi.md", article(SCHEDULED_TITLE, SCHEDULED_SLUG, AT, image=SCHEDULED_LEAD))
    return project


def build(project: Project, settings: str, now: str, output: str) -> Path:
    out = project.root / output
    result = build_site(project.root / settings, incremental=False, OUTPUT_PATH=str(out), PUBLICATION_NOW=now)
    assert result.ok, (result.error, result.findings)
    return out


def readable(path: Path) -> str:
    """A file's text, Pagefind's compressed files decompressed."""
    data = path.read_bytes()
    for unpack in (gzip.decompress, lambda d: zlib.decompress(d, 47)):
        try:
            data = unpack(data)
            break
        except (OSError, EOFError, zlib.error):
            continue
    return data.decode("utf-8", errors="replace")


def traces(output: Path, words: list[str]) -> dict[str, list[str]]:
    """Output file → which of ``words`` it contains (paths included)."""
    found = {}
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        rel = path.relative_to(output).as_posix()
        text = rel + "\n" + readable(path)
        hits = [w for w in words if w.casefold() in text.casefold()]
        if hits:
            found[rel] = hits
    return found


def stored_records(project: Project, output: Path) -> list[str]:
    """Every search record the plugin stored for the build into ``output``, as text."""
    settings = load_settings(project.root / "publishconf.py", OUTPUT_PATH=str(output))
    shards = RecordStore.of(run_of(settings)).shards()
    assert shards, "the search plugin stored its records"
    return [repr(record) for shard in shards for record in shard.records]


def test_a_public_build_has_no_trace_of_drafts_nor_of_what_is_scheduled(fixture_site: Project):
    output = build(fixture_site, "publishconf.py", BEFORE, "public-before")
    assert (output / "2019/hoc-vien-khai-giang-lop-boi-duong/index.html").is_file()
    assert (output / "tracker/CNTT-2018-01/index.html").is_file()
    assert not (output / "ban-nhap").exists()
    assert (output / "images/2019/chung.png").is_file()  # a released article uses it too
    linking = BeautifulSoup((output / "2019/anh-hoat-dong/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "Xem thêm bài đang soạn." in linking.get_text() and not linking.find("a", string="bài đang soạn")
    assert traces(output, ["nhap.md", "{filename}"]) == {}
    assert traces(output, SECRETS + SCHEDULED) == {}  # file names included: no photo of theirs, in any width
    assert sorted(p.name for p in (output / "images").rglob("*") if p.is_file()) == ["chung-40.webp", "chung.png"]
    assert list((output / "pagefind").rglob("*.pf_fragment")), "the search index was written"
    records = stored_records(fixture_site, output)
    assert any("hoc-vien-khai-giang-lop-boi-duong" in r for r in records)
    assert not [r for r in records if any(w.casefold() in r.casefold() for w in SECRETS + SCHEDULED)]


def test_a_scheduled_article_goes_public_at_its_time(fixture_site: Project):
    output = build(fixture_site, "publishconf.py", AT, "public-at")
    page = output / f"2026/{SCHEDULED_SLUG}/index.html"
    assert page.is_file()
    shown = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert shown.find("h1").get_text() == SCHEDULED_TITLE
    assert not shown.select(".unreleased") and not shown.find("meta", attrs={"name": "robots"})
    for listed in ("feeds/all.atom.xml", "feeds/all.json", "sitemap.xml", "index.html"):
        assert SCHEDULED_SLUG in (output / listed).read_text(encoding="utf-8"), listed
    assert any(SCHEDULED_SLUG in r for r in stored_records(fixture_site, output))
    assert traces(output, SECRETS) == {}  # the drafts stay out
    assert sorted(p.name for p in (output / "images/2026").iterdir()) == [
        "okapiwu-anh-1200.webp", "okapiwu-anh-360.webp", "okapiwu-anh-720.webp", "okapiwu-anh.jpg"]


def test_the_local_preview_shows_drafts_and_scheduled_articles_marked(fixture_site: Project):
    output = build(fixture_site, "pelicanconf.py", BEFORE, "preview")
    draft = BeautifulSoup((output / f"ban-nhap/{DRAFT_SLUG}/index.html").read_text(encoding="utf-8"), "html.parser")
    assert draft.select_one(".unreleased").get_text().startswith("Bản nháp")
    assert draft.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert not draft.find("link", rel="canonical") and not draft.select("[data-pagefind-body]")
    page = BeautifulSoup((output / f"ban-nhap/trang/{PAGE_SLUG}/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert page.select_one(".unreleased").get_text().startswith("Bản nháp")
    linking = BeautifulSoup((output / "2019/anh-hoat-dong/index.html").read_text(encoding="utf-8"), "html.parser")
    assert linking.find("a", string="bài đang soạn")["href"] == f"../../ban-nhap/{DRAFT_SLUG}/"
    for private in ("images/2019/zebrakhe-anh.png", "images/2019/zebrakhe-dau-720.webp", DRAFT_LEAD,
                    "files/2021/du-thao-zebrakhe.pdf"):
        assert (output / private).is_file(), private
    scheduled = BeautifulSoup((output / f"2026/{SCHEDULED_SLUG}/index.html").read_text(encoding="utf-8"),
                              "html.parser")
    assert scheduled.select_one(".unreleased").get_text().startswith("Hẹn đăng Thứ Hai, 07/12/2026 lúc 07:00")
    assert scheduled.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_invoke_check_lists_scheduled_articles_without_failing(fixture_site: Project):
    before = fixture_site.invoke("check", env={"TOASOAN_NOW": BEFORE})
    assert before.returncode == 0, before.stdout + before.stderr
    assert "Hẹn đăng (1 bài" in before.stdout
    assert (f"content/articles/2026/lich-nghi.md  Hẹn đăng Thứ Hai, 07/12/2026 lúc 07:00: {SCHEDULED_TITLE}"
            in before.stdout), before.stdout
    after = fixture_site.invoke("check", env={"TOASOAN_NOW": AT})
    assert after.returncode == 0 and "Hẹn đăng" not in after.stdout, after.stdout
    as_json = fixture_site.invoke("check", "--format", "json", env={"TOASOAN_NOW": BEFORE})
    assert as_json.returncode == 0, as_json.stderr
    records = json.loads(as_json.stdout)  # the findings' list, then one record per scheduled article
    assert [r for r in records if r["severity"] == "info"] == [{
        "file": "content/articles/2026/lich-nghi.md", "line": 4, "field": "date", "code": None, "severity": "info",
        "message": f"Hẹn đăng Thứ Hai, 07/12/2026 lúc 07:00: {SCHEDULED_TITLE}",
        "hint": "Bài lên trang công khai ở lần xuất bản đầu tiên sau giờ hẹn.", "scheduled": "2026-12-07T07:00+07:00"}]
    assert all(r["code"] for r in records if r["severity"] != "info")
    later = fixture_site.invoke("check", "--format", "json", env={"TOASOAN_NOW": AT})
    assert not [r for r in json.loads(later.stdout) if r["severity"] == "info"]


@pytest.mark.parametrize("task", [("check",), ("check", "--format", "json"), ("build",), ("livereload", "--port", "0")])
def test_a_wrong_clock_is_told_in_vietnamese(fixture_site: Project, task: tuple[str, ...]):
    wrong = fixture_site.invoke(*task, env={"TOASOAN_NOW": "thứ hai 7 giờ"})
    printed = wrong.stdout + wrong.stderr
    assert wrong.returncode == 1, printed
    assert "Giờ 'thứ hai 7 giờ' không hợp lệ; viết dạng YYYY-MM-DD HH:MM" in wrong.stderr, printed
    assert "Traceback" not in printed and "Xem trước tại" not in printed, printed


def test_an_incremental_preview_drops_the_scheduled_banner_when_the_time_comes(fixture_site: Project, monkeypatch):
    output = fixture_site.root / "preview-incremental"
    page = output / f"2026/{SCHEDULED_SLUG}/index.html"

    def build_at(now: str):
        monkeypatch.setenv("TOASOAN_NOW", now)
        result = build_site(fixture_site.root / "pelicanconf.py", OUTPUT_PATH=str(output))
        assert result.ok, (result.error, result.findings)
        return result

    build_at("2026-12-07 06:00")
    assert BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(".unreleased")
    assert build_at(BEFORE).unchanged  # still before its time: nothing to redo
    assert not build_at(AT).unchanged
    shown = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert not shown.select(".unreleased") and not shown.find("meta", attrs={"name": "robots"})
    assert build_at("2026-12-07 08:00").unchanged  # nothing scheduled is left
