"""The acceptance story in Debian's chromium: three people, each with their own HOME, key,
clone of one bare remote and ``invoke desk``. The writer imports a Word document, sees the
finding, fixes it and submits; an editor requests changes; the writer fixes it; the editor and the chief
editor approve; the chief merges; ``invoke build`` shows the article with its approvers.
Every desk page visited has 0 axe violations at 360 px; the screenshots of docs/desk.md are
written by this test when TOASOAN_DOC_IMAGES=1."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from deskkit import PASSPHRASE, Desk, clone_for, desk_server, git, make_docx, make_remote, photo, protect

from sitekit import REPO, VENV_BIN

TITLE = "Hội thảo khoa học về dân tộc học năm 2024"
NAME = "hoi-thao-khoa-hoc-ve-dan-toc-hoc-nam-2024"


def test_the_newsroom_works_in_the_browser(tmp_path: Path, people, headless_browser) -> None:
    shots = REPO / "docs" / "images" if os.environ.get("TOASOAN_DOC_IMAGES") == "1" else tmp_path / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    remote = make_remote(tmp_path, people)
    writer_clone = clone_for(people["writer"], remote, tmp_path)
    editor_clone = clone_for(people["editor"], remote, tmp_path)
    protect(editor_clone)
    chief_clone = clone_for(people["chief"], remote, tmp_path)
    with desk_server(writer_clone) as w_url, desk_server(editor_clone) as e_url, desk_server(chief_clone) as c_url:
        writer = Desk(headless_browser, w_url, shots)
        editor = Desk(headless_browser, e_url, shots)
        chief = Desk(headless_browser, c_url, shots)
        writer.open("/")
        writer.shot("trang-dau")
        for path in ("/viet-bai-moi", "/viet-bai-moi?loai=meeting", "/nhap-tu-word", "/bai-cua-toi",
                     "/khong-co-trang-nay"):
            writer.open(path)

        # A Văn bản: its own fields, its file uploaded with the form; the draft has no error.
        writer.open("/viet-bai-moi?loai=document")
        page = writer.page
        page.fill("#f-title", "Quyết định ban hành Quy chế thi đua khen thưởng")
        page.fill("#f-number", "25/QĐ-HVDT")
        page.fill("#f-issued", "2024-03-05")
        page.fill("#f-issuer", "Học viện Dân tộc")
        page.select_option("#f-doc_type", "Quyết định")
        page.fill("#f-summary", "Ban hành Quy chế thi đua, khen thưởng của Học viện.")
        page.set_input_files("#f-file", str(REPO / "content" / "files" / "2019" / "47-qd-hvdt.pdf"))
        writer.shot("van-ban-moi")
        writer.click("Lưu bản nháp")
        assert "files/2024/25-qd-hvdt.pdf" in page.locator("#h-file").inner_text()
        assert "Không có lỗi nào" in page.locator(".check").inner_text()

        # The writer imports a Word document; its photo has no description: the form says so.
        writer.open("/nhap-tu-word")
        writer.shot("nhap-tu-word")
        page = writer.page
        page.set_input_files("#f-docx", str(make_docx(tmp_path / "hoi-thao.docx", photo(tmp_path / "anh.jpg"))))
        writer.click("Nhập từ Word")
        assert page.input_value("#f-title") == TITLE
        assert "| Khoa Dân tộc học | 12 |" in page.input_value("#f-body")
        problems = page.locator("#loi-body")
        assert "E305" in problems.inner_text()
        assert page.locator("#f-body").get_attribute("aria-invalid") == "true"
        page.select_option("#f-category", "Nghiên cứu khoa học")
        page.select_option("#f-status", "published")
        writer.click("Lưu và kiểm tra")
        writer.shot("phat-hien-loi")

        # It is fixed in the form; the preview shows the real page; then Gửi duyệt.
        body = page.input_value("#f-body")
        page.fill("#f-body", body.replace("![](", "![Đại biểu dự hội thảo trong hội trường lớn]("))
        page.locator("#loi-body").wait_for(state="detached")  # checked as the writer types
        assert page.locator("#f-body").get_attribute("aria-invalid") is None
        assert "Không có lỗi nào" in page.locator(".check").inner_text()
        writer.click("Lưu và kiểm tra")
        assert "Không có lỗi nào" in page.locator(".check").inner_text()
        writer.click("Xem trước")
        frame = page.frame_locator("iframe.preview")
        assert TITLE in frame.locator("h1").first.inner_text()
        writer.shot("xem-truoc")
        page.get_by_role("link", name="Quay lại sửa bài").click()
        writer.click("Gửi duyệt")
        assert "Đã gửi duyệt" in page.locator(".notice").inner_text()
        assert git(remote, "branch", "--list", f"gui-duyet/{NAME}").strip()

        # The editor requests changes, signing with their passphrase-protected key.
        editor.open("/hang-cho-duyet")
        editor.shot("hang-cho-duyet")
        editor.page.get_by_role("link", name=TITLE).click()
        editor.axe()
        editor.shot("bai-gui-duyet")
        editor.page.get_by_role("link", name="Xem trước các trang (dựng bằng mã của nhánh chính)").click()
        editor.axe()
        assert TITLE in editor.page.frame_locator("iframe.preview").locator("h1").first.inner_text()
        editor.shot("xem-truoc-duyet")
        editor.page.get_by_role("link", name="Quay lại trang duyệt").click()
        editor.page.fill("#f-note", "Đề nghị ghi rõ số đại biểu tham dự.")
        editor.page.fill("#f-pass", PASSPHRASE)
        editor.click("Yêu cầu chỉnh sửa")
        assert "Cần chỉnh sửa" in editor.page.locator(".badge").first.inner_text()

        # The writer sees the comment and fixes the article with one button.
        writer.open("/bai-cua-toi")
        assert "Đề nghị ghi rõ số đại biểu tham dự." in page.locator(".comment").inner_text()
        writer.shot("bai-cua-toi")
        page.get_by_role("link", name="Sửa bài theo yêu cầu").click()
        writer.axe()
        page.fill("#f-body", page.input_value("#f-body") + "\n\nHội thảo có 150 đại biểu tham dự.")
        writer.click("Gửi duyệt")
        assert "Đã gửi duyệt" in page.locator(".notice").inner_text()

        # The editor and the chief editor approve; the chief merges and publishes.
        editor.open(f"/bai-gui-duyet?nhanh=origin/gui-duyet/{NAME}")
        assert "150 đại biểu" in editor.page.locator(".paragraphs").inner_text()
        editor.page.fill("#f-pass", PASSPHRASE)
        editor.click("Duyệt")
        chief.open(f"/bai-gui-duyet?nhanh=origin/gui-duyet/{NAME}")
        chief.click("Duyệt")
        assert "Đã duyệt, sẵn sàng hợp nhất" in chief.page.locator(".badge").first.inner_text()
        chief.shot("hop-nhat")
        chief.click("Hợp nhất và đăng")
        assert "Đã hợp nhất" in chief.page.locator(".notice").inner_text()

    # Anyone's fresh clone builds the site: the article names its approvers.
    site = tmp_path / "site"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(site)], check=True)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    built = subprocess.run([str(VENV_BIN / "invoke"), "build"], cwd=site, env=env, capture_output=True, text=True,
                           timeout=600, check=False)
    assert built.returncode == 0, built.stdout + built.stderr
    html = next((site / "output").glob(f"*/{NAME}/index.html")).read_text(encoding="utf-8")
    assert "Trần Văn Đức" in html and "Nguyễn Thị Minh Hằng" in html
    assert "150 đại biểu" in html and 'alt="Đại biểu dự hội thảo trong hội trường lớn"' in html
    assert "Khoa Dân tộc học" in html and "<table" in html
