"""The books for one request: read without waiting, write one at a time; what pages work out, kept while the books stay the same.

SQLite in WAL mode lets any number of readers go on while one writer
commits, so a page never waits. Writers from this process queue on one
lock before they ask SQLite for its write lock, and a writer from the
terminal is waited for by the journal's own lock: no member ever sees
"database is locked".

A server answers the same page many times over books that have not changed
in between: what a page works out from the record (a proposal built from
its entries, say) is kept by the books' state, and any write or edit makes
a new state, so the next read works it out afresh.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from engine.books.folder import Books, open_books, reopen

if TYPE_CHECKING:
    from engine.governance.credentials import Compared

T = TypeVar("T")

_WRITING = threading.Lock()

WARNINGS: dict[Path, list[str]] = {}
"""What the last read of each folder's books found wrong with their chain or seal (nothing: an empty list), for every page to say."""

KEPT = 256
"""How many worked-out page parts one process keeps (the least recently used is forgotten first)."""
_KEPT: OrderedDict[tuple[object, ...], object] = OrderedDict()
_KEPT_LOCK = threading.Lock()
_PENDING: dict[tuple[object, ...], Future[object]] = {}
"""Keys being worked out now, for the requests that arrive meanwhile to wait on."""
_NOTHING = object()


_HELD = threading.local()
"""Each server thread's open journal per folder, with the identity of the file it opened (see :func:`reading`)."""


@contextmanager
def reading(folder: Path) -> Iterator[Books]:
    """The books for a read, on the journal connection this thread keeps open.

    Opening SQLite costs more than most pages' queries, so each thread keeps its
    connection and every read looks at the books as opening would (federation.yaml,
    an interrupted batch, the chain by its state). Each query sees what is committed
    when it runs; a read that fails drops the connection, lest a statement it left
    unfinished pin an older snapshot, and a journal file replaced on disk is reopened.
    """
    found: list[str] = []
    books = _held_books(folder, found.append)
    WARNINGS[folder] = found  # books found sound before (remembered by their state) warn of nothing
    try:
        yield books
    except BaseException:
        _drop(folder)
        raise


def _held_books(folder: Path, on_warning: Callable[[str], None]) -> Books:
    held: dict[Path, tuple[Books, tuple[int, int]]] = _HELD.__dict__.setdefault("books", {})
    identity = _identity(folder)
    kept_open = held.get(folder)
    if kept_open is not None and kept_open[1] == identity:
        try:
            return reopen(kept_open[0], on_warning=on_warning)
        except BaseException:
            _drop(folder)
            raise
    _drop(folder)
    books = open_books(folder, on_warning=on_warning, remember=True)
    held[folder] = (books, identity)
    return books


def _drop(folder: Path) -> None:
    kept_open = _HELD.__dict__.get("books", {}).pop(folder, None)
    if kept_open is not None:
        kept_open[0].close()


def _identity(folder: Path) -> tuple[int, int]:
    """Which file the journal is (device and inode): a file moved into its place is another journal."""
    from engine.books.journal import FILENAME

    try:
        found = (folder / FILENAME).stat()
    except FileNotFoundError:
        return (0, 0)
    return (found.st_dev, found.st_ino)


@contextmanager
def writing(folder: Path) -> Iterator[Books]:
    """The books with the write lock held from before the first read, as a terminal command holds it.

    Like a terminal command that writes, a request that writes first closes the votes whose time has come.
    """
    from engine.governance.due import settle_before_writing

    with _WRITING:
        books = open_books(folder, for_writing=True)
        try:
            settle_before_writing(books)
            yield books
        finally:
            books.close()


_CHECKING = threading.BoundedSemaphore(os.cpu_count() or 1)


def compare_credential(books: Books, member: str, secret: str | None) -> Compared:
    """The member's credential compared (scrypt), by at most as many requests at once as there are cores.

    Fifty members voting at once then finish in turn, the first after one check rather
    than all together after fifty, and hold 16 MiB of scrypt memory each a core at a time.
    """
    from engine.governance.credentials import compare

    with _CHECKING:
        return compare(books, member, secret)


def kept(books: Books, what: tuple[object, ...], work: Callable[[], T]) -> T:
    """``work()``, worked out once for as long as the books stay byte for byte the same; ``what`` names the work
    and everything else it depends on (the day it is worked out for, say).

    The key is the books' state (the journal's head, and the size and time of the
    journal, its write-ahead log and federation.yaml), as for the remembered chain
    check: a write, from here or the terminal, or a row edited by hand, gives a
    new key, so nothing stale is served and an edited row is read afresh. What is
    kept is shared between requests and must not be changed by whoever reads it;
    it is kept only if the books did not change while it was worked out. Requests
    that arrive together for the same key wait for the first to work it out,
    rather than fifty working out the same page at once.
    """
    before = books.state()
    key = (books.folder, before, *what)
    with _KEPT_LOCK:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            return _KEPT[key]  # type: ignore[return-value]
        pending = _PENDING.get(key)
        first = pending is None
        if pending is None:
            pending = _PENDING[key] = Future()
    if not first:
        found = pending.result()
        return work() if found is _NOTHING else found  # type: ignore[no-any-return]  # the first one failed: its own refusal
    value: object = _NOTHING
    try:
        value = work()
        if books.state() == before:
            with _KEPT_LOCK:
                _KEPT[key] = value
                while len(_KEPT) > KEPT:
                    _KEPT.popitem(last=False)
    finally:
        with _KEPT_LOCK:
            del _PENDING[key]
        pending.set_result(value)
    return value  # type: ignore[return-value]
