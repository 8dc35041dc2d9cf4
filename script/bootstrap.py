"""Set up Tòa soạn on this machine, on Windows, macOS or Linux: ``python script/bootstrap.py``.

Makes the virtualenv ``.venv`` and installs the locked dependencies into it:

    python script/bootstrap.py          what you need to write, check, build, serve and review
    python script/bootstrap.py --test   plus the test tools (and, on Debian as root, the system
                                        packages the browser tests need: script/install-system-deps)

It then configures this clone's git to check the editorial board's signatures
(:mod:`toasoan.editorial.signers`). The tasks run as ``.venv/bin/invoke …``
(``.venv\\Scripts\\invoke …`` on Windows).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def venv_python() -> Path:
    """The virtualenv's interpreter: ``Scripts\\python.exe`` on Windows, ``bin/python`` elsewhere."""
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def pip(*args: str) -> None:
    subprocess.run([str(venv_python()), "-m", "pip", "--quiet", "--disable-pip-version-check", *args],
                   cwd=ROOT, check=True)


def system_deps() -> None:
    """Debian packages for the browser tests; elsewhere only a note (they are not needed to write)."""
    script = ROOT / "script" / "install-system-deps"
    if os.name == "nt" or shutil.which("bash") is None:
        print("Bỏ qua gói hệ thống (chromium, Java): chỉ cần cho bộ kiểm thử trên Linux.")
        return
    subprocess.run(["bash", str(script)], cwd=ROOT, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cài đặt môi trường Tòa soạn (.venv).")
    parser.add_argument("--test", action="store_true", help="cài thêm công cụ kiểm thử")
    args = parser.parse_args(argv)
    if sys.version_info < (3, 11):  # noqa: UP036 - the one place an older Python is told why
        print(f"Cần Python 3.11 trở lên (đang dùng {sys.version.split()[0]}).", file=sys.stderr)
        return 1
    lock = ROOT / "requirements" / ("test.lock" if args.test else "base.lock")
    try:
        if args.test:
            system_deps()
        if not venv_python().exists():
            venv.EnvBuilder(with_pip=True).create(VENV)
        pip("install", "--upgrade", "pip")
        pip("install", "-r", str(lock), "-e", str(ROOT))
        # git checks the board's signatures itself (git log --show-signature): this clone only
        subprocess.run([str(venv_python()), "-m", "toasoan.editorial.signers", str(ROOT)], cwd=ROOT, check=True)
    except subprocess.CalledProcessError as error:
        print(f"Cài đặt không thành công (lệnh {error.cmd[0]} thoát với mã {error.returncode}).",
              file=sys.stderr)
        return 1
    print(f"Đã cài đặt xong môi trường (.venv, requirements/{lock.name}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
