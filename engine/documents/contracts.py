"""Agreements and acknowledgments: issued in batches, registered, signed, tracked.

A batch shares everything but the provider: the parent, the manual version,
the fee and the budget. So the template is rendered and typeset once with
the provider's fields left as tokens (:func:`compile_document`), and each
provider's document is that compiled text and DOCX with the tokens filled
in (:func:`fill`): no Jinja, Markdown parsing or python-docx per provider.
Tests hold the fast path to the slow one byte for byte.

Every issuance is a ``contract.issued`` journal entry carrying the
document's SHA-256, the manual version and the fee it states; a signature
is a ``contract.signed`` entry pointing at the issuance. Status compares
what each provider last signed with the manual version and fee in force.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from engine.books.config import Provider
from engine.books.folder import Books
from engine.books.journal import Entry, Writer
from engine.books.money import cents_to_decimal_text, format_cents
from engine.books.output import staged, write_bytes, write_text
from engine.books.roster import Membership, active, require
from engine.documents import versions as mv
from engine.documents.data import (
    AcknowledgmentData,
    AgreementData,
    FeeTerms,
    ManualRef,
    ParentParty,
    ProviderParty,
    TerminationTerms,
    number_words,
)
from engine.documents.manual import budget_rows, decided_text
from engine.documents.templates import TOKEN, TemplateSpec, contract_source, environment, md_escape, pending, plain_value, registry
from engine.documents.text import xml_text
from engine.documents.typesetting import DocMeta, docx_parts, to_docx, write_zip
from engine.errors import UserError
from engine.governance.rules import Matter
from engine.ledger.fee_quote import monthly_fee
from engine.ledger.fees import LEAVER_WORDS as LEAVER
from engine.ledger.fees import REFUND_WORDS as REFUND

ISSUED = "contract.issued"
SIGNED = "contract.signed"
KINDS = ("agreement", "acknowledgment")
PREFIX = {"agreement": "AGR", "acknowledgment": "ACK"}
_TOKEN_BYTES = "\u27e6".encode()


# --- data ------------------------------------------------------------------------------


def manual_ref(version: mv.Version) -> ManualRef:
    if version.sha256 is None:
        raise ValueError("a document may only cite a recorded manual version")
    return ManualRef(version=version.number, effective=version.effective, sha256=version.sha256)


def provider_party(p: Provider, kind: str, issued: date) -> ProviderParty:
    return ProviderParty(
        name=p.name,
        practice=p.practice,
        licence=p.licence,
        email=p.email,
        start=p.start,
        reference=f"{PREFIX[kind]}-{issued.isoformat()}-{p.id}",
    )


def _parent(books: Books) -> ParentParty:
    parent = books.federation.parent
    return ParentParty(legal_name=parent.legal_name, principal=parent.principal)


def agreement_data(books: Books, provider: ProviderParty, issued: date, manual: mv.Version, fee: int) -> AgreementData:
    fed = books.federation
    rules = fed.decision_rules
    term = rules[Matter.termination]
    return AgreementData(
        federation_name=fed.name,
        parent=_parent(books),
        provider=provider,
        issued=issued,
        manual=manual_ref(manual),
        fee=FeeTerms(
            monthly=fee,
            provider_count=len(active(books, issued)),
            budget_total=sum(b.monthly for b in budget_rows(books, issued)),
            cycle_months_words=number_words(fed.cycle.months),
            refund_basis=REFUND[fed.policies.refund_basis.at(issued)],
        ),
        budget=budget_rows(books, issued),
        termination=TerminationTerms(decided=decided_text(term), notice_days=term.notice_days, response_days=term.response_days),
        leaver_charging=LEAVER[fed.policies.leaver_charging.at(issued)],
        end_parent_decided=decided_text(rules[Matter.end_parent]),
    )


def acknowledgment_data(
    books: Books, provider: ProviderParty, issued: date, manual: mv.Version, fee: int, previous: int | None
) -> AcknowledgmentData:
    return AcknowledgmentData(
        federation_name=books.federation.name,
        parent=_parent(books),
        provider=provider,
        issued=issued,
        manual=manual_ref(manual),
        previous_version=previous if previous != manual.number else None,
        change_summary=manual.summary,
        fee_monthly=fee,
    )


def document_meta(
    kind: str, spec: TemplateSpec, provider_name: str, reference: str, manual: ManualRef, issued: date, author: str
) -> DocMeta:
    from engine.documents.templates import long_date

    return DocMeta(
        title=f"{spec.title}: {provider_name}",
        footer=f"{reference} · Manual version {manual.version}, effective {long_date(manual.effective)}",
        issued=issued,
        author=author,
        subject=kind,
    )


# --- rendering: slow (one document) and compiled (a batch) -------------------------------


def render_markdown(spec: TemplateSpec, data: dict[str, Any], currency: str) -> str:
    from engine.documents.manual import number_headings

    return number_headings(_compiled(spec.file, currency).render(data))


@cache
def _compiled(file: str, currency: str) -> Any:
    """A template compiled once per process: compiling costs more than rendering a statement."""
    return environment(currency).from_string(contract_source(file))


def render_document(spec: TemplateSpec, data: AgreementData | AcknowledgmentData, currency: str) -> tuple[str, bytes]:
    """One document the straightforward way: Jinja, then typesetting."""
    markdown = render_markdown(spec, data.model_dump(), currency)
    meta = document_meta(spec.name, spec, data.provider.name, data.provider.reference, data.manual, data.issued, _author(data))
    return markdown, to_docx(markdown, meta)


def render_notice(spec: TemplateSpec, data: Any, currency: str) -> tuple[str, bytes]:
    """A fee notice, settlement letter or cycle statement from its model (the fee engine's entry point)."""
    from engine.documents.templates import long_date

    if not isinstance(data, spec.model):
        raise TypeError(f"{spec.name} is written from {spec.model.__name__}, not {type(data).__name__}")
    markdown = render_markdown(spec, data.model_dump(), currency)
    meta = DocMeta(
        title=f"{spec.title}: {data.provider.name}",
        footer=f"{spec.title} · {data.provider.practice} · Issued {long_date(data.issued)}",
        issued=data.issued,
        author=data.parent.legal_name,
        subject=spec.name,
    )
    return markdown, to_docx(markdown, meta)


def render_sample(name: str, out: Path) -> tuple[Path, Path]:
    """A template rendered with its sample data, to look at: Markdown and DOCX under ``out/samples``."""
    spec = registry()[name]
    data = spec.sample()
    if name in KINDS or name in MODEL_AGREEMENTS.values():
        markdown, docx = render_document(spec, data, "USD")  # type: ignore[arg-type]
    else:
        markdown, docx = render_notice(spec, data, "USD")
    folder = out / "samples"
    return write_text(folder / f"{name}.md", markdown), write_bytes(folder / f"{name}.docx", docx)


@dataclass(frozen=True)
class Compiled:
    """A batch's shared document with the provider's fields as tokens, typeset once."""

    markdown: str
    parts: list[tuple[str, bytes]]
    filled: frozenset[str]
    """Zip entries that contain tokens; the rest are copied as they are."""
    issued: date
    currency: str


def compile_document(spec: TemplateSpec, shared: AgreementData | AcknowledgmentData, currency: str) -> Compiled:
    data = shared.model_dump()
    data["provider"] = {name: pending(f"provider.{name}") for name in ProviderParty.model_fields}
    markdown = render_markdown(spec, data, currency)
    meta = document_meta(
        spec.name, spec, pending("provider.name"), pending("provider.reference"), shared.manual, shared.issued, _author(shared)
    )
    parts = docx_parts(to_docx(markdown, meta))
    filled = frozenset(name for name, blob in parts if _TOKEN_BYTES in blob)
    return Compiled(markdown, parts, filled, shared.issued, currency)


def _author(shared: Any) -> str:
    """Who issues the document: the parent practice, or the co-op's own entity (retention model)."""
    holder = getattr(shared, "parent", None) or getattr(shared, "entity", None)
    return holder.legal_name


def _resolver(provider: ProviderParty, currency: str) -> Callable[[Any], str]:
    cache: dict[str, str] = {}

    def plain(match: Any) -> str:
        key = match[1]
        if key not in cache:
            path, *chain = key.split(":")
            value: Any = provider
            for attr in path.split(".")[1:]:
                value = getattr(value, attr)
            cache[key] = plain_value(value, chain, currency)
        return cache[key]

    return plain


def fill(compiled: Compiled, provider: ProviderParty) -> tuple[str, bytes]:
    """One provider's Markdown and DOCX from the compiled batch document."""
    plain = _resolver(provider, compiled.currency)
    markdown = TOKEN.sub(lambda m: md_escape(plain(m)), compiled.markdown)
    parts = []
    for name, blob in compiled.parts:
        if name in compiled.filled:
            blob = TOKEN.sub(lambda m: xml_escape(xml_text(plain(m))), blob.decode("utf-8")).encode("utf-8")
        parts.append((name, blob))
    return markdown, write_zip(parts, compiled.issued)


# --- issuing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    provider: str
    kind: str
    document: str
    manual_version: int
    fee: int
    sha256: str
    issued: date
    recorded: bool
    """False when the same document was already issued (nothing new recorded)."""

    def row(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "document": self.document,
            "kind": self.kind,
            "manual_version": self.manual_version,
            "fee": cents_to_decimal_text(self.fee),
            "sha256": self.sha256,
            "issue_date": self.issued.isoformat(),
        }


@dataclass
class Batch:
    folder: Path
    documents: list[Issued] = field(default_factory=list)
    register_csv: Path | None = None
    register_json: Path | None = None


def _targets(books: Books, provider_ids: list[str] | None, on: date) -> list[Membership]:
    if provider_ids is None:
        members = sorted(active(books, on), key=lambda m: m.id)
        if not members:
            raise UserError(f"no active providers on {on}", field="--all")
        return members
    out = []
    for pid in provider_ids:
        m = require(books, pid)
        if m.end is not None and m.end < on:
            raise UserError(f"{pid} left on {m.end}; no agreement is issued after a provider has left", field="PROVIDER")
        out.append(m)
    return out


def _with_agreement(books: Books, members: list[Membership], everyone: bool) -> list[Membership]:
    """An acknowledgment supplements a signed agreement; without one, the provider needs the agreement itself."""
    signed = {e.data["provider"] for e in books.journal.entries([SIGNED]) if e.data["kind"] == "agreement"}
    if not everyone:
        for m in members:
            if m.id not in signed:
                raise UserError(f"{m.id} has not signed an agreement yet; issue them an agreement instead", field="PROVIDER")
        return members
    kept = [m for m in members if m.id in signed]
    if not kept:
        raise UserError("no active provider has signed an agreement yet; issue agreements first", field="--kind")
    return kept


def latest_signed(books: Books) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for e in books.journal.entries([SIGNED]):
        out[e.data["provider"]] = e
    return out


def latest_issued(books: Books) -> dict[tuple[str, str], Entry]:
    out: dict[tuple[str, str], Entry] = {}
    for e in books.journal.entries([ISSUED]):
        out[(e.data["provider"], e.data["kind"])] = e
    return out


def issue(
    books: Books,
    provider_ids: list[str] | None,
    on: date,
    out: Path,
    kind: str = "agreement",
    progress: Callable[[Iterable[Membership]], Any] | None = None,
) -> Batch:
    """Issue ``kind`` to the providers (all active ones when ``provider_ids`` is None), in one transaction."""
    if kind not in KINDS:
        raise UserError(f"unknown document kind '{kind}'", field="--kind", expected=" or ".join(KINDS))
    if books.federation.model == "session_split":
        raise UserError("a session split co-op has member agreements, not provider services agreements: use 'coop member agreement'")
    spec = registry()[MODEL_AGREEMENTS.get(books.federation.model, kind) if kind == "agreement" else kind]
    members = _targets(books, provider_ids, on)
    if kind == "acknowledgment":
        members = _with_agreement(books, members, everyone=provider_ids is None)
    fee = monthly_fee(books, on)
    if fee is None:
        raise UserError(f"no active providers on {on}, so there is no fee to state", field="--on")
    folder = out / "agreements" / on.isoformat()
    batch = Batch(folder)
    currency = books.federation.currency
    with staged(books.journal) as stage, books.transaction() as w:
        manual = _recorded_in_force(w, books, on)
        previous = {pid: e.data["manual_version"] for pid, e in latest_signed(books).items()}
        known = latest_issued(books)
        compiled: dict[int | None, Compiled] = {}
        with progress(members) if progress else _null(members) as bar:
            for m in bar:
                party = provider_party(m.provider, kind, on)
                prev = previous.get(m.id) if kind == "acknowledgment" else None
                key = prev if kind == "acknowledgment" else None
                if key not in compiled:
                    compiled[key] = compile_document(spec, _shared(books, spec.name, party, on, manual, fee, prev), currency)
                markdown, docx = fill(compiled[key], party)
                stem = f"{m.id}-{kind}-v{manual.number}"
                write_text(stage.at(folder / f"{stem}.md"), markdown)
                write_bytes(stage.at(folder / f"{stem}.docx"), docx)
                digest = _sha(docx)
                earlier = known.get((m.id, kind))
                fresh = earlier is None or earlier.data["sha256"] != digest
                if fresh:
                    _record(w, m.id, kind, f"{stem}.docx", manual, fee, digest, on)
                batch.documents.append(Issued(m.id, kind, f"{stem}.docx", manual.number, fee, digest, on, fresh))
        write_register(stage.at(folder / "register.csv").parent, batch.documents)
    batch.register_csv, batch.register_json = folder / "register.csv", folder / "register.json"
    return batch


class _null:
    def __init__(self, items: Any) -> None:
        self.items = items

    def __enter__(self) -> Any:
        return self.items

    def __exit__(self, *exc: object) -> None:
        return None


MODEL_AGREEMENTS = {"retention": "retention-agreement"}
"""A model whose member agreement is its own (template spec name); others issue the provider services agreement."""


def _shared(books: Books, kind: str, party: ProviderParty, on: date, manual: mv.Version, fee: int, previous: int | None) -> Any:
    if kind == "retention-agreement":  # retention model
        from engine.models.retention.documents import agreement_data as retention_agreement

        return retention_agreement(books, party, on, manual, fee)
    if kind == "agreement":
        return agreement_data(books, party, on, manual, fee)
    return acknowledgment_data(books, party, on, manual, fee, previous)


def _recorded_in_force(w: Writer, books: Books, on: date) -> mv.Version:
    version = mv.in_force(books, on)
    if version.sha256 is None:
        version = mv.record_founding(w, books)
    return version


def _record(w: Writer, provider: str, kind: str, document: str, manual: mv.Version, fee: int, digest: str, on: date) -> Entry:
    data = {
        "provider": provider,
        "kind": kind,
        "document": document,
        "manual_version": manual.number,
        "manual_sha256": manual.sha256,
        "fee": fee,
        "sha256": digest,
    }
    return w.append(ISSUED, on, data)


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


REGISTER_FIELDS = ["provider", "document", "kind", "manual_version", "fee", "sha256", "issue_date"]


def write_register(folder: Path, documents: list[Issued]) -> tuple[Path, Path]:
    rows = [d.row() for d in documents]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=REGISTER_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    csv_path = write_text(folder / "register.csv", buf.getvalue())
    json_path = write_text(folder / "register.json", json.dumps(rows, indent=2, sort_keys=True) + "\n")
    return csv_path, json_path


# --- signing and status ----------------------------------------------------------------


def sign(books: Books, provider_id: str, on: date, kind: str | None = None) -> Entry:
    """Record that a provider signed the latest document issued to them (of ``kind``, if given)."""
    require(books, provider_id)
    issued = [e for e in books.journal.entries([ISSUED]) if e.data["provider"] == provider_id and (kind is None or e.data["kind"] == kind)]
    if not issued:
        raise UserError(f"nothing has been issued to {provider_id} to sign", field="PROVIDER", expected="'coop contracts issue' first")
    target = issued[-1]
    if on < target.date:
        raise UserError(f"{target.data['document']} was issued on {target.on}; it cannot be signed before that", field="--on")
    for e in books.journal.entries([SIGNED]):
        if e.ref == target.seq:
            raise UserError(f"{target.data['document']} was already signed on {e.on} (journal entry {e.seq})", field="PROVIDER")
    data = {k: target.data[k] for k in ("provider", "kind", "document", "manual_version", "manual_sha256", "fee", "sha256")}
    with books.transaction() as w:
        return w.append(SIGNED, on, data, ref=target.seq)


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
    money = lambda c: format_cents(c, books.federation.currency)  # noqa: E731
    for m in sorted(active(books, on), key=lambda m: m.id):
        entries = signed_by.get(m.id, [])
        agreement = next((e for e in reversed(entries) if e.data["kind"] == "agreement"), None)
        last = entries[-1] if entries else None
        waiting = pending_by.get(m.id)
        needs = []
        if agreement is None:
            needs.append("agreement")
        elif last is not None:
            if last.data["manual_version"] != current.number:
                needs.append(f"acknowledgment of manual v{current.number}")
            if fee is not None and last.data["fee"] != fee:
                needs.append(f"acknowledgment of the fee now {money(fee)}")
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
