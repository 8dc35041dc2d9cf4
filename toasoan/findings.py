"""Findings: what a check tells a writer (file, line, field, code, message, hint).

Every code is listed once in :data:`CODES` with its severity and Vietnamese message; the
codes are stable so the docs (``docs/ma-loi.md``) and the tests can name them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    """A stable finding code with its Vietnamese message and hint templates."""

    code: str
    severity: Severity
    message: str
    hint: str = ""


def _codes(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


E, W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = _codes(
    # E0xx: the file itself
    Code("E001", E, "Không đọc được tệp: {detail}.", "Lưu tệp dưới dạng văn bản UTF-8 (.md)."),
    Code("E002", E, "Tệp không có phần khai báo (front matter) YAML ở đầu.",
         "Mở đầu tệp bằng dòng '---', các trường 'title', 'date'…, rồi một dòng '---'."),
    Code("E003", E, "Phần khai báo YAML sai cú pháp: {detail}.",
         "Kiểm tra dấu ':' sau tên trường, thụt lề bằng dấu cách (không dùng Tab), "
         "và đặt giá trị có dấu ':' hoặc '#' trong ngoặc kép."),
    Code("E004", E, "Phần khai báo phải là danh sách 'tên trường: giá trị'.",
         "Mỗi dòng có dạng 'title: Tiêu đề bài viết'."),
    Code("E005", E, "Trường '{field}' được khai báo hai lần (dòng {other}).",
         "Xoá một trong hai dòng."),
    Code("E006", E, "Tệp rỗng.", "Dùng 'invoke new article Tiêu đề bài viết' để tạo tệp mẫu."),
    Code("E007", E, "Dòng này có ký tự Tab ở đầu dòng; phần khai báo YAML chỉ thụt lề bằng dấu cách.",
         "Thay mỗi Tab bằng hai dấu cách, hoặc chạy 'invoke check --fix' để sửa tự động."),
    Code("E008", E, "Giá trị của trường '{field}' đặt trong ngoặc kép kiểu Word (“…” hoặc ‘…’); "
         "YAML không nhận loại ngoặc này nên đọc sai dòng.",
         "Dùng ngoặc kép thẳng \" của bàn phím, sửa dòng thành: {suggestion} — hoặc chạy "
         "'invoke check --fix' để sửa tự động."),
    Code("E009", E, "Giá trị của trường '{field}' {detail}, nên YAML đọc sai dòng này.",
         "Đặt cả giá trị trong ngoặc kép thẳng, sửa dòng thành: {suggestion}"),
    Code("E010", E, "Tệp này là liên kết tượng trưng (symlink): khi dựng trang, nội dung của tệp nó trỏ "
         "tới trên máy dựng sẽ bị đăng lên trang.",
         "Xoá liên kết và chép chính tệp đó vào thư mục content/."),
    Code("E011", E, "Tệp loại '{value}' không được để trong content/: trình duyệt sẽ chạy nó trên địa chỉ "
         "của trang, ngoài phần Markdown đã được làm sạch.",
         "Viết nội dung thành tệp .md; ảnh dùng JPEG, PNG hoặc WebP; văn bản đính kèm dùng PDF."),
    Code("W001", W, "Giá trị của trường '{field}' nằm trong ngoặc kép kiểu Word (“…” hoặc ‘…’), "
         "nên trang sẽ hiện cả hai dấu ngoặc.",
         "Nếu ngoặc chỉ để bao giá trị: chạy 'invoke check --fix' hoặc viết {suggestion}; "
         "nếu muốn trang hiện dấu ngoặc: viết {keep}."),
    # E1xx: article fields
    Code("E101", E, "Thiếu trường bắt buộc '{field}'.", "Thêm dòng '{field}: …' vào phần khai báo."),
    Code("E102", E, "Trường '{field}' phải là {expected}, nhưng đang là {actual}.",
         "{example}"),
    Code("E103", E, "Ngày '{value}' ở trường '{field}' không hợp lệ.",
         "Viết theo dạng YYYY-MM-DD hoặc YYYY-MM-DD HH:MM, ví dụ 2018-12-27 08:00."),
    Code("E104", E, "Chuyên mục \"{value}\" không có trong danh sách chuyên mục.",
         "Dùng một trong: {choices}."),
    Code("E105", E, "Giá trị \"{value}\" của trường '{field}' không hợp lệ.",
         "Dùng một trong: {choices}."),
    Code("E106", E, "Có ảnh đại diện nhưng thiếu mô tả ảnh 'image_alt'.",
         "Thêm 'image_alt: …' mô tả nội dung ảnh cho người khiếm thị."),
    Code("E107", E, "Không tìm thấy tệp ảnh \"{value}\" trong thư mục content/.",
         "Đặt ảnh vào content/images/<năm>/ và ghi đường dẫn dạng images/<năm>/<tên-tệp>."),
    Code("E108", E, "Đường dẫn (slug) \"{value}\" không hợp lệ.",
         "Chỉ dùng chữ thường không dấu, chữ số và dấu '-', có ít nhất một chữ cái, "
         "ví dụ 'tong-ket-cntt-2018'."),
    Code("E109", E, "Đường dẫn (slug) \"{value}\" trùng với {other}.",
         "Đổi tiêu đề hoặc đặt 'slug: …' khác cho một trong hai bài."),
    Code("E110", E, "Trường '{field}' không được để trống.", "Điền nội dung cho trường này."),
    Code("E112", E, "Không tìm thấy tệp văn bản \"{value}\" trong thư mục content/.",
         "Đặt tệp (PDF, DOCX…) vào content/files/<năm>/ và ghi đường dẫn dạng files/<năm>/<tên-tệp>."),
    Code("E113", E, "Bài để đăng ('status: published') mà còn câu mẫu chưa thay: \"{value}\".",
         "Thay câu mẫu bằng nội dung thật; nếu bài chưa xong, để 'status: draft'."),
    Code("W101", W, "Trường '{field}' không được hệ thống sử dụng.", "{suggestion}"),
    Code("W102", W, "Bài viết chưa có nội dung.", "Viết nội dung bên dưới dòng '---' thứ hai."),
    Code("W103", W, "Tiêu đề dài {length} ký tự (nên dưới {limit}).",
         "Rút gọn tiêu đề; chi tiết đưa vào đoạn mở đầu."),
    Code("W104", W, "Đường dẫn (slug) dài {length} ký tự (nên dưới {limit}).",
         "Đặt 'slug: …' ngắn gọn, ví dụ 'tong-ket-cntt-2018'."),
    Code("E111", E, "Trường '{field}' có mã HTML hoặc liên kết javascript:; trường này chỉ nhận chữ.",
         "Bỏ các thẻ <…> và javascript:; muốn nhấn mạnh thì viết trong nội dung bài bằng Markdown."),
    # E2xx: meetings and action items
    Code("E201", E, "Biên bản cuộc họp thiếu thông tin cuộc họp 'meeting'.",
         "Thêm khối 'meeting:' với 'date', 'location', 'chair', 'bodies'."),
    Code("E202", E, "Mã nhiệm vụ \"{value}\" không hợp lệ.",
         "Dùng chữ in hoa không dấu, chữ số và '-', ví dụ CNTT-2018-01."),
    Code("E203", E, "Mã nhiệm vụ \"{value}\" đã dùng ở {other}.",
         "Mỗi nhiệm vụ có một mã duy nhất trên toàn trang; đặt mã mới, ví dụ {suggestion}."),
    Code("E204", E,
         "Cập nhật cho nhiệm vụ \"{value}\" nhưng không có cuộc họp nào trước đó giao nhiệm vụ này.",
         "Kiểm tra lại mã nhiệm vụ; cập nhật chỉ dành cho nhiệm vụ đã giao ở cuộc họp trước."),
    Code("E205", E,
         "Cập nhật nhiệm vụ \"{value}\" ở cuộc họp ngày {date}, trước cuộc họp giao nhiệm vụ ({other}).",
         "Cập nhật phải thuộc một cuộc họp diễn ra sau cuộc họp giao nhiệm vụ."),
    Code("E206", E, "Hạn hoàn thành {value} sớm hơn ngày họp {date}.",
         "Đặt hạn ('due') vào sau ngày họp."),
    Code("E207", E, "Tiến độ '{value}' phải là số nguyên từ 0 đến 100.", "Ví dụ: progress: 40"),
    Code("E211", E, "Đơn vị \"{value}\" không có trong danh sách đơn vị.",
         "Dùng một trong: {choices}. Danh sách ở content/data/units.yml."),
    Code("W201", W, "Nhiệm vụ \"{value}\" ở trạng thái 'done' nhưng tiến độ mới {progress}%.",
         "Đặt 'progress: 100' hoặc đổi trạng thái."),
    Code("W202", W, "Nhiệm vụ \"{value}\" chưa xong mà hơn một năm chưa có cập nhật (lần cuối: {date}).",
         "Cập nhật tiến độ ở cuộc họp tới hoặc đổi trạng thái."),
    Code("W203", W,
         "Cập nhật nhiệm vụ \"{value}\" trong khi nhiệm vụ chỉ được giao ở bản nháp ({other}); "
         "trang theo dõi bỏ qua cập nhật này.",
         "Đăng biên bản giao nhiệm vụ ('status: published') hoặc để biên bản này ở dạng nháp."),
    # E3xx: the body: untrusted HTML, links and images
    Code("E301", E, "Mã HTML không được phép: {value}.",
         "Xoá phần này và chỉ dùng Markdown; mã này sẽ bị gỡ khỏi trang công khai."),
    Code("E302", E, "Liên kết không an toàn: \"{value}\".",
         "Chỉ dùng liên kết http(s)://, mailto: hoặc tel:."),
    Code("E303", E, "Liên kết nội bộ \"{value}\" không trỏ tới bài hay tệp nào.",
         "Ghi đường dẫn tính từ content/ (ví dụ articles/2019/ten-bai.md) hoặc địa chỉ trên trang "
         "(ví dụ /2019/ten-bai/)."),
    Code("E304", E, "Không tìm thấy ảnh \"{value}\" trong thư mục content/.",
         "Đặt ảnh vào content/images/<năm>/ và ghi đường dẫn dạng images/<năm>/<tên-tệp>."),
    Code("E305", E, "Ảnh \"{value}\" thiếu mô tả (alt) cho người khiếm thị.",
         "Viết mô tả trong ngoặc vuông: ![Mô tả nội dung ảnh](images/2019/anh.jpg)."),
    Code("E306", E, "Liên kết ngoài \"{value}\" sai cú pháp: {detail}.",
         "Viết đầy đủ địa chỉ, ví dụ https://example.vn/trang."),
    Code("E307", E, "Ảnh \"{value}\" nặng {size} MB, vượt giới hạn {limit} MB: ảnh quá lớn sẽ không được đăng.",
         "Thu nhỏ ảnh trước khi đưa lên (rộng khoảng 2000 điểm ảnh là đủ; hệ thống tự tạo các cỡ nhỏ hơn), "
         "hoặc xuất lại ảnh JPEG với chất lượng khoảng 80."),
    # E4xx: import from Word (.docx): the upload is refused and nothing is written
    Code("E401", E, "Tệp \"{value}\" không phải tài liệu Word (.docx): {detail}.",
         "Mở tệp bằng Word, chọn Lưu thành (Save As) kiểu 'Word Document (*.docx)' rồi nhập lại."),
    Code("E402", E, "Tệp \"{value}\" nặng {size} MB, vượt giới hạn {limit} MB.",
         "Nén ảnh trong Word (chọn ảnh > Nén ảnh) hoặc tách thành nhiều tài liệu rồi nhập lại."),
    Code("E403", E, "Tệp \"{value}\" giải nén ra quá lớn ({detail}); đây có thể là tệp độc hại (zip bomb).",
         "Chỉ nhập tài liệu do Word tạo ra; nếu đúng là tài liệu của bạn, mở bằng Word, lưu thành "
         "tệp mới rồi nhập lại."),
    Code("E404", E, "Tệp \"{value}\" chứa thành phần có tên không an toàn: \"{detail}\".",
         "Tài liệu Word thật không có tên như vậy; đừng nhập tệp không rõ nguồn gốc. Mở bằng Word, "
         "lưu thành tệp mới rồi nhập lại."),
    Code("E405", E, "Không ghi bài nhập từ Word vì tệp \"{detail}\" đã có.",
         "Nhập lại tài liệu: tên tệp mới sẽ được chọn; không tệp nào bị ghi đè."),
    # E9xx: site configuration
    Code("E901", E, "Không đọc được danh sách đơn vị: {detail}.",
         "Sửa content/data/units.yml: một khoá 'units' chứa danh sách các mục 'name: …'."),
)


@dataclass(frozen=True)
class Finding:
    """One problem found in one place of one file."""

    file: str
    line: int | None
    field: str | None
    code: str
    severity: str
    message: str
    hint: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR.value

    def to_dict(self) -> dict:
        return asdict(self)

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def finding(code: str, file: str, line: int | None = None, field: str | None = None,
            **details: object) -> Finding:
    """Build the finding for ``code`` with its message and hint filled from ``details``."""
    spec = CODES[code]
    values = _Blank(field=field or "", **{k: str(v) for k, v in details.items()})
    return Finding(
        file=file,
        line=line,
        field=field,
        code=code,
        severity=spec.severity.value,
        message=spec.message.format_map(values),
        hint=spec.hint.format_map(values),
    )


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line or 0, f.code))


def format_text(findings: Iterable[Finding]) -> str:
    """The writer's view: where, what, how to fix — one block per finding."""
    blocks = []
    for f in sort_findings(findings):
        label = "lỗi" if f.is_error else "cảnh báo"
        head = f"{f.where()}  {f.field or '-'}  {f.code} ({label})"
        lines = [head, f"  {f.message}"]
        if f.hint:
            lines.append(f"  Gợi ý: {f.hint}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def format_summary(findings: list[Finding]) -> str:
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    if not findings:
        return "Không có lỗi."
    return f"{errors} lỗi, {warnings} cảnh báo."


def format_json(findings: Iterable[Finding], notes: Iterable[dict] = ()) -> str:
    """The findings as a JSON list, then ``notes`` (records with the same keys, severity "info")."""
    return json.dumps([*(f.to_dict() for f in sort_findings(findings)), *notes], ensure_ascii=False, indent=2)


class ContentRejected(Exception):
    """Raised to stop a build: the content has errors (the findings say which)."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(format_summary(findings))
        self.findings = findings


def codes_markdown() -> str:
    """The reference table of finding codes (``docs/ma-loi.md`` is generated from it)."""
    rows = ["# Mã lỗi và cảnh báo", "",
            "Tệp này được sinh từ `toasoan/findings.py` bằng `invoke codes`; đừng sửa tay.", "",
            "| Mã | Mức | Thông báo | Gợi ý sửa |", "|---|---|---|---|"]
    for spec in CODES.values():
        level = "lỗi" if spec.severity == Severity.ERROR else "cảnh báo"
        rows.append(f"| {spec.code} | {level} | {spec.message} | {spec.hint} |".replace("\n", " "))
    return "\n".join(rows) + "\n"
