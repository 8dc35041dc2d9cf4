"""Pelican wiring for the action-item tracker: settings, context, pages and exports.

* ``initialized``: reads the ``TRACKER`` settings dict once (defaults in
  :data:`toasoan.tracker.TRACKER_DEFAULTS`) and declares the recipe of the four exports
  (:class:`toasoan.build.run.Recipe`).
* ``get_generators``: adds :class:`TrackerGenerator`, which runs after the articles
  generator. Its ``generate_context`` tracks the items of the published meeting reports
  and gives every meeting report ``article.tracked_items`` (id → :class:`TrackedItem`,
  for the items it decided or updated) before any page is written; the context gets
  ``tracked_items`` (all of them) and ``tracker_url``; it draws the two charts of
  ``/tracker/`` (:mod:`.charts`: items by status after each meeting, progress per unit).
  It has the run make the exports once the pages begin
  (:meth:`toasoan.build.run.BuildRun.when_pages_begin`), in a process of their own where
  the run forks (:meth:`~toasoan.build.run.BuildRun.beside_process`). Its ``generate_output`` writes
  ``/tracker/``, one page per item and per unit.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from pelican import signals
from pelican.generators import Generator

from toasoan import text as vi
from toasoan import tracker as tr
from toasoan.build.outputs import digest_each
from toasoan.build.run import BuildRun, Recipe, run_of
from toasoan.settings import plugin_enabled, site_rules

from .charts import status_chart, unit_chart
from .exports import absolute, to_ics, write_atom

logger = logging.getLogger(__name__)

TEMPLATES = {"index": "tracker/index", "item": "tracker/item", "unit": "tracker/unit"}


@dataclass(frozen=True)
class Export:
    """One downloadable file under the tracker folder."""

    name: str
    label: str
    mime: str

    def url(self, path: str) -> str:
        return f"{path}/{self.name}"


EXPORTS = {
    "json": Export("action-items.json", "JSON (dữ liệu đầy đủ, có lịch sử)", "application/json"),
    "csv": Export("action-items.csv", "CSV (mở bằng Excel)", "text/csv"),
    "ics": Export("action-items.ics", "Lịch iCalendar (hạn hoàn thành)", "text/calendar"),
    "atom": Export("action-items.atom", "Atom (theo dõi thay đổi)", "application/atom+xml"),
}


PLUGIN_NAME = "action_tracker"


def enabled(settings: dict) -> bool:
    """Whether this Pelican run lists the plugin (see :func:`toasoan.settings.plugin_enabled`)."""
    return plugin_enabled(settings, PLUGIN_NAME)


def read_settings(pelican) -> None:
    """Normalise ``TRACKER`` once; the generator reads the result."""
    if enabled(pelican.settings):
        settings = pelican.settings["TRACKER"] = tr.tracker_settings(pelican.settings)
        owns = tuple(e.url(settings["path"]) for e in EXPORTS.values())
        run_of(pelican.settings).declare(Recipe(PLUGIN_NAME, owns, write_exports, bodies=False))


def write_exports(run: BuildRun) -> None:
    """The recipe: the exports of the run's tracker (:meth:`TrackerGenerator.write_exports`)."""
    generator = run.memory.get(PLUGIN_NAME)
    if generator is not None:
        generator.write_exports(run)


