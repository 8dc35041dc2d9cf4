"""``invoke build`` saves its Pelican run; the next ``invoke build``, in a new process, patches
a body edit into it instead of running Pelican again — and still writes what a clean build
writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import pickle
import shutil
import sys
import threading
import types
from pathlib import Path

import pytest
from editkit import Editor, add_documents, assert_same_as_clean, build, kept_contents, session_for
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from search_index import records, search_index
from search_index.store import KEYS, WHERE, RecordStore
from sitemap.sitemap import Sitemap

from sitekit import Project
from toasoan.build.fingerprint import Fingerprinter
from toasoan.build.generators import body_of
from toasoan.build.plan import Manifest, load_settings
from toasoan.build.run import run_of
from toasoan.build.saved_run import FORMAT, SavedRun, SavedRunHeader
from toasoan.build.session import build_site


def saved_run(project: Project) -> SavedRun:
    settings = load_settings(project.root / "pelicanconf.py")
    return Manifest.for_output(settings, project.output.resolve()).saved_run


def invoke_build(project: Project, *args: str) -> str:
    result = project.invoke("build", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_invoke_build_patches_a_body_edit_into_the_run_the_last_one_saved(newsroom: Project) -> None:
    assert "Đã dựng trang" in invoke_build(newsroom)
    assert saved_run(newsroom).header() is not None
    editor = Editor(newsroom, 11)
    for name in ("body", "body", "tags", "meeting_body", "page_body"):
        step = editor.apply(name)
        printed = invoke_build(newsroom)
        if name == "tags":  # not a body: Pelican runs, and its run is the one saved now
            assert "Đã dựng trang" in printed, (step, printed)
        else:  # every body edited since the saved run is patched in again
            assert "Đã cập nhật thân bài" in printed and editor.edited.name in printed, (step, printed)
        assert_same_as_clean(newsroom, step)


def test_saved_runs_after_edits_of_documents_data_and_history_match_a_clean_build(newsroom: Project) -> None:
    """Each ``invoke build`` a new process: what is not a body edit runs Pelican and saves
    its run; the body edit after it is patched into that run."""
    add_documents(newsroom)
    editor = Editor(newsroom, 23, history=True)
    invoke_build(newsroom)
    for name in ("document", "body", "merge", "page_body", "unit"):
        step = editor.apply(name)
        printed = invoke_build(newsroom)
        assert ("Đã cập nhật thân bài" in printed) == (name.endswith("body")), (step, printed)
        assert_same_as_clean(newsroom, step)


def test_after_a_patch_a_build_with_nothing_changed_has_nothing_to_do(newsroom: Project, loads: list[Path]) -> None:
    """The files edited since the saved run are patched in by the build after the edit; the
    build after that one finds the inputs of the last build and loads nothing."""
    build(newsroom)
    Editor(newsroom, 12).apply("body")
    assert build(newsroom).patched
    loads.clear()
    again = build(newsroom)
    assert again.unchanged and again.rendered == 0 and not again.patched, again
    assert loads == []


def test_a_damaged_saved_run_means_pelican_runs(newsroom: Project) -> None:
    build(newsroom)
    saved = saved_run(newsroom)
    data = saved.path.read_bytes()
    saved.path.write_bytes(data[: len(data) // 2])  # the header is intact, the run is cut short
    Editor(newsroom, 12).apply("body")
    result = build(newsroom)
    assert not result.patched and result.rendered > 0
    assert_same_as_clean(newsroom, "body after a damaged saved run")
    assert saved.path.stat().st_size > len(data) // 2, "the new run is saved whole"


def test_a_run_not_behind_the_output_is_not_taken_up(newsroom: Project) -> None:
    build(newsroom)
    saved = saved_run(newsroom)
    assert saved.header() is not None
    preview = session_for(newsroom)
    assert preview.build().ok  # a preview's own run wrote the output since
    Editor(newsroom, 13).apply("body")
    assert not build(newsroom).patched
    assert_same_as_clean(newsroom, "body after another process's build")
    invoke_build(newsroom, "--full")
    assert not saved.path.exists(), "a full build's outputs come from no saved run"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The saved runs loaded from now on (each SavedRun.load call)."""
    loaded: list[Path] = []
    load = SavedRun.load

    def spy(saved: SavedRun, pelican: object) -> object:
        loaded.append(saved.path)
        return load(saved, pelican)

    monkeypatch.setattr(SavedRun, "load", spy)
    return loaded


