"""The flat-pay co-op's matters and rules: all decisions by consensus."""

from __future__ import annotations

from engine.books.rules import CONSENSUS, TERMINATION_BY_CONSENSUS, DecisionRule, Matter, consensus

RULES: dict[Matter, DecisionRule] = {
    **dict.fromkeys(
        (
            Matter.onboarding,
            Matter.budget_change,
            Matter.parameter_change,
            Matter.low_rate,
            Matter.manual_amendment,
            Matter.rule_change,
            Matter.general,
        ),
        CONSENSUS,
    ),
    # The worker being admitted does not decide their own membership.
    Matter.membership: consensus(recuse=("subject",)),
    Matter.termination: TERMINATION_BY_CONSENSUS,
}
"""All decisions by consensus; absent members are consulted afterwards (the ratification window)."""
