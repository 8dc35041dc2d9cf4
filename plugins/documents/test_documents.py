"""Download facts of a document's file: type, MIME type and a Vietnamese size label."""

from __future__ import annotations

from pathlib import Path

from documents.documents import download_file, size_label


def test_size_label_in_vietnamese_units():
    assert size_label(820) == "820 byte"
    assert size_label(1024) == "1 KB"
    assert size_label(45 * 1024 + 1) == "46 KB"  # rounded up: never smaller than the file
    assert size_label(int(1.25 * 1024 * 1024)) == "1,2 MB"


def test_download_file_type_and_size(tmp_path: Path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files/a.PDF").write_bytes(b"x" * 2048)
    (tmp_path / "files/b.docx").write_bytes(b"x" * 10)
    pdf = download_file("files/a.PDF", tmp_path)
    assert (pdf.kind, pdf.mime, pdf.size, pdf.label) == ("PDF", "application/pdf", 2048, "PDF, 2 KB")
    word = download_file("files/b.docx", tmp_path)
    assert word.kind == "Word" and word.mime.endswith("wordprocessingml.document")
