"""A resident preview (``invoke livereload``) patches body edits and still writes what a
clean build writes.

The session keeps its last Pelican run. When only bodies changed it reads those files
again and renders only what shows them; anything else runs the incremental build. After
every step ``output/`` is compared, byte for byte, with a clean full build.
"""

from __future__ import annotations

import gc
import weakref

import pytest
from editkit import (
    CONTENT_EDITS,
    Editor,
    add_documents,
    assert_same_as_clean,
    build,
    files,
    session_for,
    succeeded,
)

from sitekit import Project
from toasoan.build.plan import BuildResult
from toasoan.build.session import BuildSession

BODY_EDITS = ("body", "meeting_body", "page_body")


def built(session: BuildSession) -> BuildResult:
    return succeeded(session.build())


@pytest.mark.parametrize("seed", [5, 6])
def test_random_edits_in_a_session_match_a_clean_build(newsroom: Project, seed: int) -> None:
    session = session_for(newsroom)
    first = built(session)
    editor = Editor(newsroom, seed)
    steps = [editor.random.choice(BODY_EDITS + CONTENT_EDITS) for _ in range(8)]
    steps[editor.random.randint(0, 7)] = "body"
    for name in steps:
        step = editor.apply(name)
        result = built(session)
        if name in BODY_EDITS:
            assert result.patched == (str(editor.edited),), step
            assert 0 < result.rendered < first.rendered / 10, (step, result.rendered, first.rendered)
        else:
            assert not result.patched, step
        assert_same_as_clean(newsroom, step)


def test_edits_of_documents_data_theme_and_history_in_a_session_match_a_clean_build(newsroom: Project) -> None:
    """The session's kept run sees what is not a body edit too: it builds again, and its
    next body edit is patched into that run."""
    add_documents(newsroom)
    editor = Editor(newsroom, 7, history=True)
    session = session_for(newsroom)
    built(session)
    for name in ("merge", "body", "document_file", "unit_rename", "page_body", "board", "theme_static",
                 "meeting_body", "git_mv", "body"):
        step = editor.apply(name)
        result = built(session)
        assert bool(result.patched) == (name in BODY_EDITS), step
        assert_same_as_clean(newsroom, step)


def test_each_kind_of_body_is_patched(newsroom: Project) -> None:
    session = session_for(newsroom)
    built(session)
    editor = Editor(newsroom, 8)
    for name in BODY_EDITS:
        editor.apply(name)
        assert built(session).patched == (str(editor.edited),), name
        assert_same_as_clean(newsroom, name)


def test_bodies_of_several_files_are_patched_together(newsroom: Project) -> None:
    session = session_for(newsroom)
    built(session)
    editor = Editor(newsroom, 9)
    edited = set()
    for name in ("body", "meeting_body"):
        editor.apply(name)
        edited.add(str(editor.edited))
    assert set(built(session).patched) == edited
    assert_same_as_clean(newsroom, "two bodies")


def test_a_new_first_paragraph_changes_the_summary_so_lists_are_built_again(newsroom: Project) -> None:
    session = session_for(newsroom)
    built(session)
    article = Editor(newsroom, 10).pick(Editor(newsroom, 10).articles())
    text = article.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    article.write_text(head + sep + "\nĐoạn mở đầu mới của bài.\n\n" + body, encoding="utf-8")
    result = built(session)
    assert not result.patched
    assert_same_as_clean(newsroom, "first paragraph")


def test_a_body_with_an_error_fails_keeps_the_output_and_recovers(newsroom: Project) -> None:
    session = session_for(newsroom)
    built(session)
    before = files(newsroom.output)
    editor = Editor(newsroom, 11)
    editor.apply("body")
    article = editor.edited
    good = article.read_text(encoding="utf-8")
    article.write_text(good + "\nXem [bài cũ](/2019/khong-co-bai-nay/).\n", encoding="utf-8")
    failed = session.build()
    assert not failed.ok and any(f.is_error for f in failed.findings), failed
    assert files(newsroom.output) == before
    article.write_text(good + "\nĐã sửa.\n", encoding="utf-8")
    assert built(session).ok
    assert_same_as_clean(newsroom, "fixed body")


def test_a_patch_warns_as_a_full_check_does(newsroom: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """A patch reuses the last check's model findings (slugs, ids, tracker) and checks links."""
    import content_checks.content_checks as plugin

    warned: list[list[tuple]] = []
    real = plugin.format_text
    monkeypatch.setattr(plugin, "format_text", lambda findings: warned.append(
        sorted((f.code, f.file, f.line) for f in findings)) or real(findings))
    session = session_for(newsroom)
    built(session)
    Editor(newsroom, 13).apply("body")
    assert built(session).patched
    full, patched = warned
    assert any(code == "W202" for code, _, _ in full), full  # items left open too long, as of EPOCH
    assert patched == full


def test_outputs_from_another_build_or_changed_by_hand_are_not_patched_over(newsroom: Project) -> None:
    session = session_for(newsroom)
    built(session)
    editor = Editor(newsroom, 12)
    editor.apply("title")
    build(newsroom)  # `invoke build` in another terminal: the session's run is not what output/ holds
    editor.apply("body")
    assert not built(session).patched
    assert_same_as_clean(newsroom, "after another build")
    (newsroom.output / "index.html").write_text("sửa tay", encoding="utf-8")
    editor.apply("body")
    assert not built(session).patched
    assert_same_as_clean(newsroom, "output changed by hand")


def test_a_new_run_lets_the_last_one_go(newsroom: Project) -> None:
    """A long preview does not pile up runs (Pelican memoises bodies in a global cache)."""
    session = session_for(newsroom)
    built(session)
    article = next(a for g in session._last.generators for a in getattr(g, "articles", ()))
    _ = article.content, article.summary  # memoised by Pelican, as the templates do
    last_run = weakref.ref(article)
    del article
    Editor(newsroom, 13).apply("title")
    assert not built(session).patched
    gc.collect()
    assert last_run() is None
