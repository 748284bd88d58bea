"""Founding documents for new federations, one template per co-op model.

``coop init`` and ``coop demo`` both write ``federation.yaml`` from here, and
the rule defaults come from the same data the engine validates against, so
a fresh file states exactly what the engine will do.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Any

import jinja2

from engine.books.config import CycleSpec, Policies
from engine.books.money import cents_to_decimal_text
from engine.books.parameters import PARAMETER_MODELS
from engine.governance.rules import MODEL_RULES

CYCLES = {
    "federation": CycleSpec(),
    "retention": CycleSpec(),
    "flat_pay": CycleSpec(months=12),
    "session_split": CycleSpec(months=3),
}
"""Each model's accounting cycle: fee cycles, the flat-pay co-op's year, the split co-op's payout quarter."""

CYCLE_NOTES = {
    "federation": "Fee cycles: the fee is set at the start of each, re-evaluated when staffing changes;\n"
    "  # over-collection is refunded at its close.",
    "retention": "Cycles of the equal shared-expense charge: set at the start of each, re-evaluated when\n"
    "  # membership or leave changes; over-collection is refunded at its close.",
    "flat_pay": "The management entity's year: at its close the surplus goes to members' capital\n  # accounts by hours worked.",
    "session_split": "The payout quarter: at its close the co-op's surplus is paid out to member-owners\n"
    "  # (months must equal the payout_every_months parameter).",
}

DESCRIPTIONS = {
    "federation": "a federation of independent practices under a parent practice",
    "retention": "a co-op whose members keep what they earn, less an equal share of shared expenses",
    "flat_pay": "a co-op paying one hourly rate for every hour of labour",
    "session_split": "a co-op splitting each session's fee between clinician and co-op",
}


def render_founding(
    *,
    name: str,
    founded: date,
    parent: dict[str, Any] | None = None,
    entity: dict[str, Any] | None = None,
    providers: list[dict[str, Any]] | None = None,
    budget: list[dict[str, Any]] | None = None,
    model: str = "federation",
    currency: str = "USD",
) -> str:
    """The text of a commented ``federation.yaml`` for ``model``."""
    source = resources.files(__name__).joinpath("founding.yaml.j2").read_text(encoding="utf-8")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    defaults = Policies()
    rules = [(m.value, _rule_view(r)) for m, r in MODEL_RULES[model].items()]
    params = PARAMETER_MODELS[model]().model_dump(mode="json", by_alias=True, exclude={"model", "amount_cap"})
    lines = [{**b, "monthly": cents_to_decimal_text(b["monthly"])} for b in budget or []]
    return env.from_string(source).render(
        name=name,
        founded=founded.isoformat(),
        what=DESCRIPTIONS[model],
        parent={"principal_id": None, **(parent or {})},
        entity={"structure": "LLC", **(entity or {})},
        parameters=[(k, _yaml_value(v)) for k, v in params.items()],
        providers=providers or [],
        budget=lines,
        model=model,
        currency=currency,
        cycle=CYCLES[model].model_dump(),
        cycle_note=CYCLE_NOTES[model],
        policies={key: getattr(defaults, key).current for key in Policies.model_fields},
        rules=rules,
    )


def _rule_view(rule: Any) -> dict[str, Any]:
    data = rule.model_dump()  # fractions serialise as "2/3"
    data["second_reading"] = str(rule.second_reading)
    data["secret"] = str(rule.secret)
    return data


def _yaml_value(value: Any) -> str:
    """A parameter as written in the file: a plain value, or its dated list."""
    if isinstance(value, dict) and "steps" in value:
        steps = value["steps"]
        if len(steps) == 1 and steps[0]["from"] is None:
            return _yaml_value(steps[0]["value"])
        return "[" + ", ".join(f"{{from: {s['from']}, value: {_yaml_value(s['value'])}}}" for s in steps) + "]"
    if isinstance(value, str):
        return f'"{value}"' if "/" in value else value
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)
