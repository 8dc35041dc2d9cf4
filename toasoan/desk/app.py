"""The Flask application of the desk: its factory, its guards, and ``invoke desk``.

Flask because the library under it is synchronous (git and Pelican in subprocesses or
plain calls), Jinja2 is already the site's template engine, and Werkzeug's threaded server
runs the same on Windows as on Linux with nothing to install beside it.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from flask import Flask, render_template, request, session
from werkzeug.exceptions import HTTPException
from werkzeug.serving import make_server

from . import security
from .builder import Builders
from .workspace import DeskError, Workspace

MAX_UPLOAD_MB = 20
MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    403: "Yêu cầu bị từ chối.",
    404: "Không có trang này.",
    405: "Thao tác này không dùng được ở đây.",
    413: f"Tệp quá lớn: mỗi lần chỉ gửi được tối đa {MAX_UPLOAD_MB} MB.",
    500: "Bàn làm việc gặp lỗi; thao tác chưa được thực hiện, dữ liệu đã lưu vẫn còn nguyên.",
}


def create_app(root: str | Path = ".", port: int = 8765) -> Flask:
    """The desk over the repository at ``root``, answering only as 127.0.0.1:``port``."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # a new one each start: old sessions end with the desk
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_NAME="toasoan-desk",
        MAX_CONTENT_LENGTH=MAX_UPLOAD_MB * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=4 * 1024 * 1024,
        DESK_PORT=port,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.extensions["desk.workspace"] = Workspace(root)
    app.extensions["desk.builders"] = Builders()  # the drafts' resident preview builds

    @app.before_request
    def guard() -> None:
        try:
            security.check_host(request.host, app.config["DESK_PORT"])
            if request.method not in security.SAFE_METHODS:
                security.check_origin(request.headers.get("Origin"), request.headers.get("Referer"),
                                      app.config["DESK_PORT"])
                security.check_token(session.get("csrf"), request.form.get(security.TOKEN_FIELD)
                                     or request.headers.get(security.TOKEN_HEADER))
        except security.DeskRefused as refusal:
            return render_template("error.html", error=str(refusal)), 403
        return None

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'self'; "
                                    "form-action 'self'; base-uri 'none'; object-src 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def helpers() -> dict:
        if "csrf" not in session:
            session["csrf"] = security.new_token()
        return {"csrf_token": session["csrf"], "token_field": security.TOKEN_FIELD}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        return render_template("error.html", error=MESSAGES.get(code, error.description)), code

    @app.errorhandler(DeskError)
    def desk_error(error: DeskError):
        return render_template("error.html", error=str(error)), 400

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("desk error")
        return render_template("error.html", error=MESSAGES[500]), 500

    from .views import board, writer

    app.register_blueprint(writer)
    app.register_blueprint(board)
    return app


def run_desk(port: int = 8765, host: str = "127.0.0.1", root: str | Path = ".") -> int:
    """``invoke desk``: serve the desk on 127.0.0.1 until Ctrl+C."""
    try:
        address = security.loopback_host(host)
        app = create_app(root, port)
    except (security.DeskRefused, DeskError) as error:
        print(error, file=sys.stderr)
        return 1
    server = make_server(address, port, app, threaded=True)
    app.config["DESK_PORT"] = server.server_port  # port 0: the one the system chose
    print(f"Bàn làm việc Tòa soạn: http://127.0.0.1:{server.server_port}/  (Ctrl+C để dừng)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.extensions["desk.builders"].stop_all()
    return 0
