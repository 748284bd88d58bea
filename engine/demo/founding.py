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
    name: str, founded: date, people: Iterable[Person], budget: Iterable[BudgetLine], practice: str = "", **organisation: Any
) -> str:
    """The ``federation.yaml`` a demo founds its co-op from.

    ``practice`` is where a person without their own practice works;
    ``organisation`` is the preset's ``parent`` or ``entity``, and ``model``.
    """
    providers = [
        {
            "id": p.id,
            "name": p.name,
            "practice": p.practice or practice,
            "licence": p.licence,
            "email": p.email,
            "start": p.start or founded.isoformat(),
        }
        for p in people
    ]
    return render_founding(name=name, founded=founded, providers=providers, budget=budget_rows(budget, founded), **organisation)
