"""The session split co-op's records as any interface asks for them: a quarter's payout, the sessions of a quarter."""

from __future__ import annotations

from datetime import date

from engine.books.folder import Books
from engine.books.naming import cycle_named
from engine.ledger.requests import CycleClose, close_cycle
from engine.models.session_split.sessions import Session, require_model, sessions


def close_quarter(books: Books, quarter: str, day: date, dry_run: bool = False) -> CycleClose:
    """Close the named quarter: its surplus paid out to member-owners, or its deficit carried (a dry run records nothing)."""
    require_model(books)
    return close_cycle(books, quarter, day, dry_run, field="QUARTER")


def sessions_in(books: Books, quarter: str | None, member: str | None) -> list[Session]:
    """The sessions recorded, in one quarter or all, for one member or all."""
    require_model(books)
    q = cycle_named(books, quarter, "--quarter") if quarter else None
    return sessions(books, q.first_day if q else None, q.last_day if q else None, member)
