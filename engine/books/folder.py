"""A federation's books: the founding file plus the journal, in one folder."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from engine.books import clock, config, imports, journal, money, output
from engine.errors import BooksError, UserError

SEALED = "books.sealed"
"""Records the SHA-256 of federation.yaml: founding facts may not change silently."""


@dataclass
class Books:
    folder: Path
    federation: config.Federation
    journal: journal.Journal
    chain_held: tuple[object, ...] | None = field(default=None, repr=False)
    """The books' state (:func:`_state`) when this command last found the chain sound, so a write
    that checked on opening, under the write lock, does not recompute 10,000 hashes again on writing."""

    @property
    def config_path(self) -> Path:
        return self.folder / config.FILENAME

    def close(self) -> None:
        self.journal.close()

    def state(self) -> tuple[object, ...]:
        """What must be unchanged for anything worked out from these books to still hold (see :func:`_state`)."""
        return _state(self)

    @contextmanager
    def transaction(self) -> Iterator[journal.Writer]:
        """One command's writes. The first write ever seals the founding file.

        Writing is refused while federation.yaml differs from its seal: a
        rule or roster edited by hand must not quietly become history.
        """
        with self.journal.transaction() as writer:
            self.check_before_writing()
            seal = latest_seal(self.journal)
            if seal is None:
                writer.append(SEALED, self.federation.founded, {"sha256": file_digest(self), "reason": "founding"})
            writer.guards.append(EntryGuard(self))
            pending = imports.PENDING.get()
            if pending is not None:
                self._check_not_imported(pending)
                imports.PENDING.set(None)
                writer.stamp = {imports.STAMP: pending.sha256}
            yield writer

    def _check_not_imported(self, pending: imports.ImportFile) -> None:
        """The same file twice would record every payment in it twice."""
        if imports.ANOTHER_BATCH.get():
            return
        row = self.journal.conn.execute(
            f"SELECT seq, on_date FROM entries WHERE json_extract(data, '$.{imports.STAMP}') = ? AND {journal.LIVE} ORDER BY seq LIMIT 1",
            (pending.sha256,),
        ).fetchone()
        if row is not None:
            raise UserError(
                f"this file was already imported: its rows start at journal entry {row[0]} ({row[1]}); nothing recorded",
                file=pending.path,
                expected="a new file, or --another-batch if the same rows really are a second batch",
            )

    def check_before_writing(self, *, seal: bool = True, recent: int | None = None) -> None:
        """Refuse to add history to a broken chain, or on top of an unsealed edit of federation.yaml.

        Either would make the new entries vouch for a past nobody recorded.
        """
        recent = RECHECKED_ON_WRITE if recent is None else recent
        state = _state(self)
        if state != self.chain_held:
            problem = self.journal.chain_problem(recent=recent)
            if problem is not None:
                raise BooksError(
                    f"the journal's hash chain is broken ({problem}); nothing is written until 'coop audit verify' is clean",
                    file=self.journal.path,
                )
            self.chain_held = state if recent >= RECHECKED_ON_WRITE else None
        found = latest_seal(self.journal)
        if seal and found is not None and found[1] != file_digest(self):
            raise BooksError(
                f"federation.yaml was edited after it was sealed at entry {found[0]}; "
                "undo the edit, or record it with 'coop audit seal --reason TEXT'",
                file=self.config_path,
            )

    def warnings(self) -> list[str]:
        """What a read should say before it answers from books whose chain or seal does not hold."""
        try:
            self.check_before_writing(recent=RECHECKED_ON_READ)
        except BooksError as exc:
            return [exc.message.replace("; nothing is written until", ": writes are stopped until")]
        return []

    def reseal(self, reason: str) -> journal.Entry:
        """Accept the current federation.yaml, on the record, with a reason."""
        with self.journal.transaction() as writer:
            self.check_before_writing(seal=False)
            return writer.append(SEALED, clock.today(), {"sha256": file_digest(self), "reason": reason})


RECHECKED_ON_WRITE = 10_000
"""Newest entries whose hashes a write recomputes before it appends."""
RECHECKED_ON_READ = 1_000
"""Newest entries whose hashes a read recomputes before answering (a write: 10,000); linkage is checked for all."""

CAPPED = {
    "payment.received": "amount",
    "payment.paid_out": "amount",
    "ledger.write_off": "amount",
    "expense.paid": "amount",
    "revenue.recorded": "amount",
    "session.recorded": "fee",
    "surplus.spent": "amount",
    "surplus.committed": "amount",
}
"""Entry kinds that record one amount someone typed or imported, and the field holding it."""
PROVIDER_MONEY = {"payment.received", "payment.paid_out", "ledger.write_off"}
"""Money entries that name a provider: dated from the first of the month they joined, as a payment is."""


class EntryGuard:
    """What every entry must satisfy, whichever command or door it came through.

    Dated within the books' years (the founding year to a horizon), a single
    amount no larger than the ``amount_cap`` in force on its date, and a
    provider's money no earlier than their membership. Checked as each entry
    is appended, inside the transaction, so a refusal changes nothing.
    """

    def __init__(self, books: Books) -> None:
        self.books = books
        from engine.books.cycles import cycle_containing

        founded = books.federation.founded
        self.first = min(date(founded.year, 1, 1), cycle_containing(founded, books.federation.cycle).first_day)
        self.last = clock.horizon()
        self._cap: Any = None
        self._spans: dict[str, Any] | None = None

    def __call__(self, kind: str, on: str, data: dict[str, Any]) -> None:
        day = date.fromisoformat(on)
        if not self.first <= day <= self.last:
            raise UserError(
                f"{kind} dated {on} is outside the books' years",
                field="date",
                expected=f"a date from {self.first} (the founding year or its first cycle) to {self.last}",
            )
        key = CAPPED.get(kind)
        amount = data.get(key) if key else None
        if kind == "budget.line_set" and isinstance(data.get("line"), dict):
            key, amount = "monthly", money.parse_cents(str(data["line"].get("monthly", "0")))
        if isinstance(amount, int) and abs(amount) > self.cap(day):
            raise UserError(
                f"{money.format_cents(amount, self.books.federation.currency)} is more than one amount may be",
                field=key,
                expected=f"at most {money.format_cents(self.cap(day), self.books.federation.currency)} (parameter amount_cap)",
            )
        if kind in PROVIDER_MONEY:
            span = self.spans().get(str(data.get("provider")))
            if span is not None and day < span.start.replace(day=1):
                raise UserError(
                    f"{data['provider']} only joined on {span.start}", field="on", expected=f"a date from {span.start.replace(day=1)}"
                )

    def cap(self, day: date) -> int:
        if self._cap is None:
            from engine.books.parameters import in_force

            self._cap = getattr(in_force(self.books), "amount_cap", None)
        return self._cap.at(day) if self._cap is not None else money.DEFAULT_CAP  # type: ignore[no-any-return]

    def spans(self) -> dict[str, Any]:
        if self._spans is None:
            from engine.ledger.fees import spans

            self._spans = spans(self.books)
        return self._spans


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
    on_warning: Callable[[str], None] | None = None,
    check_seal: bool = True,
    remember: bool = False,
) -> Books:
    """Open the books in ``folder``, or the ones found from ``cwd`` upwards.

    ``for_writing`` takes the journal's write lock before anything is read,
    so a command decides on the state it then writes to (see Journal.lock),
    and refuses at once if the chain or the seal does not hold; a read
    answers, after one warning line each (``on_warning``, else stderr).
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
    imports.PENDING.set(None)  # a file read by an earlier command in this process is not this one's
    jour = journal.Journal(folder / journal.FILENAME)
    try:
        output.recover(folder, jour)
        if for_writing:
            jour.lock(on_wait=on_wait)
        federation = _remembered(folder / config.FILENAME)
        books = Books(folder, federation, jour)
        if for_writing:
            books.check_before_writing(seal=check_seal)
        else:
            _check_for_reading(books, on_warning, remember)
    except BaseException:
        jour.close()
        raise
    return books


