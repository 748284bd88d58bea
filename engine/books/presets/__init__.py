"""Founding documents for new federations, one template per co-op model.

``coop init`` and ``coop demo`` both write ``federation.yaml`` from here, and
the rule defaults come from the same data the engine validates against, so
a fresh file states exactly what the engine will do.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from engine.books.config import AgreementTerms, CycleSpec, Policies
from engine.books.money import cents_to_decimal_text
from engine.models.registry import get as model_named


@cache
def _founding_template() -> jinja2.Template:
    """The commented founding file's template, compiled once per process (compiling costs more than rendering)."""
    source = resources.files(__name__).joinpath("founding.yaml.j2").read_text(encoding="utf-8")
    env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.filters["text"] = lambda value: json.dumps(value, ensure_ascii=False)  # a YAML double-quoted string, apostrophes as written
    return env.from_string(source)


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
    terms: dict[str, Any] | None = None,
) -> str:
    """The text of a commented ``federation.yaml`` for ``model``."""
    defaults = Policies()
    coop = model_named(model)
    rules = [(m.value, _rule_view(r)) for m, r in coop.rules().items()]
    params = coop.parameters()().model_dump(mode="json", by_alias=True, exclude={"model", "amount_cap", "proxies_per_holder"})
    lines = [{**b, "monthly": cents_to_decimal_text(b["monthly"])} for b in budget or []]
    return _founding_template().render(
        name=name,
        founded=founded.isoformat(),
        what=coop.description,
        parent={"principal_id": None, **(parent or {})},
        entity={"structure": "LLC", **(entity or {})},
        parameters=[(k, _yaml_value(v)) for k, v in params.items()],
        providers=providers or [],
        budget=lines,
        model=model,
        currency=currency,
        cycle=CycleSpec(months=coop.cycle_months).model_dump(),
        cycle_note=coop.cycle_note,
        policies={key: getattr(getattr(defaults, key), "current", getattr(defaults, key)) for key in Policies.model_fields},
        rules=rules,
        terms=_terms_view(terms),
    )


def _terms_view(terms: dict[str, Any] | None) -> dict[str, Any]:
    """The agreement terms as the file writes them: validated, with the defaults filled in."""
    return AgreementTerms.model_validate(terms or {}).model_dump(mode="json")  # money serialises as "1000.00"


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
