"""Agreements and acknowledgments: issued in batches, registered, signed, tracked.

A batch shares everything but the provider: the parent, the manual version,
the fee and the budget. So the template is rendered and typeset once with
the provider's fields left as tokens (:func:`compile_document`), and each
provider's document is that compiled text and DOCX with the tokens filled
in (:func:`fill`): no Jinja, Markdown parsing or python-docx per provider.
Tests hold the fast path to the slow one byte for byte.

Every issuance is a ``contract.issued`` journal entry carrying the
document's SHA-256, the manual version and the fee it states, and the
journal anchor the document prints (engine.documents.anchor); a signature
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
from functools import cache, partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from engine.audit.anchors import Anchor
from engine.books.config import Provider
from engine.books.folder import Books
from engine.books.holder import holder_on
from engine.books.journal import Entry, Writer
from engine.books.money import cents_to_decimal_text
from engine.books.output import staged, write_bytes, write_text
from engine.books.roster import Membership, active, require
from engine.books.rules import Matter
from engine.documents import anchor as anchoring
from engine.documents.agreements import BUSINESS_ASSOCIATE, ISSUED, SIGNED
from engine.documents.data import (
    NOT_ON_FILE,
    AcknowledgmentData,
    AgreementData,
    BusinessAssociateData,
    FeeTerms,
    ManualRef,
    ParentParty,
    ProviderParty,
    TerminationTerms,
    number_words,
)
from engine.documents.manual import budget_rows, decided_text
from engine.documents.package import docx_parts, write_zip
from engine.documents.pipeline import AgreementSpec
from engine.documents.templates import TOKEN, TemplateSpec, contract_source, environment, md_escape, pending, plain_value, registry
from engine.documents.terms import legal_terms
from engine.documents.text import xml_text
from engine.documents.typesetting import DocMeta, typeset
from engine.errors import UserError
from engine.governance import versions as mv
from engine.ledger.fee_quote import monthly_fee
from engine.ledger.fees import DEFICIT_WORDS as DEFICIT
from engine.ledger.fees import LEAVER_WORDS as LEAVER
from engine.ledger.fees import REFUND_WORDS as REFUND

KINDS = ("agreement", "acknowledgment", "business-associate")
PREFIX = {"agreement": "AGR", "acknowledgment": "ACK", "business-associate": "BAA"}
_TOKEN_BYTES = "\u27e6".encode()
_PLACEHOLDER_BYTES = anchoring.PLACEHOLDER.encode()


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
        address=p.address or NOT_ON_FILE,
        entity_type=p.entity_type or NOT_ON_FILE,
        formed_in=p.formed_in or NOT_ON_FILE,
    )


def _parent(books: Books, on: date) -> ParentParty:
    """Whoever holds the shared accounts on the document's date: the parent, or its successor from the handover."""
    h = holder_on(books, on)
    return ParentParty(legal_name=h.legal_name, principal=h.principal)


def fee_day(issued: date, start: date) -> date:
    """The day whose fee an agreement states: its issue, or a joiner's start when that comes later.

    A provider who joins after the agreement is issued pays from their start
    the fee the engine quotes for that day, shared among everyone charged
    then (the joiner included), not today's fee among the current providers.
    """
    return max(issued, start)


def agreement_data(books: Books, provider: ProviderParty, issued: date, manual: mv.Version, fee: int) -> AgreementData:
    fed = books.federation
    rules = fed.decision_rules
    term = rules[Matter.termination]
    day = fee_day(issued, provider.start)
    lines = budget_rows(books, day)
    return AgreementData(
        federation_name=fed.name,
        parent=_parent(books, issued),
        provider=provider,
        issued=issued,
        manual=manual_ref(manual),
        fee=FeeTerms(
            monthly=fee,
            provider_count=len(active(books, day)),
            budget_total=sum(b.monthly for b in lines),
            cycle_months_words=number_words(fed.cycle.months),
            refund_basis=REFUND[fed.policies.refund_basis.at(issued)],
            from_start=day if day > issued else None,
        ),
        budget=lines,
        termination=TerminationTerms(decided=decided_text(term), notice_days=term.notice_days, response_days=term.response_days),
        leaver_charging=LEAVER[fed.policies.leaver_charging.at(issued)],
        end_parent_decided=decided_text(rules[Matter.end_parent]),
        legal=legal_terms(books, issued, "the provider", DEFICIT[fed.policies.deficit.at(issued)]),
    )


def acknowledgment_data(
    books: Books, provider: ProviderParty, issued: date, manual: mv.Version, fee: int, previous: int | None
) -> AcknowledgmentData:
    return AcknowledgmentData(
        federation_name=books.federation.name,
        parent=_parent(books, issued),
        provider=provider,
        issued=issued,
        manual=manual_ref(manual),
        previous_version=previous if previous != manual.number else None,
        change_summary=manual.summary,
        fee_monthly=fee,
    )


