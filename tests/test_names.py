"""Names and figures members know: proposals by label, and a joiner's agreement stating the fee they will pay."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from test_governance import MEMBERS, at, gov, ok, vote  # noqa: F401 - gov is a fixture

from engine.books.folder import open_books
from engine.books.money import format_cents
from engine.governance import versions as manual_versions
from engine.ledger.fee_quote import monthly_fee


def test_an_adopted_manual_names_its_proposal_by_label_everywhere(gov, books_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    section = tmp_path / "cooperation.md"
    section.write_text("# Cooperation\n\nPrefer cooperative vendors.\n")
    ok(gov("propose", "general", "--text", "A first matter, so the amendment is P-2", env=at("2027-03-01")))
    ok(gov("propose", "manual-amendment", "--section", f"cooperation={section}", "--summary", "Prefer co-op vendors", env=at("2027-03-01")))
    for m in MEMBERS[:5]:
        ok(vote(gov, "2027-03-02", "P-2", m, "yes"))
    ok(gov("proposal", "close", "P-2", env=at("2027-03-03")))
    books = open_books(books_dir)
    try:
        v2 = manual_versions.versions(books)[1]
        text, stored = manual_versions.content(books, 2)
    finally:
        books.close()
    assert v2.proposal_label == "P-2" and v2.proposal is not None and v2.proposal > 2
    assert stored and "It was adopted by member vote on proposal P-2." in text
    assert f"proposal {v2.proposal}" not in text
    listing = ok(gov("manual", "versions"))
    assert "P-2" in listing.output
    data = json.loads(ok(gov("manual", "versions", "--json")).output)
    assert (data[1]["proposal"], data[1]["proposal_entry"]) == ("P-2", v2.proposal)


def test_a_joiners_agreement_states_the_fee_from_their_start(coop, books_dir: Path) -> None:
    assert coop("fees", "recalc", "2027-01").exit_code == 0
    joined = coop(
        *("provider", "join", "ada-lowe", "--name", "Ada Lowe", "--practice", "Lowe Counseling LLC"),
        *("--licence", "LPC-1", "--email", "ada@lowe.example", "--on", "2027-03-01"),
    )
    assert joined.exit_code == 0, joined.output
    assert coop("contracts", "issue", "ada-lowe", "mara-quist", "--on", "2027-01-20").exit_code == 0
    books = open_books(books_dir)
    try:
        today_fee, start_fee = monthly_fee(books, date(2027, 1, 20)), monthly_fee(books, date(2027, 3, 1))
    finally:
        books.close()
    assert today_fee is not None and start_fee is not None and start_fee < today_fee  # seven share from March
    folder = books_dir / "documents" / "agreements" / "2027-01-20"
    ada = (folder / "ada-lowe-agreement-v1.md").read_text()
    assert f"From the provider's start on 1 March 2027 the fee is **{format_cents(start_fee)}** a month" in ada
    assert "among the 7 providers charged then, the provider included" in ada
    assert format_cents(today_fee) not in ada
    mara = (folder / "mara-quist-agreement-v1.md").read_text()
    assert f"On the date of issue the fee is **{format_cents(today_fee)}** a month: the total above shared among 6 providers" in mara
    register = json.loads((folder / "register.json").read_text())
    stated = {r["provider"]: r for r in register}
    assert stated["ada-lowe"]["fee"] == format_cents(start_fee).lstrip("$").replace(",", "")
    assert stated["mara-quist"]["fee"] == format_cents(today_fee).lstrip("$").replace(",", "")
