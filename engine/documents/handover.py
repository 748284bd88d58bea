"""Settlement letters at a handover: each provider's agreement with the outgoing holder ends, and its balance is settled.

A passed end-the-parent vote records one ``parent.agreement_ended`` entry
per provider (engine.governance.outcomes). Once the handover date has come,
``coop handover settle`` issues each of them a letter from the figures the
books derive for their last day under that agreement: fees charged, what
they paid, what was credited to them (refunds, payouts), and the balance
either way, paid within the agreement's settlement period. A cycle still
open at the handover closes as usual: its share of over-collection (or of a
deficit) for the months before the handover follows on the provider's
cycle statement, as for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from engine.books.folder import Books
from engine.books.holder import AGREEMENT_ENDED, handovers, holder_on
from engine.books.money import format_cents
from engine.books.roster import memberships
from engine.documents.letters import IssuedLetter, Letter, issue
from engine.documents.templates import md_escape
from engine.errors import UserError


@dataclass(frozen=True)
class Settlement:
    provider: str
    holder: str
    successor: str
    last_day: date
    charged: int
    paid: int
    credited: int
    """Refunds and payouts credited to the provider through the last day, less amounts paid out to them."""
    balance: int
    """What the provider owes the outgoing holder on the last day (negative: owed to the provider)."""


def settlements(books: Books) -> list[Settlement]:
    """Every provider's settlement with the holder their agreement was with, from the books as they stand."""
    from engine.ledger.accounts import PAYMENT, charges_through, provider_balances, sums_by_provider

    out = []
    for e in books.journal.entries([AGREEMENT_ENDED]):
        d = e.data
        last = date.fromisoformat(d["last_day"])
        pid = d["provider"]
        charged = charges_through(books, last).get(pid, 0)
        paid = sums_by_provider(books, PAYMENT, last=last).get(pid, 0)
        balance = provider_balances(books, last).get(pid, 0)
        out.append(Settlement(pid, d["holder"], d["successor"], last, charged, paid, charged - paid - balance, balance))
    return out


def _letter(books: Books, s: Settlement, on: date) -> Letter:
    fed = books.federation
    m = memberships(books, date.max)[s.provider]
    money = lambda c: format_cents(c, fed.currency)  # noqa: E731
    successor = holder_on(books, s.last_day + timedelta(days=1))
    pay_by = on + timedelta(days=fed.terms.payment.settle_within_days)
    if s.balance > 0:
        outcome = f"You owe {md_escape(s.holder)} **{money(s.balance)}**, to be paid by {pay_by}."
    elif s.balance < 0:
        outcome = f"{md_escape(s.holder)} owes you **{money(-s.balance)}**, and will pay it by {pay_by}."
    else:
        outcome = "Nothing is owed either way: your account with it is settled."
    text = "\n".join(
        [
            f"# Settlement of your agreement with {md_escape(s.holder)}",
            "",
            f"**{md_escape(m.provider.name)}**, {md_escape(m.provider.practice)}",
            "",
            f"Issued {on}",
            "",
            f"The members of {md_escape(fed.name)} voted to continue without {md_escape(s.holder)}. Your services agreement with it "
            f"ended with {s.last_day}; from {s.last_day + timedelta(days=1)} the shared accounts are held by "
            f"{md_escape(successor.legal_name)}. This letter settles the fees, payments and credits between your practice and "
            f"the shared accounts held by {md_escape(s.holder)} under that agreement.",
            "",
            "| | amount |",
            "|---|---:|",
            f"| Fees charged through {s.last_day} | {money(s.charged)} |",
            f"| Paid by you | {money(-s.paid)} |",
            f"| Refunds and other credits, less amounts paid to you | {money(-s.credited)} |",
            f"| **Balance on {s.last_day}** | **{money(s.balance)}** |",
            "",
            outcome,
            "",
            "If the fee cycle running at the handover had not closed by then, its close still shares out the over-collection "
            "(or the deficit) for the months before the handover exactly as for every other provider; your cycle statement "
            "shows it. Your practice, clients and records are yours, as they always were.",
            "",
        ]
    )
    return Letter(
        party=s.provider,
        kind="handover-settlement",
        key=f"handover:{s.last_day}",
        folder=f"handover/{s.last_day + timedelta(days=1)}",
        stem=f"{s.provider}-settlement",
        title=f"Settlement with {s.holder}: {m.provider.name}",
        markdown=text,
        figures={"charged": s.charged, "paid": s.paid, "credited": s.credited, "balance": s.balance, "last_day": s.last_day.isoformat()},
    )


def issue_settlements(books: Books, on: date) -> list[IssuedLetter]:
    """Issue the settlement letter of every agreement a handover ended, dated ``on`` (on or after the handover)."""
    found = settlements(books)
    if not found:
        if handovers(books):
            raise UserError("the handover ended no agreements (no provider was active on its date)", field="--on")
        raise UserError("no handover is recorded: the members have not voted to continue without the parent", field="--on")
    due = [s for s in found if s.last_day < on]
    if not due:
        first = min(s.last_day for s in found) + timedelta(days=1)
        why = f"the handover is on {first}; settlement letters are issued from that day"
        raise UserError(why, field="--on", expected=f"{first} or later")
    return issue(books, [_letter(books, s, on) for s in due], on, holder_on(books, on).legal_name)
