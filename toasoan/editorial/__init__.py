"""Editorial review over git: the board, signed approvals bound to a tree, the merge gate.

Plain Python over the ``git`` command line, independent of Pelican and of any forge:

- :mod:`.board` — :class:`EditorialBoard`, :class:`BoardMember`, the policy (``editorial/``);
- :mod:`.approvals` — :class:`Approval` / :class:`ChangeRequest`: record and verify;
- :mod:`.review` — a :class:`Submission`'s changes by kind, content checks, policy verdict;
- :mod:`.merge`, :mod:`.submit`, :mod:`.queue`, :mod:`.codeowners`, :mod:`.provenance`;
- :mod:`.cli` — what the ``invoke`` tasks call.
"""

from .approvals import Approval, ChangeRequest
from .board import BoardMember, EditorialBoard, load_board
from .review import Review, Submission, review

__all__ = ["Approval", "BoardMember", "ChangeRequest", "EditorialBoard", "Review", "Submission",
           "load_board", "review"]
