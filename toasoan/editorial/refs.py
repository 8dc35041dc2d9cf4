"""Branches named unambiguously: the base and the submission are always branches.

``git rev-parse main`` prefers a tag ``main`` to the branch, and ``origin/main`` prefers a
local branch called ``origin/main`` to the remote-tracking one: a ref of the same name could
then stand in for the roster. :func:`resolve_branch` looks only in ``refs/heads/`` and in
``refs/remotes/<configured remote>/``, and refuses a name that could mean both.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..git import Git

HEADS, REMOTES = "refs/heads/", "refs/remotes/"


class BranchError(Exception):
    """No such branch, or a name that could mean two branches; the message is in Vietnamese."""


@dataclass(frozen=True)
class Branch:
    """A branch as resolved once: its name, full ref, commit and remote (None when local)."""

    name: str
    ref: str
    sha: str
    remote: str | None = None

    @property
    def short(self) -> str:
        """``main`` or ``origin/main``."""
        return f"{self.remote}/{self.name}" if self.remote else self.name

    def __str__(self) -> str:
        return self.short


def remotes(git: Git) -> list[str]:
    """The configured remotes (``origin``…), longest first."""
    names = git.text("remote").split()
    return sorted(names, key=len, reverse=True)


def _valid(git: Git, ref: str) -> bool:
    """A well-formed full ref name (no ``~``, ``^``, ``:``, ``..``…)."""
    return git.ok("check-ref-format", ref)


def ref_commit(git: Git, ref: str) -> str | None:
    """The commit the full ref ``ref`` points to, or None; nothing but that exact ref is read."""
    if not _valid(git, ref):
        return None
    result = git.run("show-ref", "--verify", "--hash", ref, check=False)
    sha = result.stdout.decode().strip()
    return git.resolve(sha) if result.returncode == 0 and sha else None


def _split_remote(name: str, known: list[str]) -> tuple[str, str] | None:
    """``origin/x`` → (``origin``, ``x``) when ``origin`` is a configured remote."""
    for remote in known:
        if name.startswith(remote + "/") and len(name) > len(remote) + 1:
            return remote, name[len(remote) + 1:]
    return None


def _candidates(name: str, known: list[str]) -> list[tuple[str, str, str | None]]:
    """(full ref, branch name, remote) that ``name`` may mean."""
    if name.startswith(HEADS):
        return [(name, name[len(HEADS):], None)]
    if name.startswith(REMOTES):
        split = _split_remote(name[len(REMOTES):], known)
        return [(name, split[1], split[0])] if split else []
    found = [(HEADS + name, name, None)]
    split = _split_remote(name, known)
    if split:
        found.append((REMOTES + name, split[1], split[0]))
    return found


def resolve_branch(git: Git, name: str | Branch) -> Branch:
    """The branch ``name`` means: ``x``, ``origin/x``, ``refs/heads/x`` or ``refs/remotes/origin/x``.

    A plain ``x`` with no local branch falls back to the one remote that has ``x``.
    Tags, notes and other refs are never looked at.
    """
    if isinstance(name, Branch):
        return name
    wanted = name.strip()
    known = remotes(git)
    found = [Branch(short, ref, sha, remote) for ref, short, remote in _candidates(wanted, known)
             if (sha := ref_commit(git, ref))]
    if not found and wanted and not wanted.startswith("refs/"):
        tracked = [Branch(wanted, ref, sha, r) for r in known
                   if (sha := ref_commit(git, ref := f"{REMOTES}{r}/{wanted}"))]
        if len(tracked) > 1:
            names = ", ".join(b.short for b in tracked)
            raise BranchError(f"Nhánh '{wanted}' có ở nhiều máy chủ ({names}); hãy ghi rõ, "
                              f"ví dụ '{tracked[0].short}'.")
        found = tracked
    if len(found) > 1:
        raise BranchError(f"Tên '{wanted}' vừa là nhánh cục bộ '{found[0].ref}' vừa là nhánh máy chủ "
                          f"'{found[1].ref}'; hãy xoá nhánh cục bộ trùng tên "
                          f"(git branch -m '{found[0].name}' tên-khác) rồi chạy lại.")
    if not found:
        raise BranchError(f"Không có nhánh '{wanted}'. Xem các nhánh bằng 'git branch -a'; "
                          "nếu nhánh ở máy chủ, chạy 'git fetch' trước.")
    return found[0]
