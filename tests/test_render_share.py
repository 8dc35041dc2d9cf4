"""Pages rendered on every core (toasoan.build.share): the same bytes as one process writes,
and a failure on either side fails the build, with the output untouched.

Helpers are forked only by a process with no other thread, and a test worker may have some
(the browser tests' Chromium, a server): each case runs in a new Python process
(:func:`in_a_new_process`), which replaces what it needs of the code there.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from editkit import Editor, assert_same_files, files, succeeded

import sitekit
from sitekit import Project
from toasoan import parsing
from toasoan.build import share
from toasoan.build.outputs import LedgerPart, OutputLedger
from toasoan.build.plan import build_site, load_settings
from toasoan.build.run import BuildRun
from toasoan.build.writer import IncrementalWriter

pytestmark = pytest.mark.skipif(not parsing.can_fork(), reason="helpers are forked (not on Windows)")


def in_a_new_process(case: Callable[[Project], None], project: Project) -> None:
    """Run ``case(project)`` in a new Python process, with no thread but its own."""
    sitekit.in_a_new_process(_case_of_project, case.__name__, str(project.root))


def _case_of_project(name: str, root: str) -> None:
    globals()[name](Project(Path(root)))


def build_with(project: Project, processes: int, folder: str, *, incremental: bool = False):
    return build_site(project.root / "pelicanconf.py", incremental=incremental,
                      OUTPUT_PATH=str(project.root / folder), RENDER_PROCESSES=processes)


def helper_parts() -> list[LedgerPart]:
    """What each helper sends back to the first process, as it arrives (from now on)."""
    parts: list[LedgerPart] = []
    follow = BuildRun.follow

    def recorded(run: BuildRun, helper) -> None:  # the render helpers are the ones a run follows
        finish = helper.finish

        def finishing() -> LedgerPart:
            parts.append(finish())
            return parts[-1]

        helper.finish = finishing
        follow(run, helper)

    BuildRun.follow = recorded
    return parts


def in_helpers_only(change: Callable[[object], None]) -> None:
    """``change(writer)`` runs in each helper as it starts (never in the first process)."""
    render = share._render_share

    def changed(writer, generators, part) -> LedgerPart:
        change(writer)
        return render(writer, generators, part)

    share._render_share = changed


# ---------------------------------------------------------------------- the cases
def three_processes_write_the_bytes_of_one(newsroom: Project) -> None:
    parts = helper_parts()
    assert share.processes({share.SETTING: 3}) == 3
    succeeded(build_with(newsroom, 1, "one"))
    assert parts == []
    succeeded(build_with(newsroom, 3, "three"))
    assert len(parts) == 2
    assert all(part.written and part.reads for part in parts), "each helper rendered pages"
    shared = {path for part in parts for path in part.written}
    assert len(shared) == sum(len(part.written) for part in parts), "no page rendered twice"
    assert shared < files(newsroom.root / "three").keys()
    assert_same_files(newsroom.root / "three", newsroom.root / "one", "three processes")


def an_incremental_build_keeps_and_renders_across_the_helpers(newsroom: Project) -> None:
    parts = helper_parts()
    succeeded(build_with(newsroom, 2, "output", incremental=True))
    Editor(newsroom, seed=3).title()
    parts.clear()
    again = succeeded(build_with(newsroom, 2, "output", incremental=True))
    assert again.kept and parts and any(part.kept for part in parts)
    succeeded(build_with(newsroom, 1, "clean-output"))
    assert_same_files(newsroom.output, newsroom.root / "clean-output", "title edit, two processes")


def a_page_failing_in_a_helper_fails_the_build(newsroom: Project) -> None:
    succeeded(build_with(newsroom, 2, "output"))
    before = files(newsroom.output)

    def broken(writer) -> None:
        def write_file(*args, **kwargs):
            raise ValueError("mẫu trang hỏng ở tiến trình phụ")
        writer.write_file = write_file

    in_helpers_only(broken)
    result = build_with(newsroom, 2, "output")
    assert not result.ok and "ValueError: mẫu trang hỏng ở tiến trình phụ" in result.error, result.error
    assert files(newsroom.output) == before
    assert not multiprocessing.active_children()


def a_helper_that_dies_fails_the_build(newsroom: Project) -> None:
    in_helpers_only(lambda writer: os._exit(3))
    result = build_with(newsroom, 2, "output")
    assert not result.ok and "dừng bất thường (mã thoát 3)" in result.error, result.error
    assert not newsroom.output.exists()


def a_failure_in_the_first_process_stops_the_helpers(newsroom: Project) -> None:
    write_file = IncrementalWriter.write_file

    def first_fails(writer, name, *args, **kwargs):
        if writer.share is not None and writer.share.first and name.endswith("index.html"):
            raise RuntimeError("mẫu trang hỏng ở tiến trình chính")
        return write_file(writer, name, *args, **kwargs)

    IncrementalWriter.write_file = first_fails
    result = build_with(newsroom, 2, "output")
    assert not result.ok and "mẫu trang hỏng ở tiến trình chính" in result.error, result.error
    assert not multiprocessing.active_children(), "the helper was stopped"
    assert not newsroom.output.exists() and not list(newsroom.root.glob(".output-*"))


def no_helper_is_forked_while_another_thread_runs(newsroom: Project) -> None:
    parts = helper_parts()
    stop = threading.Event()
    server = threading.Thread(target=stop.wait, name="máy chủ xem trước")
    server.start()
    try:
        assert share.processes({share.SETTING: 2}) == 1
        succeeded(build_with(newsroom, 2, "output"))
    finally:
        stop.set()
        server.join()
    assert parts == []
    assert share.processes({share.SETTING: 2}) == 2
    succeeded(build_with(newsroom, 2, "again"))  # the search index's thread starts after the fork
    assert len(parts) == 1


def pelican_run_on_its_own_waits_for_its_helpers(newsroom: Project) -> None:
    from pelican import Pelican

    parts = helper_parts()
    succeeded(build_with(newsroom, 1, "one"))
    settings = load_settings(newsroom.root / "pelicanconf.py", OUTPUT_PATH=str(newsroom.root / "alone"),
                             RENDER_PROCESSES=2)
    Pelican(settings).run()
    assert len(parts) == 1 and not multiprocessing.active_children()
    alone, one = files(newsroom.root / "alone"), files(newsroom.root / "one")
    assert {path: alone.get(path) for path in parts[0].written} == {path: one[path] for path in parts[0].written}


def the_work_beside_the_pages_runs_in_processes_of_its_own(newsroom: Project) -> None:
    started: list[tuple[str, list[str], int, bool]] = []  # plugin, pages written before, helpers, apart
    beside = BuildRun.beside_process

    def spy(run: BuildRun, plugin: str, work: Callable[[], None] | None = None) -> bool:
        apart = beside(run, plugin, work)
        started.append((plugin, [path for path in run.ledger.written if path.endswith(".html")],
                        len(run.helpers), apart))
        return apart

    taken: list[LedgerPart] = []
    take = OutputLedger.take
    OutputLedger.take = lambda ledger, part: (taken.append(part), take(ledger, part))[1]
    BuildRun.beside_process = spy
    succeeded(build_with(newsroom, 2, "apart"))
    assert sorted(started) == [("action_tracker", [], 1, True), ("search_index", [], 1, True)]
    made_apart = {path for part in taken for path in part.written if not path.endswith((".html", ".xml"))}
    assert {"tracker/action-items.ics", "tracker/action-items.json", "pagefind/shards.json"} <= made_apart
    BuildRun.beside_process = lambda run, plugin, work=None: False  # the same work, in the first process
    succeeded(build_with(newsroom, 2, "here"))
    assert_same_files(newsroom.root / "apart", newsroom.root / "here", "work beside the pages, apart or here")


def work_apart_failing_fails_the_build(newsroom: Project) -> None:
    succeeded(build_with(newsroom, 2, "output"))
    before = files(newsroom.output)
    beside = BuildRun.beside_process

    def broken() -> None:
        raise ValueError("xuất tệp hỏng ở tiến trình riêng")

    BuildRun.beside_process = lambda run, plugin, work=None: beside(
        run, plugin, broken if plugin == "action_tracker" else work)
    result = build_with(newsroom, 2, "output")
    assert not result.ok and "ValueError: xuất tệp hỏng ở tiến trình riêng" in result.error, result.error
    assert files(newsroom.output) == before
    assert not multiprocessing.active_children()


# ---------------------------------------------------------------------- the tests
def test_pages_rendered_by_three_processes_are_the_bytes_one_process_writes(newsroom: Project) -> None:
    in_a_new_process(three_processes_write_the_bytes_of_one, newsroom)


def test_an_incremental_build_keeps_and_renders_across_the_helpers(newsroom: Project) -> None:
    in_a_new_process(an_incremental_build_keeps_and_renders_across_the_helpers, newsroom)


def test_a_page_failing_in_a_helper_fails_the_build_and_keeps_the_output(newsroom: Project) -> None:
    in_a_new_process(a_page_failing_in_a_helper_fails_the_build, newsroom)


def test_a_helper_that_dies_fails_the_build_with_a_message(newsroom: Project) -> None:
    in_a_new_process(a_helper_that_dies_fails_the_build, newsroom)


def test_a_failure_in_the_first_process_stops_the_helpers(newsroom: Project) -> None:
    in_a_new_process(a_failure_in_the_first_process_stops_the_helpers, newsroom)


def test_no_helper_is_forked_while_another_thread_runs(newsroom: Project) -> None:
    """A lock a thread holds at the fork (tempfile's, a stream's) would stay held in the
    helper: a process with threads of its own (a preview's server) renders alone."""
    in_a_new_process(no_helper_is_forked_while_another_thread_runs, newsroom)


def test_pelican_run_on_its_own_waits_for_its_helpers(newsroom: Project) -> None:
    """``pelican`` without our build (no run_pelican): the helpers' pages are all there when
    the run returns (the incremental plugin gathers them at ``finalized``)."""
    in_a_new_process(pelican_run_on_its_own_waits_for_its_helpers, newsroom)


def test_the_work_beside_the_pages_runs_in_processes_of_its_own_and_writes_the_same_bytes(
        newsroom: Project) -> None:
    in_a_new_process(the_work_beside_the_pages_runs_in_processes_of_its_own, newsroom)


def test_work_beside_the_pages_failing_in_its_own_process_fails_the_build(newsroom: Project) -> None:
    in_a_new_process(work_apart_failing_fails_the_build, newsroom)


def test_one_process_renders_everything_where_it_cannot_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # whatever this worker runs beside
    assert share.processes({share.SETTING: 2}) == 2
    assert share.processes({share.SETTING: 1}) == 1
    monkeypatch.setattr(parsing, "can_fork", lambda: False)
    assert share.processes({share.SETTING: 4}) == 1


def _claim_all(claims: share.Claims, paths: list[str], index: int, connection) -> None:
    connection.send([claims.claim(path, index, 2) for path in paths])


def test_every_output_falls_to_the_first_process_that_claims_it():
    """Claims are shared across the fork: two processes claiming the same paths at once agree
    on every path's process, each path has one, and asking again gives the same answer."""
    paths = [f"{year}/bai-{n}/index.html" for year in range(2000, 2010) for n in range(500)]
    claims = share.Claims(len(paths))
    fork = multiprocessing.get_context("fork")
    receiving, sending = fork.Pipe(duplex=False)
    helper = fork.Process(target=_claim_all, args=(claims, paths, 1, sending))
    helper.start()
    mine = [claims.claim(path, 0, 2) for path in paths]
    theirs = receiving.recv()
    helper.join()
    assert helper.exitcode == 0
    assert mine == theirs and set(mine) <= {0, 1}
    assert [claims.claim(path, 1, 2) for path in paths] == mine
    later = share.Claims(len(paths))
    assert [later.claim(path, 1, 2) for path in paths] == [1] * len(paths)  # nobody asked before


def test_claims_past_the_tables_size_are_split_by_hash():
    claims = share.Claims(10)
    paths = [f"the/the-{n}/index.html" for n in range(claims.slots)]
    owners = [claims.claim(path, n % 2, 2) for n, path in enumerate(paths)]
    kept = int(share.FULLEST * claims.slots)
    assert owners[:kept] == [n % 2 for n in range(kept)]
    assert [claims.claim(path, 0, 2) for path in paths] == owners  # the same answer again
    assert {claims.claim(path, 0, 3) for path in paths[kept:]} == {0, 1, 2}


def _die_holding(claims: share.Claims) -> None:
    claims._lock.acquire()
    os._exit(9)


def test_a_claim_held_by_a_process_that_died_fails_instead_of_waiting_for_ever(monkeypatch: pytest.MonkeyPatch):
    claims = share.Claims(10)
    helper = multiprocessing.get_context("fork").Process(target=_die_holding, args=(claims,))
    helper.start()
    helper.join()
    assert helper.exitcode == 9
    monkeypatch.setattr(share, "CLAIM_WAIT", 0.2)
    with pytest.raises(share.ClaimsStuck, match=r"khóa bị giữ quá 0\.2 giây"):
        claims.claim("index.html", 0, 2)
