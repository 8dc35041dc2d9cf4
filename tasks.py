"""Tòa soạn tasks: ``invoke --list``. Each task calls a function in ``toasoan``."""

import sys

from invoke import Exit, task

from toasoan import commands
from toasoan.cli_args import join_new_title

join_new_title()  # "invoke new article Học viện khai giảng": the words after the kind are one title


def _done(code: int) -> None:
    if code:
        raise Exit(code=code)


@task(help={"verbose": "In chi tiết nhật ký của Pelican",
            "full": "Dựng lại toàn bộ, không dùng lại trang nào của lần dựng trước"})
def build(c, verbose=False, full=False):
    """Dựng trang (pelicanconf.py) vào output/, chỉ vẽ lại trang có thay đổi; lỗi thì giữ nguyên output/ cũ."""
    commands.setup_logging(verbose)
    _done(commands.build(full=full))


@task(help={"format": "text hoặc json",
            "fix": "Sửa tự động trước khi kiểm tra: Tab, ngoặc kép kiểu Word, chữ NFD, dấu cách cuối dòng"})
def check(c, format="text", fix=False):
    """Kiểm tra mọi bài viết; thoát 0 nếu không có lỗi, 1 nếu có."""
    _done(commands.check(fmt=format, fix=fix))


@task(help={"port": "Cổng (mặc định 8000)", "bind": "Địa chỉ (mặc định 127.0.0.1)"})
def serve(c, port=8000, bind="127.0.0.1"):
    """Dựng trang rồi phục vụ tại http://localhost:8000/."""
    from pathlib import Path

    from toasoan.serve import serve as run_server

    commands.setup_logging()
    _done(commands.build())
    _done(run_server(Path("output"), bind, int(port)))


@task(help={"port": "Cổng (mặc định 8000)"})
def livereload(c, port=8000):
    """Dựng lại và tải lại trình duyệt mỗi khi nội dung hoặc giao diện thay đổi."""
    from toasoan.live import livereload as run_livereload

    commands.setup_logging()
    _done(run_livereload(int(port)))


@task(help={"port": "Cổng (mặc định 8765)", "bind": "Địa chỉ: chỉ 127.0.0.1 (hoặc localhost)"})
def desk(c, port=8765, bind="127.0.0.1"):
    """Bàn làm việc trên trình duyệt: viết bài, nhập từ Word, gửi duyệt; Ban biên tập duyệt và hợp nhất."""
    from toasoan.desk.app import run_desk

    _done(run_desk(int(port), bind))


@task(help={"author": "Tên tác giả"})
def new(c, kind, title, author="Ban biên tập"):
    """Tạo bài mới từ nhánh main: invoke new article Tiêu đề bài | invoke new meeting Tiêu đề (không cần ngoặc kép)."""
    from toasoan.editorial.cli import new_command

    _done(new_command(kind, title, author=author))


@task(name="import", help={"meeting": "Nhập thành biên bản cuộc họp thay vì bài viết",
                          "author": "Tên tác giả (mặc định Ban biên tập)"})
def import_(c, file, meeting=False, author=None):
    """Nhập từ Word: invoke import TỆP.docx [--meeting] tạo bản nháp và ảnh trong content/."""
    _done(commands.import_word(file, meeting=meeting, author=author))


@task
def clean(c):
    """Xoá output/ và các thư mục tạm của lần dựng trước."""
    _done(commands.clean())


@task
def preview(c):
    """Dựng trang với cấu hình xuất bản (publishconf.py)."""
    commands.setup_logging()
    _done(commands.build(commands.PUBLISH_SETTINGS))


@task(help={"push": "Đẩy nhánh gh-pages lên remote origin (không bao giờ force-push)"})
def publish(c, push=False):
    """Kiểm tra, dựng với publishconf.py rồi ghi vào nhánh gh-pages bằng ghp-import."""
    commands.setup_logging()
    _done(commands.publish(push=push))


