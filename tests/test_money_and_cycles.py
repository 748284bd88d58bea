from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.books.config import CycleSpec
from engine.books.cycles import Month, cycle_containing, parse_cycle
from engine.books.money import cents_to_decimal_text, format_cents, parse_cents
from engine.errors import UserError


def test_parse_cents() -> None:
    assert parse_cents("1,250.50") == 125050
    assert parse_cents(Decimal("0.07")) == 7
    assert parse_cents(12) == 1200
    assert parse_cents("$3,880") == 388000
    for bad in (1.5, "1.001", "-3", "ten", True):
        with pytest.raises(ValueError):
            parse_cents(bad)
    assert parse_cents("-3.10", allow_negative=True) == -310


@given(st.integers(-(10**12), 10**12))
def test_cents_round_trip_through_text(cents: int) -> None:
    assert parse_cents(cents_to_decimal_text(cents), allow_negative=True) == cents


def test_format_cents() -> None:
    assert format_cents(123456) == "$1,234.56"
    assert format_cents(-5) == "-$0.05"
    assert format_cents(100, "CHF") == "1.00 CHF"


def test_semiannual_cycles_from_january() -> None:
    spec = CycleSpec()
    c = cycle_containing(date(2027, 8, 15), spec)
    assert (c.id, c.first_day, c.last_day, c.length) == ("2027-07", date(2027, 7, 1), date(2027, 12, 31), 6)
    assert c.next().id == "2028-01" and c.previous().id == "2027-01"


def test_quarterly_cycles_from_february() -> None:
    spec = CycleSpec(start_month=2, months=3)
    assert cycle_containing(date(2027, 1, 10), spec).id == "2026-11"
    assert [str(m) for m in parse_cycle("2027-05", spec).months] == ["2027-05", "2027-06", "2027-07"]
    assert parse_cycle("2027-06-30", spec).id == "2027-05"
    with pytest.raises(UserError, match="no cycle starts in 2027-04"):
        parse_cycle("2027-04", spec)
    with pytest.raises(UserError, match="not a cycle"):
        parse_cycle("spring", spec)


def test_monthly_cycles() -> None:
    spec = CycleSpec(months=1)
    assert parse_cycle("2027-12", spec).months == [Month(2027, 12)]
    assert Month(2027, 12).plus(1) == Month(2028, 1) and Month(2028, 2).days == 29


def test_fractions_are_shown_exactly_without_floats() -> None:
    from fractions import Fraction

    from engine.books.money import fraction_text

    assert fraction_text(Fraction(57, 2), 3) == "28.500"
    assert fraction_text(Fraction(2, 3), 2) == "0.67" and fraction_text(Fraction(1, 8), 2) == "0.13"  # half up
    assert fraction_text(Fraction(36), 3) == "36"
