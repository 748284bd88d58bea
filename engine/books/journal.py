"""The append-only, hash-chained journal of everything after founding.

Each entry is a dated fact (a provider joined, a payment arrived, a ballot
was cast). Entries are only ever inserted: a mistake is corrected by a new
entry that points at the old one (see :data:`VOID`). Every entry stores the
SHA-256 of its own content chained to the previous entry's hash, so editing
any row, even with the sqlite3 shell, breaks the chain from that row on and
``coop audit verify`` says where.

A command writes all of its entries inside one :meth:`Journal.transaction`,
so it either happens completely or not at all.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from engine.books import clock
from engine.errors import BooksError, BusyError, UserError

LOCK_WAIT_SECONDS = 30.0
"""How long a write waits for another command's write before giving up."""
READ_WAIT_SECONDS = 30.0

SCHEMA_VERSION = 1
FILENAME = "journal.sqlite3"
GENESIS = "0" * 64
VOID = "correction.void"
"""An entry that withdraws an earlier one (named by ``ref``); derived state skips both."""

LIVE = f"seq NOT IN (SELECT ref FROM entries WHERE kind = '{VOID}')"
"""SQL condition for entries not withdrawn: what every bulk read of derived state selects."""


def between(first: date | None, last: date | None) -> tuple[str, list[str]]:
    """SQL conditions (each starting ``AND``) and their arguments bounding ``on_date``, both ends inclusive."""
    sql, args = "", []
    if first is not None:
        sql += " AND on_date >= ?"
        args.append(first.isoformat())
    if last is not None:
        sql += " AND on_date <= ?"
        args.append(last.isoformat())
    return sql, args


_string = json.encoder.encode_basestring
"""A JSON string as ``canonical`` spells one (``ensure_ascii=False``)."""
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
"""Made once: ``json.dumps`` with these options builds an encoder per call, a third of checking the chain."""


def canonical(value: Any) -> str:
    """The one JSON spelling of a value, so a hash depends on content alone (what ``json.dumps`` gives with these options)."""
    return _CANONICAL.encode(value)


def entry_hash(prev_hash: str, seq: int, kind: str, on: str, recorded_at: str, data: str, ref: int | None) -> str:
    """The entry's hash: SHA-256 of the previous hash, a newline and ``canonical([seq, kind, on, recorded_at, data, ref])``.

    The list is spelled out here for the types every entry has (the same text,
    held to ``canonical`` by a test): checking the chain hashes every entry,
    and the encoder's generic walk was most of that.
    """
    if type(seq) is int and (ref is None or type(ref) is int) and type(kind) is type(on) is type(recorded_at) is type(data) is str:
        tail = "null" if ref is None else ref
        body = f"[{seq},{_string(kind)},{_string(on)},{_string(recorded_at)},{_string(data)},{tail}]"
    else:
        body = canonical([seq, kind, on, recorded_at, data, ref])
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    kind: str
    on: str
    recorded_at: str
    data_text: str
    ref: int | None
    prev_hash: str
    hash: str

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.data_text)  # type: ignore[no-any-return]

    @property
    def date(self) -> date:
        return date.fromisoformat(self.on)


_SCHEMA = """
CREATE TABLE entries (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    data TEXT NOT NULL,
    ref INTEGER REFERENCES entries(seq),
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
CREATE INDEX entries_kind_on ON entries(kind, on_date);
CREATE INDEX entries_ref ON entries(ref) WHERE ref IS NOT NULL;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
    BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
    BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END;
"""

_COLUMNS = "seq, kind, on_date, recorded_at, data, ref, prev_hash, hash"

_LINKAGE = (
    "SELECT count(*), coalesce(max(e.seq), 0), min(CASE WHEN e.prev_hash != p.hash THEN e.seq END) "
    "FROM entries e LEFT JOIN entries p ON p.seq = e.seq - 1"
)
"""Entries, the last number, and the first entry not following its predecessor, in one pass over the table:
every read checks this, and counting in a second scan was a third of it."""


