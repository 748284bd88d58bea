"""A co-op at a glance on a date, in words any interface can show: what ``coop status`` prints above its tables.

Which money lines appear is the model's to say: a model with the equal-share
fee states it, and a model may add its own lines (a rate, a split) through its
``status_lines`` hook, so no interface names a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.books.folder import Books
from engine.books.money import format_cents
from engine.ledger.status import Status, summarise
from engine.models.registry import of


@dataclass(frozen=True)
class Overview:
    status: Status
    holder: str
    """Who holds the shared accounts, in a line: the parent practice and its principal, or the co-op's own entity."""
    money_lines: list[str]
    """How money moves this month: the fee in force, or the model's own terms."""
    people: str
    """What the roster's members are called: a federation's are providers (their own practices), a co-op's members."""


def overview(books: Books, as_of: date) -> Overview:
    s = summarise(books, as_of)
    fed = books.federation
    if fed.parent is not None:
        holder = s.holder.line()
    else:
        assert fed.entity is not None  # the config requires one or the other
        holder = f"Co-op: {fed.entity.legal_name} ({fed.entity.structure}; {fed.model.replace('_', ' ')} model)"
    model = of(books)
    lines = [] if model.no_fee else [f"Monthly fee: {s.fee_text(lambda c: format_cents(c, fed.currency))}"]
    lines += model.call("status_lines", books, s.as_of) or []
    return Overview(s, holder, lines, "Providers" if fed.parent is not None else "Members")
