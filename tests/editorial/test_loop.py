"""The editorial loop as docs/editorial-review.md tells each role to run it.

One bare remote; a writer, two editors, a chief editor and a maintainer, each with their own
HOME, git identity, ``ssh-keygen`` key and clone; every step is the documented ``invoke``
command run as a separate process in that person's clone.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from clones import Desk, clone, person, shared_remote

LEDGER = "ban-bien-tap/so-duyet"


def made_file(output: str) -> str:
    """The content file ``invoke new`` says it created."""
    match = re.search(r"Đã tạo (content/\S+\.md)", output)
    assert match, output
    return match.group(1)


def finish(desk: Desk, path: str, body: str) -> None:
    """The writer fills in the file ``invoke new`` made: text in place of the hints, published."""
    head = desk.read(path).split("---\n")[1].replace("status: draft", "status: published")
    desk.write(path, f"---\n{head}---\n\n{body}\n")


def branch_of(output: str) -> str:
    match = re.search(r"bài gửi duyệt(?: rút bài)? '(gui-duyet/[^']+)'", output)
    assert match, output
    return match.group(1)


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Desk]:
    """Seated board, two editors added by a reviewed submission; everyone has a clone."""
    folder = tmp_path_factory.mktemp("loop")
    desks = {
        "maintainer": person(folder, "maintainer", "Phạm Quốc Bảo", "bao.pq@hvdt.example.vn"),
        "chief": person(folder, "chief", "Nguyễn Thị Minh Hằng", "hang.ntm@hvdt.example.vn"),
        "editor": person(folder, "editor", "Trần Văn Đức", "duc.tv@hvdt.example.vn"),
        "editor2": person(folder, "editor2", "Lê Thu Phương", "phuong.lt@hvdt.example.vn"),
        "writer": person(folder, "writer", "Vũ Thị Lan", "lan.vt@hvdt.example.vn"),
    }
    remote = shared_remote(folder, desks["maintainer"])
    for desk in desks.values():
        clone(desk, remote)
        desk.run(sys.executable, "-m", "toasoan.editorial.signers")  # script/bootstrap: its last step
    maintainer, chief = desks["maintainer"], desks["chief"]

    # Lần đầu: xếp ghế Ban biên tập. The chief editor sent the maintainer her public key.
    chief_pub = maintainer.home / "hang.pub"
    chief_pub.write_text(chief.public_key.read_text(encoding="utf-8"), encoding="utf-8")
    seated = maintainer.invoke("board", "--seat", "--chief-editor", chief.ident, "--chief-key", str(chief_pub),
                               "--maintainer", maintainer.ident, "--maintainer-key", str(maintainer.public_key),
                               "--push").stdout
    assert "ai đẩy (push) được nhánh 'main' trên 'origin' là người xếp ghế" in seated
    assert "Đã đẩy nhánh 'main' lên 'origin'" in seated
    again = chief.invoke("board", "--seat", "--chief-editor", chief.ident, "--chief-key", str(chief.public_key),
                         "--maintainer", chief.ident, "--maintainer-key", str(chief.public_key), check=False)
    assert again.returncode == 1 and "đã được xếp ghế" in again.stderr

    # Thêm thành viên: the new editor sends a roster change for review.
    editor = desks["editor"]
    editor.git("pull", "--ff-only")
    roster = editor.read("editorial/board.yml")
    for handle in ("editor", "editor2"):
        desk = desks[handle]
        roster += (f"- name: {desk.name}\n  email: {desk.email}\n  roles:\n  - editor\n"
                   f"  key: {desk.public_key.read_text(encoding='utf-8').strip()}\n")
    editor.write("editorial/board.yml", roster)
    editor.invoke("board")
    sent = editor.invoke("submit", "--push", "--branch", "gui-duyet/them-bien-tap-vien").stdout
    assert "Đã đẩy nhánh 'gui-duyet/them-bien-tap-vien' lên 'origin'" in sent
    waiting = chief.invoke("queue").stdout
    assert "origin/gui-duyet/them-bien-tap-vien  [Đang chờ duyệt]" in waiting
    chief.invoke("approve", "gui-duyet/them-bien-tap-vien", "--push")
    maintainer.invoke("approve", "origin/gui-duyet/them-bien-tap-vien", "--push")
    merged = maintainer.invoke("merge", "gui-duyet/them-bien-tap-vien", "--push").stdout
    assert "Đã đẩy nhánh 'main' lên 'origin'" in merged
    for desk in desks.values():
        desk.invoke("board")  # the clone's signature checking follows the new roster
    return desks


def test_seated_board_is_on_the_remote(newsroom: dict[str, Desk]) -> None:
    writer = newsroom["writer"]
    writer.git("fetch")
    roster = writer.git("show", "origin/main:editorial/board.yml")
    assert "sample:" not in roster and "hang.ntm@hvdt.example.vn" in roster and "duc.tv@hvdt.example.vn" in roster
    assert "AAAAC3NzaC1lZDI1NTE5AAAAIAkbAPzk1A6Oox" not in roster  # the sample keys are gone
    owners = writer.git("show", "origin/main:.github/CODEOWNERS")
    assert "phuong.lt@hvdt.example.vn" in owners
    log = writer.git("log", "--format=%s", "origin/main")
    assert "Xếp ghế Ban biên tập" in log and "Hợp nhất bài gửi duyệt 'gui-duyet/them-bien-tap-vien'" in log


def test_the_editorial_loop(newsroom: dict[str, Desk]) -> None:
    writer, editor, editor2 = newsroom["writer"], newsroom["editor"], newsroom["editor2"]
    chief, maintainer = newsroom["chief"], newsroom["maintainer"]

    # Người viết: viết bài, kiểm tra, gửi duyệt.
    writer.git("pull", "--ff-only")
    path = made_file(writer.invoke("new", "article", "Học viện khai giảng khoá bồi dưỡng",
                                   "--author", "Vũ Thị Lan").stdout)
    finish(writer, path, "Sáng nay Học viện khai giảng khoá bồi dưỡng ĐỢT-MỘT cho cán bộ.")
    writer.invoke("check")
    sent = writer.invoke("submit", "--push").stdout
    branch = branch_of(sent)
    assert f"Đã đẩy nhánh '{branch}' lên 'origin'" in sent

    # Biên tập viên: hàng chờ, duyệt với bản xem trước.
    assert f"origin/{branch}  [Đang chờ duyệt]" in editor.invoke("queue").stdout
    shown = editor.invoke("review", branch, "--preview", check=False)
    assert shown.returncode == 1  # not approved yet
    page = Path(re.search(r"→ file://(\S+index\.html)", shown.stdout).group(1))
    assert ".cache/xem-truoc/" in page.as_posix() and "ĐỢT-MỘT" in page.read_text(encoding="utf-8")

    # Tổng biên tập: yêu cầu chỉnh sửa.
    asked = chief.invoke("approve", branch, "--request-changes", "-m", "Ghi rõ thời gian khai giảng",
                         "--push").stdout
    assert "Cần chỉnh sửa" in asked and f"Đã đẩy sổ duyệt '{LEDGER}' lên 'origin'" in asked

    # Người viết: đọc góp ý, sửa, gửi lại — không cần tuỳ chọn git nào.
    seen = writer.invoke("review", branch, check=False).stdout
    assert "Ghi rõ thời gian khai giảng" in seen
    finish(writer, path, "Sáng 8 giờ nay Học viện khai giảng khoá bồi dưỡng ĐỢT-MỘT cho cán bộ.")
    again = writer.invoke("submit", "--push").stdout
    assert "Đã cập nhật bài gửi duyệt" in again and f"Đã đẩy nhánh '{branch}' lên 'origin'" in again

    # Duyệt: biên tập viên, rồi Tổng biên tập gỡ yêu cầu của mình.
    editor2.invoke("approve", branch, "--push")
    assert "Cần chỉnh sửa" in editor.invoke("queue").stdout  # the change request still blocks
    lifted = chief.invoke("approve", branch, "--push").stdout
    assert "Đã duyệt, sẵn sàng hợp nhất" in lifted

    # Kỹ thuật viên: hợp nhất và đẩy.
    refused = maintainer.invoke("merge", "gui-duyet/khong-co", check=False)
    assert refused.returncode == 1 and "Không có nhánh" in refused.stderr
    merged = maintainer.invoke("merge", branch, "--push").stdout
    assert "Đã đẩy nhánh 'main' lên 'origin'" in merged
    writer.git("fetch")
    message = writer.git("log", "-1", "--format=%B", "origin/main")
    assert "Reviewed-by: Lê Thu Phương <phuong.lt@hvdt.example.vn>" in message
    assert "Reviewed-by: Nguyễn Thị Minh Hằng <hang.ntm@hvdt.example.vn>" in message
    assert re.search(r"Review-ledger: [0-9a-f]{40}", message)
    assert "8 giờ" in writer.git("show", f"origin/main:{path}")
    assert branch not in editor.invoke("queue").stdout

    # Chữ ký kiểm được bằng chính git trong mọi bản sao.
    record = editor.git("rev-parse", f"origin/{LEDGER}")
    assert editor.run("git", "verify-commit", record).returncode == 0
    shown = editor.git("log", "--show-signature", "-1", f"origin/{LEDGER}")
    assert 'Good "git" signature for hang.ntm@hvdt.example.vn' in shown


def test_new_work_from_a_submission_branch(newsroom: dict[str, Desk]) -> None:
    writer, editor, maintainer = newsroom["writer"], newsroom["editor"], newsroom["maintainer"]
    first = branch_of(_start(writer, "Tin thứ nhất của tuần", "Nội dung TUẦN-MỘT."))
    assert writer.git("branch", "--show-current") == first

    # Bài mới khi đang ở nhánh gửi duyệt: tự về main.
    made = writer.invoke("new", "article", "Tin thứ hai của tuần", "--author", "Vũ Thị Lan").stdout
    assert f"Đã chuyển từ nhánh gửi duyệt '{first}' về nhánh 'main'" in made
    finish(writer, made_file(made), "Nội dung TUẦN-HAI.")
    second = branch_of(writer.invoke("submit", "--push").stdout)
    assert second != first
    assert writer.git("diff", "--name-only", f"origin/main...origin/{second}").count("\n") == 0

    # Một tệp khác viết thẳng vào nhánh gửi duyệt: bị từ chối, rồi tách thành bài riêng.
    writer.write("content/articles/2024/thong-bao-rieng.md",
                 writer.git("show", f"origin/{second}:" + _only_file(writer, second))
                 .replace("Tin thứ hai của tuần", "Thông báo riêng").replace("TUẦN-HAI", "RIÊNG"))
    refused = writer.invoke("submit", check=False)
    assert refused.returncode == 1 and "invoke submit --new" in refused.stderr
    assert "content/articles/2024/thong-bao-rieng.md" in refused.stderr
    split = writer.invoke("submit", "--new", "--push").stdout
    third = branch_of(split)
    assert third not in (first, second) and f"Đã đẩy nhánh '{third}' lên 'origin'" in split
    assert writer.git("status", "--porcelain") == ""
    assert writer.git("diff", "--name-only", f"origin/main...origin/{third}") == \
        "content/articles/2024/thong-bao-rieng.md"
    assert "RIÊNG" in writer.git("show", f"origin/{third}:content/articles/2024/thong-bao-rieng.md")

    # Gỡ một bài: xoá tệp rồi gửi duyệt như mọi thay đổi.
    writer.git("switch", "main")
    gone = "content/articles/2018/hoi-thao-nguon-nhan-luc-vung-dan-toc-thieu-so.md"
    assert (writer.root / gone).is_file(), sorted(p.name for p in (writer.root / "content/articles/2018").iterdir())
    writer.git("rm", "--quiet", gone)
    removal = branch_of(writer.invoke("submit", "--push").stdout)
    editor.invoke("approve", removal, "--push")
    maintainer.invoke("merge", removal, "--push")
    maintainer.git("fetch")
    assert maintainer.run("git", "cat-file", "-e", f"origin/main:{gone}", check=False).returncode != 0


def _start(writer: Desk, title: str, body: str) -> str:
    writer.git("switch", "main")
    writer.git("pull", "--ff-only")
    made = writer.invoke("new", "article", title, "--author", "Vũ Thị Lan").stdout
    finish(writer, made_file(made), body)
    return writer.invoke("submit", "--push").stdout


def _only_file(desk: Desk, branch: str) -> str:
    return desk.git("diff", "--name-only", f"origin/main...origin/{branch}")


def test_withdraw_a_published_article(newsroom: dict[str, Desk]) -> None:
    writer, editor2, maintainer = newsroom["writer"], newsroom["editor2"], newsroom["maintainer"]
    writer.git("switch", "main")
    writer.git("pull", "--ff-only")
    target = writer.git("ls-files", "content/articles/2019").splitlines()[0]
    missing = writer.invoke("withdraw", target, check=False)
    assert missing.returncode == 1 and "lý do" in missing.stderr
    sent = writer.invoke("withdraw", target, "-m", "Thông tin đã cũ", "--push").stdout
    branch = branch_of(sent)
    assert branch.startswith("gui-duyet/rut-") and writer.git("branch", "--show-current") == "main"
    assert "Bài viết bị gỡ" in editor2.invoke("review", branch, check=False).stdout
    editor2.invoke("approve", branch, "--push")
    maintainer.invoke("merge", branch, "--push")
    maintainer.git("fetch")
    assert maintainer.run("git", "cat-file", "-e", f"origin/main:{target}", check=False).returncode != 0
    assert "Thông tin đã cũ" in maintainer.git("log", "--format=%B", "origin/main")
