"""Governance end to end through the CLI: proposals, ballots, results and effects."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from engine.audit.verify import verify
from engine.books import roster
from engine.books.budget import lines_on
from engine.books.folder import open_books
from engine.books.journal import entry_hash
from engine.governance import versions as manual_versions
from engine.governance.credentials import TEST_COST, Stored, cost, derive, make, matches

Coop = Callable[..., Result]
MEMBERS = ["rowan-ellery", "mara-quist", "teo-abernathy", "imani-castell", "noor-haddad", "wes-okafor"]


def secret_of(member: str) -> str:
    return f"pass-{member}-2027"


def at(day: str, member: str | None = None, credential: str | None = None) -> dict[str, str]:
    env = {"COOP_NOW": f"{day}T09:00:00"}
    if member is not None:
        env["COOP_CREDENTIAL"] = credential if credential is not None else secret_of(member)
    return env


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def refused(result: Result, text: str) -> None:
    assert result.exit_code == 2, result.output
    assert text in result.output, result.output


@pytest.fixture
def gov(coop: Coop, enrol: Callable[..., Result]) -> Coop:
    """The demo federation with every founding member's credential set on 4 January."""
    for m in MEMBERS:
        ok(enrol(coop, m, env=at("2027-01-04", m)))
    return coop


def vote(coop: Coop, day: str, pid: str, member: str, choice: str, reason: str = "") -> Result:
    extra = ("--reason", reason) if reason else ()
    return coop("vote", "cast", pid, "--member", member, "--choice", choice, *extra, env=at(day, member))


def show(coop: Coop, pid: str, day: str = "2027-12-31") -> dict:
    return json.loads(ok(coop("proposal", "show", pid, "--json", env=at(day))).output)


def propose_onboarding(coop: Coop, day: str = "2027-02-01", pid: str = "lena-marsh", start: str = "2027-03-01", *extra: str) -> Result:
    return coop(
        "propose",
        "onboarding",
        pid,
        "--name",
        "Lena Marsh",
        "--practice",
        "Marsh Counseling LLC",
        "--licence",
        "LPC-41290",
        "--email",
        "lena@marsh.example",
        "--start",
        start,
        *extra,
        env=at(day),
    )


def journal_count(books_dir: Path) -> int:
    with sqlite3.connect(books_dir / "journal.sqlite3") as conn:
        return conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]


# --- credentials -----------------------------------------------------------------------


def test_credential_is_kept_only_as_a_salted_scrypt_hash(gov: Coop, books_dir: Path) -> None:
    raw = (books_dir / "journal.sqlite3").read_bytes() + b"".join(p.read_bytes() for p in books_dir.glob("journal.sqlite3-*"))
    assert secret_of("mara-quist").encode() not in raw
    books = open_books(books_dir)
    rows = [e.data for e in books.journal.entries(["member.credential_set"])]
    books.close()
    assert {r["member"] for r in rows} == set(MEMBERS)
    assert len({r["salt"] for r in rows}) == len(rows)
    n, r, p = cost()  # the suite's cheaper n (conftest); the production cost is checked below
    assert rows[0]["scrypt"] == {"n": n, "r": r, "p": p}


def test_a_credential_records_the_cost_it_was_made_with_and_is_checked_at_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TEST_COST, raising=False)
    real = make("a member's credential")
    assert (real.n, real.r, real.p) == (16384, 8, 1)  # the production cost when nothing lowers it
    monkeypatch.setenv(TEST_COST, "16")
    cheap = make("a member's credential")
    assert (cheap.n, cheap.r, cheap.p) == (16, 8, 1)
    assert cheap.key == derive("a member's credential", cheap.salt, 16, 8, 1)  # made at the cost it records
    assert cheap.key != derive("a member's credential", cheap.salt, 16384, 8, 1)
    assert matches(Stored.from_json(cheap.as_json()), "a member's credential")
    assert not matches(Stored.from_json(cheap.as_json()), "another credential")
    monkeypatch.delenv(TEST_COST)
    assert matches(cheap, "a member's credential") and matches(real, "a member's credential")  # each at its own recorded cost


def test_wrong_credential_is_refused_and_only_the_failure_recorded(gov: Coop, books_dir: Path) -> None:
    ok(propose_onboarding(gov))
    before = journal_count(books_dir)
    refused(
        gov("vote", "cast", "P-1", "--member", "mara-quist", "--choice", "yes", env=at("2027-02-02", "mara-quist", "guessed-it")),
        "wrong credential for mara-quist",
    )
    # The administrator cannot vote as a member with their own credential either.
    refused(
        gov("vote", "cast", "P-1", "--member", "mara-quist", "--choice", "yes", env=at("2027-02-02", "x", secret_of("rowan-ellery"))),
        "wrong credential",
    )
    # Failed checks are journaled (who and when, never what was typed); no ballot is recorded.
    books = open_books(books_dir)
    failed = books.journal.entries(["member.credential_failed"])
    ballots = books.journal.entries(["ballot.cast"])
    books.close()
    assert journal_count(books_dir) == before + 2
    assert [e.data for e in failed] == [{"member": "mara-quist"}, {"member": "mara-quist"}]
    assert ballots == []


