"""The federation's matters and rules, from the parent practice's co-op procedures."""

from __future__ import annotations

from fractions import Fraction

from engine.books.rules import MAJORITY, TERMINATION, TWO_THIRDS_OF_VOTES, DecisionRule, Matter

RULES: dict[Matter, DecisionRule] = {
    Matter.onboarding: MAJORITY,
    Matter.admin_staffing: MAJORITY,
    Matter.admin_pay: MAJORITY,
    Matter.budget_change: MAJORITY,
    Matter.manual_amendment: TWO_THIRDS_OF_VOTES,
    Matter.termination: TERMINATION,
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
    Matter.general: DecisionRule(
        method="consensus", threshold=Fraction(1, 2), basis="votes_cast", quorum=Fraction(1, 2), ratification_days=7
    ),
}
"""The federation model's rules, from the parent practice's co-op procedures."""
