"""The fee engine: hand-computed scenarios, refusals, and properties of the money."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import Result
from conftest import at

from engine.books.cycles import Month, parse_cycle
from engine.books.folder import Books, open_books
from engine.books.founding import create_books
from engine.books.roster import join, leave
from engine.documents import statements
from engine.errors import UserError
from engine.ledger import accounts as ledger
from engine.ledger import closing, fees
from engine.models.federation.demo import founding_text

H1 = "2027-01"


def cyc(books: Books, cid: str = H1):  # type: ignore[no-untyped-def]
    return parse_cycle(cid, books.federation.cycle)


def lena(on: str = "2027-03-01") -> dict[str, str]:
    return {"id": "lena-marsh", "name": "Lena Marsh", "practice": "Marsh LLC", "licence": "L-1", "email": "l@x.example", "start": on}


def books_with(tmp_path: Path, edit: Callable[[str], str], name: str = "b") -> Books:
    folder = tmp_path / name
    create_books(folder, text=edit(founding_text()))
    return open_books(folder)


def pay_everything(books: Books, cycle_id: str, skip: set[tuple[str, int]] | None = None) -> None:
    """Every provider pays each month's charge on the 5th, except (provider, month) in ``skip``."""
    cycle = cyc(books, cycle_id)
    with books.transaction() as w:
        for pid, row in sorted(fees.charges(books, cycle).items()):
            for m, amount in zip(cycle.months, row, strict=True):
                if amount and (pid, m.month) not in (skip or set()):
                    w.append(ledger.PAYMENT, m.first.replace(day=5), {"provider": pid, "amount": amount, "ref": ""})


def spend(books: Books, cycle_id: str, total: int, line: str = "admin") -> None:
    ledger.record_expense(books, line, total, cyc(books, cycle_id).first_day.replace(day=20), receipt="R-1")


# --- setting the fee -----------------------------------------------------------------------


def test_cycle_fee_is_budget_over_provider_months_rounded_up(books: Books) -> None:
    plan, recorded = fees.recalc(books, cyc(books))
    # $3,880.00 x 6 months / (6 providers x 6 months) = $646.666... -> $646.67
    assert recorded and plan.amount == 64667 and plan.to_collect == 2328000 and plan.provider_months == 36
    assert fees.schedule(books, cyc(books)) == [64667] * 6


def test_midcycle_joiner_admin_change_and_leaver_reevaluate_from_their_month(books: Books) -> None:
    fees.recalc(books, cyc(books))
    join(books, lena())
    from engine.books.budget import set_line

    set_line(books, "admin", date(2027, 4, 1), {"monthly": 286000}, "22 h/week")
    leave(books, "wes-okafor", date(2027, 5, 31), "moving")
    # March: 23,280.00 - 2 x 6 x 646.67 = 15,519.96 over 4 x 7 = 28 -> 554.2842 -> 554.29
    # April: 24,060.00 - (7,760.04 + 7 x 554.29) = 12,419.93 over 3 x 7 = 21 -> 591.4252 -> 591.43
    # June (Wes's last day 31 May): 24,060.00 - 19,920.09 = 4,139.91 over 6 -> 689.985 -> 689.99
    assert fees.schedule(books, cyc(books)) == [64667, 64667, 55429, 59143, 59143, 68999]
    reasons = [s.reason for s in fees.settings(books, cyc(books))]
    assert "Lena Marsh (lena-marsh) joins on 2027-03-01" in reasons
    assert "Wes Okafor (wes-okafor) leaves (last day 2027-05-31)" in reasons
    assert fees.charges(books, cyc(books))["lena-marsh"] == [0, 0, 55429, 59143, 59143, 68999]
    assert fees.charges(books, cyc(books))["wes-okafor"] == [64667, 64667, 55429, 59143, 59143, 0]


def test_non_staffing_budget_change_does_not_reevaluate(books: Books) -> None:
    from engine.books.budget import set_line

    fees.recalc(books, cyc(books))
    set_line(books, "software", date(2027, 3, 1), {"monthly": 50000}, "price rise")
    assert fees.schedule(books, cyc(books)) == [64667] * 6