def test_failed_checks_in_a_row_count_from_the_last_time_the_credential_worked(gov: Coop, books_dir: Path) -> None:
    from engine.governance.credentials import failures_in_a_row

    ok(propose_onboarding(gov))
    wrong = at("2027-02-02", "mara-quist", "guessed-it")
    for _ in range(3):
        refused(gov("vote", "cast", "P-1", "--member", "mara-quist", "--choice", "yes", env=wrong), "wrong credential")
    refused(gov("vote", "cast", "P-1", "--member", "teo-abernathy", "--choice", "yes", env=at("2027-02-02", "x", "guessed")), "wrong")
    books = open_books(books_dir)
    assert len(failures_in_a_row(books, "mara-quist")) == 3 and len(failures_in_a_row(books, "teo-abernathy")) == 1
    assert failures_in_a_row(books, "rowan-ellery") == [] and failures_in_a_row(books, "mara") == []
    ok(vote(gov, "2027-02-02", "P-1", "mara-quist", "no"))  # the credential worked: the count starts again
    assert failures_in_a_row(books, "mara-quist") == []
    refused(gov("vote", "cast", "P-1", "--member", "mara-quist", "--choice", "yes", env=wrong), "wrong credential")
    failed = books.journal.entries(["member.credential_failed"])
    assert failures_in_a_row(books, "mara-quist") == [failed[-1].recorded_at]
    assert len(failures_in_a_row(books, "teo-abernathy")) == 1
    books.close()


def test_credential_is_prompted_with_hidden_input(gov: Coop) -> None:
    ok(propose_onboarding(gov))
    result = gov(
        "vote", "cast", "P-1", "--member", "teo-abernathy", "--choice", "yes", input=secret_of("teo-abernathy") + "\n", env=at("2027-02-02")
    )
    ok(result)
    assert secret_of("teo-abernathy") not in result.output


def test_replacing_a_credential_needs_the_old_one(gov: Coop) -> None:
    refused(
        gov(
            "member",
            "credential",
            "set",
            "mara-quist",
            env={**at("2027-01-05", "mara-quist", "new-secret-1"), "COOP_OLD_CREDENTIAL": "wrong"},
        ),
        "needs the current one",
    )
    env = {**at("2027-01-05", "mara-quist", "new-secret-1"), "COOP_OLD_CREDENTIAL": secret_of("mara-quist")}
    assert "replaced" in ok(gov("member", "credential", "set", "mara-quist", env=env)).output
    refused(gov("member", "credential", "set", "nobody-here", env=at("2027-01-05", "nobody-here")), "unknown provider")


def test_a_credential_must_be_long_enough(coop: Coop) -> None:
    refused(coop("member", "credential", "set", "mara-quist", env=at("2027-01-05", "mara-quist", "short")), "at least 8 characters")


def test_a_member_without_a_credential_cannot_vote(coop: Coop) -> None:
    ok(propose_onboarding(coop))
    refused(vote(coop, "2027-02-02", "P-1", "mara-quist", "yes"), "has no voting credential")


# --- onboarding, ballots, results ---------------------------------------------------


def test_onboarding_vote_passes_and_the_provider_joins_from_the_stated_date(gov: Coop, books_dir: Path) -> None:
    out = ok(propose_onboarding(gov)).output
    assert "Opened P-1" in out and "6 members may vote" in out
    for m in ["rowan-ellery", "mara-quist", "teo-abernathy"]:
        ok(vote(gov, "2027-02-03", "P-1", m, "yes"))
    ok(vote(gov, "2027-02-03", "P-1", "noor-haddad", "no"))
    refused(gov("proposal", "close", "P-1", env=at("2027-02-04")), "the outcome can still change")
    out = ok(gov("proposal", "close", "P-1", "--statement", "Welcome, Lena", env=at("2027-02-15"))).output
    assert "P-1 passed: 3 yes of 4 votes cast; 3 needed" in out
    assert "Lena Marsh (lena-marsh) joins on 2027-03-01" in out
    books = open_books(books_dir)
    m = roster.memberships(books, date(2027, 3, 1))["lena-marsh"]
    assert m.start == date(2027, 3, 1) and not m.active_on(date(2027, 2, 28))
    books.close()
    data = show(gov, "P-1")
    assert data["status"] == "passed"
    assert data["result"]["counts"] == {"eligible": 6, "yes": 3, "no": 1, "abstain": 0, "stand_aside": 0, "block": 0}
    assert data["result"]["statement"] == "Welcome, Lena"
    assert data["effect"]["applied"] is True
    refused(vote(gov, "2027-02-15", "P-1", "wes-okafor", "yes"), "ballots are no longer accepted")
    refused(gov("proposal", "close", "P-1", env=at("2027-02-16")), "already decided")
    refused(gov("proposal", "statement", "P-1", "--text", " ", env=at("2027-02-16")), "a statement needs text")
    ok(
        gov(
            "proposal",
            "statement",
            "P-1",
            "--text",
            "Onboarding call on 1 March",
            "--by",
            "teo-abernathy",
            env=at("2027-02-16", "teo-abernathy"),
        )
    )
    assert show(gov, "P-1")["statements"] == [{"author": "teo-abernathy", "on": "2027-02-16", "text": "Onboarding call on 1 March"}]


def test_proposal_refuses_what_could_not_apply(gov: Coop) -> None:
    refused(propose_onboarding(gov, "2027-02-01", "mara-quist"), "already taken")
    refused(propose_onboarding(gov, "2027-02-01", "lena-marsh", "2026-12-01"), "before the founding date")
    refused(
        gov(
            "propose", "termination", "nobody", "--last-day", "2027-06-30", "--grounds", "refusal", "--statement", "x", env=at("2027-02-01")
        ),
        "unknown provider",
    )
    refused(gov("proposal", "show", "P-9"), "no proposal P-9")
    refused(gov("proposal", "show", "banana"), "not a proposal id")


