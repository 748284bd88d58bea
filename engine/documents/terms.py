"""The terms every agreement states besides the model's own, in words, from ``federation.yaml``'s ``terms``.

Governing law and venue, the dispute ladder, payment, insurance, the
liability cap, withdrawal and notice periods and the services that hold
client records are data the members set; each model's agreement renders the
same clauses (``contracts/agreement_terms.md.j2``) from this one view, so no
agreement promises a figure the books do not hold.
"""

from __future__ import annotations

from datetime import date

from engine.books.budget import lines_on
from engine.books.config import DisputeStep
from engine.books.folder import Books
from engine.books.holder import holder_on
from engine.documents.data import NOT_ON_FILE, Cover, DisputeRung, HolderDetails, LegalTerms

LATE_WORDS = {
    "reminder": "the {holder} sends a written reminder; no interest or late fee is charged",
    "reminder_then_members": (
        "the {holder} sends a written reminder; no interest or late fee is charged, and an amount still unpaid {grace} days "
        "after the reminder is reported to the members, who decide together what follows under the manual"
    ),
}


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _rung(step: DisputeStep, last: bool) -> DisputeRung:
    by = f" run by {step.by}" if step.by else ""
    words = {
        "talk": "the people concerned meet and try in good faith to settle it themselves",
        "mediation": f"either party may refer it to mediation{by}, the mediator's fee shared equally",
        "arbitration": f"either party may refer it to binding arbitration{by}, whose award any court with jurisdiction may enter",
        "court": "either party may bring it before the courts named under governing law and venue",
    }[step.step]
    return DisputeRung(words=words, days=step.days, last=last)


def holder_details(books: Books, on: date) -> HolderDetails:
    """The holder's particulars on ``on``; a successor's are not in federation.yaml, so they read "not on file"."""
    fed = books.federation
    if fed.parent is not None:
        h = holder_on(books, on)
        return HolderDetails(
            role=fed.keeper,
            legal_name=h.legal_name,
            entity_type=h.entity_type or NOT_ON_FILE,
            formed_in=h.formed_in or NOT_ON_FILE,
            address=h.address or NOT_ON_FILE,
        )
    e = fed.entity
    assert e is not None  # config checks every model names a holder
    return HolderDetails(
        role=fed.keeper,
        legal_name=e.legal_name,
        entity_type=e.structure,
        formed_in=e.formed_in or NOT_ON_FILE,
        address=e.address or NOT_ON_FILE,
    )


def legal_terms(books: Books, on: date, signer_role: str, deficit: str) -> LegalTerms:
    """The common clauses' data on ``on``; ``deficit`` is the model's own words for who bears a shortfall."""
    t = books.federation.terms
    holder = holder_details(books, on)
    late = LATE_WORDS[t.payment.late].format(holder=holder.role.removeprefix("the "), grace=t.payment.grace_days)
    notice = (
        "at any time, by written notice naming their last day"
        if t.signer_notice_days == 0
        else f"by at least {t.signer_notice_days} days' written notice naming their last day"
    )
    return LegalTerms(
        holder=holder,
        signer_role=signer_role,
        governing_law=t.governing_law,
        venue=t.venue,
        disputes=[_rung(s, i == len(t.disputes) - 1) for i, s in enumerate(t.disputes)],
        due_day_words=ordinal(t.payment.due_day),
        payment_method=t.payment.method,
        grace_days=t.payment.grace_days,
        late_words=late,
        deficit=deficit,
        settle_within_days=t.payment.settle_within_days,
        holder_insurance=[Cover(cover=c.cover, minimum=c.minimum) for c in t.insurance if c.who == "holder"],
        signer_insurance=[Cover(cover=c.cover, minimum=c.minimum) for c in t.insurance if c.who == "signer"],
        liability_cap_months=t.liability_cap_months,
        withdrawal_notice_days=t.withdrawal_notice_days,
        signer_notice_words=notice,
        breach_notice_days=t.breach_notice_days,
        client_record_services=sorted(f"{b.name} ({b.vendor})" for b in lines_on(books, on) if b.client_records),
    )
