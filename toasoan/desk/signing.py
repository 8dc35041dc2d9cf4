"""Signing a review with the board member's own SSH key, from the desk.

git signs through ``ssh-keygen -Y sign``. Three cases:

* the key is loaded in the member's ssh-agent (``SSH_AUTH_SOCK``; on Windows the OpenSSH
  Authentication Agent service): ``ssh-keygen`` signs through the agent, nothing is asked;
* the key file has no passphrase: it signs with the file;
* the key file has a passphrase, typed into the desk for this one signature: ``ssh-keygen``
  asks for it through ``SSH_ASKPASS`` (``SSH_ASKPASS_REQUIRE=force``), and the askpass
  program — a two-line Python script in a private temporary folder, removed right after —
  prints it from an environment variable that only this one ``git`` process and its
  children receive. The passphrase is never written to a file, never on a command line
  (other users can read those), never logged, and no decrypted copy of the key exists
  anywhere, not even for a moment.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..git import Git

SECRET_VARIABLE = "TOASOAN_DESK_PASSPHRASE"
_PRINT_SECRET = f"import os, sys; sys.stdout.write(os.environ['{SECRET_VARIABLE}'] + '\\n')"


def key_has_passphrase(key: Path) -> bool:
    """Whether the private key file needs a passphrase (``ssh-keygen -y`` with an empty one fails)."""
    result = subprocess.run(["ssh-keygen", "-y", "-P", "", "-f", str(key)], capture_output=True,
                            stdin=subprocess.DEVNULL, check=False)
    return result.returncode != 0


def agent_holds(public_key: str) -> bool:
    """Whether the running ssh-agent holds ``public_key``."""
    if not os.environ.get("SSH_AUTH_SOCK") and os.name != "nt":
        return False
    try:
        result = subprocess.run(["ssh-add", "-L"], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    wanted = " ".join(public_key.split()[:2])
    return any(" ".join(line.split()[:2]) == wanted for line in result.stdout.splitlines())


@contextmanager
def signing_git(git: Git, passphrase: str | None) -> Iterator[Git]:
    """``git`` whose signing ``ssh-keygen`` gets ``passphrase`` through askpass (when given)."""
    if not passphrase:
        yield git
        return
    folder = Path(tempfile.mkdtemp(prefix="toasoan-ky-"))  # mode 0700: private to the user
    try:
        if os.name == "nt":
            program = folder / "askpass.cmd"
            program.write_text(f'@"{sys.executable}" -c "{_PRINT_SECRET}"\r\n', encoding="utf-8")
        else:
            program = folder / "askpass"
            program.write_text(f"#!{sys.executable}\n{_PRINT_SECRET}\n", encoding="utf-8")
            program.chmod(stat.S_IRWXU)
        yield git.with_env(SSH_ASKPASS=str(program), SSH_ASKPASS_REQUIRE="force",
                           DISPLAY=os.environ.get("DISPLAY", ":0"), **{SECRET_VARIABLE: passphrase})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
