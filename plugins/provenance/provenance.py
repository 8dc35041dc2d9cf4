"""Set ``article.provenance`` from git history at build time.

``article.provenance = {"approvals": [{"name", "role", "date"}], "history_url": str | None,
"authors": [...]}`` for every article that reached the built revision through an approved
merge (see :mod:`toasoan.editorial.provenance`). Outside git, in a shallow clone, or for an
article without approvals, nothing is set and nothing fails: the theme shows provenance
only when it is there.

Settings: one ``PROVENANCE`` dict, defaults in :data:`DEFAULTS`.
"""

from __future__ import annotations

import logging
import os

from pelican import signals

from toasoan.editorial.provenance import collect
from toasoan.git import find_repository

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, object] = {
    # Link to a file's history; "{path}" is its path in the repository, e.g.
    # "https://github.com/hvdt/toasoan/commits/main/{path}". None: no link.
    "history_url": None,
    # The revision whose history tells the provenance.
    "ref": "HEAD",
}


def options(settings: dict) -> dict:
    return {**DEFAULTS, **(settings.get("PROVENANCE") or {})}


def attach_provenance(generator: object) -> None:
    """``article_generator_finalized``: give each approved article its provenance."""
    settings = generator.settings  # type: ignore[attr-defined]
    opts = options(settings)
    git = find_repository(settings["PATH"])
    if git is None:
        return
    top = os.path.realpath(git.root)
    endorsements = collect(git, str(opts["ref"]))
    if not endorsements:
        return
    pattern = opts["history_url"]
    articles = [*generator.articles, *generator.translations, *generator.drafts]  # type: ignore[attr-defined]
    for article in articles:
        path = os.path.relpath(os.path.realpath(article.source_path), top).replace(os.sep, "/")
        approvals = endorsements.get(path)
        if not approvals:
            continue
        document = getattr(article, "content_file", None)
        authors = list(getattr(document, "authors", ()) or (a.name for a in getattr(article, "authors", ())))
        article.provenance = {
            "approvals": [e.public() for e in approvals],
            "history_url": str(pattern).format(path=path) if pattern else None,
            "authors": authors,
        }


def register() -> None:
    signals.article_generator_finalized.connect(attach_provenance)
