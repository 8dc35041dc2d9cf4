"""Unit tests of the metadata builders (the built pages are tested in tests/test_public_site.py)."""

from __future__ import annotations

import datetime as dt
import json

from site_metadata.metadata import ImageFacts, author, breadcrumb_list, description, json_ld, news_article
from toasoan.text import VIETNAM

HOSTILE = '</script><script>alert("x")</script><!-- & \u2028'


def test_json_ld_cannot_close_its_script_element_and_round_trips():
    text = str(json_ld({"headline": HOSTILE}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"headline": HOSTILE}


def test_description_is_plain_text_cut_at_a_word():
    assert description("<p>Học viện &amp; <em>Ủy ban</em></p>") == "Học viện & Ủy ban"
    long = "Học viện Dân tộc tổ chức hội nghị tổng kết " * 10
    cut = description(long, limit=60)
    assert len(cut) <= 60 and cut.endswith("…") and long.startswith(cut[:-1])
    assert description(None) == ""


def test_bylines_naming_a_unit_are_organisations():
    assert author("Văn phòng", ["Văn phòng"]) == {"@type": "Organization", "name": "Văn phòng"}
    assert author("Thu Phương", ["Văn phòng"]) == {"@type": "Person", "name": "Thu Phương"}


def test_news_article_dates_and_image():
    published = dt.datetime(2019, 3, 4, 8, 30, tzinfo=VIETNAM)
    data = news_article(url="https://x.vn/2019/a/", headline="Tin", summary="Tóm tắt", published=published,
                        modified=published - dt.timedelta(days=1), authors=["Thu Phương"], organisations=(),
                        section="Thông báo", tags=[], images=[ImageFacts("https://x.vn/a.png", 10, 20)],
                        publisher={"@type": "Organization", "name": "Học viện Dân tộc"})
    assert data["dateModified"] == data["datePublished"] == "2019-03-04T08:30:00+07:00"  # never before
    assert data["image"] == [{"@type": "ImageObject", "url": "https://x.vn/a.png", "width": 10, "height": 20}]
    assert "keywords" not in data


def test_breadcrumb_list_positions_and_absolute_items():
    data = breadcrumb_list([("Trang chủ", ""), ("Thông báo", "chuyen-muc/thong-bao/")], "https://x.vn")
    assert [(i["position"], i["item"]) for i in data["itemListElement"]] == [
        (1, "https://x.vn/"), (2, "https://x.vn/chuyen-muc/thong-bao/")]
