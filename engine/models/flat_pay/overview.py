"""The flat pay co-op's lines in ``coop status``: the one rate, the management fee and what comes next."""

from __future__ import annotations

from datetime import date

from engine.books.cycles import Month
from engine.books.folder import Books
from engine.books.money import format_cents
from engine.books.parameters import in_force
from engine.models.flat_pay.pay import hourly_rate, unplanned_leave_day_pay
from engine.models.flat_pay.reminders import next_event


def status_lines(books: Books, on: date) -> list[str]:
    def money(cents: int) -> str:
        return format_cents(cents, books.federation.currency)

    params, first = in_force(books, on), Month.of(on).first
    rate, day_pay = hourly_rate(params, Month.of(on)), unplanned_leave_day_pay(params, first)
    lines = [
        f"Hourly rate: {money(rate)} for every hour of labour; unplanned leave {money(day_pay)} a day",
        f"Management fee from the clinical entity: {money(params.management_fee.at(first))} a month",
    ]
    from engine.models.flat_pay.patronage import dues

    owed = [d for d in dues(books, on) if d.outstanding]
    if owed:
        first_due = min(d.due_by for d in owed)
        total = money(sum(d.outstanding for d in owed))
        lines.append(f"Patronage cash still due: {total} to {len(owed)} member(s), the first by {first_due}")
    nxt = next_event(books, on)
    if nxt is not None:
        lines.append(f"Next: {nxt.on} {nxt.text}")
    return lines