def test_no_reevaluation_before_a_fee_is_set(books: Books) -> None:
    join(books, lena())
    assert fees.settings(books) == []


def test_recalc_twice_is_refused_and_from_month_resets(books: Books) -> None:
    fees.recalc(books, cyc(books))
    with pytest.raises(UserError, match="already set"):
        fees.recalc(books, cyc(books))
    _, recorded = fees.recalc(books, cyc(books), Month(2027, 3))
    assert not recorded  # nothing changed, so nothing recorded
    with pytest.raises(UserError, match="not in cycle"):
        fees.recalc(books, cyc(books), Month(2027, 9))


@pytest.mark.parametrize(
    ("joiner", "leaver", "start", "end", "expected"),
    [
        ("first_full_month", "through_leaving_month", date(2027, 3, 15), None, Fraction(0)),
        ("joining_month", "through_leaving_month", date(2027, 3, 15), None, Fraction(1)),
        ("prorate_days", "through_leaving_month", date(2027, 3, 15), None, Fraction(17, 31)),
        ("first_full_month", "through_leaving_month", date(2027, 1, 1), date(2027, 3, 10), Fraction(1)),
        ("first_full_month", "last_full_month", date(2027, 1, 1), date(2027, 3, 10), Fraction(0)),
        ("first_full_month", "prorate_days", date(2027, 1, 1), date(2027, 3, 10), Fraction(10, 31)),
        ("prorate_days", "prorate_days", date(2027, 3, 11), date(2027, 3, 20), Fraction(10, 31)),
        ("joining_month", "last_full_month", date(2027, 3, 11), date(2027, 3, 20), Fraction(0)),
        ("first_full_month", "through_leaving_month", date(2027, 3, 1), date(2027, 3, 31), Fraction(1)),
    ],
)
def test_partial_months_follow_the_policies(joiner: str, leaver: str, start: date, end: date | None, expected: Fraction) -> None:
    assert fees.month_weight(fees.Span("x", start, end), Month(2027, 3), joiner, leaver) == expected


def test_prorated_charge_rounds_half_a_cent_up() -> None:
    assert fees.charge(64667, Fraction(17, 31)) == 35463  # 64,667 x 17/31 = 35,462.55 cents
    assert fees.charge(101, Fraction(1, 2)) == 51  # 50.5 -> 51
    assert fees.charge(64667, Fraction(1)) == 64667


def test_prorate_policy_counts_provider_days_in_the_fee(tmp_path: Path) -> None:
    b = books_with(tmp_path, lambda t: t.replace("joiner_charging: first_full_month", "joiner_charging: prorate_days"))
    join(b, lena("2027-01-16"))  # 16 of 31 January days
    plan, _ = fees.recalc(b, cyc(b))
    assert plan.provider_months == Fraction(36) + 5 + Fraction(16, 31)
    # 2,328,000 / (1,287/31) = 56,074.13... -> 56,075
    assert plan.amount == 56075
    b.close()


# --- the close ------------------------------------------------------------------------------


def demo_first_half(books: Books) -> None:
    """The demo's first half-year: join, admin change, leave; all paid but Teo's June; CE fund underspent by $390."""
    from engine.books.budget import set_line

    fees.recalc(books, cyc(books))
    join(books, lena())
    set_line(books, "admin", date(2027, 4, 1), {"monthly": 286000}, "22 h/week")
    leave(books, "wes-okafor", date(2027, 5, 31), "moving")
    pay_everything(books, H1, skip={("teo-abernathy", 6)})
    spend(books, H1, 2406000 - 39000)


