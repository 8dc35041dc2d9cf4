"""A preview keeps its Pelican run in memory and patches body edits into it; ``invoke build``
saves nothing of Pelican's and runs Pelican every time something changed. What the kept run
holds, and how the search index of an edited page is made ahead of a patch.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
from pathlib import Path

import pytest
from editkit import Editor, assert_same_as_clean, kept_contents, session_for
from pelican import Pelican
from pelican.contents import Article
from search_index import records, search_index
from search_index.store import KEYS, WHERE, RecordStore

from sitekit import Project
from toasoan.build.plan import BuildPlan, Manifest, load_settings, run_pelican
from toasoan.build.run import BuildRun, run_of


def invoke_build(project: Project, *args: str) -> str:
    result = project.invoke("build", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_invoke_build_keeps_nothing_of_pelican_and_runs_it_for_a_body_edit(newsroom: Project) -> None:
    """Each ``invoke build`` is a new process: the only file it keeps beside the output is the
    manifest of what it wrote (no Pelican run pickled for a patch), and a body edit runs Pelican,
    which renders only the pages whose keys changed."""
    settings = load_settings(newsroom.root / "pelicanconf.py")
    manifest = Manifest.for_output(settings, newsroom.output.resolve())
    first = invoke_build(newsroom)
    assert "Đã dựng trang" in first
    assert [p.name for p in manifest.path.parent.iterdir()] == [manifest.path.name]
    editor = Editor(newsroom, 11)
    for name in ("body", "meeting_body", "page_body"):
        step = editor.apply(name)
        printed = invoke_build(newsroom)
        assert "Đã dựng trang" in printed and "Đã cập nhật thân bài" not in printed, (step, printed)
        assert manifest.path.with_suffix(".json").is_file()
        assert {p.suffix for p in manifest.path.parent.iterdir()} == {".json"}, "manifests alone"
        assert_same_as_clean(newsroom, step)


def test_after_a_patch_a_build_with_nothing_changed_has_nothing_to_do(newsroom: Project) -> None:
    session = session_for(newsroom)
    assert session.build().ok
    Editor(newsroom, 12).apply("body")
    assert session.build().patched
    again = session.build()
    assert again.unchanged and again.rendered == 0 and not again.patched, again


def test_a_run_holds_each_body_once_as_html(newsroom: Project) -> None:
    """The articles and pages of a run, read or patched in, keep their body as HTML; their
    content models keep no second copy of it as Markdown."""
    session = session_for(newsroom)
    assert session.build().ok
    Editor(newsroom, 17).apply("body")
    assert session.build().patched
    contents = [c for c in kept_contents(session) if getattr(c, "content_file", None) is not None]
    assert len(contents) > 20 and all(c.content_file.body == "" and c._content for c in contents)


def test_a_run_holds_one_tag_category_and_author_object_per_name(newsroom: Project) -> None:
    """Articles with the same tag, category or author share one object for it: a run has
    thousands fewer objects to hold. (Pages get Pelican's own defaults.)"""
    session = session_for(newsroom)
    assert session.build().ok
    objects: dict[tuple[str, str], set[int]] = {}
    uses: dict[tuple[str, str], int] = {}
    for content in (c for c in kept_contents(session) if isinstance(c, Article)):
        for named in [*(getattr(content, "tags", None) or ()), *(getattr(content, "authors", None) or ()),
                      getattr(content, "category", None)]:
            if named is not None:
                key = (type(named).__name__, named.name)
                objects.setdefault(key, set()).add(id(named))
                uses[key] = uses.get(key, 0) + 1
    assert {kind for kind, _ in objects} == {"Tag", "Category", "Author"}
    assert max(uses.values()) > 5
    assert all(len(ids) == 1 for ids in objects.values()), {k: len(v) for k, v in objects.items() if len(v) > 1}


def test_a_run_holds_no_json_ld_text_of_its_articles(newsroom: Project) -> None:
    """An article's JSON-LD is made when its page is rendered (site_metadata's
    ``article_json_ld``): the run does not keep ≈ 2 KB of it for every article."""
    session = session_for(newsroom)
    assert session.build().ok
    articles = [c for c in kept_contents(session) if isinstance(c, Article) and c.status == "published"]
    assert len(articles) > 20
    for article in articles:
        assert "NewsArticle" in (newsroom.output / article.save_as).read_text(encoding="utf-8")
        assert not [name for name, value in vars(article).items() if "NewsArticle" in str(value)]



def test_only_a_run_a_preview_keeps_remembers_how_to_render_its_pages_again(newsroom: Project) -> None:
    """A preview's writer keeps, for each article and page, how to render again the pages
    and feeds that show it in full (a patch renders those); a build that keeps no run keeps
    no such closures of every output's arguments."""
    session = session_for(newsroom)
    assert session.build().ok
    shows = session._last.writer._shows
    assert shows and any(len(outputs) > 1 for outputs in shows.values())

    class Watched(Pelican):
        def _get_writer(self):
            self.made = super()._get_writer()
            return self.made

    plan = BuildPlan.make(newsroom.root / "pelicanconf.py", OUTPUT_PATH=str(newsroom.output))
    run = BuildRun(plan.ledger())
    pelican = Watched(plan.settings)
    assert plan.run(run, lambda: run_pelican(pelican)).ok
    assert pelican.made._shows is None

@pytest.fixture
def indexed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The thread each search shard is indexed in from now on (each Pagefind bundle made)."""
    threads: list[str] = []
    index_bundle = search_index.index_bundle

    def spy(service: object, payloads: list[dict]) -> dict[str, bytes]:
        threads.append(threading.current_thread().name)
        return index_bundle(service, payloads)

    monkeypatch.setattr(search_index, "index_bundle", spy)
    return threads


def record_store(project: Project) -> RecordStore:
    return RecordStore.of(run_of(load_settings(project.root / "pelicanconf.py", OUTPUT_PATH=str(project.output))))


def test_a_preview_indexes_the_edited_shard_ahead_of_its_patch(newsroom: Project, indexed: list[str]) -> None:
    session = session_for(newsroom)
    assert session.build().ok
    store = record_store(newsroom)
    stored = sorted(path.name for path in store.folder.iterdir())
    shards = json.loads((newsroom.output / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    assert {WHERE, KEYS} <= set(stored) and len(stored) == len(shards) + 2, "one file per shard, and the maps"
    editor = Editor(newsroom, 18)
    for name in ("body", "meeting_body", "page_body", "body"):
        step = editor.apply(name)
        indexed.clear()
        assert session.build().patched, step
        # the one shard edited, started before the patch (not those of the files edited before
        # it: patched again, since the run was made, but indexed already)
        assert indexed == ["search-index-ahead"], step
        assert_same_as_clean(newsroom, step)
        assert len(list(store.folder.iterdir())) == len(stored), "the old shard's records are gone"


def test_indexing_ahead_folds_the_words_of_the_edited_page_alone(
        newsroom: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store keeps each record's folded words, a patch's too: a patch
    folds only the words of the page it edits before Pagefind can start."""
    session = session_for(newsroom)
    assert session.build().ok
    editor = Editor(newsroom, 21)
    fold = records.folded_words
    folded: list[str] = []  # the texts whose words are folded
    for edit in (editor.body, editor.body_again):  # the second from what the first patch stored
        step = edit()
        (shard,) = record_store(newsroom).shard_of([str(editor.edited)]).values()
        assert len(shard.records) > 1 and all("folded" in vars(record) for record in shard.records), step
        folded.clear()
        with monkeypatch.context() as patched:
            patched.setattr(records, "folded_words", lambda text: folded.append(text) or fold(text))
            assert session.build().patched
        # once: the edited page's new text (the patch takes the bundle indexed ahead as it is)
        assert len(folded) == 1 and folded[0] not in {record.text for record in shard.records}, (step, folded)
        assert_same_as_clean(newsroom, step)


def test_a_patch_writes_only_the_search_files_the_edit_changed(
        newsroom: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind names a shard's fragments by their content: a body edit changes a few files of
    the shard, and the others stay as the last build wrote them."""
    session = session_for(newsroom)
    assert session.build().ok
    bundles: list[tuple[int, int]] = []  # files in the bundle, files kept as they were
    write_bundle = search_index._write_bundle

    def spy(output: Path, shard: search_index.Shard, files: dict[str, bytes], ledger: object) -> None:
        write_bundle(output, shard, files, ledger)
        bundles.append((len(files), len(shard.unchanged)))

    monkeypatch.setattr(search_index, "_write_bundle", spy)
    step = Editor(newsroom, 22).apply("body")
    assert session.build().patched
    ((files, unchanged),) = bundles
    assert 0 < files - unchanged <= 8 and unchanged > 0, bundles  # the page's fragment, the index, the entry
    assert_same_as_clean(newsroom, step)


def test_records_stored_wrong_are_never_indexed(newsroom: Project, indexed: list[str]) -> None:
    session = session_for(newsroom)
    assert session.build().ok
    store = record_store(newsroom)
    editor = Editor(newsroom, 19)
    step = editor.apply("body")
    (shard,) = store.shard_of([str(editor.edited)]).values()
    wrong = [dataclasses.replace(r, text=r.text + " sai") for r in shard.records]
    store.put(shard.name, shard.key, wrong)  # what the patch makes no longer has that key
    indexed.clear()
    assert session.build().patched
    assert indexed == ["search-index-ahead", "search-index"]  # the guess, then the recipe: the shard itself
    assert_same_as_clean(newsroom, step)

    shutil.rmtree(store.folder)  # no records stored: nothing ahead, the patch indexes
    step = editor.apply("body")
    indexed.clear()
    assert session.build().patched
    assert indexed == ["search-index"]  # begun before the pages are rendered again
    assert_same_as_clean(newsroom, step)
