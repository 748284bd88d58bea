"""The books for one request: read without waiting, write one at a time.

SQLite in WAL mode lets any number of readers go on while one writer
commits, so a page never waits. Writers from this process queue on one
lock before they ask SQLite for its write lock, and a writer from the
terminal is waited for by the journal's own lock: no member ever sees
"database is locked".
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.books.folder import Books, open_books

_WRITING = threading.Lock()


@contextmanager
def reading(folder: Path) -> Iterator[Books]:
    books = open_books(folder, on_warning=lambda _w: None, remember=True)
    try:
        yield books
    finally:
        books.close()


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
