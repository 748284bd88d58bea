"""Commands in separate processes that start with the engine already imported.

Races, kills and simultaneous ballots need real processes: their own SQLite
connections and file locks, and a SIGKILL that stops one mid-write. Starting
Python and importing the engine for each costs 0.2-0.4 s and is no part of
what those tests check, so each process is forked from a forkserver that
imported the engine once. The forkserver is a fresh single-threaded
interpreter (never the test process itself), so the fork copies no test
state, no open database and no thread. Start-up itself is tested with real
``python -m cli`` processes elsewhere (tests/test_smoke.py, tests/test_crash.py).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import tempfile
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path

PRELOAD = [
    "cli",
    "terminal.params",
    "engine.books.folder",
    "engine.audit.verify",
    "engine.ledger.closing",
    "engine.ledger.fees",
    "engine.governance.ballots",
    "engine.documents.pipeline",
    "docx",
]
"""What every process starts with: the command line, the books and the document pipeline."""

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(PRELOAD)


def warm() -> None:
    """Start the forkserver and let it import the engine now, so a process timed later is timed without it."""
    first = _CONTEXT.Process(target=os.getpid)
    first.start()
    first.join()


def _command(argv: list[str], env: dict[str, str], out: str, err: str) -> None:
    """The child: ``coop ARGV`` as ``python -m cli`` runs it, printing to the given files; its exit code is the process's."""
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_TRUNC)
        os.dup2(target, fd)
        os.close(target)
    from cli import main

    sys.argv = ["coop", *argv]
    main(args=argv, prog_name="coop")


def _remove(paths: list[str]) -> None:
    for p in paths:
        Path(p).unlink(missing_ok=True)


class Command:
    """One running ``coop`` process, read the way a ``subprocess.Popen`` is."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str]) -> None:
        self._files = []
        for stream in ("out", "err"):
            fd, path = tempfile.mkstemp(prefix=f"coop-{stream}-")
            os.close(fd)
            self._files.append(path)
        self._process = _CONTEXT.Process(target=_command, args=(list(argv), dict(env), *self._files))
        self._process.start()
        self.pid = self._process.pid
        weakref.finalize(self, _remove, list(self._files))

    @property
    def returncode(self) -> int | None:
        """The exit code; minus the signal's number when a signal ended it, as subprocess reports it."""
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def send_signal(self, sig: int) -> None:
        """Signal the process; nothing when it has already ended (as with ``subprocess.Popen``)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, sig)

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise TimeoutError(f"coop did not end within {timeout} s")
        return self._process.exitcode

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Wait for the end; what it printed to standard output and to standard error."""
        self.wait(timeout)
        out, err = (Path(p).read_text(errors="replace") for p in self._files)
        return out, err


def coop(books: Path, *args: str, env: Mapping[str, str] | None = None) -> Command:
    """Start ``coop --books BOOKS ARGS`` in its own process with this environment plus ``env``."""
    return Command(["--books", str(books), *args], {**os.environ, **(env or {})})
