"""Real Pelican builds of the tracker story: pages, exports, invoke tracker."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest
from action_tracker.exports import ATOM_SUBTITLE, _components, _entry_fields, _feed_entries, to_ics, write_atom
from bs4 import BeautifulSoup
from feedgenerator import Atom1Feed
from tracker_story import FORMULA_TITLE, PUBLIC_IDS, TODAY, add_story

from sitekit import Project, make_project
from toasoan.build.plan import build_site, load_settings
from toasoan.content import read_content
from toasoan.model import load_units
from toasoan.settings import site_rules
from toasoan.text import slugify
from toasoan.tracker import track

ATOM = "{http://www.w3.org/2005/Atom}"
EXPORTS = ("action-items.json", "action-items.csv", "action-items.ics", "action-items.atom")


def build(project: Project, **tracker: object) -> None:
    result = build_site(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output),
                        TRACKER={"today": TODAY.isoformat(), **tracker})
    assert result.ok, (result.error, result.findings)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Project:
    project = add_story(make_project(tmp_path_factory.mktemp("tracker") / "site", sample_content=False))
    build(project)
    return project


def html(project: Project, relpath: str) -> BeautifulSoup:
    return BeautifulSoup((project.output / relpath).read_text(encoding="utf-8"), "html.parser")


def resolve(page: str, href: str) -> str:
    """Output path an href on ``page`` (relative URLs) points at."""
    target = (Path("/") / Path(page).parent / href.split("#")[0]).resolve()
    return str(target.relative_to("/") / "index.html") if href.split("#")[0].endswith("/") else str(target)


def test_build_writes_index_item_unit_pages_and_four_exports(site: Project):
    out = site.output / "tracker"
    assert (out / "index.html").is_file()
    for ident in PUBLIC_IDS:
        assert (out / ident / "index.html").is_file(), ident
    assert not (out / "CNTT-2019-09").exists()  # decided only in a draft
    units, _ = load_units(site.content, "data/units.yml")
    for unit in units:
        assert (out / "don-vi" / slugify(unit.name) / "index.html").is_file(), unit.name
    for name in EXPORTS:
        assert (out / name).stat().st_size > 0, name


def test_json_and_csv_list_the_same_items(site: Project):
    data = json.loads((site.output / "tracker/action-items.json").read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["generated"]
    assert [i["id"] for i in data["items"]] == PUBLIC_IDS
    first = data["items"][0]
    assert set(first) == {"id", "title", "owner", "support", "due", "status", "priority", "progress",
                          "meeting", "url", "history"}
    assert [h["status"] for h in first["history"]] == ["open", "in_progress", "done"]
    raw = (site.output / "tracker/action-items.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert next(iter(rows[0])) == "id"
    assert [r["id"] for r in rows] == PUBLIC_IDS
    by_id = {r["id"]: r for r in rows}
    assert by_id["CNTT-2018-04"]["title"] == "'" + FORMULA_TITLE
    assert by_id["CNTT-2018-03"]["overdue"] == "có"
    assert by_id["CNTT-2018-01"]["status_label"] == "Hoàn thành"


def test_ics_parses_with_one_vtodo_and_one_all_day_event_per_item(site: Project):
    calendar = icalendar.Calendar.from_ical((site.output / "tracker/action-items.ics").read_bytes())
    todos = {str(t["SUMMARY"]).split(":")[0]: t for t in calendar.walk("VTODO")}
    assert sorted(todos) == PUBLIC_IDS
    done = todos["CNTT-2018-01"]
    assert done.decoded("DUE").isoformat() == "2019-12-31"
    assert str(done["STATUS"]) == "COMPLETED" and int(done["PERCENT-COMPLETE"]) == 100
    assert str(todos["CNTT-2019-02"]["STATUS"]) == "IN-PROCESS"
    assert str(todos["CNTT-2018-04"]["STATUS"]) == "NEEDS-ACTION"
    events = calendar.walk("VEVENT")
    assert len(events) == len(PUBLIC_IDS)
    assert all(e["DTSTART"].params.get("VALUE") == "DATE" for e in events)


def test_ics_is_what_icalendar_writes_for_the_whole_calendar(site: Project):
    """The export is made one component at a time; its bytes must be icalendar's own
    serialisation of one calendar holding every component (folding, order, the end line)."""
    rules, _ = site_rules(load_settings(site.root / "pelicanconf.py"))
    items = track(read_content(rules)[0])
    generated = dt.datetime(2019, 1, 2, 8, 30, tzinfo=dt.UTC)
    made = to_ics(items, generated, "Theo dõi nhiệm vụ CNTT", "https://hocvien.example.vn")
    whole = icalendar.Calendar()
    for name, value in icalendar.Calendar.from_ical(made).property_items(recursive=False):
        if name not in ("BEGIN", "END"):
            whole.add(name, value)
    for component in _components(items, generated, "hocvien.example.vn", "https://hocvien.example.vn"):
        whole.add_component(component)
    assert len(whole.subcomponents) == 2 * len(PUBLIC_IDS)
    assert made == whole.to_ical()


def test_atom_is_what_feedgenerator_writes_with_every_entry_added_at_once(site: Project):
    """The export makes each entry as it is written; its bytes must be feedgenerator's own
    feed of every entry (the newest entry's date as the feed's)."""
    rules, _ = site_rules(load_settings(site.root / "pelicanconf.py"))
    items = track(read_content(rules)[0])
    page, feed_url = "https://hocvien.example.vn/tracker/", "https://hocvien.example.vn/tracker/action-items.atom"
    written = io.BytesIO()
    write_atom(written, items, "Theo dõi nhiệm vụ CNTT", page, feed_url, "https://hocvien.example.vn",
               updated=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    made = written.getvalue()
    whole = Atom1Feed(title="Theo dõi nhiệm vụ CNTT", link=page, feed_url=feed_url, language="vi",
                      description=ATOM_SUBTITLE)
    for fields in _entry_fields(_feed_entries(items), "https://hocvien.example.vn"):
        whole.add_item(**fields)
    assert len(whole.items) == 10
    out = io.BytesIO()
    whole.write(out, "utf-8")
    assert made == out.getvalue()


def test_atom_feed_has_one_entry_per_decision_and_update(site: Project):
    feed = ET.parse(site.output / "tracker/action-items.atom").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 10  # 6 decisions + 4 published updates
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[0].startswith("CNTT-2018-01 — Cập nhật: Hoàn thành, 100%")  # newest first
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)


def test_item_page_shows_three_entry_timeline_with_links_to_each_meeting(site: Project):
    page = "tracker/CNTT-2018-01/index.html"
    soup = html(site, page)
    entries = soup.select("ol.dong-thoi-gian > li")
    assert len(entries) == 3
    assert [e.find("time")["datetime"] for e in entries] == ["2018-12-27", "2019-07-11", "2019-12-20"]
    for entry in entries:
        link = entry.select_one(".dtg-hop a")
        assert (site.output / resolve(page, link["href"])).is_file(), link["href"]
    assert entries[2].select_one(".status").get_text() == "Hoàn thành"
    facts = soup.select_one("dl.thong-tin").get_text(" ", strip=True)
    assert "Hoàn thành" in facts and "31/12/2019" in facts and "đã lùi từ hạn ban đầu" in facts


def test_tracker_page_without_javascript_has_status_sections_and_text_flags(site: Project):
    soup = html(site, "tracker/index.html")
    assert soup.h1.get_text() == "Theo dõi nhiệm vụ CNTT"
    assert "Cập nhật lúc" in soup.select_one(".cap-nhat").get_text()
    sections = soup.select("table[data-bang-nhiem-vu] tbody")
    assert [s["id"] for s in sections] == ["trang-thai-open", "trang-thai-in-progress", "trang-thai-done",
                                           "trang-thai-blocked", "trang-thai-cancelled"]
    for section in sections:
        assert section.select_one("tr.nhom th[scope=rowgroup]")
    for total in soup.select(".so-lieu a[href^='#trang-thai-']"):
        assert soup.find(id=total["href"][1:]) is not None
    rows = {r.th.get_text(strip=True): r for r in soup.select("tr[data-due]")}
    assert sorted(rows) == PUBLIC_IDS
    flag = rows["CNTT-2018-03"].select_one(".qua-han")
    assert flag.get_text() == "Quá hạn" and not flag.has_attr("hidden")
    assert rows["CNTT-2018-04"].select_one(".qua-han").has_attr("hidden")
    assert soup.select_one("[data-so-qua-han]").get_text() == "1"
    assert soup.select_one("form[data-bo-loc]").has_attr("hidden")  # the script shows it
    script = soup.find("script", src=True)
    assert script["src"].endswith("js/tracker.js") and script.has_attr("defer")
    assert len(soup.select("progress")) >= len(PUBLIC_IDS) + 1


def test_unit_page_lists_owned_and_supported_items(site: Project):
    soup = html(site, "tracker/don-vi/phong-ke-hoach-tai-vu/index.html")
    assert soup.h1.get_text() == "Nhiệm vụ của Phòng Kế hoạch Tài vụ"
    supported = soup.select("#phoi-hop ~ div tr[data-due] th")
    assert [th.get_text(strip=True) for th in supported] == ["CNTT-2018-01"]
    training = html(site, "tracker/don-vi/phong-dao-tao/index.html")
    assert [th.get_text(strip=True) for th in training.select("tr[data-due] th")] == ["CNTT-2018-03",
                                                                                    "CNTT-2018-04"]
    assert "10%" in training.select_one(".tien-do-chung").get_text()


def test_script_is_small_and_has_no_dependencies():
    script = Path(__file__).resolve().parent.parent / "theme/static/js/tracker.js"
    text = script.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < 3 * 1024
    assert "import" not in text and "require(" not in text and "http" not in text


def test_invoke_tracker_json_csv_and_text(site: Project):
    result = site.invoke("tracker", "--format", "json", "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["today"] == "2019-10-15"
    assert [(u["unit"], [i["id"] for i in u["overdue"]]) for u in data["units"]] == [
        ("Phòng Đào tạo", ["CNTT-2018-03"])]
    assert [i["id"] for i in data["units"][0]["due_soon"]] == ["CNTT-2018-04"]
    result = site.invoke("tracker", "--format", "csv", "--today", TODAY.isoformat(), "--days", "100")
    assert result.stdout.startswith("\ufeffgroup,unit,id,")
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert {r["id"] for r in rows if r["group"] == "due_soon"} == {"CNTT-2018-01", "CNTT-2018-04",
                                                                  "CNTT-2019-01"}
    text = site.invoke("tracker", "--today", "2019-08-01").stdout
    assert "tình hình đến Thứ Năm, 01/08/2019" in text
    assert "CNTT-2019-02" not in text  # decided in December: not yet on 01/08/2019
    bad = site.invoke("tracker", "--today", "01/08/2019")
    assert bad.returncode == 1 and "YYYY-MM-DD" in bad.stderr


def test_invoke_check_reports_stale_items(site: Project):
    result = site.invoke("check", "--format", "json")
    assert result.returncode == 0, result.stdout
    stale = {f["message"].split('"')[1] for f in json.loads(result.stdout) if f["code"] == "W202"}
    assert stale == {"CNTT-2018-03", "CNTT-2018-04", "CNTT-2019-02"}  # checked against today


def test_build_stops_on_an_update_of_an_unknown_item(tmp_path: Path):
    project = add_story(make_project(tmp_path / "site", sample_content=False))
    project.add("meetings/2020/loi.md", (project.content / "meetings/2019/c-so-ket.md").read_text(
        encoding="utf-8").replace("CNTT-2018-02", "CNTT-2018-77").replace("CNTT-2019-01", "CNTT-2020-01")
        .replace("2019-07-11", "2020-02-01").replace("6 tháng đầu năm 2019", "lỗi"))
    result = build_site(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output))
    assert not result.ok
    assert "E204" in {f.code for f in result.findings}
    assert not project.output.exists()


def test_sample_site_tracker_matches_the_model(tmp_path: Path):
    project = make_project(tmp_path / "sample", sample_content=True)
    result = build_site(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output))
    assert result.ok, (result.error, result.findings)
    rules, _ = site_rules(load_settings(project.root / "pelicanconf.py"))
    documents, _ = read_content(rules)
    items = track(documents)
    ids = [t.id for t in items]
    assert len(ids) >= 8 and {t.status for t in items} == {"open", "in_progress", "done", "blocked",
                                                          "cancelled"}
    out = project.output / "tracker"
    data = json.loads((out / "action-items.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader(io.StringIO((out / "action-items.csv").read_text(encoding="utf-8-sig"))))
    calendar = icalendar.Calendar.from_ical((out / "action-items.ics").read_bytes())
    assert [i["id"] for i in data["items"]] == [r["id"] for r in rows] == ids
    assert len(calendar.walk("VTODO")) == len(ids)
    pages = [p.name for p in out.iterdir() if (p / "index.html").is_file() and p.name != "don-vi"]
    assert sorted(pages) == sorted(ids)
    assert {p.name for p in (out / "don-vi").iterdir()} == {u.slug for u in rules.units}
    followed = [t for t in items if t.report.meeting.date.year == 2018 and len(t.history) == 3]
    assert followed, "the sample should follow a 2018 item through two later meetings"
    for tracked in followed:
        soup = html(project, f"tracker/{tracked.id}/index.html")
        assert len(soup.select("ol.dong-thoi-gian > li")) == 3
        assert soup.select_one("dl.thong-tin .status").get_text() == tracked.history[-1].status_label


def test_meeting_report_rows_show_current_status_and_link_to_item_pages(site: Project):
    page = "2019/so-ket-6-thang-dau-nam-2019/index.html"
    soup = html(site, page)
    decided = soup.select_one(".action-items tbody tr")
    assert decided["id"] == "CNTT-2019-01"
    assert decided.select_one(".item-current .status").get_text() == "Đã huỷ"  # from December
    updated = {tr.th.get_text(strip=True): tr for tr in soup.select(".action-updates tbody tr")}
    assert sorted(updated) == ["CNTT-2018-01", "CNTT-2018-02"]
    assert updated["CNTT-2018-01"].select_one(".item-current").get_text(" ", strip=True).startswith(
        "Hoàn thành 100%")
    for row in (decided, *updated.values()):
        link = row.th.a
        assert resolve(page, link["href"]) == f"tracker/{row.th.get_text(strip=True)}/index.html"
        assert (site.output / resolve(page, link["href"])).is_file()
    draft = html(site, "ban-nhap/hop-chuan-bi-ban-nhap/index.html")
    assert draft.select_one(".action-items th a") is None and not draft.select(".item-current")


def test_plugin_stays_off_in_a_later_build_that_does_not_list_it(site: Project, tmp_path: Path):
    project = add_story(make_project(tmp_path / "site", sample_content=False))
    result = build_site(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output),
                        PLUGINS=["yaml_frontmatter", "content_checks"])
    assert result.ok, (result.error, result.findings)
    assert not (project.output / "tracker").exists()
    assert not html(project, "2019/so-ket-6-thang-dau-nam-2019/index.html").select(".item-current")
