"""Parsing many files once: the on-disk parse cache, its invalidation, the process pool."""

from __future__ import annotations

import os
import pickle
import shutil
import sys
import threading
from pathlib import Path

import pytest

from bench.corpus import generate
from sitekit import in_a_new_process, make_project
from toasoan import parsing
from toasoan.build.plan import build_site, load_settings
from toasoan.content import read_content, shared_cache, site_cache
from toasoan.git import Git
from toasoan.parsing import ParseCache, parse_files, parse_many, parse_one
from toasoan.settings import site_rules

REPO = Path(__file__).resolve().parent.parent

ARTICLE = """---
title: Học viện số hoá tài liệu
date: 2020-05-04 08:00
author: Thu Phương
category: Tin tức - Sự kiện
---

Ảnh: ![Toàn cảnh buổi làm việc](images/toan-canh.png)
"""


class CountingRender:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, body: str, relpath: str) -> str:
        self.calls += 1
        return f"<p>{len(body)}</p>"


def rules_for(content: Path):
    rules, problems = site_rules(load_settings(REPO / "pelicanconf.py", PATH=str(content)))
    assert not problems
    return rules


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    (folder / "articles").mkdir(parents=True)
    (folder / "data").mkdir()
    (folder / "data" / "units.yml").write_bytes((REPO / "content" / "data" / "units.yml").read_bytes())
    (folder / "articles" / "so-hoa.md").write_text(ARTICLE, encoding="utf-8")
    return folder


def files_of(content: Path) -> list[tuple[str, bytes]]:
    return [(p.relative_to(content).as_posix(), p.read_bytes()) for p in sorted(content.rglob("*.md"))]


def test_cached_parse_is_reused_until_the_file_or_a_probed_file_changes(content: Path, tmp_path: Path) -> None:
    rules = rules_for(content)
    render = CountingRender()

    def parse() -> parsing.ParsedFile:
        cache = ParseCache(tmp_path / "cache", "fp", content)
        result = parse_files(files_of(content), rules, render, cache)["articles/so-hoa.md"]
        cache.save()
        return result

    first = parse()
    assert [f.code for f in first.findings] == ["E304"]  # the image is missing
    assert parse() == first and render.calls == 1  # from the cache, not parsed again
    (content / "images").mkdir()
    (content / "images" / "toan-canh.png").write_bytes(b"\x89PNG")
    fixed = parse()  # the probe (image missing) no longer holds: parsed again
    assert render.calls == 2 and fixed.findings == ()
    article = content / "articles" / "so-hoa.md"
    article.write_text(ARTICLE.replace("số hoá", "số hoá toàn bộ"), encoding="utf-8")
    changed = parse()
    assert render.calls == 3 and changed.content_file.title == "Học viện số hoá toàn bộ tài liệu"
    assert parse() == changed and render.calls == 3


def _saved(content: Path, folder: Path) -> parsing.ParsedFile | None:
    return ParseCache(folder, "fp", content).get(parsing.cache_key("articles/so-hoa.md", parsing.blob_id(
        (content / "articles" / "so-hoa.md").read_bytes())))


@pytest.mark.skipif(not parsing.can_fork(), reason="no fork here: caches are always saved in this process")
def test_caches_saved_beside_the_build_are_saved_by_a_forked_process(content: Path, tmp_path: Path) -> None:
    in_a_new_process(caches_saved_beside, str(content), str(tmp_path))  # no thread of another test there


def caches_saved_beside(content: str, folder: str) -> None:
    content, folder = Path(content), Path(folder)
    caches = [ParseCache(folder / name, "fp", content) for name in ("build", "shared")]
    parsed = parse_files(files_of(content), rules_for(content), CountingRender(), caches[0], also=caches[1])
    saving = parsing.save_caches(*caches, beside=True)
    assert saving.process is not None and saving.process.pid != os.getpid()
    saving.join()
    assert saving.process.exitcode == 0
    assert _saved(content, folder / "build") == parsed["articles/so-hoa.md"]
    assert _saved(content, folder / "shared").html == ""  # the shared cache keeps no HTML


