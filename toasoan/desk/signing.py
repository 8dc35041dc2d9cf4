"""Signing a review with the board member's own SSH key, from the desk.

git signs through ``ssh-keygen -Y sign``. Three cases:

* the key is loaded in the member's ssh-agent (``SSH_AUTH_SOCK``; on Windows the OpenSSH
  Authentication Agent service): ``ssh-keygen`` signs through the agent, nothing is asked;
* the key file has no passphrase: it signs with the file;
* the key file has a passphrase, typed into the desk for this one signature: ``ssh-keygen``
  asks for it through ``SSH_ASKPASS`` (``SSH_ASKPASS_REQUIRE=force``; ``DISPLAY`` too, which
  OpenSSH before 8.4 — Windows 10's — needs instead). The askpass program, in a private
  temporary folder removed right after, prints the passphrase from an environment variable
  that only this one ``git`` process and its children receive.

The passphrase travels as the hex digits of its UTF-8 bytes and the askpass program writes
those bytes, so a Vietnamese passphrase reaches ``ssh-keygen`` as the same bytes it was set
with, whatever the locale (``LC_ALL=C``) or the Windows code page. The askpass program is one
Windows can start (``CreateProcess`` runs a ``.cmd``, never a ``#!`` script) and a ``/bin/sh``
script elsewhere; both run this Python (``-I``: no user site, no ``PYTHON*`` variables), whose
path is given in the environment too, so no path is ever quoted into a script.
The passphrase is never written to a file, never on a command line (other users can read
those), never logged, and no decrypted copy of the key exists anywhere, not even for a moment.
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

SECRET_VARIABLE = "TOASOAN_DESK_PASSPHRASE"  # hex of the passphrase's UTF-8 bytes
PYTHON_VARIABLE = "TOASOAN_DESK_PYTHON"
PRINT_SECRET = f"import os, sys; sys.stdout.buffer.write(bytes.fromhex(os.environ['{SECRET_VARIABLE}']) + b'\\n')"
ASKPASS_CMD = f'@"%{PYTHON_VARIABLE}%" -I -c "{PRINT_SECRET}"\r\n'
ASKPASS_SH = f"#!/bin/sh\nexec \"${PYTHON_VARIABLE}\" -I -c \"{PRINT_SECRET}\"\n"


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


def askpass_program(folder: Path, windows: bool = os.name == "nt") -> Path:
    """The askpass program in ``folder``: ``askpass.cmd`` on Windows, a ``/bin/sh`` script elsewhere."""
    if windows:
        program = folder / "askpass.cmd"
        program.write_bytes(ASKPASS_CMD.encode("ascii"))
    else:
        program = folder / "askpass"
        program.write_bytes(ASKPASS_SH.encode("ascii"))
        program.chmod(stat.S_IRWXU)
    return program


def askpass_env(program: Path, passphrase: str) -> dict[str, str]:
    """What the signing ``git`` process gets: the askpass program and the passphrase for it."""
    return {"SSH_ASKPASS": str(program), "SSH_ASKPASS_REQUIRE": "force",
            "DISPLAY": os.environ.get("DISPLAY", ":0"), PYTHON_VARIABLE: sys.executable,
            SECRET_VARIABLE: passphrase.encode("utf-8").hex()}


@contextmanager
def signing_git(git: Git, passphrase: str | None) -> Iterator[Git]:
    """``git`` whose signing ``ssh-keygen`` gets ``passphrase`` through askpass (when given)."""
    if not passphrase:
        yield git
        return
    folder = Path(tempfile.mkdtemp(prefix="toasoan-ky-"))  # mode 0700: private to the user
    try:
        yield git.with_env(**askpass_env(askpass_program(folder), passphrase))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
