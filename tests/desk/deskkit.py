"""A newsroom on a real bare remote, and each person's own clone (and HOME) for the desk.

:func:`make_remote` builds the project (code, theme, settings, a roster of people with real
``ssh-keygen`` keys) and pushes it to a bare repository; :func:`clone_for` gives one person
a clone with their git identity, as the desk would run on their own machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from sitekit import REPO, VENV_BIN, make_project
from toasoan.audit import AXE_RUN, MOBILE
from toasoan.npm_tools import npm_package

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "editorial"))
from newsroom import Person, article, make_people, meeting

__all__ = ["Clone", "Desk", "Person", "clone_for", "desk_server", "make_people", "make_remote"]

POLICY = (REPO / "editorial" / "policy.yml").read_text(encoding="utf-8")
PASSPHRASE = "mật-khẩu-riêng-123"
DESKTOP = {"width": 1100, "height": 900}
BUILD_WAIT = 300_000  # ms: the longest a page waits for a preview build (a bound, not a measure)


def protect(clone: Clone, passphrase: str = PASSPHRASE) -> Path:
    """Put a passphrase on the person's key in their HOME (the public key stays the same)."""
    key = clone.home / ".ssh" / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-p", "-f", str(key), "-P", "", "-N", passphrase], check=True,
                   stdin=subprocess.DEVNULL, capture_output=True)
    return key


def git(root: Path, *args: str, env: dict | None = None) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True,
                            env={**os.environ, **(env or {})})
    return result.stdout.strip()


def make_remote(tmp: Path, people: dict[str, Person]) -> Path:
    """A bare ``remote.git`` holding the project with a roster of ``people``'s keys."""
    seed = make_project(tmp / "seed", sample_content=False)
    seed.add("articles/2024/khai-giang.md", article("Học viện khai giảng lớp bồi dưỡng", "Vũ Thị Lan"))
    seed.add("meetings/2024/hop-cntt.md", meeting([("CNTT-2024-01", "Nâng cấp mạng nội bộ")]))
    (seed.root / "editorial").mkdir()
    (seed.root / "editorial" / "policy.yml").write_text(POLICY, encoding="utf-8")
    members = [p.entry() for p in people.values() if p.roles is not None]
    (seed.root / "editorial" / "board.yml").write_text(yaml.safe_dump({"members": members}, allow_unicode=True),
                                                       encoding="utf-8")
    (seed.root / ".gitignore").write_text("output/\n.cache/\n__pycache__/\n", encoding="utf-8")
    maintainer = people["maintainer"]
    git(seed.root, "init", "--quiet", "--initial-branch=main")
    git(seed.root, "add", "--all")
    git(seed.root, "-c", f"user.name={maintainer.name}", "-c", f"user.email={maintainer.email}",
        "-c", "commit.gpgSign=false", "commit", "--quiet", "-m", "Khởi tạo tòa soạn")
    remote = tmp / "remote.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(seed.root), str(remote)], check=True)
    return remote


@dataclass
class Clone:
    person: Person
    root: Path
    home: Path

    @property
    def env(self) -> dict[str, str]:
        return {"HOME": str(self.home), "USERPROFILE": str(self.home)}


def clone_for(person: Person, remote: Path, tmp: Path) -> Clone:
    """``person``'s own HOME (git identity, key in ~/.ssh) and clone of ``remote``."""
    home = tmp / f"{person.handle}-desk" / "home"
    (home / ".ssh").mkdir(parents=True)
    for suffix in ("", ".pub"):
        target = home / ".ssh" / f"id_ed25519{suffix}"
        target.write_bytes(person.key.with_name(person.key.name + suffix).read_bytes())
        target.chmod(0o600)
    (home / ".gitconfig").write_text(textwrap.dedent(f"""\
        [user]
        \tname = {person.name}
        \temail = {person.email}
        [commit]
        \tgpgSign = false
        """), encoding="utf-8")
    root = tmp / f"{person.handle}-desk" / "toa-soan"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(root)], check=True,
                   env={**os.environ, "HOME": str(home)})
    # The in-process desk of a test runs with the test's HOME: the clone carries the identity too.
    git(root, "config", "user.name", person.name)
    git(root, "config", "user.email", person.email)
    git(root, "config", "commit.gpgSign", "false")
    return Clone(person, root, home)


