"""Work that falls due, done inside the server: votes past their deadline are closed, mail is queued and sent.

A thread wakes every ``every`` seconds, and soon after any request that
recorded something: once writes have paused for ``quiet`` seconds (at most
``gather`` after the first), so fifty ballots cast at one moment are mailed
in one pass rather than fought over by a pass after every few. Closing votes
opens the books for writing only when one is due; the mail pass holds the
write lock only while it queues.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import UserError

log = logging.getLogger("coop.portal")


def settle(folder: Path) -> None:
    """One pass: close what is due, then queue and send the mail that follows from the record."""
    from engine.books import clock
    from engine.books.folder import open_books
    from engine.governance import due

    books = open_books(folder, on_warning=lambda _w: None)
    try:
        pending = bool(due.due(books, clock.today()))
    finally:
        books.close()
    if pending:
        books = open_books(folder, for_writing=True)
        try:
            closed = due.settle(books)
            log.info("closed %s", ", ".join(p.label for p in closed))
        finally:
            books.close()
    _mail(folder)


def _mail(folder: Path) -> None:
    """Queue what the record now calls for, then send. The write lock is held only until the queuing commits:
    each message sent is recorded in a transaction of its own, so no member waits on the mail server."""
    from engine.books import clock
    from engine.books.folder import open_books
    from engine.mail import delivery, due

    books = open_books(folder, for_writing=True)
    try:
        due.settle(books, clock.today())
        if books.federation.mail is not None:
            delivery.flush(books)
    finally:
        books.close()


@dataclass
class Schedule:
    folder: Path
    every: float = 60.0
    quiet: float = 0.2
    gather: float = 2.0
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="coop-schedule", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def poke(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                settle(self.folder)
            except UserError as exc:  # a refusal (busy books, a mail server down) is tried again next pass
                log.warning("%s", exc)
            except Exception:  # a bug must not stop the schedule; it is logged and the next pass tries again
                log.exception("scheduled work failed")
            if self._wake.wait(self.every):
                self._wake.clear()
                self._settle_down()

    def _settle_down(self) -> None:
        """Wait for writes to pause (or for ``gather`` to pass): one pass then covers a whole burst of them."""
        until = time.monotonic() + self.gather
        while not self._stop.is_set() and time.monotonic() < until and self._wake.wait(min(self.quiet, until - time.monotonic())):
            self._wake.clear()
