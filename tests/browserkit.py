"""Real-browser kit: serve a built site on 127.0.0.1 and drive Debian's chromium with Playwright.

Playwright's own browser download cannot work here: ``script/install-system-deps`` installs
``chromium`` and the tests launch that binary.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from toasoan.audit import CHROMIUM, CHROMIUM_ARGS, MOBILE
from toasoan.serve import make_server

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "MOBILE", "Tab", "chromium", "search", "served"]


@contextmanager
def served(output: Path) -> Iterator[str]:
    """Serve ``output`` on a free port of 127.0.0.1; yields the base URL (no trailing slash)."""
    server = make_server(output, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def chromium() -> Iterator[object]:
    """One headless Debian chromium for a test module (a Playwright ``Browser``)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), "Cần chromium của Debian: chạy script/install-system-deps (quyền root)."
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def search(page: object, base: str, query: str, **filters: str) -> list[dict]:
    """Run the search page for ``query``; all results as [{"title", "url", "meta", "text", "marks"}]."""
    from urllib.parse import urlencode

    page.goto(f"{base}/tim-kiem/?{urlencode({'q': query, **filters})}")
    page.wait_for_function("""() => {
        const s = document.getElementById('trang-thai').textContent;
        return s.startsWith('Tìm thấy') || s.startsWith('Không tìm thấy') || s.startsWith('Chưa tải');
    }""")
    more = page.locator("#xem-them")
    while more.is_visible():  # every result, not only the first page of them
        shown = page.locator("#ket-qua li").count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('#ket-qua li').length > {shown}")
    return page.eval_on_selector_all("#ket-qua li", """items => items.map(li => ({
        title: li.querySelector('h2').innerText, url: li.querySelector('a').getAttribute('href'),
        meta: li.querySelector('.meta').innerText, text: li.innerText,
        marks: [...li.querySelectorAll('mark')].map(m => m.innerText)}))""")


class Tab:
    """One page in its own browser context: JavaScript on or off, optional media and viewport."""

    def __init__(self, browser, *, javascript: bool = True, media: str | None = None,
                 viewport: dict | None = None) -> None:
        self.context = browser.new_context(java_script_enabled=javascript, viewport=viewport)
        self.page = self.context.new_page()
        if media:
            self.page.emulate_media(media=media)

    def open(self, url: str) -> None:
        self.page.goto(url)

    def run(self, expression: str):
        """Evaluate ``expression`` in the page (works with the page's own scripts off too)."""
        return self.page.evaluate(expression)

    def close(self) -> None:
        self.context.close()
