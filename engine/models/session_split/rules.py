"""The session-split co-op's matters and rules: one member, one vote."""

from __future__ import annotations

from fractions import Fraction

from engine.books.rules import ONE_MEMBER_ONE_VOTE, TERMINATION, TWO_THIRDS_OF_VOTES, DecisionRule, Matter

RULES: dict[Matter, DecisionRule] = {
    **dict.fromkeys(
        (
            Matter.onboarding,
            Matter.software,
            Matter.supervisor,
            Matter.surplus_use,
            Matter.budget_change,
            Matter.parameter_change,
            Matter.general,
        ),
        ONE_MEMBER_ONE_VOTE,
    ),
    Matter.manual_amendment: TWO_THIRDS_OF_VOTES,
    Matter.termination: TERMINATION,
    Matter.rule_change: DecisionRule(method="supermajority", threshold=Fraction(2, 3), basis="eligible", quorum=Fraction(1, 2)),
}
"""One member, one vote, by majority, during meetings."""
