"""Body edits patched into the last Pelican run a preview keeps in memory (``invoke
livereload``, the desk).

A writer previewing an article changes its text far more often than anything else. When the
only change since the session's last build is the body of existing articles or pages —
their front matter, their summary and the files their bodies link to are as they were — the
session reads just those files again, puts each new body into the article or page object of
its last Pelican run, and renders again only what shows a body in full: the page itself and
the feeds that carry it; then the run makes every plugin's recipe again
(:meth:`toasoan.build.run.BuildRun.remake`: the search shard of the page, content checks, the
JSON Feed, the sitemap — each writes only what its keys say changed). Before the patch, the
recipes that can start early get the changed files read on their own
(:meth:`~toasoan.build.run.BuildRun.start_early`): Pagefind indexes the edited page's shard
meanwhile. bench/RESULTS.md has what a patch takes, against a Pelican run that visits every
page.

Anything else — the session's first build, a title, a date, a new or deleted file, an action
item, a template, a setting, a commit, or a body shown by a page it does not belong to (a
listing of full texts) — runs the incremental build of :mod:`toasoan.build.plan` in the same
process, and that run becomes the one kept. Either way the output is byte for byte what a
clean build writes (tests/test_preview.py), and a failed build leaves ``output/`` untouched.
A run lives only in the process that made it: ``invoke build`` (:func:`toasoan.build.plan.build_site`)
never patches, and nothing of Pelican's is saved to disk.
"""

from __future__ import annotations

import gc
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from pelican import Pelican

from .fingerprint import LISTS, field_on, is_field, source_of
from .generators import body_of, generator_contents
from .outputs import FullBuild, Patch
from .plan import BuildInputs, BuildPlan, BuildResult, PreviousBuild, run_pelican
from .run import SETTING, BuildRun, Recipe

logger = logging.getLogger(__name__)


@dataclass
class _Run:
    """The session's last successful Pelican run: its objects and what it read."""

    pelican: object
    generators: list
    writer: object
    inputs: BuildInputs  # what its objects hold now: what the run read, and the bodies patched in since
    staging: Path  # the run's OUTPUT_PATH: a patch renders there again
    id: str  # the manifest of every build this run made names it
    memory: dict[str, object]  # what plugins keep of it for a patch (BuildRun.memory)
    recipes: dict[str, Recipe]  # what plugins declared to its Pelican object (BuildRun.recipes)

    @property
    def places(self) -> tuple[dict, ...]:
        """Where a build that patches this run puts its BuildRun: the run's settings and context."""
        return (self.pelican.settings, *(self.generators[0].context,) * bool(self.generators))


@dataclass
class _Edit:
    """A content file whose body changed: the object of the last run, and the one just read."""

    kept: object  # pelican.contents.Content of the last run
    read: object  # the same file read again


class _Resident(Pelican):
    """Pelican, keeping the writer it made."""

    def _get_writer(self):
        self.writer = super()._get_writer()
        return self.writer


