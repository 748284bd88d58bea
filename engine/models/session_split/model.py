"""What the session split co-op does its own way, registered for the shared engine."""

from engine.models.registry import CoopModel

MODEL = CoopModel(
    name="session_split",
    kind="session split co-op",
    description="a co-op splitting each session's fee between clinician and co-op",
    cycle_months=3,
    cycle_note=(
        "The payout quarter: at its close the co-op's surplus is paid out to member-owners\n"
        "  # (months must equal the payout_every_months parameter)."
    ),
    rules_ref="engine.models.session_split.rules:RULES",
    parameters_ref="engine.models.session_split.parameters:SessionSplitParameters",
    commands=("session", "payout"),
    replaces={"cycle close": "payout quarter", "contracts issue --kind agreement": "member agreement"},
    demo="engine.models.session_split.demo:year",
    no_fee="a session split co-op charges no fee: the co-op's share of each session pays its budget",
    hooks={
        "year_end": "engine.models.session_split.yearend:year_end",
        "status_lines": "engine.models.session_split.overview:status_lines",
        "postings": "engine.models.session_split.payouts:transactions",
        "credits": "engine.models.session_split.sessions:clinician_credits",
        "cycle_terms": "engine.models.session_split.payouts:quarter_terms",
        "fee_rules": "engine.models.session_split.documents:money_rules",
        "check_effect": "engine.models.session_split.effects:check_effect",
        "apply_effect": "engine.models.session_split.effects:apply_effect",
        "check_config": "engine.models.session_split.parameters:check_config",
    },
    manual_title="Members' manual",
    manual_folder="session_split",
    documents="engine.models.session_split.documents:documents",
)
