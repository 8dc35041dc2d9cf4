"""Every file of ``output/`` has one maker: Pelican (pages, feeds, static files) or the one
plugin whose recipe declared it (toasoan.build.run); a write nobody declared fails the build."""

from __future__ import annotations

from pathlib import Path

from pelican import Pelican, signals

from sitekit import Project
from toasoan.build.plan import BuildPlan, build_site, run_pelican
from toasoan.build.run import BuildRun, Recipe, run_of


def _declare_rogue(pelican: object) -> None:
    """A plugin's ``initialized``: it declares ``rogue.txt``…"""
    run_of(pelican.settings).declare(Recipe("rogue", ("rogue.txt",), _write_rogue))


def _write_rogue(run: BuildRun) -> None:
    """…and writes ``sitemap.xml`` too."""
    run.output("rogue.txt", lambda: "declared")
    run.output("sitemap.xml", lambda: "not declared by rogue")


def _finish_rogue(pelican: object) -> None:
    run_of(pelican.settings).make("rogue")


def _pelican_outputs(build: BuildPlan) -> tuple[BuildRun, set[str]]:
    """Build ``build`` from scratch; its run, and what Pelican wrote: pages, feeds, static files."""
    output = Path(build.settings["OUTPUT_PATH"])
    written: set[str] = set()

    def wrote(path: str, **_: object) -> None:
        written.add(Path(path).relative_to(output.resolve()).as_posix())

    def statics(generators: list) -> None:  # what Pelican still copies, once plugins have chosen
        written.update(Path(s.save_as).as_posix() for g in generators for s in getattr(g, "staticfiles", ()))

    run = BuildRun(build.ledger())
    with (signals.content_written.connected_to(wrote), signals.feed_written.connected_to(wrote),
          signals.all_generators_finalized.connected_to(statics)):
        result = build.run(run, lambda: run_pelican(Pelican(build.settings)))
    assert result.ok, (result.error, result.findings)
    return run, written


def test_every_output_belongs_to_pelican_or_to_exactly_one_plugin(sample_project: Project) -> None:
    # One process renders: a feed written by a helper is heard (feed_written) only there.
    plan = BuildPlan.make(sample_project.root / "pelicanconf.py", incremental=False,
                          OUTPUT_PATH=str(sample_project.output), RENDER_PROCESSES=1)
    run, pelican = _pelican_outputs(plan)
    theme = f"{plan.settings['THEME_STATIC_DIR']}/"
    assert {"content_checks", "search_index", "sitemap", "json_feed", "action_tracker",
            "responsive_images"} <= set(run.recipes)
    by_plugin: dict[str, int] = {}
    for path in sorted(p for p in sample_project.output.rglob("*") if p.is_file()):
        relpath = path.relative_to(sample_project.output).as_posix()
        owners = [r.plugin for r in run.recipes.values() if r.covers(relpath)]
        if relpath in pelican or relpath.startswith(theme):
            assert owners == [], f"{relpath}: Pelican's, yet declared by {owners}"
        else:
            assert len(owners) == 1, f"{relpath}: declared by {owners or 'nobody'}"
            by_plugin[owners[0]] = by_plugin.get(owners[0], 0) + 1
    assert set(by_plugin) == {"search_index", "sitemap", "json_feed", "action_tracker", "responsive_images"}
    assert by_plugin["sitemap"] == 2 and by_plugin["json_feed"] == 1 and by_plugin["action_tracker"] == 4


def test_an_undeclared_write_fails_the_build_and_leaves_the_output(sample_project: Project) -> None:
    settings = sample_project.root / "pelicanconf.py"
    assert build_site(settings, incremental=False).ok
    before = {p: p.read_bytes() for p in sample_project.output.rglob("*") if p.is_file()}
    with signals.initialized.connected_to(_declare_rogue), signals.finalized.connected_to(_finish_rogue):
        result = build_site(settings, incremental=False)
    assert not result.ok
    assert "UndeclaredOutput: Plugin rogue ghi sitemap.xml mà không khai báo (nó khai báo: rogue.txt)" in result.error
    assert {p: p.read_bytes() for p in sample_project.output.rglob("*") if p.is_file()} == before
