"""The benchmark's corpus generator and harness (correctness only: no timing assertions)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import bench.harness
from bench.corpus import MAX_WORDS, MIN_WORDS, generate
from bench.harness import (
    FLOOR_PARTS,
    MEASURES,
    PREVIEW_EDITS,
    STOCK,
    TOASOAN,
    TRASH,
    Bench,
    Sample,
    SizeResult,
    Trash,
    compile_project,
    machinery_lines,
    main,
    missing_packages,
    run_bench,
    size_table,
)
from toasoan.build.plan import load_settings
from toasoan.content import read_content
from toasoan.findings import has_errors
from toasoan.model import MeetingReport
from toasoan.settings import site_rules

REPO = Path(__file__).resolve().parent.parent


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_corpus_is_deterministic(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 40, seed=7)
    second = generate(tmp_path / "b", 40, seed=7)
    other = generate(tmp_path / "c", 40, seed=8)
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    assert first.files == second.files and first.edit_target == second.edit_target
    assert files_of(tmp_path / "a") != files_of(tmp_path / "c")
    assert other.count == 40


def test_corpus_is_valid_vietnamese_newsroom_content(tmp_path: Path) -> None:
    corpus = generate(tmp_path / "content", 100, seed=3)
    rules, problems = site_rules(load_settings(REPO / "pelicanconf.py", PATH=str(tmp_path / "content")))
    documents, findings = read_content(rules)
    assert not problems and not has_errors(findings), findings[:3]
    assert len([d for d in documents if d.kind != "page"]) == 100
    reports = [d for d in documents if isinstance(d, MeetingReport)]
    assert len(reports) == len(corpus.meetings) == 20
    assert sum(len(r.updates) for r in reports) > 10 and sum(len(r.action_items) for r in reports) > 20
    assert {d.category for d in documents if d.kind == "article"} <= set(rules.categories)
    assert {i.owner for r in reports for i in r.action_items} <= set(rules.unit_names)
    assert Counter(d.kind for d in documents)["article"] == 80
    for document in documents:
        if document.kind != "page":
            words = len(re.findall(r"\S+", document.body))
            assert MIN_WORDS <= words <= MAX_WORDS, (document.source, words)
        assert unicodedata.is_normalized("NFC", document.body + document.title)
    assert any("ư" in d.title or "ộ" in d.title for d in documents)
    assert corpus.edit_target in corpus.files


def test_harness_runs_end_to_end_and_writes_a_results_table(tmp_path: Path) -> None:
    results_file = tmp_path / "RESULTS.md"
    results_file.write_text("cũ\n<!-- history: kept by the harness, written by people -->\nGhi chú tay\n",
                            encoding="utf-8")
    lines: list[str] = []
    [result] = run_bench([20], 1, tmp_path / "work", results_file, progress=lines.append)
    for measure in ("cold", "nochange", "edit"):
        assert len(result.samples[measure][STOCK]) == len(result.samples[measure][TOASOAN]) == 1
    # Stock with search = stock's cold build then the Pagefind CLI over its output; ours is our cold build.
    stock_cold, [stock_search] = result.samples["cold"][STOCK][0], result.samples["cold_search"][STOCK]
    assert stock_search.wall > stock_cold.wall and stock_search.cpu > stock_cold.cpu
    assert result.samples["cold_search"][TOASOAN] == result.samples["cold"][TOASOAN]
    assert (tmp_path / "work" / "n20" / "stock" / "output" / "pagefind" / "pagefind.js").is_file()
    # The preview session patched every edit (the harness fails otherwise), alternated with stock's reruns.
    assert [len(result.samples["edit_preview"][t]) for t in (STOCK, TOASOAN)] == [PREVIEW_EDITS] * 2
    assert result.samples["check"][TOASOAN][0].wall > 0
    assert not result.notes  # both reviews ran: after the check, and with no parse cache
    assert [len(result.samples[m][TOASOAN]) for m in ("review", "review_cold")] == [1, 1]
    assert all(s.rss > 0 for s in result.samples["cold"][STOCK])
    # After the cold build, Pagefind indexed every stored shard again and Markdown converted every body.
    assert all(result.samples[name][TOASOAN][0].cpu > 0 for name in FLOOR_PARTS)
    text = results_file.read_text(encoding="utf-8")
    floor = result.cold_floor(os.cpu_count() or 1)
    assert floor is not None and f"| — | {floor:.2f} | " in text
    assert all(MEASURES[m][0] in text for m in ("cold", "cold_search", "edit", "edit_preview"))
    assert f"Số dòng của bộ máy dựng**: {machinery_lines()} " in text and machinery_lines() > 500
    assert re.search(r"\| Dựng lần đầu \(cold build\) \| \d+\.\d\d \(\d+\.\d\d\) \| \d+\.\d\d", text)
    assert "Python" in text and "Pelican" in text and "nproc" in text
    assert text.startswith("# Kết quả") and text.rstrip().endswith("Ghi chú tay")
    assert (tmp_path / "work" / "n20" / "stock" / "output" / "index.html").is_file()
    assert (tmp_path / "work" / "results.json").is_file()
    assert not (tmp_path / "work" / TRASH).exists()  # what the cold review discarded is gone at the end


def test_the_trash_keeps_what_is_discarded_until_it_is_emptied(tmp_path: Path) -> None:
    trash = Trash(tmp_path / TRASH)
    for n in range(2):  # two folders of the same name: both kept
        (tmp_path / "output" / "a").mkdir(parents=True)
        (tmp_path / "output" / "a" / "index.html").write_text(f"bản {n}", encoding="utf-8")
        trash.discard(tmp_path / "output")
        assert not (tmp_path / "output").exists()
    trash.discard(tmp_path / "khong-co")  # nothing to discard: no error
    kept = sorted(p.read_text(encoding="utf-8") for p in (tmp_path / TRASH).rglob("index.html"))
    assert kept == ["bản 0", "bản 1"]
    trash.empty()
    assert not (tmp_path / TRASH).exists()


def test_our_python_is_compiled_before_it_is_measured(tmp_path: Path) -> None:
    """Stock Pelican's modules were compiled when pip installed them; ours are compiled too."""
    sources = [tmp_path / "toasoan" / "model.py", tmp_path / "plugins" / "search_index" / "records.py",
               tmp_path / "bench" / "corpus.py", tmp_path / "tasks.py"]
    for source in sources:
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text("GHI_CHU = 'Bản tin'\n", encoding="utf-8")
    compile_project(tmp_path)
    for source in sources:
        cached = Path(importlib.util.cache_from_source(str(source)))
        assert cached.is_file() and cached.stat().st_size > 0, source


