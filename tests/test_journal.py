"""The journal: append-only, hash-chained, versioned; edits are found."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st

from engine.audit.verify import verify
from engine.books.folder import Books, open_books
from engine.books.journal import FILENAME, SCHEMA_VERSION, Journal
from engine.errors import BooksError


def _record_some(coop: Callable[..., Result]) -> None:
    assert coop("provider", "leave", "wes-okafor", "--on", "2027-05-31", "--reason", "moving").exit_code == 0
    assert coop("budget", "set", "admin", "--monthly", "2860", "--from", "2027-04-01").exit_code == 0


def test_chain_verifies_and_reports_head(books_dir: Path, coop: Callable[..., Result]) -> None:
    _record_some(coop)
    result = coop("audit", "verify")
    assert result.exit_code == 0
    assert "OK: 3 entries" in result.output  # the seal, the departure, the budget change


def test_rows_cannot_be_updated_or_deleted_through_sqlite(books_dir: Path, coop: Callable[..., Result]) -> None:
    _record_some(coop)
    with sqlite3.connect(books_dir / FILENAME) as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE entries SET data = '{}' WHERE seq = 2")
    with sqlite3.connect(books_dir / FILENAME) as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM entries WHERE seq = 2")


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 shell")
def test_verify_catches_a_row_edited_with_the_sqlite3_shell(books_dir: Path, coop: Callable[..., Result]) -> None:
    _record_some(coop)
    script = "DROP TRIGGER entries_no_update;UPDATE entries SET data = replace(data, '2860.00', '1860.00') WHERE kind = 'budget.line_set';"
    subprocess.run(["sqlite3", str(books_dir / FILENAME), script], check=True)
    result = coop("audit", "verify")
    assert result.exit_code == 1
    assert "entry 3 (budget.line_set, 2027-04-01): content does not match its hash" in result.output


def test_verify_catches_a_deleted_row(books_dir: Path, coop: Callable[..., Result]) -> None:
    _record_some(coop)
    with sqlite3.connect(books_dir / FILENAME) as conn:
        conn.execute("DROP TRIGGER entries_no_delete")
        conn.execute("DELETE FROM entries WHERE seq = 2")
    result = coop("audit", "verify")
    assert result.exit_code == 1
    assert "entry 2 is missing" in result.output


def _rehash_entry_two(books: Books, books_dir: Path) -> None:
    """Entry 2 edited with the sqlite3 shell and given its own new hash, as a careless forger would."""
    from engine.books.journal import entry_hash

    e = books.journal.entry(2)
    assert e is not None
    forged_data = e.data_text.replace("moving", "fired")
    forged = entry_hash(e.prev_hash, e.seq, e.kind, e.on, e.recorded_at, forged_data, e.ref)
    with sqlite3.connect(books_dir / FILENAME) as conn:
        conn.execute("DROP TRIGGER entries_no_update")
        conn.execute("UPDATE entries SET data = ?, hash = ? WHERE seq = 2", (forged_data, forged))


def test_verify_catches_a_rehashed_row_by_the_broken_link(books_dir: Path, books: Books, coop: Callable[..., Result]) -> None:
    """Recomputing one row's own hash is not enough: the next row still points at the old one."""
    _record_some(coop)
    _rehash_entry_two(books, books_dir)
    report = verify(books)
    assert report.problems == ["entry 3: does not follow entry 2 (its previous-hash differs)"]


def test_newer_journal_is_refused(books_dir: Path, coop: Callable[..., Result]) -> None:
    with sqlite3.connect(books_dir / FILENAME) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    result = coop("status")
    assert result.exit_code == 2
    assert "written by a newer coop" in result.output
    with pytest.raises(BooksError, match="upgrade coop"):
        Journal(books_dir / FILENAME)


def test_transaction_is_all_or_nothing(books: Books) -> None:
    with pytest.raises(RuntimeError), books.transaction() as w:
        w.append("test.note", date(2027, 2, 1), {"n": 1})
        w.append("test.note", date(2027, 2, 2), {"n": 2})
        raise RuntimeError("crash in the middle of a command")
    assert books.journal.entries() == []
    assert verify(books).ok


