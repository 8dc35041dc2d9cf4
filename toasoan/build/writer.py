"""A Pelican writer that renders a page only when something it read has changed.

Each page is rendered while :mod:`.reads` records the names its templates read — context
names and Jinja globals, in every template it extends, includes or imports, only where a
value is used. The ledger of the build's run (:mod:`.outputs`) keeps, per output, the
names its last render read. The *key* of a page is its template's name and the
fingerprints (:mod:`.fingerprint`) of the current values of those names:

- the page's own content (``article``, ``page``) in full, any other content by its card
  and the fields beyond it the page read (recorded as ``".field"`` names; one read on a
  given article, ``".field@source"``, counts with that article's card alone);
- a setting is left out: settings are in the build key, as are the templates' sources;
- a Jinja global by a strict fingerprint (``article_json_ld`` is bound to the units roster);
  the environment's filters and tests likewise, all of them in every key; a name read but
  missing by the fact that it is missing.

For each page: when the last build recorded what it read and the ledger has that page from
the same key, the page is kept — nothing is rendered or written, and ``content_written`` is
still sent so that plugins collecting pages (the sitemap) see it. Otherwise it is rendered,
and its key is made from what this render read. This is sound because rendering is
deterministic: a page whose templates are unchanged and the values of every name it read
are unchanged reads the same names again (the same branches are taken) and renders the same
bytes; any changed value read on the way changes the key. A name in a branch not taken does
not count until a render takes it — which only a changed value read before it can cause.

Feeds are keyed by the full fingerprint of the entries they carry. A global, filter or test
that cannot be fingerprinted stops the build (:class:`UnknownGlobal`), read or not.

On a machine with more than one core the writer's pages and feeds are split between forked
processes, each rendering its share (:mod:`.share`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from pelican import signals
from pelican.paginator import Page as PaginatedPage
from pelican.paginator import Paginator
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from . import outputs, share
from .fingerprint import Fingerprinter, Sources, Unfingerprintable, card_fields, field_on, is_field, unseen_field
from .memory import release_page_garbage
from .outputs import Reads
from .reads import given, install, recording, records
from .run import SETTING, run_of

# Context names that hold the page's own content: fingerprinted in full, not as a card.
OWN_CONTENT = ("article", "page")
# Names the writer sets for each page (with relative URLs, SITEURL too).
PAGE_NAMES = frozenset(("output_file", "localsiteurl", "SITEURL"))
SOURCES = "sources"  # the run's Sources, in its scratch
TRIM_EVERY = 500  # pages rendered between two release_page_garbage() calls

logger = logging.getLogger(__name__)


class UnknownGlobal(Exception):
    """A Jinja global, filter or test the incremental build cannot fingerprint: its pages
    could go stale."""

    def __init__(self, name: str, kind: str) -> None:
        super().__init__(
            f"Biến toàn cục, bộ lọc hoặc phép thử Jinja {name!r} (kiểu {kind}) không lấy dấu được: "
            "bản dựng tăng dần không biết trang nào dùng nó cần dựng lại. Gợi ý: gán cho nó dữ liệu thuần (chuỗi, số, "
            "list, dict, dataclass), một hàm, hoặc functools.partial của một hàm với các giá trị đó.")


class IncrementalWriter(Writer):
    """Pelican's writer, asking the output ledger before each page and feed (see module doc)."""

    def __init__(self, output_path, settings=None) -> None:
        super().__init__(output_path, settings=settings)
        self.ledger = run_of(self.settings).ledger
        self._sources = sources_of(self.settings)  # the run's articles and pages, by source
        self._fingerprints: dict[tuple, Fingerprinter] = {}  # by the card it makes (card_fields())
        self._by_reads: dict[Reads, Fingerprinter] = {}  # the one for each set of names read
        # (context, environment, names read, names given for the page) → the context and
        # environment (kept alive: their ids stay unique), the key of what the page shares
        # with others, the names read it does not share, and the fields it read on one
        # article or page each (the name, the field, the source)
        self._shared: dict[tuple[int, int, Reads, tuple[str, ...]],
                           tuple[dict, object, str, list[str], list[tuple[str, str, str]]]] = {}
        # id of a Jinja environment → it, the fingerprint of each of its globals, and of all its filters and tests
        self._environments: dict[int, tuple[object, dict[str, str], str]] = {}
        self._reads: dict[Reads, Reads] = {}  # each set of names read, once
        self._rendered = 0  # pages this process rendered
        # source of an article or page → {output: how to write it again} for the pages and
        # feeds that show it in full (rewrite() renders them after a patch; toasoan.build.session),
        # in a run a preview keeps; None in any other.
        run = run_of(self.settings)
        self._shows: dict[str, dict[str, Callable[[], object]]] | None = {} if run.kept else None
        # The pages and feeds this process renders (None: all); the writer is made once the
        # generators' contexts are final, so the helpers start here.
        self.share: share.Share | None = share.start(self, run.scratch.pop(share.GENERATORS, ()))
        run.pages_begin()

    @staticmethod
    def hand_over(generators: list) -> None:
        """``all_generators_finalized``: the writer made next splits their pages (:mod:`.share`)."""
        share.hand_over(generators)

    @staticmethod
    def prepare(environment, settings: dict) -> None:
        """Make the templates of ``environment`` record what a page reads (a generator's, as
        it starts: before any template is compiled); ``settings``: the run's."""
        install(environment, partial(unseen_field, sources=sources_of(settings)))

    @staticmethod
    def note(content) -> None:
        """``content_object_init``: the run made ``content`` (its pages' keys find it by source)."""
        if content.settings.get(SETTING) is not None:
            sources_of(content.settings).note(content)

    def _fingerprinter(self, context, reads: Reads = ()) -> Fingerprinter:
        """One for the whole build per card (the fields beyond it in ``reads``): generators
        pass the shared context or copies of it."""
        found = self._by_reads.get(reads)
        if found is None:
            card = card_fields(reads)
            if card not in self._fingerprints:
                self._fingerprints[card] = Fingerprinter(context, self.settings, card=card)
            found = self._by_reads[reads] = self._fingerprints[card]
        return found

    def page_key(self, template, localcontext: dict, context: dict, own: tuple[str, ...], reads: Reads) -> str:
        """The key of a page whose render read ``reads`` (see module doc).

        ``own`` names the values given for this page alone; the other names read come from
        the generator's ``context`` or the environment's globals, and are fingerprinted once
        per context, environment and set of names.
        """
        environment = template.environment
        shared_key = (id(context), id(environment), reads, own)
        if shared_key not in self._shared:
            globals_, tools = self._environment(environment, context)
            names = [name for name in reads if not is_field(name)]
            rest = [name for name in names if name in own or name in PAGE_NAMES]
            in_context = [name for name in names if name in context and name not in rest]
            elsewhere = (f"{name}={globals_.get(name, '-')}" for name in names
                         if name not in context and name not in rest)
            on_one = [(name, *split) for name in reads if is_field(name) and (split := field_on(name))[1]]
            self._shared[shared_key] = (context, environment, outputs.digest(
                tools, self._values(in_context, context, context, reads), *elsewhere), rest, on_one)
        _, _, shared, rest, on_one = self._shared[shared_key]
        return outputs.digest(template.name, shared, self._values(rest, localcontext, context, reads),
                              *self._read_on_one(on_one, context))

    def _read_on_one(self, fields: list[tuple[str, str, str]], context: dict) -> Iterator[str]:
        """Each field read on one article or page, as it is now (``-``: no article or page of
        the run has that source any more); its card is in the key with the value it is in."""
        fingerprints = self._fingerprinter(context)
        for name, field, source in fields:
            content = self._sources.get(source)
            yield f"{name}={'-' if content is None else fingerprints.field(content, field)}"

    def _environment(self, environment, context: dict) -> tuple[dict[str, str], str]:
        """The strict fingerprint of each global of ``environment``, and one of all its filters
        and tests; a value that has none stops the build."""
        if id(environment) not in self._environments:
            strict = Fingerprinter(context, self.settings, strict=True)
            found: dict[str, dict[str, str]] = {}
            for kind in ("globals", "filters", "tests"):
                found[kind] = {}
                for name, value in given(getattr(environment, kind)).items():
                    try:
                        found[kind][name] = strict.of(value)
                    except Unfingerprintable as unknown:
                        raise UnknownGlobal(name, str(unknown)) from None
            tools = outputs.digest(*(f"{kind}:{name}={fingerprint}" for kind in ("filters", "tests")
                                     for name, fingerprint in sorted(found[kind].items())))
            self._environments[id(environment)] = (environment, found["globals"], tools)
        return self._environments[id(environment)][1:]

    def _values(self, names: list[str], localcontext: dict, context: dict, reads: Reads) -> str:
        fingerprints = self._fingerprinter(context, reads)
        parts = []
        for name in names:
            value = localcontext.get(name, _MISSING)
            if value is _MISSING:
                parts.append(f"{name}-")  # read, but not given to this page
                continue
            if self.settings.get(name, _MISSING) is value or name == SETTING:
                continue  # a setting: in the build key (the build's run shows nothing)
            fingerprint = fingerprints.page(value) if name in OWN_CONTENT else fingerprints.of(value)
            parts.append(f"{name}={fingerprint}")
        return outputs.digest(*parts)

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        if not name:
            return None
        to_paginate = paginated if paginated is not None else {
            k: v for k, v in kwargs.items() if k in ("articles", "dates")}
        if to_paginate and template_name in self.settings["PAGINATED_TEMPLATES"]:
            for save_as, page_kwargs in self._pages(name, url, template_name, to_paginate, kwargs):
                self.write_file(save_as, template, context, relative_urls, {}, None, override_output, **page_kwargs)
            return None
        pass_on = (name, template, context, relative_urls, paginated, template_name, override_output, url)
        again = partial(self.write_file, *pass_on, **kwargs)
        self._remember(name, again, (kwargs[n] for n in OWN_CONTENT if n in kwargs))
        if self._elsewhere(name):  # plugins still hear of it, as of a page kept
            if self.share.first:
                signals.content_written.send(os.path.join(self.output_path, name),
                                             context=_local_context(context, name, kwargs, relative_urls))
            return None
        localcontext = _local_context(context, name, kwargs, relative_urls)
        own = tuple(kwargs)
        last = self.ledger.reads_of(name)
        key = None if last is None else self.page_key(template, localcontext, context, own, last)
        if key is not None and self.ledger.fresh(name, key):
            signals.content_written.send(os.path.join(self.output_path, name), context=localcontext)
            return None
        with recording(_own_values(kwargs)) as found:
            self._write_page(name, template, context, localcontext, override_output)
        if not records(template.environment):  # what the page read is unknown: never kept
            self.ledger.wrote(name, None)
            return None
        self._rendered += 1
        if self._rendered % TRIM_EVERY == 0:  # what rendering freed goes back as it goes
            release_page_garbage()
        reads = tuple(sorted(found))
        if reads == last:
            reads = last  # and the key made from them stands
        else:
            reads = self._reads.setdefault(reads, reads)
            key = self.page_key(template, localcontext, context, own, reads)
        self.ledger.wrote(name, key, reads)
        return None

    def _write_page(self, name: str, template, context: dict, localcontext: dict, override: bool) -> None:
        """Render one page into its file as Pelican's ``Writer.write_file`` does (through its
        ``_open_w``, which keeps Pelican's rules on writing a file twice), but write each piece
        as its template makes it (``template.generate``): a page of thousands of items
        (``/tracker/``) is never held whole in memory, nor the pieces it would be joined from."""
        if localcontext["localsiteurl"]:
            context["localsiteurl"] = localcontext["localsiteurl"]
        path = sanitised_join(self.output_path, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with self._open_w(path, "utf-8", override=override) as file:
            file.writelines(template.generate(localcontext))
        logger.info('Writing "%s"', path)
        signals.content_written.send(path, context=localcontext)

    def _pages(self, name, url, template_name, to_paginate: dict, kwargs: dict) -> Iterator[tuple[str, dict]]:
        """Each page of a paginated list: where it goes and what it is given, as Pelican's
        ``Writer.write_file`` pages it — here, so each page is keyed before anything of it is
        made (Pelican would make its folder in the staging folder first)."""
        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        paginators = {key: Paginator(name, url, value, self.settings, per_page) for key, value in to_paginate.items()}
        for number in range(1, next(iter(paginators.values())).num_pages + 1):
            page_kwargs = kwargs.copy()
            for key, paginator in paginators.items():
                page = paginator.page(number)
                page_kwargs.update({
                    f"{key}_paginator": paginator,
                    f"{key}_page": page,
                    f"{key}_previous_page": paginator.page(number - 1) if number > 1 else None,
                    f"{key}_next_page": paginator.page(number + 1) if number < paginator.num_pages else None,
                })
            yield page.save_as, page_kwargs

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom",
                   override_output=False, feed_title=None):
        if path:
            fingerprints = self._fingerprinter(context)
            shown = elements[: self.settings["FEED_MAX_ITEMS"]]
            self._remember(path, partial(self.write_feed, elements, context, path, url, feed_type,
                                         override_output, feed_title), shown)
            if self._elsewhere(path):
                return None
            key = outputs.digest("feed", feed_type, url, feed_title, *(fingerprints.page(e) for e in shown))
            if self.ledger.fresh(path, key):
                return None
            self.ledger.wrote(path, key)
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)

    def _elsewhere(self, output: str) -> bool:
        """Whether another process renders ``output`` (:mod:`.share`); if not, and the work is
        shared, it is noted as this process's."""
        if self.share is None:
            return False
        if not self.share.owns(output):
            return True
        self.share.handled.append(output)
        return False

    def _remember(self, output: str, again: Callable[[], object], contents: Iterable) -> None:
        if self._shows is None:
            return
        for content in contents:
            self._shows.setdefault(content.source_path, {})[output] = again

    def rewrite(self, contents: Iterable) -> None:
        """Render again, into the ledger of the patch's run, every page and feed that shows one
        of ``contents`` in full: a resident preview gave them new bodies (toasoan.build.session)."""
        self.ledger = run_of(self.settings).ledger
        self.share = None  # a patch renders its few pages here
        self._written_files.clear()
        self._overridden_files.clear()
        again: dict[str, Callable[[], object]] = {}
        for content in contents:
            for fingerprints in self._fingerprints.values():
                fingerprints.forget(content)
            again.update((self._shows or {}).get(content.source_path, {}))
        for write in again.values():
            write()


def sources_of(settings: dict) -> Sources:
    """The articles and pages of the run ``settings`` belong to, by source."""
    return run_of(settings).scratch.setdefault(SOURCES, Sources())


def _own_values(kwargs: dict) -> list[object]:
    """The page's own article or page and its content model, and the pages of a listing it
    was given (this one and its neighbours): fingerprinted in full."""
    own = [kwargs[name] for name in OWN_CONTENT if name in kwargs]
    return (own + [model for content in own if (model := getattr(content, "content_file", None)) is not None]
            + [value for value in kwargs.values() if isinstance(value, PaginatedPage)])


def _local_context(context: dict, name: str, kwargs: dict, relative_urls: bool) -> dict:
    """The context Pelican's writer renders ``name`` with (as ``Writer.write_file`` builds it)."""
    localcontext = context.copy()
    localcontext["localsiteurl"] = localcontext.get("localsiteurl", None)
    if relative_urls:
        relative_url = path_to_url(get_relative_path(name))
        localcontext["SITEURL"] = relative_url
        localcontext["localsiteurl"] = relative_url
    localcontext["output_file"] = name
    localcontext.update(kwargs)
    return localcontext


_MISSING = object()
