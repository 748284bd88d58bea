"""Check-then-write races between separate processes: no cent counted twice, none left out.

Each write command takes the journal's write lock before it reads the state it
decides on, so the second of two racing commands sees the first one's result.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import processes
import pytest

from engine.audit.verify import verify
from engine.books.folder import open_books
from engine.ledger.accounts import trial_balance
from engine.ledger.closing import CLOSED

CLOSE = ("cycle", "close", "2027-01")
PAYMENT = ("payment", "record", "mara-quist", "100.00", "--on", "2027-06-30", "--ref", "late")
EXPENSE = ("expense", "record", "software", "999.00", "--on", "2027-06-30", "--receipt", "R-1")


def _coop(books: Path, *args: str, day: str) -> processes.Command:
    return processes.coop(books, *args, env={"COOP_NOW": f"{day}T09:00:00"})


@pytest.fixture(scope="module")
def charged_books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Books whose first cycle was charged and partly paid, ready to close on 2 July."""
    from engine.books.founding import create_books
    from engine.models.federation.demo import founding_text

    folder = tmp_path_factory.mktemp("race") / "books"
    create_books(folder, text=founding_text())
    for args, day in [
        (("fees", "recalc", "2027-01"), "2027-01-02"),
        (("payment", "record", "rowan-ellery", "3000.00", "--on", "2027-01-02", "--ref", "r1"), "2027-01-02"),
    ]:
        proc = _coop(folder, *args, day=day)
        out = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
    return folder


def _race(template: Path, tmp: Path, first: tuple[str, ...], second: tuple[str, ...]) -> tuple[list[int], Path]:
    books = tmp / "books"
    shutil.copytree(template, books)
    procs = [_coop(books, *first, day="2027-07-02"), _coop(books, *second, day="2027-07-02")]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert "Traceback" not in err, err
        assert p.returncode in (0, 2), err
    return [p.returncode for p in procs], books


def _closes(books: Path) -> list:
    b = open_books(books)
    try:
        assert verify(b).ok
        assert sum(trial_balance(b, date(2027, 12, 31)).values()) == 0
        closes = b.journal.entries([CLOSED])
        for c in closes:
            assert sum(c.data["refunds"].values()) == c.data["surplus"], "every cent of the surplus is refunded, once"
        return closes
    finally:
        b.close()


@pytest.mark.parametrize("round_", range(20))
def test_two_concurrent_closes_record_one(charged_books: Path, tmp_path: Path, round_: int) -> None:
    codes, books = _race(charged_books, tmp_path, CLOSE, CLOSE)
    closes = _closes(books)
    assert len(closes) == 1, "one cycle closed twice: its refunds would be paid twice"
    assert sorted(codes) == [0, 2]


@pytest.mark.parametrize(("other", "kind", "field"), [(PAYMENT, "payment.received", None), (EXPENSE, "expense.paid", "expenses")] * 5)
def test_a_close_and_a_write_into_the_cycle_never_split_a_cent(
    charged_books: Path, tmp_path: Path, other: tuple[str, ...], kind: str, field: str | None
) -> None:
    codes, books = _race(charged_books, tmp_path, CLOSE, other)
    [close] = _closes(books)
    assert codes[0] == 0
    b = open_books(books)
    recorded = [e for e in b.journal.entries([kind]) if e.on == "2027-06-30"]
    b.close()
    if codes[1] == 0:
        assert len(recorded) == 1
        assert recorded[0].seq < close.seq, "a write dated in the cycle landed after its close without --correction"
        if field:
            assert close.data[field] == 99900, "the close did not count the expense recorded before it"
    else:
        assert recorded == []
        if field:
            assert close.data[field] == 0
