"""The session split co-op's quarter: its surplus, what members commit of it, and the payout.

surplus = co-op shares of the quarter's sessions + brought forward
          - expenses paid for the quarter - amounts committed by vote in the quarter

A ``surplus_use`` vote that passes (send a member to EMDR training, say)
commits its amount against the surplus of the quarter it is decided in: a
``surplus.committed`` entry, written in the transaction that records the
result. What is left at the quarter's close is paid out to the member-owners
through :func:`engine.allocation.allocate`, weighted by the dated
``payout_basis`` parameter (days as a member-owner in the quarter, or one
share each), odd cents rotated by the quarter's id. A deficit is carried to
the next quarter: the co-op never asks members to pay in.

The quarter closes through :mod:`engine.closing`, the same close as a fee
cycle, so a closed quarter refuses new sessions and expenses, and its
identity is checked the same way: shares in + brought forward - expenses -
committed - paid out - carried forward = 0, or nothing is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from engine.errors import UserError

if TYPE_CHECKING:
    from engine.books.cycles import Cycle
    from engine.books.folder import Books
    from engine.books.journal import Entry, Writer
    from engine.ledger.accounts import Transaction
    from engine.ledger.closing import Terms

COMMITTED = "surplus.committed"
DISTRIBUTION = "payouts"
"""The ledger account a quarter's payouts are posted to (a federation's close posts refunds)."""

PAYOUT_BASIS_WORDS = {
    "days_as_owner": "in proportion to the days each member-owner was a member in the quarter",
    "per_head": "in equal shares to every member-owner who was a member at any time in the quarter",
}
"""How the payout is shared, as it completes "the surplus is paid out ..." (manual, agreement, close)."""


# --- commitments by vote ----------------------------------------------------------------


@dataclass(frozen=True)
class Commitment:
    seq: int
    on: date
    quarter: str
    amount: int
    text: str
    member: str | None
    proposal: str


def check_commitment(books: Books, amount: int | None, on: date) -> None:
    """A surplus use commits an amount, in a quarter still open."""
    from engine.books.cycles import cycle_containing
    from engine.ledger.closing import closed

    if not amount:
        raise UserError("a surplus use commits an amount", field="--amount", expected="an amount such as 1800.00")
    quarter = cycle_containing(on, books.federation.cycle)
    if quarter.id in closed(books):
        raise UserError(f"quarter {quarter.id} is closed", field="--amount", expected="a decision in an open quarter")


def apply_commitment(w: Writer, books: Books, *, amount: int, text: str, member: str | None, proposal: str, on: date) -> Entry:
    """Commit ``amount`` against the surplus of the quarter holding ``on`` (inside the vote's transaction)."""
    from engine.books.cycles import cycle_containing

    quarter = cycle_containing(on, books.federation.cycle)
    data = {"quarter": quarter.id, "amount": amount, "text": text, "member": member, "proposal": proposal}
    return w.append(COMMITTED, on, data)


def commitments(books: Books, until: date | None = None, quarter: str | None = None) -> list[Commitment]:
    out = []
    for e in books.journal.entries([COMMITTED], until=until):
        d = e.data
        if quarter is None or d["quarter"] == quarter:
            out.append(Commitment(e.seq, e.date, d["quarter"], d["amount"], d["text"], d.get("member"), d["proposal"]))
    return out


SPENT = "surplus.spent"
"""Money paid out of a commitment (the training invoice paid): commitments down, cash down."""


def spent_on(books: Books, proposal: str) -> int:
    return sum(e.data["amount"] for e in books.journal.entries([SPENT]) if e.data["proposal"] == proposal)


def spend(books: Books, proposal: str, amount: int, on: date, receipt: str, vendor: str = "") -> Entry:
    """``coop payout spend``: pay (part of) what a surplus-use vote committed, up to what is left of it."""
    from engine.governance.proposals import load
    from engine.models.session_split.sessions import require_model

    require_model(books)
    p = load(books, proposal)
    found = [c for c in commitments(books) if c.proposal == p.label]
    if not found:
        raise UserError(f"{p.label} committed nothing from the surplus", field="PROPOSAL", expected="a passed surplus-use vote")
    if amount <= 0:
        raise UserError("the amount must be more than zero", field="AMOUNT")
    if not receipt.strip():
        raise UserError("a receipt reference is required", field="--receipt", expected="the invoice or receipt number")
    if on < found[0].on:
        raise UserError(f"{p.label} committed the money on {found[0].on}", field="--on", expected=f"a date from {found[0].on}")
    left = sum(c.amount for c in found) - spent_on(books, p.label)
    if amount > left:
        raise UserError(f"{p.label} has {left} cents left to spend", field="AMOUNT", expected=f"at most {left} cents")
    with books.transaction() as w:
        return w.append(SPENT, on, {"proposal": p.label, "amount": amount, "receipt": receipt.strip(), "vendor": vendor.strip()})


# --- the quarter's terms ------------------------------------------------------------------


def owner_weights(books: Books, cycle: Cycle, basis: str) -> tuple[dict[str, int], dict[str, str]]:
    """Who shares the payout: every member-owner for some of the quarter, by days as owner or one share each."""
    from engine.books.roster import memberships

    weights: dict[str, int] = {}
    shares: dict[str, str] = {}
    for pid, m in sorted(memberships(books, date.max).items()):
        first = max(m.start, cycle.first_day)
        last = min(m.end or cycle.last_day, cycle.last_day)
        if last < first:
            continue
        days = (last - first).days + 1
        weights[pid] = 1 if basis == "per_head" else days
        shares[pid] = "1 share" if basis == "per_head" else f"{days} days"
    return weights, shares


def quarter_terms(books: Books, cycle: Cycle) -> Terms:
    from engine.books.parameters import in_force
    from engine.ledger.closing import Terms
    from engine.models.session_split.sessions import coop_income

    basis = in_force(books).payout_basis.at(cycle.last_day)
    weights, shares = owner_weights(books, cycle, basis)
    committed = sum(c.amount for c in commitments(books, quarter=cycle.id))
    return Terms(coop_income(books, cycle), committed, weights, shares, basis, DISTRIBUTION)


# --- the ledger ---------------------------------------------------------------------------


def transactions(books: Books, until: date, provider_id: str | None = None) -> list[Transaction]:
    """Sessions and commitments as balanced transactions (the ledger adds them to its own)."""
    from engine.ledger.accounts import Transaction
    from engine.models.session_split.sessions import sessions

    out = []
    for s in sessions(books, last=until, member=provider_id):
        memo = f"session {s.id} {s.ref}".strip() + f": fee split {s.share}"
        postings = (("cash", s.fee), (f"provider:{s.member}", -s.clinician), ("income:coop_share", -s.coop))
        out.append(Transaction(s.on, memo, postings, s.seq))
    if provider_id is None:
        for c in commitments(books, until=until):
            postings = (("surplus_use", c.amount), ("commitments", -c.amount))
            out.append(Transaction(c.on, f"{c.proposal} commits: {c.text}", postings, c.seq))
        for e in books.journal.entries([SPENT], until=until):
            d = e.data
            memo = f"{d['proposal']} paid: {d['vendor'] or 'committed use'} ({d['receipt']})"
            out.append(Transaction(e.date, memo, (("commitments", d["amount"]), ("cash", -d["amount"])), e.seq))
    return out


def as_json(c: Commitment) -> dict[str, Any]:
    return {
        "seq": c.seq,
        "on": c.on.isoformat(),
        "quarter": c.quarter,
        "amount": c.amount,
        "text": c.text,
        "member": c.member,
        "proposal": c.proposal,
    }


def pay_members(books: Books, on: date, ref: str = "") -> dict[str, int]:
    """Pay each member what the co-op owes them on ``on``: one payment each, in one transaction.

    What is owed is their shares of sessions and the payouts credited to them,
    less what was already paid: the same balance ``coop ledger arrears`` shows.
    """
    from engine.ledger.accounts import PAYOUT, provider_balances
    from engine.ledger.closing import require_open
    from engine.models.session_split.sessions import require_model

    require_model(books)
    require_open(books, on, "pay members")
    owed = {pid: -bal for pid, bal in sorted(provider_balances(books, on).items()) if bal < 0}
    with books.transaction() as w:
        for pid, amount in owed.items():
            w.append(PAYOUT, on, {"provider": pid, "amount": amount, "ref": ref or f"pay {on.isoformat()}"})
    return owed
