"""Votes whose time has come: closed by whoever next touches the books, so no cron job is needed for correctness.

A proposal past its deadline, or a provisional consensus past its
ratification window, can only end one way on the record it has; closing it
is bookkeeping, not a decision anyone makes. The portal's schedule and the
terminal both call :func:`settle` first, so a member never sees a vote
"still open" that the calendar has ended.
"""

from __future__ import annotations

from datetime import date

from engine.books import clock
from engine.books.folder import Books
from engine.governance.proposals import Proposal, all_proposals


def due(books: Books, today: date, keep: str | None = None) -> list[Proposal]:
    """The votes past their time, but ``keep`` (a label: the one the caller is closing itself, with its statement)."""
    return [p for p in all_proposals(books) if p.final is None and today > _last_day(p) and p.label != keep]


def _last_day(p: Proposal) -> date:
    """The voting deadline, or for a provisional consensus the end of its ratification window."""
    return p.deadline if p.result is None else date.fromisoformat(p.result.data["ratification_until"])


def settle(books: Books, keep: str | None = None) -> list[Proposal]:
    """Close every vote past its time (but ``keep``), each in its own transaction, in the order they were opened."""
    from engine.governance.views import close_proposal

    return [close_proposal(books, p.label, calendar=True)[0] for p in due(books, clock.today(), keep)]


def settle_before_writing(books: Books, keep: str | None = None) -> list[Proposal]:
    """What a command or portal request that writes does first, holding the write lock: close what is due, then hold it again.

    Each close commits on its own (and so lets the lock go); the caller's own
    write must still decide on the state it then records, so the lock is
    taken back before it reads.
    """
    closed = settle(books, keep)
    if closed:
        books.journal.lock()
    return closed
