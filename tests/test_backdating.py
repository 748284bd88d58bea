"""Nothing back-dated may change what was decided or counted, silently."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from conftest import at, ok

from engine.audit.verify import verify
from engine.books.folder import open_books
from engine.books.roster import LEFT
from engine.ledger.fee_quote import monthly_fee

Coop = Callable[..., Result]
MEMBERS = ["rowan-ellery", "mara-quist", "teo-abernathy", "imani-castell", "noor-haddad", "wes-okafor"]


@pytest.fixture
def voted(coop: Coop, enrol: Callable[..., Result]) -> Coop:
    """Every member has a credential; P-1 opened on 1 March and noor-haddad voted on 5 March."""
    for m in MEMBERS:
        ok(enrol(coop, m, env=at("2027-01-04", m)))
    ok(coop("propose", "general", "--text", "Shared intake form", env=at("2027-03-01")))
    ok(coop("vote", "cast", "P-1", "--member", "noor-haddad", "--choice", "yes", env=at("2027-03-05", "noor-haddad")))
    return coop


def _head(books_dir: Path) -> tuple[int, str]:
    books = open_books(books_dir)
    try:
        return books.journal.head()
    finally:
        books.close()


def test_a_departure_dated_before_the_members_own_ballot_is_refused(voted: Coop, books_dir: Path) -> None:
    before = _head(books_dir)
    result = voted("provider", "leave", "noor-haddad", "--on", "2027-02-20", env=at("2027-03-06"))
    assert result.exit_code == 2, result.output
    assert "noor-haddad voted on 2027-03-05" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _head(books_dir) == before, "nothing was recorded"
    ok(voted("provider", "leave", "noor-haddad", "--on", "2027-03-05", env=at("2027-03-06")))


def test_audit_catches_a_ballot_dropped_by_a_departure_written_in_behind_it(voted: Coop, books_dir: Path) -> None:
    books = open_books(books_dir)
    with books.transaction() as w:  # what someone with the database could do, bypassing the command's check
        w.append(LEFT, date(2027, 2, 20), {"provider": "noor-haddad", "reason": "back-dated"})
    books.close()
    for m in MEMBERS[:4]:
        ok(voted("vote", "cast", "P-1", "--member", m, "--choice", "yes", env=at("2027-03-06", m)))
    ok(voted("proposal", "close", "P-1", env=at("2027-03-20")))
    books = open_books(books_dir)
    report = verify(books)
    books.close()
    assert not report.ok
    assert any("eligibility was rewritten after the vote" in p for p in report.problems), report.problems


def test_a_late_departure_never_changes_a_month_already_charged(coop: Coop, books_dir: Path) -> None:
    ok(coop("fees", "recalc", "2027-01", env=at("2027-01-02")))
    books = open_books(books_dir)
    january, february = monthly_fee(books, date(2027, 1, 15)), monthly_fee(books, date(2027, 2, 15))
    books.close()
    ok(coop("provider", "leave", "noor-haddad", "--on", "2027-01-05", env=at("2027-01-13")))
    books = open_books(books_dir)
    try:
        assert monthly_fee(books, date(2027, 1, 15)) == january, "January was charged and noticed: it keeps its fee"
        assert monthly_fee(books, date(2027, 2, 15)) != february, "the rest of the cycle is re-planned"
        assert verify(books).ok
    finally:
        books.close()


def test_an_electorate_changed_after_voting_opened_is_caught_at_close(
    voted: Coop, books_dir: Path, rewrite_chain: Callable[..., None]
) -> None:
    books = open_books(books_dir)
    [frozen] = books.journal.entries(["proposal.voting_opened"])
    books.close()
    assert "seal" in frozen.data
    forged = {**frozen.data, "eligible": [m for m in frozen.data["eligible"] if m != "wes-okafor"]}
    rewrite_chain(books_dir, frozen.seq, forged)
    before = _head(books_dir)
    result = voted("proposal", "close", "P-1", env=at("2027-03-20"))
    assert result.exit_code == 2, result.output
    assert "no longer matches the seal" in result.output
    assert _head(books_dir) == before
    books = open_books(books_dir)
    report = verify(books)
    books.close()
    assert any("no longer matches the seal" in p for p in report.problems)
