"""What unreleased content leaves behind in a public build, taken out before anything is
written (``all_generators_finalized``).

* Files under ``images/`` and ``files/`` that only unreleased content uses: a draft's photo
  or the PDF of a draft Văn bản is as private as its text. The reader records what each file
  it leaves out links to (``{static}``/``{attach}`` links of its body, its ``image`` or
  ``file``); those no released article or page uses are taken off the static generator's list.
* Links from released articles and pages to an unreleased one (its path would stay in the
  page as an unresolved ``{filename}`` link): the link goes, its text stays, and the build
  says so in Vietnamese.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from toasoan.build.generators import body_of, generator_contents
from toasoan.model import Article, ContentFile, Document

logger = logging.getLogger(__name__)

_STATIC_LINK = re.compile(r"\{(?:static|attach)\}/?([^\"'#?\s>]+)")


def static_targets(document: ContentFile, html: str) -> set[str]:
    """The files under the content folder ``document`` shows or links to."""
    found = set(_STATIC_LINK.findall(html))
    if isinstance(document, Article) and document.image:
        found.add(document.image)
    if isinstance(document, Document) and document.file:
        found.add(document.file)
    return found


def released_targets(contents: Iterable[object], static_links: Iterable[str]) -> set[str]:
    """What released articles and pages use: Pelican's static links, their images and files."""
    used = set(static_links)
    for content in contents:
        document = getattr(content, "content_file", None)
        if document is not None:
            used |= static_targets(document, "")
    return used


def withhold(generators: list, withheld: set[str]) -> list[str]:
    """Drop the static files in ``withheld`` that no released content uses; what was dropped."""
    if not withheld:
        return []
    context = generators[0].context
    contents = [c for key in ("articles", "translations", "hidden_articles", "pages", "hidden_pages")
                for c in context.get(key, ())]
    private = withheld - released_targets(contents, context.get("static_links", ()))
    dropped = []
    for generator in generators:
        files = getattr(generator, "staticfiles", None)
        if files is None:
            continue
        gone = [f for f in files if f.relative_source_path.replace("\\", "/") in private]
        dropped += [f.relative_source_path for f in gone]
        files[:] = [f for f in files if f.relative_source_path.replace("\\", "/") not in private]
        for path in private:
            context.get("static_content", {}).pop(path, None)
    return dropped


def unlink(generators: list, sources: set[str]) -> list[tuple[str, str]]:
    """Replace each link of a released article or page to one of ``sources`` (paths under
    the content folder of files left out) by its text; (page, target) of each link removed."""
    if not sources:
        return []
    pattern = re.compile(r'<a\s[^>]*href="\{filename\}/?(' + "|".join(map(re.escape, sorted(sources)))
                         + r')(?:#[^"]*)?"[^>]*>(.*?)</a>', re.S)
    removed = []
    for generator in generators:
        for content in generator_contents(generator):
            body = body_of(content) if getattr(content, "content_file", None) is not None else ""
            if "{filename}" not in body or not pattern.search(body):
                continue
            removed += [(content.content_file.source, m.group(1)) for m in pattern.finditer(body)]
            content._content = pattern.sub(lambda m: m.group(2), body)
    for page, target in removed:
        logger.warning("%s liên kết tới %s, bài chưa đăng (bản nháp hoặc hẹn đăng): trang công khai bỏ "
                       "liên kết này, giữ chữ.", page, target)
    return removed
