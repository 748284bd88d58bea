"""The session-split co-op's dated parameters: the clinician's share and the payout."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from engine.books.money import Money
from engine.books.parameters import ModelParameters, dated
from engine.books.rules import Ratio
from engine.books.schedules import Schedule

PayoutBasis = Literal["days_as_owner", "per_head"]


class SessionSplitParameters(ModelParameters):
    """Each session's fee is split between the clinician and the co-op."""

    model: Literal["session_split"] = "session_split"
    clinician_share: Schedule[Ratio] = dated("7/10", Ratio)
    payout_every_months: int = Field(default=3, ge=1, le=12)
    payout_basis: Schedule[PayoutBasis] = dated("days_as_owner", PayoutBasis)
    """How a quarter's surplus is shared among member-owners (see engine.payouts)."""
    contractor_reporting_threshold: Schedule[Money] = dated(
        [{"from": "2000-01-01", "value": "600.00"}, {"from": "2026-01-01", "value": "2000.00"}], Money
    )
    """Payments to a member as a contractor in a calendar year at or above this are flagged on the year-end papers.

    The US information-return threshold for nonemployee compensation (IRS Form 1099-NEC): $600 for payments
    through 2025, $2,000 for payments made from 1 January 2026 (Public Law 119-21, 2025; indexed for inflation
    after 2026, so a co-op adds each new step by vote). The threshold in force on 1 January applies to the year.
    """


def check_config(federation: Any) -> str | None:
    """The cycle is the payout quarter, so the two must agree."""
    every = federation.parameters.payout_every_months
    if federation.cycle.months != every:
        return f"cycle.months ({federation.cycle.months}) must equal parameters.payout_every_months: the cycle is the payout quarter"
    return None
