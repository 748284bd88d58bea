"""Patronage in the flat-pay co-op: a notice of allocation per member, its cash part, and what is still due."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import date
from fractions import Fraction
from pathlib import Path

from test_flat_pay import Coop, _found, _hours_csv

from engine.books.folder import open_books
from engine.models.flat_pay.patronage import cash_part, due_by


def _year(coop: Coop) -> None:
    """The seed's shape: $60,000 of fees, 960 admin hours at $40; a $21,600 surplus: ana $14,400 (1,920 h), bo $7,200 (960 h)."""
    _hours_csv(
        coop,
        [("ana-ruiz", f"2027-{m:02d}", "160", "clinical") for m in range(1, 13)]
        + [("bo-lind", f"2027-{m:02d}", "80", "admin") for m in range(1, 13)],
    )
    coop.ok("capital", "close", "2027", "--on", "2028-01-05", day="2028-01-05")


def test_cash_part_is_never_below_the_share_and_the_period_ends_on_15_september() -> None:
    assert cash_part(1_440_000, Fraction(1, 5)) == 288_000
    assert cash_part(568_476, Fraction(1, 5)) == 113_696  # 113,695.2 rounded up: never below 20%
    assert due_by(date(2027, 12, 31), Fraction(17, 2)) == date(2028, 9, 15)
    assert due_by(date(2027, 6, 30), Fraction(17, 2)) == date(2028, 3, 15)  # a June year: 29 February + 15 days
    assert due_by(date(2027, 12, 31), Fraction(6)) == date(2028, 6, 30)


def test_each_allocation_issues_a_written_notice_with_amount_hours_and_cash_part(tmp_path: Path) -> None:
    coop = _found(tmp_path)
    _year(coop)
    folder = coop.folder / "documents/patronage/2027-01"
    assert sorted(p.name for p in folder.iterdir()) == [
        "ana-ruiz-notice-of-allocation.docx",
        "ana-ruiz-notice-of-allocation.md",
        "bo-lind-notice-of-allocation.docx",
        "bo-lind-notice-of-allocation.md",
    ]
    text = (folder / "ana-ruiz-notice-of-allocation.md").read_text()
    assert "| Hours it was weighed by | 1920.00 of 2880.00 |" in text
    assert "| **Allocated to you** | **$14,400.00** |" in text
    assert "| Paid in cash (1/5 of it, rounded up to the cent) | $2,880.00 |" in text
    assert "| Kept in your capital account | $11,520.00 |" in text
    assert "It is paid to you by 2028-09-15." in text
    with closing(open_books(coop.folder)) as books:
        issued = [e.data for e in books.journal.entries(["document.issued"])]
    assert {(d["provider"], d["cash"], d["allocated"]) for d in issued} == {("ana-ruiz", 288_000, 1_440_000), ("bo-lind", 144_000, 720_000)}


def test_the_books_show_the_cash_still_due_until_it_is_paid(tmp_path: Path) -> None:
    coop = _found(tmp_path)
    _year(coop)
    out = coop.ok("capital", "accounts", day="2028-02-01")
    assert "ana-ruiz" in out and "$2,880.00" in out and "2028-09-15" in out and "overdue" not in out
    assert "Patronage cash still due: $4,320.00 to 2 member(s), the first by 2028-09-15" in coop.ok("status", day="2028-02-01")
    refused = coop.fails("capital", "pay", "ana-ruiz", "2880.01", "--year", "2027", "--on", "2028-03-01", day="2028-03-01")
    assert "only $2,880.00 of ana-ruiz's cash part for 2027-01 to 2027-12 is still due" in refused
    coop.ok("capital", "pay", "ana-ruiz", "2880.00", "--year", "2027", "--on", "2028-03-01", day="2028-03-01")
    coop.ok("capital", "pay", "bo-lind", "1000.00", "--year", "2027", "--on", "2028-03-01", day="2028-03-01")
    later = coop.ok("capital", "accounts", day="2028-10-01")
    assert "ana-ruiz" not in later.split("still due")[1]
    assert "bo-lind" in later and "$440.00" in later and "2028-09-15 (overdue)" in later
    balances = json.loads(coop.ok("capital", "accounts", "--json", day="2028-10-01"))
    assert balances == {"ana-ruiz": 1_440_000 - 288_000, "bo-lind": 720_000 - 100_000}
    with closing(open_books(coop.folder)) as books:
        from engine.ledger.accounts import trial_balance

        tb = trial_balance(books, date(2028, 10, 1))
    assert sum(tb.values()) == 0 and tb["capital:ana-ruiz"] == -(1_440_000 - 288_000)
    assert "OK" in coop.ok("audit", "verify", day="2028-10-01")


def test_a_leaver_is_paid_the_cash_part_with_the_whole_account_at_the_close(tmp_path: Path) -> None:
    coop = _found(tmp_path)
    _hours_csv(coop, [("ana-ruiz", "2027-03", "100", "clinical"), ("bo-lind", "2027-04", "100", "admin")])
    coop.ok("provider", "leave", "bo-lind", "--on", "2027-08-31", day="2027-08-01")
    coop.ok("capital", "close", "2027", "--on", "2028-01-05", day="2028-01-05")
    text = (coop.folder / "documents/patronage/2027-01/bo-lind-notice-of-allocation.md").read_text()
    assert "paid to you with your whole account at the year's close, since you left during the year; so was the rest." in text
    assert "stays in your account" not in text
    out = coop.ok("capital", "accounts", day="2028-02-01")
    assert "bo-lind" not in out.split("still due")[1]
