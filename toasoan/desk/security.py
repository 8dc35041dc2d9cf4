"""What keeps the desk a tool of its own user only (it can sign on their behalf).

* It listens on the loopback interface only (:func:`loopback_host` refuses anything else).
* Every request names the desk itself in ``Host`` (``127.0.0.1:PORT`` or ``localhost:PORT``):
  a page of another site whose name was made to resolve to 127.0.0.1 (DNS rebinding) sends
  its own name and is refused.
* Every state-changing request comes from a desk page: its ``Origin`` (or, when a browser
  sends none, its ``Referer``) is the desk's own, and it carries the session's CSRF token.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import urlsplit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_FIELD = "csrf_token"
TOKEN_HEADER = "X-CSRF-Token"


class DeskRefused(Exception):
    """A request the desk refuses; ``str()`` says why, in Vietnamese."""


def loopback_host(host: str) -> str:
    """``127.0.0.1`` for a loopback address or ``localhost``; anything else is refused."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is None or not address.is_loopback or address.version != 4:
        raise DeskRefused(f"Bàn làm việc chỉ chạy trên máy của bạn (127.0.0.1), không nghe trên '{host}'.")
    return str(address)


def allowed_hosts(port: int) -> frozenset[str]:
    return frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})


def check_host(host: str | None, port: int) -> None:
    if (host or "").lower() not in allowed_hosts(port):
        raise DeskRefused("Địa chỉ truy cập không phải của bàn làm việc trên máy này.")


def check_origin(origin: str | None, referer: str | None, port: int) -> None:
    """The request was sent by a page of the desk itself."""
    source = origin if origin and origin != "null" else referer
    if not source:
        raise DeskRefused("Yêu cầu không cho biết trang gửi (thiếu Origin/Referer); hãy thao tác từ bàn làm việc.")
    parts = urlsplit(source)
    if parts.scheme != "http" or parts.netloc.lower() not in allowed_hosts(port):
        raise DeskRefused("Yêu cầu đến từ một trang khác, không phải bàn làm việc; đã từ chối.")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def check_token(expected: str | None, sent: str | None) -> None:
    if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise DeskRefused("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; hãy tải lại trang rồi thử lại.")
