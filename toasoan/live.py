"""``invoke livereload``: rebuild on change and reload the browser (livereload package).

The builds run in this process (:class:`toasoan.preview.PreviewSession`): an edit to the
body of an article or page is patched into the last build, anything else is built
incrementally.
"""

from __future__ import annotations

from .build import load_settings
from .commands import DEV_SETTINGS, report_build
from .preview import PreviewSession


def livereload(port: int = 8000, settings_file: str = DEV_SETTINGS) -> int:
    from livereload import Server

    session = PreviewSession(settings_file)

    def rebuild() -> int:
        return report_build(session.build())

    if rebuild() != 0:
        print("Sửa lỗi ở trên; trang sẽ tự dựng lại khi bạn lưu tệp.")
    settings = load_settings(settings_file)
    server = Server()
    for watched in (settings["PATH"], settings["THEME"], settings_file, "plugins", "toasoan"):
        server.watch(f"{watched}/**/*" if not watched.endswith(".py") else watched, rebuild)
    server.serve(port=port, root=settings["OUTPUT_PATH"], open_url_delay=None)
    return 0
