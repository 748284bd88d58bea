"""The retention co-op's matters and rules: consensus in weekly meetings, full consensus for ownership."""

from __future__ import annotations

from fractions import Fraction

from engine.books.rules import CONSENSUS, TERMINATION_BY_CONSENSUS, DecisionRule, Matter, consensus

RULES: dict[Matter, DecisionRule] = {
    **dict.fromkeys(
        (
            Matter.onboarding,
            Matter.budget_change,
            Matter.parameter_change,
            Matter.rent_cover,
            Matter.manual_amendment,
            Matter.rule_change,
            Matter.general,
        ),
        CONSENSUS,
    ),
    # Becoming a member-owner at six months needs full consensus: every member takes part.
    Matter.membership: consensus(ratification_days=0, quorum=Fraction(1), recuse=("subject",)),
    Matter.termination: TERMINATION_BY_CONSENSUS,
}
"""A small co-op deciding everything by consensus in weekly meetings."""
