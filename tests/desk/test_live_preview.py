"""The live preview in Debian's chromium: the writer types and, without pressing a button,
the real page beside the editor (the draft's resident build) shows what they typed; an error
shows its Vietnamese finding in the preview area instead of an old page; fixed, the page
comes back. axe finds nothing on the edit page with the preview shown, at 360 px. The
screenshot docs/images/desk-xem-truoc-ngay.png is written by this test when TOASOAN_DOC_IMAGES=1."""

from __future__ import annotations

import os
from pathlib import Path

from deskkit import BUILD_WAIT, Desk, clone_for, desk_server, make_remote
from playwright.sync_api import expect

from sitekit import REPO

TITLE = "Lễ tốt nghiệp khoá 15"
SENTENCE = "Buổi lễ có 300 tân cử nhân nhận bằng."


def test_the_preview_follows_the_writer_as_they_type(tmp_path: Path, people, headless_browser) -> None:
    shots = REPO / "docs" / "images" if os.environ.get("TOASOAN_DOC_IMAGES") == "1" else tmp_path / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    writer_clone = clone_for(people["writer"], make_remote(tmp_path, people), tmp_path)
    with desk_server(writer_clone) as url:
        desk = Desk(headless_browser, url, shots)
        page = desk.page
        page.goto(url + "/viet-bai-moi")
        page.fill("#f-title", TITLE)
        page.fill("#f-date", "2024-07-01 09:00")
        page.select_option("#f-category", "Tin tức - Sự kiện")
        page.fill("#f-body", "Sáng 1/7/2024, Học viện tổ chức **lễ tốt nghiệp**.")
        page.get_by_role("button", name="Lưu bản nháp", exact=True).click()
        page.wait_for_url("**/ban-nhap/le-tot-nghiep-khoa-15*")

        # Opened, the edit page shows the draft's real page beside the body editor.
        frame = page.frame_locator("iframe.live-frame")
        expect(frame.locator("h1").first).to_contain_text(TITLE, timeout=BUILD_WAIT)
        editor, preview = page.locator("#f-body").bounding_box(), page.locator("iframe.live-frame").bounding_box()
        assert preview["x"] >= editor["x"] + editor["width"] and preview["y"] < editor["y"] + editor["height"]

        # The writer types a sentence; no button: the preview shows it, focus stays in the editor.
        page.locator("#f-body").click()
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        page.locator("#f-body").press_sequentially(SENTENCE)
        expect(frame.locator("body")).to_contain_text(SENTENCE, timeout=BUILD_WAIT)
        expect(page.locator(".live-status")).to_contain_text("Đã cập nhật xem trước")
        assert page.evaluate("document.activeElement.id") == "f-body"
        desk.shot("xem-truoc-ngay")

        # A wrong date: the preview area says what is wrong, in Vietnamese, not the old page.
        page.fill("#f-date", "2024-13-45 09:00")
        problem = page.locator(".live-problem")
        expect(problem).to_contain_text("E103", timeout=BUILD_WAIT)
        expect(problem).to_contain_text("Ngày '2024-13-45 09:00' ở trường 'date' không hợp lệ.")
        expect(page.locator("iframe.live-frame")).to_be_hidden()

        # Fixed, the page is back, with the sentence.
        page.fill("#f-date", "2024-07-02 09:00")
        expect(page.locator("iframe.live-frame")).to_be_visible(timeout=BUILD_WAIT)
        expect(problem).to_be_hidden()
        expect(frame.locator("body")).to_contain_text(SENTENCE)
        expect(frame.locator("body")).to_contain_text("02/07/2024")
        desk.axe(ready="iframe.live-frame")
