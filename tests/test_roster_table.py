"""The roster table: written with each join and departure, read instead of their JSON, checked against the journal."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from click.testing import Result

from engine.books import roster_table
from engine.books.folder import open_books
from engine.books.journal import FILENAME, canonical
from engine.books.roster import memberships
from engine.ledger.fees import spans


def _changes(coop: Callable[..., Result]) -> None:
    join = ("provider", "join", "ines-vale", "--name", "Inés Valé", "--practice", "Vale Therapy LLC")
    assert coop(*join, "--licence", "LPC-9", "--email", "ines@vale.example", "--on", "2027-03-01").exit_code == 0
    assert coop("provider", "leave", "wes-okafor", "--on", "2027-05-31", "--reason", "moving").exit_code == 0


def _table(books_dir: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(books_dir / FILENAME) as conn:
        return conn.execute(f"SELECT {roster_table.COLUMNS} FROM roster ORDER BY seq").fetchall()


def _drop_table(books_dir: Path) -> None:
    """Books as a coop before the table wrote them."""
    with sqlite3.connect(books_dir / FILENAME) as conn:
        conn.execute("DROP TABLE roster")


def test_each_join_and_departure_writes_its_row_in_the_same_transaction(books_dir: Path, coop: Callable[..., Result]) -> None:
    _changes(coop)
    rows = _table(books_dir)
    assert [(r[1], r[3]) for r in rows] == [("provider.joined", "ines-vale"), ("provider.left", "wes-okafor")]
    joined, left = rows
    assert joined[2:7] == ("2027-03-01", "ines-vale", "2027-03-01", "Inés Valé", "Vale Therapy LLC")
    assert isinstance(joined[7], str) and '"licence":"LPC-9"' in joined[7] and joined[8] is None
    assert left[4:8] == (None, None, None, None) and left[8] == "moving"
    assert coop("audit", "verify").exit_code == 0


def test_a_refused_join_leaves_no_row(books_dir: Path, coop: Callable[..., Result]) -> None:
    _changes(coop)
    before = _table(books_dir)
    again = ("provider", "join", "ines-vale", "--name", "I", "--practice", "P", "--licence", "L", "--email", "i@v.example")
    assert coop(*again, "--on", "2027-04-01").exit_code == 2
    assert _table(books_dir) == before


def test_reads_from_the_table_and_from_the_entries_agree(books_dir: Path, coop: Callable[..., Result]) -> None:
    """The table is only a faster way to the same roster: with it and without it, the same members, dates, records and spans."""
    _changes(coop)
    outputs = [coop("provider", "list", "--all", "--json").output, coop("status", "--as-of", "2027-06-15").output]
    books = open_books(books_dir)
    with_table = (memberships(books, date(2027, 4, 1)), memberships(books, date.max), spans(books))
    books.close()
    _drop_table(books_dir)
    books = open_books(books_dir)
    assert not roster_table.usable(books.journal.conn)
    assert (memberships(books, date(2027, 4, 1)), memberships(books, date.max), spans(books)) == with_table
    assert memberships(books, date.max)["ines-vale"].provider.licence == "LPC-9"
    books.close()
    assert [coop("provider", "list", "--all", "--json").output, coop("status", "--as-of", "2027-06-15").output] == outputs


def test_books_without_the_table_get_it_filled_from_the_journal_in_their_next_write(books_dir: Path, coop: Callable[..., Result]) -> None:
    _changes(coop)
    expected = _table(books_dir)
    _drop_table(books_dir)
    assert coop("audit", "verify").exit_code == 0, "books without the table are sound books"
    assert coop("budget", "set", "admin", "--monthly", "2860", "--from", "2027-04-01").exit_code == 0
    assert _table(books_dir) == expected
    assert coop("audit", "verify").exit_code == 0


def test_a_void_is_reflected_though_the_row_stays(books_dir: Path, coop: Callable[..., Result]) -> None:
    _changes(coop)
    left_seq = _table(books_dir)[1][0]
    assert "wes-okafor" not in coop("provider", "list", "--as-of", "2027-06-01").output
    assert coop("journal", "void", str(left_seq), "--reason", "recorded for the wrong provider").exit_code == 0
    assert "wes-okafor" in coop("provider", "list", "--as-of", "2027-06-01").output
    assert len(_table(books_dir)) == 2, "a void is an entry of its own; the withdrawn departure's row stays, as the entry does"
    assert coop("audit", "verify").exit_code == 0


def test_audit_verify_names_a_row_edited_added_or_removed_behind_the_journal(books_dir: Path, coop: Callable[..., Result]) -> None:
    _changes(coop)
    joined_seq, left_seq = (r[0] for r in _table(books_dir))
    with sqlite3.connect(books_dir / FILENAME) as conn:
        conn.execute("DROP TRIGGER roster_no_update")
        conn.execute("UPDATE roster SET name = 'Someone Else' WHERE seq = ?", (joined_seq,))
    result = coop("audit", "verify")
    assert result.exit_code == 1
    assert f"the roster table's row for entry {joined_seq} (provider.joined, 2027-03-01) does not match the journal" in result.output
    with sqlite3.connect(books_dir / FILENAME) as conn:
        conn.execute("UPDATE roster SET name = 'Inés Valé' WHERE seq = ?", (joined_seq,))
        conn.execute("DROP TRIGGER roster_no_delete")
        conn.execute("DELETE FROM roster WHERE seq = ?", (left_seq,))
    result = coop("audit", "verify")
    assert result.exit_code == 1 and f"the roster table has no row for entry {left_seq} (provider.left, 2027-05-31)" in result.output
    assert "wes-okafor" not in coop("provider", "list", "--as-of", "2027-06-01").output, "a table missing a row is not read"
    with sqlite3.connect(books_dir / FILENAME) as conn:
        conn.execute(
            "INSERT INTO roster (seq, kind, on_date, provider) VALUES (?, 'provider.left', '2027-05-31', 'wes-okafor')", (left_seq,)
        )
        conn.execute("INSERT INTO roster (seq, kind, on_date, provider) VALUES (1, 'provider.left', '2027-01-02', 'mara-quist')")
    result = coop("audit", "verify")
    assert (
        result.exit_code == 1 and "the roster table has a row for entry 1, which is not a join or departure in the journal" in result.output
    )


def test_a_row_is_what_the_roster_fold_took_out_of_its_entry() -> None:
    provider = {"id": "ines-vale", "name": "Inés", "practice": "Vale LLC", "start": "2027-03-01", "email": "i@v.example"}
    assert roster_table.row(7, "provider.joined", "2027-03-01", {"provider": provider}, canonical) == (
        7, "provider.joined", "2027-03-01", "ines-vale", "2027-03-01", "Inés", "Vale LLC", canonical(provider), None
    )  # fmt: skip
    assert roster_table.row(9, "provider.left", "2027-05-31", {"provider": "ines-vale"}, canonical) == (
        9, "provider.left", "2027-05-31", "ines-vale", None, None, None, None, None
    )  # fmt: skip


def test_a_write_makes_the_table_again_when_it_does_not_hold_one_row_per_roster_entry(books_dir: Path, coop: Callable[..., Result]) -> None:
    """A row deleted behind the journal, or rows left past the end of books cut short, are made right by the next write."""
    _changes(coop)
    expected = _table(books_dir)
    with sqlite3.connect(books_dir / FILENAME) as conn:
        conn.execute("DROP TRIGGER roster_no_delete")
        conn.execute("DELETE FROM roster WHERE seq = ?", (expected[1][0],))
    assert coop("budget", "set", "admin", "--monthly", "2860", "--from", "2027-04-01").exit_code == 0
    assert _table(books_dir) == expected
    assert coop("audit", "verify").exit_code == 0
    with sqlite3.connect(books_dir / FILENAME) as conn:
        conn.execute("DROP TRIGGER entries_no_delete")
        conn.execute("DELETE FROM entries WHERE seq >= ?", (expected[1][0],))  # the departure and what followed
    assert coop("audit", "verify").exit_code == 0, "books cut short are a sound journal on their own"
    assert "wes-okafor" in coop("provider", "list", "--as-of", "2027-06-01").output
    assert coop("provider", "leave", "wes-okafor", "--on", "2027-06-30").exit_code == 0
    assert [r[3] for r in _table(books_dir)] == ["ines-vale", "wes-okafor"] and _table(books_dir)[1][2] == "2027-06-30"
    assert coop("audit", "verify").exit_code == 0
