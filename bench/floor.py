"""Two parts of a cold build measured alone, for the lower bound the harness reports.

Run by the harness in a bench site, right after a cold ``invoke build``:

- ``python -m bench.floor search``: every search shard's records, as that build stored them
  (``plugins/search_index/store.py``), indexed again by one Pagefind service as a build
  indexes them (``index_bundle``: in memory, no file written), with nothing beside it;
- ``python -m bench.floor markdown``: every content file's body through Python-Markdown with
  the site's ``MARKDOWN`` settings, and nothing else (the bodies are taken from the content
  model first; no sanitizing, no links resolved).

Neither can be left out of a cold build of this site: the search index is indexed by
Pagefind, and Markdown is what writers write. The harness adds their CPU to what stock
Pelican spends re-rendering every page from its cache and divides by the cores: no build
of this site that renders its pages with Pelican can be faster than that on this machine.

Prints one JSON line: the work's wall and CPU seconds (this process and the Pagefind
process it waited for; imports and reading excluded), how many shards or files it did, and
this process's peak RSS in MiB.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from bench import timed

REPO = Path(__file__).resolve().parent.parent
SETTINGS = "pelicanconf.py"


Work = Callable[[], int]  # does the measured work; returns how many shards or files it did


def search(settings: dict) -> Work:
    """Index every shard the last build stored, as a build does (the records read first)."""
    sys.path.insert(0, str(REPO / "plugins"))
    from search_index.search_index import index_bundle, pagefind_executable
    from search_index.service import PagefindService
    from search_index.store import RecordStore

    from toasoan.build.run import run_of

    store = RecordStore.of(run_of(settings))
    if not (shards := store.shards()):
        raise SystemExit(f"Không thấy bản ghi tìm kiếm đã lưu trong {store.folder}: hãy chạy invoke build trước.")

    def work() -> int:
        with PagefindService(pagefind_executable()) as service:
            for shard in shards:
                if "pagefind.js" not in index_bundle(service, [record.payload() for record in shard.records]):
                    raise SystemExit(f"Pagefind không trả về bó chỉ mục cho phân đoạn {shard.name}.")
        return len(shards)

    return work


def markdown(settings: dict) -> Work:
    """Convert every content file's body with the site's ``MARKDOWN`` settings (the files read
    and parsed into the content model first, untimed)."""
    from markdown import Markdown

    from toasoan.content import content_files
    from toasoan.model import parse_content_file
    from toasoan.settings import site_rules

    sys.path.insert(0, str(REPO / "plugins"))
    from yaml_frontmatter.reader import markdown_options

    rules, _ = site_rules(settings)
    converter = Markdown(**markdown_options(settings))
    documents = (parse_content_file(relpath, (rules.content_root / relpath).read_bytes(), rules)[0]
                 for relpath in content_files(rules))
    bodies = [document.body for document in documents if document is not None]

    def work() -> int:
        for body in bodies:
            converter.reset().convert(body)
        return len(bodies)

    return work


PARTS: dict[str, Callable[[dict], Work]] = {"search": search, "markdown": markdown}


def main(argv: list[str]) -> int:
    from toasoan.build.plan import load_settings

    if len(argv) != 1 or argv[0] not in PARTS:
        print(f"Dùng: python -m bench.floor {'|'.join(PARTS)}", file=sys.stderr)
        return 2
    count, measured = timed(PARTS[argv[0]](load_settings(SETTINGS)))
    print(json.dumps({"part": argv[0], "count": count, **measured}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
