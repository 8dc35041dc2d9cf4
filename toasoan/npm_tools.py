"""Node packages the checks run (the HTML validator, axe-core, Lighthouse), at exact versions.

They come from the npm registry with the machine's ``npm`` and are installed once each into
``.cache/npm/<name>-<version>/`` of the project: nothing global, nothing in the repository.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "npm"
PINS = {
    "vnu-jar": "26.9.27",     # the Nu HTML Checker (needs Java)
    "axe-core": "4.14.1",     # accessibility rules, run inside the page
    "lighthouse": "12.2.3",   # needs Node.js ≥ 18.16 and CHROME_PATH
}


class ToolMissing(RuntimeError):
    """A program the check needs is not installed; the message says what to install."""


def npm_package(name: str, cache: Path = CACHE) -> Path:
    """The folder of package ``name`` (``…/node_modules/<name>``), installed on first use."""
    version = PINS[name]
    prefix = cache / f"{name}-{version}"
    package = prefix / "node_modules" / name
    if package.is_dir():
        return package
    npm = shutil.which("npm")
    if npm is None:
        raise ToolMissing(f"Cần npm (Node.js) để cài {name}@{version}: cài gói nodejs và npm của Debian.")
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test workers install it once
        if package.is_dir():
            return package
        staging = cache / f".{name}-{version}.{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        run = subprocess.run([npm, "install", "--prefix", str(staging), "--no-audit", "--no-fund",
                              "--loglevel=error", f"{name}@{version}"],
                             capture_output=True, text=True, timeout=900, check=False)
        if run.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise ToolMissing(f"Không cài được {name}@{version} bằng npm: {run.stderr.strip()[-2000:]}")
        os.replace(staging, prefix)
    return package


def java() -> str:
    """The ``java`` command (the HTML validator runs on it)."""
    found = shutil.which("java")
    if found is None:
        raise ToolMissing("Cần Java để chạy trình kiểm tra HTML: cài gói default-jre-headless của Debian.")
    return found


def validate_html(files: list[Path]) -> list[dict]:
    """Errors and warnings of the Nu HTML Checker for these HTML and CSS files (JSON messages)."""
    import json

    jar = npm_package("vnu-jar") / "build" / "dist" / "vnu.jar"
    run = subprocess.run([java(), "-jar", str(jar), "--format", "json", "--also-check-css", *map(str, files)],
                         capture_output=True, text=True, timeout=900, check=False)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [m for m in messages if m["type"] == "error" or m.get("subType") == "warning"]
