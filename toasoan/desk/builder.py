"""The resident preview build of a draft: one long-lived child process per open draft.

The child (``python -m toasoan.desk.builder``, started in the draft's work tree, which holds
the base's code and the writer's own content) keeps a :class:`toasoan.build.session.BuildSession`:
a body edit is patched into its last Pelican run, anything else is built incrementally (see
:mod:`toasoan.build.session`). The desk asks for a build with one line of JSON on the child's
standard input and reads one line of JSON back; nothing else is written on that channel
(whatever the build prints goes to standard error, which is discarded).

A child is started when first needed, started again when it has died, stopped when a build
takes longer than its timeout, after some idle minutes, and when the desk stops (or, if the
desk dies, when its standard input closes). Only pipes and ``Popen.kill``: the same on
Windows as on Linux.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, format_text

BUILD_TIMEOUT = 600  # seconds: a first build of a large site in a new process stays well under this
IDLE_MINUTES = 10
START_ERROR = "Không khởi động được bộ dựng trang xem trước"


class BuilderError(Exception):
    """The resident builder could not answer; the message is in Vietnamese."""


@dataclass
class Built:
    """What one build did, as the child reported it."""

    ok: bool
    pid: int
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    patched: tuple[str, ...] = ()
    unchanged: bool = False

    def summary(self) -> str:
        """Why the build failed, in Vietnamese, its findings apart (empty when it did not)."""
        if self.ok:
            return ""
        error = f" Lỗi khi dựng trang: {self.error}" if self.error else ""
        return f"Không dựng được trang xem trước; trang cũ không được hiện.{error}"

    def message(self) -> str:
        """:meth:`summary` and the findings, in Vietnamese."""
        return "\n".join([self.summary(), format_text(self.findings)] if self.findings else [self.summary()])


class ResidentBuilder:
    """The child process that builds the site in ``root`` on request."""

    def __init__(self, root: Path, timeout: float = BUILD_TIMEOUT) -> None:
        self.root = Path(root)
        self.timeout = timeout
        self.used = time.monotonic()
        self._process: subprocess.Popen | None = None
        self._answers: queue.Queue[bytes] = queue.Queue()
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self.running else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def build(self) -> Built:
        """Build now (one build at a time); a child that died is started again first."""
        with self._lock:
            try:
                for attempt in (1, 2):  # a child that died unseen since the last build: once more, in a new one
                    try:
                        return self._ask()
                    except (OSError, EOFError) as error:
                        self._stop()
                        if attempt == 2:
                            raise BuilderError(f"{START_ERROR} (thư mục {self.root}).") from error
            finally:
                self.used = time.monotonic()
        raise AssertionError("unreachable")

    def _ask(self) -> Built:
        if not self.running:
            self._start()
        process = self._process
        process.stdin.write(b'{"build": true}\n')
        process.stdin.flush()
        try:
            line = self._answers.get(timeout=self.timeout)
        except queue.Empty:
            self._stop()
            raise BuilderError(f"Dựng trang xem trước quá {self.timeout:g} giây; đã dừng bộ dựng.") from None
        if not line:
            self._stop()
            raise EOFError
        answer = json.loads(line)
        return Built(answer["ok"], process.pid, [Finding(**f) for f in answer["findings"]], answer["error"],
                     tuple(answer["patched"]), answer["unchanged"])

    def _start(self) -> None:
        self._answers = queue.Queue()
        try:
            self._process = subprocess.Popen([sys.executable, "-m", __name__], cwd=self.root,
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=subprocess.DEVNULL)
        except OSError as error:
            raise BuilderError(f"{START_ERROR}: {error}") from error
        threading.Thread(target=_pump, args=(self._process.stdout, self._answers), daemon=True).start()

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def stop_if_idle(self, seconds: float) -> None:
        """Stop the child if nothing was asked of it for ``seconds`` (not while it builds)."""
        if time.monotonic() - self.used > seconds and self._lock.acquire(blocking=False):
            try:
                self._stop()
            finally:
                self._lock.release()

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            process.stdin.close()  # the child ends at the end of its input
            process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()


def _pump(stream, answers: queue.Queue) -> None:
    """Each line the child writes, into ``answers``; an empty one when it ends."""
    for line in iter(stream.readline, b""):
        answers.put(line)
    answers.put(b"")


class Builders:
    """The desk's resident builders, one per draft work tree."""

    def __init__(self, idle_minutes: float = IDLE_MINUTES) -> None:
        self.idle = idle_minutes * 60
        self._builders: dict[Path, ResidentBuilder] = {}
        self._lock = threading.Lock()
        self._reaper: threading.Thread | None = None
        self._stopping = threading.Event()
        atexit.register(self.stop_all)

    def build(self, root: Path) -> Built:
        return self.for_root(root).build()

    def for_root(self, root: Path) -> ResidentBuilder:
        with self._lock:
            root = Path(root).resolve()
            if root not in self._builders:
                self._builders[root] = ResidentBuilder(root)
            if self._reaper is None:
                self._reaper = threading.Thread(target=self._reap, daemon=True)
                self._reaper.start()
            return self._builders[root]

    def stop_idle(self) -> None:
        """Stop the builders nobody asked anything for ``idle_minutes``."""
        with self._lock:
            builders = list(self._builders.values())
        for builder in builders:
            builder.stop_if_idle(self.idle)

    def _reap(self) -> None:
        while not self._stopping.wait(min(60.0, self.idle / 2 or 1)):
            self.stop_idle()

    def stop_all(self) -> None:
        self._stopping.set()
        with self._lock:
            builders = list(self._builders.values())
        for builder in builders:
            builder.stop()


# ---------------------------------------------------------------------- the child
def serve() -> int:
    """In the child: answer each request line with one build's result, until input ends."""
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # whatever the build prints stays off the channel
    from ..build.session import BuildSession
    from ..commands import DEV_SETTINGS, setup_logging
    from ..publication import ClockError

    setup_logging()
    session = BuildSession(DEV_SETTINGS)
    for _request in sys.stdin.buffer:
        try:
            result = session.build()
            answer = {"ok": result.ok, "findings": [f.to_dict() for f in result.findings], "error": result.error,
                      "patched": list(result.patched), "unchanged": result.unchanged}
        except ClockError as error:  # PUBLICATION_NOW or TOASOAN_NOW written wrong: said, the child lives on
            answer = {"ok": False, "findings": [], "error": str(error), "patched": [], "unchanged": False}
        channel.write(json.dumps(answer).encode("ascii") + b"\n")
        channel.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve())
