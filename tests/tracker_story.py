"""A small tracker story for the tests: a 2018 meeting, two 2019 follow-ups and a draft.

File names sort against meeting dates on purpose (``b-…`` is December, ``c-…`` is July)
so the tests show updates are applied in meeting-date order, not file order.

State at the end: CNTT-2018-01 done (three-entry timeline, due moved once), 2018-02 done,
2018-03 in progress (no update), 2018-04 open (its title starts with "="), 2019-01
cancelled, 2019-02 blocked; the draft's CNTT-2019-09 and its update are not public.
"""

from __future__ import annotations

import datetime as dt

import yaml

from sitekit import Project

BODY = "Nội dung cuộc họp."
TODAY = dt.date(2019, 10, 15)  # CNTT-2018-03 overdue, CNTT-2018-04 due within 30 days
FORMULA_TITLE = '=HYPERLINK("http://vi-du.invalid","Bấm")'


def meeting(title: str, when: str, *, items: list[dict] | None = None,
            updates: list[dict] | None = None, status: str = "published") -> str:
    """A meeting report file with these action items and updates."""
    data: dict = {
        "title": title, "date": when, "author": "Ban biên tập", "status": status,
        "meeting": {"date": when, "location": "Hà Nội", "chair": "PGS.TS. Trần Trung",
                    "bodies": ["Ban chỉ đạo ứng dụng CNTT"]},
    }
    if items:
        data["action_items"] = items
    if updates:
        data["updates"] = updates
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + f"---\n\n{BODY}\n"


def item(ident: str, title: str, owner: str, due: str, **extra: object) -> dict:
    return {"id": ident, "title": title, "owner": owner, "due": due, **extra}


STORY = {
    "meetings/2018/hop-2018.md": meeting("Tổng kết ứng dụng CNTT năm 2018", "2018-12-27 08:00", items=[
        item("CNTT-2018-01", "Đầu tư hạ tầng và phần mềm", "Văn phòng", "2019-06-30",
             support=["Phòng Kế hoạch Tài vụ"], priority="high", status="open", progress=0),
        item("CNTT-2018-02", "Ban hành Quy chế ứng dụng CNTT", "Trung tâm Thông tin - Thư viện",
             "2019-03-31"),
        item("CNTT-2018-03", "Bồi dưỡng kỹ năng CNTT cho giảng viên", "Phòng Đào tạo", "2019-09-30",
             status="in_progress", progress=20),
        item("CNTT-2018-04", FORMULA_TITLE, "Phòng Đào tạo", "2019-11-01", priority="low"),
    ]),
    "meetings/2019/b-hop-cuoi-nam.md": meeting("Tổng kết ứng dụng CNTT năm 2019", "2019-12-20 08:00",
        items=[item("CNTT-2019-02", "Số hoá tài liệu nội sinh", "Trung tâm Thông tin - Thư viện",
                    "2020-06-30", status="blocked", progress=30)],
        updates=[{"id": "CNTT-2018-01", "status": "done", "progress": 100,
                  "note": "Đã nghiệm thu phần mềm."},
                 {"id": "CNTT-2019-01", "status": "cancelled", "note": "Gộp vào CNTT-2019-02."}]),
    "meetings/2019/c-so-ket.md": meeting("Sơ kết 6 tháng đầu năm 2019", "2019-07-11 08:00",
        items=[item("CNTT-2019-01", "Xây dựng kho học liệu số", "Văn phòng", "2019-12-31")],
        updates=[{"id": "CNTT-2018-01", "status": "in_progress", "progress": 40, "due": "2019-12-31",
                  "note": "Chờ kinh phí, lùi hạn."},
                 {"id": "CNTT-2018-02", "status": "done", "progress": 100}]),
    "meetings/2019/d-nhap.md": meeting("Họp chuẩn bị (bản nháp)", "2019-09-01 08:00", status="draft",
        items=[item("CNTT-2019-09", "Nhiệm vụ còn trong bản nháp", "Văn phòng", "2019-12-31")],
        updates=[{"id": "CNTT-2018-03", "progress": 90}]),
}

PUBLIC_IDS = ["CNTT-2018-01", "CNTT-2018-02", "CNTT-2018-03", "CNTT-2018-04",
              "CNTT-2019-01", "CNTT-2019-02"]


def add_story(project: Project) -> Project:
    for relpath, text in STORY.items():
        project.add(relpath, text)
    return project