def test_underspent_cycle_refunds_equal_shares_and_nets_arrears(books: Books) -> None:
    demo_first_half(books)
    result, _, _ = closing.close(books, cyc(books), date(2027, 7, 10))
    # charged: 6 x 646.67 x 2 + 7 x 554.29 + 2 x 7 x 591.43 + 6 x 689.99 = 24,060.03; surplus 390.03
    assert result.charged == 2406003 and result.surplus == 39003 and result.profit == 0
    # 39,003 x 6/39 = 6,000.46 (five full members), x 5/39 = 5,000.38 (Wes), x 4/39 = 4,000.31 (Lena); 3 leftover cents
    full = [result.refunds[p] for p in ("imani-castell", "mara-quist", "noor-haddad", "rowan-ellery", "teo-abernathy")]
    assert sorted(full) == [6000, 6000, 6001, 6001, 6001]
    assert result.refunds["wes-okafor"] == 5000 and result.refunds["lena-marsh"] == 4000
    # Teo owed June's 689.99: his whole refund settles part of it
    assert result.arrears_before["teo-abernathy"] == 68999
    assert result.netted("teo-abernathy") == result.refunds["teo-abernathy"]
    s = statements.statement(books, "teo-abernathy", cyc(books))
    assert s.arrears == 68999 and s.refund_owed == 0 and s.closing == 68999 - result.refunds["teo-abernathy"]
    w = statements.statement(books, "wes-okafor", cyc(books))
    assert w.final and w.refund_owed == 5000 and w.closing == -5000


def test_overspent_cycle_carries_the_deficit_into_the_next_fee(books: Books) -> None:
    fees.recalc(books, cyc(books))
    pay_everything(books, H1)
    spend(books, H1, 2328012 + 45000)  # charged 36 x 646.67 = 23,280.12; spent 450.00 more
    result, _, _ = closing.close(books, cyc(books), date(2027, 7, 2))
    assert result.surplus == -45000 and result.carried_forward == -45000 and result.refunds == {} and result.profit == 0
    plan, _ = fees.recalc(books, cyc(books, "2027-07"))
    assert plan.brought_forward == -45000
    assert plan.amount == 65917  # (23,280.00 + 450.00) / 36 = 659.1666 -> 659.17
    nxt = closing.settle(books, cyc(books, "2027-07"), date(2028, 1, 2))
    assert nxt.brought_forward == -45000 and nxt.profit == 0


def test_closing_with_a_deficit_reevaluates_a_next_fee_already_set(books: Books) -> None:
    fees.recalc(books, cyc(books))
    fees.recalc(books, cyc(books, "2027-07"))
    spend(books, H1, 2328000 + 36000)  # deficit: 23,280.12 - 23,640.00 = -359.88
    _, _, plans = closing.close(books, cyc(books), date(2027, 8, 10))
    # July already charged 6 x 646.67 = 3,880.02; (23,280.00 + 359.88 - 3,880.02) / 30 = 658.662 -> 658.67
    assert [(str(p.from_month), p.amount) for p in plans] == [("2027-08", 65867)]


def test_assess_policy_charges_the_deficit_at_once(tmp_path: Path) -> None:
    b = books_with(tmp_path, lambda t: t.replace("deficit: carry_forward", "deficit: assess"))
    fees.recalc(b, cyc(b))
    spend(b, H1, 2328012 + 98)
    result, _, _ = closing.close(b, cyc(b), date(2027, 7, 1))
    assert result.carried_forward == 0 and result.assessed == 98 and sum(result.assessments.values()) == 98
    assert sorted(result.assessments.values()) == [16, 16, 16, 16, 17, 17]  # 98 cents over six
    assert result.profit == 0
    b.close()


def test_per_head_refund_basis(tmp_path: Path) -> None:
    b = books_with(tmp_path, lambda t: t.replace("refund_basis: months", "refund_basis: per_head"))
    fees.recalc(b, cyc(b))
    join(b, lena("2027-04-01"))
    spend(b, H1, 2000000)
    result, _, _ = closing.close(b, cyc(b), date(2027, 7, 1))
    assert len(result.refunds) == 7 and max(result.refunds.values()) - min(result.refunds.values()) <= 1  # Lena too
    assert sum(result.refunds.values()) == result.surplus
    b.close()