def test_the_run_is_loaded_only_when_a_front_matter_is_unchanged(newsroom: Project, loads: list[Path]) -> None:
    build(newsroom)
    editor = Editor(newsroom, 14)
    for name, loaded in (("tags", False), ("body", True), ("body", True), ("action_item", False)):
        step = editor.apply(name)
        loads.clear()
        result = build(newsroom)
        assert bool(loads) == loaded and bool(result.patched) == loaded, step
        assert_same_as_clean(newsroom, step)


def test_an_output_changed_by_hand_means_no_loading_and_no_patch(newsroom: Project, loads: list[Path]) -> None:
    build(newsroom)
    (newsroom.output / "index.html").write_text("sửa tay", encoding="utf-8")
    Editor(newsroom, 17).apply("body")
    assert not build(newsroom).patched and loads == []
    assert_same_as_clean(newsroom, "body after an output changed by hand")


def test_a_preview_starts_from_the_run_invoke_build_saved(newsroom: Project, loads: list[Path]) -> None:
    """``invoke livereload`` after ``invoke build``: nothing to run at first; the first body
    edit takes up the saved run, the next ones patch it in memory."""
    build(newsroom)
    session = session_for(newsroom, saved=True)
    assert session.build().unchanged
    editor = Editor(newsroom, 15)
    for number, name in enumerate(("body", "meeting_body", "body")):
        step = editor.apply(name)
        loads.clear()
        result = session.build()
        assert result.ok and result.patched and len(loads) == (number == 0), step
        assert_same_as_clean(newsroom, step)


def test_a_run_holds_each_body_once_as_html(newsroom: Project) -> None:
    """The articles and pages of a run, read or patched in, keep their body as HTML; their
    content models keep no second copy of it as Markdown."""
    session = session_for(newsroom)
    assert session.build().ok
    Editor(newsroom, 17).apply("body")
    assert session.build().patched
    contents = [c for c in kept_contents(session) if getattr(c, "content_file", None) is not None]
    assert len(contents) > 20 and all(c.content_file.body == "" and c._content for c in contents)


def test_a_run_taken_up_reads_each_body_from_its_file_only_when_asked(newsroom: Project) -> None:
    """A saved run's articles and pages come back without their bodies (an empty one stays
    as it was); each one still reads as it was written (from the run file), and the edited
    one holds its new body."""
    build(newsroom)
    editor = Editor(newsroom, 18)
    editor.apply("body")
    session = session_for(newsroom, saved=True)
    assert session.build().patched
    kept = {c.source_path: c for c in kept_contents(session)}
    held = [Path(path) for path, content in kept.items() if vars(content).get("_content")]
    assert held == [editor.edited] and "_get_content" not in vars(kept[str(editor.edited)])
    clean = session_for(newsroom)
    assert clean.build().ok
    read = {c.source_path: c for c in kept_contents(clean)}
    assert len(kept) > 20 and kept.keys() == read.keys()
    for path, content in kept.items():
        shown = content.get_content("/site"), read[path].get_content("/site")  # Pelican's, through its hook
        assert body_of(content) == body_of(read[path]) and shown[0] == shown[1], path


class _Pelican:
    """Stands for the Pelican object a run is saved from and taken up by (named, not saved)."""

    def __init__(self, settings: dict) -> None:
        self.settings = settings


SHALLOW = 200  # recursion levels: far fewer than the articles of the chain


