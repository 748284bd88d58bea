"""What the federation does its own way, registered for the shared engine."""

from engine.models.registry import CoopModel

MODEL = CoopModel(
    name="federation",
    kind="federation",
    description="a federation of independent practices under a parent practice",
    cycle_months=6,
    cycle_note=(
        "Fee cycles: the fee is set at the start of each, re-evaluated when staffing changes;\n"
        "  # over-collection is refunded at its close."
    ),
    rules_ref="engine.models.federation.rules:RULES",
    parameters_ref="engine.models.federation.parameters:FederationParameters",
    commands=("handover",),
    parent_practice=True,
    demo="engine.models.federation.demo:year",
    hooks={"year_end": "engine.models.federation.yearend:year_end"},
)
