"""Measure body edits in a resident preview: one process, several edits.

Run by the harness: ``python -m bench.preview toasoan <file> <edits>`` inside the bench site
starts a :class:`toasoan.build.session.BuildSession` as ``invoke livereload`` does (its first
build runs Pelican, which renders nothing after the harness's ``invoke build``, and keeps the
run; the edits are patched into it in memory); ``python -m bench.preview stock <file> <edits> <settings>``
inside the stock site does what ``pelican --autoreload`` does on a change: ``Pelican.run()``
again in the same process. Then ``edits`` times it adds a sentence to ``<file>``'s body and
builds. Each build is printed as one JSON line: wall and CPU seconds (this process and the
Pagefind processes it waited for), peak RSS in MiB, and whether it was patched. The file is
left as it was found.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import timed
from toasoan.build.plan import BuildResult
from toasoan.build.session import BuildSession


class _StockSession:
    """``pelican --autoreload``: the same Pelican object runs again after each change."""

    def __init__(self, settings_file: str) -> None:
        from pelican import Pelican
        from pelican.settings import read_settings

        self.pelican = Pelican(read_settings(settings_file))

    def build(self) -> BuildResult:
        self.pelican.run()
        return BuildResult(True, Path(self.pelican.output_path))


def main(argv: list[str]) -> int:
    tool, target, edits = argv[0], Path(argv[1]), int(argv[2])
    session = BuildSession("pelicanconf.py") if tool == "toasoan" else _StockSession(argv[3])
    if not session.build().ok:
        print("Dựng lần đầu thất bại.", file=sys.stderr)
        return 1
    original = target.read_bytes()
    try:
        for number in range(edits):
            target.write_bytes(original + f"\nBản xem trước được bổ sung lần {number + 1}.\n".encode())
            result, measured = timed(session.build)
            print(json.dumps({"ok": result.ok, "patched": bool(result.patched), **measured}), flush=True)
            if not result.ok:
                return 1
    finally:
        target.write_bytes(original)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
