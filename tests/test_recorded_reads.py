"""What a page read while it was rendered decides when it is rendered again.

Templates record the names they use as they are rendered (``toasoan.build.reads``); a page
is kept while the values of the names its last render read are unchanged. The first tests
render templates in a Jinja environment and check what is recorded: a name in a branch not
taken, a macro not called or a loop over nothing is not read; one used through a block,
include, import, macro, ``caller``, ``{% set %}`` block or Python code given the context is.
The others build the generated newsroom and count the pages the output ledger wrote.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import threading
from functools import partial
from pathlib import Path

import pytest
from editkit import CONTENT_EDITS, Editor, add_documents, assert_same_as_clean, build, front_matter_value, session_for
from jinja2 import DictLoader, Environment, pass_context
from markupsafe import Markup, escape
from pelican import Pelican
from pelican.contents import Article
from pelican.paginator import Paginator
from pelican.settings import DEFAULT_CONFIG

from sitekit import Project
from toasoan.build.fingerprint import Fingerprinter, Sources, field_on, unseen_field
from toasoan.build.outputs import OutputLedger
from toasoan.build.plan import BuildPlan, Manifest, build_site, load_settings, run_pelican
from toasoan.build.reads import RecordingContext, escape_output, given, install, recording
from toasoan.build.run import BuildRun
from toasoan.build.template_cache import TemplateCache

TEMPLATES = {
    "base.html": "{{ SITENAME }}{% block body %}{% endblock %}{% if MENU %}{% include 'nav.html' %}{% endif %}",
    "nav.html": "{% for item in MENU %}{{ item }}{{ IN_LOOP }}{% endfor %}"
                "{% for x in EMPTY %}{{ NOT_IN_LOOP }}{% endfor %}",
    "macros.html": "{% macro card(a) %}{{ a }}{{ IN_MACRO }}{{ caller() if caller }}{% endmacro %}"
                   "{% macro unused() %}{{ NOT_IN_MACRO }}{% endmacro %}",
    "article.html": "{% extends 'base.html' %}{% import 'macros.html' as m with context %}"
                    "{% block body %}{% if false %}{{ NOT_IN_BRANCH }}{% endif %}"
                    "{% if article %}{{ IN_BRANCH }}{% else %}{{ NOT_IN_ELSE }}{% endif %}"
                    "{% set x %}{{ IN_SET }}{% endset %}{{ x }}"
                    "{% call m.card(article) %}{{ IN_CALLER }}{% endcall %}"
                    "{% if MISSING is defined %}{{ NOT_AFTER_MISSING }}{% endif %}"
                    "{{ 'a'|replace('a', IN_FILTER) }}{{ peek() }}{% endblock %}",
}
READ = {"SITENAME", "MENU", "IN_LOOP", "EMPTY", "IN_MACRO", "article", "IN_BRANCH", "IN_SET", "IN_CALLER",
        "MISSING", "IN_FILTER", "peek", "IN_PYTHON", "AS_KEY"}


@pass_context
def peek(context) -> str:
    """Python code given the context reads a name and asks for another."""
    return str(context.get("IN_PYTHON")) + str("AS_KEY" in context)


def environment(**options: object) -> Environment:
    found = Environment(loader=DictLoader(TEMPLATES), **options)
    install(found)
    found.globals["peek"] = peek
    return found


def reads_of(env: Environment, name: str = "article.html", **values: object) -> set[str]:
    values = {"article": "A", "MENU": ["Trang chủ"], "EMPTY": [], **values}
    with recording() as found:
        env.get_template(name).render(values)
    return found


def test_a_render_records_the_names_it_uses_where_it_uses_them() -> None:
    """Extends, blocks, include, import with context, macros, ``caller``, loops, ``{% set %}``
    blocks, filter arguments, tests of a missing name, globals and Python code given the
    context: read. A branch not taken, a macro not called, a loop over nothing: not read."""
    found = reads_of(environment())
    assert found - {"m", "x"} == READ  # "m", "x": the template's own names, never given (harmless)
    assert not any(name.startswith("NOT_") for name in found)


def test_the_included_template_is_read_only_when_the_branch_takes_it() -> None:
    found = reads_of(environment(), MENU=[])
    assert "IN_LOOP" not in found and "MENU" in found


def test_the_compiled_code_records_each_use_not_each_resolution() -> None:
    """Jinja resolves a frame's names when the frame starts: the code made records uses."""
    code = environment().compile(TEMPLATES["article.html"], raw=True)
    resolved = set(re.findall(r"resolve\('(\w+)'\)", code))
    assert "NOT_IN_BRANCH" in resolved  # resolved at the block's start …
    assert re.search(r"record_read\('NOT_IN_BRANCH', ", code)  # … recorded only where used
    assert "resolve = getattr(context, 'resolve_quietly', resolve)" in code
    assert not re.search(r"resolve_or_missing\('", code)


