"""Unplanned time off in the flat-pay model: illness, a child-care crisis, an emergency.

Each day pays the unplanned leave day pay, derived from the hourly rate
(:func:`engine.pay.unplanned_leave_day_pay`), with no cap on the number of
days. What the member owes the collective instead is communication: every
record states a projected return date, so the members can watch the co-op's
capacity to keep paying.

A record states the kind of work the leave replaces (clinical unless said
otherwise): clinical leave is paid by the clinical entity, administrative or
other leave by the management entity (:data:`engine.pay.PAID_BY`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from engine.books import clock
from engine.books.cycles import Month
from engine.books.folder import Books
from engine.books.journal import Entry
from engine.books.roster import require
from engine.errors import UserError

UNPLANNED = "leave.unplanned"


@dataclass(frozen=True)
class LeaveRecord:
    seq: int
    member: str
    days: int
    on: date
    returns: date
    kind: str = "clinical"


def record_unplanned(books: Books, member: str, days: int, on: date, returns: date, kind: str = "clinical") -> Entry:
    """``days`` days of unplanned leave from ``on`` from work of ``kind``; ``returns`` is the projected return date."""
    from engine.models.flat_pay.hours import KINDS, _require_model
    from engine.models.flat_pay.management import require_year_open

    _require_model(books)
    if kind not in KINDS:
        raise UserError(f"'{kind}' is not a kind of work", field="--kind", expected=", ".join(KINDS))
    m = require(books, member, "MEMBER")
    if days < 1:
        raise UserError(f"{days} is not a number of leave days", field="--days", expected="a whole number of days, 1 or more")
    if not m.active_on(on):
        raise UserError(f"{member} is not a member on {on}", field="--on", expected=f"a date from {m.start}")
    if returns <= on:
        raise UserError(f"the projected return {returns} is not after the leave starts on {on}", field="--return", expected="a later date")
    require_year_open(books, on, "record leave")
    data = {"member": member, "days": days, "on": on.isoformat(), "return": returns.isoformat(), "kind": kind}
    with books.transaction() as w:
        return w.append(UNPLANNED, clock.today(), data)


def records(books: Books, until: date | None = None) -> list[LeaveRecord]:
    return [
        LeaveRecord(
            e.seq,
            e.data["member"],
            e.data["days"],
            date.fromisoformat(e.data["on"]),
            date.fromisoformat(e.data["return"]),
            e.data.get("kind", "clinical"),
        )
        for e in books.journal.entries([UNPLANNED], until=until)
    ]


def days_by_month(books: Books, months: list[Month], until: date | None = None) -> dict[tuple[str, Month, str], int]:
    """Leave days by member, the month the leave starts in, and the entity that pays them."""
    from engine.models.flat_pay.pay import payer_of

    wanted = set(months)
    out: dict[tuple[str, Month, str], int] = defaultdict(int)
    for r in records(books, until):
        if Month.of(r.on) in wanted:
            out[r.member, Month.of(r.on), payer_of(r.kind)] += r.days
    return dict(out)
