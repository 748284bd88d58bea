"""The books' own records as any interface lists them: the roster on a date, the dated parameters with their history."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.books.folder import Books
from engine.books.parameters import dated_names, in_force
from engine.books.roster import Membership, memberships


def membership_data(m: Membership, on: date) -> dict[str, Any]:
    """One member's details and where their membership stands on ``on``."""
    return {
        **m.details(),
        "status": m.status(on),
        "end": m.end.isoformat() if m.end else None,
        "leaving_reason": m.reason,
    }


def roster_on(books: Books, on: date, everyone: bool = False) -> list[Membership]:
    """The members active on ``on`` (with ``everyone``, those who left too), by id."""
    return sorted((m for m in memberships(books, on).values() if everyone or m.active_on(on)), key=lambda m: m.id)


def parameter_steps(books: Books, as_of: date | None) -> tuple[Any, list[list[str]]]:
    """The model's parameters in force, and each dated one's steps as written in the file: (name, from, value)."""
    params = in_force(books, as_of)
    rows = []
    for name in dated_names(params):
        for step in getattr(params, name).model_dump(mode="json", by_alias=True)["steps"]:
            rows.append([name, step["from"] or books.federation.founded.isoformat(), step["value"]])
    return params, rows
