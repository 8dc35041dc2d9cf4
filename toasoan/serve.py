"""Serve the built site on localhost: ``/x/`` serves ``x/index.html``; misses get 404.html."""

from __future__ import annotations

import errno
import functools
import sys
from collections.abc import Callable
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


def port_problem(port: int, error: OSError) -> str | None:
    """What to tell a writer when the server cannot listen on ``port``; None when ``error``
    is not about the port."""
    why = _PORT_PROBLEMS.get(error.errno)
    if why is None:
        return None
    return (f"Không mở được cổng {port}: {why}. Nếu một máy chủ khác (một lần `invoke serve` hay "
            f"`invoke livereload` trước) đang dùng cổng này, dừng nó bằng Ctrl+C; hoặc chọn cổng "
            f"khác, ví dụ --port {port + 1}.")


_PORT_PROBLEMS = {
    errno.EADDRINUSE: "cổng đang có chương trình khác dùng",
    errno.EACCES: "không có quyền mở cổng này",
    errno.EADDRNOTAVAIL: "địa chỉ này không có trên máy",
}


def listening(port: int, run: Callable[[], None]) -> int:
    """``run()``, a server that opens ``port`` and serves; 0 when it ends, or 1 (and a plain
    message) when the port cannot be opened."""
    try:
        run()
    except OSError as error:
        problem = port_problem(port, error)
        if problem is None:
            raise
        print(problem, file=sys.stderr)
        return 1
    return 0


def serve(output: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve until Ctrl+C; 1 when the port cannot be opened."""
    return listening(port, lambda: _serve_forever(make_server(output, host, port), port))


def _serve_forever(server: ThreadingHTTPServer, port: int) -> None:
    with server:
        print(f"Trang đang chạy tại http://localhost:{port}/ — nhấn Ctrl+C để dừng.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print()
