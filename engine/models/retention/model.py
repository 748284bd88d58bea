"""What the retention co-op does its own way, registered for the shared engine."""

from engine.models.registry import CoopModel

MODEL = CoopModel(
    name="retention",
    kind="retention co-op",
    description="a co-op whose members keep what they earn, less an equal share of shared expenses",
    cycle_months=6,
    cycle_note=(
        "Cycles of the equal shared-expense charge: set at the start of each, re-evaluated when\n"
        "  # membership or leave changes; over-collection is refunded at its close."
    ),
    rules_ref="engine.models.retention.rules:RULES",
    parameters_ref="engine.models.retention.parameters:RetentionParameters",
    commands=("revenue", "leave", "owners", "due"),
    demo="engine.models.retention.demo:year",
    hooks={
        "year_end": "engine.models.retention.yearend:year_end",
        "extended_leaves": "engine.models.retention.views:extended_leave_rows",
        "postings": "engine.models.retention.revenue:transactions",
        "credits": "engine.models.retention.revenue:kept_through",
        "non_voters": "engine.models.retention.revenue:non_voters",
        "check_effect": "engine.models.retention.effects:check_effect",
        "apply_effect": "engine.models.retention.effects:apply_effect",
    },
    manual_title="Members' handbook",
    manual_folder="retention",
    documents="engine.models.retention.documents:documents",
)
