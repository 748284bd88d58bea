"""What a passed surplus-use vote changes: part of the quarter's surplus is committed before the payout."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from engine.books.money import format_cents
from engine.books.rules import Matter
from engine.errors import UserError

if TYPE_CHECKING:
    from engine.books.folder import Books
    from engine.books.journal import Writer
    from engine.governance.proposals import Fields, Proposal


def check_effect(books: Books, matter: Matter, fields: Fields, on: date) -> None:
    """A surplus use needs an amount in an open quarter."""
    if matter is Matter.surplus_use:
        from engine.models.session_split.payouts import check_commitment

        try:
            check_commitment(books, getattr(fields, "amount", None), on)
        except UserError as exc:
            raise UserError(exc.message, field="--amount") from None


def apply_effect(w: Writer, books: Books, p: Proposal, on: date) -> dict[str, Any] | None:
    if p.matter is not Matter.surplus_use:
        return None
    from engine.models.session_split.payouts import apply_commitment

    f: Any = p.fields
    assert f.amount is not None  # checked
    e = apply_commitment(w, books, amount=f.amount, text=f.text, member=f.member, proposal=p.label, on=on)
    amount = format_cents(f.amount, books.federation.currency)
    return {"summary": f"{amount} committed against quarter {e.data['quarter']}'s surplus", "entries": [e.seq]}
