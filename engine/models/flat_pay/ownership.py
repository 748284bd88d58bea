"""Becoming a member-owner in the flat-pay model: after six months, no buy-in.

A worker is on the roster from their first day; ownership (an equal say in
the management entity and an internal capital account) comes by a
``membership`` proposal decided by consensus, absent members consulted
afterwards. The proposal may be opened before the date, so the members can
decide it in a weekly meeting; ownership starts on the later of the decision
and the eligibility date (start + ``membership_after_months``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.books.cycles import Month
from engine.books.folder import Books
from engine.books.journal import Writer
from engine.books.roster import Membership, memberships
from engine.errors import UserError

OWNER = "member.owner"


def owners(books: Books, as_of: date | None = None) -> dict[str, date]:
    """Member-owners and the day each became one (an entry dated later is not yet in force).

    The workers who found the co-op (listed in federation.yaml, starting by the
    founding date) are its owners from the founding; everyone after becomes
    one by a membership proposal.
    """
    founded = books.federation.founded
    out = {p.id: founded for p in books.federation.providers if p.start <= founded}
    for e in books.journal.entries([OWNER]):
        since = date.fromisoformat(e.data["since"])
        if as_of is None or since <= as_of:
            out[e.data["member"]] = since
    return out


def eligible_on(books: Books, m: Membership) -> date:
    """The day a worker may become a member-owner: ``membership_after_months`` after their start."""
    from engine.books.parameters import in_force

    months = in_force(books).membership_after_months.at(m.start)
    target = Month.of(m.start).plus(months)
    return date(target.year, target.month, min(m.start.day, target.days))


def check(books: Books, member: str | None, on: date) -> Membership:
    """Refuse a membership proposal that could not make its member an owner."""
    if member is None:
        raise UserError("a membership proposal names its member", field="--member", expected="the worker's id")
    m = memberships(books, date.max).get(member)
    if m is None:
        raise UserError(f"unknown member '{member}'", field="--member")
    if member in owners(books):
        raise UserError(f"{member} is already a member-owner (since {owners(books)[member]})", field="--member")
    if m.end is not None and m.end < on:
        raise UserError(f"{member} left on {m.end}", field="--member")
    return m


def apply(w: Writer, books: Books, member: str, proposal: int, label: str, on: date) -> dict[str, Any]:
    m = check(books, member, on)
    since = max(on, eligible_on(books, m))
    e = w.append(OWNER, since, {"member": member, "since": since.isoformat(), "proposal": proposal, "label": label})
    return {"summary": f"{member} is a member-owner from {since} ({label})", "entries": [e.seq]}
