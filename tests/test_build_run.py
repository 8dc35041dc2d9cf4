"""The run of one build: how plugins write their files and keep what a patch needs."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from markupsafe import Markup

from toasoan.build.outputs import Entry, OutputLedger, digest, digest_each
from toasoan.build.run import SETTING, BuildRun, Recipe, UndeclaredOutput, run_of

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
# What a plugin may import of the build machinery: its run, hashing, the contents of
# Pelican's generators, handing freed memory back; the incremental plugin installs the writer.
PLUGIN_FACING = {"toasoan.build.run", "toasoan.build.outputs", "toasoan.build.generators",
                 "toasoan.build.memory", "toasoan.build.writer"}


def test_outside_a_build_the_first_plugin_that_asks_gets_a_run_writing_everything(tmp_path: Path) -> None:
    settings = {"OUTPUT_PATH": str(tmp_path / "output")}
    run = run_of(settings)
    assert run_of(settings) is run and settings[SETTING] is run
    written: list[bool] = []
    run.declare(Recipe("json_feed", ("feeds/all.json",), lambda r: written.append(r.output("feeds/all.json",
                                                                                          lambda: "{}"))))
    run.make("json_feed")
    run.make("json_feed")
    assert written == [True, True], "a run outside a build keeps nothing"
    assert (tmp_path / "output" / "feeds" / "all.json").read_text(encoding="utf-8") == "{}"


def test_a_file_written_from_the_same_key_is_kept_and_not_rendered(tmp_path: Path) -> None:
    output, staging = tmp_path / "output", tmp_path / "staging"
    (output / "tracker").mkdir(parents=True)
    kept = output / "tracker" / "items.ics"
    kept.write_text("old", encoding="utf-8")
    stat = kept.stat()
    ledger = OutputLedger(output, staging, "build-key",
                          previous={"tracker/items.ics": Entry(digest("build-key", "k1"), stat.st_size,
                                                               stat.st_mtime_ns)})
    run = BuildRun(ledger)
    rendered: list[str] = []

    def render() -> str:
        rendered.append("ics")
        return "new"

    run.declare(Recipe("action_tracker", ("tracker/",), lambda _run: None))
    with run.making("action_tracker"):
        assert not run.output("tracker/items.ics", render, key="k1")
        assert rendered == [] and "tracker/items.ics" in ledger.kept
        assert run.output("tracker/items.ics", render, key="k2")
    assert (staging / "tracker" / "items.ics").read_text(encoding="utf-8") == "new"
    assert ledger.written["tracker/items.ics"] == digest("build-key", "k2")


def test_a_run_drives_settings_only_while_the_build_runs(tmp_path: Path) -> None:
    run = BuildRun.writing_all(tmp_path)
    settings, context = {"OUTPUT_PATH": str(tmp_path)}, {}
    with run.driving(settings, context):
        assert run_of(settings) is run and run_of(context) is run
    assert settings[SETTING] is None and context[SETTING] is None


def test_plugins_reach_the_build_only_through_its_plugin_facing_modules() -> None:
    found: dict[str, set[str]] = {}
    for path in PLUGINS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("toasoan.build"):
                names = {node.module} if node.module != "toasoan.build" else {
                    f"toasoan.build.{alias.name}" for alias in node.names}
                found.setdefault(str(path.relative_to(PLUGINS)), set()).update(names)
    assert found, "plugins import the build's run"
    assert {p: m - PLUGIN_FACING for p, m in found.items() if m - PLUGIN_FACING} == {}
    assert {p for p, m in found.items() if "toasoan.build.writer" in m} == {"incremental/incremental.py"}


def test_a_plugin_writes_only_the_outputs_it_declared(tmp_path: Path) -> None:
    run = BuildRun.writing_all(tmp_path)
    run.declare(Recipe("sitemap", ("sitemap.xml", "robots.txt"), lambda r: r.output("feeds/all.json", lambda: "")))
    run.declare(Recipe("search_index", ("pagefind/",), lambda r: r.output("pagefind/shards.json", lambda: "{}")))
    with pytest.raises(UndeclaredOutput, match=r"Plugin sitemap ghi feeds/all\.json mà không khai báo"):
        run.make("sitemap")
    with pytest.raises(UndeclaredOutput, match=r"pagefind/shards\.json: ghi ngoài công thức.*search_index"):
        run.output("pagefind/shards.json", lambda: "{}")
    assert not (tmp_path / "feeds").exists() and not (tmp_path / "pagefind").exists()
    run.make("search_index")
    assert (tmp_path / "pagefind" / "shards.json").read_text(encoding="utf-8") == "{}"


def test_a_patch_makes_again_the_recipes_that_show_bodies_in_the_order_declared(tmp_path: Path) -> None:
    run, made = BuildRun.writing_all(tmp_path), []
    for plugin in ("content_checks", "sitemap", "search_index"):
        run.declare(Recipe(plugin, (), lambda r, plugin=plugin: made.append((plugin, r.edited))))
    run.declare(Recipe("action_tracker", (), lambda r: made.append(("action_tracker", r.edited)), bodies=False))
    run.remake(["article"])
    assert made == [(p, ("article",)) for p in ("content_checks", "sitemap", "search_index")]


def test_a_recipe_reads_the_settings_of_the_pelican_run_it_is_made_in(tmp_path: Path) -> None:
    """A patch makes the recipes in the kept run's settings; nested, the outer ones come back."""
    run = BuildRun(OutputLedger(tmp_path / "output", tmp_path / "staging"))
    seen: list[str] = []
    run.declare(Recipe("sitemap", (), lambda r: seen.append(r.settings["SITEURL"])))
    declaring, kept = {"SITEURL": "https://cu.example"}, {"SITEURL": "https://hvdt.example"}
    with run.driving(declaring):
        run.make("sitemap")
        with run.driving(kept, {}):
            run.make("sitemap")
        run.make("sitemap")
    assert seen == ["https://cu.example", "https://hvdt.example", "https://cu.example"]
    alone = {"OUTPUT_PATH": str(tmp_path)}
    assert run_of(alone).settings is alone  # a run outside a build


