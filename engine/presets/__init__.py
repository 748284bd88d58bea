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

from engine.config import CycleSpec, Policies
from engine.money import cents_to_decimal_text
from engine.rules import DEFAULT_RULES

MODELS = ("federation",)


def render_founding(
    *,
    name: str,
    founded: date,
    parent: dict[str, Any],
    providers: list[dict[str, Any]] | None = None,
    budget: list[dict[str, Any]] | None = None,
    model: str = "federation",
    currency: str = "USD",
) -> str:
    """The text of a commented ``federation.yaml`` for ``model``."""
    source = resources.files(__name__).joinpath(f"{model}.yaml.j2").read_text(encoding="utf-8")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    defaults = Policies()
    rules = [(m.value, _rule_view(r)) for m, r in DEFAULT_RULES.items()]
    lines = [{**b, "monthly": cents_to_decimal_text(b["monthly"])} for b in budget or []]
    return env.from_string(source).render(
        name=name,
        founded=founded.isoformat(),
        parent={"principal_id": None, **parent},
        providers=providers or [],
        budget=lines,
        model=model,
        currency=currency,
        cycle=CycleSpec().model_dump(),
        policies={key: getattr(defaults, key).current for key in Policies.model_fields},
        rules=rules,
    )


def _rule_view(rule: Any) -> dict[str, Any]:
    data = rule.model_dump()  # fractions serialise as "2/3"
    data["second_reading"] = str(rule.second_reading)
    data["secret"] = str(rule.secret)
    return data
