"""A Pelican reader for Markdown files with YAML front matter.

The file is parsed once by :func:`toasoan.model.parse_content_file`; the reader only turns
the model object into Pelican metadata and the Markdown body into safe HTML. A file
with errors is recorded with its findings and skipped (``status: skip``); the
``content_checks`` plugin then stops the build before anything is written. A draft or an
article dated in the future is skipped too in a public build (``SHOW_DRAFTS = False``,
:mod:`toasoan.publication`): nothing of it is written; the local preview shows it marked.

When a Pelican run starts (``get_generators``), every content file is parsed and rendered up front
by :func:`toasoan.parsing.parse_files`: on all CPUs, and from the parse cache in
``.cache/toasoan/build/`` beside the content folder when the file has not changed. What
is parsed now also goes, without its HTML, into the cache ``invoke check`` and the review
read (:func:`toasoan.content.site_cache`), so they do not parse it again. The reader then
only looks the result up. When the generators are done, each article and
page gets its URL and output path computed once (templates ask for them many times).
"""

from __future__ import annotations

import functools
import html
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from markdown import Markdown
from pelican import signals
from pelican.readers import BaseReader
from pelican.urlwrappers import Author, Category, Tag, URLWrapper

from toasoan.build.generators import generator_contents
from toasoan.build.memory import release_free_memory
from toasoan.build.run import run_of
from toasoan.content import content_bytes, local_cache, site_cache
from toasoan.model import Article, ContentFile, Document, MeetingReport, Page, SiteRules
from toasoan.parsing import (
    ParseCache,
    ParsedFile,
    code_fingerprint,
    content_key,
    model_cache,
    model_modules,
    parse_files,
    save_caches,
)
from toasoan.publication import publication
from toasoan.safety import sanitize
from toasoan.settings import plugin_enabled, site_rules

from .figures import FigureExtension
from .links import LinkExtension
from .withheld import static_targets, unlink, withhold

_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAGS = re.compile(r"<[^>]+>")


class NewsroomReader(BaseReader):
    """Reads ``.md`` files through the content model and keeps what it found."""

    enabled = True
    file_extensions = ["md", "markdown"]  # noqa: RUF012 - Pelican reads this class attribute

    def __init__(self, settings: dict) -> None:
        super().__init__(settings)
        self.rules, self.findings = site_rules(settings)
        self.publication = publication(settings)
        self.documents: list[ContentFile] = []
        self.withheld: set[str] = set()  # static files the unreleased files it left out use
        self.left_out: set[str] = set()  # those files, under the content folder
        self.renderer = HtmlRenderer(settings, self.rules)
        # One Author, Category and Tag object per name, shared by every article that has it
        # (as Pelican would make one per article): thousands fewer objects for a run to
        # hold (a preview keeps its run). Pelican compares them by slug either way.
        self._named: dict[tuple[type, str], URLWrapper] = {}

    def _relpath(self, source_path: str) -> str:
        return os.path.relpath(source_path, self.rules.content_root).replace(os.sep, "/")

    def read(self, source_path: str) -> tuple[str, dict]:
        relpath = self._relpath(source_path)
        with open(source_path, "rb") as handle:
            raw = handle.read()
        parsed = (_prefetched(self.settings, relpath, raw)
                  or parse_remembered(self.settings, self.rules, [(relpath, raw)], self.renderer, whole=False)[relpath])
        self.findings.extend(parsed.findings)
        if parsed.content_file is None:
            return "", {"status": "skip", "title": relpath}
        document = parsed.content_file.rendered()  # the body is kept as HTML only, by Pelican
        self.documents.append(document)  # checked like any other file, shown or not
        if not self.publication.shows(document):  # a draft or scheduled file, in a public build
            self.withheld |= static_targets(document, parsed.html)
            self.left_out.add(relpath)
            return "", {"status": "skip", "title": relpath}
        return parsed.html, self.metadata(document, parsed.html)

    def forget(self, source_path: str) -> None:
        """Drop what reading ``source_path`` found: it is about to be read again."""
        shown_as = self.rules.display_path(self._relpath(source_path))
        self.documents = [d for d in self.documents if d.source != shown_as]
        self.findings = [f for f in self.findings if f.file != shown_as]

    def _named_as(self, kind: type[URLWrapper], name: str) -> URLWrapper:
        found = self._named.get((kind, name))
        if found is None:
            found = self._named[kind, name] = kind(name, self.settings)
        return found

    def metadata(self, document: ContentFile, body: str) -> dict:
        s = self.settings
        meta: dict = {
            "title": document.title,  # text: templates autoescape it
            "slug": document.slug,
            "status": document.status,
            "kind": document.kind,
            "content_file": document,
            "unreleased": self.publication.note(document),  # "Bản nháp" / "Hẹn đăng …" banner, or None
            "summary": html.escape(document.summary, quote=False) if document.summary
            else first_paragraph(body),
        }
        if isinstance(document, Article):
            meta.update(
                date=document.date,
                authors=[self._named_as(Author, a) for a in document.authors],
                category=self._named_as(Category, document.category),
                image=document.image,
                image_alt=document.image_alt,
                image_caption=document.image_caption,
            )
            if document.tags:
                meta["tags"] = [self._named_as(Tag, t) for t in document.tags]
            if document.modified:
                meta["modified"] = document.modified
        if isinstance(document, MeetingReport):
            meta.update(meeting=document.meeting, decisions=document.decisions,
                        action_items=document.action_items, updates=document.updates)
        if isinstance(document, Page):
            meta["order"] = document.order
        if isinstance(document, Document):
            meta.update(template="document", number=document.number, issued=document.issued,
                        issuer=document.issuer, doc_type=document.doc_type, file=document.file)
            if document.is_published:  # a draft keeps Pelican's draft address (DRAFT_PAGE_URL)
                meta.update(
                    url=s.get("DOCUMENT_URL", "van-ban/{slug}/").format(slug=document.slug),
                    save_as=s.get("DOCUMENT_SAVE_AS", "van-ban/{slug}/index.html").format(slug=document.slug),
                )
        return meta