@pytest.mark.parametrize("spelt", ["a/b/c.html", "/a/b/c.html", "a//b/./c.html", "./a/b/c.html",
                                   os.path.join("a", "b", "c.html")])
def test_the_ledger_names_an_output_the_same_however_its_path_is_spelt(tmp_path: Path, spelt: str) -> None:
    ledger = OutputLedger(tmp_path / "output", tmp_path / "staging", "build-key")
    ledger.wrote(spelt, "k")
    assert set(ledger.written) == {"a/b/c.html"}


def test_many_parts_hashed_as_they_come_give_the_digest_of_them_all() -> None:
    parts = ["sitemap", b"https://hvdt.example", *(f"{n}/index.html" for n in range(1000)), "Đào tạo", 7]
    assert digest_each(iter(parts)) == digest(*parts) != digest_each(iter(parts[1:]))
    assert digest_each(()) == digest()


def test_parts_all_text_joined_as_text_give_the_digest_of_them_one_by_one() -> None:
    """Text (a page key's fingerprints) is joined before it is encoded: the same digest as
    each part encoded and hashed in turn — Markup, a lone surrogate and no parts included."""
    parts = ["trang", Markup("<b>Đào tạo</b>"), "\ud800", "", "s" + "x" * 100]
    assert digest(*parts) == digest_each(iter(parts)) == digest(*parts[:-1], parts[-1].encode())
    assert digest(*parts) != digest(*parts[1:])


def test_an_output_made_straight_into_its_file_is_kept_from_the_same_key(tmp_path: Path) -> None:
    output, staging = tmp_path / "output", tmp_path / "staging"
    (output / "tracker").mkdir(parents=True)
    kept = output / "tracker" / "action-items.atom"
    kept.write_bytes(b"old")
    stat = kept.stat()
    ledger = OutputLedger(output, staging, "build-key",
                          previous={"tracker/action-items.atom": Entry(digest("build-key", "k1"), stat.st_size,
                                                                       stat.st_mtime_ns)})
    run, written = BuildRun(ledger), []
    run.declare(Recipe("action_tracker", ("tracker/",), lambda _run: None))
    with run.making("action_tracker"):
        assert not run.output_to("tracker/action-items.atom", written.append, key="k1")
        assert written == [] and "tracker/action-items.atom" in ledger.kept
        assert run.output_to("tracker/action-items.atom", lambda file: file.write("Đào tạo".encode()), key="k2")
        with pytest.raises(UndeclaredOutput):
            run.output_to("feeds/all.atom", written.append, key="k2")
    assert (staging / "tracker" / "action-items.atom").read_text(encoding="utf-8") == "Đào tạo"
    assert ledger.written["tracker/action-items.atom"] == digest("build-key", "k2")