def test_quarterly_federation(tmp_path: Path) -> None:
    def quarterly(text: str) -> str:
        text = text.replace("months: 6 ", "months: 3 ")
        return text.replace("leaver_charging: through_leaving_month", "leaver_charging: last_full_month")

    b = books_with(tmp_path, quarterly)
    assert b.federation.cycle.months == 3
    q1 = cyc(b, "2027-01")
    plan, _ = fees.recalc(b, q1)
    assert plan.amount == 64667 and plan.provider_months == 18  # 11,640.00 / 18
    leave(b, "wes-okafor", date(2027, 2, 20), "moving")  # last full month: January
    # (11,640.00 - 6 x 646.67) / (5 x 2) = 776.00
    assert fees.schedule(b, q1) == [64667, 77600, 77600]
    spend(b, "2027-01", 1160000)
    result, _, _ = closing.close(b, q1, date(2027, 4, 1))
    # charged 3,880.02 + 2 x 5 x 776.00 = 11,640.02; surplus 40.02 over months 3,3,3,3,3,1 (16)
    assert result.surplus == 4002 and result.refunds["wes-okafor"] == 250  # 4,002 / 16 = 250.125
    assert sum(result.refunds.values()) == 4002
    with pytest.raises(UserError, match="no cycle starts in 2027-02"):
        parse_cycle("2027-02", b.federation.cycle)
    assert cyc(b, "2027-04").id == "2027-04"
    b.close()


def test_write_off_reduces_the_surplus(books: Books, monkeypatch: pytest.MonkeyPatch) -> None:
    fees.recalc(books, cyc(books))
    pay_everything(books, H1, skip={("teo-abernathy", 6)})
    monkeypatch.setenv("COOP_NOW", "2027-06-25T09:00:00")  # the write-off is recorded the day it is decided
    ledger.record_write_off(books, "teo-abernathy", 10000, date(2027, 6, 20), "hardship")
    spend(books, H1, 2300000)
    result, _, _ = closing.close(books, cyc(books), date(2027, 7, 1))
    assert result.written_off == 10000 and result.surplus == 2328012 - 10000 - 2300000 and result.profit == 0


# --- refusals ----------------------------------------------------------------------------------


def test_closed_cycle_refuses_later_entries_except_corrections(books: Books, monkeypatch: pytest.MonkeyPatch) -> None:
    fees.recalc(books, cyc(books))
    monkeypatch.setenv("COOP_NOW", "2027-07-01T09:00:00")  # the day of the close: June's money is in the past
    closing.close(books, cyc(books), date(2027, 7, 1))
    with pytest.raises(UserError, match="cycle 2027-01 was closed"):
        ledger.record_payment(books, "mara-quist", 100, date(2027, 6, 3))
    with pytest.raises(UserError, match="cycle 2027-01 was closed"):
        ledger.record_expense(books, "admin", 100, date(2027, 6, 3), receipt="X")
    with pytest.raises(UserError, match="cycle 2027-01 was closed"):
        join(books, lena("2027-05-01"))
    with pytest.raises(UserError, match="cycle 2027-01 was closed"):
        leave(books, "mara-quist", date(2027, 6, 10), "")
    with pytest.raises(UserError, match="cycle 2027-01 was closed"):
        fees.recalc(books, cyc(books), Month(2027, 3))
    e = ledger.record_payment(books, "mara-quist", 100, date(2027, 6, 3), correction="cheque found in a drawer")
    assert e.data["correction"] == "cheque found in a drawer"
    with pytest.raises(UserError, match="already closed"):
        closing.close(books, cyc(books), date(2027, 7, 2))


def test_close_refuses_too_early_and_out_of_order(books: Books) -> None:
    with pytest.raises(UserError, match="runs until 2027-06-30"):
        closing.close(books, cyc(books), date(2027, 6, 30))
    with pytest.raises(UserError, match="close cycle 2027-01 first"):
        closing.close(books, cyc(books, "2027-07"), date(2028, 1, 1))