class BuildSession:
    """The builds of a preview (``invoke livereload``, the desk): each one patches the run the
    session keeps when only bodies changed since it, and runs Pelican otherwise (see module
    doc). The session's first build runs Pelican, whose run it keeps."""

    def __init__(self, settings_file: str | Path = "pelicanconf.py", **overrides: object) -> None:
        self.settings_file = settings_file
        self.overrides = overrides
        self._last: _Run | None = None

    def build(self) -> BuildResult:
        """Build what changed since the last build (see module doc); never raises."""
        plan = BuildPlan.make(self.settings_file, **self.overrides)
        if self._last is not None:
            plan = plan.restaged(self._last.staging)  # the kept run's objects write into its staging folder
            if nothing_to_do := plan.unchanged():
                return nothing_to_do
            result = self._patched(plan)
            if result is not None:
                if result.ok:
                    self._last.inputs = plan.inputs
                else:
                    self._last = None  # a failed patch may have left bodies half-replaced
                return result
        self._last = None
        run = uuid.uuid4().hex
        build = BuildRun(plan.ledger(), kept=True)
        result = plan.run(build, lambda: self._run_pelican(plan, run, build), run=run)
        if not result.ok:
            self._last = None
        return result

    def _patched(self, plan: BuildPlan) -> BuildResult | None:
        """The build that patches the kept run, or None when it cannot (more than bodies changed,
        an output was edited by hand, someone else built into the output since)."""
        last = self._last
        # The build's one run. Recipes get the edited files first (``start_early``: Pagefind
        # starts on them), before the patch's ledger reads the manifest's files; until then the
        # run's ledger needs none and only tells them which output the build updates.
        build = BuildRun(FullBuild(plan.output, plan.staging, plan.key), memory=last.memory, recipes=last.recipes)
        with build.driving(*last.places):
            _start_early(build, last.pelican, self._kept_classes(plan))
        build.ledger = plan.ledger(Patch)
        if not build.ledger.all_intact():  # a patch keeps every other output as the last build left it
            return None
        try:
            edits = self._body_edits(plan)
        except Exception:  # e.g. a file gone while read: the Pelican run reports it
            logger.debug("no patch", exc_info=True)
            return None
        if not edits:
            return None
        result = plan.run(build, lambda: self._patch(edits, build), run=last.id)
        if result.ok:
            result.patched = tuple(sorted(e.kept.source_path for e in edits))
        return result

    # ------------------------------------------------------------------ Pelican runs
    def _run_pelican(self, plan: BuildPlan, run: str, build: BuildRun) -> None:
        from pelican import signals

        kept: dict[str, list] = {}

        def keep(generators: list) -> None:
            kept["generators"] = generators

        _forget_memoised()  # the last run's objects may go now
        gc.unfreeze()
        pelican = _Resident(plan.settings)
        with signals.all_generators_finalized.connected_to(keep):
            run_pelican(pelican)
        kept["generators"][0].context.pop(SETTING, None)  # the context copied the settings: the run is over
        if hasattr(pelican.writer, "rewrite"):  # the incremental writer: it can render pages again
            self._last = _Run(pelican, kept["generators"], pelican.writer, plan.inputs, plan.staging, run,
                              build.memory, build.recipes)
            # The run is kept for the whole session: the collector need not scan its millions
            # of objects again (each full collection would cost a patch ~0.3 s at 5 000 articles).
            gc.collect()
            gc.freeze()

    # ------------------------------------------------------------------ patches
    def _kept_classes(self, plan: BuildPlan) -> dict[str, type]:
        """Each changed file the kept run read, and the class of what it read there."""
        return {path: type(found[1]) for path, found in (_changed_in(self._last, plan) or {}).items()
                if found is not None}

    def _body_edits(self, plan: BuildPlan) -> list[_Edit]:
        """The edits a patch can apply: [] unless only bodies of files the last run read changed."""
        last = self._last
        if plan.previous is None or plan.previous.run != last.id:
            return []  # someone else built into this output since
        changed = _changed_in(last, plan)
        if not changed or None in changed.values():
            return []
        edits = []
        for generator, kept in changed.values():
            read = _read_again(generator, kept)
            if not _only_body_differs(kept, read):
                return []
            edits.append(_Edit(kept, read))
        if _read_beyond_cards(plan.previous, [edit.kept for edit in edits]):
            return []
        return edits

    def _patch(self, edits: list[_Edit], build: BuildRun) -> None:
        last = self._last
        with build.driving(*last.places):
            for edit in edits:
                _replace_body(edit.kept, edit.read)
            contents = [e.kept for e in edits]
            build.restart(contents)
            last.writer.rewrite(contents)
            build.remake(contents)


# ---------------------------------------------------------------------- Pelican content objects
def _read_beyond_cards(previous: PreviousBuild, edited: list) -> bool:
    """Whether a page of the last build read fields of the ``edited`` articles or pages
    beyond their cards, not owning them (a listing showing their bodies:
    toasoan.build.fingerprint.unseen_field), or such fields of articles it does not name.
    A patch renders again only the pages that own the edited bodies, so such an edit gets
    a Pelican run, whose keys see those fields. (A listing's whole list read through its
    paginator counts by the cards in it, which a patched body leaves as they were.)"""
    sources = {None, *map(source_of, edited)}
    return any(is_field(name) and not name.startswith(LISTS) and field_on(name)[1] in sources
               for reads in previous.reads for name in reads)