@task
def lint(c):
    """ruff cho toàn bộ mã Python."""
    c.run(f"{sys.executable} -m ruff check .", pty=False)


@task(pre=[lint], help={"args": "Tham số thêm cho pytest"})
def test(c, args=""):
    """Chạy ruff và toàn bộ bộ kiểm thử (song song trên mọi nhân CPU)."""
    c.run(f"{sys.executable} -m pytest -n auto {args}", pty=False)


@task
def codes(c):
    """Sinh lại docs/ma-loi.md (bảng mã lỗi) từ toasoan/findings.py."""
    from pathlib import Path

    from toasoan.findings import codes_markdown

    Path("docs/ma-loi.md").write_text(codes_markdown(), encoding="utf-8")


@task(help={"sizes": "Số bài của từng kho, cách nhau bằng dấu phẩy (mặc định 1000,5000; 20000 chạy lâu)",
            "runs": "Số lần chạy xen kẽ cho mỗi cỡ (mặc định 3)",
            "without": "Bỏ các plugin này khỏi Tòa soạn khi đo, ví dụ search_index"})
def bench(c, sizes="1000,5000", runs=3, without=""):
    """Đo Tòa soạn so với Pelican gốc trên kho bài sinh tự động; ghi bench/RESULTS.md."""
    from bench.harness import main as bench_main

    _done(bench_main(["--sizes", str(sizes), "--runs", str(runs), "--without", str(without)]))


@task(help={"lighthouse": "Chạy cả Lighthouse (mặc định có; --no-lighthouse để bỏ qua)",
            "runs": "Số lần chạy Lighthouse mỗi trang, lấy trung vị (mặc định 3)",
            "reports": "Thư mục lưu báo cáo JSON của Lighthouse"})
def audit(c, lighthouse=True, runs=3, reports=None):
    """Dựng trang rồi đo 5 trang: lỗi axe, điểm Lighthouse 12 (di động), dung lượng; thoát 1 nếu vượt ngân sách."""
    from pathlib import Path

    from toasoan.audit import audit_command

    _done(audit_command(with_lighthouse=lighthouse, runs=int(runs), reports=Path(reports) if reports else None))


@task(help={"format": "text, json hoặc csv",
            "today": "Ngày tính quá hạn, dạng YYYY-MM-DD (mặc định: hôm nay)",
            "days": "Số ngày tới được coi là sắp đến hạn (mặc định: TRACKER['due_soon_days'])"})
def tracker(c, format="text", today=None, days=None):
    """Nhiệm vụ CNTT quá hạn và sắp đến hạn, theo đơn vị (cho cuộc họp tới)."""
    from toasoan.tracker_report import tracker_command

    _done(tracker_command(fmt=format, today=today, days=int(days) if days else None))


# --------------------------------------------------------------------------- editorial review
REMOTE_HELP = "Remote dùng chung (mặc định origin nếu có; không có remote thì làm việc tại máy)"
BASE_HELP = "Nhánh gốc (mặc định origin/main, hoặc main khi không có remote)"


@task(help={"base": "Nhánh gốc (mặc định main)", "branch": "Tên nhánh mới (mặc định gui-duyet/<slug>)",
            "message": "Lời nhắn của commit", "push": "Đẩy nhánh gửi duyệt lên máy chủ",
            "new": "Gửi các tệp không thuộc bài đang mở thành một bài gửi duyệt riêng (từ nhánh gốc)",
            "remote": REMOTE_HELP})
def submit(c, base="main", branch=None, message=None, push=False, new=False, remote=None):
    """Gửi duyệt: tạo (hoặc cập nhật) nhánh gửi duyệt với các thay đổi trong content/."""
    from toasoan.editorial.cli import submit_command

    _done(submit_command(base=base, branch=branch, message=message, push_branch=push, new=new, remote=remote))


@task(help={"path": "Tệp bài viết cần rút (trong content/)", "message": "Lý do rút bài (bắt buộc)",
            "push": "Đẩy nhánh lên máy chủ", "base": "Nhánh gốc (mặc định main)",
            "branch": "Tên nhánh (mặc định gui-duyet/rut-<slug>)", "remote": REMOTE_HELP})
