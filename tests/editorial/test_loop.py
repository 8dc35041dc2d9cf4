"""The editorial loop, run as docs/editorial-review.md tells each role to run it.

One bare remote; a writer, two editors, a chief editor and a maintainer, each with their own
HOME, git identity, ``ssh-keygen`` key and clone. Every step is a command line taken from the
documentation (:func:`documented` fails when the documentation no longer shows it), run as a
separate process in that person's clone.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from clones import Desk, clone, doc_commands, documented, documented_in, person, shared_remote

LEDGER = "ban-bien-tap/so-duyet"
SLUG = "gui-duyet/<slug>"
# Documented lines no test runs literally, and why.
NOT_RUN = {
    "script/bootstrap": "creates a virtualenv; its last step runs here: python -m toasoan.editorial.signers",
    "cd toa-soan": "each command runs with the clone as its working folder",
}


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


def write_article(writer: Desk, title: str, body: str) -> str:
    """``invoke new article`` as documented, then the writer's text; the file's path."""
    made = writer.do(documented('invoke new article "Tiêu đề bài viết" --author "Họ Tên"',
                                **{"Tiêu đề bài viết": title, "Họ Tên": writer.name})).stdout
    path = made_file(made)
    finish(writer, path, body)
    return path


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Desk]:
    """Seated board, two editors added by a reviewed submission; everyone has a clone."""
    folder = tmp_path_factory.mktemp("loop")
    desks = {
        "maintainer": person(folder, "maintainer", "Phạm Quốc Bảo", "bao.pq@hvdt.edu.vn"),
        "chief": person(folder, "chief", "Nguyễn Thị Minh Hằng", "hang.ntm@hvdt.edu.vn"),
        "editor": person(folder, "editor", "Trần Văn Đức", "duc.tv@hvdt.edu.vn"),
        "editor2": person(folder, "editor2", "Lê Thu Phương", "phuong.lt@hvdt.edu.vn"),
        "writer": person(folder, "writer", "Vũ Thị Lan", "lan.vt@hvdt.edu.vn"),
    }
    remote = shared_remote(folder, desks["maintainer"])
    for desk in desks.values():
        clone(desk, remote)
        desk.run(sys.executable, "-m", "toasoan.editorial.signers")  # script/bootstrap: its last step
    maintainer, chief, editor = desks["maintainer"], desks["chief"], desks["editor"]

    # Lần đầu: xếp ghế Ban biên tập. The chief editor sent the maintainer her public key.
    (maintainer.home / "hang.pub").write_text(chief.public_key.read_text(encoding="utf-8"), encoding="utf-8")
    seat = documented('invoke board --seat --chief-editor "Nguyễn Thị Minh Hằng <hang.ntm@hvdt.edu.vn>" '
                      '--chief-key ~/hang.pub --maintainer "Phạm Quốc Bảo <bao.pq@hvdt.edu.vn>" '
                      '--maintainer-key ~/.ssh/id_ed25519.pub --push')
    seated = maintainer.do(seat).stdout
    assert "ai đẩy (push) được nhánh 'main' trên 'origin' là người xếp ghế" in seated
    assert "trước khi đẩy" not in seated  # it has pushed: no advice to check before pushing
    assert "Đã đẩy nhánh 'main' lên 'origin'" in seated
    again = maintainer.do(seat, check=False)
    assert again.returncode == 1 and "đã được xếp ghế" in again.stderr

    # Thêm thành viên: the new editor sends the roster change for review.
    editor.do(documented("git switch main"))
    editor.do(documented("git pull --ff-only"))
    roster = editor.read("editorial/board.yml")
    for handle in ("editor", "editor2"):
        desk = desks[handle]
        roster += (f"- name: {desk.name}\n  email: {desk.email}\n  roles:\n  - editor\n"
                   f"  key: {desk.public_key.read_text(encoding='utf-8').strip()}\n")
    editor.write("editorial/board.yml", roster)
    editor.do(documented("invoke board"))
    sent = editor.do(documented("invoke submit --push --branch gui-duyet/them-bien-tap-vien")).stdout
    assert "Đã đẩy nhánh 'gui-duyet/them-bien-tap-vien' lên 'origin'" in sent
    assert editor.git("log", "-1", "--format=%s", "origin/gui-duyet/them-bien-tap-vien") == \
        "Gửi duyệt: Danh sách Ban biên tập"
    assert "origin/gui-duyet/them-bien-tap-vien  [Đang chờ duyệt]" in chief.do(documented("invoke queue")).stdout
    chief.do(documented("invoke approve gui-duyet/them-bien-tap-vien --push"))
    maintainer.do(documented("invoke approve gui-duyet/them-bien-tap-vien --push"))
    merged = maintainer.do(documented("invoke merge gui-duyet/them-bien-tap-vien --push")).stdout
    assert "Đã đẩy nhánh 'main' lên 'origin'" in merged
    for desk in desks.values():
        desk.do(documented("invoke board"))  # each clone's signature checking follows the new roster
    return desks


def test_every_documented_command_is_run() -> None:
    run = documented_in(Path(__file__)) | documented_in(Path(__file__).with_name("clones.py"))
    shown = doc_commands(inline=False)
    assert shown - run - set(NOT_RUN) == set()
    assert set(NOT_RUN) <= shown


def test_seated_board_is_on_the_remote(newsroom: dict[str, Desk]) -> None:
    writer = newsroom["writer"]
    writer.git("fetch")
    roster = writer.git("show", "origin/main:editorial/board.yml")
    assert "sample:" not in roster and "hang.ntm@hvdt.edu.vn" in roster and "duc.tv@hvdt.edu.vn" in roster
    assert "AAAAC3NzaC1lZDI1NTE5AAAAIAkbAPzk1A6Oox" not in roster  # the sample keys are gone
    assert "phuong.lt@hvdt.edu.vn" in writer.git("show", "origin/main:.github/CODEOWNERS")
    log = writer.git("log", "--format=%s", "origin/main")
    assert "Xếp ghế Ban biên tập" in log and "Hợp nhất bài gửi duyệt 'gui-duyet/them-bien-tap-vien'" in log


def test_the_editorial_loop(newsroom: dict[str, Desk]) -> None:
    writer, editor, editor2 = newsroom["writer"], newsroom["editor"], newsroom["editor2"]
    chief, maintainer = newsroom["chief"], newsroom["maintainer"]

    # Người viết: viết bài, kiểm tra, gửi duyệt.
    writer.do(documented("git pull --ff-only"))
    path = write_article(writer, "Học viện khai giảng khoá bồi dưỡng",
                         "Sáng nay Học viện khai giảng khoá bồi dưỡng ĐỢT-MỘT cho cán bộ.")
    writer.do(documented("invoke check"))
    sent = writer.do(documented("invoke submit --push")).stdout
    branch = branch_of(sent)
    assert f"Đã đẩy nhánh '{branch}' lên 'origin'" in sent

    # Biên tập viên: hàng chờ, duyệt với bản xem trước.
    assert f"origin/{branch}  [Đang chờ duyệt]" in editor.do(documented("invoke queue")).stdout
    shown = editor.do(documented("invoke review gui-duyet/<slug> --preview", **{SLUG: branch}), check=False)
    assert shown.returncode == 1  # not approved yet
    page = Path(re.search(r"→ file://(\S+index\.html)", shown.stdout).group(1))
    assert ".cache/xem-truoc/" in page.as_posix() and "ĐỢT-MỘT" in page.read_text(encoding="utf-8")

    # Tổng biên tập: yêu cầu chỉnh sửa.
    ask = documented('invoke approve gui-duyet/<slug> --request-changes -m "Cần bổ sung nguồn ảnh" --push',
                     **{SLUG: branch, "Cần bổ sung nguồn ảnh": "Ghi rõ thời gian khai giảng"})
    asked = chief.do(ask).stdout
    assert "Cần chỉnh sửa" in asked and f"Đã đẩy sổ duyệt '{LEDGER}' lên 'origin'" in asked

    # Người viết: đọc góp ý, sửa, gửi lại — không cần tuỳ chọn git nào.
    seen = writer.do(documented("invoke review gui-duyet/<slug>", **{SLUG: branch}), check=False).stdout
    assert "Ghi rõ thời gian khai giảng" in seen
    writer.do(documented("git switch gui-duyet/<slug>", **{SLUG: branch}))
    finish(writer, path, "Sáng 8 giờ nay Học viện khai giảng khoá bồi dưỡng ĐỢT-MỘT cho cán bộ.")
    again = writer.do(documented("invoke submit --push")).stdout
    assert "Đã cập nhật bài gửi duyệt" in again and f"Đã đẩy nhánh '{branch}' lên 'origin'" in again

    # Duyệt: một biên tập viên, rồi Tổng biên tập gỡ yêu cầu của mình.
    approve = documented("invoke approve gui-duyet/<slug> --push", **{SLUG: branch})
    editor2.do(approve)
    queued = editor.do(documented("invoke queue")).stdout
    assert "Cần chỉnh sửa" in queued  # the change request still blocks, and the queue says why
    assert "người viết đã gửi bản sửa, chờ Nguyễn Thị Minh Hằng xem lại rồi duyệt" in queued
    assert "Đã duyệt, sẵn sàng hợp nhất" in chief.do(approve).stdout

    # Kỹ thuật viên: hợp nhất và đẩy.
    merge = documented("invoke merge gui-duyet/<slug> --push", **{SLUG: branch})
    refused = maintainer.do(documented("invoke merge gui-duyet/<slug> --push", **{SLUG: "gui-duyet/khong-co"}),
                            check=False)
    assert refused.returncode == 1 and "Không có nhánh" in refused.stderr
    assert "Đã đẩy nhánh 'main' lên 'origin'" in maintainer.do(merge).stdout
    writer.git("fetch")
    message = writer.git("log", "-1", "--format=%B", "origin/main")
    assert "Reviewed-by: Lê Thu Phương <phuong.lt@hvdt.edu.vn>" in message
    assert "Reviewed-by: Nguyễn Thị Minh Hằng <hang.ntm@hvdt.edu.vn>" in message
    assert re.search(r"Review-ledger: [0-9a-f]{40}", message)
    assert "8 giờ" in writer.git("show", f"origin/main:{path}")
    assert branch not in editor.do(documented("invoke queue")).stdout

    # Chữ ký kiểm được bằng chính git trong mọi bản sao.
    record = editor.git("rev-parse", f"origin/{LEDGER}")
    editor.do(documented("git verify-commit <commit>", **{"<commit>": record}))
    shown = editor.do(documented("git log --show-signature -1 origin/ban-bien-tap/so-duyet")).stdout
    assert 'Good "git" signature for hang.ntm@hvdt.edu.vn' in shown


def test_new_work_from_a_submission_branch(newsroom: dict[str, Desk]) -> None:
    writer, editor, maintainer = newsroom["writer"], newsroom["editor"], newsroom["maintainer"]
    writer.do(documented("git switch main"))
    writer.do(documented("git pull --ff-only"))
    write_article(writer, "Tin thứ nhất của tuần", "Nội dung TUẦN-MỘT.")
    first = branch_of(writer.do(documented("invoke submit --push")).stdout)
    assert writer.git("branch", "--show-current") == first

    # Bài mới khi đang ở nhánh gửi duyệt: tự về main.
    made = writer.do(documented('invoke new article "Tiêu đề bài viết" --author "Họ Tên"',
                                **{"Tiêu đề bài viết": "Tin thứ hai của tuần", "Họ Tên": writer.name})).stdout
    assert f"Đã chuyển từ nhánh gửi duyệt '{first}' về nhánh 'main'" in made
    finish(writer, made_file(made), "Nội dung TUẦN-HAI.")
    second = branch_of(writer.do(documented("invoke submit --push")).stdout)
    assert second != first
    assert writer.git("diff", "--name-only", f"origin/main...origin/{second}") == made_file(made)

    # Một tệp khác viết thẳng vào nhánh gửi duyệt: bị từ chối, rồi tách thành bài riêng.
    other = "content/articles/2024/thong-bao-rieng.md"
    writer.write(other, writer.read(made_file(made)).replace("Tin thứ hai của tuần", "Thông báo riêng")
                 .replace("TUẦN-HAI", "RIÊNG"))
    refused = writer.do(documented("invoke submit --push"), check=False)
    assert refused.returncode == 1 and "invoke submit --new" in refused.stderr and other in refused.stderr
    split = writer.do(documented("invoke submit --new --push")).stdout
    third = branch_of(split)
    assert third not in (first, second) and f"Đã đẩy nhánh '{third}' lên 'origin'" in split
    assert writer.git("status", "--porcelain") == ""
    assert writer.git("diff", "--name-only", f"origin/main...origin/{third}") == other
    assert "RIÊNG" in writer.git("show", f"origin/{third}:{other}")

    # Gỡ một bài: xoá tệp rồi gửi duyệt như mọi thay đổi.
    writer.do(documented("git switch main"))
    gone = "content/articles/2018/hoi-thao-nguon-nhan-luc-vung-dan-toc-thieu-so.md"
    writer.do(documented("git rm content/articles/<năm>/<tệp>.md",
                         **{"<năm>/<tệp>": "2018/hoi-thao-nguon-nhan-luc-vung-dan-toc-thieu-so"}))
    removal = branch_of(writer.do(documented("invoke submit --push")).stdout)
    editor.do(documented("invoke approve gui-duyet/<slug> --push", **{SLUG: removal}))
    maintainer.do(documented("invoke merge gui-duyet/<slug> --push", **{SLUG: removal}))
    maintainer.git("fetch")
    assert maintainer.run("git", "cat-file", "-e", f"origin/main:{gone}", check=False).returncode != 0


def test_withdraw_a_published_article(newsroom: dict[str, Desk]) -> None:
    writer, editor2, maintainer = newsroom["writer"], newsroom["editor2"], newsroom["maintainer"]
    writer.do(documented("git switch main"))
    writer.do(documented("git pull --ff-only"))
    target = "content/articles/2019/boi-duong-kien-thuc-quan-ly-nha-nuoc-ve-cong-nghe-thong-tin.md"
    withdraw = documented('invoke withdraw content/articles/<năm>/<tệp>.md -m "Lý do" --push',
                          **{"<năm>/<tệp>": "2019/boi-duong-kien-thuc-quan-ly-nha-nuoc-ve-cong-nghe-thong-tin",
                             "Lý do": "Thông tin đã cũ"})
    missing = writer.do(withdraw[:-3], check=False)  # without its reason
    assert missing.returncode == 1 and "lý do" in missing.stderr
    branch = branch_of(writer.do(withdraw).stdout)
    assert branch.startswith("gui-duyet/rut-") and writer.git("branch", "--show-current") == "main"
    review = editor2.do(documented("invoke review gui-duyet/<slug>", **{SLUG: branch}), check=False).stdout
    assert "Bài viết bị gỡ" in review
    editor2.do(documented("invoke approve gui-duyet/<slug> --push", **{SLUG: branch}))
    maintainer.do(documented("invoke merge gui-duyet/<slug> --push", **{SLUG: branch}))
    maintainer.git("fetch")
    assert maintainer.run("git", "cat-file", "-e", f"origin/main:{target}", check=False).returncode != 0
    assert "Thông tin đã cũ" in maintainer.git("log", "--format=%B", "origin/main")


def test_a_submission_that_conflicts_with_main(newsroom: dict[str, Desk]) -> None:
    writer, editor, editor2 = newsroom["writer"], newsroom["editor"], newsroom["editor2"]
    maintainer = newsroom["maintainer"]
    path = "content/articles/2020/hoi-thao-cong-nghe-so-trong-dao-tao-boi-duong.md"
    sent = {}
    for desk, fix in ((writer, "BẢN-NGƯỜI-VIẾT"), (editor, "BẢN-BIÊN-TẬP")):
        desk.do(documented("git switch main"))
        desk.do(documented("git pull --ff-only"))
        desk.write(path, desk.read(path).replace("Ngày 20/11/2020", f"{fix}. Ngày 20/11/2020"))
        sent[desk.name] = branch_of(desk.do(documented("invoke submit --push")).stdout)
    editor2.do(documented("invoke approve gui-duyet/<slug> --push", **{SLUG: sent[editor.name]}))
    maintainer.do(documented("invoke merge gui-duyet/<slug> --push", **{SLUG: sent[editor.name]}))
    mine = sent[writer.name]
    assert f"origin/{mine}  [Xung đột với nhánh gốc" in editor.do(documented("invoke queue")).stdout

    # Người viết: đưa main vào nhánh, sửa tệp xung đột, gửi lại.
    writer.do(documented("git switch gui-duyet/<slug>", **{SLUG: mine}))
    writer.do(documented("git fetch origin"))
    merged = writer.do(documented("git merge origin/main"), check=False)
    assert merged.returncode == 1 and f"CONFLICT (content): Merge conflict in {path}" in merged.stdout
    kept = re.sub(r"<<<<<<< .*?\n(.*?)=======\n.*?>>>>>>> .*?\n", r"\1", writer.read(path), flags=re.S)
    writer.write(path, kept.replace("BẢN-NGƯỜI-VIẾT. ", "BẢN-NGƯỜI-VIẾT, đã xem BẢN-BIÊN-TẬP. "))
    writer.do(documented("git commit -a --no-edit"))
    assert f"Đã đẩy nhánh '{mine}' lên 'origin'" in writer.do(documented("invoke submit --push")).stdout
    editor.do(documented("invoke approve gui-duyet/<slug> --push", **{SLUG: mine}))
    maintainer.do(documented("invoke merge gui-duyet/<slug> --push", **{SLUG: mine}))
    maintainer.git("fetch")
    assert "BẢN-NGƯỜI-VIẾT, đã xem BẢN-BIÊN-TẬP." in maintainer.git("show", f"origin/main:{path}")
