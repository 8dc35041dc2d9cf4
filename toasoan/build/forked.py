"""Work done in a forked process beside the first one, its result sent back through a pipe.

The render helpers (:mod:`.share`) and the work beside the pages a plugin has the run put in
a process of its own (:meth:`toasoan.build.run.BuildRun.beside_process`: the search index,
the tracker's exports) are forked with :func:`fork`. The forked process runs ``work()`` and sends what it returns —
or its exception — to the first process, which gets it from :meth:`Helper.finish`; a build
that fails meanwhile stops it (:meth:`Helper.join`) before removing the staging folder.

Forked processes exist only where ``fork`` does (not on Windows), and only while no other
thread runs: a lock held by a thread at the fork stays held in the child for ever
(:func:`toasoan.parsing.may_fork`).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass
class Helper:
    """A forked process doing its work, as the first process sees it."""

    process: multiprocessing.Process
    connection: object  # the receiving end of its pipe

    def finish(self) -> object:
        """What its work returned, once it is done; its exception if it failed."""
        try:
            sent = self.connection.recv()
        except EOFError:  # it ended without a word
            sent = None
        finally:
            self.connection.close()
            self.process.join()
        if sent is None:
            sent = RuntimeError(f"Tiến trình {self.process.name} dừng bất thường "
                                f"(mã thoát {self.process.exitcode}).")
        if isinstance(sent, BaseException):
            raise sent
        return sent

    def join(self, timeout: float | None = None) -> None:
        """Stop it (the build failed: its staging folder goes)."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout)


def fork(name: str, work: Callable[[], object]) -> Helper:
    """Run ``work()`` in a forked process named ``name`` (see module doc); the first
    process's handle on it."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_work_and_send, name=name, daemon=True, args=(work, sending))
    process.start()
    sending.close()
    return Helper(process, receiving)


def _work_and_send(work: Callable[[], object], connection) -> None:
    """The forked process: ``work()``, and what it returned (or its exception) sent back."""
    _let_go_of_inherited_descriptors(keep=connection.fileno())
    try:
        sent = work()
    except BaseException as error:  # noqa: BLE001 - the first process raises it
        sent = _sendable(error)
    connection.send(sent)
    connection.close()


def _let_go_of_inherited_descriptors(keep: int) -> None:
    """Point every descriptor the child inherited (but the standard streams and ``keep``) at
    the null device. A pipe or socket of the first process's kept open here would stay open
    while the child lives: a subprocess reading a pipe the first process closes to say it
    is done would wait for the child's copy too. A number is never freed, so an object of
    the first process closing "its" descriptor later closes only the null device."""
    folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for name in os.listdir(folder):
            number = int(name)
            if number > 2 and number not in (keep, null):
                with contextlib.suppress(OSError):  # the listing's own descriptor, closed since
                    os.fstat(number)
                    os.dup2(null, number)
    finally:
        os.close(null)


def _sendable(error: BaseException) -> BaseException:
    """``error``, or one with its message if it cannot cross to the first process."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        logger.debug("a forked process's error cannot be pickled", exc_info=True)
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