def test_what_a_template_outputs_is_escaped_as_markupsafe_escapes_it() -> None:
    """The generator escapes output with escape_output (faster for text and markup) where
    autoescape is on, and leaves output without autoescape alone."""
    source = "{{ text }}{{ markup }}{{ number }}{{ none }}{{ html }}{{ text|e }}"
    escaping = environment(autoescape=True)
    code = escaping.compile(source, raw=True)
    assert code.count("escape_output(") == 5 and "yield escape(" not in code
    assert "escape_output(" not in environment().compile(source, raw=True)

    class Html:
        def __html__(self) -> str:
            return "<b>an object's own</b>"

    values = {"text": '<script>"x" & \'y\'</script> Học viện', "markup": Markup("<em>đã an toàn</em>"),
              "number": 5, "none": None, "html": Html()}
    for value in values.values():
        assert escape_output(value) == escape(value) and type(escape_output(value)) is Markup
    jinjas_own = Environment(autoescape=True).from_string(source)
    assert escaping.from_string(source).render(values) == jinjas_own.render(values)


def test_recording_stays_sound_with_only_the_context_class() -> None:
    """Code compiled by Jinja's own generator records every name its frames resolve."""
    env = Environment(loader=DictLoader(TEMPLATES))
    env.context_class = RecordingContext
    env.globals["peek"] = peek
    found = reads_of(env)
    assert found >= READ and "NOT_IN_BRANCH" in found


def test_the_template_cache_keeps_recording_code_apart(tmp_path: Path) -> None:
    """Code compiled without recording, cached, is not taken up by a recording environment."""
    cache = TemplateCache(tmp_path / "templates")
    plain = Environment(loader=DictLoader(TEMPLATES), bytecode_cache=cache)
    plain.context_class = RecordingContext
    plain.globals["peek"] = peek
    assert "NOT_IN_BRANCH" in reads_of(plain)
    assert any((tmp_path / "templates").iterdir())
    assert "NOT_IN_BRANCH" not in reads_of(environment(bytecode_cache=cache))
    assert "NOT_IN_BRANCH" not in reads_of(environment(bytecode_cache=cache))  # from the cache


def article_named(slug: str, body: str = "<p>Thân bài.</p>") -> Article:
    return Article(body, metadata={"title": slug, "date": dt.datetime(2020, 1, 2)},
                   settings=DEFAULT_CONFIG, source_path=f"{slug}.md")


def test_fields_beyond_a_card_are_recorded_on_what_the_page_does_not_own() -> None:
    """``a.field``, ``a["field"]`` and filters given ``attribute=`` read fields: those a card
    leaves out are recorded for an article the page lists, not for the page's own article."""
    env = Environment(loader=DictLoader({"t.html": "{{ own.reading_time }}{{ own.title }}"
                                                   "{{ listed|map(attribute='tracked_items')|list|length }}"
                                                   "{{ listed[0]['words'] }}{{ listed[0].title }}{{ listed[0].url }}"}))
    install(env, unseen_field)
    own = article_named("rieng")
    with recording([own]) as found:
        env.get_template("t.html").render(own=own, listed=[article_named("khac")])
    assert found == {"own", "listed", ".tracked_items", ".words"}



