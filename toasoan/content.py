"""Read a whole content folder through the model: what ``invoke check`` runs."""

from __future__ import annotations

from collections.abc import Iterator

from .checks import check_site
from .findings import Finding
from .model import ContentFile, SiteRules
from .parsing import ParseCache, code_fingerprint, model_modules, parse_files

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
    """Parse every content file and run the cross-file checks.

    Files are parsed on every CPU and remembered in ``.cache/toasoan/check/`` beside the
    content folder (:mod:`toasoan.parsing`), so checking again after an edit parses only
    what changed.
    """
    files = [(relpath, (rules.content_root / relpath).read_bytes()) for relpath in content_files(rules)]
    cache = ParseCache(rules.content_root.resolve().parent / ".cache" / "toasoan" / "check",
                       code_fingerprint(rules, modules=model_modules(), packages=("pyyaml",)))
    parsed = parse_files(files, rules, cache=cache)
    cache.save()
    documents = [p.content_file for p in parsed.values() if p.content_file is not None]
    findings = [f for p in parsed.values() for f in p.findings]
    findings += check_site(documents, rules)
    return documents, findings
