"""The other co-op models' rules reproduce the seeds' own figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from engine.books.cycles import Month
from engine.ledger.capital import Movement, allocate_surplus, balances
from engine.models.flat_pay.parameters import FlatPayParameters
from engine.models.flat_pay.pay import full_time_year, hourly_rate, month_pay, round_cents, unplanned_leave_day_pay
from engine.models.session_split.parameters import SessionSplitParameters
from engine.models.session_split.sessions import split_session

FLAT = FlatPayParameters()


def test_flat_pay_figures_from_the_case_study() -> None:
    assert full_time_year(FLAT, 2022) == 8_320_000  # 40 h a week at $40 is $83,200 a year
    assert unplanned_leave_day_pay(FLAT, date(2022, 5, 3)) == 16_000  # half an 8-hour day at $40
    assert hourly_rate(FLAT, Month(2019, 11)) == 3_000  # an hour worked in 2019 pays $30
    assert hourly_rate(FLAT, Month(2020, 1)) == 4_000
    assert unplanned_leave_day_pay(FLAT, date(2019, 5, 3)) == 12_000  # derived from the rate, not typed


def test_a_raise_moves_leave_pay_with_it() -> None:
    raised = FlatPayParameters.model_validate(
        {
            "hourly_rate": [
                {"from": "2015-01-01", "value": "30.00"},
                {"from": "2020-01-01", "value": "40.00"},
                {"from": "2027-01-01", "value": "45.50"},
            ]
        }
    )
    assert unplanned_leave_day_pay(raised, date(2027, 2, 1)) == 18_200
    line = month_pay(raised, "ana", Month(2027, 2), Decimal("120.25"), leave_days=2)
    assert (line.hours_pay, line.leave_pay, line.total) == (547_138, 36_400, 583_538)  # 120.25 h x $45.50 = $5,471.375 -> $5,471.38


def test_round_cents_is_half_away_from_zero() -> None:
    assert [round_cents(Fraction(n, 2)) for n in (1, 3, -1, -3)] == [1, 2, -1, -2]
    assert round_cents(Fraction(1, 3)) == 0 and round_cents(7) == 7


def test_session_split_70_30() -> None:
    share = SessionSplitParameters().clinician_share.at(date(2027, 1, 1))
    assert split_session(12_000, share, "s-1") == (8_400, 3_600)  # $120 -> $84 / $36


@given(st.integers(0, 10_000_000), st.text(max_size=10))
def test_session_split_conserves_cents(fee: int, session_id: str) -> None:
    clinician, coop = split_session(fee, Fraction(7, 10), session_id)
    assert clinician + coop == fee
    assert abs(Fraction(clinician) - Fraction(7 * fee, 10)) <= Fraction(1, 2)


def test_half_cent_ties_rotate_by_session() -> None:
    winners = {split_session(5, Fraction(7, 10), f"s-{i}") for i in range(40)}
    assert winners == {(4, 1), (3, 2)}  # $0.05 splits 3.5 / 1.5: the odd cent goes both ways


def test_capital_accounts_by_hours() -> None:
    hours = {"ana": Decimal("1800"), "ben": Decimal("900.5"), "cy": Decimal("0")}
    shares = allocate_surplus(1_000_000, hours, 2027)
    assert sum(shares.values()) == 1_000_000 and shares["cy"] == 0
    assert (shares["ana"], shares["ben"]) == (666_543, 333_457)  # 1800 and 900.5 of 2700.5 h: $6,665.4323 and $3,334.5677
    moves = [Movement(m, a, "2027 surplus") for m, a in shares.items()] + [Movement("ben", -shares["ben"], "left: paid out")]
    assert balances(moves)["ben"] == 0