def _changed_in(run: _Run, plan: BuildPlan) -> dict[str, tuple[object, object] | None] | None:
    """Each file changed since ``run`` read it → :func:`_find` of it there (None: a file the
    run did not read); None when more than content files changed."""
    changed = run.inputs.changed_files(plan.inputs)
    return None if changed is None else {path: _find(run.generators, path) for path in sorted(changed)}


def _find(generators: list, path: str) -> tuple[object, object] | None:
    """The generator and the article or page read from ``path`` in the last run."""
    path = os.path.abspath(path)
    for generator in generators:
        for content in generator_contents(generator):
            if os.path.abspath(content.source_path) == path:
                return generator, content
    return None


def _read_again(generator, kept) -> object:
    """``kept``'s file read as its generator reads it (the reader forgets the old reading)."""
    from pelican import signals
    from pelican.generators import ArticlesGenerator

    for reader in generator.readers.readers.values():
        if hasattr(reader, "forget"):
            reader.forget(kept.source_path)
    prefix = "article" if isinstance(generator, ArticlesGenerator) else "page"
    return generator.readers.read_file(
        base_path=generator.path, path=os.path.relpath(kept.source_path, generator.path),
        content_class=type(kept), context=generator.context,
        preread_signal=getattr(signals, f"{prefix}_generator_preread"), preread_sender=generator,
        context_signal=getattr(signals, f"{prefix}_generator_context"), context_sender=generator)


def _start_early(build: BuildRun, pelican: Pelican, classes: dict[str, type]) -> None:
    """Hand the recipes each edited file read alone (``classes``: its path → the Pelican
    class its generator reads it as), as its generator reads it but without the run."""
    from pelican.readers import Readers

    if not classes:
        return
    base = pelican.settings["PATH"]
    try:
        readers = Readers(pelican.settings)
        contents = [readers.read_file(base_path=base, path=os.path.relpath(path, base), content_class=kind)
                    for path, kind in classes.items()]
        build.start_early(contents)
    except Exception:  # only time is lost: the patch does it all again
        logger.debug("nothing done ahead of the patch", exc_info=True)


def _only_body_differs(kept, read) -> bool:
    """Same metadata (summary included), same content model but for the body, same links."""
    if type(kept) is not type(read):
        return False
    before, after = dict(kept.metadata), dict(read.metadata)
    model_before, model_after = before.pop("content_file", None), after.pop("content_file", None)
    if before != after or model_before is None or model_after is None:
        return False
    if not model_before.same_apart_from_body(model_after):
        return False
    return _links(kept) == _links(read)  # Pelican's static links are some of these, from the same file


def _links(content) -> set[str]:
    """The ``{filename}``/``{static}``/``{attach}`` links of a body: Pelican resolves them."""
    return {m.group("path") for m in content._get_intrasite_link_regex().finditer(body_of(content))}


def _replace_body(kept, read) -> None:
    """Give ``kept`` the body and content model of ``read`` — and its attributes that were
    values of the old model, those of the new one (equal: only the body differs), as a build
    reading the file now would (page keys leave an article's own model values to the model's
    digest) —; forget what Pelican memoised."""
    old, new = kept.content_file, read.content_file
    kept._content = read._content
    for name, value in list(vars(kept).items()):
        if getattr(old, name, None) is value is not None:
            setattr(kept, name, getattr(new, name))
    kept.content_file = kept.metadata["content_file"] = new
    _forget_memoised(kept)


def _forget_memoised(content: object | None = None) -> None:
    """Drop the bodies and summaries Pelican memoised for ``content``, or for every article and
    page. Its memo is global to the process: it would keep a finished run alive."""
    from pelican.contents import Content

    for name in ("get_content", "get_summary"):
        cache = Content.__dict__[name].cache
        if content is None:
            cache.clear()
            continue
        for key in [k for k in cache if k and k[0] is content]:
            del cache[key]

