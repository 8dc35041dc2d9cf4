"""The run of one build: how plugins write their files and keep what a patch needs."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

from toasoan.build.outputs import Entry, OutputLedger, digest
from toasoan.build.run import SETTING, BuildRun, run_of

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
# What a plugin may import of the build machinery: its run, hashing, the session's signals,
# the contents of Pelican's generators; the incremental plugin installs the writer.
PLUGIN_FACING = {"toasoan.build.run", "toasoan.build.outputs", "toasoan.build.signals",
                 "toasoan.build.generators", "toasoan.build.writer"}


def test_outside_a_build_the_first_plugin_that_asks_gets_a_run_writing_everything(tmp_path: Path) -> None:
    settings = {"OUTPUT_PATH": str(tmp_path / "output")}
    run = run_of(settings)
    assert run_of(settings) is run and settings[SETTING] is run
    assert run.output("feeds/all.json", lambda: "{}")
    assert run.output("feeds/all.json", lambda: "{}"), "a run outside a build keeps nothing"
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

    assert not run.output("tracker/items.ics", render, key="k1")
    assert rendered == [] and "tracker/items.ics" in ledger.kept
    assert run.output("tracker/items.ics", render, key="k2")
    assert (staging / "tracker" / "items.ics").read_text(encoding="utf-8") == "new"
    assert ledger.written["tracker/items.ics"] == digest("build-key", "k2")


def test_a_run_drives_settings_only_while_the_build_runs_and_is_never_saved(tmp_path: Path) -> None:
    run = BuildRun.writing_all(tmp_path)
    run.memory["sitemap"] = ["kept for a patch"]
    settings, context = {"OUTPUT_PATH": str(tmp_path)}, {}
    with run.driving(settings, context):
        assert run_of(settings) is run and run_of(context) is run
        saved = pickle.loads(pickle.dumps(settings))
    assert saved[SETTING] is None, "a saved Pelican run keeps no build's run"
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