def test_a_field_read_on_an_article_of_the_run_names_its_source() -> None:
    """A field beyond a card read on an article the run made (:class:`Sources`) is recorded
    with its source, through a template or handed to Python code; on an object alike that
    the run did not make, on every card the page shows."""
    sources, listed, alike = Sources(), article_named("khac"), article_named("khac")
    sources.note(listed)
    env = Environment(loader=DictLoader({"t.html": "{{ listed[0].words }}{{ listed[1].reading_time }}"
                                                   "{{ listed[0]|words }}{{ listed[0].title }}"}))
    install(env, partial(unseen_field, sources=sources))
    env.filters["words"] = words
    with recording() as found:
        env.get_template("t.html").render(listed=[listed, alike])
    source = listed.relative_source_path
    assert source and sources.get(source) is listed
    assert found == {"listed", f".words@{source}", ".reading_time", f".*@{source}"}
    assert [field_on(name) for name in sorted(found) if name.startswith(".")] == [
        (".*", source), (".reading_time", None), (".words", source)]


def test_a_listing_read_through_its_paginator_is_recorded_not_through_the_pages_given() -> None:
    """The pages of a list the page was given count with their articles; the paginator only
    by its counts, so reading its list, or a page of it made in the template, is recorded."""
    articles = [article_named(f"tin-{n}") for n in range(5)]
    paginator = Paginator("index.html", "", articles, DEFAULT_CONFIG, per_page=2)
    own = paginator.page(2)
    env = Environment(loader=DictLoader({
        "given.html": "{{ page.object_list|length }}{{ page.number }}{{ paginator.num_pages }}"
                      "{{ paginator.page(3).url }}{{ paginator.count }}",
        "list.html": "{{ paginator.object_list|length }}",
        "made.html": "{{ paginator.page(1).object_list[0].title }}"}))
    install(env, unseen_field)
    for name, expected in (("given.html", set()), ("list.html", {".paginator.object_list"}),
                           ("made.html", {".paginator.object_list"})):
        with recording([own]) as found:
            env.get_template(name).render(page=own, paginator=paginator)
        assert {read for read in found if read.startswith(".")} == expected, name


def words(article: Article) -> int:
    """A filter of the site's own, reading an article's body: Python code, unseen by Jinja."""
    return len(article._content.split())


def test_python_code_handed_an_article_the_page_does_not_own_may_read_all_of_it() -> None:
    """A filter or global that is not Jinja's own, handed a listed article (or a list or
    dict holding one), may read any field: ``".*"`` is recorded. Not for the page's own
    article, nor for Jinja's filters (they read through ``getattr``), nor for the loop's
    variables Jinja passes a call beside its arguments."""
    templates = {"own.html": "{{ own|words }}{{ count(own) }}{{ listed|length }}"
                             "{{ listed|map(attribute='title')|list }}"
                             "{% for a in listed %}{{ count(a.title) }}{{ a.title|words_in }}{% endfor %}",
                 "filter.html": "{{ listed[0]|words }}",
                 "by_name.html": "{{ listed|map('words')|list }}{{ listed|select('long')|list }}",
                 "global.html": "{{ count({'all': [listed]}) }}",
                 "test.html": "{{ listed[0] is long }}",
                 "context.html": "{{ peek() }}"}
    env = Environment(loader=DictLoader(templates))
    install(env, unseen_field)
    env.filters.update(words=words, words_in=lambda text: len(text.split()))
    env.globals["count"] = lambda value: len(str(value))
    env.tests["long"] = lambda value: len(value._content) > 5
    env.globals["peek"] = peek  # pass_context: still given the context through its wrapper
    assert given(env.filters)["words"] is words and env.filters["words"] is not words
    assert env.filters["length"] is len, "Jinja's own are not wrapped"
    own = article_named("rieng")
    expected = {"own.html": set(), "filter.html": {".*"}, "by_name.html": {".*"}, "global.html": {".*"},
                "test.html": {".*"}, "context.html": set()}
    for name in templates:
        with recording([own]) as found:
            env.get_template(name).render(own=own, listed=[article_named("khac")])
        assert {read for read in found if read.startswith(".")} == expected[name], name


