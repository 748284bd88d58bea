"""Signing and where each provider stands: who signed which document, manual version and fee, and what they still need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.books.folder import Books
from engine.books.journal import Entry
from engine.books.money import cents_to_decimal_text
from engine.books.roster import active, require
from engine.documents.contracts import BUSINESS_ASSOCIATE, ISSUED, SIGNED
from engine.errors import UserError
from engine.governance import versions as mv
from engine.ledger.fee_quote import monthly_fee


def sign(books: Books, provider_id: str, on: date, kind: str | None = None) -> Entry:
    """Record that a provider signed the latest document issued to them (of ``kind``, if given).

    Without ``kind``, a signature covers the documents issued together last (an
    agreement and its business associate agreement are signed as one packet);
    the agreement's signature entry is returned.
    """
    require(books, provider_id)
    issued = [e for e in books.journal.entries([ISSUED]) if e.data["provider"] == provider_id and (kind is None or e.data["kind"] == kind)]
    if not issued:
        raise UserError(f"nothing has been issued to {provider_id} to sign", field="PROVIDER", expected="'coop contracts issue' first")
    last = issued[-1]
    targets = [last] if kind is not None else [e for e in issued if e.on == last.on and e.data["kind"] != BUSINESS_ASSOCIATE] + [
        e for e in issued if e.on == last.on and e.data["kind"] == BUSINESS_ASSOCIATE
    ]
    if on < last.date:
        raise UserError(f"{last.data['document']} was issued on {last.on}; it cannot be signed before that", field="--on")
    signed = {e.ref: e for e in books.journal.entries([SIGNED])}
    unsigned = [t for t in targets if t.seq not in signed]
    if not unsigned:
        e = signed[last.seq]
        raise UserError(f"{last.data['document']} was already signed on {e.on} (journal entry {e.seq})", field="PROVIDER")
    with books.transaction() as w:
        entries = [w.append(SIGNED, on, {k: t.data[k] for k in _SIGNED_FIELDS}, ref=t.seq) for t in unsigned]
    return entries[0]


_SIGNED_FIELDS = ("provider", "kind", "document", "manual_version", "manual_sha256", "fee", "sha256")


@dataclass(frozen=True)
class StatusRow:
    provider: str
    name: str
    agreement: str
    version: int | None
    fee: int | None
    awaiting: str
    needs: str

    def as_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "name": self.name,
            "agreement_signed": self.agreement or None,
            "manual_version_signed": self.version,
            "fee_signed": cents_to_decimal_text(self.fee) if self.fee is not None else None,
            "awaiting_signature": self.awaiting or None,
            "needs": self.needs or None,
        }


def status(books: Books, on: date) -> tuple[mv.Version, int | None, list[StatusRow]]:
    """Who has signed which version, and who needs a new agreement or acknowledgment."""
    current = mv.in_force(books, on)
    fee = monthly_fee(books, on)
    signed_by: dict[str, list[Entry]] = {}
    for e in books.journal.entries([SIGNED], until=on):
        signed_by.setdefault(e.data["provider"], []).append(e)
    signed_refs = {e.ref for entries in signed_by.values() for e in entries}
    pending_by: dict[str, Entry] = {}
    for e in books.journal.entries([ISSUED], until=on):
        if e.seq not in signed_refs:
            pending_by[e.data["provider"]] = e
        else:
            pending_by.pop(e.data["provider"], None)
    rows = []
    for m in sorted(active(books, on), key=lambda m: m.id):
        entries = signed_by.get(m.id, [])
        agreement = next((e for e in reversed(entries) if e.data["kind"] == "agreement"), None)
        last = next((e for e in reversed(entries) if e.data["kind"] != BUSINESS_ASSOCIATE), None)
        waiting = pending_by.get(m.id)
        needs = []
        if agreement is None:
            needs.append("agreement")
        elif last is not None and last.data["manual_version"] != current.number:
            # A new manual version needs an acknowledgment; a fee change needs none (the agreement says so: a notice announces it).
            needs.append(f"acknowledgment of manual v{current.number}")
        rows.append(
            StatusRow(
                m.id,
                m.provider.name,
                f"{agreement.on} (v{agreement.data['manual_version']})" if agreement else "",
                last.data["manual_version"] if last else None,
                last.data["fee"] if last else None,
                f"{waiting.data['document']} (issued {waiting.on})" if waiting else "",
                "; ".join(needs),
            )
        )
    return current, fee, rows