def document_meta(spec: TemplateSpec, data: Any) -> DocMeta:
    """Title, footer and properties of a document, from its data: the same for every model's agreements and notices.

    The anchor line is the placeholder: the issuing code stamps the anchor in (engine.documents.anchor).
    """
    from engine.documents.templates import long_date

    party = getattr(data, spec.party)
    if spec.footer is not None:
        footer = spec.footer(data)
    else:
        footer = f"{party.reference} · Manual version {data.manual.version}, effective {long_date(data.manual.effective)}"
    return DocMeta(
        title=f"{spec.title}: {party.name}",
        footer=footer,
        issued=data.issued,
        author=_author(data),
        subject=spec.subject(data) if spec.subject is not None else spec.name,
        anchor=anchoring.PLACEHOLDER,
    )


# --- rendering: slow (one document) and compiled (a batch) -------------------------------


def render_markdown(spec: TemplateSpec, data: dict[str, Any], currency: str) -> str:
    from engine.documents.manual import number_headings

    return number_headings(_compiled(spec.file, currency).render(data))


@cache
def _compiled(file: str, currency: str) -> Any:
    """A template compiled once per process: compiling costs more than rendering a statement."""
    return environment(currency).from_string(contract_source(file))


def render_document(spec: TemplateSpec, data: Any, currency: str) -> tuple[str, bytes]:
    """One document the straightforward way: Jinja, then typesetting (the anchor still to stamp, see :func:`anchored`)."""
    markdown, parts = render_parts(spec, data, currency)
    return markdown, write_zip(parts, data.issued)


def render_parts(spec: TemplateSpec, data: Any, currency: str) -> tuple[str, list[tuple[str, bytes]]]:
    """:func:`render_document` before zipping: its Markdown and its package's parts."""
    markdown = render_markdown(spec, data.model_dump(), currency)
    return markdown, typeset(markdown, document_meta(spec, data))


def render_notice(spec: TemplateSpec, data: Any, currency: str) -> tuple[str, list[tuple[str, bytes]]]:
    """A fee notice, settlement letter or cycle statement from its model (the fee engine's entry point), still to stamp and zip."""
    if not isinstance(data, spec.model):
        raise TypeError(f"{spec.name} is written from {spec.model.__name__}, not {type(data).__name__}")
    return render_parts(spec, data, currency)


def anchored(markdown: str, docx: bytes, anchor: Anchor | None, on: date) -> tuple[str, bytes]:
    """A rendered document carrying ``anchor``: the line ends its Markdown and sits in its DOCX footer."""
    return anchored_parts(markdown, docx_parts(docx), anchor, on)


def anchored_parts(markdown: str, parts: list[tuple[str, bytes]], anchor: Anchor | None, on: date) -> tuple[str, bytes]:
    """:func:`anchored` from the package's parts: the DOCX is zipped once, carrying its anchor."""
    return anchoring.stamp_text(anchoring.markdown(markdown), anchor), write_zip(anchoring.stamp_parts(parts, anchor), on)


SAMPLE_ANCHOR = Anchor(42, "9f2c" + "0" * 60)
"""The anchor a sample document shows where an issued one prints the journal head."""


def render_sample(name: str, out: Path) -> tuple[Path, Path]:
    """A template rendered with its sample data, to look at: Markdown and DOCX under ``out/samples``."""
    spec = registry()[name]
    data = spec.sample()
    markdown, docx = anchored(*render_document(spec, data, "USD"), SAMPLE_ANCHOR, data.issued)
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


def compile_document(spec: TemplateSpec, shared: Any, currency: str) -> Compiled:
    """The batch's document with the signer's fields as tokens (``provider.name``), rendered and typeset once."""
    data = shared.model_dump()
    party_model = type(getattr(shared, spec.party))
    tokens = {name: pending(f"{spec.party}.{name}") for name in party_model.model_fields}
    data[spec.party] = tokens
    markdown = render_markdown(spec, data, currency)
    meta = document_meta(spec, shared.model_copy(update={spec.party: party_model.model_construct(**tokens)}))
    parts = typeset(markdown, meta)
    filled = frozenset(name for name, blob in parts if _TOKEN_BYTES in blob or _PLACEHOLDER_BYTES in blob)
    return Compiled(markdown, parts, filled, shared.issued, currency)


def _author(shared: Any) -> str:
    """Who issues the document: the parent practice, or the co-op's own entity."""
    holder = getattr(shared, "parent", None) or getattr(shared, "entity", None) or getattr(shared, "holder", None)
    return holder.legal_name  # type: ignore[no-any-return,union-attr]