def test_bad_money_input_is_refused(books: Books, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="unknown provider"):
        ledger.record_payment(books, "nobody", 100, date(2027, 1, 5))
    with pytest.raises(UserError, match="more than zero"):
        ledger.record_payment(books, "mara-quist", 0, date(2027, 1, 5))
    with pytest.raises(UserError, match="unknown budget line"):
        ledger.record_expense(books, "yacht", 100, date(2027, 1, 5), receipt="R")
    with pytest.raises(UserError, match="receipt reference is required"):
        ledger.record_expense(books, "admin", 100, date(2027, 1, 5), receipt=" ")
    with pytest.raises(UserError, match="would overpay"):
        ledger.record_payout(books, "mara-quist", 100, date(2027, 1, 5))
    with pytest.raises(UserError, match="owes 0 cents"):
        ledger.record_write_off(books, "mara-quist", 100, date(2026, 12, 5), "x")
    bad = tmp_path / "p.csv"
    bad.write_text("provider,amount,on,ref\nmara-quist,10.00,2027-01-05,a\nmara-quist,10.001,2027-01-05,b\n")
    with pytest.raises(UserError) as err:
        ledger.import_payments(books, bad)
    assert err.value.line == 3 and err.value.field == "amount"
    assert books.journal.entries([ledger.PAYMENT]) == []  # all or none


def test_recalc_with_no_one_to_charge_is_refused(tmp_path: Path) -> None:
    b = books_with(tmp_path, lambda t: t)
    for p in b.federation.providers:
        leave(b, p.id, date(2027, 1, 1), "")
    with pytest.raises(UserError, match="no provider is charged"):
        fees.recalc(b, cyc(b, "2027-07"))
    b.close()


# --- the CLI ------------------------------------------------------------------------------------


def test_cli_year_end_to_end(coop: Callable[..., Result], books_dir: Path, tmp_path: Path) -> None:
    assert "not set for cycle 2027-01" in coop("status", "--as-of", "2027-01-01").output
    r = coop("fees", "recalc", "2027-01")
    assert r.exit_code == 0 and "$646.67 a month from 2027-01" in r.output
    assert "Monthly fee: $646.67" in coop("status", "--as-of", "2027-02-01").output
    assert coop("payment", "record", "mara-quist", "646.67", "--on", "2027-01-05", "--ref", "chq 101").exit_code == 0
    r = coop("expense", "record", "admin", "2600.00", "--on", "2027-01-31", "--receipt", "PAY-01")
    assert r.exit_code == 0 and "for cycle 2027-01" in r.output
    r = coop("cycle", "close", "2027-01", "--on", "2027-07-01", "--json")
    assert r.exit_code == 0
    r = coop("statement", "mara-quist", "2027-01", "--md", str(tmp_path / "s.md"), "--csv", str(tmp_path / "s.csv"))
    assert r.exit_code == 0 and "refund from the cycle's surplus" in r.output
    md = (tmp_path / "s.md").read_text()
    assert "To Mara Quist, Quist Family Therapy LLC: cycle 2027-01 to 2027-06" in md
    assert "| January 2027 | $646.67 | $646.67 | $646.67 |" in md and "| February 2027 | $646.67 | $646.67 | $0.00 |" in md
    assert "mara-quist,2027-01,summary,payments received,646.67" in (tmp_path / "s.csv").read_text()
    r = coop("report", "transparency", "2027-01", "--md", str(tmp_path / "t.md"))
    assert r.exit_code == 0 and "kept by the parent" in r.output
    first = (tmp_path / "t.md").read_text()
    coop("report", "transparency", "2027-01", "--md", str(tmp_path / "t2.md"))
    assert (tmp_path / "t2.md").read_bytes() == first.encode()
    assert "chq 101" not in first  # no one's payment details
    r = coop("ledger", "balances", "--as-of", "2027-07-01")
    assert re.search(r"total\s+\$0\.00", r.output)
    r = coop("payment", "record", "mara-quist", "1", "--on", "2027-06-01", env=at("2027-07-02"))
    assert r.exit_code == 2 and "closed" in r.output and "Traceback" not in r.output
    r = coop("fees", "notices", "2027-01", "--out", str(tmp_path / "docs"))
    assert r.exit_code == 0 and len(list((tmp_path / "docs" / "notices" / "2027-01").glob("*.docx"))) == 6
    assert coop("fees", "show", "2027-01", "--json").exit_code == 0
    assert coop("cycle", "close", "2027-02").exit_code == 2


