"""Governance papers: a proposal's notice, a termination's written grounds, decision records and the minutes, an applicant's packet."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from test_governance import MEMBERS, _terminate, at, gov, ok, refused, vote  # noqa: F401 - gov is a fixture

from engine.books.folder import open_books
from engine.documents.notices import ISSUED
from engine.governance.proposals import load

GOV = Path("documents") / "governance"


def _closed_termination(gov) -> None:  # noqa: F811
    _terminate(gov)
    for m in MEMBERS[:4]:
        ok(vote(gov, "2027-03-02", "P-1", m, "yes"))
    ok(gov("proposal", "close", "P-1", env=at("2027-03-04")))


def test_a_termination_gives_the_provider_its_written_grounds_and_response_period(gov, books_dir: Path) -> None:  # noqa: F811
    _terminate(gov)
    r = ok(gov("papers", "grounds", "P-1", "--on", "2027-02-01", "--json", env=at("2027-02-01")))
    [issued] = json.loads(r.output)
    assert issued["recorded"] and issued["respond_by"] == "2027-02-15" and issued["subject"] == "wes-okafor"
    text = Path(issued["markdown"]).read_text()
    assert "To Wes Okafor, Okafor Mind & Body LLC, issued 1 February 2027" in text
    assert "> Repeatedly missed the documentation deadlines in section 4" in text
    assert "excessive failure to follow the Co-Op Procedures manual" in text
    assert "You have 14 days to respond in writing, until 15 February 2027" in text
    assert "voting opens on 1 March 2027" in text and "P-1" in text
    refused(gov("papers", "grounds", "P-9", env=at("2027-02-01")), "no proposal P-9")
    # the same document again records nothing new
    again = json.loads(ok(gov("papers", "grounds", "P-1", "--on", "2027-02-01", "--json", env=at("2027-02-01"))).output)
    assert not again[0]["recorded"] and again[0]["sha256"] == issued["sha256"]


def test_a_proposal_notice_says_what_rule_when_and_how(gov, books_dir: Path) -> None:  # noqa: F811
    ok(gov("propose", "general", "--text", "Hold the annual meeting in June", env=at("2027-02-01")))
    [issued] = json.loads(ok(gov("papers", "notice", "P-1", "--on", "2027-02-01", "--json", env=at("2027-02-01"))).output)
    text = Path(issued["markdown"]).read_text()
    assert text.startswith("# Notice of proposal P-1")
    assert "Hold the annual meeting in June" in text and "consensus: passes when nobody blocks" in text
    assert "closes at the end of 14 February 2027" in text and "coop vote cast P-1 --member YOUR-ID" in text
    assert "6 members may vote" in text
    assert (books_dir / GOV / "proposal-notice" / "P-1-notice.docx").is_file()
    register = list(csv.DictReader((books_dir / GOV / "proposal-notice" / "register.csv").open()))
    assert [(r["subject"], r["document"], r["issue_date"]) for r in register] == [("P-1", "P-1-notice.docx", "2027-02-01")]


def test_a_secret_ballots_decision_record_gives_counts_only_and_the_result_hash(gov, books_dir: Path) -> None:  # noqa: F811
    _closed_termination(gov)
    books = open_books(books_dir)
    try:
        p = load(books, "P-1")
        result_hash = p.final.hash  # type: ignore[union-attr]
        secret = p.rule.secret
    finally:
        books.close()
    [issued] = json.loads(ok(gov("papers", "decision", "P-1", "--on", "2027-03-05", "--json", env=at("2027-03-05"))).output)
    assert issued["result_hash"] == result_hash and issued["outcome"] == "passed"
    text = Path(issued["markdown"]).read_text()
    assert f"`{result_hash}`" in text and "**Result: passed.**" in text
    assert "| 5 | 4 | 0 | 0 | 0 | 0 |" in text
    assert "Recused: Wes Okafor (wes-okafor): the provider this termination concerns" in text
    assert "Effect applied on 4 March 2027" in text
    if secret:
        assert "The ballot was secret" in text and "| Member | Choice |" not in text
    else:
        assert "| Mara Quist (mara-quist) | yes |" in text


def test_the_minutes_hold_every_closed_proposal_and_an_open_one_has_no_record(gov, books_dir: Path) -> None:  # noqa: F811
    _closed_termination(gov)
    ok(gov("propose", "general", "--text", "Still open", env=at("2027-03-05")))
    refused(gov("papers", "decision", "P-2", env=at("2027-03-06")), "P-2 has not closed yet")
    [issued] = json.loads(ok(gov("papers", "minutes", "--on", "2027-03-06", "--json", env=at("2027-03-06"))).output)
    assert issued["proposals"] == ["P-1"]
    text = Path(issued["markdown"]).read_text()
    assert "## P-1:" in text and "Still open" not in text
    books = open_books(books_dir)
    try:
        kinds = [e.data["kind"] for e in books.journal.entries([ISSUED])]
    finally:
        books.close()
    assert kinds == ["minutes"]


def test_an_applicant_packet_holds_the_agreement_budget_manual_and_fee_from_their_start(coop, books_dir: Path) -> None:
    assert coop("fees", "recalc", "2027-01").exit_code == 0
    assert coop("manual", "render", "1").exit_code == 0
    joined = coop(
        *("provider", "join", "ada-lowe", "--name", "Ada Lowe", "--practice", "Lowe Counseling LLC"),
        *("--licence", "LPC-1", "--email", "ada@lowe.example", "--on", "2027-03-01"),
    )
    assert joined.exit_code == 0, joined.output
    r = coop("papers", "packet", "ada-lowe", "--on", "2027-01-20", "--json")
    assert r.exit_code == 0, r.output
    [issued] = json.loads(r.output)
    assert issued["transparency_cycle"] is None and issued["manual_version"] == 1
    text = Path(issued["markdown"]).read_text()
    assert text.startswith("# Before you sign") and "For Ada Lowe, Lowe Counseling LLC" in text
    assert "## Provider services agreement" in text and "From the provider's start on 1 March 2027" in text
    assert "## Co-Op Procedures manual" in text and "a note that no cycle has closed yet" in text
    assert "| **Total** | | **$3,880.00** |" in text
    assert Path(issued["docx"]).is_file()
