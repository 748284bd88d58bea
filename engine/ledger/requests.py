"""The ledger as a person asks of it: close a named cycle (or only show it), and what a change re-evaluated.

A command line and a web form both name a cycle and say "dry run" or not;
choosing between working a close out and recording it, and finding the fees
a staffing change re-set in the same transaction, are decided here once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from engine.books.cycles import Cycle, cycle_containing
from engine.books.folder import Books
from engine.books.money import format_cents, fraction_text
from engine.books.naming import cycle_named, month_named
from engine.ledger import accounts, closing, fees


@dataclass(frozen=True)
class CycleClose:
    cycle: Cycle
    result: closing.Close
    recorded: bool
    plans: list[fees.Plan] = field(default_factory=list)
    """The next cycles' fees re-evaluated because a result was carried into them."""


def close_cycle(books: Books, cycle: str, day: date, dry_run: bool = False, field: str = "CYCLE") -> CycleClose:
    """Close the named cycle on ``day`` (a dry run works it out and records nothing)."""
    c = cycle_named(books, cycle, field)
    if dry_run:
        return CycleClose(c, closing.settle(books, c, day), recorded=False)
    result, _, plans = closing.close(books, c, day)
    return CycleClose(c, result, recorded=True, plans=plans)


def fee_changes_since(books: Books, seq: int) -> list[fees.FeeSetting]:
    """The fees a change recorded at entry ``seq`` re-evaluated (the engine did it in the same transaction)."""
    return [s for s in fees.settings(books) if s.seq > seq]


def plan_text(plan: fees.Plan, currency: str) -> str:
    """A fee and how it was worked out, in a sentence: the amount, from when, and what it collects over whom."""

    def money(cents: int) -> str:
        return format_cents(cents, currency)

    old = f"was {money(plan.old)}" if plan.old is not None else "first fee of the cycle"
    return (
        f"{money(plan.amount)} a month from {plan.from_month} ({old}): "
        f"{money(plan.to_collect)} to collect over {fraction_text(plan.provider_months, 3)} provider-months, rounded up"
    )


def recalc_fee(books: Books, cycle: str, from_month: str | None, reason: str | None) -> tuple[Cycle, fees.Plan, bool]:
    """Set the named cycle's fee (again from ``from_month``, YYYY-MM); whether anything was recorded."""
    c = cycle_named(books, cycle)
    plan, recorded = fees.recalc(books, c, month_named(from_month, "--from"), reason)
    return c, plan, recorded


@dataclass(frozen=True)
class FeeSchedule:
    cycle: Cycle
    settings: list[fees.FeeSetting]
    months: list[int | None]
    """The fee in force in each month of the cycle (None before any is set)."""


def fee_schedule(books: Books, cycle: str | None) -> FeeSchedule:
    """The fee month by month in the named cycle (none named: the current one) and every time it was set."""
    c = cycle_named(books, cycle)
    found = fees.settings(books, c)
    return FeeSchedule(c, found, fees.schedule(books, c, found))


def transactions_of(books: Books, until: date, provider: str | None = None) -> list[accounts.Transaction]:
    """Every balanced transaction up to ``until``, or only those touching one provider's account (who must exist)."""
    from engine.books.roster import require

    if provider:
        require(books, provider, "--provider")
    return list(accounts.transactions(books, until, provider))


def unset_cycles(books: Books, today: date) -> list[Cycle]:
    """Cycles begun by ``today``, not closed, with no fee set: every month of them would charge nothing."""
    from engine.models.registry import of as model_of

    if model_of(books).no_fee:
        return []
    done = closing.closed(books)
    have = {s.cycle for s in fees.settings(books)}
    out = []
    cycle = cycle_containing(books.federation.founded, books.federation.cycle)
    while cycle.first_day <= today:
        if cycle.last_day >= books.federation.founded and cycle.id not in done and cycle.id not in have:
            out.append(cycle)
        cycle = cycle.next()
    return out
