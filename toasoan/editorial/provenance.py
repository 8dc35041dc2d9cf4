"""Public provenance: who approved each content file, and when, read from git history.

Two ``git log`` calls for the whole site: the merges on the first-parent line of the
built revision (with the content files each brought in, their ``Reviewed-by:`` trailers and
the review ledger commit each names in ``Review-ledger:``), and the approval records in
those ledger commits (for the date each reviewer approved that tree).
A shallow clone, a tree outside git or a history without approvals gives nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..git import Git, GitError
from ..text import VIETNAM
from .board import BOARD_FILE, ROLES, BoardError, BoardMember, parse_members
from .ledger import KIND_KEY, LEDGER_KEY, REVIEWER_KEY, TREE_KEY, email_of

REVIEWED_BY = "Reviewed-by"
_FIELD, _RECORD = "\x1f", "\x1e"


@dataclass(frozen=True)
class Endorsement:
    """One public line of provenance: a board member approved a version of the file
    (``date`` in Vietnam time, like the articles' own dates)."""

    name: str
    email: str
    role: str
    date: dt.datetime

    def public(self) -> dict:
        """What the page shows (never the e-mail)."""
        return {"name": self.name, "role": self.role, "date": self.date}


def _approval_dates(git: Git, ledgers: set[str]) -> dict[tuple[str, str], dt.datetime]:
    """(approved tree, reviewer e-mail) → when that approval was signed, from the ledger
    commits that are in this clone."""
    present = [sha for sha in sorted(ledgers) if len(sha) == 40 and git.resolve(sha)]
    if not present:
        return {}
    fmt = _FIELD.join(["%aI", f"%(trailers:key={TREE_KEY},valueonly)",
                       f"%(trailers:key={REVIEWER_KEY},valueonly)"]) + _RECORD
    out = git.text("log", *present, f"--grep=^{KIND_KEY}: approve$", f"--format={fmt}")
    dates: dict[tuple[str, str], dt.datetime] = {}
    for chunk in out.split(_RECORD):
        parts = chunk.strip("\n").split(_FIELD)
        if len(parts) == 3 and parts[1].strip() and parts[2].strip():
            key = (parts[1].strip(), email_of(parts[2].strip()).lower())
            dates.setdefault(key, dt.datetime.fromisoformat(parts[0]))
    return dates


def _roster(git: Git, ref: str) -> dict[str, BoardMember]:
    raw = git.show(ref, BOARD_FILE)
    try:
        members = parse_members(raw) if raw else ()
    except BoardError:
        members = ()
    return {m.email.lower(): m for m in members}


def _split_name(value: str) -> tuple[str, str]:
    """``Name <a@b>`` → (Name, a@b)."""
    email = email_of(value)
    return value.split("<", 1)[0].strip() or email, email


def collect(git: Git, ref: str = "HEAD", paths: tuple[str, ...] = ("content/",)) -> dict[str, list[Endorsement]]:
    """Endorsements by repository path, oldest first; empty when history cannot tell."""
    try:
        if git.is_shallow() or git.resolve(ref) is None:
            return {}
        fmt = _RECORD + _FIELD.join(["%cI", f"%(trailers:key={REVIEWED_BY},valueonly,separator=%x1d)",
                                     f"%(trailers:key={TREE_KEY},valueonly)",
                                     f"%(trailers:key={LEDGER_KEY},valueonly)"]) + _FIELD
        out = git.text(
            "log", ref, "--first-parent", "--merges", "--diff-merges=first-parent", "--name-only",
            f"--format={fmt}", "--", *paths)
        if not out.strip():
            return {}
        chunks = [parts for chunk in out.split(_RECORD)
                  if len(parts := chunk.split(_FIELD)) >= 5 and parts[1].strip()]
        dates = _approval_dates(git, {sha for parts in chunks for sha in parts[3].split()})
        roster = _roster(git, ref)
    except (GitError, OSError):
        return {}
    found: dict[str, dict[tuple[str, dt.datetime], Endorsement]] = {}
    for parts in chunks:
        merged_at = dt.datetime.fromisoformat(parts[0])
        tree = parts[2].strip()
        files = [f for f in parts[4].splitlines() if f.strip()]
        for value in parts[1].strip().split("\x1d"):
            name, email = _split_name(value.strip())
            member = roster.get(email.lower())
            role = ", ".join(ROLES.get(r, r) for r in member.roles) if member else ""
            when = dates.get((tree, email.lower()), merged_at).astimezone(VIETNAM)
            endorsement = Endorsement(member.name if member else name, email, role, when)
            for path in files:
                found.setdefault(path, {})[(email.lower(), when)] = endorsement
    return {path: sorted(entries.values(), key=lambda e: e.date) for path, entries in found.items()}
