"""What a passed retention vote changes: membership makes an owner; a rent cover relieves a member on leave."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from engine.books.rules import Matter
from engine.errors import UserError

if TYPE_CHECKING:
    from engine.books.folder import Books
    from engine.books.journal import Writer
    from engine.governance.proposals import Fields, Proposal


def check_effect(books: Books, matter: Matter, fields: Fields, on: date) -> None:
    """A membership names a probationer; a rent cover names a member with leave ahead."""
    from engine.governance.proposals import DecisionFields
    from engine.models.retention import revenue

    if not isinstance(fields, DecisionFields) or matter not in (Matter.membership, Matter.rent_cover):
        return
    if matter == Matter.membership:
        why = revenue.check_admission(books, fields.member, on)
    else:
        span = revenue.rent_cover_span(books, fields.member, on)
        why = span if isinstance(span, str) else None
    if why is not None:
        raise UserError(why, field="--member")


def apply_effect(w: Writer, books: Books, p: Proposal, on: date) -> dict[str, Any] | None:
    from engine.governance.proposals import DecisionFields
    from engine.models.retention import revenue

    f = p.fields
    if not isinstance(f, DecisionFields) or f.member is None:
        return None
    if p.matter == Matter.membership:
        e = revenue.admit(w, books, f.member, p.id, on)
        return {"summary": f"{f.member} is a member-owner from {on}", "entries": [e.seq]}
    if p.matter == Matter.rent_cover:
        e, _ = revenue.cover_rent(w, books, f.member, p.label, on)
        d = e.data
        return {"summary": f"{f.member}'s share of rent is covered by the co-op from {d['first']} through {d['last']}", "entries": [e.seq]}
    return None
