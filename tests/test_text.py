"""Slugs, Vietnamese dates and text normalisation."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from toasoan.text import VIETNAM, clean_line, fold, parse_datetime, short_date, slugify, vi_date


@pytest.mark.parametrize(("title", "slug"), [
    ("Đào tạo bồi dưỡng", "dao-tao-boi-duong"),
    ("ĐÀO TẠO", "dao-tao"),
    ("Tin tức - Sự kiện", "tin-tuc-su-kien"),
    ("Học viện tổng kết công tác ứng dụng CNTT năm 2018", "hoc-vien-tong-ket-cong-tac-ung-dung-cntt-nam-2018"),
    ("  Nghị định 47/2020/NĐ-CP: “quản lý” dữ liệu ", "nghi-dinh-47-2020-nd-cp-quan-ly-du-lieu"),
    (unicodedata.normalize("NFD", "Đào tạo"), "dao-tao"),
    ("Tin\u200bmới", "tinmoi"),
])
def test_slugify_transliterates_vietnamese(title, slug):
    assert slugify(title) == slug


@pytest.mark.parametrize(("day", "label"), [
    (24, "Thứ Hai, 24/12/2018"), (25, "Thứ Ba, 25/12/2018"), (26, "Thứ Tư, 26/12/2018"),
    (27, "Thứ Năm, 27/12/2018"), (28, "Thứ Sáu, 28/12/2018"), (29, "Thứ Bảy, 29/12/2018"),
    (30, "Chủ Nhật, 30/12/2018"),
])
def test_vietnamese_weekday_dates(day, label):
    assert vi_date(dt.date(2018, 12, day)) == label


def test_dates_are_by_the_calendar_day_of_the_value_given():
    late = dt.datetime(2018, 12, 27, 23, 30, tzinfo=VIETNAM)
    same_instant = late.astimezone(dt.UTC)  # equal to ``late``, on the 27th in UTC too
    next_day = dt.datetime(2018, 12, 28, 1, 0, tzinfo=VIETNAM)
    earlier_in_utc = next_day.astimezone(dt.UTC)  # 27/12 18:00 UTC
    for value in (dt.date(2018, 1, 5), late, same_instant, next_day, earlier_in_utc, dt.date(999, 3, 4)):
        assert short_date(value) == value.strftime("%d/%m/%Y")
    assert vi_date(next_day) == "Thứ Sáu, 28/12/2018"
    assert vi_date(earlier_in_utc) == "Thứ Năm, 27/12/2018"


def test_dates_become_vietnam_time():
    assert parse_datetime("2018-12-27 11:00") == dt.datetime(2018, 12, 27, 11, tzinfo=VIETNAM)
    assert parse_datetime("2018-12-27") == dt.datetime(2018, 12, 27, tzinfo=VIETNAM)
    assert parse_datetime(dt.date(2018, 12, 27)).utcoffset() == dt.timedelta(hours=7)
    assert parse_datetime("2018-02-30") is None
    assert parse_datetime("27/12/2018") is None
    assert parse_datetime(20181227) is None


def test_clean_line_and_fold():
    assert clean_line(" Học\u200b  viện\n") == "Học viện"
    assert unicodedata.is_normalized("NFC", clean_line(unicodedata.normalize("NFD", "Học viện")))
    assert fold("Đào Tạo") == "dao tao"
