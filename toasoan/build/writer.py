"""A Pelican writer that renders a page only when what it shows has changed.

Before rendering, the writer asks the ledger of its build's run (:mod:`toasoan.build.run`) whether
the previous build wrote the same file from the same key (see :mod:`.fingerprint`). If so
the page is kept: nothing is rendered or written, and ``content_written`` is still sent so
that plugins collecting pages (the sitemap) see it. Feeds are keyed by the full
fingerprint of the entries they carry.

The Jinja globals a template uses (``article_json_ld``, bound by site_metadata to the units
roster) and the environment's filters and tests are part of its pages' keys. Each is
fingerprinted strictly, once per environment: one whose value cannot be fingerprinted stops
the build (:class:`UnknownGlobal`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator
from functools import partial

from pelican import signals
from pelican.paginator import Paginator
from pelican.utils import get_relative_path, path_to_url
from pelican.writers import Writer

from . import outputs
from .fingerprint import Fingerprinter, TemplateNames, Unfingerprintable
from .run import SETTING, run_of

# Context names that hold the page's own content: fingerprinted in full, not as a card.
OWN_CONTENT = ("article", "page")
# Names the writer sets for each page (with relative URLs, SITEURL too).
PAGE_NAMES = frozenset(("output_file", "localsiteurl", "SITEURL"))


class UnknownGlobal(Exception):
    """A Jinja global, filter or test the incremental build cannot fingerprint: its pages
    could go stale."""

    def __init__(self, name: str, kind: str) -> None:
        super().__init__(
            f"Biến toàn cục, bộ lọc hoặc phép thử Jinja {name!r} (kiểu {kind}) không lấy dấu được: "
            "bản dựng tăng dần không biết trang nào dùng nó cần dựng lại. Gợi ý: gán cho nó dữ liệu thuần (chuỗi, số, "
            "list, dict, dataclass), một hàm, hoặc functools.partial của một hàm với các giá trị đó.")


class IncrementalWriter(Writer):
    """Pelican's writer, asking the output ledger before each page and feed."""

    def __init__(self, output_path, settings=None) -> None:
        super().__init__(output_path, settings=settings)
        self.ledger = run_of(self.settings).ledger
        self._fingerprints: Fingerprinter | None = None
        self._names: TemplateNames | None = None  # the generators' environments share the theme
        self._shared: dict[tuple[str, int], tuple[dict, str]] = {}
        # id of a Jinja environment → it, and the fingerprint of each of its globals
        self._globals: dict[int, tuple[object, dict[str, str]]] = {}
        # source of an article or page → {output: how to write it again} for the pages and
        # feeds that show it in full (rewrite() renders them after a patch; toasoan.build.session).
        self._shows: dict[str, dict[str, Callable[[], object]]] = {}

    def __getstate__(self) -> dict:
        """Saved with a run (toasoan.build.saved_run); a patch gives it the ledger of its build."""
        return {**vars(self), "ledger": None, "_globals": {}}

    def __setstate__(self, state: dict) -> None:
        """Taken up in a new process: contexts have new identities."""
        self.__dict__.update(state)
        self._shared = {(template, id(context)): (context, values)
                        for (template, _), (context, values) in state["_shared"].items()}

    def _fingerprinter(self, context) -> Fingerprinter:
        """One for the whole build: generators pass the shared context or copies of it."""
        if self._fingerprints is None:
            self._fingerprints = Fingerprinter(context, self.settings)
        return self._fingerprints

    def page_key(self, template, localcontext: dict, context: dict, own: Collection[str]) -> str:
        """What the page shows: its template and the values of the names it uses.

        ``own`` names the values given for this page alone; the others come from the
        generator's ``context`` and are fingerprinted once per template and context.
        """
        if self._names is None:
            self._names = TemplateNames(template.environment)
        used = self._names(template.name)
        names = localcontext.keys() if used is None else used & localcontext.keys()
        own_names = sorted(n for n in names if n in own or n in PAGE_NAMES)
        shared_key = (template.name, id(context))
        if shared_key not in self._shared:  # the context is kept alive: its id stays unique
            shared = sorted(n for n in names if n not in own and n not in PAGE_NAMES)
            self._shared[shared_key] = (context, self._values(shared, localcontext, context))
        return outputs.digest(template.name, self._shared[shared_key][1],
                              self._values(own_names, localcontext, context),
                              self._globals_used(template.environment, used, localcontext, context))

    def _globals_used(self, environment, used: frozenset[str] | None, localcontext: dict, context: dict) -> str:
        """The fingerprints of the environment's globals the template uses (all, when that
        cannot be known; the context hides a global of the same name) and of its filters and
        tests (all of them: a template's filters are not looked for)."""
        if id(environment) not in self._globals:
            strict = Fingerprinter(context, self.settings, strict=True)
            found = {}
            for kind in ("globals", "filters", "tests"):
                for name, value in getattr(environment, kind).items():
                    try:
                        found[name if kind == "globals" else f"|{kind}:{name}"] = strict.of(value)
                    except Unfingerprintable as unknown:
                        raise UnknownGlobal(name, str(unknown)) from None
            self._globals[id(environment)] = (environment, found)
        fingerprints = self._globals[id(environment)][1]
        names = {name for name in fingerprints if name.startswith("|")}
        shown = fingerprints.keys() - names - localcontext.keys()
        names |= shown if used is None else shown & used
        return outputs.digest(*(f"{name}={fingerprints[name]}" for name in sorted(names)))

    def _values(self, names: list[str], localcontext: dict, context: dict) -> str:
        fingerprints = self._fingerprinter(context)
        parts = []
        for name in names:
            value = localcontext[name]
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
        localcontext = _local_context(context, name, kwargs, relative_urls)
        key = self.page_key(template, localcontext, context, kwargs.keys())
        if self.ledger.fresh(name, key):
            signals.content_written.send(os.path.join(self.output_path, name), context=localcontext)
            return None
        self.ledger.wrote(name, key)
        return super().write_file(*pass_on, **kwargs)

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
            key = outputs.digest("feed", feed_type, url, feed_title, *(fingerprints.page(e) for e in shown))
            if self.ledger.fresh(path, key):
                return None
            self.ledger.wrote(path, key)
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)

    def _remember(self, output: str, again: Callable[[], object], contents: Iterable) -> None:
        for content in contents:
            self._shows.setdefault(content.source_path, {})[output] = again

    def forget_fingerprints(self) -> None:
        """Forget every value fingerprinted: they only spare a later patch in this process work."""
        if self._fingerprints is not None:
            self._fingerprints.forget_all()

    def rewrite(self, contents: Iterable) -> None:
        """Render again, into the ledger of the patch's run, every page and feed that shows one
        of ``contents`` in full: a resident preview gave them new bodies (toasoan.build.session)."""
        self.ledger = run_of(self.settings).ledger
        self._written_files.clear()
        self._overridden_files.clear()
        again: dict[str, Callable[[], object]] = {}
        for content in contents:
            if self._fingerprints is not None:
                self._fingerprints.forget(content)
            again.update(self._shows.get(content.source_path, {}))
        for write in again.values():
            write()


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