def test_a_global_bound_to_an_article_counts_all_of_it() -> None:
    """A global is Python code: an article bound into one is fingerprinted in full (strict),
    not by its card, so a body edit changes the global's fingerprint."""
    def fingerprint(last: str, strict: bool) -> str:  # a body edit after the summary's words
        body = "<p>" + "Tóm tắt " * 60 + f"</p><p>{last}</p>"
        return Fingerprinter(strict=strict).of(partial(words, article_named("tin", body)))

    assert fingerprint("Một.", strict=True) != fingerprint("Hai.", strict=True)
    assert fingerprint("Một.", strict=False) == fingerprint("Hai.", strict=False)  # a card, elsewhere

# ---------------------------------------------------------------------- builds
def counted_build(project: Project, **overrides: object) -> OutputLedger:
    """An incremental build into ``output/`` (a new Pelican run): its ledger."""
    plan = BuildPlan.make(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output), **overrides)
    run = BuildRun(plan.ledger())
    result = plan.run(run, lambda: run_pelican(Pelican(plan.settings)))
    assert result.ok, result.error
    return run.ledger


def article_pages(ledger: OutputLedger) -> set[str]:
    """The article pages (``{date:%Y}/{slug}/index.html``; not the month archives) written."""
    return {path for path in ledger.written if re.fullmatch(r"\d{4}/(?!\d\d/)[^/]+/index\.html", path)}


PROBES = """{% block content %}
{% macro probe() %}<!-- văn bản: {{ documents|length }} -->{% endmacro %}
{% if false %}{{ documents }}{% endif %}
{% if output_file == BRANCH %}<!-- {{ documents|map(attribute='title')|join(', ') }} -->{% endif %}
{% if output_file == MACRO %}{{ probe() }}{% endif %}
{% if output_file == INCLUDE %}{% include "partials/probe.html" %}{% endif %}
"""


def test_an_edit_renders_again_exactly_the_pages_that_read_what_changed(newsroom: Project) -> None:
    """Three article pages read the documents (in a branch, a macro, an include); every
    article page's template mentions them in a branch never taken. A document's edit renders
    those three again and no other article page."""
    add_documents(newsroom)
    articles = sorted(article_pages(counted_build(newsroom)))
    chosen = dict(zip(("BRANCH", "MACRO", "INCLUDE"), articles[::7], strict=False))
    templates = newsroom.root / "theme" / "templates"
    (templates / "partials" / "probe.html").write_text("<!-- {{ documents|length }} văn bản -->", encoding="utf-8")
    article = templates / "article.html"
    probes = PROBES
    for name, page in chosen.items():
        probes = probes.replace(name, repr(page))
    article.write_text(article.read_text(encoding="utf-8").replace("{% block content %}\n", probes, 1),
                       encoding="utf-8")
    first = counted_build(newsroom)  # the theme changed: every page
    assert article_pages(first) == set(articles)
    assert all("documents" in first.reads[page] for page in chosen.values())
    assert all("documents" not in first.reads[page] for page in set(articles) - set(chosen.values()))
    assert not counted_build(newsroom).written.keys() & set(articles), "nothing changed: every page kept"
    Editor(newsroom, 11).apply("document")
    edited = counted_build(newsroom)
    assert set(edited.written) & set(articles) == set(chosen.values())
    assert_same_as_clean(newsroom, "document read in a branch, a macro and an include")


def show_in_listings(project: Project, shown: str) -> None:
    """The theme's list of articles shows ``shown`` (Jinja) for each article it lists."""
    item = project.root / "theme" / "templates" / "partials" / "article_list.html"
    end = "  </div>\n</article>"
    item.write_text(item.read_text(encoding="utf-8").replace(end, f"  {shown}\n{end}", 1), encoding="utf-8")


def assert_a_preview_runs_pelican_for_a_body_edit(project: Project, editor: Editor, step: str) -> None:
    """A preview patches no body edit into its run when a listing shows bodies (a patch
    renders only the edited article's own pages); the output is a clean build's."""
    preview = session_for(project)
    preview.build()
    editor.apply("body_again")
    assert not preview.build().patched
    assert_same_as_clean(project, step)


def read_on(ledger: OutputLedger, *fields: str) -> dict[str, set[str]]:
    """Each page that read one of ``fields`` on articles it does not own → their sources."""
    found: dict[str, set[str]] = {}
    for path, reads in ledger.reads.items():
        sources = {source for field, source in map(field_on, reads) if field in fields}
        assert None not in sources, (path, "a field read on every article, not on the one it was read on")
        if sources:
            found[path] = sources
    return found


