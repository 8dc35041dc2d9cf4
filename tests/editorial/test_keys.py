"""A board member's signing key: its public half is read without ever asking for a passphrase."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from toasoan.editorial.approvals import ApprovalError, public_key_of


def keypair(folder: Path, passphrase: str) -> Path:
    key = folder / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "thanh-vien", "-f", str(key)],
                   check=True, stdin=subprocess.DEVNULL)
    return key


def test_public_key_from_the_pub_file_or_the_key(tmp_path: Path) -> None:
    key = keypair(tmp_path, "")
    published = key.with_name("id_ed25519.pub").read_text(encoding="utf-8").split()[:2]
    assert public_key_of(key).split()[:2] == published
    key.with_name("id_ed25519.pub").unlink()
    assert public_key_of(key).split()[:2] == published


def test_a_key_with_a_passphrase_and_no_pub_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    key = keypair(tmp_path, "mật khẩu Đổi")
    key.with_name("id_ed25519.pub").unlink()
    with pytest.raises(ApprovalError, match=r"Đặt tệp khoá công khai id_ed25519\.pub cạnh khoá"):
        public_key_of(key)
