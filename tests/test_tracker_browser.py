"""The tracker page in a real headless Chromium, with JavaScript off and on.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``):
no extra Python package. ``script/bootstrap --test`` installs Debian's ``chromium``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_tracker_site import build
from tracker_story import PUBLIC_IDS, add_story

from sitekit import Project, make_project

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _high(fd: int) -> int:
    """The same pipe end above 9, so bash can move it to 3 or 4 without clobbering the other."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Chromium:
    """One headless browser and one page, commanded over the DevTools pipe."""

    def __init__(self, profile: Path, javascript: bool) -> None:
        assert BROWSER, "Chromium is needed for the browser tests: script/bootstrap --test"
        to_browser, self._writer = map(_high, os.pipe())
        self._reader, from_browser = map(_high, os.pipe())
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--remote-debugging-pipe", f"--user-data-dir={profile}"]
        if not javascript:
            args.append("--blink-settings=scriptEnabled=false")
        shell = f'exec "$0" "$@" 3<&{to_browser} 4>&{from_browser}'
        self.process = subprocess.Popen(["bash", "-c", shell, BROWSER, *args, "about:blank"],
                                        pass_fds=(to_browser, from_browser),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next = 0
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", session=True)

    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._reader, 65536)
            assert chunk, "Chromium closed the DevTools pipe"
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: bool = False, **params: object) -> dict:
        self._next += 1
        command = {"id": self._next, "method": method, "params": params}
        if session:
            command["sessionId"] = self.session
        os.write(self._writer, json.dumps(command).encode() + b"\0")
        while True:
            message = self._read()
            if message.get("id") == self._next:
                assert "error" not in message, message
                return message["result"]

    def open(self, url: str) -> None:
        self.send("Page.navigate", session=True, url=url)
        while True:
            message = self._read()
            if message.get("method") == "Page.loadEventFired":
                return

    def run(self, expression: str) -> object:
        """Evaluate JavaScript in the page (DevTools may, even when the page's scripts are off)."""
        result = self.send("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        return result["result"].get("value")

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        os.close(self._writer)
        os.close(self._reader)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Project:
    project = add_story(make_project(tmp_path_factory.mktemp("tracker-js") / "site", sample_content=False))
    build(project)  # built "today" 15/10/2019; the browser's today is later
    return project


@pytest.fixture(params=[False, True], ids=["js-off", "js-on"])
def browser(request, tmp_path: Path):
    chromium = Chromium(tmp_path / "profile", javascript=request.param)
    yield chromium, request.param
    chromium.close()


ROWS = "[...document.querySelectorAll('{}')]"
IDS = ".map(r => r.cells[0].innerText)"
VISIBLE_ROWS = ROWS.format("tr[data-due]") + ".filter(r => r.offsetParent)" + IDS
FLAGGED = ROWS.format("tr[data-due]") + ".filter(r => r.querySelector('.qua-han').offsetParent)" + IDS


def test_tracker_page_with_javascript_off_and_on(site: Project, browser):
    chromium, javascript = browser
    chromium.open((site.output / "tracker/index.html").as_uri())
    assert chromium.run("document.querySelector('h1').innerText") == "Theo dõi nhiệm vụ CNTT"
    assert sorted(chromium.run(VISIBLE_ROWS)) == PUBLIC_IDS  # every item, grouped by status
    sections = chromium.run("[...document.querySelectorAll('tbody[id]')].filter(b => b.offsetParent).length")
    assert sections == 5
    form_shown = chromium.run("!!document.querySelector('[data-bo-loc]').offsetParent")
    buttons = chromium.run("document.querySelectorAll('thead th button').length")
    flagged = sorted(chromium.run(FLAGGED))
    assert chromium.run("document.querySelector('.cap-nhat').innerText").startswith("Cập nhật lúc")
    if not javascript:
        assert (form_shown, buttons) == (False, 0)
        assert flagged == ["CNTT-2018-03"]  # overdue on the build day, in text
        return
    assert (form_shown, buttons) == (True, 7)
    # Against the browser's today, every open item of the story is overdue.
    assert dt.date.today() > dt.date(2020, 6, 30)
    assert flagged == ["CNTT-2018-03", "CNTT-2018-04", "CNTT-2019-02"]
    assert chromium.run("document.querySelector('[data-so-qua-han]').innerText") == "3"
    assert chromium.run("document.querySelector('time[data-hom-nay]').dateTime") == dt.date.today().isoformat()


def test_script_filters_and_sorts(site: Project, tmp_path: Path):
    chromium = Chromium(tmp_path / "profile", javascript=True)
    try:
        chromium.open((site.output / "tracker/index.html").as_uri())
        chromium.run("""(() => { const f = document.querySelector('[data-bo-loc]');
            f.elements.unit.value = 'Phòng Đào tạo'; f.dispatchEvent(new Event('input')); })()""")
        assert sorted(chromium.run(VISIBLE_ROWS)) == ["CNTT-2018-03", "CNTT-2018-04"]
        assert chromium.run("document.querySelector('[data-ket-qua]').innerText") == "Đang hiện 2/6 nhiệm vụ."
        assert chromium.run("[...document.querySelectorAll('tbody[id]')].filter(b => !b.hidden).length") == 2
        chromium.run("""(() => { const f = document.querySelector('[data-bo-loc]');
            f.elements.unit.value = ''; f.elements.q.value = 'tai lieu noi sinh';
            f.dispatchEvent(new Event('input')); })()""")
        assert chromium.run(VISIBLE_ROWS) == ["CNTT-2019-02"]  # search ignores diacritics
        chromium.run("""(() => { const f = document.querySelector('[data-bo-loc]');
            f.elements.q.value = ''; f.dispatchEvent(new Event('input'));
            const b = [...document.querySelectorAll('thead th button')].find(b => b.innerText === 'Mã');
            b.click(); b.click(); })()""")
        done = chromium.run(ROWS.format("#trang-thai-done tr[data-due]") + IDS)
        assert done == ["CNTT-2018-02", "CNTT-2018-01"]  # descending after two clicks
        sort = chromium.run(ROWS.format("[data-bang-nhiem-vu] thead th") + ".map(th => th.getAttribute('aria-sort'))")
        assert sort[0] == "descending" and sort[1:] == [None] * 6
    finally:
        chromium.close()
