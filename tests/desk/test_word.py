"""Nhập từ Word in the desk: a real .docx (python-docx) becomes a draft whose form shows the
import and its findings; a zip bomb, an oversized upload and a non-docx are refused in
Vietnamese and write nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from deskkit import Clone, DeskClient, clone_for, make_docx, make_remote, photo

NAME = "hoi-thao-khoa-hoc-ve-dan-toc-hoc-nam-2024"


@pytest.fixture
def writer(tmp_path: Path, people) -> Clone:
    return clone_for(people["writer"], make_remote(tmp_path, people), tmp_path)


def drafts(clone: Clone) -> list[str]:
    folder = clone.root / ".git" / "toasoan" / "ban-lam-viec"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_word_document_becomes_a_draft(tmp_path: Path, writer: Clone) -> None:
    desk = DeskClient(writer)
    docx = make_docx(tmp_path / "bai.docx", photo(tmp_path / "anh.jpg"))
    response = desk.post("/nhap-tu-word", {"docx": (io.BytesIO(docx.read_bytes()), "Bài hội thảo.docx")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert drafts(writer) == [NAME]
    assert 'value="Hội thảo khoa học về dân tộc học năm 2024"' in page
    body = page[page.index('id="f-body"'):]
    body = body[body.index(">") + 1:body.index("</textarea>")]
    assert "## Các tham luận chính" in body
    assert "- Văn hoá các dân tộc thiểu số" in body
    assert "| Khoa Dân tộc học | 12 |" in body
    assert "Dân tộc học trong bối cảnh chuyển đổi số" in body
    assert "![](images/" in body
    assert 'id="loi-body"' in page and "E305" in page  # the photo has no description yet
    image = next((writer.root / ".git" / "toasoan" / "ban-lam-viec" / NAME / "content" / "images").rglob("*.jpg"))
    assert image.stat().st_size > 0


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    return out.getvalue()


def _traversal(tmp_path: Path) -> bytes:
    """A real Word document with one more media member whose name climbs out of the folder."""
    docx = make_docx(tmp_path / "bai.docx", photo(tmp_path / "anh.jpg", (200, 120)))
    with zipfile.ZipFile(docx, "a") as archive:
        archive.writestr("../../evil.png", photo(tmp_path / "evil.jpg", (20, 20)).read_bytes())
    return docx.read_bytes()


def test_bad_word_files_are_refused_and_write_nothing(writer: Clone, tmp_path: Path) -> None:
    desk = DeskClient(writer)
    bomb = desk.post("/nhap-tu-word", {"docx": (io.BytesIO(_bomb()), "bom.docx")})
    assert bomb.status_code == 400
    assert "E403" in bomb.get_data(as_text=True) and "zip bomb" in bomb.get_data(as_text=True)
    climbing = desk.post("/nhap-tu-word", {"docx": (io.BytesIO(_traversal(tmp_path)), "leo.docx")})
    assert climbing.status_code == 400
    assert "E404" in climbing.get_data(as_text=True) and "../../evil.png" in climbing.get_data(as_text=True)
    big = desk.post("/nhap-tu-word", {"docx": (io.BytesIO(b"PK\x03\x04" + b"\0" * (21 * 1024 * 1024)), "to.docx")})
    assert big.status_code == 413
    assert "Tệp quá lớn" in big.get_data(as_text=True)
    other = desk.post("/nhap-tu-word", {"docx": (io.BytesIO(b"PK\x03\x04not really"), "bai.docx")})
    assert other.status_code == 400
    assert drafts(writer) == []
