"""The sample co-op's founding file: people and budget lines as a demo writes them, rendered through the presets.

Every demo founds its co-op the way a person would, from the commented
``federation.yaml`` the presets render; the demo's own data is only who is
in it and what it spends.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from engine.books.presets import render_founding

DEMO_TERMS: dict[str, Any] = {
    "governing_law": "the State of Oregon",
    "venue": "the circuit court for Lane County, Oregon",
    "disputes": [
        {"step": "talk", "days": 21},
        {"step": "mediation", "days": 45, "by": "Willamette Community Mediation"},
        {"step": "arbitration", "days": 0, "by": "a single arbitrator the parties choose together"},
    ],
    "payment": {"due_day": 5, "method": "bank transfer to the shared account named in writing", "grace_days": 10, "settle_within_days": 30},
    "insurance": [
        {"who": "holder", "cover": "general liability insurance for the shared office and services", "minimum": "1000000.00"},
        {"who": "holder", "cover": "cyber liability insurance for the shared software", "minimum": "500000.00"},
        {"who": "signer", "cover": "professional liability insurance for their own clinical work", "minimum": "1000000.00"},
    ],
    "liability_cap_months": 12,
    "withdrawal_notice_days": 120,
    "breach_notice_days": 5,
}
"""The agreement terms every demo co-op is founded with: invented values, in one place."""

DEMO_OFFICE = {"address": "27 Commons Way, Fairhaven, OR 97400", "formed_in": "Oregon"}
"""Where a demo co-op's own entity is and where it was formed."""


class Person(NamedTuple):
    """A member or provider as the roster (and an onboarding proposal) takes them."""

    id: str
    name: str
    licence: str
    email: str
    practice: str = ""
    """Blank: the co-op's own entity, as in a co-op where everyone works for one company."""
    start: str = ""
    """Blank: the founding day."""


class BudgetLine(NamedTuple):
    """A line of the founding budget, in cents a month."""

    id: str
    name: str
    category: str
    monthly: int
    vendor: str
    cooperative_vendor: bool


def budget_rows(budget: Iterable[BudgetLine], founded: date) -> list[dict[str, object]]:
    """A demo's budget lines as the founding template takes them, each in force from the founding."""
    return [{**line._asdict(), "effective": founded.isoformat(), "until": None} for line in budget]


def founding(
    name: str,
    founded: date,
    people: Iterable[Person],
    budget: Iterable[BudgetLine],
    practice: str = "",
    *,
    own_practices: bool = False,
    client_records: tuple[str, ...] = (),
    **organisation: Any,
) -> str:
    """The ``federation.yaml`` a demo founds its co-op from, with the demo's agreement terms.

    ``practice`` is where a person without their own practice works;
    ``own_practices`` gives each person's practice an invented address and
    entity (a federation's providers each run their own); ``client_records``
    names the budget lines that hold clients' records; ``organisation`` is the
    preset's ``parent`` or ``entity``, and ``model``.
    """
    providers = []
    for k, p in enumerate(people):
        row: dict[str, Any] = {
            "id": p.id,
            "name": p.name,
            "practice": p.practice or practice,
            "licence": p.licence,
            "email": p.email,
            "start": p.start or founded.isoformat(),
        }
        if own_practices:
            kind = "professional limited liability company" if row["practice"].endswith("PLLC") else "limited liability company"
            row |= {"address": f"{100 + 10 * k} Alder Row, Fairhaven, OR 97400", "entity_type": kind, "formed_in": "Oregon"}
        providers.append(row)
    lines = [{**b, "client_records": b["id"] in client_records} for b in budget_rows(budget, founded)]
    if "entity" in organisation:
        organisation["entity"] = {**organisation["entity"], **DEMO_OFFICE}
    return render_founding(name=name, founded=founded, providers=providers, budget=lines, terms=DEMO_TERMS, **organisation)
