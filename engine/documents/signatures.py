"""Signing and where each provider stands: who signed which document, manual version and fee, and what they still need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.books.folder import Books
from engine.books.journal import Entry
from engine.books.money import cents_to_decimal_text
from engine.books.roster import active, require
from engine.documents.agreements import BUSINESS_ASSOCIATE, ISSUED, SIGNED
from engine.errors import UserError
from engine.governance import versions as mv
from engine.governance.challenges import content_hash
from engine.ledger.fee_quote import monthly_fee


def sign(
    books: Books,
    provider_id: str,
    on: date,
    kind: str | None = None,
    *,
    name: str | None = None,
    document_sha256: str | None = None,
    secret: str | None = None,
    assertion: str | None = None,
) -> Entry:
    """Record that a provider signed the latest document issued to them (of ``kind``, if given).

    Without ``kind``, a signature covers the documents issued together last (an
    agreement and its business associate agreement are signed as one packet);
    the agreement's signature entry is returned. With ``document_sha256`` and
    ``name`` the entry records which document the signer saw and the name they
    signed with; the hash must be the issued document's. With ``secret`` (the
    provider's credential) the server attests the signature; with ``assertion``
    the provider's passkey signed :func:`signing_challenge`, which ``coop audit
    verify`` checks offline. Without either, the administrator records a
    signature made elsewhere (on paper), as before.
    """
    from engine.governance import credentials

    if secret is not None and assertion is not None:
        raise UserError("a signature is given with a credential or with a passkey, not both", field="credential")
    if assertion is not None and (document_sha256 is None or not (name or "").strip()):
        raise UserError("a passkey signs a named document: give the document's SHA-256 and the signer's name", field="--sha256")
    require(books, provider_id)
    if secret is not None:
        credentials.check(books, provider_id, secret)
    with books.transaction() as w:
        head = books.journal.head()
        _, unsigned = _unsigned(books, provider_id, on, kind, document_sha256)
        extra: dict[str, Any] = {}
        if document_sha256 is not None:
            extra |= {"document_sha256": document_sha256, "name": (name or "").strip()}
        if assertion is not None:
            from webauthn.helpers import bytes_to_base64url  # WebAuthn loads only for a passkey signature

            from engine.governance import passkeys

            challenge = content_hash(_signing_content(provider_id, kind, document_sha256, name, head))
            extra |= {
                "signed_kind": kind,
                "attestation": passkeys.verify_assertion(books, provider_id, assertion, challenge),
                "challenge": bytes_to_base64url(challenge),
                "head": {"seq": head[0], "hash": head[1]},
            }
        elif secret is not None:
            extra["attestation"] = {"by": "server"}
        entries = [w.append(SIGNED, on, {**{k: t.data[k] for k in _SIGNED_FIELDS}, **extra}, ref=t.seq) for t in unsigned]
    return entries[0]


def signing_challenge(books: Books, provider_id: str, kind: str | None, document_sha256: str, name: str) -> bytes:
    """What a provider's passkey signs to sign a document now: the hash of who, which document, the name and the journal's head."""
    require(books, provider_id)
    return content_hash(_signing_content(provider_id, kind, document_sha256, name, books.journal.head()))


def signing_content(e: Entry, head: dict[str, Any]) -> dict[str, Any]:
    """The content a passkey signature entry's challenge was the hash of (what ``audit verify`` recomputes)."""
    d = e.data
    return _signing_content(d["provider"], d.get("signed_kind"), d.get("document_sha256"), d.get("name"), (head["seq"], head["hash"]))


def _signing_content(
    provider: str, kind: str | None, document_sha256: str | None, name: str | None, head: tuple[int, str]
) -> dict[str, Any]:
    return {
        "provider": provider,
        "kind": kind,
        "document_sha256": document_sha256,
        "name": (name or "").strip(),
        "head": {"seq": head[0], "hash": head[1]},
    }


def _unsigned(books: Books, provider_id: str, on: date, kind: str | None, document_sha256: str | None) -> tuple[Entry, list[Entry]]:
    """The latest document issued to the provider (of ``kind``) and what of its packet is still unsigned; refusals as one line."""
    issued = [e for e in books.journal.entries([ISSUED]) if e.data["provider"] == provider_id and (kind is None or e.data["kind"] == kind)]
    if not issued:
        raise UserError(f"nothing has been issued to {provider_id} to sign", field="PROVIDER", expected="'coop contracts issue' first")
    last = issued[-1]
    targets = (
        [last]
        if kind is not None
        else [e for e in issued if e.on == last.on and e.data["kind"] != BUSINESS_ASSOCIATE]
        + [e for e in issued if e.on == last.on and e.data["kind"] == BUSINESS_ASSOCIATE]
    )
    if on < last.date:
        raise UserError(f"{last.data['document']} was issued on {last.on}; it cannot be signed before that", field="--on")
    if document_sha256 is not None and document_sha256 not in {t.data["sha256"] for t in targets}:
        raise UserError(f"that is not the SHA-256 of {last.data['document']} as issued on {last.on}", field="--sha256")
    signed = {e.ref: e for e in books.journal.entries([SIGNED])}
    unsigned = [t for t in targets if t.seq not in signed]
    if not unsigned:
        e = signed[last.seq]
        raise UserError(f"{last.data['document']} was already signed on {e.on} (journal entry {e.seq})", field="PROVIDER")
    return last, unsigned


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
    sha256: str = ""
    """The SHA-256 of the last document signed (its agreement or acknowledgment)."""
    attested: str = ""
    """How that signature was given: "passkey" (the provider's own device signed it) or "server" (recorded by the books)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "name": self.name,
            "agreement_signed": self.agreement or None,
            "manual_version_signed": self.version,
            "fee_signed": cents_to_decimal_text(self.fee) if self.fee is not None else None,
            "awaiting_signature": self.awaiting or None,
            "needs": self.needs or None,
            "signed_sha256": self.sha256 or None,
            "attested": self.attested or None,
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
                last.data.get("document_sha256", last.data["sha256"]) if last else "",
                last.data.get("attestation", {"by": "server"})["by"] if last else "",
            )
        )
    return current, fee, rows