def test_a_cache_that_only_adds_reads_a_shard_only_to_save_it(content: Path, tmp_path: Path) -> None:
    """The build adds every file it parses to the cache ``invoke check`` reads: it does not
    read that cache's shards to add to them (a cold build held them all for a moment), and
    what it saves holds what was there and what it added."""
    (content / "articles" / "khac.md").write_text(ARTICLE.replace("số hoá", "chuyển đổi số"), encoding="utf-8")
    files, rules, folder = files_of(content), rules_for(content), tmp_path / "shared"
    first = ParseCache(folder, "fp", content, prune=False)
    parse_files(files[:1], rules, CountingRender(), also=first)
    first.save()
    adding = ParseCache(folder, "fp", content, prune=False)
    parse_files(files[1:], rules, CountingRender(), also=adding)
    assert adding.shards == {} and sum(map(len, adding.added.values())) == 1, "nothing read to add"
    adding.save()
    assert adding.shards == {} and adding.added == {}, "each shard let go once written"
    again = ParseCache(folder, "fp", content, prune=False)
    for relpath, raw in files:
        assert again.get(parsing.cache_key(relpath, parsing.blob_id(raw))) is not None, relpath


def test_files_parsed_as_they_are_read_are_let_go_once_the_cache_has_their_parse(content: Path,
                                                                                 tmp_path: Path) -> None:
    """An edit's build reads every content file, but holds the bytes of those the cache has
    no parse of only (not 20 MiB of them at 5 000 articles): each file read is let go before
    the next is asked for."""
    for n in range(5):
        (content / "articles" / f"bai-{n}.md").write_text(ARTICLE.replace("số hoá", f"số hoá {n}"), encoding="utf-8")
    rules, files = rules_for(content), files_of(content)
    cache = ParseCache(tmp_path / "cache", "fp", content)
    parse_files(files, rules, CountingRender(), cache)
    held: list[int] = []  # when a file is asked for, how many read before the last are still held elsewhere

    def reading():
        given: list[bytes] = []
        for relpath, raw in files:
            held.append(sum(sys.getrefcount(given[n]) > 2 for n in range(len(given) - 1)))  # given's, the call's
            given.append(bytes(bytearray(raw)))
            yield relpath, given[-1]

    parsed = parse_files(reading(), rules, CountingRender(), cache)
    assert sorted(parsed) == [relpath for relpath, _ in files]
    assert held == [0] * len(files), held


def test_caches_are_saved_in_this_process_while_another_thread_runs(content: Path, tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "build", "fp", content)
    parsed = parse_files(files_of(content), rules_for(content), CountingRender(), cache)
    release = threading.Event()
    other = threading.Thread(target=release.wait)  # a fork now could leave its locks held in the child
    other.start()
    try:
        saving = parsing.save_caches(cache, beside=True)
    finally:
        release.set()
        other.join()
    assert saving.process is None
    assert _saved(content, tmp_path / "build") == parsed["articles/so-hoa.md"]  # already there


def test_a_different_fingerprint_or_a_broken_shard_means_no_reuse(content: Path, tmp_path: Path) -> None:
    rules = rules_for(content)
    render = CountingRender()
    cache = ParseCache(tmp_path / "cache", "one", content)
    parse_files(files_of(content), rules, render, cache)
    cache.save()
    parse_files(files_of(content), rules, render, ParseCache(tmp_path / "cache", "two", content))
    assert render.calls == 2
    for shard in (tmp_path / "cache").rglob("*.pickle"):
        shard.write_bytes(b"not a pickle")
    parse_files(files_of(content), rules, render, ParseCache(tmp_path / "cache", "one", content))
    assert render.calls == 3


def test_the_process_pool_gives_what_one_process_gives(tmp_path: Path) -> None:
    generate(tmp_path / "content", parsing.POOL_MINIMUM + 16, seed=5)
    content = tmp_path / "content"
    rules = rules_for(content)
    files = files_of(content)
    pooled = parse_files(files, rules, CountingRender())
    serial = {relpath: parse_one(relpath, raw, rules, CountingRender()) for relpath, raw in files}
    assert pooled == serial
    assert all(p.content_file is not None and p.html for p in pooled.values())


