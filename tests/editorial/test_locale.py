"""A Vietnamese name reaches git as its UTF-8 bytes whatever the locale: a review recorded by
a process with ``LC_ALL=C`` and no UTF-8 mode (Python would encode command lines and the
environment as ASCII there) names its reviewer exactly, in NFC."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

from newsroom import REPO, Newsroom, Person, article

from toasoan.editorial.ledger import LOCAL_LEDGER

NAME = "Trần Thị Bích"
RECORD = """\
import sys
from toasoan.editorial.ledger import record_review
from toasoan.editorial.refs import resolve_branch
from toasoan.git import Git

git = Git(sys.argv[1])
assert sys.getfilesystemencoding() == "ascii", sys.getfilesystemencoding()
record_review(git, resolve_branch(git, "gui-duyet/bai-moi"), resolve_branch(git, "main"),
              name={name!r}, email="bich@hvdt.example.vn", key=sys.argv[2])
"""


def test_a_vietnamese_reviewer_is_recorded_exactly_under_a_c_locale(room: Newsroom, people: dict[str, Person],
                                                                    tmp_path: Path) -> None:
    room.submission("gui-duyet/bai-moi", {"content/articles/2024/bai-moi.md": article("Bài mới", "Vũ Thị Lan")})
    script = tmp_path / "record.py"  # the name as decomposed as a Mac keyboard may type it
    script.write_text(RECORD.format(name=unicodedata.normalize("NFD", NAME)), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "LANG", "PYTHON"))}
    env.update(LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0", PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, str(script), str(room.root), str(people["editor"].key)], env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    author = room.git.run("log", "-1", "--format=%an%n%cn", LOCAL_LEDGER).stdout.decode("utf-8")
    assert author.split("\n")[:2] == [NAME, NAME]
    assert unicodedata.is_normalized("NFC", author)
