"""``invoke livereload``: rebuild on change and reload the browser (livereload package).

The builds run in this process (:class:`toasoan.session.BuildSession`): an edit to the
body of an article or page is patched into the last build, anything else is built
incrementally. When nothing changed since the last ``invoke build`` it starts at once, and
its first body edit is patched into the run that build saved. A change to the code of the
plugins or of ``toasoan`` starts the process again, so that builds never run code older
than the files they are keyed on.
"""

from __future__ import annotations

import os
import sys

from .build import load_settings
from .commands import DEV_SETTINGS, report_build
from .serve import listening
from .session import BuildSession

CODE = ("plugins", "toasoan")


def livereload(port: int = 8000, settings_file: str = DEV_SETTINGS) -> int:
    from livereload import Server

    session = BuildSession(settings_file, saved=True)  # starts from the run invoke build saved

    def rebuild() -> int:
        return report_build(session.build())

    if rebuild() != 0:
        print("Sửa lỗi ở trên; trang sẽ tự dựng lại khi bạn lưu tệp.")
    settings = load_settings(settings_file)
    server = Server()
    for watched in (settings["PATH"], settings["THEME"]):
        server.watch(f"{watched}/**/*", rebuild)
    server.watch(settings_file, rebuild)
    for folder in CODE:
        server.watch(f"{folder}/**/*.py", restart)
    return listening(port, lambda: server.serve(port=port, root=settings["OUTPUT_PATH"], open_url_delay=None))


def restart() -> None:
    """Plugins or toasoan changed: run again from the start, with the new code."""
    print("Mã nguồn thay đổi: khởi động lại invoke livereload…", flush=True)
    os.execv(sys.executable, [sys.executable, *sys.argv])