def test_without_fork_as_on_windows_files_are_parsed_in_this_process(tmp_path: Path, monkeypatch) -> None:
    """Windows has no fork: the desk's preview on a writer's PC parses in its own process.
    (The platform is what cannot run here: only its list of start methods is Windows'.)"""
    generate(tmp_path / "content", parsing.POOL_MINIMUM + 16, seed=5)
    rules = rules_for(tmp_path / "content")
    files = files_of(tmp_path / "content")
    monkeypatch.setattr(parsing.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert not parsing.can_fork()
    serial = [parse_one(relpath, raw, rules, CountingRender()) for relpath, raw in files]
    assert parse_many(files, rules, CountingRender()) == serial


def test_a_pickled_parse_leaves_no_second_copy_on_its_html(content: Path) -> None:
    """Pickling (the parse caches, the process pool) round-trips a parse and attaches no
    UTF-8 copy to its Vietnamese HTML, which a build keeps to the end."""
    relpath, raw = files_of(content)[0]
    parsed = parse_one(relpath, raw, rules_for(content), lambda body, _: "<p>Đào tạo cán bộ</p>" * 200)
    held = sys.getsizeof(parsed.html)
    assert pickle.loads(pickle.dumps(parsed, pickle.HIGHEST_PROTOCOL)) == parsed
    assert sys.getsizeof(parsed.html) == held


def test_identical_bytes_at_two_paths_are_two_content_files(content: Path, tmp_path: Path) -> None:
    """The cache key holds the path: a copied file is its own source (and a duplicate slug)."""
    (content / "articles" / "ban-sao.md").write_text(ARTICLE, encoding="utf-8")
    for _ in range(2):  # parsed, then read back from the cache
        cache = ParseCache(tmp_path / "cache", "fp", content)
        parsed = parse_files(files_of(content), rules_for(content), None, cache)
        cache.save()
        assert {relpath: p.content_file.source for relpath, p in parsed.items()} == {
            "articles/so-hoa.md": "content/articles/so-hoa.md",
            "articles/ban-sao.md": "content/articles/ban-sao.md"}


def test_check_keeps_its_parses_in_the_git_directory_or_beside_the_content(content: Path) -> None:
    """Never in a work tree a writer commits: in ``.git`` when there is one."""
    site = content.parent
    documents, _ = read_content(rules_for(content))
    assert [d.title for d in documents] == ["Học viện số hoá tài liệu"]
    assert list((site / ".cache" / "toasoan" / "parse").rglob("*.pickle"))  # not in git
    shutil.rmtree(site / ".cache")
    git = Git(site)
    git.run("init", "--quiet")
    assert site_cache(site) == shared_cache(site / ".git")
    read_content(rules_for(content))
    assert list(shared_cache(site / ".git").rglob("*.pickle"))
    assert ".pickle" not in git.text("status", "--porcelain", "--untracked-files=all")


def test_after_a_build_check_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build puts what it parsed into the cache ``invoke check`` reads."""
    project = make_project(tmp_path / "site", sample_content=True)
    result = build_site(project.root / "pelicanconf.py")
    assert result.ok, result.error
    parsed: list[str] = []

    def spy(files: list[tuple[str, bytes]], *args: object) -> list[parsing.ParsedFile]:
        parsed.extend(relpath for relpath, _ in files)
        return parse_many(files, *args)

    monkeypatch.setattr(parsing, "parse_many", spy)
    rules, _ = site_rules(load_settings(project.root / "pelicanconf.py"))
    documents, findings = read_content(rules)
    assert parsed == [] and len(documents) > 20
    shutil.rmtree(site_cache(project.root))
    again, cold_findings = read_content(rules)  # parsed now: the same documents and findings
    assert len(parsed) == len(again) == len(documents) and cold_findings == findings
    parsed.clear()
    article = project.content / "articles" / "2019" / "nghiem-thu-de-tai-cntt-quan-ly-dao-tao.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8")
    assert build_site(project.root / "pelicanconf.py").ok
    assert parsed == ["articles/2019/nghiem-thu-de-tai-cntt-quan-ly-dao-tao.md"]  # by the build
    read_content(rules)
    assert parsed == ["articles/2019/nghiem-thu-de-tai-cntt-quan-ly-dao-tao.md"]  # not again


def test_the_card_digest_of_a_file_sees_what_a_listing_shows_not_its_body(content: Path) -> None:
    """Made once per parse and kept in the cache, it stands for the content model in the
    build's fingerprints (toasoan.build.fingerprint): a body edit keeps it, a title or a tag
    changes it."""
    rules = rules_for(content)

    def card(text: str) -> str:
        parsed = parse_one("articles/so-hoa.md", text.encode("utf-8"), rules)
        assert parsed.content_file is not None, parsed.findings
        return parsed.content_file.card_digest

    first = card(ARTICLE)
    assert card(ARTICLE + "\nMột đoạn nữa.\n") == first
    assert card(ARTICLE.replace("số hoá tài liệu", "số hoá toàn bộ tài liệu")) != first
    assert card(ARTICLE.replace("category:", "tags: [Chuyển đổi số]\ncategory:")) != first
    cached = pickle.loads(pickle.dumps(parse_one("articles/so-hoa.md", ARTICLE.encode("utf-8"), rules)))
    assert cached.content_file.card_digest == first
