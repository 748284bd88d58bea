"""Life after the parent: from the handover the successor (or the members jointly) holds the shared accounts everywhere."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from conftest import at, ok

from engine.books.folder import open_books
from engine.books.holder import holder_on, is_joint

Coop = Callable[..., Result]
MEMBERS = ["rowan-ellery", "mara-quist", "teo-abernathy", "imani-castell", "noor-haddad", "wes-okafor"]
PARENT = "Juniper Street Counseling PLLC"


@pytest.fixture
def gov(coop: Coop, enrol: Callable[..., Result]) -> Coop:
    for m in MEMBERS:
        ok(enrol(coop, m, env=at("2027-01-04", m)))
    ok(coop("fees", "recalc", "2027-01", env=at("2027-01-04")))
    return coop


def vote(coop: Coop, day: str, pid: str, member: str) -> Result:
    return coop("vote", "cast", pid, "--member", member, "--choice", "yes", env=at(day, member))


def end_parent(gov: Coop, successor: str, effective: str = "2027-07-01") -> str:
    """Both readings of an end-the-parent vote, passed; the close's output."""
    ok(gov("propose", "end-parent", "--successor", successor, "--effective", effective, env=at("2027-02-01")))
    for m in MEMBERS[1:5]:
        ok(vote(gov, "2027-02-15", "P-1", m))
    ok(gov("proposal", "close", "P-1", env=at("2027-02-16")))
    ok(gov("proposal", "second-reading", "P-1", env=at("2027-02-20")))
    for m in MEMBERS[1:5]:
        ok(vote(gov, "2027-03-18", "P-2", m))
    return ok(gov("proposal", "close", "P-2", env=at("2027-03-19"))).output


def status(gov: Coop, day: str) -> str:
    return ok(gov("status", "--as-of", day, env=at(day))).output


def test_status_names_the_successor_from_the_handover_and_the_parent_before(gov: Coop, books_dir: Path) -> None:
    out = end_parent(gov, "Cedar Cooperative Services")
    assert "6 agreement(s) with Juniper Street Counseling PLLC end on 2027-06-30" in out
    assert f"Parent practice: {PARENT}" in status(gov, "2027-06-30")
    after = status(gov, "2027-07-01")
    assert "Cedar Cooperative Services, successor to Juniper Street Counseling PLLC from 2027-07-01 (proposal P-2)" in after
    data = json.loads(ok(gov("status", "--as-of", "2027-07-01", "--json", env=at("2027-07-01"))).output)
    assert data["holder"] == {"name": "Cedar Cooperative Services", "role": "the successor", "since": "2027-07-01", "previous": PARENT}
    assert "OK" in ok(gov("audit", "verify", env=at("2027-07-02"))).output


def test_documents_dated_after_the_handover_name_the_successor(gov: Coop, books_dir: Path) -> None:
    end_parent(gov, "Cedar Cooperative Services")
    ok(gov("fees", "recalc", "2027-07", env=at("2027-07-01")))
    ok(gov("fees", "notices", "2027-07", "--on", "2027-07-01", env=at("2027-07-01")))
    notice = (books_dir / "documents/notices/2027-07/mara-quist-fee-notice-2027-07.md").read_text()
    assert "Cedar Cooperative Services makes no profit" in notice and PARENT not in notice
    ok(gov("contracts", "issue", "mara-quist", "--on", "2027-07-02", env=at("2027-07-02")))
    agreement = next((books_dir / "documents").rglob("mara-quist-agreement*.md")).read_text()
    assert agreement.startswith("# ") and "**Cedar Cooperative Services** and **" in agreement
    assert PARENT not in agreement
    with closing(open_books(books_dir)) as books:
        from engine.documents.manual import manual_context

        assert manual_context(books, 2, date(2027, 7, 1), "after the handover").parent.legal_name == "Cedar Cooperative Services"
        assert manual_context(books, 1, date(2027, 1, 1), "founding").parent.legal_name == PARENT


def test_each_provider_gets_a_settlement_with_the_outgoing_parent(gov: Coop, books_dir: Path) -> None:
    end_parent(gov, "Cedar Cooperative Services")
    ok(gov("payment", "record", "mara-quist", "1000.00", "--on", "2027-02-01", env=at("2027-02-01")))
    early = gov("handover", "settle", "--on", "2027-06-30", env=at("2027-06-30"))
    assert early.exit_code == 2 and "settlement letters are issued from that day" in early.output
    out = ok(gov("handover", "settle", "--on", "2027-07-05", "--json", env=at("2027-07-05"))).output
    letters = {d["provider"]: d for d in json.loads(out)}
    assert sorted(letters) == sorted(MEMBERS)
    with closing(open_books(books_dir)) as books:
        from engine.ledger.accounts import provider_balances

        balances = provider_balances(books, date(2027, 6, 30))
    for pid, d in letters.items():
        assert d["balance"] == balances[pid] and d["charged"] - d["paid"] - d["credited"] == d["balance"]
    assert letters["mara-quist"]["paid"] == 100000
    text = (books_dir / "documents/handover/2027-07-01/mara-quist-settlement.md").read_text()
    assert f"Settlement of your agreement with {PARENT}" in text and "held by Cedar Cooperative Services" in text
    again = json.loads(ok(gov("handover", "settle", "--on", "2027-07-05", "--json", env=at("2027-07-05"))).output)
    assert not any(d["recorded"] for d in again)  # the same bytes record nothing


def test_members_may_carry_on_with_no_parent_at_all(gov: Coop, books_dir: Path) -> None:
    out = end_parent(gov, "the members jointly")
    assert "the members jointly hold the shared accounts from 2027-07-01" in out
    after = status(gov, "2027-07-01")
    assert "held by the members jointly from 2027-07-01 (in place of Juniper Street Counseling PLLC" in after
    recalc = ok(gov("fees", "recalc", "2027-07", env=at("2027-07-01"))).output
    fee = json.loads(ok(gov("status", "--as-of", "2027-07-01", "--json", env=at("2027-07-01"))).output)["fee"]
    assert fee is not None and fee > 0, recalc
    with closing(open_books(books_dir)) as books:
        from engine.ledger.accounts import charges_through

        july = {p: c for p, c in charges_through(books, date(2027, 7, 31)).items()}
        june = charges_through(books, date(2027, 6, 30))
        assert {p: july[p] - june[p] for p in july} == dict.fromkeys(MEMBERS, fee)  # an equal share, charged to everyone
        assert holder_on(books, date(2027, 7, 1)).jointly


def test_joint_words() -> None:
    assert is_joint("The members jointly") and is_joint("members") and not is_joint("Members Cooperative LLC")