class Writer:
    """Appends entries inside one open transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        from engine.books import roster_table

        self._conn = conn
        self._roster = roster_table
        if not roster_table.usable(conn):  # books from before the table (or that disagree on count): made from the journal, now
            roster_table.rebuild(conn, canonical)
        row = conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
        self._seq, self._hash = (row[0], row[1]) if row else (0, GENESIS)
        self._recorded_at = clock.now().isoformat()
        self.written: list[Entry] = []
        self.stamp: dict[str, Any] = {}
        """Fields added to every entry of this transaction: an import's file hash, so the batch can be found by it."""
        self.guards: list[Callable[[str, str, dict[str, Any]], None]] = []
        """Checks every entry must pass before it is written (see Books.transaction): they raise UserError."""

    @property
    def head_hash(self) -> str:
        """The hash the journal's head will have once this transaction commits."""
        return self._hash

    def append(self, kind: str, on: date | str, data: dict[str, Any], ref: int | None = None) -> Entry:
        on_text = on.isoformat() if isinstance(on, date) else on
        if self.stamp:
            data = {**data, **self.stamp}
        for guard in self.guards:
            guard(kind, on_text, data)
        data_text = canonical(data)
        seq = self._seq + 1
        digest = entry_hash(self._hash, seq, kind, on_text, self._recorded_at, data_text, ref)
        self._conn.execute(
            f"INSERT INTO entries ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, kind, on_text, self._recorded_at, data_text, ref, self._hash, digest),
        )
        if kind in self._roster.KINDS:  # the roster table's row, from the entry as stored, in the same transaction
            self._conn.execute(self._roster.INSERT, self._roster.row(seq, kind, on_text, json.loads(data_text), canonical))
        entry = Entry(seq, kind, on_text, self._recorded_at, data_text, ref, self._hash, digest)
        self._seq, self._hash = seq, digest
        self.written.append(entry)
        return entry

    def void(self, seq: int, reason: str, on: date | str) -> Entry:
        """Withdraw entry ``seq``; the record of it stays, derived state skips it."""
        return self.append(VOID, on, {"reason": reason}, ref=seq)