def showing(pages: dict[str, set[str]], edited: Path) -> set[str]:
    """The pages of :func:`read_on` that read a field on the article of ``edited``."""
    return {path for path, sources in pages.items() if any(edited.as_posix().endswith(s) for s in sources)}


def test_a_listing_that_shows_bodies_renders_again_the_pages_showing_the_edited_one(newsroom: Project) -> None:
    """A listing shows each article by its card; a theme whose listings also show what is
    beyond the card (here the body: by its content model, and by a method of the article) has
    those fields recorded as read on each article they show, so a body edit renders again
    the listing pages that show the edited article — not the other pages of those listings —
    and of the article pages only the edited one. A preview patches no body edit into its
    run then (a patch renders only the edited article's own pages). (Not
    ``article.content``: with relative URLs Pelican makes it for the page rendered last,
    whichever that is.)"""
    show_in_listings(newsroom, "<!-- {{ article.content_file.body|length }} "
                               "{{ article.get_content('')|length }} ký tự -->")
    first = counted_build(newsroom)
    listings = read_on(first, ".content_file.body", ".get_content")
    assert "index.html" in listings
    assert not any(name.startswith(".") for page in article_pages(first) for name in first.reads[page]), \
        "an article page's own body is not a field beyond a card"
    build(newsroom)
    editor = Editor(newsroom, 4)
    editor.apply("body")
    build(newsroom)
    assert_same_as_clean(newsroom, "a body shown in listings")
    assert_a_preview_runs_pelican_for_a_body_edit(newsroom, editor, "a body shown in listings, in a preview")
    counted_build(newsroom)
    editor.apply("body_again")
    again = counted_build(newsroom)
    shown_there = showing(listings, editor.edited)
    assert shown_there and len(shown_there) < len(listings)
    assert set(again.written) & set(listings) == shown_there, "the listing pages that show the edited body"
    assert len(article_pages(again)) == 1, "and the article's own page"
    assert_same_as_clean(newsroom, "a body shown in listings, keyed")


def test_a_field_read_on_one_article_of_a_listing_counts_on_that_one_alone(newsroom: Project) -> None:
    """The home page shows its lead story's body (the first article of its first page): an
    edit to that body renders the home page again, an edit to another article's body keeps
    it. A preview patches the other article's body edit into its run, not the lead's."""
    show_in_listings(newsroom, "{% if lead %}<!-- {{ article.get_content('')|length }} ký tự -->{% endif %}")
    first = counted_build(newsroom)
    leads = read_on(first, ".get_content")
    assert set(leads) == {"index.html"} and len(leads["index.html"]) == 1, leads
    editor = Editor(newsroom, 4)
    files = editor.articles() + editor.meetings()
    lead = next(path for path in files if showing(leads, path))
    others = [path for path in files if path != lead]
    for edited, home_again in ((others[0], False), (lead, True), (others[-1], False)):
        editor.edited = edited
        editor.apply("body_again")
        again = counted_build(newsroom)
        assert ("index.html" in again.written) is home_again, edited
        assert len(article_pages(again)) == 1, edited
        assert_same_as_clean(newsroom, f"the body of {edited.name}")
    preview = session_for(newsroom)
    preview.build()
    for edited, patched in ((others[1], True), (lead, False)):
        editor.edited = edited
        editor.apply("body_again")
        assert bool(preview.build().patched) is patched, edited
        assert_same_as_clean(newsroom, f"the body of {edited.name}, in a preview")


def test_a_page_patched_in_a_preview_is_keyed_as_a_build_keys_it(newsroom: Project) -> None:
    """A preview patches a body edit into its run; the page it writes again is keyed as a
    build in a new process keys it, so the next build, after an edit to another article,
    keeps that page."""
    counted_build(newsroom)
    editor = Editor(newsroom, 2)
    preview = session_for(newsroom)
    preview.build()
    editor.apply("body")
    patched = editor.edited
    assert preview.build().patched
    editor.edited = next(path for path in editor.articles() if path != patched)
    editor.apply("body_again")
    again = counted_build(newsroom)
    assert [page for page in article_pages(again) if patched.stem in page] == []
    assert len(article_pages(again)) == 1, "the other article's page"
    assert_same_as_clean(newsroom, "a build after a patch")


