"""A clean build in its own process that reports which content file became which page.

Run as ``python -m toasoan.build.pages_report SETTINGS OUTPUT REPORT`` by the submission
preview (:mod:`toasoan.editorial.preview`, which imports no Pelican): it builds the site of
``SETTINGS`` into ``OUTPUT`` and writes ``REPORT``, a JSON object with ``pages`` (content
file, relative to the content folder → the page it was saved as), ``error`` (None, or why
the build failed) and ``findings``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pelican import signals

from .plan import build_site

PAGE_LISTS = ("articles", "drafts", "pages", "hidden_pages", "draft_pages", "translations")


def build_and_report(settings_file: str, output: str, report: str) -> int:
    """Build, then write which source became which page (see module doc)."""
    pages: dict[str, str] = {}

    def collect(generators: list) -> None:
        for generator in generators:
            for kind in PAGE_LISTS:
                for item in getattr(generator, kind, None) or ():
                    if getattr(item, "save_as", None) and getattr(item, "relative_source_path", None):
                        pages[Path(item.relative_source_path).as_posix()] = item.save_as

    signals.all_generators_finalized.connect(collect)
    result = build_site(settings_file, incremental=False, OUTPUT_PATH=output)
    error = None if result.ok else (result.error or "nội dung có lỗi")
    Path(report).write_text(json.dumps({"pages": pages, "error": error,
                                        "findings": [f.to_dict() for f in result.findings]}),
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(build_and_report(*sys.argv[1:4]))