class Journal:
    """One federation's journal file."""

    def __init__(self, path: Path) -> None:
        self._held = False
        self._before_commit: list[Callable[[str], None]] = []
        if not path.exists():
            raise BooksError("no journal here; run 'coop init' to start a federation", file=path)
        self.path = path
        self.conn = _connect(path)
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise BooksError(
                f"these books were written by a newer coop (journal schema {version}); upgrade coop to open them",
                file=path,
                expected=f"schema {SCHEMA_VERSION} or older",
            )
        if version < 1:
            raise BooksError("not a coop journal", file=path)

    @classmethod
    def create(cls, path: Path) -> Journal:
        conn = _connect(path)
        with conn:
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.close()
        return cls(path)

    def close(self) -> None:
        if self._held:
            self.conn.execute("ROLLBACK")
            self._held = False
        self.conn.close()

    def lock(self, wait_seconds: float = LOCK_WAIT_SECONDS, on_wait: Callable[[], None] | None = None) -> None:
        """Take the write lock now, before the command reads what it decides on.

        A second ``cycle close`` (or a payment into a cycle being closed) then
        waits here and reads the first one's result, instead of deciding on a
        state that is about to change. Waiting is said once through
        ``on_wait``; after ``wait_seconds`` the command gives up in one line.
        """
        if self._held:
            return
        deadline = time.monotonic() + wait_seconds
        told = False
        self.conn.execute("PRAGMA busy_timeout = 200")
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                    if time.monotonic() >= deadline:
                        raise BusyError(
                            f"the books are busy: another command has been writing for over {wait_seconds:g} s; try again",
                            file=self.path,
                        ) from None
                    if not told and on_wait is not None:
                        on_wait()
                        told = True
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(READ_WAIT_SECONDS * 1000)}")
        self._held = True

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        """All of a command's writes, or none: ``BEGIN IMMEDIATE`` serialises writers.

        If the command already holds the lock (:meth:`lock`), its reads and
        these writes are one transaction.
        """
        self.lock()
        try:
            writer = Writer(self.conn)
            yield writer
            for hook in self._before_commit:
                hook(writer.head_hash)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._held = False
            self._before_commit.clear()

    def before_commit(self, hook: Callable[[str], None]) -> None:
        """Run ``hook(head_hash)`` as the next transaction's last step before COMMIT.

        A batch of documents leaves a note of the head it expects here, so a
        kill after the commit can be told from one before it (see output.staged).
        """
        self._before_commit.append(hook)

    def chain_problem(self, recent: int | None = None) -> str | None:
        """The first break in the hash chain, in one line; ``None`` when it holds.

        ``recent`` limits the recomputation to the newest entries (a write's
        quick check on large books); every entry's numbering and linkage is
        still checked by SQL. ``coop audit verify`` checks everything.
        """
        count, last, broken = self.conn.execute(_LINKAGE).fetchone()
        if count != last:
            return f"{last - count} journal entries are missing (entries run to {last} but only {count} exist)"
        if broken is not None:
            return f"entry {broken} does not follow entry {broken - 1}"
        first = max(1, last - recent + 1) if recent is not None else 1
        prev = GENESIS if first == 1 else self.conn.execute("SELECT hash FROM entries WHERE seq = ?", (first - 1,)).fetchone()[0]
        rows = self.conn.execute(
            "SELECT seq, kind, on_date, recorded_at, data, ref, prev_hash, hash FROM entries WHERE seq >= ? ORDER BY seq", (first,)
        )
        for seq, kind, on, recorded_at, data, ref, prev_hash, digest in rows:
            if prev_hash != prev or entry_hash(prev, seq, kind, on, recorded_at, data, ref) != digest:
                return f"entry {seq} ({kind}, {on}) does not match its hash: it was edited"
            prev = digest
        return None

    def entries(
        self,
        kinds: Iterable[str] | None = None,
        *,
        until: date | None = None,
        include_voided: bool = False,
    ) -> list[Entry]:
        """Entries in journal order, optionally only some kinds, dated on or before ``until``.

        Voided entries and the voids themselves are left out unless asked for.
        """
        sql = f"SELECT {_COLUMNS} FROM entries"
        where: list[str] = []
        args: list[Any] = []
        if kinds is not None:
            kinds = list(kinds)
            where.append(f"kind IN ({','.join('?' * len(kinds))})")
            args.extend(kinds)
        if until is not None:
            where.append("on_date <= ?")
            args.append(until.isoformat())
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq"
        rows = [Entry(*r) for r in self.conn.execute(sql, args)]
        if include_voided:
            return rows
        voided = self.voided()
        return [e for e in rows if e.seq not in voided]

    def voided(self) -> set[int]:
        return {r[0] for r in self.conn.execute("SELECT ref FROM entries WHERE kind = ?", (VOID,))}

    def entry(self, seq: int) -> Entry | None:
        if not 0 < seq < 2**63:  # SQLite's integers end here; no entry lies beyond
            return None
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM entries WHERE seq = ?", (seq,)).fetchone()
        return Entry(*row) if row else None

    def by_hash(self, digest: str) -> Entry | None:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM entries WHERE hash = ?", (digest,)).fetchone()
        return Entry(*row) if row else None

    def head(self) -> tuple[int, str]:
        row = self.conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    def require(self, seq: int) -> Entry:
        found = self.entry(seq)
        if found is None:
            raise UserError(f"no journal entry number {seq}", field="entry")
        return found


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=READ_WAIT_SECONDS)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn
