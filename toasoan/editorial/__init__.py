"""Editorial review over git: the board, signed approvals bound to a tree, the merge gate.

Plain Python over the ``git`` command line, independent of Pelican and of any forge:

- :mod:`.board` — :class:`EditorialBoard`, :class:`BoardMember`, people, the policy (``editorial/``);
- :mod:`.refs` — base and submission resolved only as branches;
- :mod:`.ledger` — the review ledger (``ban-bien-tap/so-duyet``) where records are written;
- :mod:`.approvals` — :class:`Approval` / :class:`ChangeRequest`: approve and verify;
- :mod:`.review` — a :class:`Submission`'s changes by kind, content checks, policy verdict;
- :mod:`.merge`, :mod:`.submit`, :mod:`.queue`, :mod:`.codeowners`, :mod:`.provenance`;
- :mod:`.cli` — what the ``invoke`` tasks call.
"""

from importlib import import_module

# Imported when first asked for: a build needs only .provenance, not the review and its checks.
_EXPORTS = {"Approval": "approvals", "ChangeRequest": "approvals", "BoardMember": "board",
            "EditorialBoard": "board", "load_board": "board", "Review": "review",
            "Submission": "review", "review": "review"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