class TrackerGenerator(Generator):
    """Tracks action items and writes the tracker pages and exports."""

    def generate_context(self) -> None:
        options = self.settings.get("TRACKER") or tr.tracker_settings(self.settings)
        self.options = options
        self.tracker_path = options["path"]
        articles = [a for a in self.context.get("articles", []) if hasattr(a, "content_file")]
        drafts = [a for a in self.context.get("drafts", []) if hasattr(a, "content_file")]
        by_source = {a.content_file.source: a for a in articles}
        self.items = tr.track([a.content_file for a in articles], path=self.tracker_path,
                              report_url=lambda report: by_source[report.source].url)
        # "Cập nhật lúc": when the tracked data last changed (the newest meeting), so that a
        # rebuild of unchanged content writes the same pages (incremental, reproducible).
        self.today = options["today"] or tr.vietnam_today()
        self.generated = tr.last_change(self.items) or dt.datetime.combine(self.today, dt.time(), vi.VIETNAM)
        rules, _ = site_rules(self.settings)
        self.summary = tr.summarise(self.items, self.today, options["due_soon_days"],
                                    rules.unit_names, self.tracker_path, options["unit_path"])
        self.timeline = tr.status_timeline(self.items)
        self.charts = {"status": status_chart(self.timeline), "units": unit_chart(self.summary.units)}
        tracked = tr.by_id(self.items)
        for article in articles:
            ids = [*(i.id for i in getattr(article, "action_items", ())),
                   *(u.id for u in getattr(article, "updates", ()))]
            article.tracked_items = {i: tracked[i] for i in ids if i in tracked}
        for draft in drafts:  # a draft decides and updates nothing on the public tracker
            draft.tracked_items = {}
        self.context["tracked_items"] = tracked
        self.context["tracker_url"] = f"{self.tracker_path}/"
        # The exports need only the tracked items: they are made as the pages begin, in a
        # process of their own where the run forks (their making holds ≈ 25 MiB at 5 000
        # articles for a moment), else here while the process holds least.
        run = run_of(self.settings)
        run.memory[PLUGIN_NAME] = self

        def make_exports() -> None:
            if not run.beside_process(PLUGIN_NAME):
                run.make(PLUGIN_NAME)

        run.when_pages_begin(make_exports)

    def _page_context(self) -> dict:
        return {
            "tracker": self.summary,
            "tracker_title": self.options["title"],
            "tracker_url": f"{self.tracker_path}/",
            "generated": self.generated,
            "unit_urls": {u.unit: u.url for u in self.summary.units},
            "exports": [(e.url(self.tracker_path), e.label, e.mime) for e in EXPORTS.values()],
            "feed_url": EXPORTS["atom"].url(self.tracker_path),
            "page_name": "tracker",
        }

    def _write(self, writer, name: str, template: str, **values: object) -> None:
        writer.write_file(name, self.get_template(TEMPLATES[template]), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url=name.removesuffix("index.html"),
                          **self._page_context(), **values)

    def generate_output(self, writer) -> None:
        self._write(writer, f"{self.tracker_path}/index.html", "index", charts=self.charts, timeline=self.timeline)
        for tracked in self.items:
            self._write(writer, f"{tracked.url}index.html", "item", tracked=tracked)
        for unit in self.summary.units:
            self._write(writer, f"{unit.url}index.html", "unit", unit_summary=unit)

    def write_exports(self, run: BuildRun) -> None:
        """The four exports; an incremental build keeps them while the tracked items are the same."""
        site_url = self.settings.get("SITEURL") or ""
        title = str(self.options["title"])
        key = self._write_json(run, site_url, title)
        makers = {
            "csv": lambda: tr.to_csv(tr.csv_row(t, self.today, site_url) for t in self.items),
            "ics": lambda: to_ics(self.items, self.generated, title, site_url),
        }
        for name, make in makers.items():
            run.output(EXPORTS[name].url(self.tracker_path), make, key)
        atom, page = EXPORTS["atom"].url(self.tracker_path), absolute(site_url, f"{self.tracker_path}/")
        run.output_to(atom, lambda file: write_atom(file, self.items, title, page, absolute(site_url, atom), site_url,
                                                    updated=self.generated), key)

    def _write_json(self, run: BuildRun, site_url: str, title: str) -> str:
        """``action-items.json``, which holds all the exports show: the key of the four
        (hashed as it is: ``digest`` would join it into a copy, twice — 40 MB at 20 000
        articles). Let go before the others are made (≈ 5 MB at 5 000 articles)."""
        data = tr.to_json(self.items, self.generated, site_url)
        key = digest_each((data, self.today, title))
        run.output(EXPORTS["json"].url(self.tracker_path), lambda: data, key)
        return key


def get_generators(pelican) -> type[Generator] | None:
    return TrackerGenerator if enabled(pelican.settings) else None


def register() -> None:
    signals.initialized.connect(read_settings)
    signals.get_generators.connect(get_generators)