def reopen(books: Books, *, on_warning: Callable[[str], None] | None = None) -> Books:
    """Books a long-running reader keeps open, as ``open_books(folder, remember=True)`` would give them now.

    The journal's connection is reused; federation.yaml, an interrupted batch and
    the chain are looked at exactly as on opening.
    """
    imports.PENDING.set(None)
    output.recover(books.folder, books.journal)
    found = Books(books.folder, _remembered(books.config_path), books.journal)
    _check_for_reading(found, on_warning, remember=True)
    return found


def _check_for_reading(books: Books, on_warning: Callable[[str], None] | None, remember: bool) -> None:
    if not remember or _CLEAN.get(books.folder) != _state(books):
        found = books.warnings()
        for warning in found:
            (on_warning or _say)(warning)
        if remember and not found:
            _CLEAN[books.folder] = _state(books)


_FEDERATIONS: dict[str, config.Federation] = {}
"""federation.yaml as validated, by the SHA-256 of its bytes (the models are frozen, so one may be shared).

A long-running server, or a script running many commands in one process, reads
the file for every command but parses and validates it once per content; a
changed byte is a new key. Bounded by :data:`REMEMBERED`."""
REMEMBERED = 16
"""How many different founding files one process keeps validated (the oldest is forgotten first)."""
_CLEAN: dict[Path, tuple[object, ...]] = {}
"""The state of each folder's books when a read last found chain and seal sound (see :func:`_state`)."""


def _remembered(path: Path) -> config.Federation:
    from engine.books.money import CURRENCY

    key = hashlib.sha256(path.read_bytes()).hexdigest()
    found = _FEDERATIONS.get(key)
    if found is None:
        found = config.load_federation(path)
        if len(_FEDERATIONS) >= REMEMBERED:
            del _FEDERATIONS[next(iter(_FEDERATIONS))]
        _FEDERATIONS[key] = found
    CURRENCY.set(found.currency)
    return found


def _state(books: Books) -> tuple[object, ...]:
    """What must be unchanged for an earlier clean check to still hold: the head, and every byte of the journal's files."""
    files = [books.journal.path, books.journal.path.with_name(books.journal.path.name + "-wal"), books.config_path]
    return (books.journal.head(), tuple(_stamp(f) for f in files))


def _stamp(path: Path) -> tuple[int, int] | None:
    """A file's modification time and size; an empty file's time is left out.

    SQLite touches the empty write-ahead log each time a connection opens and
    closes the journal, without changing a byte of the books: with its time in
    the stamp, no state would ever match an earlier one and every read would
    re-hash the whole chain. An empty log holds nothing; whatever a checkpoint
    moved out of it changed the journal file, whose time is in the stamp.
    """
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return (found.st_mtime_ns if found.st_size else 0), found.st_size


def _say(warning: str) -> None:
    sys.stderr.write(f"coop: warning: {warning}\n")
