"""A thin wrapper over the ``git`` command line: one method per question the review, the desk
and the build (the inputs it reads, provenance) ask.

Everything runs ``git -C <root> …`` in a subprocess with a fixed locale, never a shell.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
# Personal settings that would change what git prints: parsed output must not depend on them.
STABLE_OUTPUT = ("-c", "log.showSignature=false", "-c", "color.ui=false", "-c", "core.quotePath=false")


def as_utf8(text: str) -> str:
    """``text`` as the string this process turns into its UTF-8 bytes on a command line or in
    the environment, whatever the locale: git reads names, messages and paths as UTF-8, but
    under ``LC_ALL=C`` without UTF-8 mode Python would encode them as ASCII and fail. (Windows
    passes them as Unicode: nothing to do.) A path read from the disk keeps its bytes."""
    if os.name == "nt":
        return text
    return os.fsdecode(text.encode("utf-8", "surrogateescape"))


class GitError(Exception):
    """A git command failed; ``str()`` is git's own message."""


@dataclass(frozen=True)
class TreeEntry:
    """One blob of a tree: its path, object id and size."""

    path: str
    sha: str
    size: int = 0


@dataclass(frozen=True)
class FileChange:
    """One changed path between two trees (``status``: A, M, D, R or T) with both blob ids and
    the new file mode (``120000`` a symbolic link, ``160000`` a submodule)."""

    status: str
    path: str
    old_path: str | None = None
    old_sha: str | None = None
    new_sha: str | None = None
    mode: str = ""


class Git:
    """Runs git in one repository."""

    def __init__(self, root: str | Path = ".", config: Sequence[tuple[str, str]] = (),
                 env: Mapping[str, str] | None = None) -> None:
        self.root = Path(root)
        self.config = tuple(config)
        self.env = dict(env or {})

    def with_config(self, *pairs: tuple[str, str]) -> Git:
        """The same repository with extra ``-c key=value`` options on every command."""
        return Git(self.root, (*self.config, *pairs), self.env)

    def with_env(self, **env: str) -> Git:
        """The same repository with extra environment variables for every command (and what
        git runs, e.g. ``ssh-keygen`` signing)."""
        return Git(self.root, self.config, {**self.env, **env})

    # ------------------------------------------------------------------ running
    def run(self, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[bytes]:
        """Run ``git args…``; raise :class:`GitError` on a non-zero exit when ``check``."""
        command = ["git", "-C", str(self.root), *STABLE_OUTPUT]
        for key, value in self.config:
            command += ["-c", f"{key}={value}"]
        ours = {key: as_utf8(value) for key, value in {**self.env, **(env or {})}.items()}
        full_env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", **ours}
        result = subprocess.run([as_utf8(a) for a in (*command, *args)], input=stdin, capture_output=True,
                                env=full_env, check=False)
        if check and result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip()
            raise GitError(message or f"git {' '.join(args)}: mã thoát {result.returncode}")
        return result

    def text(self, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> str:
        """Standard output of ``git args…`` as text, trailing newline removed."""
        return self.run(*args, stdin=stdin, env=env).stdout.decode("utf-8", "replace").rstrip("\n")

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0

    # ------------------------------------------------------------------ objects
    def resolve(self, rev: str) -> str | None:
        """The commit id of ``rev``, or None when it names no commit."""
        result = self.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
        return result.stdout.decode().strip() or None

    def tree_of(self, rev: str) -> str:
        return self.text("rev-parse", f"{rev}^{{tree}}")

    def merge_base(self, a: str, b: str) -> str | None:
        result = self.run("merge-base", a, b, check=False)
        return result.stdout.decode().strip() or None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return self.ok("merge-base", "--is-ancestor", ancestor, descendant)

    def show(self, rev: str, path: str) -> bytes | None:
        """The bytes of ``path`` at ``rev``, or None when there is no such file."""
        result = self.run("cat-file", "blob", f"{rev}:{path}", check=False)
        return result.stdout if result.returncode == 0 else None

    def ls_tree(self, rev: str, *paths: str) -> list[TreeEntry]:
        """Every blob under ``paths`` (all of the tree when none) at ``rev``."""
        out = self.run("ls-tree", "-r", "-l", "-z", "--full-tree", rev, "--", *paths).stdout
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            _mode, kind, sha, size = meta.decode().split()
            if kind == "blob":
                entries.append(TreeEntry(path.decode("utf-8", "surrogateescape"), sha, int(size)))
        return entries

    def cat_files(self, names: Iterable[str]) -> list[bytes | None]:
        """Many objects (ids or ``rev:path``) in one ``git cat-file --batch``; None if missing."""
        wanted = list(names)
        if not wanted:
            return []
        out = self.run("cat-file", "--batch", stdin="".join(f"{n}\n" for n in wanted).encode()).stdout
        found: list[bytes | None] = []
        pos = 0
        while pos < len(out) and len(found) < len(wanted):
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) < 3 or header[-1] in (b"missing", b"ambiguous"):
                found.append(None)
                continue
            size = int(header[2])
            found.append(out[pos:pos + size])
            pos += size + 1
        return found

    def diff(self, old: str, new: str) -> list[FileChange]:
        """Paths that differ between two commits or trees (renames detected)."""
        out = self.run("diff", "--raw", "-z", "-M", "--no-abbrev", old, new).stdout
        fields = [f.decode("utf-8", "surrogateescape") for f in out.split(b"\0")]
        changes = []
        i = 0
        while i < len(fields) and fields[i].startswith(":"):
            _, mode, old_sha, new_sha, status = fields[i][1:].split()
            kind = status[0]
            absent = set("0")
            before = None if set(old_sha) == absent else old_sha
            after = None if set(new_sha) == absent else new_sha
            if kind in "RC":
                changes.append(FileChange("R" if kind == "R" else "A", fields[i + 2],
                                          fields[i + 1] if kind == "R" else None,
                                          before if kind == "R" else None, after, mode))
                i += 3
            else:
                changes.append(FileChange(kind, fields[i + 1], None, before, after, mode))
                i += 2
        return changes

    # ------------------------------------------------------------------ refs
    def current_branch(self) -> str | None:
        result = self.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        return result.stdout.decode().strip() or None

    def branches(self) -> list[str]:
        return self.text("for-each-ref", "--format=%(refname:short)", "refs/heads").split()

    def update_ref(self, ref: str, new: str, old: str | None = None, message: str = "") -> None:
        """Move ``ref`` to ``new`` only if it still points at ``old`` (compare and swap)."""
        args = ["update-ref", "-m", message or "toasoan", ref, new]
        if old is not None:
            args.append(old)
        self.run(*args)

    def is_shallow(self) -> bool:
        return self.text("rev-parse", "--is-shallow-repository") == "true"

    def toplevel(self) -> Path | None:
        result = self.run("rev-parse", "--show-toplevel", check=False)
        path = result.stdout.decode().strip()
        return Path(path) if result.returncode == 0 and path else None

    def common_dir(self) -> Path | None:
        """The git directory all work trees of the repository share (``.git``)."""
        result = self.run("rev-parse", "--git-common-dir", check=False)
        path = result.stdout.decode().strip()
        return self.root / path if result.returncode == 0 and path else None

    def config_value(self, key: str) -> str | None:
        result = self.run("config", "--get", key, check=False)
        return result.stdout.decode().strip() or None


def find_repository(start: str | Path) -> Git | None:
    """The repository containing ``start``, or None when it is not in one (or git is missing)."""
    try:
        top = Git(start).toplevel()
    except OSError:
        return None
    return Git(top) if top else None