def withdraw(c, path, message="", push=False, base="main", branch=None, remote=None):
    """Rút bài: tạo bài gửi duyệt gỡ một bài đã đăng (cần Ban biên tập duyệt)."""
    from toasoan.editorial.cli import withdraw_command

    _done(withdraw_command(path, message, base=base, branch=branch, push_branch=push, remote=remote))


@task(help={"branch": "Nhánh gửi duyệt (như invoke queue in ra)", "base": BASE_HELP,
            "format": "text, markdown (bình luận PR) hoặc json",
            "preview": "Dựng các trang của bài bằng mã của nhánh gốc vào .cache/xem-truoc/", "remote": REMOTE_HELP})
def review(c, branch, base=None, format="text", preview=False, remote=None):
    """Duyệt một nhánh: thay đổi, kiểm tra nội dung, quy định, ai còn phải duyệt; thoát 0 nếu được hợp nhất."""
    from toasoan.editorial.cli import review_command

    _done(review_command(branch, base=base, fmt=format, preview=preview, remote=remote))


@task(help={"branch": "Nhánh gửi duyệt (như invoke queue in ra)", "request_changes": "Yêu cầu chỉnh sửa thay vì duyệt",
            "message": "Nhận xét (bắt buộc khi yêu cầu chỉnh sửa)", "key": "Khoá SSH để ký",
            "base": BASE_HELP, "push": "Đẩy sổ duyệt lên máy chủ", "remote": REMOTE_HELP})
def approve(c, branch, request_changes=False, message="", key=None, base=None, push=False, remote=None):
    """Ký phê duyệt (hoặc yêu cầu chỉnh sửa) cho đúng phiên bản hiện tại, ghi vào sổ duyệt."""
    from toasoan.editorial.cli import approve_command

    _done(approve_command(branch, base=base, request_changes=request_changes, message=message, key=key,
                          push_ledger=push, remote=remote))


@task(help={"branch": "Nhánh gửi duyệt (như invoke queue in ra)", "base": BASE_HELP,
            "push": "Đẩy nhánh main lên máy chủ sau khi hợp nhất", "remote": REMOTE_HELP})
def merge(c, branch, base=None, push=False, remote=None):
    """Hợp nhất nhánh đã đủ phê duyệt (--no-ff, kèm Reviewed-by); từ chối nếu chưa đủ."""
    from toasoan.editorial.cli import merge_command

    _done(merge_command(branch, base=base, push_base=push, remote=remote))


@task(help={"base": BASE_HELP, "remote": REMOTE_HELP})
def queue(c, base=None, remote=None):
    """Hàng chờ duyệt: các bài gửi duyệt đang mở và tình trạng của chúng."""
    from toasoan.editorial.cli import queue_command

    _done(queue_command(base=base, remote=remote))


@task(help={"seat": "Lần đầu: thay danh sách mẫu bằng Tổng biên tập và Kỹ thuật viên đầu tiên",
            "chief_editor": "Tổng biên tập: \"Họ Tên <email>\"",
            "chief_key": "Khoá công khai (.pub) của Tổng biên tập",
            "maintainer": "Kỹ thuật viên: \"Họ Tên <email>\"",
            "maintainer_key": "Khoá công khai (.pub) của Kỹ thuật viên",
            "push": "Đẩy nhánh main lên máy chủ (chỉ với --seat)"})
def board(c, seat=False, chief_editor="", chief_key="", maintainer="", maintainer_key="", push=False):
    """Sinh lại .github/CODEOWNERS và cấu hình kiểm chữ ký từ danh sách Ban biên tập; --seat: xếp ghế lần đầu."""
    from toasoan.editorial.cli import board_command, seat_command

    if seat:
        _done(seat_command(chief_editor, chief_key, maintainer, maintainer_key, push_base=push))
    else:
        _done(board_command())