def test_payment_import_reports_a_bad_line(coop: Callable[..., Result], tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_text("provider,amount,on,ref\nmara-quist,10.00,2027-01-05,a\nghost,10.00,2027-01-05,b\n")
    r = coop("payment", "import", str(f))
    assert r.exit_code == 2 and f"{f}:3: provider: unknown provider 'ghost'" in r.output


def test_import_of_many_joins_reevaluates_once(books: Books, tmp_path: Path) -> None:
    from engine.books.roster import import_csv

    fees.recalc(books, cyc(books))
    f = tmp_path / "j.csv"
    f.write_text("id,name,practice,licence,email,start\na-one,A One,P,L,a@x.example,2027-03-01\nb-two,B Two,P,L,b@x.example,2027-04-01\n")
    import_csv(books, f)
    found = fees.settings(books, cyc(books))
    assert [(str(s.from_month), s.reason) for s in found[1:]] == [("2027-03", "2 providers join from 2027-03-01")]
    # (23,280.00 - 7,760.04) / (4 x 6 + 1 x 4 + 1 x 3 = 31) = 500.6438 -> 500.65
    assert found[1].amount == 50065


def test_rules_text_follows_the_policies(tmp_path: Path) -> None:
    b = books_with(tmp_path, lambda t: t.replace("refund_basis: months", "refund_basis: per_head").replace("months: 6 ", "months: 3 "))
    text = " ".join(fees.rules_text(b, date(2027, 1, 1)))
    assert "cycles of 3 months, starting in January, April, July and October" in text
    assert "refunded in equal shares to every provider charged a fee in the cycle" in text and "carried into the next cycle's fee" in text
    b.close()


def test_demo_year_figures(demo_run: Callable[[str], tuple[str, Path]]) -> None:
    out, _ = demo_run("federation")
    assert "$689.99 (set from 2027-06: Wes Okafor (wes-okafor) leaves (last day 2027-05-31))" in out
    assert re.search(r"teo-abernathy\s+6\s+\$60\.01\s+\$60\.01\s+\$0\.00", out)  # his refund goes to June's arrears
    assert re.search(r"deficit carried into the next cycle's budget\s+\$450\.00", out)
    # The next cycle's fee is set (and noticed) before January is charged, on its budget alone; the close carries the
    # deficit into the months not yet charged: (24,840.00 + 450.00 - 6 x 690.00 charged for January) / 30.
    assert "$690.00 a month from 2028-01" in out and re.search(r"2028-02\s+\$705\.00\s+\$690\.00\s+\$21,150\.00 / 30", out)
    assert len(re.findall(r"kept by the parent\s+\$0\.00", out)) == 4  # two closes, two transparency reports


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fees", "recalc", "2027-02"), "no cycle starts in 2027-02"),
        (("fees", "recalc", "2027-01", "--from", "2027-13"), "'2027-13' is not a month"),
        (("fees", "recalc", "2027-01", "--from", "2027-03"), "no fee is set for 2027-01 yet"),
        (("fees", "show", "someday"), "'someday' is not a cycle"),
        (("payment", "record", "mara-quist", "0", "--on", "2027-01-05"), "the amount must be more than zero"),
        (("payment", "record", "ghost", "1.00", "--on", "2027-01-05"), "unknown provider 'ghost'"),
        (("payment", "record", "mara-quist", "1.00", "--on", "2026-12-05"), "mara-quist only joined on 2027-01-01"),
        (("payment", "payout", "mara-quist", "1.00", "--on", "2027-01-05"), "would overpay them"),
        (("payment", "import", "missing.csv"), "file not found"),
        (("expense", "record", "yacht", "1.00", "--on", "2027-01-05", "--receipt", "R"), "unknown budget line 'yacht'"),
        (("expense", "record", "admin", "1.00", "--on", "2027-01-05", "--receipt", ""), "a receipt reference is required"),
        (("expense", "record", "admin", "1.00", "--on", "2027-01-05", "--receipt", "R", "--for-month", "Jan"), "'Jan' is not a month"),
        (("cycle", "close", "2027-01", "--on", "2027-06-30"), "it can be closed after that"),
        (("cycle", "close", "2027-07", "--on", "2028-01-01"), "close cycle 2027-01 first"),
        (("statement", "ghost", "2027-01"), "unknown provider 'ghost'"),
        (("report", "transparency", "2027-13"), "'2027-13' is not a cycle"),
        (("ledger", "list", "--provider", "ghost", "--as-of", "2027-02-01"), "unknown provider 'ghost'"),
        (("ledger", "write-off", "mara-quist", "1.00", "--on", "2027-01-05", "--reason", " "), "a reason is required"),
        (("ledger", "write-off", "mara-quist", "1000.00", "--on", "2027-01-05", "--reason", "x"), "mara-quist owes 0 cents"),
    ],
)
def test_cli_refuses_bad_input_in_one_line(coop: Callable[..., Result], books_dir: Path, args: tuple[str, ...], message: str) -> None:
    before = _count(books_dir)
    r = coop(*args)
    assert r.exit_code == 2, r.output
    assert message in r.output and r.output.startswith("coop: error:") and r.output.count("\n") == 1
    assert "Traceback" not in r.output
    assert _count(books_dir) == before


