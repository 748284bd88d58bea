"""A federation at a glance on a given date: the facts ``coop status`` shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.books.budget import lines_on
from engine.books.config import BudgetLine
from engine.books.cycles import Cycle, Month, cycle_containing
from engine.books.folder import Books
from engine.books.holder import Holder, holder_on
from engine.books.roster import Membership, active
from engine.ledger.fees import settings


@dataclass
class Status:
    as_of: date
    cycle: Cycle
    active: list[Membership]
    lines: list[BudgetLine]
    fee: int | None
    fee_reason: str
    holder: Holder
    """Who holds the shared accounts on ``as_of``: after a handover, the successor (or the members jointly)."""

    @property
    def budget_total(self) -> int:
        return sum(b.monthly for b in self.lines)

    @property
    def month_index(self) -> int:
        return self.cycle.months.index(Month.of(self.as_of)) + 1

    def fee_text(self, fmt: Callable[[int], str]) -> str:
        return f"{fmt(self.fee)} ({self.fee_reason})" if self.fee is not None else self.fee_reason

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "cycle": {"id": self.cycle.id, "first_day": self.cycle.first_day.isoformat(), "last_day": self.cycle.last_day.isoformat()},
            "providers": [m.details() for m in self.active],
            "budget": [b.model_dump(mode="json", by_alias=True) for b in self.lines],
            "budget_total": self.budget_total,
            "fee": self.fee,
            "fee_reason": self.fee_reason,
            "holder": {
                "name": self.holder.legal_name,
                "role": self.holder.role,
                "since": self.holder.since.isoformat() if self.holder.since else None,
                "previous": self.holder.previous,
            },
        }


def summarise(books: Books, as_of: date) -> Status:
    members = sorted(active(books, as_of), key=lambda m: m.id)
    lines = lines_on(books, Month.of(as_of).first, known_by=as_of)
    cycle = cycle_containing(as_of, books.federation.cycle)
    fee, reason = _fee(books, as_of, cycle)
    return Status(as_of, cycle, members, lines, fee, reason, holder_on(books, as_of))


def _fee(books: Books, as_of: date, cycle: Cycle) -> tuple[int | None, str]:
    """The fee actually set and in force, with where it came from; never an estimate."""
    found = [s for s in settings(books, cycle) if s.from_month <= Month.of(as_of)]
    if not found:
        return None, f"not set for cycle {cycle.id}; set it with 'coop fees recalc {cycle.id}'"
    s = found[-1]
    return s.amount, f"set from {s.from_month}: {s.reason}"
