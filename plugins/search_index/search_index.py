"""Index the built site with Pagefind, so that Vietnamese search ignores diacritics, "đ" included.

Pagefind reads the pages marked ``data-pagefind-body`` (articles, meeting reports, pages,
action items) and folds tone marks itself ("hoc" finds "Học"), but it leaves "đ" alone:
"dao" would not find "Đào". So each page is given to Pagefind with one extra, invisible
metadata field, ``folded``, holding the ASCII form (``toasoan.text.fold``) of every word
Pagefind cannot fold by itself. Those copies exist only in a temporary folder: the pages
visitors download stay as Pelican wrote them. The search page folds the query the same
way (theme/static/js/search.js), and lists exact matches before folded ones.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import subprocess
import tempfile
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from toasoan.settings import plugin_enabled
from toasoan.text import fold

logger = logging.getLogger(__name__)

PLUGIN_NAME = "search_index"
BUNDLE_DIR = "pagefind"
LANGUAGE = "vi"
FOLDED_FIELD = "folded"
# Parts of a page body that are not its content (links to other pages); Pagefind skips them
# and so do the folded words. Only tag names and ".class" selectors.
EXCLUDE = ("nav", ".neighbours", ".related", ".provenance", ".tags")
TIMEOUT = 600  # seconds; a stuck indexer must not hang a build forever

_WORD = re.compile(r"\w+")
_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                   "track", "wbr"])
_SKIPPED = frozenset(("script", "style", "template", "noscript", "svg"))
_BODY = "data-pagefind-body"
_IGNORE = "data-pagefind-ignore"


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the build must fail and keep the old output."""


def native_fold(word: str) -> str:
    """What Pagefind does to a word itself: lower case, combining marks removed."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def folded_words(text: str) -> list[str]:
    """ASCII forms of the words Pagefind cannot fold by itself ("Đào" → "dao"), each once."""
    words: dict[str, None] = {}
    for word in _WORD.findall(text):
        folded = fold(word)
        if folded and folded != native_fold(word):
            words.setdefault(folded, None)
    return list(words)


def _excluded(tag: str, attrs: dict[str, str | None]) -> bool:
    classes = set((attrs.get("class") or "").split())
    return (tag in _SKIPPED or _IGNORE in attrs
            or any(s == tag or (s.startswith(".") and s[1:] in classes) for s in EXCLUDE))


class BodyText(HTMLParser):
    """The text Pagefind indexes: inside ``data-pagefind-body``, outside ignored parts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, in body, ignored)
        self.found = False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        in_body, ignored = self.stack[-1][1:] if self.stack else (False, False)
        if _BODY in attrs:
            self.found = in_body = True
        if tag not in _VOID:
            self.stack.append((tag, in_body, ignored or _excluded(tag, attrs)))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][1] and not self.stack[-1][2]:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(self.parts)


def prepare(page: str) -> str | None:
    """The page as Pagefind should read it, or None when it is not searchable."""
    parser = BodyText()
    parser.feed(page)
    parser.close()
    if not parser.found:
        return None
    words = folded_words(parser.text)
    if not words or "</head>" not in page:
        return page
    field = (f'<meta data-pagefind-meta="{FOLDED_FIELD}[content]" '
             f'content="{html.escape(" ".join(words))}">')
    return page.replace("</head>", field + "</head>", 1)


def pagefind_executable() -> Path:
    """The Pagefind binary shipped by the PyPI package ``pagefind[bin]``."""
    try:
        from pagefind_bin import get_executable
    except ImportError as error:
        raise SearchIndexError("Thiếu gói pagefind[bin] (Pagefind): chạy script/bootstrap.") from error
    return get_executable()


def drop_default_ui(bundle: Path) -> None:
    """Remove Pagefind's ready-made search interfaces: the site has its own (search.js)."""
    for name in ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight"):
        for path in bundle.glob(f"{name}.*"):
            path.unlink()


def index_site(output: Path) -> int:
    """Write the Pagefind bundle to ``output/pagefind/``; returns how many pages it indexed.

    Raises SearchIndexError when Pagefind fails. A site without searchable pages gets no
    bundle (the search page then says so).
    """
    output = Path(output).resolve()
    bundle = output / BUNDLE_DIR
    shutil.rmtree(bundle, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="search-index-") as scratch:
        pages = Path(scratch) / "site"
        count = 0
        for source in sorted(output.rglob("*.html")):
            prepared = prepare(source.read_text(encoding="utf-8"))
            if prepared is not None:
                copy = pages / source.relative_to(output)
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_text(prepared, encoding="utf-8")
                count += 1
        if not count:
            logger.warning("Không có trang nào để lập chỉ mục tìm kiếm (thiếu data-pagefind-body).")
            return 0
        command = [str(pagefind_executable()), "--site", str(pages), "--output-path", str(bundle),
                   "--force-language", LANGUAGE, "--exclude-selectors", ", ".join(EXCLUDE), "--quiet"]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise SearchIndexError(f"Không chạy được Pagefind: {error}") from error
    if run.returncode != 0 or not (bundle / "pagefind.js").is_file():
        shutil.rmtree(bundle, ignore_errors=True)
        detail = (run.stderr or run.stdout).strip()
        raise SearchIndexError(f"Pagefind không lập được chỉ mục tìm kiếm (mã {run.returncode}): {detail}")
    drop_default_ui(bundle)
    logger.info("Đã lập chỉ mục tìm kiếm cho %d trang.", count)
    return count


def index_after_build(pelican: object) -> None:
    """``finalized`` handler: index what Pelican has just written (when PLUGINS lists us)."""
    if plugin_enabled(pelican.settings, PLUGIN_NAME):
        index_site(Path(pelican.output_path))


def register() -> None:
    from pelican import signals

    signals.finalized.connect(index_after_build)
