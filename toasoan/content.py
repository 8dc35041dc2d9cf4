"""Read a whole content folder through the model: what ``invoke check`` runs."""

from __future__ import annotations

from collections.abc import Iterator

from .checks import check_site
from .findings import Finding
from .model import ContentFile, SiteRules, parse_content_file

MARKDOWN_SUFFIXES = (".md", ".markdown")


def content_files(rules: SiteRules) -> Iterator[str]:
    """Markdown files under the article, meeting and page folders, relative to content/."""
    root = rules.content_root
    for folder in (*rules.article_dirs, *rules.meeting_dirs, *rules.page_dirs, *rules.document_dirs):
        base = root / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.suffix in MARKDOWN_SUFFIXES and path.is_file():
                    yield path.relative_to(root).as_posix()


def read_content(rules: SiteRules) -> tuple[list[ContentFile], list[Finding]]:
    """Parse every content file and run the cross-file checks."""
    documents: list[ContentFile] = []
    findings: list[Finding] = []
    for relpath in content_files(rules):
        document, problems = parse_content_file(relpath, (rules.content_root / relpath).read_bytes(), rules)
        findings += problems
        if document is not None:
            documents.append(document)
    findings += check_site(documents, rules)
    return documents, findings
