"""``invoke livereload``: rebuild on change and reload the browser (livereload package).

The builds run in this process (:class:`toasoan.build.session.BuildSession`): an edit to the
body of an article or page is patched into the last build, anything else is built
incrementally. Its first build runs Pelican, rendering only what changed since the last
build, and keeps the run for the patches. A change to the code of the
plugins or of ``toasoan`` starts the process again, so that builds never run code older
than the files they are keyed on.

While the last build failed, every page the browser asks for is the list of findings
(:mod:`toasoan.failure_page`); the next good build reloads the browser onto the page it
was showing. The terminal says the same in Vietnamese, each line once: the livereload
package's own (English) log lines are not printed.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .build.plan import BuildResult, load_settings
from .build.session import BuildSession
from .commands import DEV_SETTINGS, report_build
from .failure_page import failure_page
from .publication import ClockError, Publication
from .serve import listening

CODE = ("plugins", "toasoan")


@dataclass
class Preview:
    """What the browser is shown: the site, or while the last build failed, its findings."""

    failure: str | None = None  # the failure page's HTML

    def built(self, result: BuildResult) -> int:
        """Take in a build's result; its exit code (the terminal has been told)."""
        code = report_build(result)
        self.failure = None if result.ok else failure_page(result)
        if not result.ok:
            print("Trình duyệt đang hiện các lỗi này; sửa rồi lưu tệp, trang sẽ tự dựng lại.", flush=True)
        return code


def livereload(port: int = 8000, settings_file: str = DEV_SETTINGS) -> int:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler

    sys.stdout.reconfigure(line_buffering=True)  # lines in the order they happen, also into a file
    # The browser reloads after every build, even one that comes less than 3 s after the last
    # reload (the package's default skips it): the build itself is what paces reloads.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    settings = load_settings(settings_file)
    try:
        Publication.of(settings)  # TOASOAN_NOW is read once per build: a wrong one stops here, in words
    except ClockError as error:
        print(error, file=sys.stderr)
        return 1
    session = BuildSession(settings_file)
    preview = Preview()

    def rebuild() -> int:
        try:
            result = session.build()
        except ClockError as error:  # PUBLICATION_NOW written wrong into the settings meanwhile
            result = BuildResult(False, Path(settings["OUTPUT_PATH"]), error=str(error))
        return preview.built(result)

    rebuild()

    class QuietServer(Server):
        def _setup_logging(self) -> None:
            """livereload's English log lines (each printed twice) stay out of the terminal."""

        def application(self, port: int, host: str, **options: object) -> None:
            super().application(port, host, **options)  # listening now: the port was free
            print(f"Xem trước tại http://localhost:{port}/ — trang tự dựng lại khi bạn lưu tệp; "
                  "nhấn Ctrl+C để dừng.", flush=True)

    server = QuietServer()
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)  # a line per request; the failure page's 500s
    server.SFH = failure_aware(preview)  # livereload serves files with the handler it names here
    for watched in (settings["PATH"], settings["THEME"]):
        server.watch(f"{watched}/**/*", rebuild)
    server.watch(settings_file, rebuild)
    for folder in CODE:
        server.watch(f"{folder}/**/*.py", restart)

    return listening(port, lambda: server.serve(port=port, root=settings["OUTPUT_PATH"], open_url_delay=None))


def failure_aware(preview: Preview) -> type:
    """livereload's static file handler, answering page requests with the failure page
    while ``preview`` holds one (styles, scripts and images are served as they are)."""
    from livereload.handlers import StaticFileHandler

    class Handler(StaticFileHandler):
        async def get(self, path: str, include_body: bool = True) -> None:
            page = preview.failure
            if page is None or not _is_page(path):
                await super().get(path, include_body)
                return
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(page if include_body else None)

    return Handler


def _is_page(path: str) -> bool:
    """``/``, ``/2019/bai/`` or ``…/index.html``: a page, not one of its files."""
    return path == "" or path.endswith("/") or path.endswith(".html") or "." not in path.rsplit("/", 1)[-1]


def restart() -> None:
    """Plugins or toasoan changed: run again from the start, with the new code."""
    print("Mã nguồn thay đổi: khởi động lại invoke livereload…", flush=True)
    os.execv(sys.executable, [sys.executable, *sys.argv])