def markdown_options(settings: dict) -> dict:
    """Python-Markdown's keyword arguments from the ``MARKDOWN`` setting: every extension it
    configures is loaded, as Pelican's own Markdown reader does."""
    options = dict(settings.get("MARKDOWN") or {})
    options["extensions"] = [*options.get("extensions", []), *options.get("extension_configs", {})]
    return options


class HtmlRenderer:
    """Markdown (the ``MARKDOWN`` settings, figures, resolved links) → sanitised HTML."""

    def __init__(self, settings: dict, rules: SiteRules) -> None:
        self._options = markdown_options(settings)
        self._links = LinkExtension(rules.content_root)
        self.iframe_hosts = rules.iframe_hosts

    @functools.cached_property
    def _markdown(self) -> Markdown:
        """Made when the first file is rendered: Pelican makes a reader for every build and
        extension, and a build that finds its pages parsed already renders none."""
        return Markdown(**{**self._options, "extensions": [*self._options["extensions"], FigureExtension(),
                                                           self._links]})

    def __call__(self, markdown_text: str, relpath: str = "") -> str:
        self._markdown.reset()
        self._links.relpath = relpath
        return sanitize(self._markdown.convert(markdown_text), self.iframe_hosts)


# --------------------------------------------------------------------------- read once, up front
# The run holds (scratch) every file parsed up front: {relpath: (content key, parsed)}.
PREFETCHED = "yaml_frontmatter.prefetched"
CACHE_SAVE = "yaml_frontmatter.cache_save"  # the parse caches being saved (toasoan.parsing.CacheSave)


def cache_folder(rules: SiteRules) -> Path:
    """Where parsed files are kept between builds: ``.cache/toasoan/build`` beside ``content/``."""
    return local_cache(rules.content_root.resolve().parent, "build")


def parse_fingerprint(settings: dict, rules: SiteRules) -> str:
    """What a parse depends on besides the file: rules, Markdown settings, code, libraries."""
    plugin = sorted(Path(__file__).resolve().parent.glob("*.py"))
    return code_fingerprint(rules, settings.get("MARKDOWN"), modules=[*model_modules(), *plugin],
                            packages=("markdown", "nh3", "pyyaml", "pelican"))