def _count(folder: Path) -> int:
    import sqlite3

    with sqlite3.connect(folder / "journal.sqlite3") as conn:
        return int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])


def test_cycles_starting_in_april(tmp_path: Path) -> None:
    b = books_with(tmp_path, lambda t: t.replace("start_month: 1", "start_month: 4"))
    first = cyc(b, "2026-10")  # founded 2027-01-01, inside the October-to-March cycle
    assert first.label == "2026-10 to 2027-03"
    plan, _ = fees.recalc(b, first)
    # no members and no budget before January: 3 x 3,880.00 over 3 x 6 provider-months
    assert plan.amount == 64667 and plan.provider_months == 18
    result, _, _ = closing.close(b, first, date(2027, 4, 2))
    assert result.surplus == 18 * 64667 == result.refunded and result.profit == 0  # nothing spent: all of it back
    nxt, _ = fees.recalc(b, cyc(b, "2027-04"))
    assert nxt.amount == 64667 and nxt.brought_forward == 0
    b.close()


def test_an_unbalanced_transaction_cannot_exist() -> None:
    with pytest.raises(AssertionError, match="unbalanced"):
        ledger.Transaction(date(2027, 1, 1), "oops", (("cash", 100), ("income:fees", -99)))


def test_ledger_list_shows_a_providers_account(coop: Callable[..., Result]) -> None:
    coop("fees", "recalc", "2027-01")
    coop("payment", "record", "mara-quist", "600.00", "--on", "2027-01-05", "--ref", "chq 7")
    out = coop("ledger", "list", "--provider", "mara-quist", "--as-of", "2027-02-10").output
    assert "fee for 2027-01" in out and "fee for 2027-02" in out and "payment chq 7" in out and "noor-haddad" not in out
    arrears = coop("ledger", "arrears", "--as-of", "2027-02-10", "--json").output
    assert '"mara-quist": 69334' in arrears  # 2 x 646.67 - 600.00


def test_members_with_the_same_membership_share_one_weights_row_weighed_as_each_alone(books: Books) -> None:
    cycle = cyc(books)
    members = {
        "a": fees.Span("a", date(2027, 2, 10), None),
        "b": fees.Span("b", date(2027, 2, 10), None),
        "c": fees.Span("c", date(2027, 2, 10), date(2027, 4, 20)),
        "d": fees.Span("d", date(2026, 1, 1), None),
        "e": fees.Span("e", date(2028, 1, 1), None),
    }
    ws = fees.base_weights(books, cycle, members)
    assert ws["a"] is ws["b"] and ws["a"] is not ws["c"] and "e" not in ws
    for pid in ("a", "b", "c", "d"):
        alone = fees.base_weights(books, cycle, {pid: members[pid]})[pid]
        assert ws[pid] == alone
    assert fees.provider_months(ws) == sum((fees.provider_months({p: ws[p]}) for p in ws), Fraction(0))
