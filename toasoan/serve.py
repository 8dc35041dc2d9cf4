"""Serve the built site on localhost: ``/x/`` serves ``x/index.html``; misses get 404.html."""

from __future__ import annotations

import functools
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class SiteRequestHandler(SimpleHTTPRequestHandler):
    """Static files with the site's own 404 page."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == HTTPStatus.NOT_FOUND and page.is_file():
            body = page.read_bytes()
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


def make_server(output: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    handler = functools.partial(SiteRequestHandler, directory=str(output))
    return ThreadingHTTPServer((host, port), handler)


def serve(output: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until Ctrl+C."""
    with make_server(output, host, port) as server:
        print(f"Trang đang chạy tại http://localhost:{port}/ — nhấn Ctrl+C để dừng.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print()
