"""The desk refuses what a hostile web page could send it: another Host (DNS rebinding), a
cross-origin POST, a POST without the session's token; it listens on loopback only; uploads
are limited by type and size and a refused one writes nothing."""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from deskkit import Clone, DeskClient, clone_for, git, make_remote
from newsroom import article
from PIL import Image

from sitekit import REPO, VENV_BIN
from toasoan.desk.app import MAX_UPLOAD_MB, run_desk
from toasoan.desk.security import DeskRefused, loopback_host


@pytest.fixture
def writer(tmp_path: Path, people) -> Clone:
    return clone_for(people["writer"], make_remote(tmp_path, people), tmp_path)


@pytest.fixture
def desk(writer: Clone) -> DeskClient:
    return DeskClient(writer)


ARTICLE = {"kind": "article", "title": "Hội thảo chuyển đổi số", "date": "2024-06-01 09:00",
           "authors": "Vũ Thị Lan", "category": "Tin tức - Sự kiện", "status": "published",
           "body": "Sáng 1/6/2024, Học viện tổ chức hội thảo."}


def drafts(clone: Clone) -> list[str]:
    folder = clone.root / ".git" / "toasoan" / "ban-lam-viec"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_foreign_host_is_refused(desk: DeskClient) -> None:
    for host in ("evil.example:8765", "127.0.0.1:9999", "localhost", "127.0.0.1.evil.example:8765"):
        response = desk.client.get("/", headers={"Host": host})
        assert response.status_code == 403, host
        assert "không phải của bàn làm việc" in response.get_data(as_text=True)
    assert desk.client.get("/", headers={"Host": "localhost:8765"}).status_code == 200
    assert desk.get("/").status_code == 200


def test_a_cross_origin_post_is_refused_and_writes_nothing(desk: DeskClient, writer: Clone) -> None:
    for origin in ("http://evil.example", "http://127.0.0.1:9999", "https://127.0.0.1:8765", "null"):
        response = desk.post("/viet-bai-moi", ARTICLE, origin=origin)
        assert response.status_code == 403, origin
    response = desk.post("/viet-bai-moi", ARTICLE, origin=None)  # neither Origin nor Referer
    assert response.status_code == 403
    assert "thiếu Origin/Referer" in response.get_data(as_text=True)
    assert drafts(writer) == []
    referer = desk.client.post("/viet-bai-moi", data={**ARTICLE, "csrf_token": desk.token}, base_url=desk.base,
                               headers={"Referer": "http://evil.example/trang"})
    assert referer.status_code == 403


def test_a_post_without_the_token_is_refused(desk: DeskClient, writer: Clone) -> None:
    assert desk.post("/viet-bai-moi", ARTICLE, token=False).status_code == 403
    assert desk.post("/viet-bai-moi", {**ARTICLE, "csrf_token": "đoán-bừa"}, token=False).status_code == 403
    assert drafts(writer) == []
    created = desk.post("/viet-bai-moi", ARTICLE)
    assert created.status_code == 303, created.get_data(as_text=True)
    assert drafts(writer) == ["hoi-thao-chuyen-doi-so"]


def test_the_desk_listens_on_loopback_only(writer: Clone, capsys: pytest.CaptureFixture) -> None:
    assert loopback_host("localhost") == "127.0.0.1"
    assert loopback_host("127.0.0.1") == "127.0.0.1"
    for host in ("0.0.0.0", "192.168.1.10", "::", "example.vn"):
        with pytest.raises(DeskRefused):
            loopback_host(host)
    assert run_desk(0, "0.0.0.0", writer.root) == 1
    assert "chỉ chạy trên máy của bạn" in capsys.readouterr().err


def _image(size: tuple[int, int] = (2400, 1200), kind: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, kind)
    return out.getvalue()


