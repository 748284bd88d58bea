"""Decision rules: how each kind of matter is decided.

A rule is data in ``federation.yaml`` (and, once amended by vote, in the
journal), so the manual can state exactly what the engine enforces. The
defaults below are the federation model's; presets bring their own.
"""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator


class Matter(StrEnum):
    """The kinds of matter members decide."""

    onboarding = "onboarding"
    admin_staffing = "admin_staffing"
    admin_pay = "admin_pay"
    budget_change = "budget_change"
    manual_amendment = "manual_amendment"
    termination = "termination"
    end_parent = "end_parent"
    rule_change = "rule_change"


def _fraction(value: Any) -> Fraction:
    if isinstance(value, Fraction):
        frac = value
    elif isinstance(value, int) and not isinstance(value, bool):
        frac = Fraction(value)
    elif isinstance(value, str):
        try:
            frac = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"a fraction such as 1/2 or 2/3, not {value!r}") from None
    else:
        raise ValueError(f"a fraction written as text such as '2/3', not {value!r}")
    if not 0 <= frac <= 1:
        raise ValueError(f"a fraction between 0 and 1, not {value}")
    return frac


Ratio = Annotated[
    Fraction,
    BeforeValidator(_fraction),
    PlainSerializer(lambda f: f"{f.numerator}/{f.denominator}" if f.denominator != 1 else str(f.numerator), return_type=str),
]

Method = Literal["consensus", "unanimous", "majority", "supermajority"]
Basis = Literal["votes_cast", "eligible"]
Recusal = Literal["subject", "principal"]


class DecisionRule(BaseModel):
    """How one kind of matter is decided; see the manual's chapter on democratic control."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Method = "majority"
    threshold: Ratio = Field(default=Fraction(1, 2), description="share of the basis needed; majority means more than this")
    basis: Basis = "votes_cast"
    quorum: Ratio = Fraction(1, 2)
    notice_days: int = Field(default=0, ge=0)
    response_days: int = Field(default=0, ge=0)
    voting_days: int = Field(default=14, ge=1)
    recuse: tuple[Recusal, ...] = ()
    second_reading: bool = False
    cooling_off_days: int = Field(default=0, ge=0)
    ratification_days: int = Field(default=0, ge=0)
    secret: bool = False

    @model_validator(mode="after")
    def _coherent(self) -> DecisionRule:
        if self.method == "supermajority" and self.threshold <= Fraction(1, 2):
            raise ValueError("a supermajority needs a threshold above 1/2")
        if self.second_reading and self.cooling_off_days == 0:
            raise ValueError("a second reading needs cooling_off_days of at least 1")
        return self


_MAJORITY = DecisionRule(method="majority", threshold=Fraction(1, 2), basis="votes_cast", quorum=Fraction(1, 2))

DEFAULT_RULES: dict[Matter, DecisionRule] = {
    Matter.onboarding: _MAJORITY,
    Matter.admin_staffing: _MAJORITY,
    Matter.admin_pay: _MAJORITY,
    Matter.budget_change: _MAJORITY,
    Matter.manual_amendment: DecisionRule(method="supermajority", threshold=Fraction(2, 3), basis="votes_cast", quorum=Fraction(1, 2)),
    Matter.termination: DecisionRule(
        method="supermajority",
        threshold=Fraction(2, 3),
        basis="eligible",
        quorum=Fraction(1, 2),
        notice_days=14,
        response_days=14,
        recuse=("subject",),
        secret=True,
    ),
    Matter.end_parent: DecisionRule(
        method="supermajority",
        threshold=Fraction(2, 3),
        basis="eligible",
        quorum=Fraction(1, 2),
        notice_days=14,
        recuse=("principal",),
        second_reading=True,
        cooling_off_days=30,
    ),
    Matter.rule_change: DecisionRule(
        method="supermajority",
        threshold=Fraction(2, 3),
        basis="eligible",
        quorum=Fraction(1, 2),
        notice_days=14,
        second_reading=True,
        cooling_off_days=30,
    ),
}
"""The federation model's rules, from the parent practice's co-op procedures."""
