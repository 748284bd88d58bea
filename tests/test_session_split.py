"""The session split co-op: the seed's figures, quarterly payouts, votes with effects, documents from data."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import _enrol

from cli import main
from engine.books.folder import Books, open_books
from engine.books.founding import create_books
from engine.books.presets import render_founding
from engine.ledger.accounts import trial_balance
from engine.ledger.closing import closes
from engine.models.session_split.sessions import sessions, split_session, tie_example, ties

MEMBERS = ["ana-ruiz", "bo-lind", "cy-moss"]
BUDGET = [
    ("licensing", "Licensing fees", "licensing", 15000, "State boards"),
    ("supervision", "Contracted supervision", "supervision", 90000, "Dr. First Supervisor"),
    ("software", "Therapy software", "software", 18000, "Example EHR"),
    ("state-fees", "State fees", "state_fees", 6000, "State offices"),
]

Run = Callable[..., Result]


def founding(share: str | None = None) -> str:
    text = render_founding(
        name="Split Co-Op",
        founded=date(2027, 1, 1),
        entity={"legal_name": "Split Co-Op LLC"},
        model="session_split",
        providers=[
            {
                "id": m,
                "name": m.replace("-", " ").title(),
                "practice": "Split Co-Op LLC",
                "licence": f"LMSW-{i}",
                "email": f"{m}@example.org",
                "start": "2027-01-01",
            }
            for i, m in enumerate(MEMBERS)
        ],
        budget=[
            {
                "id": i,
                "name": n,
                "category": c,
                "monthly": m,
                "vendor": v,
                "cooperative_vendor": False,
                "effective": "2027-01-01",
                "until": None,
            }
            for i, n, c, m, v in BUDGET
        ],
    )
    if share is not None:
        text = text.replace('clinician_share: "7/10"', f'clinician_share: "{share}"')
        assert f'clinician_share: "{share}"' in text
    return text


def make(folder: Path, share: str | None = None) -> Run:
    create_books(folder, text=founding(share))
    runner = CliRunner()

    def run(*args: str, day: str = "2027-01-10", member: str | None = None) -> Result:
        env = {"COOP_NOW": f"{day}T09:00:00", **({"COOP_CREDENTIAL": f"pw-{member}"} if member else {})}
        return runner.invoke(main, ["--books", str(folder), *args], env=env, catch_exceptions=False)

    run.folder = folder  # type: ignore[attr-defined]
    return run


@pytest.fixture
def split(tmp_path: Path) -> Run:
    run = make(tmp_path / "split")
    for m in MEMBERS:
        assert _enrol(run, m, day="2027-01-02", member=m).exit_code == 0
    return run


@contextmanager
def books_of(folder: Path) -> Iterator[Books]:
    books = open_books(folder)
    try:
        yield books
    finally:
        books.close()


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def refused(result: Result, text: str) -> None:
    assert result.exit_code == 2, result.output
    assert text in result.output


def decide(run: Run, proposal: str, day: str, choices: dict[str, str]) -> Result:
    for m, choice in choices.items():
        ok(run("vote", "cast", proposal, "--member", m, "--choice", choice, day=day, member=m))
    return ok(run("proposal", "close", proposal, day=day))


# --- the split --------------------------------------------------------------------------


def test_the_seeds_figures_a_120_session_is_84_and_36(split: Run) -> None:
    assert split_session(12000, Fraction(7, 10), "any") == (8400, 3600)
    out = ok(split("session", "record", "ana-ruiz", "120.00", "--on", "2027-01-05")).output
    assert "$84.00 to the clinician, $36.00 to the co-op" in out


def test_an_exact_tie_goes_by_the_session_id_rotation() -> None:
    share = Fraction(7, 10)
    assert tie_example(share) == 12005 and ties(12005, share) and not ties(12000, share)
    outcomes = {split_session(12005, share, f"S-{n}") for n in range(1, 41)}
    assert outcomes == {(8404, 3601), (8403, 3602)}, "each side wins some tied cents"
    assert split_session(12005, share, "S-7") == split_session(12005, share, "S-7"), "reproducible from the id"
    assert tie_example(Fraction(1, 3)) is None, "a share with an odd denominator never ties"


def test_a_share_changed_by_vote_applies_from_its_date(split: Run) -> None:
    ok(
        split(
            "propose",
            "parameter-change",
            "clinician_share",
            "3/4",
            "--from",
            "2027-03-01",
            "--by",
            "ana-ruiz",
            day="2027-02-01",
            member="ana-ruiz",
        )
    )
    assert "passed" in decide(split, "P-1", "2027-02-02", {"ana-ruiz": "yes", "bo-lind": "yes"}).output
    ok(split("session", "record", "bo-lind", "120.00", "--on", "2027-02-28", day="2027-03-02"))
    ok(split("session", "record", "bo-lind", "120.00", "--on", "2027-03-01", day="2027-03-02"))
    with books_of(split.folder) as books:  # type: ignore[attr-defined]
        got = [(s.on, s.clinician, s.coop, s.share) for s in sessions(books)]
    assert got == [(date(2027, 2, 28), 8400, 3600, "7/10"), (date(2027, 3, 1), 9000, 3000, "3/4")]


# --- the quarter ---------------------------------------------------------------------------


def test_a_quarter_pays_its_surplus_out_equally_to_full_quarter_owners(split: Run) -> None:
    for i, m in enumerate(MEMBERS):
        for n in range(10 + i):
            ok(split("session", "record", m, "120.00", "--on", f"2027-02-{n + 1:02d}"))
    ok(split("expense", "record", "supervision", "900.00", "--on", "2027-02-20", "--receipt", "SUP-1", day="2027-02-20"))
    ok(split("expense", "record", "software", "180.00", "--on", "2027-03-20", "--receipt", "SW-1", day="2027-03-20"))
    # 33 sessions x $36 = $1,188 to the co-op; less $1,080 of expenses = $108 surplus, $36 each.
    out = ok(split("payout", "quarter", "2027-01", "--on", "2027-04-02", day="2027-04-02")).output
    assert "$1,188.00" in out and "$108.00" in out and out.count("$36.00") == 3
    with books_of(split.folder) as books:  # type: ignore[attr-defined]
        close = closes(books)["2027-01"]
        assert close.refunds == {m: 3600 for m in MEMBERS} and close.profit == 0 and close.carried_forward == 0
        assert trial_balance(books, date(2027, 4, 2))["payouts"] == 10800
    refused(split("session", "record", "ana-ruiz", "120.00", "--on", "2027-03-31", day="2027-04-03"), "closed")


def test_cycle_close_is_the_same_quarterly_close_and_fee_rules_state_the_split(split: Run) -> None:
    ok(split("session", "record", "ana-ruiz", "120.00", "--on", "2027-02-01"))
    dry = ok(split("cycle", "close", "2027-01", "--on", "2027-04-02", "--dry-run", day="2027-04-02")).output
    assert "Would close quarter 2027-01" in dry and "$36.00" in dry and "$12.00" in dry
    assert ok(split("payout", "quarter", "2027-01", "--on", "2027-04-02", "--dry-run", day="2027-04-02")).output == dry
    rules = ok(split("fees", "rules")).output
    assert "70% to the clinician, 30% to the co-op (a $120.00 session: $84.00 and $36.00)" in rules and "such as $120.05" in rules


def test_a_deficit_is_carried_to_the_next_quarter_and_met_first(split: Run) -> None:
    ok(split("session", "record", "ana-ruiz", "100.00", "--on", "2027-02-01"))
    ok(split("expense", "record", "supervision", "900.00", "--on", "2027-02-20", "--receipt", "SUP-1", day="2027-02-20"))
    ok(split("payout", "quarter", "2027-01", "--on", "2027-04-02", day="2027-04-02"))
    for _ in range(30):
        ok(split("session", "record", "bo-lind", "100.00", "--on", "2027-05-03", day="2027-05-03"))
    ok(split("payout", "quarter", "2027-04", "--on", "2027-07-02", day="2027-07-02"))
    with books_of(split.folder) as books:  # type: ignore[attr-defined]
        q1, q2 = closes(books)["2027-01"], closes(books)["2027-04"]
    assert q1.surplus == 3000 - 90000 and q1.carried_forward == -87000 and q1.refunds == {}
    assert q2.brought_forward == -87000 and q2.surplus == 90000 - 87000 == sum(q2.refunds.values()) and q2.profit == 0


def test_a_member_inducted_mid_quarter_shares_by_days_as_owner(split: Run) -> None:
    ok(
        split(
            "propose",
            "onboarding",
            "di-park",
            "--name",
            "Di Park",
            "--practice",
            "Split Co-Op LLC",
            "--licence",
            "LMSW-9",
            "--email",
            "di@example.org",
            "--start",
            "2027-03-01",
            "--by",
            "cy-moss",
            day="2027-02-10",
            member="cy-moss",
        )
    )
    assert "joins on 2027-03-01" in decide(split, "P-1", "2027-02-11", dict.fromkeys(MEMBERS, "yes")).output
    for _ in range(25):
        ok(split("session", "record", "di-park", "119.00", "--on", "2027-03-15", day="2027-03-15"))
    ok(split("payout", "quarter", "2027-01", "--on", "2027-04-02", day="2027-04-02"))
    with books_of(split.folder) as books:  # type: ignore[attr-defined]
        close = closes(books)["2027-01"]
    # 25 x $35.70 = $892.50 over 90 + 90 + 90 + 31 days.
    assert close.months == {"ana-ruiz": "90 days", "bo-lind": "90 days", "cy-moss": "90 days", "di-park": "31 days"}
    assert sum(close.refunds.values()) == 89250 and close.refunds["di-park"] in (9191, 9192)
    assert all(close.refunds[m] in (26686, 26687) for m in MEMBERS)


def test_surplus_use_commits_its_amount_in_the_ledger_before_the_payout(split: Run) -> None:
    for _ in range(100):
        ok(split("session", "record", "ana-ruiz", "120.00", "--on", "2027-02-01"))
    refused(split("propose", "surplus-use", "--text", "EMDR training", day="2027-02-05"), "commits an amount")
    ok(
        split(
            "propose", "surplus-use", "--text", "Send Bo to EMDR training", "--member", "bo-lind", "--amount", "1800.00", day="2027-02-05"
        )
    )
    assert "$1,800.00 committed against quarter 2027-01" in decide(split, "P-1", "2027-02-06", {"ana-ruiz": "yes", "cy-moss": "yes"}).output
    with books_of(split.folder) as books:  # type: ignore[attr-defined]
        tb = trial_balance(books, date(2027, 2, 6))
    assert tb["surplus_use"] == 180000 and tb["commitments"] == -180000 and sum(tb.values()) == 0
    refused(
        split("payout", "spend", "P-1", "1800.01", "--on", "2027-02-10", "--receipt", "INV-1", day="2027-02-10"), "at most 180000 cents"
    )
    refused(split("payout", "spend", "P-1", "100.00", "--on", "2027-02-10", "--receipt", " ", day="2027-02-10"), "receipt")
    ok(split("payout", "spend", "P-1", "1800.00", "--on", "2027-02-10", "--receipt", "INV-1", day="2027-02-10"))
    refused(split("payout", "spend", "P-1", "0.01", "--on", "2027-02-11", "--receipt", "INV-2", day="2027-02-11"), "has 0 cents left")
    with books_of(split.folder) as books:  # type: ignore[attr-defined]
        tb = trial_balance(books, date(2027, 2, 10))
    assert tb["commitments"] == 0 and tb["cash"] == 100 * 12000 - 180000
    out = ok(split("payout", "quarter", "2027-01", "--on", "2027-04-02", day="2027-04-02")).output
    # $3,600 to the co-op - $1,800 committed = $1,800, $600 each.
    assert "-$1,800.00" in out and out.count("$600.00") == 3


def test_a_supervisor_vote_contracts_the_vendor_on_the_budget_line(split: Run) -> None:
    refused(split("propose", "supervisor", "--text", "Someone", day="2027-02-01"), "names who is contracted")
    ok(
        split(
            "propose",
            "supervisor",
            "--text",
            "Contract Dr. Second",
            "--vendor",
            "Dr. Second Supervisor",
            "--amount",
            "1050.00",
            day="2027-02-01",
        )
    )
    decide(split, "P-1", "2027-02-02", {"ana-ruiz": "yes", "bo-lind": "yes", "cy-moss": "no"})
    out = ok(split("budget", "list", "--as-of", "2027-02-02", day="2027-02-02")).output
    assert "Dr. Second Supervisor" in out and "$1,050.00" in out
    before = ok(split("budget", "list", "--as-of", "2027-02-01", day="2027-02-02")).output
    assert "Dr. First Supervisor" in before and "$900.00" in before


# --- bad input ---------------------------------------------------------------------------


def test_bad_sessions_are_refused_and_nothing_is_recorded(split: Run, tmp_path: Path) -> None:
    refused(split("session", "record", "zed", "120.00", "--on", "2027-01-05"), "unknown member 'zed'")
    refused(split("session", "record", "ana-ruiz", "0", "--on", "2027-01-05"), "more than zero")
    refused(split("session", "record", "ana-ruiz", "120.00", "--on", "2026-12-31"), "not a member on 2026-12-31")
    bad = tmp_path / "s.csv"
    bad.write_text("member,fee,on,ref\nana-ruiz,120.00,2027-01-05,a\nbo-lind,12x,2027-01-05,b\n")
    refused(split("session", "import", str(bad)), "s.csv:3")
    bad.write_text("member,fee,on\nana-ruiz,120.00,2027-01-05\n")
    refused(split("session", "import", str(bad)), "columns")
    with books_of(split.folder) as books:  # type: ignore[attr-defined]
        assert sessions(books) == []
    good = tmp_path / "g.csv"
    good.write_text("member,fee,on,ref\nana-ruiz,120.00,2027-01-05,a\nbo-lind,90.00,2027-01-06,b\n")
    assert "$147.00 to clinicians, $63.00 to the co-op" in ok(split("session", "import", str(good))).output


def test_a_federation_has_no_sessions_and_a_split_coop_no_fee(coop: Run, split: Run) -> None:
    refused(coop("session", "record", "mara-quist", "120.00", "--on", "2027-01-05"), "only in a session split co-op")
    refused(coop("payout", "quarter", "2027-01", "--on", "2027-07-02"), "only in a session split co-op")
    refused(coop("member", "agreement", "--all"), "only in a session split co-op")
    refused(split("fees", "recalc", "2027-01"), "charges no fee")
    issued = ok(split("contracts", "issue", "--all"))  # the same command issues this model's member agreement
    assert "Issued the member agreement for ana-ruiz" in issued.output
    refused(split("member", "agreement", "zed"), "zed")
    refused(split("member", "statement", "ana-ruiz", "20270"), "not a year")
    refused(split("payout", "quarter", "2027-01", "--on", "2027-03-31", day="2027-03-31"), "can be closed after that")


# --- conservation -----------------------------------------------------------------------


def test_cents_are_conserved_across_sessions_expenses_commitments_and_payouts(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    monkeypatch.setenv("COOP_NOW", "2027-07-06T09:00:00")  # the half-year is recorded at its end, as a bookkeeper catches up

    from engine.books.cycles import parse_cycle
    from engine.ledger.closing import close
    from engine.models.session_split.payouts import COMMITTED
    from engine.models.session_split.sessions import SESSION

    session = st.tuples(st.sampled_from(MEMBERS), st.integers(1, 40000), st.integers(0, 179))
    expense = st.tuples(st.sampled_from([b[0] for b in BUDGET]), st.integers(1, 300000), st.integers(0, 179))
    commitment = st.tuples(st.integers(1, 200000), st.integers(0, 179))

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        st.lists(session, max_size=30),
        st.lists(expense, max_size=6),
        st.lists(commitment, max_size=3),
        st.sampled_from(["days_as_owner", "per_head"]),
        st.sampled_from(["7/10", "2/3", "13/20", "1/2", "1"]),
    )
    def check(ss: list[tuple[str, int, int]], es: list[tuple[str, int, int]], cs: list[tuple[int, int]], basis: str, share: str) -> None:
        from datetime import timedelta

        from engine.books.budget import line_versions
        from engine.ledger.accounts import record_expense
        from engine.models.session_split.payouts import pay_members
        from engine.models.session_split.sessions import record_session

        folder = tmp_path_factory.mktemp("prop")
        create_books(folder, text=founding(share).replace("payout_basis: days_as_owner", f"payout_basis: {basis}"))
        start = date(2027, 1, 1)
        with books_of(folder) as books:
            for m, fee, d in ss:
                record_session(books, m, fee, start + timedelta(days=d))
            for line, amount, d in es:
                assert line in line_versions(books)
                record_expense(books, line, amount, start + timedelta(days=d), receipt="R")
            for amount, d in cs:
                with books.transaction() as w:
                    from engine.models.session_split.payouts import apply_commitment

                    apply_commitment(w, books, amount=amount, text="training", member=None, proposal="P-0", on=start + timedelta(days=d))
            results = [close(books, parse_cycle(q, books.federation.cycle), date(2027, 7, 5))[0] for q in ("2027-01", "2027-04")]
            paid = pay_members(books, date(2027, 7, 6))
            entries = books.journal.entries([SESSION])
            assert all(e.data["clinician"] + e.data["coop"] == e.data["fee"] for e in entries)
            assert len(books.journal.entries([COMMITTED])) == len(cs)
            for r in results:
                assert r.profit == 0 and sum(r.refunds.values()) == max(r.surplus, 0) and all(v >= 0 for v in r.refunds.values())
                assert r.carried_forward == min(r.surplus, 0)
            assert results[1].brought_forward == results[0].carried_forward
            tb = trial_balance(books, date(2027, 7, 6))
            assert sum(tb.values()) == 0
            fees = sum(f for _, f, _ in ss)
            assert tb.get("cash", 0) == fees - sum(a for _, a, _ in es) - sum(paid.values())
            assert tb.get("income:coop_share", 0) == -sum(e.data["coop"] for e in entries)
            assert all(tb.get(f"provider:{m}", 0) == 0 for m in MEMBERS), "payday pays every member all they are owed"

    check()


# --- documents ---------------------------------------------------------------------------


def test_the_manual_states_the_split_from_data(tmp_path: Path) -> None:
    seventy = make(tmp_path / "a")
    ok(seventy("manual", "render", "1", "--out", str(tmp_path / "out-a")))
    text = (tmp_path / "out-a" / "manual" / "manual-v1.md").read_text()
    assert "70% (seven tenths) goes to the clinician" in text and "pays the clinician $84.00 and the co-op $36.00" in text
    assert "such as $120.05" in text and "parent" not in text.lower() and "federation" not in text.lower()
    assert "Dr. First Supervisor" in text and "Inducting a new member" in text
    three_quarters = make(tmp_path / "b", share="3/4")
    ok(three_quarters("manual", "render", "1", "--out", str(tmp_path / "out-b")))
    other = (tmp_path / "out-b" / "manual" / "manual-v1.md").read_text()
    assert "75% (three quarters) goes to the clinician who held the session and 25% to the co-op" in other
    assert "pays the clinician $90.00 and the co-op $30.00" in other and "such as $120.02" in other


def test_a_share_voted_from_a_date_changes_what_the_manual_states_from_that_date(split: Run) -> None:
    from engine.models.session_split.documents import manual_context

    ok(split("propose", "parameter-change", "clinician_share", "13/20", "--from", "2027-07-01", day="2027-02-01"))
    decide(split, "P-1", "2027-02-02", {"ana-ruiz": "yes", "bo-lind": "yes", "cy-moss": "no"})
    with books_of(split.folder) as books:  # type: ignore[attr-defined]
        before = manual_context(books, 2, date(2027, 6, 30), "s").split
        after = manual_context(books, 2, date(2027, 7, 1), "s").split
    assert (before.clinician_percent, before.example_clinician, before.example_coop) == ("70%", 8400, 3600)
    assert (after.clinician_percent, after.coop_percent, after.example_clinician, after.example_coop) == ("65%", "35%", 7800, 4200)
    assert after.tie_fee is not None and ties(after.tie_fee, Fraction(13, 20))


def test_member_agreements_and_annual_statements(split: Run, tmp_path: Path) -> None:
    out = ok(split("member", "agreement", "--all", "--on", "2027-01-05", "--out", str(tmp_path / "docs"))).output
    assert out.count("Issued the member agreement") == 3
    agreement = (tmp_path / "docs" / "agreements" / "member-agreement-ana-ruiz.md").read_text()
    assert "70% (seven tenths) to the member and 30% to the co-op" in agreement and "$84.00" in agreement
    assert (tmp_path / "docs" / "agreements" / "member-agreement-ana-ruiz.docx").read_bytes()[:2] == b"PK"
    assert "not yet recorded" not in ok(split("manual", "versions")).output, "the first agreement fixes the manual's text"
    ok(split("session", "record", "ana-ruiz", "120.00", "--on", "2027-02-01"))
    ok(split("session", "record", "ana-ruiz", "90.00", "--on", "2027-05-01", day="2027-05-01"))
    ok(split("payout", "quarter", "2027-01", "--on", "2027-04-02", day="2027-04-02"))
    ok(split("payout", "members", "--on", "2027-04-03", day="2027-04-03"))
    csv_path, md_path, docx_path = tmp_path / "st.csv", tmp_path / "st.md", tmp_path / "st.docx"
    args = ("--csv", str(csv_path), "--md", str(md_path), "--docx", str(docx_path))
    out = ok(split("member", "statement", "ana-ruiz", "2027", *args, day="2028-01-05")).output
    assert docx_path.read_bytes()[:2] == b"PK"
    rows = list(csv.DictReader(csv_path.open()))
    assert [r["fees"] for r in rows] == ["120.00", "90.00", "0.00", "0.00", "210.00"]
    assert rows[0]["your share"] == "84.00" and rows[0]["to the co-op"] == "36.00" and rows[0]["payout"] == "12.00"
    assert rows[1]["payout"] == "" and "open" in out, "an open quarter has no payout yet"
    # Paid in April: $84.00 share + $12.00 payout; owed at year end: May's $63.00 share.
    assert "$96.00" in out and "$63.00" in md_path.read_text()


def test_the_demo_runs_a_year(demo_run: Callable[[str], tuple[str, Path]]) -> None:
    output, _ = demo_run("session_split")
    assert "$84.00 to the clinician, $36.00 to the co-op" in output
    assert output.count("Closed quarter") == 4 and "OK:" in output
    assert "total                                $0.00" in output


def test_the_cycle_must_be_the_payout_quarter(tmp_path: Path) -> None:
    from engine.books.config import load_federation
    from engine.errors import UserError

    path = tmp_path / "federation.yaml"
    path.write_text(founding().replace("months: 3 ", "months: 6 ", 1))
    with pytest.raises(UserError, match=r"must equal parameters\.payout_every_months"):
        load_federation(path)
