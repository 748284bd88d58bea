"""Flat hourly pay: the same rate for every hour of labour, and unplanned leave.

From the case-study co-op: "work is work", so a clinical hour, an
administrative hour and any other hour pay the one rate in force for the
month the hours were worked. Unplanned time off pays a fixed share of a
workday at that rate, derived from the rate, never typed in, so when the
members raise the rate the leave pay follows.

The rate is one, but the payer depends on the work (:data:`PAID_BY`): the
clinical entity, which clients pay, pays clinical hours; the management
entity, which the members own, pays administrative and other hours. A day
of unplanned leave is paid by the entity whose work it replaces (the kind
stated when it is recorded, clinical unless said otherwise), as the hours
it stands in for would have been.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from engine.books.cycles import Month
from engine.models.flat_pay.parameters import FlatPayParameters

CLINICAL = "clinical"
MANAGEMENT = "management"
PAYERS = (CLINICAL, MANAGEMENT)
PAID_BY = {"clinical": CLINICAL, "admin": MANAGEMENT, "other": MANAGEMENT}
"""Who pays each kind of hours (and of unplanned leave): the one place the split is stated."""


def payer_of(kind: str) -> str:
    return PAID_BY[kind]


def round_cents(value: Fraction | int) -> int:
    """Round a fractional number of cents half away from zero: the one rule for products."""
    value = Fraction(value)
    whole, rest = divmod(abs(value.numerator), value.denominator)
    rounded = whole + (1 if 2 * rest >= value.denominator else 0)
    return rounded if value >= 0 else -rounded


def hourly_rate(params: FlatPayParameters, month: Month) -> int:
    """The rate in cents for hours worked in ``month`` (the rate in force on its first day)."""
    return params.hourly_rate.at(month.first)


def pay_for_hours(hours: Decimal, rate: int) -> int:
    return round_cents(Fraction(hours) * rate)


def unplanned_leave_day_pay(params: FlatPayParameters, day: date) -> int:
    """One day of unplanned leave: the leave share of a workday at the rate on that day."""
    rate = params.hourly_rate.at(day)
    return round_cents(rate * params.workday_hours.at(day) * params.unplanned_leave_share.at(day))


def full_time_year(params: FlatPayParameters, year: int, hours_per_week: int = 40, weeks: int = 52) -> int:
    """What a full-time year pays at the rate in force on 1 January of ``year``."""
    return hours_per_week * weeks * params.hourly_rate.at(date(year, 1, 1))


@dataclass(frozen=True)
class PayLine:
    member: str
    month: Month
    hours: Decimal
    rate: int
    hours_pay: int
    leave_days: int
    leave_day_pay: int
    payer: str = CLINICAL
    """The entity that pays this line: ``clinical`` or ``management`` (:data:`PAID_BY`)."""

    @property
    def leave_pay(self) -> int:
        return self.leave_days * self.leave_day_pay

    @property
    def total(self) -> int:
        return self.hours_pay + self.leave_pay


def month_pay(params: FlatPayParameters, member: str, month: Month, hours: Decimal, leave_days: int, payer: str = CLINICAL) -> PayLine:
    """One member's pay from one entity for a month: rounded once per line, so each entity's total is exact."""
    rate = hourly_rate(params, month)
    day_pay = unplanned_leave_day_pay(params, month.first)
    return PayLine(member, month, hours, rate, pay_for_hours(hours, rate), leave_days, day_pay, payer)