def test_one_current_ballot_the_latest_counts_and_earlier_ones_stay(gov: Coop) -> None:
    ok(propose_onboarding(gov))
    first = ok(vote(gov, "2027-02-02", "P-1", "mara-quist", "no", "not yet")).output
    second = ok(vote(gov, "2027-02-03", "P-1", "mara-quist", "yes")).output
    assert "replaces your earlier ballot" in second
    for m in ["rowan-ellery", "teo-abernathy"]:
        ok(vote(gov, "2027-02-03", "P-1", m, "yes"))
    ok(gov("proposal", "close", "P-1", env=at("2027-02-15")))
    data = show(gov, "P-1")
    assert len(data["ballots"]) == 4
    assert data["result"]["counts"]["yes"] == 3 and data["result"]["counts"]["no"] == 0
    old_receipt = first.split("Receipt: ")[1].split()[0]
    assert "superseded" in ok(gov("audit", "receipt", old_receipt)).output


def test_a_ballot_finds_its_voters_earlier_ballot_without_reading_everyones(
    gov: Coop, books_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ballot looks up only its voter's previous one: reading every member's for each of 10,000 ballots costs 10,000 squared."""
    from engine.governance import ballots, proposals

    ok(propose_onboarding(gov))
    ok(vote(gov, "2027-02-02", "P-1", "mara-quist", "no", "not yet"))
    ok(vote(gov, "2027-02-02", "P-1", "rowan-ellery", "yes"))
    ok(vote(gov, "2027-02-03", "P-1", "mara-quist", "abstain"))
    books = open_books(books_dir)
    p = proposals.load(books, "P-1")
    found = {m: p.current_ballot(m) for m in [*MEMBERS, "mara"]}
    assert "ballots" not in vars(p)  # nobody asked for every ballot yet
    assert {m: b for m, b in found.items() if b is not None} == p.current_ballots()
    assert found["mara-quist"].choice == "abstain" and found["mara"] is None
    assert all(p.current_ballot(m, "ratification") is None for m in MEMBERS)
    monkeypatch.setenv("COOP_NOW", "2027-02-04T09:00:00")
    cast_on, entry = ballots.cast(books, "P-1", "mara-quist", "yes", secret_of("mara-quist"))
    assert "ballots" not in vars(cast_on)
    assert entry.data["supersedes"] == found["mara-quist"].entry.seq
    assert proposals.load(books, "P-1").current_ballot("mara-quist") == proposals.load(books, "P-1").current_ballots()["mara-quist"]
    books.close()


def test_refused_ballots(gov: Coop) -> None:
    ok(propose_onboarding(gov))
    refused(vote(gov, "2027-02-02", "P-7", "mara-quist", "yes"), "no proposal P-7")
    refused(vote(gov, "2027-02-02", "P-1", "nobody", "yes"), "unknown provider 'nobody'")
    refused(vote(gov, "2027-02-02", "P-1", "mara-quist", "stand_aside"), "only a choice under consensus")
    refused(vote(gov, "2027-02-02", "P-1", "mara-quist", "block", "no"), "only a choice under consensus")
    refused(vote(gov, "2027-02-15", "P-1", "mara-quist", "yes"), "ended on 2027-02-14")


def test_quorum_failure_is_no_decision(gov: Coop) -> None:
    ok(propose_onboarding(gov))
    refused(gov("proposal", "statement", "P-1", "--text", "early", env=at("2027-02-02")), "has no result yet")
    ok(vote(gov, "2027-02-02", "P-1", "mara-quist", "yes"))
    ok(vote(gov, "2027-02-02", "P-1", "teo-abernathy", "yes"))
    out = ok(gov("proposal", "close", "P-1", env=at("2027-02-15"))).output
    assert "P-1 no quorum: no quorum: 2 of 6 took part, 3 needed" in out
    assert show(gov, "P-1")["status"] == "no quorum"
    assert show(gov, "P-1")["effect"] is None


def test_early_close_only_when_certain(gov: Coop) -> None:
    ok(propose_onboarding(gov))
    for m in ["rowan-ellery", "mara-quist", "teo-abernathy", "imani-castell"]:
        ok(vote(gov, "2027-02-02", "P-1", m, "yes"))
    # 4 yes of 6 eligible: two more no votes would leave 4-2, still passing.
    out = ok(gov("proposal", "close", "P-1", env=at("2027-02-03"))).output
    assert "passed" in out
    assert show(gov, "P-1")["result"]["early"] is True


def test_eligibility_is_frozen_when_voting_opens(gov: Coop, books_dir: Path, enrol: Callable[..., Result]) -> None:
    ok(propose_onboarding(gov))  # P-1: lena joins 2027-03-01 if it passes
    for m in ["rowan-ellery", "mara-quist", "teo-abernathy", "imani-castell"]:
        ok(vote(gov, "2027-02-02", "P-1", m, "yes"))
    ok(gov("proposal", "close", "P-1", env=at("2027-02-03")))
    # A termination vote opens on 2027-03-01 (with 28 days' notice and response): lena is a member then.
    # A general matter opened on 2027-02-20 has its electorate frozen without her.
    ok(gov("propose", "general", "--text", "Adopt a shared intake form", env=at("2027-02-20")))
    ok(enrol(gov, "lena-marsh", env=at("2027-03-01", "lena-marsh")))
    refused(vote(gov, "2027-03-01", "P-2", "lena-marsh", "yes"), "not an active member when voting opened on 2027-02-20")
    assert "lena-marsh" not in show(gov, "P-2")["eligible"]


def test_a_member_who_leaves_during_the_vote_loses_their_ballot(gov: Coop) -> None:
    # Budget change under two thirds of all eligible members, via a rule-free majority: use termination-free matter.
    ok(gov("propose", "admin-pay", "admin", "--monthly", "2700.00", "--from", "2027-04-01", env=at("2027-03-01")))
    for m in ["rowan-ellery", "mara-quist", "teo-abernathy"]:
        ok(vote(gov, "2027-03-02", "P-1", m, "yes"))
    ok(vote(gov, "2027-03-02", "P-1", "wes-okafor", "no"))
    ok(vote(gov, "2027-03-02", "P-1", "noor-haddad", "no"))
    ok(gov("provider", "leave", "wes-okafor", "--on", "2027-03-05", env=at("2027-03-05")))
    refused(vote(gov, "2027-03-06", "P-1", "wes-okafor", "yes"), "left on 2027-03-05")
    out = ok(gov("proposal", "close", "P-1", env=at("2027-03-15"))).output
    assert "3 yes of 4 votes cast" in out and "(5 eligible)" in out
    data = show(gov, "P-1")
    assert data["result"]["dropped"] == {"wes-okafor": "left on 2027-03-05, during the vote"}
    assert data["effect"]["applied"] is True


def test_admin_pay_changes_the_dated_budget(gov: Coop, books_dir: Path) -> None:
    ok(gov("propose", "admin-pay", "admin", "--monthly", "2700.00", "--from", "2027-04-01", env=at("2027-03-01")))
    refused(
        gov("propose", "admin-pay", "software", "--monthly", "1.00", "--from", "2027-04-01", env=at("2027-03-01")), "not admin staff or pay"
    )
    for m in MEMBERS[:4]:
        ok(vote(gov, "2027-03-02", "P-1", m, "yes"))
    ok(gov("proposal", "close", "P-1", env=at("2027-03-03")))
    books = open_books(books_dir)
    admin = {line.id: line.monthly for line in lines_on(books, date(2027, 4, 1))}["admin"]
    before = {line.id: line.monthly for line in lines_on(books, date(2027, 3, 31))}["admin"]
    books.close()
    assert (before, admin) == (260000, 270000)


def test_manual_amendment_adopts_a_new_version(gov: Coop, books_dir: Path, tmp_path: Path) -> None:
    section = tmp_path / "cooperation.md"
    section.write_text("# Cooperation\n\nPrefer cooperative vendors.\n")
    ok(gov("propose", "manual-amendment", "--section", f"cooperation={section}", "--summary", "Prefer co-op vendors", env=at("2027-03-01")))
    for m in MEMBERS[:5]:
        ok(vote(gov, "2027-03-02", "P-1", m, "yes"))
    ok(gov("proposal", "close", "P-1", env=at("2027-03-03")))
    books = open_books(books_dir)
    versions = manual_versions.versions(books)
    books.close()
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].changes == {"cooperation": "# Cooperation\n\nPrefer cooperative vendors.\n"}
    assert versions[1].effective == date(2027, 3, 3)
    refused(gov("propose", "manual-amendment", "--section", "x=/nonexistent.md", "--summary", "s", env=at("2027-03-01")), "cannot read")
    books = open_books(books_dir)
    text, stored = manual_versions.content(books, 2)
    books.close()
    assert stored
    assert "## 9. Cooperation among cooperatives" in text, "a replaced section keeps its title and place"
    assert "Prefer cooperative vendors." in text


def test_a_manual_amendment_that_cannot_render_is_refused_when_proposed(gov: Coop, tmp_path: Path) -> None:
    section = tmp_path / "cooperation.md"
    section.write_text("Our fee is {{ fee.no_such_field }}.\n")
    refused(
        gov("propose", "manual-amendment", "--section", f"cooperation={section}", "--summary", "s", env=at("2027-03-01")), "no_such_field"
    )
    section.write_text("---\nid: brand_new\n---\nText\n")
    refused(gov("propose", "manual-amendment", "--section", f"brand_new={section}", "--summary", "s", env=at("2027-03-01")), "title")


# --- consensus -------------------------------------------------------------------------


def test_consensus_block_needs_a_reason_and_defeats(gov: Coop) -> None:
    ok(gov("propose", "general", "--text", "Switch EHR vendor", env=at("2027-02-01")))
    refused(vote(gov, "2027-02-02", "P-1", "imani-castell", "block"), "a block needs a written reason")
    for m in MEMBERS[:4]:
        ok(vote(gov, "2027-02-02", "P-1", m, "yes"))
    ok(vote(gov, "2027-02-02", "P-1", "wes-okafor", "stand_aside"))
    ok(vote(gov, "2027-02-03", "P-1", "noor-haddad", "block", "Client records at risk"))
    refused(gov("proposal", "close", "P-1", env=at("2027-02-04")), "consensus proposals never close early")
    out = ok(gov("proposal", "close", "P-1", env=at("2027-02-15"))).output
    assert "P-1 failed: blocked by 1 member" in out
    assert show(gov, "P-1")["ballots"][-1]["reason"] == "Client records at risk"


def test_consensus_without_everyone_is_provisional_and_silence_ratifies(gov: Coop) -> None:
    ok(gov("propose", "general", "--text", "Quarterly case consultation", env=at("2027-02-01")))
    for m in MEMBERS[:4]:
        ok(vote(gov, "2027-02-02", "P-1", m, "yes"))
    out = ok(gov("proposal", "close", "P-1", env=at("2027-02-15"))).output
    assert "provisionally passed" in out and "noor-haddad, wes-okafor" in out and "2027-02-22" in out
    assert show(gov, "P-1")["status"] == "provisional"
    refused(vote(gov, "2027-02-16", "P-1", "mara-quist", "yes"), "only members absent from the vote")
    ok(vote(gov, "2027-02-16", "P-1", "wes-okafor", "yes"))
    refused(gov("proposal", "close", "P-1", env=at("2027-02-20")), "waiting for noor-haddad")
    refused(vote(gov, "2027-02-23", "P-1", "noor-haddad", "yes"), "ratification window for P-1 closed on 2027-02-22")
    out = ok(gov("proposal", "close", "P-1", env=at("2027-02-23"))).output
    assert "ratified by silence" in out
    data = show(gov, "P-1")
    assert data["status"] == "passed" and data["result"]["silent"] == ["noor-haddad"]
    assert data["result"]["ratified_by"] == ["wes-okafor"]


def test_one_objection_in_the_window_reopens(gov: Coop, books_dir: Path) -> None:
    ok(gov("propose", "general", "--text", "Quarterly case consultation", env=at("2027-02-01")))
    for m in MEMBERS[:4]:
        ok(vote(gov, "2027-02-02", "P-1", m, "yes"))
    ok(gov("proposal", "close", "P-1", env=at("2027-02-15")))
    ok(vote(gov, "2027-02-17", "P-1", "noor-haddad", "no", "I was away; I object to the schedule"))
    data = show(gov, "P-1")
    assert data["status"] == "reopened" and "noor-haddad objected" in data["result"]["reason"]
    assert data["effect"] is None
    refused(gov("proposal", "close", "P-1", env=at("2027-02-23")), "already decided")
    books = open_books(books_dir)
    assert verify(books).ok
    books.close()


# --- termination: recusal, notice, secret ballot, effect ----------------------------------


def _terminate(gov: Coop, day: str = "2027-02-01", last_day: str = "2027-04-30") -> None:
    ok(
        gov(
            "propose",
            "termination",
            "wes-okafor",
            "--last-day",
            last_day,
            "--grounds",
            "manual_failure",
            "--statement",
            "Repeatedly missed the documentation deadlines in section 4",
            env=at(day),
        )
    )


def test_termination_notice_recusal_and_effect(gov: Coop, books_dir: Path) -> None:
    _terminate(gov)
    data = show(gov, "P-1", "2027-02-02")
    assert data["status"] == "notice" and data["voting_opens"] == "2027-03-01"  # 14 days' notice + 14 to respond
    refused(vote(gov, "2027-02-10", "P-1", "mara-quist", "yes"), "opens on 2027-03-01")
    ok(
        gov(
            "proposal", "comment", "P-1", "--member", "wes-okafor", "--text", "I had a family emergency", env=at("2027-02-10", "wes-okafor")
        )
    )
    refused(vote(gov, "2027-03-01", "P-1", "wes-okafor", "no"), "wes-okafor is recused from P-1")
    data = show(gov, "P-1", "2027-03-01")
    assert data["recused"] == {"wes-okafor": "the provider this termination concerns; may comment but not vote"}
    assert data["eligible"] == sorted(MEMBERS[:5])
    assert data["comments"][0]["text"] == "I had a family emergency"
    # Two thirds of all 5 eligible is 4 yes: 3 yes is not enough even if nobody votes no.
    for m in MEMBERS[:3]:
        ok(vote(gov, "2027-03-02", "P-1", m, "yes"))
    refused(gov("proposal", "close", "P-1", env=at("2027-03-03")), "can still change")
    ok(vote(gov, "2027-03-03", "P-1", "imani-castell", "yes"))
    out = ok(gov("proposal", "close", "P-1", env=at("2027-03-04"))).output
    assert "passed: 4 yes of 5 eligible members; 4 needed" in out
    books = open_books(books_dir)
    m = roster.memberships(books, date(2027, 5, 1))["wes-okafor"]
    assert m.end == date(2027, 4, 30) and "terminated by member vote (P-1)" in (m.reason or "")
    assert [e.data["provider"] for e in books.journal.entries(["settlement.opened"])] == ["wes-okafor"]
    books.close()


def test_secret_ballots_show_counts_and_receipts_only(gov: Coop) -> None:
    _terminate(gov)
    receipt = ok(vote(gov, "2027-03-02", "P-1", "noor-haddad", "no", "give him time")).output.split("Receipt: ")[1].split()[0]
    text = ok(gov("proposal", "show", "P-1", env=at("2027-03-02"))).output
    assert "noor-haddad" in text  # eligible list names members...
    assert "give him time" not in text and "Ballots (secret: receipts only" in text
    data = show(gov, "P-1", "2027-03-02")
    (ballot,) = data["ballots"]  # a receipt and the voter's pseudonym, which names no one
    assert ballot == {"receipt": receipt, "on": "2027-03-02", "phase": "voting", "pseudonym": ballot["pseudonym"]}
    assert len(ballot["pseudonym"]) == 64 and "noor-haddad" not in json.dumps(ballot)
    for m in MEMBERS[:3]:
        ok(vote(gov, "2027-03-02", "P-1", m, "yes"))
    ok(gov("proposal", "close", "P-1", env=at("2027-03-29")))
    journal = ok(gov("journal", "list", "--json")).output
    assert "give him time" not in journal and '"choice"' not in journal
    result = next(e for e in json.loads(journal) if e["kind"] == "proposal.result")["data"]
    assert "ballots" not in result and result["counts"]["no"] == 1 and result["outcome"] == "failed"
    assert "ballots" not in show(gov, "P-1")["result"]
    check = ok(gov("audit", "receipt", receipt)).output
    assert check.startswith("FOUND: ballot on P-1") and "noor-haddad" not in check and ": no" not in check


def test_termination_passed_but_not_applied_when_the_provider_already_left(gov: Coop) -> None:
    _terminate(gov)
    ok(gov("provider", "leave", "wes-okafor", "--on", "2027-03-10", env=at("2027-03-10")))
    for m in MEMBERS[:4]:
        ok(vote(gov, "2027-03-02", "P-1", m, "yes"))
    out = ok(gov("proposal", "close", "P-1", env=at("2027-03-29"))).output
    assert "Passed but NOT applied: wes-okafor already left on 2027-03-10" in out
    assert show(gov, "P-1")["status"] == "passed, not applied"


# --- rule changes and the parent -----------------------------------------------------------


def _pass_readings(gov: Coop, first_day: str, voters: list[str]) -> None:
    """Vote P-1 through both readings (the second opens 30 days after the first closes)."""
    for m in voters:
        ok(vote(gov, first_day, "P-1", m, "yes"))


def test_rule_change_needs_two_readings_and_never_lowers_its_own_threshold(gov: Coop, books_dir: Path) -> None:
    ok(
        gov(
            "propose",
            "rule-change",
            "rule_change",
            "--set",
            "method=majority",
            "--set",
            "threshold=1/2",
            "--set",
            "basis=votes_cast",
            env=at("2027-02-01"),
        )
    )
    data = show(gov, "P-1", "2027-02-01")
    assert data["voting_opens"] == "2027-02-15" and data["rule"]["threshold"] == "2/3"
    # 4 yes of 6 eligible is two thirds: first reading passes, nothing changes yet.
    for m in MEMBERS[:4]:
        ok(vote(gov, "2027-02-15", "P-1", m, "yes"))
    out = ok(gov("proposal", "close", "P-1", env=at("2027-03-01"))).output
    assert "first reading passed" in out
    refused(gov("proposal", "second-reading", "P-2", env=at("2027-03-02")), "no proposal P-2")
    ok(gov("proposal", "second-reading", "P-1", env=at("2027-03-02")))
    refused(gov("proposal", "second-reading", "P-1", env=at("2027-03-02")), "already has its second reading")
    second = show(gov, "P-2", "2027-03-02")
    assert second["voting_opens"] == "2027-03-31" and second["first_reading"] == "P-1"
    # Second reading: 3 yes, 1 no would pass under the proposed majority rule, but it is decided under 2/3 of eligible.
    for m in MEMBERS[:3]:
        ok(vote(gov, "2027-03-31", "P-2", m, "yes"))
    ok(vote(gov, "2027-03-31", "P-2", "noor-haddad", "no"))
    out = ok(gov("proposal", "close", "P-2", env=at("2027-04-15"))).output
    assert "failed: 3 yes of 6 eligible members; 4 needed" in out


def test_rule_change_applies_to_proposals_opened_afterwards_only(gov: Coop, books_dir: Path) -> None:
    ok(gov("propose", "rule-change", "onboarding", "--set", "threshold=3/4", "--set", "method=supermajority", env=at("2027-02-01")))
    for m in MEMBERS[:5]:
        ok(vote(gov, "2027-02-15", "P-1", m, "yes"))
    ok(gov("proposal", "close", "P-1", env=at("2027-02-16")))
    ok(gov("proposal", "second-reading", "P-1", env=at("2027-03-20")))
    ok(propose_onboarding(gov, "2027-03-20"))  # P-3, opened under the old majority rule
    for m in MEMBERS[:5]:
        ok(vote(gov, "2027-03-20", "P-2", m, "yes"))
    out = ok(gov("proposal", "close", "P-2", env=at("2027-03-21"))).output
    assert "the onboarding rule changes from 2027-03-21" in out
    ok(propose_onboarding(gov, "2027-03-22", "ari-lund"))  # P-4, under the new 3/4 rule
    assert show(gov, "P-3")["rule"]["method"] == "majority"
    assert show(gov, "P-4")["rule"] == {**show(gov, "P-3")["rule"], "method": "supermajority", "threshold": "3/4"}
    refused(gov("propose", "rule-change", "onboarding", "--set", "colour=blue", env=at("2027-03-22")), "unknown rule fields colour")
    refused(
        gov("propose", "rule-change", "onboarding", "--set", "method=supermajority", "--set", "threshold=1/3", env=at("2027-03-22")),
        "supermajority needs",
    )


def test_ending_the_parent_relationship(gov: Coop, books_dir: Path) -> None:
    ok(gov("propose", "end-parent", "--successor", "Cedar Cooperative Services", "--effective", "2027-07-01", env=at("2027-02-01")))
    data = show(gov, "P-1", "2027-02-15")
    assert data["recused"] == {"rowan-ellery": "principal of the parent practice, which this decision concerns"}
    for m in MEMBERS[1:5]:
        ok(vote(gov, "2027-02-15", "P-1", m, "yes"))
    refused(vote(gov, "2027-02-15", "P-1", "rowan-ellery", "no"), "recused")
    ok(gov("proposal", "close", "P-1", env=at("2027-02-16")))
    ok(gov("proposal", "second-reading", "P-1", env=at("2027-02-20")))
    assert show(gov, "P-2", "2027-02-20")["voting_opens"] == "2027-03-18"
    for m in MEMBERS[1:5]:
        ok(vote(gov, "2027-03-18", "P-2", m, "yes"))
    out = ok(gov("proposal", "close", "P-2", env=at("2027-03-19"))).output
    assert "Cedar Cooperative Services succeeds the parent from 2027-07-01" in out
    checklist = (books_dir / "transition-P-2.md").read_text()
    for vendor in ["Ledgerleaf Health Systems", "Harborline Mutual", "Tally Cooperative Bookkeepers"]:
        assert vendor in checklist
    assert checklist.count("- [ ]") == 5 + 3


# --- receipts and audit ----------------------------------------------------------------------


def test_receipts_and_recount_in_audit(gov: Coop, books_dir: Path) -> None:
    ok(propose_onboarding(gov))
    receipts = []
    for m in MEMBERS[:4]:
        receipts.append(ok(vote(gov, "2027-02-02", "P-1", m, "yes")).output.split("Receipt: ")[1].split()[0])
    ok(gov("proposal", "close", "P-1", env=at("2027-02-03")))
    out = ok(gov("audit", "receipt", receipts[1][:16])).output
    assert out.startswith("FOUND: ballot on P-1 (Onboard Lena Marsh) cast 2027-02-02 by mara-quist: yes") and "counted" in out
    missing = gov("audit", "receipt", "ab" * 32)
    assert missing.exit_code == 1 and "NOT FOUND" in missing.output
    refused(gov("audit", "receipt", "xyz"), "at least 12 hex digits")
    assert "OK:" in ok(gov("audit", "verify")).output


def _rewrite(books_dir: Path, seq: int, data: dict) -> None:
    """What someone holding the database could do: change an entry and recompute every hash after it."""
    conn = sqlite3.connect(books_dir / "journal.sqlite3")
    conn.executescript("DROP TRIGGER entries_no_update;")
    rows = conn.execute("SELECT seq, kind, on_date, recorded_at, data, ref, prev_hash FROM entries ORDER BY seq").fetchall()
    prev = rows[0][6]
    for s, kind, on, rec, text, ref, _ in rows:
        if s == seq:
            text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = entry_hash(prev, s, kind, on, rec, text, ref)
        conn.execute("UPDATE entries SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?", (text, prev, digest, s))
        prev = digest
    conn.commit()
    conn.close()


def test_audit_finds_a_result_that_does_not_match_its_ballots(gov: Coop, books_dir: Path) -> None:
    ok(propose_onboarding(gov))
    receipt = ok(vote(gov, "2027-02-02", "P-1", "mara-quist", "no")).output.split("Receipt: ")[1].split()[0]
    for m in ["rowan-ellery", "teo-abernathy", "imani-castell"]:
        ok(vote(gov, "2027-02-02", "P-1", m, "yes"))
    ok(gov("proposal", "close", "P-1", env=at("2027-02-15")))
    books = open_books(books_dir)
    ballot = books.journal.by_hash(receipt)
    result = books.journal.entries(["proposal.result"])[0]
    books.close()
    # Inflate the result's counts and rebuild the chain after it: the chain verifies, the recount does not.
    _rewrite(books_dir, result.seq, {**result.data, "counts": {**result.data["counts"], "yes": 5, "no": 0}})
    out = gov("audit", "verify")
    assert out.exit_code == 1 and "does not match a recount" in out.output
    # And the voter's receipt is gone from the rewritten record: the rewrite is visible to them.
    assert ballot is not None and ballot.seq < result.seq
    assert gov("audit", "receipt", receipt).exit_code == 0  # entries before the rewrite keep their hashes
    assert gov("audit", "receipt", result.hash).exit_code == 1  # every hash from the rewrite on changed


def test_audit_finds_a_forged_ballot_from_a_recused_member(gov: Coop, books_dir: Path) -> None:
    _terminate(gov)
    ok(vote(gov, "2027-03-02", "P-1", "mara-quist", "no"))
    books = open_books(books_dir)
    ballot = books.journal.entries(["ballot.cast"])[0]
    books.close()
    _rewrite(books_dir, ballot.seq, {**ballot.data, "member": "wes-okafor"})
    out = gov("audit", "verify")
    assert out.exit_code == 1 and "wes-okafor was not eligible" in out.output


def test_audit_finds_a_ballot_dropped_without_cause(gov: Coop, books_dir: Path) -> None:
    """A consistent forgery: mara's no is dropped as if she had left, counts and ballots adjusted to match."""
    ok(propose_onboarding(gov))
    ok(vote(gov, "2027-02-02", "P-1", "mara-quist", "no"))
    ok(vote(gov, "2027-02-02", "P-1", "noor-haddad", "no"))
    for m in ["rowan-ellery", "teo-abernathy"]:
        ok(vote(gov, "2027-02-02", "P-1", m, "yes"))
    assert "failed" in ok(gov("proposal", "close", "P-1", env=at("2027-02-15"))).output
    books = open_books(books_dir)
    result = books.journal.entries(["proposal.result"])[0]
    books.close()
    forged = {
        **result.data,
        "outcome": "passed",
        "dropped": {"mara-quist": "left on 2027-02-03, during the vote"},
        "ballots": {k: v for k, v in result.data["ballots"].items() if k != "mara-quist"},
        "counts": {**result.data["counts"], "eligible": 5, "no": 1},
        "yes_needed": 2,
    }
    _rewrite(books_dir, result.seq, forged)
    out = gov("audit", "verify")
    assert out.exit_code == 1
    assert "drops mara-quist, who did not leave during the vote" in out.output
    assert "does not match a recount" not in out.output


def test_proposer_and_deadline(gov: Coop) -> None:
    refused(gov("propose", "general", "--text", "x", "--by", "mara-quist", input="wrong-one\n", env=at("2027-02-01")), "wrong credential")
    out = gov(
        "propose",
        "general",
        "--text",
        "Shared intake form",
        "--by",
        "mara-quist",
        "--deadline",
        "2027-02-05",
        env=at("2027-02-01", "mara-quist"),
    )
    ok(out)
    data = show(gov, "P-1")
    assert data["proposer"] == "mara-quist" and data["deadline"] == "2027-02-05"
    refused(vote(gov, "2027-02-06", "P-1", "teo-abernathy", "yes"), "ended on 2027-02-05")
    _terminate(gov, "2027-02-01")
    refused(gov("proposal", "close", "P-2", env=at("2027-02-10")), "has not opened yet (opens 2027-03-01)")
    refused(
        gov("propose", "general", "--text", "x", "--deadline", "2027-01-10", env=at("2027-02-01")),
        "the deadline 2027-01-10 is before voting opens on 2027-02-01",
    )
    listing = ok(gov("proposal", "list", "--json", env=at("2027-02-10"))).output
    # The refused ballot on 2027-02-06 was a command that writes: it first closed P-1, whose time had come.
    assert [(p["id"], p["status"]) for p in json.loads(listing)] == [("P-1", "no quorum"), ("P-2", "notice")]


def test_rules_come_from_federation_yaml(coop: Coop, books_dir: Path, enrol: Callable[..., Result]) -> None:
    path = books_dir / "federation.yaml"
    text = path.read_text()
    start = text.index("  onboarding:\n")
    block_end = text.index("\n  admin_staffing:")
    custom = '  onboarding:\n    method: supermajority\n    threshold: "3/4"\n    quorum: "2/3"\n    voting_days: 7\n    secret: true'
    path.write_text(text[:start] + custom + text[block_end:])
    for m in MEMBERS:
        ok(enrol(coop, m, env=at("2027-01-04", m)))
    ok(propose_onboarding(coop))
    data = show(coop, "P-1")
    assert data["deadline"] == "2027-02-07"
    assert data["rule"]["threshold"] == "3/4" and data["rule"]["secret"] is True
    for m in MEMBERS[:4]:
        ok(vote(coop, "2027-02-02", "P-1", m, "yes"))
    ok(vote(coop, "2027-02-02", "P-1", "noor-haddad", "no"))
    # 4 of 5 votes cast is 80%, at least 3/4 (ceil(15/4) = 4): passes.
    assert "4 yes of 5 votes cast; 4 needed" in ok(coop("proposal", "close", "P-1", env=at("2027-02-08"))).output
    assert "Ballots (secret: receipts only; 5 current, 0 superseded)" in ok(coop("proposal", "show", "P-1")).output


def test_the_founding_file_states_every_rule(books_dir: Path) -> None:
    text = (books_dir / "federation.yaml").read_text()
    assert "  general:\n    method: consensus" in text
    assert "ratification_days: 7" in text


def test_the_demo_runs_the_three_votes(demo_run: Callable[[str], tuple[str, Path]]) -> None:
    out, _ = demo_run("federation")
    assert "P-1 passed: 4 yes of 5 votes cast; 3 needed" in out
    assert "Lena Marsh (lena-marsh) joins on 2027-03-01" in out
    assert "P-2 no quorum: no quorum: 2 of 7 took part, 4 needed" in out
    assert "P-3 passed: 5 yes of 6 votes cast; 4 needed" in out and "manual version 2 adopted" in out
    assert "P-4 failed: blocked by 1 member" in out
    assert "OK:" in out


def test_votes_cannot_be_withdrawn(gov: Coop, books_dir: Path) -> None:
    ok(propose_onboarding(gov))
    ok(vote(gov, "2027-02-02", "P-1", "mara-quist", "yes"))
    books = open_books(books_dir)
    seq = books.journal.entries(["ballot.cast"])[0].seq
    books.close()
    refused(gov("journal", "void", str(seq), "--reason", "oops"), "is a ballot.cast entry, which cannot be withdrawn")


def test_decision_rules_change_only_by_vote(gov: Coop, books_dir: Path) -> None:
    ok(propose_onboarding(gov))  # records the founding rules
    path = books_dir / "federation.yaml"
    text = path.read_text()
    start = text.index("  termination:\n")
    path.write_text(text[:start] + text[start:].replace('threshold: "2/3"', 'threshold: "1/2"', 1).replace("supermajority", "majority", 1))
    ok(gov("audit", "seal", "--reason", "tidy up"))  # resealing accepts the file...
    refused(gov("propose", "general", "--text", "x", env=at("2027-02-02")), "decision rules for termination in federation.yaml differ")
    out = gov("audit", "verify")  # ...but the audit still says the rules changed without a vote
    assert out.exit_code == 1 and "differ from those recorded" in out.output