def test_content_edits_under_listings_that_show_one_body_each_match_a_clean_build(newsroom: Project) -> None:
    """Fields read on one article of each listing page (the home page's lead story, the first
    article of every other list) stay right through content edits that move articles
    between lists, pages and leads: titles, dates, categories, tags, status, new, deleted and
    renamed files, and bodies (the lead's among them)."""
    show_in_listings(newsroom, "{% if lead %}<!-- {{ article.get_content('')|length }} ký tự -->{% endif %}")
    listing = newsroom.root / "theme" / "templates" / "partials" / "article_list.html"
    loop = "{{ list_item(article, siteurl, heading) }}"
    listing.write_text(listing.read_text(encoding="utf-8").replace(
        loop, loop + "{% if loop.first %}<!-- dòng {{ article.content_file.body_line }} -->{% endif %}", 1),
        encoding="utf-8")
    first = counted_build(newsroom)
    leads = read_on(first, ".get_content", ".content_file.body_line")
    assert "index.html" in leads and len(leads) > 3, leads
    editor = Editor(newsroom, 7)
    for name in random.Random(7).choices(CONTENT_EDITS, k=8):
        step = editor.apply(name)
        build(newsroom)
        assert_same_as_clean(newsroom, step)
    home = counted_build(newsroom).reads_of("index.html")
    lead = next(path for path in editor.articles() + editor.meetings()
                if showing({"index.html": {source for field, source in map(field_on, home) if field == ".get_content"}},
                           path))
    editor.edited = lead
    editor.apply("body_again")
    assert "index.html" in counted_build(newsroom).written
    assert_same_as_clean(newsroom, "the lead's body")


@pytest.mark.parametrize("shown", ["articles_paginator.object_list[0].title",
                                   "articles_paginator.page(1).object_list[0].title"])
def test_a_listing_read_through_its_paginator_counts_by_its_whole_list(newsroom: Project, shown: str) -> None:
    """Every page of a list shows the newest article's title, read through the paginator (its
    whole list, or its first page made in the template): a paginator then counts by its whole
    list, and a title edit of the newest article renders every page of the list again."""
    part = newsroom.root / "theme" / "templates" / "partials" / "pagination.html"
    part.write_text(part.read_text(encoding="utf-8").replace(
        '<p class="page-count">', f'<p class="newest">{{{{ {shown} }}}}</p><p class="page-count">', 1),
        encoding="utf-8")
    first = counted_build(newsroom)
    assert ".paginator.object_list" in first.reads["trang/3/index.html"]
    editor = Editor(newsroom, 1)
    newest = max(editor.articles() + editor.meetings(), key=lambda path: front_matter_value(path, "date"))
    editor.field(newest, "title", "Tin mới nhất, tiêu đề đã sửa")
    again = counted_build(newsroom)
    assert {"trang/3/index.html", "trang/4/index.html"} <= set(again.written)
    assert_same_as_clean(newsroom, f"the newest title, read as {shown}")


def test_a_filter_that_reads_listed_bodies_renders_its_listings_again_when_a_body_changes(newsroom: Project) -> None:
    """A filter of the site's settings handed each listed article reads its body, unseen by
    the templates: ``".*"`` is recorded on each article handed to it, so a body edit renders
    again the listing pages that show that article, and the output stays that of a clean
    build — in a build and in a preview."""
    settings = newsroom.root / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + (
        "\n\ndef body_words(article):\n    return len(article._content.split())\n\n\n"
        "JINJA_FILTERS = {**JINJA_FILTERS, 'body_words': body_words}\n"), encoding="utf-8")
    show_in_listings(newsroom, "<!-- {{ article|body_words }} từ -->")
    first = counted_build(newsroom)
    listings = read_on(first, ".*")
    assert "index.html" in listings
    assert not set(article_pages(first)) & set(listings)
    editor = Editor(newsroom, 4)
    editor.apply("body")
    again = counted_build(newsroom)
    assert set(again.written) & set(listings) == showing(listings, editor.edited) != set()
    assert_same_as_clean(newsroom, "a body a filter reads in listings")
    assert_a_preview_runs_pelican_for_a_body_edit(newsroom, editor, "a body a filter reads in listings, in a preview")


