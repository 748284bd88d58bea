"""The roster table: every join and departure's few fields as columns, written with its entry.

Every command reads the roster, and taking ids, dates and names out of each
entry's JSON (in SQLite or in Python) cost more than reading the rows. So
the journal's writer adds one row here for each ``provider.joined`` and
``provider.left`` entry, in the same transaction as the entry; a row is a
pure function of its entry (:func:`row`), so ``coop audit verify`` derives
the table again from the journal and names any row that disagrees.

Books written before the table existed get it, filled from the journal, in
their next write. Until then, and whenever the table does not hold a row for
every roster entry and no other (books written since by a coop that did not
know it, or cut short), readers fold the entries themselves (:func:`usable`)
and the next write makes the table again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

JOINED = "provider.joined"
LEFT = "provider.left"
KINDS = (JOINED, LEFT)

TABLE = "roster"
COLUMNS = "seq, kind, on_date, provider, start, name, practice, details, reason"
SCHEMA = (
    f"""CREATE TABLE {TABLE} (
    seq INTEGER PRIMARY KEY REFERENCES entries(seq),
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    provider TEXT,
    start TEXT,
    name TEXT,
    practice TEXT,
    details TEXT,
    reason TEXT
)""",
    f"CREATE INDEX {TABLE}_provider ON {TABLE}(provider)",
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, 'the roster table is append-only'); END",
    f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} BEGIN SELECT RAISE(ABORT, 'the roster table is append-only'); END",
)
"""Statements one by one: ``executescript`` would commit the write's open transaction first. The index on
``provider`` serves a ballot or a credential check, which reads one member's rows (roster.membership)."""
INSERT = f"INSERT INTO {TABLE} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"

Row = tuple[int, str, str, Any, Any, Any, Any, Any, Any]


def row(seq: int, kind: str, on: str, data: dict[str, Any], encode: Callable[[Any], str]) -> Row:
    """The table's row for a roster entry: what the roster's fold used to take out of the entry's JSON.

    A join records the provider (``details``: their record as ``encode`` spells
    it, the journal's canonical JSON); a departure records the provider's id
    and a reason. A field the entry lacks is a null, as ``json_extract`` gave.
    """
    if kind == JOINED:
        recorded = data.get("provider")
        p = recorded if isinstance(recorded, dict) else {}
        details = encode(recorded) if isinstance(recorded, dict) else None
        return (seq, kind, on, p.get("id"), p.get("start"), p.get("name"), p.get("practice"), details, None)
    who = data.get("provider")
    return (seq, kind, on, who if not isinstance(who, (dict, list)) else encode(who), None, None, None, None, data.get("reason"))


def exists(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone() is not None


def derived(conn: sqlite3.Connection, encode: Callable[[Any], str]) -> Iterator[Row]:
    """Every row the table should hold, derived from the journal, in entry order."""
    rows = conn.execute(f"SELECT seq, kind, on_date, data FROM entries WHERE kind IN ('{JOINED}', '{LEFT}') ORDER BY seq")
    for seq, kind, on, text in rows:
        data = json.loads(text)
        yield row(seq, kind, on, data if isinstance(data, dict) else {}, encode)


def rebuild(conn: sqlite3.Connection, encode: Callable[[Any], str]) -> None:
    """The table made again from the journal, inside the write's open transaction: for books written before it,
    or since by a coop that did not know it, or cut short (rows past the last entry would collide with the next)."""
    conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
    for statement in SCHEMA:
        conn.execute(statement)
    conn.executemany(INSERT, derived(conn, encode))


def usable(conn: sqlite3.Connection) -> bool:
    """Whether the table holds a row for every roster entry, so a reader may read it instead of the entries.

    A coop that did not know the table may have written joins since (rows
    missing); books cut short keep rows of entries no longer there. Two
    counts on indexes: a fraction of a millisecond at 100,000 providers.
    """
    try:
        held, entries = conn.execute(
            f"SELECT (SELECT count(*) FROM {TABLE}), (SELECT count(*) FROM entries WHERE kind IN ('{JOINED}', '{LEFT}'))"
        ).fetchone()
    except sqlite3.OperationalError:  # no such table: books no write has touched since it was introduced
        return False
    return held == entries  # type: ignore[no-any-return]


def disagreement(conn: sqlite3.Connection, encode: Callable[[Any], str]) -> str | None:
    """The first row of the table that is not what the journal says, in one line; ``None`` when all agree (or no table).

    Rows past the journal's last entry are of entries cut off it (anchors tell
    of that, not this table): no reader reads a table whose count differs
    from the journal's, and the next write makes it again.
    """
    if not exists(conn):
        return None
    held = conn.execute(f"SELECT {COLUMNS} FROM {TABLE} WHERE seq <= (SELECT coalesce(max(seq), 0) FROM entries) ORDER BY seq")
    expected = derived(conn, encode)
    while True:
        have, want = next(held, None), next(expected, None)
        if have is None and want is None:
            return None
        if want is None or (have is not None and have[0] < want[0]):
            assert have is not None
            return f"the roster table has a row for entry {have[0]}, which is not a join or departure in the journal"
        if have is None or have[0] > want[0]:
            return f"the roster table has no row for entry {want[0]} ({want[1]}, {want[2]})"
        if tuple(have) != want:
            return f"the roster table's row for entry {want[0]} ({want[1]}, {want[2]}) does not match the journal"