def test_void_withdraws_without_deleting(books_dir: Path, coop: Callable[..., Result]) -> None:
    _record_some(coop)
    assert "wes-okafor" not in coop("provider", "list", "--as-of", "2027-06-01").output
    result = coop("journal", "void", "2", "--reason", "recorded for the wrong provider")
    assert result.exit_code == 0, result.output
    assert "wes-okafor" in coop("provider", "list", "--as-of", "2027-06-01").output
    listing = coop("journal", "list").output
    assert "withdrawn" in listing and "correction.void" in listing
    assert coop("journal", "void", "2", "--reason", "again").exit_code == 2
    assert coop("journal", "void", "1", "--reason", "the seal").exit_code == 2
    assert coop("audit", "verify").exit_code == 0


def test_founding_file_edits_after_sealing_are_refused_then_recorded(books_dir: Path, coop: Callable[..., Result]) -> None:
    _record_some(coop)
    path = books_dir / "federation.yaml"
    path.write_text(path.read_text().replace('threshold: "2/3"', 'threshold: "3/5"', 1))
    result = coop("provider", "leave", "mara-quist", "--on", "2027-06-30")
    assert result.exit_code == 2 and "edited after it was sealed" in result.output
    verify_result = coop("audit", "verify")
    assert verify_result.exit_code == 1 and "changed after it was sealed at entry 1" in verify_result.output
    assert coop("audit", "seal", "--reason", "members voted 3/5 on 2027-03-01").exit_code == 0
    assert coop("audit", "verify").exit_code == 0
    assert coop("provider", "leave", "mara-quist", "--on", "2027-06-30").exit_code == 0


def test_as_of_shows_history(books_dir: Path, coop: Callable[..., Result]) -> None:
    _record_some(coop)
    books = open_books(books_dir)
    from engine.books.budget import monthly_total
    from engine.books.cycles import Month
    from engine.books.roster import active

    assert len(active(books, date(2027, 5, 31))) == 6
    assert len(active(books, date(2027, 6, 1))) == 5
    assert monthly_total(books, Month(2027, 3)) == 388000
    assert monthly_total(books, Month(2027, 4)) == 414000
    early = coop("status", "--as-of", "2027-03-15", "--json").output
    late = coop("status", "--as-of", "2027-06-15", "--json").output
    assert '"budget_total": 388000' in early and "wes-okafor" in early
    assert '"budget_total": 414000' in late and "wes-okafor" not in late
    books.close()


def test_a_closed_cycle_cannot_be_reopened_by_withdrawing_entries(books_dir: Path, coop: Callable[..., Result]) -> None:
    """Withdrawing the close, or a payment the close counted, would rewrite a settled result."""
    env = {"COOP_NOW": "2027-07-10T09:00:00"}
    assert coop("fees", "recalc", "2027-01", env={"COOP_NOW": "2027-01-02T09:00:00"}).exit_code == 0
    paid = coop("payment", "record", "mara-quist", "646.67", "--on", "2027-01-05", env=env)
    assert paid.exit_code == 0, paid.output
    assert coop("cycle", "close", "2027-01", "--on", "2027-07-10", env=env).exit_code == 0
    import json as _json

    entries = _json.loads(coop("journal", "list", "--json").output)
    by_kind = {e["kind"]: e["seq"] for e in entries}
    close = coop("journal", "void", str(by_kind["cycle.closed"]), "--reason", "reopen", env=env)
    assert close.exit_code == 2 and "cannot be withdrawn" in close.output
    payment = coop("journal", "void", str(by_kind["payment.received"]), "--reason", "typo", env=env)
    assert payment.exit_code == 2 and "cycle 2027-01 was closed" in payment.output