def test_a_long_chain_of_neighbours_is_saved_flat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each article links the next: saved where they are met, 5 000 of them would nest
    pickle 5 000 levels deep. A run is saved flat — with a recursion limit of a few hundred
    that it may not raise — and loads back whole."""
    settings = dict(DEFAULT_CONFIG)
    chain = [Article(f"<p>Bài {n}.</p>", metadata={"title": f"Bài {n}", "date": dt.datetime(2020, 1, 1)},
                     settings=settings, source_path=f"bai-{n}.md") for n in range(5_000)]
    for before, after in itertools.pairwise(chain):
        before.next_article, after.prev_article = after, before
    generator = types.SimpleNamespace(articles=chain, settings=settings)
    run = SavedRun(tmp_path / "chain.run")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(SHALLOW)
    try:
        with monkeypatch.context() as patched:
            patched.setattr(sys, "setrecursionlimit", lambda _: None)
            run.save(SavedRunHeader(FORMAT, "run", tmp_path, None, {}), _Pelican(settings), [generator], None, {})
    finally:
        sys.setrecursionlimit(limit)
    assert run.header() is not None, "saved"
    loaded = run.load(_Pelican(settings))
    assert loaded is not None
    article, count = loaded[0][0].articles[0], 1
    while (article := getattr(article, "next_article", None)) is not None:
        assert body_of(article) == f"<p>Bài {count}.</p>" and article.prev_article.title == f"Bài {count - 1}"
        count += 1
    assert count == len(chain)


def test_a_run_holds_one_tag_category_and_author_object_per_name(newsroom: Project) -> None:
    """Articles with the same tag, category or author share one object for it: a run has
    thousands fewer objects to hold, save and load. (Pages get Pelican's own defaults.)"""
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


def test_the_edited_shard_is_indexed_while_the_run_loads(newsroom: Project, indexed: list[str]) -> None:
    build(newsroom)
    store = record_store(newsroom)
    stored = sorted(path.name for path in store.folder.iterdir())
    shards = json.loads((newsroom.output / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    assert {WHERE, KEYS} <= set(stored) and len(stored) == len(shards) + 2, "one file per shard, and the maps"
    editor = Editor(newsroom, 18)
    for name in ("body", "meeting_body", "page_body"):
        step = editor.apply(name)
        indexed.clear()
        assert build(newsroom).patched, step
        # indexed before the run was loaded: the shard of the file just edited, not those of
        # the files edited before it (since the saved run: patched again, but indexed already)
        assert indexed == ["search-index-ahead"], step
        assert_same_as_clean(newsroom, step)
        assert len(list(store.folder.iterdir())) == len(stored), "the old shard's records are gone"


def test_a_preview_that_took_up_the_saved_run_indexes_ahead_of_each_patch(newsroom: Project,
                                                                         indexed: list[str]) -> None:
    """The run taken up from disk gets this process's Pelican object: its recipes find the
    patch's run and the records the last build stored, patch after patch."""
    build(newsroom)  # saves its run
    session = session_for(newsroom, saved=True)
    assert session.build().ok  # nothing to do: the first patch takes the run up
    editor = Editor(newsroom, 21)
    for name in ("body", "body", "meeting_body"):
        step = editor.apply(name)
        indexed.clear()
        assert session.build().patched, step
        assert indexed == ["search-index-ahead"], step
        assert_same_as_clean(newsroom, step)


def test_a_preview_indexes_the_edited_shard_ahead_of_its_patch(newsroom: Project, indexed: list[str]) -> None:
    session = session_for(newsroom)
    assert session.build().ok
    editor = Editor(newsroom, 20)
    for name in ("body", "meeting_body", "body"):
        step = editor.apply(name)
        indexed.clear()
        assert session.build().patched, step
        assert indexed == ["search-index-ahead"], step  # the one shard edited, started before the patch
        assert_same_as_clean(newsroom, step)


def test_indexing_ahead_folds_the_words_of_the_edited_page_alone(
        newsroom: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store keeps each record's folded words, a patch's too: a patch in a new process
    folds only the words of the page it edits before Pagefind can start."""
    build(newsroom)
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
            assert build(newsroom).patched
        # once: the edited page's new text (the patch takes the bundle indexed ahead as it is)
        assert len(folded) == 1 and folded[0] not in {record.text for record in shard.records}, (step, folded)
        assert_same_as_clean(newsroom, step)


def test_a_patch_writes_only_the_search_files_the_edit_changed(
        newsroom: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind names a shard's fragments by their content: a body edit changes a few files of
    the shard, and the others stay as the last build wrote them."""
    build(newsroom)
    bundles: list[tuple[int, int]] = []  # files in the bundle, files kept as they were
    write_bundle = search_index._write_bundle

    def spy(output: Path, shard: search_index.Shard, files: dict[str, bytes], ledger: object) -> None:
        write_bundle(output, shard, files, ledger)
        bundles.append((len(files), len(shard.unchanged)))

    monkeypatch.setattr(search_index, "_write_bundle", spy)
    step = Editor(newsroom, 22).apply("body")
    assert build(newsroom).patched
    ((files, unchanged),) = bundles
    assert 0 < files - unchanged <= 8 and unchanged > 0, bundles  # the page's fragment, the index, the entry
    assert_same_as_clean(newsroom, step)


def test_records_stored_wrong_are_never_indexed(newsroom: Project, indexed: list[str]) -> None:
    build(newsroom)
    store = record_store(newsroom)
    editor = Editor(newsroom, 19)
    step = editor.apply("body")
    (shard,) = store.shard_of([str(editor.edited)]).values()
    wrong = [dataclasses.replace(r, text=r.text + " sai") for r in shard.records]
    store.put(shard.name, shard.key, wrong)  # what the patch makes no longer has that key
    indexed.clear()
    assert build(newsroom).patched
    assert indexed == ["search-index-ahead", "search-index"]  # the guess, then the recipe: the shard itself
    assert_same_as_clean(newsroom, step)

    shutil.rmtree(store.folder)  # no records stored: nothing ahead, the patch indexes
    step = editor.apply("body")
    indexed.clear()
    assert build(newsroom).patched
    assert indexed == ["search-index"]  # begun before the pages are rendered again
    assert_same_as_clean(newsroom, step)


def test_identity_memos_are_not_taken_up() -> None:
    """Memos keyed by ``id`` stay with their process: in a new one, a new object could get an
    old object's fingerprint."""
    values = [["một", "hai"], {"ba": ("bốn",)}, {"năm"}]
    fingerprints = Fingerprinter(context={"x": 1}, settings={})
    before = [fingerprints.of(v) for v in values]
    assert fingerprints._memo
    copies, restored = pickle.loads(pickle.dumps((values, fingerprints)))
    assert restored._memo == {} and id(restored.context) in restored._skip
    assert [restored.of(c) for c in copies] == before

    sitemap = Sitemap()
    sitemap.changed(values[0])
    assert sitemap._changed
    assert pickle.loads(pickle.dumps(sitemap))._changed == {}


def test_a_run_that_cannot_be_saved_only_costs_the_next_build_its_patch(
        newsroom: Project, caplog: pytest.LogCaptureFixture) -> None:
    def unpicklable() -> None:  # a setting pickle cannot name: the run cannot be saved
        return None

    overrides = {"OUTPUT_PATH": str(newsroom.output), "BOARD_NOTE": unpicklable}
    assert build_site(newsroom.root / "pelicanconf.py", **overrides).ok
    assert "Không lưu được lần dựng này" in caplog.text
    assert not saved_run(newsroom).path.exists()
    Editor(newsroom, 16).apply("body")
    result = build_site(newsroom.root / "pelicanconf.py", **overrides)
    assert result.ok and not result.patched
    assert_same_as_clean(newsroom, "body after a run that could not be saved")
