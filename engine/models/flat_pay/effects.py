"""What a passed flat-pay membership vote changes: the worker becomes a member-owner."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from engine.books.rules import Matter

if TYPE_CHECKING:
    from engine.books.folder import Books
    from engine.books.journal import Writer
    from engine.governance.proposals import Fields, Proposal


def check_effect(books: Books, matter: Matter, fields: Fields, on: date) -> None:
    """A membership proposal must be able to make its member an owner (ownership after six months)."""
    if matter is Matter.membership:
        from engine.models.flat_pay.ownership import check

        check(books, getattr(fields, "member", None), on)


def apply_effect(w: Writer, books: Books, p: Proposal, on: date) -> dict[str, Any] | None:
    member = getattr(p.fields, "member", None)
    if p.matter is Matter.membership and member:
        from engine.models.flat_pay.ownership import apply

        return apply(w, books, member, p.id, p.label, on)
    return None
