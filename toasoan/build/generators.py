"""What Tòa soạn reads off Pelican's generators."""

from __future__ import annotations

from collections.abc import Iterator

# Every list of articles or pages an ArticlesGenerator or PagesGenerator keeps.
CONTENT_LISTS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
                 "hidden_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


def generator_contents(generator: object) -> Iterator[object]:
    """Every article or page the generator read: published, hidden, drafts, translations."""
    for name in CONTENT_LISTS:
        yield from getattr(generator, name, ())


def body_of(content: object) -> str:
    """The body of an article or page as read, before Pelican resolves its links: held in
    memory, or (a run taken up from disk, :mod:`toasoan.build.saved_run`) read from the run file."""
    kept = getattr(content, "_get_content", None)  # Pelican's hook for a body it does not hold
    return kept() if kept is not None else content._content or ""


def set_body(content: object, html: str) -> None:
    """Give an article or page a new body (one in the run file, if it had one, is forgotten)."""
    content.__dict__.pop("_get_content", None)
    content._content = html
