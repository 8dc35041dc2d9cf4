"""The tracker's logic over real content files: current state, history, summaries, rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from tracker_story import FORMULA_TITLE, PUBLIC_IDS, TODAY, add_story, item, meeting

from sitekit import Project
from toasoan.checks import check_site
from toasoan.content import read_content
from toasoan.model import MeetingReport
from toasoan.tracker import (
    by_id,
    csv_row,
    item_record,
    safe_cell,
    summarise,
    to_csv,
    to_json,
    track,
    tracker_settings,
)
from toasoan.tracker_report import board_csv, board_json, board_text


@pytest.fixture
def story(project: Project):
    add_story(project)
    documents, findings = read_content(project.rules())
    assert [f for f in findings if f.is_error] == []
    return documents


def codes(documents, today=dt.date(2019, 12, 31)) -> list[tuple[str, str | None]]:
    return [(f.code, f.field) for f in check_site(documents, today=today)]


def read(project: Project, files: dict[str, str]):
    for relpath, text in files.items():
        project.add(relpath, text)
    return read_content(project.rules())


# --------------------------------------------------------------------------- state and history
def test_item_decided_in_2018_and_updated_twice_has_three_entries_latest_wins(story):
    tracked = by_id(track(story))["CNTT-2018-01"]
    history = tracked.history
    assert [e.date.date() for e in history] == [dt.date(2018, 12, 27), dt.date(2019, 7, 11),
                                               dt.date(2019, 12, 20)]
    assert [e.status for e in history] == ["open", "in_progress", "done"]
    assert [e.progress for e in history] == [0, 40, 100]
    assert [e.due for e in history] == [dt.date(2019, 6, 30), dt.date(2019, 12, 31), dt.date(2019, 12, 31)]
    assert history[0].is_decision and not history[1].is_decision
    assert history[1].note == "Chờ kinh phí, lùi hạn."
    assert (tracked.status, tracked.progress, tracked.due) == ("done", 100, dt.date(2019, 12, 31))
    assert tracked.rescheduled and tracked.item.due == dt.date(2019, 6, 30)
    assert tracked.last_update == dt.date(2019, 12, 20)
    assert [e.report.title for e in history] == ["Tổng kết ứng dụng CNTT năm 2018",
                                                "Sơ kết 6 tháng đầu năm 2019",
                                                "Tổng kết ứng dụng CNTT năm 2019"]


def test_update_without_status_or_progress_keeps_the_previous_values(project: Project):
    documents, _ = read(project, {
        "meetings/2018/a.md": meeting("Họp A", "2018-12-27 08:00", items=[
            item("CNTT-2018-01", "Việc một", "Văn phòng", "2019-06-30", status="in_progress", progress=30)]),
        "meetings/2019/b.md": meeting("Họp B", "2019-03-01 08:00",
                                      updates=[{"id": "CNTT-2018-01", "note": "Chưa có tiến triển."}]),
        "meetings/2019/c.md": meeting("Họp C", "2019-05-01 08:00",
                                      updates=[{"id": "CNTT-2018-01", "status": "done"}]),
    })
    history = track(documents)[0].history
    assert [(e.status, e.progress) for e in history] == [("in_progress", 30), ("in_progress", 30), ("done", 100)]


def test_drafts_neither_decide_nor_update_on_the_public_tracker(story):
    items = by_id(track(story))
    assert list(items) == PUBLIC_IDS
    assert "CNTT-2019-09" not in items
    assert len(items["CNTT-2018-03"].history) == 1  # the draft's update does not count
    assert items["CNTT-2018-03"].progress == 20


def test_every_status_is_present_in_the_story(story):
    assert {t.status for t in track(story)} == {"open", "in_progress", "done", "blocked", "cancelled"}


def test_report_urls_come_from_the_caller(story):
    items = track(story, path="theo-doi", report_url=lambda r: f"{r.slug}/")
    tracked = by_id(items)["CNTT-2018-01"]
    assert tracked.url == "theo-doi/CNTT-2018-01/"
    assert [e.report_url for e in tracked.history] == [f"{e.report.slug}/" for e in tracked.history]
    assert [e.fragment for e in tracked.history] == ["CNTT-2018-01", "cap-nhat-CNTT-2018-01",
                                                    "cap-nhat-CNTT-2018-01"]


def test_until_gives_the_state_as_it_stood(story):
    tracked = by_id(track(story, until=dt.date(2019, 8, 1)))
    assert tracked["CNTT-2018-01"].status == "in_progress"
    assert "CNTT-2019-02" not in tracked


# --------------------------------------------------------------------------- summaries
def test_summary_totals_progress_overdue_and_due_soon(story, project: Project):
    summary = summarise(track(story), TODAY, 30, project.rules().unit_names)
    assert summary.total == 6
    assert summary.by_status == {"open": 1, "in_progress": 1, "done": 2, "blocked": 1, "cancelled": 1}
    assert summary.progress == 50  # (100 + 100 + 20 + 0 + 30) / 5; the cancelled item does not count
    assert [t.id for t in summary.overdue] == ["CNTT-2018-03"]
    assert [t.id for t in summary.due_soon] == ["CNTT-2018-04"]
    units = {u.unit: u for u in summary.units}
    assert units["Văn phòng"].progress == 100
    assert units["Trung tâm Thông tin - Thư viện"].progress == 65
    assert units["Phòng Đào tạo"].progress == 10
    assert [t.id for t in units["Phòng Kế hoạch Tài vụ"].supported] == ["CNTT-2018-01"]
    assert units["Phòng Kế hoạch Tài vụ"].progress is None
    assert units["Khoa Dân tộc học"] in summary.idle_units
    assert units["Văn phòng"].url == "tracker/don-vi/van-phong/"
    # A day later in the year everything open is overdue; done and cancelled items never are.
    late = summarise(track(story), dt.date(2021, 1, 1))
    assert [t.id for t in late.overdue] == ["CNTT-2018-03", "CNTT-2018-04", "CNTT-2019-02"]


def test_tracker_settings_defaults_and_today():
    options = tracker_settings({"TRACKER": {"today": "2019-10-15", "path": "/theo-doi/"}})
    assert options["today"] == dt.date(2019, 10, 15)
    assert options["path"] == "theo-doi"
    assert options["due_soon_days"] == 30
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        tracker_settings({"TRACKER": {"today": "15/10/2019"}})


# --------------------------------------------------------------------------- records
def test_json_record_has_the_documented_schema(story):
    tracked = by_id(track(story, report_url=lambda r: f"{r.date:%Y}/{r.slug}/"))["CNTT-2018-01"]
    record = item_record(tracked, "https://hvdt.example.vn")
    assert list(record) == ["id", "title", "owner", "support", "due", "status", "priority",
                            "progress", "meeting", "url", "history"]
    assert record["url"] == "https://hvdt.example.vn/tracker/CNTT-2018-01/"
    assert record["meeting"]["url"] == "https://hvdt.example.vn/2018/tong-ket-ung-dung-cntt-nam-2018/"
    assert list(record["history"][0]) == ["date", "meeting", "status", "progress", "note", "due"]
    assert [h["date"] for h in record["history"]] == ["2018-12-27", "2019-07-11", "2019-12-20"]
    data = json.loads(to_json([tracked], dt.datetime(2019, 10, 15, 9, 0)))
    assert data["version"] == 1 and data["generated"] == "2019-10-15T09:00:00"


@pytest.mark.parametrize("count", [0, 1, None])
def test_json_is_the_indented_dump_of_the_whole_though_made_a_record_at_a_time(story, count):
    items = track(story)[:count]
    generated = dt.datetime(2019, 10, 15, 9, 0)
    whole = {"version": 1, "generated": "2019-10-15T09:00:00",
             "items": [item_record(t, "https://hvdt.example.vn") for t in items]}
    assert to_json(items, generated, "https://hvdt.example.vn") == \
        (json.dumps(whole, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_csv_has_bom_id_first_and_neutralises_formulas(story):
    items = track(story)
    text = to_csv(csv_row(t, TODAY) for t in items)
    assert text.startswith("\ufeffid,")
    assert f"'{FORMULA_TITLE}".replace('"', '""') in text
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1"):
        assert safe_cell(cell) == "'" + cell
    assert safe_cell("Đầu tư") == "Đầu tư"


def test_board_report_groups_overdue_and_due_soon_by_unit(story, project: Project):
    summary = summarise(track(story), TODAY, 30, project.rules().unit_names)
    text = board_text(summary)
    assert "Thứ Ba, 15/10/2019" in text
    assert "Phòng Đào tạo\n  Quá hạn (1)\n    CNTT-2018-03" in text
    assert "Sắp đến hạn (1)\n    CNTT-2018-04" in text
    assert "quá 15 ngày" in text and "còn 17 ngày" in text
    data = json.loads(board_json(summary))
    assert data["totals"]["overdue"] == 1 and data["totals"]["due_soon"] == 1
    assert [u["unit"] for u in data["units"]] == ["Phòng Đào tạo"]
    assert board_csv(summary).splitlines()[1].startswith("overdue,Phòng Đào tạo,CNTT-2018-03,")
    nothing = summarise(track(story), dt.date(2018, 12, 28), 7)
    assert "Không có nhiệm vụ quá hạn hay sắp đến hạn." in board_text(nothing)


# --------------------------------------------------------------------------- validation rules
def two_meetings(first_items: list[dict], later: dict, later_date: str = "2019-07-11 08:00") -> dict:
    return {
        "meetings/2018/a.md": meeting("Họp A", "2018-12-27 08:00", items=first_items),
        "meetings/2019/b.md": meeting("Họp B", later_date, **later),
    }


ONE = [item("CNTT-2018-01", "Việc một", "Văn phòng", "2019-06-30")]


def test_duplicate_id_is_e203(project: Project):
    documents, _ = read(project, two_meetings(ONE, {"items": ONE}))
    assert ("E203", "id") in codes(documents)


def test_unknown_owner_and_support_unit_are_e211(project: Project):
    _, findings = read(project, {"meetings/2018/a.md": meeting("Họp A", "2018-12-27 08:00", items=[
        item("CNTT-2018-01", "Việc", "Phòng CNTT", "2019-06-30", support=["Phòng Ma"])])})
    assert {(f.code, f.field) for f in findings} >= {("E211", "action_items[0].owner"),
                                                    ("E211", "action_items[0].support")}


def test_update_of_unknown_id_is_e204(project: Project):
    documents, _ = read(project, two_meetings(ONE, {"updates": [{"id": "CNTT-2018-99", "progress": 5}]}))
    assert ("E204", "updates.id") in codes(documents)


def test_update_in_a_meeting_before_the_decision_is_e205(project: Project):
    files = two_meetings(ONE, {"updates": [{"id": "CNTT-2018-01", "progress": 5}]},
                         later_date="2018-10-01 08:00")
    documents, _ = read(project, files)
    assert ("E205", "updates.id") in codes(documents)
    assert len(track(documents)[0].history) == 1  # and the tracker does not apply it


def test_due_before_the_meeting_is_e206(project: Project):
    files = two_meetings([item("CNTT-2018-01", "Việc", "Văn phòng", "2018-12-01")],
                         {"updates": [{"id": "CNTT-2018-01", "due": "2019-01-01"}]})
    _, findings = read(project, files)
    assert {(f.code, f.field) for f in findings} >= {("E206", "action_items[0].due"),
                                                    ("E206", "updates[0].due")}


@pytest.mark.parametrize("progress", [120, -5])
def test_progress_outside_0_100_is_e207(project: Project, progress: int):
    files = two_meetings(ONE, {"updates": [{"id": "CNTT-2018-01", "progress": progress}]})
    _, findings = read(project, files)
    assert ("E207", "updates[0].progress") in {(f.code, f.field) for f in findings}


def test_done_with_progress_below_100_is_w201(project: Project):
    files = two_meetings(ONE, {"updates": [{"id": "CNTT-2018-01", "status": "done", "progress": 60}]})
    _, findings = read(project, files)
    assert ("W201", "updates[0].progress") in {(f.code, f.field) for f in findings}


def test_progress_lowered_on_a_done_item_is_w201(project: Project):
    done = [item("CNTT-2018-01", "Việc", "Văn phòng", "2019-06-30", status="done", progress=100)]
    documents, _ = read(project, two_meetings(done, {"updates": [{"id": "CNTT-2018-01", "progress": 50}]}))
    assert ("W201", "updates.progress") in codes(documents)


def test_open_item_with_no_update_for_over_a_year_is_w202(story):
    stale = [f for f in check_site(story, today=dt.date(2021, 1, 1)) if f.code == "W202"]
    assert sorted(f.message.split('"')[1] for f in stale) == ["CNTT-2018-03", "CNTT-2018-04", "CNTT-2019-02"]
    first = next(f for f in stale if "CNTT-2018-03" in f.message)
    assert first.file == "content/meetings/2018/hop-2018.md" and first.severity == "warning"
    assert "27/12/2018" in first.message
    assert not [f for f in check_site(story, today=dt.date(2019, 12, 1)) if f.code == "W202"]


def test_update_of_an_item_decided_only_in_a_draft_is_w203(story, project: Project):
    project.add("meetings/2020/e.md", meeting("Họp E", "2020-01-10 08:00",
                                              updates=[{"id": "CNTT-2019-09", "progress": 10}]))
    documents, _ = read_content(project.rules())
    found = [f for f in check_site(documents, today=dt.date(2020, 1, 11)) if f.code == "W203"]
    assert [(f.file, f.field) for f in found] == [("content/meetings/2020/e.md", "updates.id")]
    assert "d-nhap.md" in found[0].message


def test_the_story_itself_is_clean(story):
    assert codes(story, today=dt.date(2019, 12, 1)) == []
    assert all(isinstance(d, MeetingReport) for d in story)
