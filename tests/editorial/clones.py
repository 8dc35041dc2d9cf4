"""A shared bare remote and one clone per person, each with their own HOME, git identity and key.

Each :class:`Desk` runs git and the project's ``invoke`` tasks as a separate process in its own
clone, with ``HOME`` pointing at that person's home: their ``~/.gitconfig`` (written with
``git config --global``) and their ``~/.ssh/id_ed25519`` from ``ssh-keygen`` — nothing of the
machine's own configuration leaks in.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from newsroom import REPO

INVOKE = Path(sys.executable).with_name("invoke")
DOC = REPO / "docs" / "editorial-review.md"
# What a new institution's repository holds: the site's code, content, roster and tasks.
PROJECT_PATHS = ("pelicanconf.py", "publishconf.py", "plugins", "theme", "content", "editorial",
                 ".github", "tasks.py", ".gitignore")


def clean_env(home: Path) -> dict[str, str]:
    """The process environment for one person: their HOME, no system git config, no GIT_* leaks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "SSH_AUTH"))}
    return {**env, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0", "PYTHONIOENCODING": "utf-8"}


@dataclass
class Desk:
    """One person at their own computer: a home folder and a clone of the shared remote."""

    name: str
    email: str
    home: Path
    root: Path

    @property
    def env(self) -> dict[str, str]:
        return clean_env(self.home)

    @property
    def key(self) -> Path:
        return self.home / ".ssh" / "id_ed25519"

    @property
    def public_key(self) -> Path:
        return self.key.with_name("id_ed25519.pub")

    @property
    def ident(self) -> str:
        return f"{self.name} <{self.email}>"

    def run(self, *command: str, check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(list(command), cwd=cwd or self.root, env=self.env, capture_output=True,
                              text=True, check=False, stdin=subprocess.DEVNULL, timeout=900)
        assert "Traceback" not in done.stderr, done.stderr
        if check:
            assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        return done

    def git(self, *args: str, check: bool = True) -> str:
        return self.run("git", *args, check=check).stdout.strip()

    def invoke(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``invoke <args>`` in this clone."""
        return self.run(str(INVOKE), *args, check=check)

    def do(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        """A documented command line, as a shell would run it here (``~/`` is this person's home)."""
        argv = [str(self.home) + a[1:] if a.startswith("~/") else a for a in argv]
        if argv[0] == "invoke":
            return self.invoke(*argv[1:], check=check)
        return self.run(*argv, check=check)

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def read(self, path: str) -> str:
        return (self.root / path).read_text(encoding="utf-8")


# ---------------------------------------------------------------------- the documented commands
def doc_commands(*, inline: bool = True) -> set[str]:
    """Every command docs/editorial-review.md shows: the lines of its ``sh`` blocks (continuations
    joined, comments and ``&&`` split off) and, with ``inline``, its inline ``invoke …``/``git …``."""
    text = DOC.read_text(encoding="utf-8")
    found = set()
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.split(r"\s{2,}#", line)[0].strip()
            if line and not line.startswith("#"):
                found.update(" ".join(part.split()) for part in line.split("&&"))
    if inline:
        found.update(re.findall(r"`((?:invoke|git) [^`]+)`", text))
    return found


def documented(command: str, **values: str) -> list[str]:
    """``command`` exactly as the documentation writes it, placeholders replaced, as an argv."""
    assert command in doc_commands(), f"docs/editorial-review.md không còn lệnh: {command}"
    for placeholder, value in values.items():
        command = command.replace(placeholder, value)
    return shlex.split(command)


def documented_in(source: Path) -> set[str]:
    """The commands a test module runs through :func:`documented` (read from its source)."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    return {node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "documented"
            and node.args and isinstance(node.args[0], ast.Constant)}


# ---------------------------------------------------------------------- people and their clones
def person(folder: Path, handle: str, name: str, email: str) -> Desk:
    """A home for ``handle``, set up as the documentation says: git identity and an SSH key."""
    home = folder / "homes" / handle
    (home / ".ssh").mkdir(parents=True)
    desk = Desk(name, email, home, folder / "clones" / handle / "toa-soan")
    desk.run(*documented('git config --global user.name "Họ Tên"', **{"Họ Tên": name}), cwd=home)
    desk.run(*documented('git config --global user.email "ten@hvdt.edu.vn"', **{"ten@hvdt.edu.vn": email}),
             cwd=home)
    keygen = documented('ssh-keygen -t ed25519 -C "ten@hvdt.edu.vn"', **{"ten@hvdt.edu.vn": email})
    desk.run(*keygen, "-q", "-N", "", "-f", str(desk.key), cwd=home)  # no questions asked: no passphrase
    return desk


def project(folder: Path, founder: Desk, source: Path = REPO, paths: tuple[str, ...] = PROJECT_PATHS) -> Path:
    """A new repository holding the project (``paths`` of ``source``) as ``founder``'s first commit."""
    start = folder / "khoi-tao"
    start.mkdir(parents=True)
    for path in paths:
        origin = source / path
        if origin.is_dir():
            shutil.copytree(origin, start / path, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif origin.is_file():
            shutil.copy2(origin, start / path)
    founder.run("git", "init", "--quiet", "--initial-branch=main", cwd=start)
    founder.run("git", "add", "--all", cwd=start)
    founder.run("git", "commit", "--quiet", "-m", "Khởi tạo Tòa soạn", cwd=start)
    return start


def shared_remote(folder: Path, founder: Desk) -> Path:
    """A bare remote holding the :func:`project`."""
    remote = folder / "may-chu.git"
    founder.run("git", "clone", "--quiet", "--bare", str(project(folder, founder)), str(remote), cwd=folder)
    return remote


def clone(desk: Desk, remote: Path) -> Desk:
    """The documented ``git clone <địa-chỉ-kho> toa-soan`` in the person's folder."""
    desk.root.parent.mkdir(parents=True, exist_ok=True)
    desk.run(*documented("git clone <địa-chỉ-kho> toa-soan", **{"<địa-chỉ-kho>": str(remote)}),
             cwd=desk.root.parent)
    return desk
