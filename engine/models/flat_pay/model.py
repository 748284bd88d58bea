"""What the flat pay co-op does its own way, registered for the shared engine."""

from engine.models.registry import CoopModel

MODEL = CoopModel(
    name="flat_pay",
    kind="flat pay co-op",
    description="a co-op paying one hourly rate for every hour of labour",
    cycle_months=12,
    cycle_note=("The management entity's year: at its close the surplus goes to members' capital\n  # accounts by hours worked."),
    rules_ref="engine.models.flat_pay.rules:RULES",
    parameters_ref="engine.models.flat_pay.parameters:FlatPayParameters",
    commands=("hours", "leave", "capital", "agreement", "annual-statement", "reminders", "low-rates"),
    replaces={"contracts issue --kind agreement": "agreement issue"},
    demo="engine.models.flat_pay.demo:year",
    no_fee="the flat pay co-op charges no monthly fee: the clinical entity pays the management fee, and hours are paid at the one rate",
    no_cycle_close="the flat_pay model closes its year with 'coop capital close YEAR'",
    hooks={
        "year_end": "engine.models.flat_pay.yearend:year_end",
        "unplanned_leaves": "engine.models.flat_pay.views:unplanned_leave_rows",
        "status_lines": "engine.models.flat_pay.overview:status_lines",
        "postings": "engine.models.flat_pay.management:transactions",
        "require_open": "engine.models.flat_pay.management:require_year_open",
        "check_effect": "engine.models.flat_pay.effects:check_effect",
        "apply_effect": "engine.models.flat_pay.effects:apply_effect",
    },
    manual_title="Members' manual",
    manual_folder="flat_pay",
    documents="engine.models.flat_pay.documents:documents",
)