def test_the_cold_floor_adds_what_no_build_can_leave_out_and_shares_it_among_the_cores() -> None:
    result = SizeResult(5000)
    for name, tool, cpus in (("search_alone", TOASOAN, (10.5, 11.0, 12.0)), ("markdown_alone", TOASOAN, (3.0,)),
                             ("nochange", STOCK, (9.0, 9.5)), ("nochange", TOASOAN, (0.3,)),
                             ("cold", STOCK, (16.0,)), ("cold", TOASOAN, (21.0,)), ("cold_search", STOCK, (26.0,))):
        for cpu in cpus:
            result.add(name, tool, Sample(wall=cpu, cpu=cpu, rss=100.0))
    assert result.cold_floor(2) == (11.0 + 3.0 + 9.25) / 2  # medians of the CPU seconds
    [row] = [line for line in size_table(result, 3, cores=2) if line.startswith("| Giới hạn dưới")]
    assert row.endswith("| — | 11.62 | 0.727×; so với Pelican gốc + Pagefind: 0.447× | |") and "chia cho 2 nhân" in row
    assert SizeResult(5000).cold_floor(2) is None  # nothing measured: no row
    assert not any("Giới hạn dưới" in line for line in size_table(SizeResult(5000), 3, cores=2))


def test_the_floor_asks_for_a_build_first_when_no_search_records_are_stored(tmp_path: Path) -> None:
    bench = Bench(tmp_path, 5, Trash(tmp_path / TRASH))
    bench.prepare(with_review=False)  # a bench site, never built
    site = bench.site
    done = subprocess.run([sys.executable, "-m", "bench.floor", "search"], cwd=site, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert done.returncode == 1 and "hãy chạy invoke build trước" in done.stderr
    assert "Traceback" not in done.stderr and not done.stdout
    wrong = subprocess.run([sys.executable, "-m", "bench.floor", "html"], cwd=site, capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert wrong.returncode == 2 and "search|markdown" in wrong.stderr


def test_the_bench_names_a_missing_package_and_how_to_install_it(tmp_path: Path, monkeypatch, capsys) -> None:
    assert missing_packages(("pelican", "khong-co-goi-nay")) == ["khong-co-goi-nay"]
    monkeypatch.setattr(bench.harness, "BENCH_PACKAGES", ("pelican-yaml-metadata", "khong-co-goi-nay"))
    assert main(["--sizes", "5", "--runs", "1", "--workdir", str(tmp_path / "w"), "--out", str(tmp_path / "r.md")]) == 2
    error = capsys.readouterr().err
    assert "khong-co-goi-nay" in error and "script/bootstrap --test" in error
    assert "pelican-yaml-metadata" not in error  # installed by the test extras
    assert not (tmp_path / "w").exists() and not (tmp_path / "r.md").exists()  # nothing measured
