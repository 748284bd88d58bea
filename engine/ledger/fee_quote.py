"""The monthly fee that documents quote.

One function, so the manual, agreements and notices all quote the figure the
fee engine charges: the fee in force for the month, or, before the cycle's
fee has been set, the fee ``coop fees recalc`` would set for it (the
cycle's budget over its provider-months, rounded up to the cent).
"""

from __future__ import annotations

from datetime import date

from engine.books.cycles import Month, cycle_containing
from engine.books.folder import Books
from engine.errors import UserError
from engine.ledger.fees import plan, schedule


def monthly_fee(books: Books, on: date) -> int | None:
    """Each provider's monthly fee in cents on ``on``; ``None`` when nobody would be charged."""
    cycle = cycle_containing(on, books.federation.cycle)
    in_force = schedule(books, cycle)[cycle.months.index(Month.of(on))]
    if in_force is not None:
        return in_force
    try:
        return plan(books, cycle, cycle.start).amount
    except UserError:
        return None