@contextmanager
def desk_server(clone: Clone) -> Iterator[str]:
    """``invoke desk --port 0`` in ``clone`` as its person (own HOME); yields its base URL."""
    env = {**os.environ, **clone.env, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    env.pop("SSH_AUTH_SOCK", None)
    process = subprocess.Popen([str(VENV_BIN / "invoke"), "desk", "--port", "0"], cwd=clone.root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match, f"bàn làm việc không chạy: {line}{process.stdout.read() if process.poll() is not None else ''}"
        yield match.group(0)
    finally:
        process.terminate()
        process.wait(timeout=30)


TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


class DeskClient:
    """The real desk application (``create_app``) driven as its own pages would: the desk's
    Host, its Origin and the session's CSRF token on every POST."""

    def __init__(self, clone: Clone, port: int = 8765) -> None:
        from toasoan.desk.app import create_app

        self.clone = clone
        self.base = f"http://127.0.0.1:{port}"
        self.app = create_app(clone.root, port)
        self.client = self.app.test_client()
        self.token = ""

    def get(self, url: str, **kwargs):
        response = self.client.get(url, base_url=self.base, **kwargs)
        match = TOKEN.search(response.get_data(as_text=True))
        if match:
            self.token = match.group(1)
        return response

    def post(self, url: str, data: dict, *, token: bool = True, origin: str | None = "", **kwargs):
        if token and not self.token:
            self.get("/")
        headers = {"Origin": self.base if origin == "" else origin} if origin is not None else {}
        payload = {**data, **({"csrf_token": self.token} if token else {})}
        return self.client.post(url, data=payload, base_url=self.base, headers=headers, **kwargs)

    def follow(self, response):
        assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
        return self.get(response.headers["Location"])


def photo(path: Path, size: tuple[int, int] = (2000, 1200)) -> Path:
    """A real JPEG photo-like image (a gradient), ``size`` pixels."""
    from PIL import Image

    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste((180, 90, 30), (width // 3, height // 3, width // 2, height // 2))
    image.save(path, "JPEG", quality=85)
    return path


def make_docx(path: Path, picture: Path) -> Path:
    """A Word document as writers send them: Vietnamese text, two headings, a list, a table, a photo."""
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.add_heading("Hội thảo khoa học về dân tộc học năm 2024", level=1)
    document.add_paragraph("Ngày 12/9/2024, Học viện Dân tộc tổ chức hội thảo khoa học “Dân tộc học "
                           "trong bối cảnh chuyển đổi số” với sự tham dự của các nhà khoa học.")
    document.add_heading("Các tham luận chính", level=2)
    for item in ("Văn hoá các dân tộc thiểu số", "Chính sách dân tộc", "Chuyển đổi số ở vùng cao"):
        document.add_paragraph(item, style="List Bullet")
    table = document.add_table(rows=3, cols=2)
    for row, (name, count) in enumerate((("Đơn vị", "Số tham luận"), ("Khoa Dân tộc học", "12"),
                                          ("Viện Nghiên cứu", "8"))):
        table.cell(row, 0).text = name
        table.cell(row, 1).text = count
    document.add_picture(str(picture), width=Cm(12))
    document.add_paragraph("Hội thảo kết thúc lúc 17 giờ cùng ngày.")
    document.save(path)
    return path


class Desk:
    """One person's desk in the browser, and the axe check of every page it shows."""

    def __init__(self, browser, base: str, shots: Path) -> None:
        self.browser = browser
        self.base = base
        self.shots = shots
        self.context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
        self.page = self.context.new_page()
        self.checked: dict[str, list] = {}

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.axe()

    def axe(self, ready: str | None = None) -> None:
        """axe-core on the current page, on a 360 px phone (its own context: CSP bypassed for axe),
        once ``ready`` (a selector) is visible there."""
        url = self.page.url
        if url in self.checked:
            return
        phone = self.browser.new_context(viewport=MOBILE, is_mobile=True, bypass_csp=True)
        page = phone.new_page()
        page.goto(url)
        if ready:
            page.locator(ready).wait_for(state="visible", timeout=BUILD_WAIT)
        page.add_script_tag(path=str(npm_package("axe-core") / "axe.min.js"))
        self.checked[url] = page.evaluate(AXE_RUN)
        width = page.evaluate("document.documentElement.scrollWidth")
        phone.close()
        assert self.checked[url] == [], (url, self.checked[url])
        assert width <= MOBILE["width"], (url, width)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"desk-{name}.png"), full_page=True)

    def click(self, text: str) -> None:
        self.page.get_by_role("button", name=text, exact=True).click()
        self.page.wait_for_load_state()
        self.axe()
