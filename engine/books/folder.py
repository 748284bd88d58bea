"""A federation's books: the founding file plus the journal, in one folder."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from engine.books import clock, config, journal
from engine.errors import BooksError

SEALED = "books.sealed"
"""Records the SHA-256 of federation.yaml: founding facts may not change silently."""


@dataclass
class Books:
    folder: Path
    federation: config.Federation
    journal: journal.Journal

    @property
    def config_path(self) -> Path:
        return self.folder / config.FILENAME

    def close(self) -> None:
        self.journal.close()

    @contextmanager
    def transaction(self) -> Iterator[journal.Writer]:
        """One command's writes. The first write ever seals the founding file.

        Writing is refused while federation.yaml differs from its seal: a
        rule or roster edited by hand must not quietly become history.
        """
        with self.journal.transaction() as writer:
            seal = latest_seal(self.journal)
            digest = file_digest(self)
            if seal is None:
                writer.append(SEALED, self.federation.founded, {"sha256": digest, "reason": "founding"})
            elif seal[1] != digest:
                raise BooksError(
                    f"federation.yaml was edited after it was sealed at entry {seal[0]}; "
                    "undo the edit, or record it with 'coop audit seal --reason TEXT'",
                    file=self.config_path,
                )
            yield writer

    def reseal(self, reason: str) -> journal.Entry:
        """Accept the current federation.yaml, on the record, with a reason."""
        with self.journal.transaction() as writer:
            return writer.append(SEALED, clock.today(), {"sha256": file_digest(self), "reason": reason})


def file_digest(books: Books) -> str:
    return hashlib.sha256(books.config_path.read_bytes()).hexdigest()


def latest_seal(jour: journal.Journal) -> tuple[int, str] | None:
    row = jour.conn.execute("SELECT seq, data FROM entries WHERE kind = ? ORDER BY seq DESC LIMIT 1", (SEALED,)).fetchone()
    return (row[0], json.loads(row[1])["sha256"]) if row else None


def find_folder(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a federation."""
    for folder in (start, *start.parents):
        if (folder / config.FILENAME).is_file() and (folder / journal.FILENAME).is_file():
            return folder
    return None


def open_books(
    folder: Path | None,
    cwd: Path | None = None,
    *,
    for_writing: bool = False,
    on_wait: Callable[[], None] | None = None,
) -> Books:
    """Open the books in ``folder``, or the ones found from ``cwd`` upwards.

    ``for_writing`` takes the journal's write lock before anything is read,
    so a command decides on the state it then writes to (see Journal.lock).
    """
    if folder is None:
        found = find_folder((cwd or Path.cwd()).resolve())
        if found is None:
            raise BooksError(
                "no federation found here or in any parent folder; use --books DIR or run 'coop init DIR'",
                field="--books",
            )
        folder = found
    if not folder.is_dir():
        raise BooksError("books folder does not exist", file=folder, field="--books")
    if not (folder / config.FILENAME).is_file():
        raise BooksError(f"not a federation: no {config.FILENAME}", file=folder, field="--books")
    if not (folder / journal.FILENAME).is_file():
        raise BooksError(f"not a federation: no {journal.FILENAME}", file=folder, field="--books")
    jour = journal.Journal(folder / journal.FILENAME)
    try:
        if for_writing:
            jour.lock(on_wait=on_wait)
        federation = config.load_federation(folder / config.FILENAME)
    except BaseException:
        jour.close()
        raise
    return Books(folder, federation, jour)