def prefetch(pelican) -> None:
    """``get_generators`` (a run starts): parse and render every content file (cache, then
    all CPUs)."""
    settings = pelican.settings
    if not plugin_enabled(settings, "yaml_frontmatter"):
        return
    rules, _ = site_rules(settings)
    keys: dict[str, str] = {}  # each file's cache key, from the bytes read now

    def read() -> Iterator[tuple[str, bytes]]:
        for relpath, raw in content_bytes(rules):
            keys[relpath] = content_key(relpath, raw)
            yield relpath, raw

    parsed = parse_remembered(settings, rules, read(), HtmlRenderer(settings, rules), whole=True)
    run_of(settings).scratch[PREFETCHED] = {relpath: (key, parsed[relpath]) for relpath, key in keys.items()}
    del parsed
    release_free_memory()  # the files read, the parse pool's pickles


def parse_remembered(settings: dict, rules: SiteRules, files: Iterable[tuple[str, bytes]], render: HtmlRenderer,
                     *, whole: bool) -> dict[str, ParsedFile]:
    """``files`` parsed through the build's parse cache (``whole``: they are every content
    file, so the cache keeps only them), and put into the cache ``invoke check`` reads."""
    cache = ParseCache(cache_folder(rules), parse_fingerprint(settings, rules), rules.content_root, prune=whole)
    shared = model_cache(site_cache(rules.content_root.resolve().parent), rules, prune=False)
    parsed = parse_files(files, rules, render, cache, also=shared)
    saving = save_caches(shared, cache, beside=whole)  # every file: beside Pelican reading them
    if whole:
        run_of(settings).scratch[CACHE_SAVE] = saving  # awaited at all_generators_finalized
    return parsed


def cache_saved(generators: list) -> None:
    """``all_generators_finalized``: the parse caches are saved (before the pages' helpers fork)."""
    if generators and (saving := run_of(generators[0].settings).scratch.pop(CACHE_SAVE, None)) is not None:
        saving.join()


def _prefetched(settings: dict, relpath: str, raw: bytes) -> ParsedFile | None:
    """The up-front result for this file, if it was parsed from these very bytes; taken, so
    that its Markdown goes once the file is read."""
    key, parsed = run_of(settings).scratch.get(PREFETCHED, {}).pop(relpath, ("", None))
    return parsed if parsed is not None and key == content_key(relpath, raw) else None


def fix_urls(generator) -> None:
    """``*_generator_finalized``: compute each article's and page's URL and path once."""
    if not plugin_enabled(generator.settings, "yaml_frontmatter"):
        return
    for content in generator_contents(generator):
        if getattr(content, "content_file", None) is not None:
            content.override_url = content.url
            content.override_save_as = content.save_as


def first_paragraph(body: str) -> str:
    """The first paragraph of rendered HTML as plain, escaped text (the default summary)."""
    for match in _FIRST_PARAGRAPH.finditer(body):
        text = html.unescape(_TAGS.sub("", match.group(1))).strip()
        if text:
            return html.escape(" ".join(text.split()), quote=False)
    return ""


def leave_out_unreleased(generators: list) -> None:
    """``all_generators_finalized``: static files only unreleased files use are not copied,
    links to unreleased files are taken out (:mod:`.withheld`)."""
    if not generators or not plugin_enabled(generators[0].settings, "yaml_frontmatter"):
        return
    readers = {id(r): r for g in generators for r in getattr(getattr(g, "readers", None), "readers", {}).values()
               if isinstance(r, NewsroomReader)}
    withhold(generators, set().union(*(r.withheld for r in readers.values())))
    unlink(generators, set().union(*(r.left_out for r in readers.values())))


def add_reader(readers) -> None:
    """Ours is the only reader: Pelican's HTML (and reStructuredText) readers would publish a
    writer's file as it is, scripts included, outside the sanitised Markdown."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is not BaseReader:  # BaseReader only hands static files over as they are
            del readers.reader_classes[extension]
    for extension in NewsroomReader.file_extensions:
        readers.reader_classes[extension] = NewsroomReader


def register() -> None:
    signals.readers_init.connect(add_reader)
    signals.get_generators.connect(prefetch)
    signals.all_generators_finalized.connect(cache_saved)
    signals.article_generator_finalized.connect(fix_urls)
    signals.page_generator_finalized.connect(fix_urls)
    signals.all_generators_finalized.connect(leave_out_unreleased)
