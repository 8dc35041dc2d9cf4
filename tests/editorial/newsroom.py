"""A small newsroom in a real temporary git repository, with real ``ssh-keygen`` keys.

:func:`make_newsroom` builds a fresh repository on ``main`` with two articles, a meeting
report, a plugin and ``editorial/`` (the shipped ``policy.yml`` and a roster of test members). Scenario
tests branch from it, commit as a writer, and approve as members.
"""

from __future__ import annotations

import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from toasoan.editorial.ledger import APPROVE, LOCAL_LEDGER, record_review
from toasoan.editorial.merge import MergeResult, merge_submission
from toasoan.editorial.refs import resolve_branch
from toasoan.editorial.review import Review, review
from toasoan.git import EMPTY_TREE, Git

REPO = Path(__file__).resolve().parents[2]
POLICY = (REPO / "editorial" / "policy.yml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Person:
    """Someone who commits or reviews; ``roles`` None means not on the board."""

    handle: str
    name: str
    email: str
    roles: tuple[str, ...] | None
    key: Path

    @property
    def public_key(self) -> str:
        return self.key.with_name(self.key.name + ".pub").read_text(encoding="utf-8").strip()

    @property
    def env(self) -> dict[str, str]:
        """git's author and committer variables for this person."""
        return {"GIT_AUTHOR_NAME": self.name, "GIT_AUTHOR_EMAIL": self.email,
                "GIT_COMMITTER_NAME": self.name, "GIT_COMMITTER_EMAIL": self.email}

    def entry(self, **extra: object) -> dict:
        return {"name": self.name, "email": self.email, "roles": list(self.roles or ()),
                "key": self.public_key, **extra}


PEOPLE = {
    "chief": ("Nguyễn Thị Minh Hằng", ("chief_editor",)),
    "editor": ("Trần Văn Đức", ("editor",)),
    "editor2": ("Lê Thu Phương", ("editor",)),
    "maintainer": ("Phạm Quốc Bảo", ("maintainer",)),
    "writer": ("Vũ Thị Lan", None),
    "outsider": ("Đỗ Văn Khách", None),
}


def make_people(folder: Path) -> dict[str, Person]:
    """One real ed25519 key pair per person of :data:`PEOPLE`, in ``folder``."""
    found = {}
    for handle, (name, roles) in PEOPLE.items():
        key = folder / handle
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", handle, "-f", str(key)],
                       check=True, stdin=subprocess.DEVNULL)
        found[handle] = Person(handle, name, f"{handle}@hvdt.example.vn", roles, key)
    return found



def article(title: str, author: str, body: str = "Nội dung bài viết.", date: str = "2024-05-02 09:00") -> str:
    return textwrap.dedent(f"""\
        ---
        title: {title}
        date: {date}
        author: {author}
        category: Tin tức - Sự kiện
        ---
        {body}
        """)


def meeting(items: list[tuple[str, str]], title: str = "Giao ban công tác tháng 5") -> str:
    """A meeting report deciding the given (id, title) action items."""
    entries = "".join(f"  - id: {i}\n    title: {t}\n    owner: Văn phòng\n    due: 2024-12-31\n"
                      for i, t in items)
    return textwrap.dedent(f"""\
        ---
        title: {title}
        date: 2024-05-10 15:00
        author: Văn phòng
        meeting:
          date: 2024-05-10 08:00
          location: Hà Nội
          chair: Giám đốc Học viện
          bodies: [Ban Giám đốc]
        decisions:
          - Giao nhiệm vụ cho các đơn vị.
        action_items:
        """) + entries + "---\nBiên bản cuộc họp.\n"


SETTINGS = """\
PATH = "content"
ARTICLE_PATHS = ["articles", "meetings"]
PAGE_PATHS = ["pages", "documents"]
"""