def test_a_write_checks_the_chain_once_yet_an_edit_after_opening_is_still_refused(books_dir: Path, coop: Callable[..., Result]) -> None:
    """A write checks the chain on opening, under the write lock; the transaction does not redo it unless the files changed."""
    _record_some(coop)
    books = open_books(books_dir, for_writing=True)
    calls: list[int | None] = []
    real = books.journal.chain_problem
    books.journal.chain_problem = lambda recent=None: calls.append(recent) or real(recent)  # type: ignore[method-assign]
    with books.transaction() as w:
        w.append("note.test", date(2027, 6, 1), {})
    assert calls == []
    books.close()
    books = open_books(books_dir)  # found sound, then edited before it writes (same head): the files changed, so it checks again
    books.check_before_writing()
    with sqlite3.connect(books_dir / FILENAME) as conn:
        conn.execute("DROP TRIGGER entries_no_update")
        conn.execute("UPDATE entries SET data = replace(data, 'moving', 'fired') WHERE seq = 2")
    with pytest.raises(BooksError, match="hash chain is broken"), books.transaction() as w:
        w.append("note.test", date(2027, 6, 2), {})
    books.close()


def test_a_long_running_reader_rechecks_the_chain_only_when_the_books_change(
    books_dir: Path, coop: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The portal opens the books per request: a clean chain is remembered by the journal's state, so reads that change
    nothing (SQLite still touches its empty write-ahead log on every open) hash nothing, and any write rehashes."""
    from engine.books import folder

    _record_some(coop)
    monkeypatch.setattr(folder, "_CLEAN", {})
    calls: list[int | None] = []
    real = Journal.chain_problem
    monkeypatch.setattr(Journal, "chain_problem", lambda self, recent=None: calls.append(recent) or real(self, recent))
    for _ in range(5):
        open_books(books_dir, remember=True).close()
    assert len(calls) == 1, "five reads of unchanged books check the chain once"
    assert coop("budget", "set", "admin", "--monthly", "2900", "--from", "2027-05-01").exit_code == 0
    calls.clear()
    open_books(books_dir, remember=True).close()
    open_books(books_dir, remember=True).close()
    assert len(calls) == 1, "a write is seen by the next read, which checks the chain again, once"
    with sqlite3.connect(books_dir / FILENAME) as conn:
        conn.execute("DROP TRIGGER entries_no_update")
        conn.execute("UPDATE entries SET data = replace(data, 'moving', 'fired') WHERE seq = 2")
    warnings: list[str] = []
    open_books(books_dir, remember=True, on_warning=warnings.append).close()
    assert any("chain" in w for w in warnings), warnings


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(
    st.integers(1, 10**12),
    TEXT,
    TEXT,
    TEXT,
    TEXT,
    st.none() | st.integers(1, 10**12),
    st.text("0123456789abcdef", min_size=64, max_size=64),
)
def test_an_entry_hash_is_the_hash_of_its_canonical_spelling(
    seq: int, kind: str, on: str, recorded_at: str, data: str, ref: int | None, prev: str
) -> None:
    """The spelled-out hash of an entry is the one its definition gives, for any text (quotes, controls, any script)."""
    import hashlib

    from engine.books.journal import canonical, entry_hash

    expected = hashlib.sha256(f"{prev}\n{canonical([seq, kind, on, recorded_at, data, ref])}".encode()).hexdigest()
    assert entry_hash(prev, seq, kind, on, recorded_at, data, ref) == expected


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | TEXT, lambda inner: st.lists(inner) | st.dictionaries(TEXT, inner), max_leaves=20
    )
)
def test_canonical_is_json_dumps_with_its_options(value: object) -> None:
    import json

    from engine.books.journal import canonical

    assert canonical(value) == json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def test_a_reads_quick_check_names_a_missing_row_and_a_broken_link_beyond_its_recent_entries(
    books_dir: Path, books: Books, coop: Callable[..., Result]
) -> None:
    """A read rehashes only the newest entries, yet numbering and linkage hold for every entry (one pass of SQL)."""
    _record_some(coop)
    assert books.journal.chain_problem(recent=1) is None
    _rehash_entry_two(books, books_dir)
    assert books.journal.chain_problem(recent=1) == "entry 3 does not follow entry 2"
    with sqlite3.connect(books_dir / FILENAME) as conn:
        conn.execute("DROP TRIGGER entries_no_delete")
        conn.execute("DELETE FROM entries WHERE seq = 1")
    assert books.journal.chain_problem(recent=1) == "1 journal entries are missing (entries run to 3 but only 2 exist)"
