"""``invoke livereload``: rebuild on change and reload the browser (livereload package)."""

from __future__ import annotations

from .build import load_settings
from .commands import DEV_SETTINGS, build


def livereload(port: int = 8000, settings_file: str = DEV_SETTINGS) -> int:
    from livereload import Server

    if build(settings_file) != 0:
        print("Sửa lỗi ở trên; trang sẽ tự dựng lại khi bạn lưu tệp.")
    settings = load_settings(settings_file)
    server = Server()
    for watched in (settings["PATH"], settings["THEME"], settings_file, "plugins", "toasoan"):
        server.watch(f"{watched}/**/*" if not watched.endswith(".py") else watched,
                     lambda: build(settings_file))
    server.serve(port=port, root=settings["OUTPUT_PATH"], open_url_delay=None)
    return 0
