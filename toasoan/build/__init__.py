"""The build machinery: one Pelican build into a staging folder, rendering only what changed.

Its parts, one module each (this package imports none of them itself):

- :mod:`.plan` — one build (:func:`~.plan.build_site`, ``invoke build``): its settings,
  staging folder, inputs (:class:`~.plan.BuildInputs`), the manifest of the last build, and
  the swap of the staged outputs into ``output/``;
- :mod:`.run` — the run of one build (:class:`~.run.BuildRun`): the one object a plugin
  reaches, to declare the outputs it owns and how they are made (:class:`~.run.Recipe`),
  write them, and keep what they are made from;
- :mod:`.outputs` — the output ledger: which files a build writes, which it keeps;
- :mod:`.writer`, :mod:`.reads` and :mod:`.fingerprint` — Pelican's writer, rendering a page
  only when a value it read while last rendered changed, a feed when its entries did (the
  ``incremental`` plugin installs it);
- :mod:`.session` — body edits patched into the last Pelican run a preview keeps in memory
  (``invoke livereload``, the desk; the run then makes the plugins' recipes again);
- :mod:`.generators` — what the build reads off Pelican's generators (articles, pages, bodies);
- :mod:`.memory` — memory a build freed, handed back to the system;
- :mod:`.template_cache` — Jinja's compiled templates kept between builds;
- :mod:`.share` — the writer's pages split between forked processes, one per core;
- :mod:`.pages_report` — a clean build in its own process reporting which content file
  became which page (the submission preview's).
"""
