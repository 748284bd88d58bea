"""The monthly fee that documents quote.

One small function so the manual, agreements and notices all quote the same
figure, and so it can later ask the fee engine instead of working it out
here. Until then it is the equal share ``coop status`` shows: this month's
agreed budget over the active providers, rounded up to the cent (the cent
or so over is refunded at the cycle's close like any over-collection).
"""

from __future__ import annotations

from datetime import date

from engine.books import Books
from engine.status import summarise


def monthly_fee(books: Books, on: date) -> int | None:
    """Each provider's monthly fee in cents on ``on``; ``None`` when there are no providers."""
    return summarise(books, on).fee
