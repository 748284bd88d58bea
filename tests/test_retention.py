"""The retention model reproduces the seed's rules with hand-computed figures.

The co-op in these tests: six founding owners and one probationer (Kit, from
1 January 2027), a budget of rent $4,200.00 + bills $1,400.00 + accounting
$700.00 + billing $700.00 = $7,000.00 a month, so an equal share over seven
is $1,000.00 and a share of rent $600.00.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import _enrol
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import main
from engine.books.cycles import Cycle, Month
from engine.books.folder import open_books
from engine.books.founding import create_books
from engine.books.presets import render_founding
from engine.ledger import fees
from engine.ledger.accounts import provider_balances, trial_balance
from engine.models.retention import revenue as retention
from engine.models.retention import statements as retention_statements

FOUNDERS = ["ada-fenn", "ben-oduya", "cleo-marr", "dev-patel", "eli-soto", "fay-lund"]
KIT = "kit-haas"
BUDGET = [("rent", "rent", 420000), ("bills", "other", 140000), ("accounting", "bookkeeping", 70000), ("billing", "other", 70000)]
FIRST = Cycle(Month(2027, 1), 6)


def founding(share: str | None = None) -> str:
    text = render_founding(
        name="Test Retention Co-Op",
        founded=date(2027, 1, 1),
        entity={"legal_name": "Test Retention LLC"},
        model="retention",
        providers=[
            {
                "id": p,
                "name": p.title(),
                "practice": "Test Retention LLC",
                "licence": f"LPC-{i}",
                "email": f"{p}@example.org",
                "start": "2027-01-01",
            }
            for i, p in enumerate(FOUNDERS)
        ],
        budget=[
            {
                "id": i,
                "name": i.title(),
                "category": c,
                "monthly": m,
                "vendor": "Vendor",
                "cooperative_vendor": False,
                "effective": "2027-01-01",
                "until": None,
            }
            for i, c, m in BUDGET
        ],
    )
    if share is not None:
        text = text.replace('probation_coop_share: "1/10"', f'probation_coop_share: "{share}"')
    return text


def make(folder: Path, share: str | None = None) -> Callable[..., Result]:
    create_books(folder, text=founding(share))
    runner = CliRunner()

    def run(*args: str, day: str = "2027-01-02", member: str | None = None) -> Result:
        env = {"COOP_NOW": f"{day}T09:00:00", **({"COOP_CREDENTIAL": f"pw-{member}"} if member else {})}
        return runner.invoke(main, ["--books", str(folder), *args], env=env, catch_exceptions=False)

    assert (
        run(
            "provider",
            "join",
            KIT,
            "--name",
            "Kit Haas",
            "--practice",
            "Test Retention LLC",
            "--licence",
            "LMHC-9",
            "--email",
            "kit@example.org",
            "--on",
            "2027-01-01",
        ).exit_code
        == 0
    )
    assert run("fees", "recalc", "2027-01").exit_code == 0
    for m in [*FOUNDERS, KIT]:
        assert _enrol(run, m, member=m).exit_code == 0
    run.folder = folder  # type: ignore[attr-defined]
    return run


@pytest.fixture
def coop(tmp_path: Path) -> Callable[..., Result]:
    return make(tmp_path / "books")


def _charges(run: Callable[..., Result], cycle: Cycle = FIRST) -> dict[str, list[int]]:
    books = open_books(run.folder)  # type: ignore[attr-defined]
    try:
        return fees.charges(books, cycle)
    finally:
        books.close()


def _all_yes(run: Callable[..., Result], proposal: str, day: str, voters: list[str]) -> None:
    for m in voters:
        r = run("vote", "cast", proposal, "--member", m, "--choice", "yes", day=day, member=m)
        assert r.exit_code == 0, r.output


# --- the seed's figures -------------------------------------------------------------------


def test_each_member_pays_an_equal_share_of_the_shared_expenses(coop: Callable[..., Result]) -> None:
    ch = _charges(coop)
    assert set(ch) == {*FOUNDERS, KIT}
    assert all(row == [100_000] * 6 for row in ch.values()), "$7,000.00 over seven members is $1,000.00 each"


def test_a_probationer_with_8000_of_revenue_pays_800_to_the_coop(coop: Callable[..., Result]) -> None:
    r = coop("revenue", "record", KIT, "8000.00", "--month", "2027-01", day="2027-02-02")
    assert r.exit_code == 0, r.output
    assert "$800.00 to the co-op" in r.output and "$7,200.00 kept" in r.output
    owner = coop("revenue", "record", "ada-fenn", "8000.00", "--month", "2027-01", day="2027-02-02")
    assert "all kept" in owner.output, "an owner keeps 100%"
    books = open_books(coop.folder)  # type: ignore[attr-defined]
    tb = trial_balance(books, date(2027, 2, 2))
    balances = provider_balances(books, date(2027, 2, 2))
    books.close()
    assert tb["income:probation_levy"] == -80_000
    assert tb["cash"] == 1_600_000
    assert sum(tb.values()) == 0
    # Kit's account: two months' charges ($2,000.00) less the $7,200.00 credited to her
    assert balances[KIT] == 200_000 - 720_000
    assert balances["ada-fenn"] == 200_000 - 800_000
    books = open_books(coop.folder)  # type: ignore[attr-defined]
    s = retention_statements.annual_statement(books, KIT, 2027)
    books.close()
    summary = dict(s.rows())
    assert summary["Revenue recorded"] == 800_000 and summary["Co-op levy (probation)"] == 80_000
    assert summary["Share of shared expenses"] == 6 * 100_000, "the first cycle's six months (the second's fee is not set yet)"
    assert summary["Net kept"] == 720_000 - 600_000
    from engine.documents.statements import statement

    books = open_books(coop.folder)  # type: ignore[attr-defined]
    cycle_statement = statement(books, KIT, FIRST, as_of=FIRST.last_day)
    at_end = provider_balances(books, FIRST.last_day)[KIT]
    books.close()
    assert cycle_statement.arrears == at_end == 600_000 - 720_000, "the cycle statement counts the revenue credited"
    assert {m.status for m in s.months} == {"probation"}, "no membership decision yet"


def test_leave_owes_only_the_rent_share_and_the_others_cover_the_rest(coop: Callable[..., Result]) -> None:
    r = coop("leave", "start", "cleo-marr", "--from", "2027-02-01", "--until", "2027-04-30", "--kind", "disability", day="2027-01-20")
    assert r.exit_code == 0, r.output
    ch = _charges(coop)
    assert ch["cleo-marr"] == [100_000, 60_000, 60_000, 60_000, 100_000 + 3_750, 103_750]
    # from February: $42,000 - $7,000 charged in January - 3 x $600 of rent shares = $33,200 over 32 provider-months
    assert ch["ada-fenn"] == [100_000] + [103_750] * 5
    assert sum(sum(row) for row in ch.values()) == 6 * 700_000, "the cycle's budget, to the cent"
    assert "$1,037.50" in r.output


def test_a_leave_ended_early_brings_back_a_full_share(coop: Callable[..., Result]) -> None:
    coop("leave", "start", "cleo-marr", "--from", "2027-02-01", "--until", "2027-04-30", "--kind", "disability", day="2027-01-20")
    r = coop("leave", "end", "cleo-marr", "--on", "2027-02-28", day="2027-02-20")
    assert r.exit_code == 0, r.output
    ch = _charges(coop)
    # from March: $42,000 - $7,000 (January) - $6,825 (February: $600 + 6 x $1,037.50) = $28,175 over 28 provider-months
    assert ch["cleo-marr"] == [100_000, 60_000] + [100_625] * 4
    assert ch["ada-fenn"] == [100_000, 103_750] + [100_625] * 4
    assert sum(sum(row) for row in ch.values()) == 6 * 700_000
    again = coop("leave", "end", "cleo-marr", "--on", "2027-03-15", day="2027-02-21")
    assert again.exit_code == 2 and "not on extended leave" in again.output


def test_a_rent_cover_vote_relieves_the_member_and_the_statement_shows_it(coop: Callable[..., Result]) -> None:
    coop("leave", "start", "cleo-marr", "--from", "2027-02-01", "--until", "2027-04-30", "--kind", "family", day="2027-01-20")
    opened = coop("propose", "rent-cover", "--member", "cleo-marr", "--text", "Cover Cleo's rent", day="2027-02-03")
    assert opened.exit_code == 0, opened.output
    assert f"Recused: {KIT} (in probation" in opened.output, "a probationer does not vote"
    _all_yes(coop, "P-1", "2027-02-04", FOUNDERS)
    closed = coop("proposal", "close", "P-1", day="2027-02-18")
    assert "covered by the co-op from 2027-02 through 2027-04" in closed.output, closed.output
    ch = _charges(coop)
    assert ch["cleo-marr"][1:4] == [0, 0, 0]
    assert sum(sum(row) for row in ch.values()) >= 6 * 700_000
    books = open_books(coop.folder)  # type: ignore[attr-defined]
    s = retention_statements.annual_statement(books, "cleo-marr", 2027)
    books.close()
    assert s.total("rent_covered") == 3 * 60_000
    assert [m.status for m in s.months[:5]] == [
        "owner",
        "family leave, rent covered",
        "family leave, rent covered",
        "family leave, rent covered",
        "owner",
    ]


def test_membership_opens_on_the_date_and_passing_makes_an_owner(coop: Callable[..., Result]) -> None:
    assert "Nothing is due" in coop("due", day="2027-06-30").output
    waiting = {"member": KIT, "status": "probation", "since": "2027-01-01", "decision_due": "2027-07-01"}
    assert waiting in json.loads(coop("owners", "--json", day="2027-06-30").output)
    due = coop("due", day="2027-07-01")
    assert "Opened P-1: Membership: Kit Haas" in due.output and "6 owners may vote" in due.output
    assert "Cycle 2027-07 to 2027-12 began on 2027-07-01 with no fee set" in due.output, "a cycle with no fee is flagged, not charged 0.00"
    assert coop("fees", "recalc", "2027-07", day="2027-07-01").exit_code == 0
    assert "Nothing is due" in coop("due", day="2027-07-02").output, "never opened twice"
    assert coop("vote", "cast", "P-1", "--member", KIT, "--choice", "yes", day="2027-07-02", member=KIT).exit_code == 2
    _all_yes(coop, "P-1", "2027-07-02", FOUNDERS)
    closed = coop("proposal", "close", "P-1", day="2027-07-15")
    assert f"{KIT} is a member-owner from 2027-07-15" in closed.output
    owner = {"member": KIT, "status": "owner", "since": "2027-07-15", "decision_due": None}
    assert owner in json.loads(coop("owners", "--json", day="2027-07-16").output)
    june = coop("revenue", "record", KIT, "1000.00", "--month", "2027-06", day="2027-07-20")
    july = coop("revenue", "record", KIT, "1000.00", "--month", "2027-07", day="2027-07-20")
    assert "$100.00 to the co-op" in june.output, "June ended before she became an owner"
    assert "all kept" in july.output


def test_a_failed_membership_leaves_the_member_in_probation(coop: Callable[..., Result]) -> None:
    coop("due", day="2027-07-01")
    _all_yes(coop, "P-1", "2027-07-02", FOUNDERS[:-1])
    coop("vote", "cast", "P-1", "--member", FOUNDERS[-1], "--choice", "block", "--reason", "Not yet", day="2027-07-02", member=FOUNDERS[-1])
    assert "failed" in coop("proposal", "close", "P-1", day="2027-07-15").output
    assert "$100.00 to the co-op" in coop("revenue", "record", KIT, "1000.00", "--month", "2027-08", day="2027-08-02").output
    again = coop("propose", "membership", "--member", KIT, "--text", "Admit Kit after the review", day="2027-08-03")
    assert again.exit_code == 0, again.output


# --- mistakes: one line, exit 2, nothing recorded -------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("revenue", "record", KIT, "100.00", "--month", "2026-12"), "was not a member in 2026-12"),
        (("revenue", "record", KIT, "100.00", "--month", "2027-13"), "is not a month"),
        (("revenue", "record", KIT, "100.00", "--month", "2027-03"), "has not begun"),
        (("revenue", "record", "nobody", "100.00", "--month", "2027-01"), "unknown provider 'nobody'"),
        (("revenue", "record", KIT, "0", "--month", "2027-01"), "more than zero"),
        (("leave", "start", KIT, "--from", "2027-02-01", "--until", "2027-08-01", "--kind", "family"), "at most 6 months"),
        (("leave", "start", KIT, "--from", "2027-02-01", "--until", "2027-01-01", "--kind", "family"), "before it starts"),
        (("propose", "rent-cover", "--member", KIT, "--text", "Cover"), "no extended leave"),
        (("propose", "membership", "--member", "ada-fenn", "--text", "Admit"), "already a member-owner"),
    ],
)
def test_mistakes_are_one_line_and_change_nothing(coop: Callable[..., Result], args: tuple[str, ...], message: str) -> None:
    before = (coop.folder / "journal.sqlite3").read_bytes()  # type: ignore[attr-defined]
    r = coop(*args, day="2027-02-02")
    assert r.exit_code == 2 and message in r.output and len(r.output.strip().splitlines()) == 1, r.output
    assert (coop.folder / "journal.sqlite3").read_bytes() == before  # type: ignore[attr-defined]


def test_a_revenue_import_is_all_or_none(coop: Callable[..., Result]) -> None:
    path = coop.folder / "rev.csv"  # type: ignore[attr-defined]
    path.write_text("member,month,amount,note\nada-fenn,2027-01,5000.00,\nkit-haas,2027-01,12.345,\n")
    r = coop("revenue", "import", str(path), day="2027-02-02")
    assert r.exit_code == 2 and "rev.csv:3: amount:" in r.output, r.output
    assert "revenue for" not in coop("ledger", "list", day="2027-02-02").output
    path.write_text("member,month,amount,note\nada-fenn,2027-01,5000.00,\nkit-haas,2027-01,3000.05,\n")
    assert "Recorded 2 revenues totalling $8,000.05" in coop("revenue", "import", str(path), day="2027-02-02").output


def test_a_revenue_import_names_a_missing_file_or_column(coop: Callable[..., Result]) -> None:
    missing = coop("revenue", "import", str(coop.folder / "nope.csv"), day="2027-02-02")  # type: ignore[attr-defined]
    assert missing.exit_code == 2 and "file not found" in missing.output
    path = coop.folder / "cols.csv"  # type: ignore[attr-defined]
    path.write_text("member,amount\nada-fenn,10.00\n")
    r = coop("revenue", "import", str(path), day="2027-02-02")
    assert r.exit_code == 2 and "missing column month" in r.output


def test_the_annual_statement_is_the_same_bytes_every_time(coop: Callable[..., Result]) -> None:
    coop("revenue", "record", KIT, "8000.00", "--month", "2027-01", day="2027-02-02")
    out = coop.folder  # type: ignore[attr-defined]
    for name in ("a", "b"):
        r = coop(
            "revenue",
            "statement",
            KIT,
            "--year",
            "2027",
            "--csv",
            str(out / f"{name}.csv"),
            "--docx",
            str(out / f"{name}.docx"),
            day="2027-03-01",
        )
        assert r.exit_code == 0, r.output
    assert (out / "a.docx").read_bytes() == (out / "b.docx").read_bytes()
    assert (out / "a.csv").read_text().splitlines()[1] == "2027-01,probation,8000.00,800.00,7200.00,1000.00,0.00,0.00,0.00,6200.00"


def test_the_retention_commands_belong_to_the_retention_model(books_dir: Path) -> None:
    r = CliRunner().invoke(main, ["--books", str(books_dir), "revenue", "record", "mara-quist", "10.00", "--month", "2027-01"])
    assert r.exit_code == 2 and "belong to the retention model" in r.output


# --- properties ------------------------------------------------------------------------------


@given(amount=st.integers(1, 10**9), num=st.integers(0, 50), den=st.integers(1, 50))
def test_a_split_creates_and_loses_no_cent(amount: int, num: int, den: int) -> None:
    share = Fraction(min(num, den), den)
    kept, levy = retention.split(amount, share, "revenue:x:2027-01")
    assert kept + levy == amount
    assert abs(levy - amount * share) <= Fraction(1, 2), "largest remainder: within half a cent"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    leave=st.tuples(st.sampled_from(FOUNDERS), st.integers(1, 6), st.integers(0, 5)),
    cover=st.booleans(),
    revenue=st.lists(st.tuples(st.sampled_from([*FOUNDERS, KIT]), st.integers(1, 2_000_000), st.integers(1, 6)), max_size=8),
)
def test_charges_collect_the_budget_and_the_ledger_balances(
    leave: tuple[str, int, int], cover: bool, revenue: list[tuple[str, int, int]]
) -> None:
    with tempfile.TemporaryDirectory(prefix="retention-prop-") as tmp:
        run = make(Path(tmp) / "b")
        who, start, length = leave
        first = Month(2027, start)
        last = first.plus(length)
        r = run("leave", "start", who, "--from", str(first.first), "--until", str(last.last), "--kind", "family", day="2027-01-03")
        assert r.exit_code == 0, r.output
        if cover:
            run("propose", "rent-cover", "--member", who, "--text", "Cover", day="2027-01-04")
            _all_yes(run, "P-1", "2027-01-05", FOUNDERS)
            assert run("proposal", "close", "P-1", day="2027-01-19").exit_code == 0
        for member, amount, month in revenue:
            assert (
                run(
                    "revenue", "record", member, f"{amount // 100}.{amount % 100:02d}", "--month", f"2027-{month:02d}", day="2027-07-01"
                ).exit_code
                == 0
            )
        books = open_books(run.folder)  # type: ignore[attr-defined]
        try:
            for cycle in (FIRST, Cycle(Month(2027, 7), 6)):
                ch = fees.charges(books, cycle)
                budget = sum(fees.month_totals(books, cycle))
                charged = sum(sum(row) for row in ch.values())
                if fees.settings(books, cycle):
                    assert budget <= charged < budget + 7 * 6 + 6, "rounded up to the cent, never short"
                for i, m in enumerate(cycle.months):
                    if not cover and (first <= m <= min(last, Month(2027, 12))) and m > Month(2027, 1):
                        assert ch[who][i] == 60_000, "on leave: exactly the rent share"
            tb = trial_balance(books, date(2027, 12, 31))
            assert sum(tb.values()) == 0
            assert -tb.get("income:probation_levy", 0) == sum(rv.levy for rv in retention.revenues(books))
            balances = provider_balances(books, date(2027, 12, 31))
            for member in [*FOUNDERS, KIT]:
                statement = retention_statements.annual_statement(books, member, 2027)
                assert statement.net_kept == -balances.get(member, 0), "the statement reconciles with the ledger"
        finally:
            books.close()


# --- documents and the demo ---------------------------------------------------------------------


def _manual(run: Callable[..., Result]) -> str:
    from engine.documents.manual import render_version

    books = open_books(run.folder)  # type: ignore[attr-defined]
    try:
        return render_version(books, 1, date(2027, 1, 1), "Founding version")
    finally:
        books.close()


def test_the_manual_states_the_models_figures_from_data(tmp_path: Path) -> None:
    tenth = _manual(make(tmp_path / "tenth"))
    fifth = _manual(make(tmp_path / "fifth", share="1/5"))
    assert "# Members' handbook" in tenth and "Co-Op Procedures" not in tenth and "parent" not in tenth.lower()
    assert "keeps nine tenths of each revenue they record, and one tenth (10%) goes to the co-op" in tenth
    assert "records $8,000.00 for a month keeps $7,200.00 and the co-op receives $800.00" in tenth
    assert "keeps four fifths of each revenue they record, and one fifth (20%) goes to the co-op" in fifth
    assert "keeps $6,400.00 and the co-op receives $1,600.00" in fifth
    assert "$1,000.00 a month with 7 members" in tenth, "the equal share, as the fee engine quotes it"
    assert "only their share of rent ($4,200.00 a month, about $600.00 each)" in tenth
    assert "| Becoming an owner at the end of probation | consensus" in tenth and "| all of the owners |" in tenth


def test_the_member_agreement_is_issued_for_this_model(coop: Callable[..., Result]) -> None:
    r = coop("contracts", "issue", KIT, "--on", "2027-01-02", "--out", str(coop.folder / "out"), day="2027-01-02")  # type: ignore[attr-defined]
    assert r.exit_code == 0, r.output
    md = next((coop.folder / "out").rglob(f"{KIT}-agreement-v1.md")).read_text()  # type: ignore[attr-defined]
    assert md.startswith("# Member agreement") and "**Test Retention LLC** and **Kit Haas**" in md
    assert "one tenth (10%) of each month's revenue goes to the co-op: on $8,000.00 of revenue, $800.00" in md
    assert next((coop.folder / "out").rglob(f"{KIT}-agreement-v1.docx")).stat().st_size > 0  # type: ignore[attr-defined]


def test_the_member_agreement_sample_renders(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["templates", "sample", "retention-agreement", "--out", str(tmp_path)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert (tmp_path / "samples" / "retention-agreement.md").read_text().startswith("# Member agreement")


def test_the_demo_runs_a_year(demo_run: Callable[[str], tuple[str, Path]]) -> None:
    output, folder = demo_run("retention")
    assert "Recorded $8,000.00 for kit-moreau in 2027-03; $800.00 to the co-op (probation), $7,200.00 kept" in output
    assert "Opened P-3: Membership: Kit Moreau (kit-moreau) becomes a member-owner (due 2027-08-01)." in output
    assert "kit-moreau is a member-owner from 2027-08-15" in output
    assert "maren-solberg's share of rent is covered by the co-op from 2027-05 through 2027-08" in output
    assert "OK:" in output and "total                                 $0.00" in output
    assert (folder / "documents" / "statements" / "2027" / "statement-maren-solberg-2027.docx").is_file()
    assert "Wrote 7 statements" in output
    statement = (folder / "statement-kit-2027.csv").read_text()
    assert "2027-07,probation,8070.00,807.00" in statement and "2027-08,owner,8080.00,0.00" in statement


def test_rent_is_covered_up_to_six_months_of_one_leave_across_votes(coop: Callable[..., Result]) -> None:
    """Seed: the co-op may vote to cover a member's rent during extended leave "up to 6 months"."""
    assert (
        coop("leave", "start", "cleo-marr", "--from", "2027-02-01", "--until", "2027-07-31", "--kind", "family", day="2027-01-20").exit_code
        == 0
    )
    follow = coop("leave", "start", "cleo-marr", "--from", "2027-08-01", "--until", "2027-12-31", "--kind", "family", day="2027-01-21")
    assert follow.exit_code == 2 and "the two are one leave" in follow.output, "a leave back to back with another is the same leave"
    assert coop("propose", "rent-cover", "--member", "cleo-marr", "--text", "Cover Cleo", day="2027-02-03").exit_code == 0
    _all_yes(coop, "P-1", "2027-02-04", FOUNDERS)
    assert "from 2027-02 through 2027-07" in coop("proposal", "close", "P-1", day="2027-02-18").output
    again = coop("propose", "rent-cover", "--member", "cleo-marr", "--text", "Cover Cleo again", day="2027-02-20")
    assert again.exit_code == 2 and "already covered 6 months" in again.output


def test_a_second_vote_covers_only_what_is_left_of_the_six_months(coop: Callable[..., Result]) -> None:
    assert (
        coop("leave", "start", "cleo-marr", "--from", "2027-02-01", "--until", "2027-04-30", "--kind", "family", day="2027-01-20").exit_code
        == 0
    )
    assert (
        coop("leave", "start", "cleo-marr", "--from", "2027-05-01", "--until", "2027-07-31", "--kind", "family", day="2027-01-21").exit_code
        == 0
    )
    assert coop("propose", "rent-cover", "--member", "cleo-marr", "--text", "Cover Cleo", day="2027-02-03").exit_code == 0
    _all_yes(coop, "P-1", "2027-02-04", FOUNDERS)
    assert "from 2027-02 through 2027-07" in coop("proposal", "close", "P-1", day="2027-02-18").output, "both records are one leave"