class Newsroom:
    """A real git repository laid out like the project, with helpers for the scenarios."""

    def __init__(self, root: Path, people: dict[str, Person]) -> None:
        self.root = root
        self.people = people
        self.git = Git(root)

    # ---------------------------------------------------------------- files and commits
    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def roster(self, members: list[dict]) -> None:
        self.write("editorial/board.yml", yaml.safe_dump({"members": members}, allow_unicode=True))

    def commit(self, message: str, by: str = "writer", *extra: str) -> str:
        """Commit everything as ``by``; ``extra`` git options (``--allow-empty``)."""
        self.git.run("add", "--all")
        self.git.run("commit", "--quiet", *extra, "-m", message, env=self.people[by].env)
        return self.sha("HEAD")

    def sha(self, rev: str) -> str:
        return self.git.text("rev-parse", rev)

    def branch(self, name: str, start: str = "main") -> None:
        self.git.run("switch", "--quiet", "-c", name, start)

    def switch(self, name: str) -> None:
        self.git.run("switch", "--quiet", name)

    def submission(self, name: str, files: dict[str, str], by: str = "writer") -> str:
        """A branch from main with ``files`` written and committed by ``by``; back on main after."""
        self.branch(name)
        for path, text in files.items():
            self.write(path, text)
        self.commit(f"Gửi duyệt: {name}", by)
        self.switch("main")
        return name

    # ---------------------------------------------------------------- reviews
    def approve(self, branch: str, who: str, *, kind: str = APPROVE, key: str | None = "own",
                claim: str | None = None, note: str = "") -> str:
        """Record a review by ``who`` signed with ``key`` (a person's handle, "own", or None)
        in the ledger, straight through :func:`record_review` (no check of who may approve)."""
        person = self.people[claim or who]
        signer = self.people[who if key == "own" else key].key if key else None
        return record_review(self.git, resolve_branch(self.git, branch), resolve_branch(self.git, "main"),
                             name=person.name, email=person.email, key=signer, kind=kind, note=note)

    def raw_record(self, message: str, *, by: str = "editor", tree: str = EMPTY_TREE,
                   parents: tuple[str, ...] | None = None) -> str:
        """A commit signed by ``by`` with any tree, parents (default: the ledger head) and
        message, put on the local ledger branch: what someone with push rights could write."""
        person = self.people[by]
        head = self.git.resolve(LOCAL_LEDGER)
        parents = (head,) if parents is None and head else parents or ()
        signed = self.git.with_config(("gpg.format", "ssh"), ("user.signingkey", str(person.key)))
        commit = signed.text("commit-tree", tree, *(a for p in parents for a in ("-p", p)), "-S", "-F", "-",
                             stdin=message.encode(), env=person.env)
        self.git.run("update-ref", LOCAL_LEDGER, commit)
        return commit

    def review(self, branch: str) -> Review:
        return review(self.git, branch, "main")

    def merge(self, branch: str) -> MergeResult:
        return merge_submission(self.git, branch, "main")


def make_newsroom(root: Path, people: dict[str, Person]) -> Newsroom:
    """The fixture repository: content, a plugin, settings and the editorial board."""
    room = Newsroom(root, people)
    root.mkdir(parents=True, exist_ok=True)
    room.git.run("init", "--quiet", "--initial-branch=main")
    room.git.run("config", "commit.gpgSign", "false")  # whatever the machine's own git says
    room.write("pelicanconf.py", SETTINGS)
    room.write("content/data/units.yml", "units:\n  - name: Văn phòng\n  - name: Phòng Đào tạo\n")
    room.write("content/articles/2024/khai-giang.md", article("Khai giảng khoá học mới", "Vũ Thị Lan"))
    room.write("content/articles/2024/hoi-thao.md", article("Hội thảo khoa học", "Trần Văn Đức"))
    room.write("content/meetings/2024/giao-ban.md", meeting([("VP-2024-01", "Rà soát quy chế")]))
    room.write("plugins/demo/__init__.py", "def register():\n    pass\n")
    room.write("editorial/policy.yml", POLICY)
    room.roster([p.entry() for p in people.values() if p.roles is not None])
    room.commit("Khởi tạo tòa soạn", by="maintainer")
    return room
