"""Pagefind's indexing service (``pagefind --service``), spoken to directly and in bulk.

The PyPI package ``pagefind`` wraps the same service, but its reader takes one response per
0.1 s (``asyncio.sleep(0.1)`` in its poll loop): 5 000 records would take more than eight
minutes. The protocol is small — each request and each response is base64 of a JSON
object ``{"message_id", "payload"}`` followed by a comma — so this module writes a whole
batch of requests from one thread and reads the answers as they come.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path


class ServiceError(RuntimeError):
    """The service answered with an error, or stopped answering."""


class PagefindService:
    """One running ``pagefind --service``; use as a context manager."""

    def __init__(self, executable: Path | str) -> None:
        self.executable = str(executable)
        self.process: subprocess.Popen | None = None
        self.next_id = 0
        self.buffer = b""
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 — closed by close(); the service's messages

    def __enter__(self) -> PagefindService:
        try:
            self.process = subprocess.Popen([self.executable, "--service"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=self.errors)
        except OSError as error:
            raise ServiceError(str(error)) from error
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        with contextlib.suppress(OSError):
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        self.errors.close()

    def new_index(self, config: dict) -> int:
        """Create an in-memory index; returns its id."""
        return self.batch([{"type": "NewIndex", "config": config}])[0]["index_id"]

    def batch(self, payloads: Sequence[dict]) -> list[dict]:
        """Send every request, then wait for all answers; answers in request order."""
        assert self.process is not None, "use PagefindService as a context manager"
        first = self.next_id + 1
        data = []
        for payload in payloads:
            self.next_id += 1
            message = json.dumps({"message_id": self.next_id, "payload": payload}).encode("utf-8")
            data.append(base64.b64encode(message) + b",")
        failed: list[OSError] = []
        writer = threading.Thread(target=self._write, args=(b"".join(data), failed), daemon=True)
        writer.start()
        answers: dict[int, dict] = {}
        try:
            while len(answers) < len(payloads):
                answer = self._read()
                if answer.get("message_id") is None or answer["payload"].get("type") == "Error":
                    detail = answer["payload"].get("message") or answer["payload"]
                    raise ServiceError(f"Pagefind báo lỗi: {detail}")
                answers[answer["message_id"]] = answer["payload"]
        finally:
            writer.join(timeout=10)
        return [answers[i] for i in range(first, self.next_id + 1)]

    def _write(self, data: bytes, failed: list[OSError]) -> None:
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except OSError as error:  # the service died: _read reports it
            failed.append(error)

    def _read(self) -> dict:
        """The next answer. Its chunks are joined once it is whole and decoded in place: an
        index's files come as one answer of a few MB, read while a build holds its run."""
        chunks = [self.buffer]
        while b"," not in chunks[-1]:
            chunk = self.process.stdout.read1(1 << 20)
            if not chunk:
                code = self.process.wait(timeout=10)
                self.errors.seek(0)
                error = self.errors.read().decode("utf-8", "replace").strip()
                raise ServiceError(f"Pagefind dừng giữa chừng (mã {code}): {error}".rstrip(": "))
            chunks.append(chunk)
        data = b"".join(chunks)
        del chunks
        end = data.index(b",")
        self.buffer = data[end + 1:]
        return json.loads(base64.b64decode(memoryview(data)[:end]))