def _resolver(provider: Any, currency: str) -> Callable[[Any], str]:
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


def fill(compiled: Compiled, provider: Any, anchor_line: str | None = None) -> tuple[str, bytes]:
    """One signer's Markdown and DOCX from the compiled batch document (``provider`` is the signer's party).

    With ``anchor_line`` (:func:`engine.documents.anchor.line`) the document carries
    it, as :func:`anchored` would stamp it; without, it is what :func:`render_document` gives.
    """
    plain = _resolver(provider, compiled.currency)
    markdown = TOKEN.sub(lambda m: md_escape(plain(m)), compiled.markdown)
    if anchor_line is not None:
        markdown = anchoring.markdown(markdown, anchor_line)
    parts = []
    for name, blob in compiled.parts:
        if name in compiled.filled:
            text = TOKEN.sub(lambda m: xml_escape(xml_text(plain(m))), blob.decode("utf-8"))
            if anchor_line is not None:
                text = text.replace(anchoring.PLACEHOLDER, xml_escape(anchor_line))
            blob = text.encode("utf-8")
        parts.append((name, blob))
    return markdown, write_zip(parts, compiled.issued)


# --- issuing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    provider: str
    kind: str
    document: str
    manual_version: int
    fee: int | None
    sha256: str
    issued: date
    recorded: bool
    """False when the same document was already issued (nothing new recorded)."""
    markdown: Path | None = None
    docx: Path | None = None
    seq: int | None = None
    """The journal entry recording this document (the earlier one when nothing new was recorded)."""
    anchor: Anchor | None = None
    """The journal head the document prints (engine.documents.anchor)."""

    @property
    def member(self) -> str:
        """The signer, as a co-op of members calls them."""
        return self.provider

    def row(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "document": self.document,
            "kind": self.kind,
            "manual_version": self.manual_version,
            "fee": cents_to_decimal_text(self.fee) if self.fee is not None else "",
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
    """Issue ``kind`` to the providers (all active ones when ``provider_ids`` is None), in one transaction.

    The agreement is the model's own (its template, data and file names), issued,
    typeset, written and registered here the same way for every model.
    """
    from engine.documents.pipeline import for_books

    if kind not in KINDS:
        raise UserError(f"unknown document kind '{kind}'", field="--kind", expected=" or ".join(KINDS))
    agreement = for_books(books).agreement if kind == "agreement" else OTHER_KINDS[kind]
    if kind == BUSINESS_ASSOCIATE and not legal_terms(books, on, "", "").client_record_services:
        raise UserError(
            f"no shared service holds client records on {on}, so no business associate agreement is needed",
            field="--kind",
            expected="a budget line marked 'client_records: true'",
        )
    spec = registry()[agreement.template]
    members = _targets(books, provider_ids, on)
    if kind == "acknowledgment":
        members = _with_agreement(books, members, everyone=provider_ids is None)
    fees_by_day = {day: monthly_fee(books, day) for day in sorted({fee_day(on, m.start) for m in members} | {on})}
    if agreement.needs_fee and any(f is None for f in fees_by_day.values()):
        raise UserError(f"no active providers on {on}, so there is no fee to state", field="--on")
    folder = out / "agreements" / on.isoformat() if agreement.dated else out / "agreements"
    batch = Batch(folder)
    currency = books.federation.currency
    with staged(books.journal) as stage, books.transaction() as w:
        manual = _recorded_in_force(w, books, on)
        head = anchoring.current(books.journal)  # the batch's documents print the head before their own entries
        previous = {pid: e.data["manual_version"] for pid, e in latest_signed(books).items()}
        known = latest_issued(books)
        compiled: dict[tuple[int | None, date], tuple[Compiled, Any]] = {}
        with progress(members) if progress else _null(members) as bar:
            for m in bar:
                party = agreement.party(books, m, on)
                prev = previous.get(m.id) if kind == "acknowledgment" else None
                day = fee_day(on, m.start) if kind == "agreement" else on
                fee = fees_by_day[day]
                if agreement.batch:
                    key = (prev, day)  # signers who start later share their start's fee, so one compiled document each
                    if key not in compiled:
                        shared = agreement.data(books, party, on, manual, fee, prev)
                        compiled[key] = (compile_document(spec, shared, currency), shared)
                    batch_doc, data = compiled[key]
                    made = partial(_filled, batch_doc, party)
                else:
                    data = agreement.data(books, party, on, manual, fee, prev)
                    made = partial(_stamped, render_parts(spec, data, currency), on)

                earlier = known.get((m.id, kind))
                carried, markdown, docx, fresh = anchoring.carry(earlier.data if earlier else None, made, head)
                digest = _sha(docx)
                stem = agreement.stem.format(id=m.id, kind=kind, version=manual.number)
                md_path, docx_path = folder / f"{stem}.md", folder / f"{stem}.docx"
                stage.write_text(md_path, markdown)
                stage.write_bytes(docx_path, docx)
                stated = agreement.figure(data)
                recorded = _record(w, m.id, kind, f"{stem}.docx", manual, stated, digest, on, carried) if fresh else earlier
                seq = recorded.seq  # type: ignore[union-attr]
                batch.documents.append(
                    Issued(m.id, kind, f"{stem}.docx", manual.number, stated, digest, on, fresh, md_path, docx_path, seq, carried)
                )
        if agreement.register:
            write_register(folder, batch.documents, stage.write_text)
            batch.register_csv, batch.register_json = folder / "register.csv", folder / "register.json"
    return batch


def _filled(compiled: Compiled, party: Any, anchor: Anchor | None) -> tuple[str, bytes]:
    return fill(compiled, party, anchoring.line(anchor))


def _stamped(rendered: tuple[str, list[tuple[str, bytes]]], on: date, anchor: Anchor | None) -> tuple[str, bytes]:
    return anchored_parts(*rendered, anchor, on)


def _business_associate_for(
    books: Books, party: ProviderParty, on: date, manual: mv.Version, fee: int | None, previous: int | None
) -> BusinessAssociateData:
    """The signer's business associate agreement with the holder, from the same terms their agreement states."""
    legal = legal_terms(books, on, "the provider", "")
    return BusinessAssociateData(
        coop_name=books.federation.name,
        signer_name=party.name,
        provider=party,
        issued=on,
        holder=legal.holder,
        governing_law=legal.governing_law,
        breach_notice_days=legal.breach_notice_days,
        services=legal.client_record_services,
    )


class _null:
    def __init__(self, items: Any) -> None:
        self.items = items

    def __enter__(self) -> Any:
        return self.items

    def __exit__(self, *exc: object) -> None:
        return None


def provider_party_for(kind: str) -> Callable[[Books, Membership, date], ProviderParty]:
    return lambda books, m, on: provider_party(m.provider, kind, on)


def provider_agreement_for(
    books: Books, party: ProviderParty, on: date, manual: mv.Version, fee: int | None, previous: int | None
) -> AgreementData:
    assert fee is not None  # the spec needs a fee: issue refuses without one
    return agreement_data(books, party, on, manual, fee)


def _acknowledgment_for(
    books: Books, party: ProviderParty, on: date, manual: mv.Version, fee: int | None, previous: int | None
) -> AcknowledgmentData:
    assert fee is not None
    return acknowledgment_data(books, party, on, manual, fee, previous)


ACKNOWLEDGMENT = AgreementSpec(
    template="acknowledgment",
    data=_acknowledgment_for,
    party=provider_party_for("acknowledgment"),
    stem="{id}-{kind}-v{version}",
    figure=lambda data: data.fee_monthly,
)
"""The acknowledgment of a new manual version: the same for every model, a supplement to its agreement."""

OTHER_KINDS = {
    "acknowledgment": ACKNOWLEDGMENT,
    BUSINESS_ASSOCIATE: AgreementSpec(
        template="business-associate",
        data=_business_associate_for,
        party=provider_party_for(BUSINESS_ASSOCIATE),
        stem="{id}-business-associate-agreement",
        batch=False,
        figure=lambda data: None,
        needs_fee=False,
    ),
}


def _recorded_in_force(w: Writer, books: Books, on: date) -> mv.Version:
    version = mv.in_force(books, on)
    if version.sha256 is None:
        version = mv.record_founding(w, books)
    return version


def _record(
    w: Writer, provider: str, kind: str, document: str, manual: mv.Version, fee: int | None, digest: str, on: date, anchor: Anchor | None
) -> Entry:
    data: dict[str, Any] = {
        "provider": provider,
        "kind": kind,
        "document": document,
        "manual_version": manual.number,
        "manual_sha256": manual.sha256,
        "fee": fee,
        "sha256": digest,
    }
    if anchor is not None:
        data["anchor"] = anchoring.as_json(anchor)
    return w.append(ISSUED, on, data)


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


REGISTER_FIELDS = ["provider", "document", "kind", "manual_version", "fee", "sha256", "issue_date"]


def write_register(folder: Path, documents: list[Issued], write: Callable[[Path, str], Path] = write_text) -> tuple[Path, Path]:
    rows = [d.row() for d in documents]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=REGISTER_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    csv_path = write(folder / "register.csv", buf.getvalue())
    json_path = write(folder / "register.json", json.dumps(rows, indent=2, sort_keys=True) + "\n")
    return csv_path, json_path
