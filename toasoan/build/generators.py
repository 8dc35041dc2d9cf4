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
    """The body of an article or page as read, before Pelican resolves its links."""
    return content._content or ""
