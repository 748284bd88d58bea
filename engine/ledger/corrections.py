"""Correcting the record without rewriting it.

A mistaken entry is withdrawn by a new entry that names it and says why;
both stay in the journal for anyone to read, and derived state skips the
withdrawn one. A replacement is simply a new entry recorded afterwards.
"""

from __future__ import annotations

from engine.books import clock
from engine.books.folder import SEALED, Books
from engine.books.journal import VOID, Entry
from engine.errors import UserError
from engine.ledger import closing

PROTECTED = {
    VOID,
    SEALED,
    # governance: withdrawing a ballot, a result or a credential would undo members' votes
    "proposal.opened",
    "proposal.voting_opened",
    "proposal.comment",
    "proposal.result",
    "proposal.effect",
    "proposal.statement",
    "ballot.cast",
    "member.credential_set",
    "governance.rule_set",
    "governance.rules_recorded",
    # closes and what votes adopted: their figures were worked out from everything before them
    "cycle.closed",
    "capital.year_closed",
    "parameter.set",
    "manual.adopted",
    "manual.recorded",
}
"""Kinds that cannot be withdrawn: withdrawing them would rewrite the audit trail itself."""


def void(books: Books, seq: int, reason: str) -> Entry:
    target = books.journal.require(seq)
    if target.kind in PROTECTED:
        raise UserError(f"entry {seq} is a {target.kind} entry, which cannot be withdrawn", field="SEQ")
    if seq in books.journal.voided():
        raise UserError(f"entry {seq} was already withdrawn", field="SEQ")
    if not reason.strip():
        raise UserError("a reason is required", field="--reason")
    # Withdrawing an entry dated in a closed cycle would change figures the close already settled.
    closing.require_open(books, target.date, f"withdraw entry {seq}", field="SEQ")
    with books.transaction() as w:
        return w.void(seq, reason, clock.today())
