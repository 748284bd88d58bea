"""The flat-pay co-op's dated parameters: the one hourly rate, leave pay, the management fee."""

from __future__ import annotations

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
    annual_meeting_month: int = Field(default=3, ge=1, le=12)
    clinical_entity: str = Field(default="the clinical practice", min_length=1)
    """The clinical entity that clients pay and that pays the management fee (its legal name)."""