def test_uploads_are_limited_by_type_and_size(desk: DeskClient, writer: Clone) -> None:
    desk.follow(desk.post("/viet-bai-moi", ARTICLE))
    images = writer.root / ".git" / "toasoan" / "ban-lam-viec" / "hoi-thao-chuyen-doi-so" / "content" / "images"
    url = "/ban-nhap/hoi-thao-chuyen-doi-so/anh"
    fake = desk.post(url, {"image": (io.BytesIO(b"<script>alert(1)</script>"), "anh.jpg"), "alt": "Ảnh"})
    assert fake.status_code == 400
    assert "Ảnh không dùng được: không phải tệp ảnh hợp lệ" in fake.get_data(as_text=True)
    huge = desk.post(url, {"image": (io.BytesIO(b"\0" * (MAX_UPLOAD_MB * 1024 * 1024 + 1)), "to.jpg")})
    assert huge.status_code == 413
    assert f"tối đa {MAX_UPLOAD_MB} MB" in huge.get_data(as_text=True)
    bomb = desk.post(url, {"image": (io.BytesIO(_image((9000, 9000), "PNG")), "bom.png"), "alt": "Bom"})
    assert bomb.status_code == 400
    assert "ảnh quá lớn (9000×9000 điểm ảnh)" in bomb.get_data(as_text=True)
    assert not images.exists()
    good = desk.post(url, {"image": (io.BytesIO(_image()), "Toàn cảnh hội thảo.jpg"), "alt": "Toàn cảnh"})
    assert good.status_code == 303
    saved = next(images.rglob("*.jpg"))
    assert saved.name == "toan-canh-hoi-thao.jpg"
    assert Image.open(saved).size == (1600, 800)
    page = desk.follow(good).get_data(as_text=True)
    assert f"![Toàn cảnh](images/{saved.parent.name}/toan-canh-hoi-thao.jpg)" in page


def test_a_non_docx_is_refused_with_a_vietnamese_error(desk: DeskClient, writer: Clone) -> None:
    response = desk.post("/nhap-tu-word", {"docx": (io.BytesIO(b"%PDF-1.4 ..."), "bai.docx")})
    assert response.status_code == 400
    assert "không phải tài liệu Word .docx" in response.get_data(as_text=True)
    assert drafts(writer) == []


def test_errors_are_vietnamese_pages(desk: DeskClient) -> None:
    missing = desk.get("/khong-co")
    assert missing.status_code == 404
    assert "Không có trang này." in missing.get_data(as_text=True)
    assert desk.get("/ban-nhap/khong-co").status_code == 404


def test_a_submission_that_changes_code_is_previewed_with_the_bases_code(tmp_path: Path, people) -> None:
    remote = make_remote(tmp_path, people)
    hostile = clone_for(people["writer"], remote, tmp_path)
    marker = tmp_path / "plugin-ran"
    root = hostile.root
    git(root, "switch", "--quiet", "-c", "gui-duyet/bai-doc")
    (root / "content" / "articles" / "2024" / "bai-doc.md").write_text(
        article("Bài có kèm mã lạ", "Vũ Thị Lan", "Nội dung bài có kèm mã lạ."), encoding="utf-8")
    template = root / "theme" / "templates" / "article.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{% block content %}",
                        "{% block content %}<p>MÃ CỦA NHÁNH GỬI DUYỆT</p>", 1), encoding="utf-8")
    plugin = root / "plugins" / "content_checks" / "__init__.py"
    plugin.write_text(f"import pathlib\npathlib.Path({str(marker)!r}).write_text('chạy')\n"
                      + plugin.read_text(encoding="utf-8"), encoding="utf-8")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "Bài có kèm mã lạ")
    git(root, "push", "--quiet", "origin", "gui-duyet/bai-doc")

    editor = DeskClient(clone_for(people["editor"], remote, tmp_path))
    shown = editor.get("/bai-gui-duyet/xem-truoc?nhanh=origin/gui-duyet/bai-doc")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200, html
    frame = re.search(r'<iframe class="preview" title="[^"]*" src="([^"]+)"', html)
    assert frame, html
    page = editor.get(frame.group(1))
    assert page.headers["Content-Security-Policy"].startswith("sandbox;")
    built = page.get_data(as_text=True)
    assert "Bài có kèm mã lạ" in built
    assert "MÃ CỦA NHÁNH GỬI DUYỆT" not in built
    assert not marker.exists()
    assert editor.get("/xem-truoc-duyet/..%2F..%2Fconfig/").status_code == 404
    # The same branch built with its own code shows both: the check above can fail.
    own = subprocess.run([str(VENV_BIN / "invoke"), "build"], cwd=root, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=600, check=False)
    assert own.returncode == 0, own.stdout + own.stderr
    assert marker.exists()
    assert "MÃ CỦA NHÁNH GỬI DUYỆT" in (root / "output" / "2024" / "bai-co-kem-ma-la" / "index.html").read_text(
        encoding="utf-8")