def test_a_global_bound_to_data_renders_again_only_the_pages_that_call_it(newsroom: Project) -> None:
    """site_metadata binds the units roster into ``article_json_ld`` (functools.partial): a
    unit added renders again the pages that called it and the tracker, which lists the
    units — not the lists of articles, the pages, the archives."""
    first = counted_build(newsroom)
    readers = {path for path, reads in first.reads.items() if "article_json_ld" in reads}
    pages = {path for path in first.reads if path.endswith(".html")}
    assert readers and len(readers) < len(pages) / 2, (len(readers), len(pages))
    units = newsroom.content / "data" / "units.yml"
    units.write_text(units.read_text(encoding="utf-8") + "  - name: Ban Kiểm tra nội bộ\n", encoding="utf-8")
    edited = counted_build(newsroom)
    html = {path for path in edited.written if path.endswith(".html")}
    assert readers <= html, readers - html
    assert {path for path in html - readers if not path.startswith("tracker/")} == set(), \
        "only the tracker (it lists the units) and the pages that call it are rendered again"
    assert len(html - readers) < len(pages) - len(readers)
    assert_same_as_clean(newsroom, "unit added")


def test_a_global_that_cannot_be_fingerprinted_stops_the_build_even_unread(newsroom: Project) -> None:
    """No template reads it: it is refused all the same (a later template could), in
    Vietnamese, and the last output stays as it was."""
    build(newsroom)
    before = newsroom.files()
    settings = newsroom.root / "pelicanconf.py"
    added = {**load_settings(settings)["JINJA_GLOBALS"], "khoa_chua_dung": partial(max, threading.Lock())}
    result = build_site(settings, OUTPUT_PATH=str(newsroom.output), JINJA_GLOBALS=added)
    assert not result.ok
    assert "'khoa_chua_dung'" in result.error and "không lấy dấu được" in result.error, result.error
    assert newsroom.files() == before


def test_what_pages_read_is_kept_in_the_manifest_for_the_next_process(newsroom: Project) -> None:
    """Two ``invoke build`` processes: the second keeps the pages whose reads are unchanged,
    knowing what they read from the first's manifest. Each article page shows the id of the
    process that rendered it (a global: its fingerprint is its code, its value differs; each
    build has processes of its own)."""
    settings = newsroom.root / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + "\nimport os\nJINJA_GLOBALS = {'process': os.getpid}\n",
                        encoding="utf-8")
    article = newsroom.root / "theme" / "templates" / "article.html"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "{% block content %}\n", "{% block content %}\n<!-- process {{ process() }} -->\n", 1), encoding="utf-8")

    def processes() -> dict[str, str]:
        return {path.relative_to(newsroom.output).as_posix(): match.group(1)
                for path in newsroom.output.rglob("*.html")
                if (match := re.search(r"<!-- process (\d+) -->", path.read_text(encoding="utf-8")))}

    first = newsroom.invoke("build")
    assert first.returncode == 0, first.stdout + first.stderr
    manifest = Manifest.for_output(load_settings(settings), newsroom.output.resolve())
    head = json.loads(manifest.path.read_text(encoding="utf-8").splitlines()[-1])
    previous = manifest.load()
    rendered = processes()
    assert len(rendered) > 20  # (by the build's processes: toasoan.build.share)
    assert all({"article", "process"} <= set(previous.files[path].reads) for path in rendered)
    recorded = [entry.reads for entry in previous.files.values() if entry.reads is not None]
    assert len({id(reads) for reads in recorded}) == len(head["reads"]) < len(recorded) / 2, "shared sets, once"
    Editor(newsroom, 5).apply("title")
    second = newsroom.invoke("build")
    assert second.returncode == 0, second.stdout + second.stderr
    again = processes()
    renewed = {path for path, process in again.items() if process != rendered.get(path)}
    assert 0 < len(renewed) < len(again) / 2, (len(renewed), len(again))
    assert {path for path in again if again[path] == rendered.get(path)}, "pages kept from the first process"
