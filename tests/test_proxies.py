"""Proxies: given and accepted on the record, counted once, overridden by the member's own ballot."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import at, ok

from engine.audit.verify import verify
from engine.books.folder import open_books

Coop = Callable[..., Result]
MEMBERS = ["rowan-ellery", "mara-quist", "teo-abernathy", "imani-castell", "noor-haddad", "wes-okafor"]


@pytest.fixture
def voting(coop: Coop, enrol: Callable[..., Result]) -> Coop:
    """Everyone enrolled; P-1 (a general matter) open from 1 March; noor gives wes her proxy for it (not yet accepted)."""
    for m in MEMBERS:
        ok(enrol(coop, m, env=at("2027-01-04", m)))
    ok(coop("propose", "general", "--text", "Shared intake form", env=at("2027-03-01")))
    ok(coop("proxy", "give", "--member", "noor-haddad", "--to", "wes-okafor", "--proposal", "P-1", env=at("2027-03-01", "noor-haddad")))
    return coop


def _proxy_number(books_dir: Path) -> int:
    books = open_books(books_dir)
    try:
        return books.journal.entries(["proxy.given"])[-1].seq
    finally:
        books.close()


def _show(coop: Coop) -> dict:
    return json.loads(ok(coop("proposal", "show", "P-1", "--json", env=at("2027-03-20"))).output)


def test_a_proxy_ballot_counts_once_and_the_members_own_ballot_overrides_it(voting: Coop, books_dir: Path) -> None:
    number = str(_proxy_number(books_dir))
    refused = voting(
        "vote", "cast", "P-1", "--member", "wes-okafor", "--for", "noor-haddad", "--choice", "no", env=at("2027-03-02", "wes-okafor")
    )
    assert refused.exit_code == 2 and "holds no accepted proxy" in refused.output, "not before it is accepted"
    ok(voting("proxy", "accept", number, "--member", "wes-okafor", env=at("2027-03-02", "wes-okafor")))
    out = ok(
        voting(
            "vote", "cast", "P-1", "--member", "wes-okafor", "--for", "noor-haddad", "--choice", "no", env=at("2027-03-02", "wes-okafor")
        )
    )
    assert "for noor-haddad" in out.output
    ok(voting("vote", "cast", "P-1", "--member", "wes-okafor", "--choice", "yes", env=at("2027-03-02", "wes-okafor")))
    books = open_books(books_dir)
    from engine.governance.proposals import load

    p = load(books, "P-1")
    current = p.current_ballots()
    books.close()
    assert current["noor-haddad"].proxy is not None and current["noor-haddad"].cast_by == "wes-okafor"
    assert current["wes-okafor"].proxy is None, "the holder's own ballot is separate: each member counts once"
    ok(voting("vote", "cast", "P-1", "--member", "noor-haddad", "--choice", "yes", env=at("2027-03-03", "noor-haddad")))
    again = voting(
        "vote", "cast", "P-1", "--member", "wes-okafor", "--for", "noor-haddad", "--choice", "no", env=at("2027-03-04", "wes-okafor")
    )
    assert again.exit_code == 2 and "voted on P-1 themselves" in again.output
    for m in ("rowan-ellery", "mara-quist", "teo-abernathy"):
        ok(voting("vote", "cast", "P-1", "--member", m, "--choice", "yes", env=at("2027-03-05", m)))
    ok(voting("proposal", "close", "P-1", env=at("2027-03-20")))
    books = open_books(books_dir)
    [result] = books.journal.entries(["proposal.result"])
    report = verify(books)
    books.close()
    assert result.data["counts"]["yes"] == 5, "noor's own yes replaced the proxy's no"
    assert "proxy_ballots" not in result.data, "no counted ballot was a proxy's"
    assert report.ok, report.problems


def test_a_counted_proxy_ballot_is_marked_and_the_cap_holds(voting: Coop, books_dir: Path) -> None:
    number = str(_proxy_number(books_dir))
    ok(voting("proxy", "accept", number, "--member", "wes-okafor", env=at("2027-03-02", "wes-okafor")))
    ok(
        voting(
            "proxy", "give", "--member", "imani-castell", "--to", "wes-okafor", "--proposal", "P-1", env=at("2027-03-02", "imani-castell")
        )
    )
    second = str(_proxy_number(books_dir))
    ok(voting("proxy", "accept", second, "--member", "wes-okafor", env=at("2027-03-02", "wes-okafor")))
    ok(
        voting(
            "vote", "cast", "P-1", "--member", "wes-okafor", "--for", "noor-haddad", "--choice", "yes", env=at("2027-03-02", "wes-okafor")
        )
    )
    capped = voting(
        "vote", "cast", "P-1", "--member", "wes-okafor", "--for", "imani-castell", "--choice", "yes", env=at("2027-03-02", "wes-okafor")
    )
    assert capped.exit_code == 2 and "the books allow 1" in capped.output
    for m in ("rowan-ellery", "mara-quist", "teo-abernathy", "wes-okafor"):
        ok(voting("vote", "cast", "P-1", "--member", m, "--choice", "yes", env=at("2027-03-05", m)))
    ok(voting("proposal", "close", "P-1", env=at("2027-03-20")))
    books = open_books(books_dir)
    [result] = books.journal.entries(["proposal.result"])
    assert verify(books).ok
    books.close()
    assert result.data["proxy_ballots"] == ["noor-haddad"]
    assert result.data["counts"]["yes"] == 5


def test_a_revoked_proxy_cannot_be_used(voting: Coop, books_dir: Path) -> None:
    number = str(_proxy_number(books_dir))
    ok(voting("proxy", "accept", number, "--member", "wes-okafor", env=at("2027-03-02", "wes-okafor")))
    ok(voting("proxy", "revoke", number, "--member", "noor-haddad", env=at("2027-03-02", "noor-haddad")))
    refused = voting(
        "vote", "cast", "P-1", "--member", "wes-okafor", "--for", "noor-haddad", "--choice", "no", env=at("2027-03-03", "wes-okafor")
    )
    assert refused.exit_code == 2 and "holds no accepted proxy" in refused.output
    listed = json.loads(ok(voting("proxy", "list", "--json", env=at("2027-03-03"))).output)
    assert listed[0]["state"] == "revoked"
