"""The flat-pay co-op's dated parameters: the one hourly rate, leave pay, the management fee."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from engine.books.money import Money
from engine.books.parameters import ModelParameters, dated
from engine.books.rules import Ratio
from engine.books.schedules import Schedule


class FlatPayParameters(ModelParameters):
    """Every hour of labour, clinical or not, is paid the same rate."""

    model: Literal["flat_pay"] = "flat_pay"
    hourly_rate: Schedule[Money] = dated([{"from": "2015-01-01", "value": "30.00"}, {"from": "2020-01-01", "value": "40.00"}], Money)
    workday_hours: Schedule[int] = dated(8, int)
    unplanned_leave_share: Schedule[Ratio] = dated("1/2", Ratio)
    management_fee: Schedule[Money] = dated("5000.00", Money)
    membership_after_months: Schedule[int] = dated(6, int)
    contractor_reporting_threshold: Schedule[Money] = dated(
        [{"from": "2000-01-01", "value": "600.00"}, {"from": "2026-01-01", "value": "2000.00"}], Money
    )
    """Payments to a member as a contractor in a calendar year at or above this are flagged on the year-end papers.

    The US information-return threshold for nonemployee compensation (IRS Form 1099-NEC): $600 for payments
    through 2025, $2,000 for payments made from 1 January 2026 (Public Law 119-21, 2025; indexed for inflation
    after 2026, so a co-op adds each new step by vote). The threshold in force on 1 January applies to the year.
    """
    patronage_cash_share: Schedule[Ratio] = dated("1/5", Ratio)
    """The part of each patronage allocation paid in cash: 20%, the least a qualified written notice of allocation needs
    (US Internal Revenue Code s. 1388(c)(1)(B)); the rest stays in the member's capital account."""
    patronage_cash_within_months: Schedule[Decimal] = dated("8.5", Decimal)
    """How long after the year's end the cash part is paid by: 8 1/2 months, the payment period for a year's
    patronage (IRC s. 1382(d)); for a calendar year, 15 September."""
    annual_meeting_month: int = Field(default=3, ge=1, le=12)
    clinical_entity: str = Field(default="the clinical practice", min_length=1)
    """The clinical entity that clients pay and that pays the management fee (its legal name)."""
