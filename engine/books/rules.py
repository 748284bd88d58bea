"""Decision rules: how each kind of matter is decided.

A rule is data in ``federation.yaml`` (and, once amended by vote, in the
journal), so the manual can state exactly what the engine enforces. The
vocabulary lives with the books because the founding file states it; the
governance package applies it, and each co-op model brings its own rule set
(engine/models/<model>/rules.py) built from the blocks here.
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
    general = "general"
    membership = "membership"
    """Admitting a probationary member as a full member-owner."""
    parameter_change = "parameter_change"
    """A new value, from a date, for one of the model's dated parameters (a pay rate, a share)."""
    rent_cover = "rent_cover"
    """Covering a member's share of rent during extended leave, for hardship."""
    low_rate = "low_rate"
    """Seeing a client at a very low rate."""
    software = "software"
    supervisor = "supervisor"
    surplus_use = "surplus_use"
    """What the co-op's surplus goes to, such as sending a member to specialised training."""


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
        if self.ratification_days and self.method != "consensus":
            raise ValueError("ratification_days applies to consensus only")
        return self

    def describe(self) -> str:
        """The rule in one sentence, for the manual and ``coop proposal show``.

        Written from the same fields the tally reads, so what members are told
        is what the engine counts.
        """
        base = "the votes cast (yes and no)" if self.basis == "votes_cast" else "all eligible members"
        t = f"{self.threshold.numerator}/{self.threshold.denominator}"
        if self.method == "consensus":
            text = "consensus: passes when nobody blocks or votes no and at least one member votes yes; a block needs a written reason"
        elif self.method == "unanimous":
            text = f"unanimous: every one of {base} must be yes"
        elif self.method == "majority":
            text = f"majority: more than {t} of {base} must be yes"
        else:
            text = f"supermajority: at least {t} of {base} must be yes (rounded up)"
        q = f"{self.quorum.numerator}/{self.quorum.denominator}"
        parts = [
            text,
            f"quorum {q} of eligible members (rounded up; abstentions and stand-asides count)",
            f"voting lasts {self.voting_days} days",
        ]
        if self.notice_days or self.response_days:
            wait = [f"{self.notice_days} days' notice"] if self.notice_days else []
            wait += [f"a {self.response_days}-day response period"] if self.response_days else []
            parts.append("voting opens after " + " and ".join(wait))
        if self.recuse:
            parts.append(
                "recused: " + " and ".join("the provider concerned" if r == "subject" else "the parent's principal" for r in self.recuse)
            )
        if self.second_reading:
            parts.append(f"a second reading at least {self.cooling_off_days} days after the first")
        if self.ratification_days:
            parts.append(f"absent members have {self.ratification_days} days to ratify or object")
        parts.append("secret ballot" if self.secret else "open ballot")
        return "; ".join(parts) + "."


MAJORITY = DecisionRule(method="majority", threshold=Fraction(1, 2), basis="votes_cast", quorum=Fraction(1, 2))
TWO_THIRDS_OF_VOTES = DecisionRule(method="supermajority", threshold=Fraction(2, 3), basis="votes_cast", quorum=Fraction(1, 2))
TERMINATION = DecisionRule(
    method="supermajority",
    threshold=Fraction(2, 3),
    basis="eligible",
    quorum=Fraction(1, 2),
    notice_days=14,
    response_days=14,
    recuse=("subject",),
    secret=True,
)
"""Two thirds of all eligible members, the provider concerned recused, with notice and time to respond."""


def consensus(ratification_days: int = 7, **kw: Any) -> DecisionRule:
    """Consensus with a window for absent members to ratify: the building block of the consensus co-ops."""
    return DecisionRule(method="consensus", threshold=Fraction(1, 2), basis="votes_cast", ratification_days=ratification_days, **kw)


CONSENSUS = consensus()
TERMINATION_BY_CONSENSUS = consensus(notice_days=14, response_days=14, recuse=("subject",))

ONE_MEMBER_ONE_VOTE = DecisionRule(method="majority", threshold=Fraction(1, 2), basis="votes_cast", quorum=Fraction(1, 2), voting_days=7)


def model_rules(model: str) -> dict[Matter, DecisionRule]:
    """A co-op model's matters and the rule that decides each; a model has exactly these matters."""
    from engine.models.registry import get

    return get(model).rules()
