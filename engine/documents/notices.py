"""The fee engine's figures as documents: fee notices, cycle statements and settlement letters.

This is the one place the fee engine's results (a ``fee.set`` entry with
its basis, a provider's :class:`engine.statements.Statement`, a cycle's
close) become the document models the templates are written from, so a
document can only state what the engine computed: the statement's account
items add up to the ledger's balance, and the mapping checks that they do.

Documents are typeset like agreements (:func:`engine.contracts.render_notice`:
the same reference styles and footer, deterministic bytes). Issuing one
writes its Markdown and DOCX under ``documents/notices/CYCLE`` or
``documents/statements/CYCLE`` and appends a ``document.issued`` entry with
the DOCX's SHA-256, the figures it states and the journal anchor it prints
(engine.documents.anchor), as ``contract.issued`` does for agreements; the
same document issued again (same anchor, same bytes) records nothing new. A separate
kind from ``contract.issued`` because nothing here is signed: ``coop
contracts signed`` must never pick up a fee notice as "the latest document".
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

from engine.audit.anchors import Anchor
from engine.books.cycles import Cycle, Month
from engine.books.folder import Books
from engine.books.holder import holder_on
from engine.books.money import cents_to_decimal_text, format_cents, fraction_text
from engine.books.output import staged, write_text
from engine.books.roster import Membership, memberships, require
from engine.documents import anchor as anchoring
from engine.documents import statements
from engine.documents.data import (
    AccountItem,
    Addressee,
    CycleStatementData,
    FeeNoticeData,
    ParentParty,
    ResultRow,
    SettlementData,
    StatementMonth,
)
from engine.documents.manual import budget_rows
from engine.documents.templates import TemplateSpec, long_date
from engine.errors import UserError
from engine.ledger import accounts as ledger
from engine.ledger import fees
from engine.ledger.closing import Close

ISSUED = "document.issued"


Document = FeeNoticeData | CycleStatementData | SettlementData


@dataclass(frozen=True)
class Prepared:
    """A document worked out from the books, not yet written or recorded."""

    provider: str
    kind: str
    """The template: ``fee-notice``, ``cycle-statement`` or ``settlement``."""
    cycle: str
    folder: str
    stem: str
    key: str
    """What makes two issuances "the same document" (the fee setting, or the cycle's statement)."""
    data: Document
    figures: dict[str, Any]
    """The figures the journal entry records beside the hash."""

    @property
    def document(self) -> str:
        return f"{self.folder}/{self.cycle}/{self.stem}.docx"


@dataclass(frozen=True)
class Issued:
    provider: str
    kind: str
    docx: Path
    markdown: Path
    sha256: str
    recorded: bool
    """False when the same bytes were issued before (nothing new recorded)."""
    figures: dict[str, Any]
    anchor: Anchor | None = None
    """The journal head the document prints."""


def _parent(books: Books, on: date) -> ParentParty:
    """Whoever holds the shared accounts on the document's date: the parent, or its successor from the handover."""
    h = holder_on(books, on)
    return ParentParty(legal_name=h.legal_name, principal=h.principal)


def _addressee(m: Membership) -> Addressee:
    return Addressee(name=m.provider.name, practice=m.provider.practice)


def _month_name(month: Month) -> str:
    return month.first.strftime("%B %Y")


def _number(f: Fraction) -> str:
    """Provider-months as people read them: whole numbers exactly, a prorated share to three places."""
    return fraction_text(f, 3)


# --- fee notices ------------------------------------------------------------------------


def charged_before(cycle: Cycle, setting: fees.FeeSetting, following: list[fees.FeeSetting], issued: date) -> list[Month]:
    """The months ``setting`` governs that were charged (their first day came) before ``issued``.

    A month is charged on its first day, so a notice dated on that day is in
    time and one dated later comes after the charge it announces.
    """
    end = min([cycle.months.index(t.from_month) for t in following] + [cycle.length])
    governed = cycle.months[cycle.months.index(setting.from_month) : end]
    return [m for m in governed if m.first < issued]


def fee_notices(books: Books, cycle: Cycle, issued: date, from_month: Month | None = None) -> list[Prepared]:
    """One notice per provider charged under each fee setting of ``cycle`` (or only those from ``from_month``), with the engine's working.

    A notice dated after the first charge its fee governs says so in its
    first lines; a fee set before the previous cycle closed says its result
    is still to come.
    """
    from engine.ledger.closing import closed

    found = fees.notices_for(books, cycle)
    if not found:
        raise UserError(f"no fee is set for {cycle.id} yet; set it with 'coop fees recalc {cycle.id}'", field="CYCLE")
    if from_month is not None and not any(s.from_month == from_month for s, _ in found):
        months = ", ".join(sorted({str(s.from_month) for s, _ in found}))
        raise UserError(f"no fee setting of {cycle.id} starts in {from_month} (settings from: {months})", field="--from")
    fed = books.federation
    members = memberships(books, date.max)
    previous = cycle.previous()
    before = fees.schedule(books, previous)[-1]
    prev_open = before is not None and previous.id not in closed(books)
    settings_only = [s for s, _ in found]
    out: list[Prepared] = []
    stems: dict[str, int] = {}
    for k, (s, pids) in enumerate(found):
        if from_month is not None and s.from_month != from_month:
            continue
        effective = s.from_month.first
        lines = budget_rows(books, effective)
        old = s.old if s.old is not None else before
        late = [_month_name(m) for m in charged_before(cycle, s, settings_only[k + 1 :], issued)]
        for pid in pids:
            m = members[pid]
            base = f"{pid}-fee-notice-{s.from_month}"
            stems[base] = stems.get(base, 0) + 1
            data = FeeNoticeData(
                federation_name=fed.name,
                parent=_parent(books, issued),
                provider=_addressee(m),
                issued=issued,
                effective=effective,
                cycle_label=cycle.label,
                reason=s.reason,
                previous_fee=old if m.start < effective else None,
                fee=s.amount,
                cycle_budget=s.budget,
                brought_forward=s.brought_forward,
                already_charged=s.already_charged,
                to_collect=s.to_collect,
                provider_months=_number(s.provider_months),
                provider_count=len(pids),
                budget=lines,
                budget_total=sum(line.monthly for line in lines),
                charged_before_notice=late,
                previous_cycle_open=previous.label if prev_open and s.from_month == cycle.start and not s.brought_forward else None,
            )
            stem = base if stems[base] == 1 else f"{base}-{stems[base]}"
            figures = {"from_month": str(s.from_month), "fee": s.amount, "old": data.previous_fee, "setting": s.seq, "late": late}
            out.append(Prepared(pid, "fee-notice", cycle.id, "notices", stem, f"fee-notice:{s.seq}", data, figures))
    return out


def late_warning(done: list[Issued], issued: date) -> str | None:
    """One line for the treasurer when notices come after the charges they announce (each notice says so too)."""
    late = [d for d in done if d.kind == "fee-notice" and d.figures.get("late")]
    if not late:
        return None
    settings = sorted({d.figures["from_month"] for d in late})
    return (
        f"warning: {len(late)} of {len(done)} fee notices are late, dated {issued} after months their fee already charged "
        f"(the fee from {', '.join(settings)}); each says so: issue a notice when its fee is set, before its first month"
    )


# --- statements and settlement letters ----------------------------------------------------


def _share_text(close: Close, pid: str, currency: str) -> str:
    what = f"{format_cents(abs(close.surplus), currency)} {'surplus' if close.surplus >= 0 else 'deficit'}"
    if close.basis == "per_head":
        return f"Your share of the cycle's {what}, shared equally among {len(close.months)} providers"
    mine = Fraction(close.months.get(pid, "0"))
    return f"Your share of the cycle's {what}, by months charged ({_number(mine)} of {_number(close.months_total)})"


def account_items(s: statements.Statement, close: Close | None, currency: str) -> list[AccountItem]:
    """The provider's account for the cycle as lines that add up to its balance (charged positive, credited negative)."""
    items = []
    if s.opening:
        items.append(AccountItem(description="Balance from before the cycle", amount=s.opening))
    charged = [m for m in s.months if m.charged]
    if charged:
        first, last = charged[0].month, charged[-1].month
        span = _label(first) if first == last else f"{_label(first)} to {_label(last)}"
        items.append(AccountItem(description=f"Fees, {span}", amount=s.charged))
    if s.paid:
        items.append(AccountItem(description="Payments received", amount=-s.paid))
    items += _movements([m for m in s.movements if m.kind != ledger.PAYMENT])
    if close is not None:
        if s.refund:
            items.append(AccountItem(description=_share_text(close, s.provider, currency), amount=-s.refund))
        if s.assessment:
            items.append(AccountItem(description=_share_text(close, s.provider, currency), amount=s.assessment))
    return items


def _label(month: str) -> str:
    y, m = month.split("-")
    return _month_name(Month(int(y), int(m)))


def _movements(moves: list[statements.Movement]) -> list[AccountItem]:
    out = []
    for m in moves:
        on = long_date(date.fromisoformat(m.on))
        if m.text is not None:
            text = m.text
        elif m.kind == ledger.PAYOUT:
            text = f"Paid to you on {on}"
        elif m.kind == ledger.WRITE_OFF:
            text = f"Written off on {on}{m.what.removeprefix('written off')}"
        else:
            text = f"Payment received on {on}"
        out.append(AccountItem(description=text, amount=m.amount))
    return out


def result_rows(close: Close, keeper: str = "the parent") -> list[ResultRow]:
    """The cycle's shared result, from charged to what the parent keeps (which is zero), as the close recorded it."""
    rows = [("Fees charged to all providers", close.charged)]
    if close.brought_forward:
        rows.append(("Brought forward from the previous cycle", close.brought_forward))
    if close.written_off:
        rows.append(("Written off", -close.written_off))
    rows.append(("Spent on shared services", -close.expenses))
    rows.append(("Surplus" if close.surplus >= 0 else "Deficit", close.surplus))
    if close.refunded:
        rows.append((f"Refunded to providers, {fees.REFUND_WORDS[close.basis]}", -close.refunded))
    if close.assessed:
        rows.append(("Assessed from providers", close.assessed))
    if close.carried_forward:
        rows.append((close.carried_text[:1].upper() + close.carried_text[1:], -close.carried_forward))
    rows.append((f"Kept by {keeper}", close.profit))
    return [ResultRow(description=d, amount=a) for d, a in rows]


Moves = dict[str, list[tuple[str, str, dict[str, Any]]]]


def statement_document(
    books: Books, provider_id: str, cycle: Cycle, issued: date, shared: statements.CycleBooks | None = None, after: Moves | None = None
) -> Prepared:
    """A provider's statement for ``cycle``; for one who left, once the cycle has closed, their settlement letter.

    ``after``: every provider's movements from the cycle's end to ``issued`` (see :func:`_after`), read
    once for a batch, so a batch's leavers do not each scan the journal after the cycle.
    """
    member = shared.members[provider_id] if shared and provider_id in shared.members else require(books, provider_id)
    shared = shared or statements.cycle_books(books, cycle)
    s = statements.statement(books, provider_id, cycle, shared, as_of=issued)
    close = shared.close
    items = account_items(s, close, books.federation.currency)
    balance = s.closing if close is not None else s.arrears
    if sum(i.amount for i in items) != balance:
        raise AssertionError(f"{provider_id}'s statement items do not add up to the balance {balance}: {items}")
    fed = books.federation
    figures: dict[str, Any] = {"arrears": s.arrears, "refund": s.refund, "assessment": s.assessment, "balance": balance}
    if s.final and close is not None and member.end is not None:
        items += _movements(_after(books, provider_id, cycle, issued, after))
        balance = sum(i.amount for i in items)
        figures["balance"] = balance
        data: Document = SettlementData(
            federation_name=fed.name,
            parent=_parent(books, issued),
            provider=_addressee(member),
            issued=issued,
            cycle_label=cycle.label,
            last_day=member.end,
            items=items,
            balance=balance,
            pay_by=issued + timedelta(days=fed.terms.payment.settle_within_days),
        )
        stem, key = f"{provider_id}-settlement", f"settlement:{cycle.id}"
        return Prepared(provider_id, "settlement", cycle.id, "statements", stem, key, data, figures)
    data = CycleStatementData(
        federation_name=fed.name,
        parent=_parent(books, issued),
        provider=_addressee(member),
        issued=issued,
        cycle_label=cycle.label,
        months=[StatementMonth(month=_label(m.month), fee=m.fee, charged=m.charged, paid=m.paid, due=m.due) for m in s.months],
        fees_total=s.charged,
        paid_total=s.paid,
        items=items,
        arrears=s.arrears,
        balance=balance,
        closed=close is not None,
        result=result_rows(close, books.federation.keeper) if close is not None else [],
    )
    stem, key = f"{provider_id}-statement", f"statement:{cycle.id}"
    return Prepared(provider_id, "cycle-statement", cycle.id, "statements", stem, key, data, figures)


def _after(books: Books, provider_id: str, cycle: Cycle, issued: date, after: Moves | None = None) -> list[statements.Movement]:
    """A leaver's payments, payouts and write-offs after their last cycle, up to the letter's date."""
    out = []
    first = cycle.last_day + timedelta(days=1)
    moves = after.get(provider_id, []) if after is not None else ledger.entries_of(books, provider_id, first, issued)
    for kind, on, d in moves:
        sign = 1 if kind == ledger.PAYOUT else -1
        out.append(statements.Movement(on, f"written off: {d['reason']}" if kind == ledger.WRITE_OFF else "", sign * d["amount"], kind))
    return out


def statement_documents(books: Books, cycle: Cycle, issued: date) -> list[Prepared]:
    """Every provider who was a member at any time in ``cycle``: a statement each, a settlement letter for a leaver."""
    from engine.ledger.closing import closed

    shared = statements.cycle_books(books, cycle)
    ids = sorted(pid for pid, m in shared.members.items() if m.start <= cycle.last_day and (m.end is None or m.end >= cycle.first_day))
    if not ids:
        raise UserError(f"no provider was a member in {cycle.label}", field="CYCLE")
    if cycle.id not in closed(books):  # a batch before the close would be issued with no refund worked out
        raise UserError(
            f"cycle {cycle.id} is not closed yet", field="--all", expected="'coop cycle close' first, or one provider's statement"
        )
    after = ledger.entries_by_provider(books, cycle.last_day + timedelta(days=1), issued)
    return [statement_document(books, pid, cycle, issued, shared, after) for pid in ids]


# --- rendering and issuing ----------------------------------------------------------------


def render(p: Prepared, currency: str, anchor: Anchor | None = None) -> tuple[str, bytes]:
    """The document's Markdown and DOCX carrying ``anchor`` (same inputs, same bytes)."""
    return stamp(typeset(p, currency), p, anchor)


def typeset(p: Prepared, currency: str, specs: dict[str, TemplateSpec] | None = None) -> tuple[str, list[tuple[str, bytes]]]:
    """The document typeset once, its anchor still to stamp: its Markdown and its package's parts, not yet zipped.

    ``specs``: the template registry, looked up once for a batch (building it costs more than typesetting a notice).
    """
    from engine.documents.contracts import render_notice
    from engine.documents.templates import registry

    return render_notice((specs or registry())[p.kind], p.data, currency)


def stamp(rendered: tuple[str, list[tuple[str, bytes]]], p: Prepared, anchor: Anchor | None) -> tuple[str, bytes]:
    from engine.documents.contracts import anchored_parts

    return anchored_parts(*rendered, anchor, p.data.issued)


def reprint(books: Books, p: Prepared) -> tuple[Anchor | None, str, bytes]:
    """A document written without recording it: as it was issued if it was (its anchor and bytes), else carrying the head now."""
    rendered = typeset(p, books.federation.currency)
    earlier = latest(books).get((p.provider, p.key))
    carried, markdown, docx, _ = anchoring.carry(earlier, partial(stamp, rendered, p), anchoring.current(books.journal))
    return carried, markdown, docx


def latest(books: Books) -> dict[tuple[str, str], dict[str, Any]]:
    """The data of the last ``document.issued`` entry for each (provider or subject, document key)."""
    return {(e.data["provider"], e.data["key"]): e.data for e in books.journal.entries([ISSUED])}


def issue(books: Books, prepared: list[Prepared], out: Path, on: date, progress: Callable[[Any], Any] | None = None) -> list[Issued]:
    """Write each document's Markdown and DOCX under ``out`` and record the new ones, in one transaction."""
    from engine.documents.templates import registry

    currency = books.federation.currency
    specs = registry()
    known = latest(books)
    done = []
    with staged(books.journal) as stage, books.transaction() as w:
        head = anchoring.current(books.journal)  # the batch prints the head before its own entries
        for p in progress(prepared) if progress else prepared:
            rendered = typeset(p, currency, specs)
            carried, markdown, docx, fresh = anchoring.carry(known.get((p.provider, p.key)), partial(stamp, rendered, p), head)
            folder = out / p.folder / p.cycle
            stage.write_text(md_path := folder / f"{p.stem}.md", markdown)
            stage.write_bytes(docx_path := folder / f"{p.stem}.docx", docx)
            digest = hashlib.sha256(docx).hexdigest()
            if fresh:
                data: dict[str, Any] = {
                    "provider": p.provider,
                    "kind": p.kind,
                    "cycle": p.cycle,
                    "key": p.key,
                    "document": p.document,
                    "sha256": digest,
                }
                if carried is not None:
                    data["anchor"] = anchoring.as_json(carried)
                w.append(ISSUED, on, {**data, **p.figures})
                known[(p.provider, p.key)] = data
            done.append(Issued(p.provider, p.kind, docx_path, md_path, digest, fresh, p.figures, carried))
        for folder, cycle in sorted({(p.folder, p.cycle) for p in prepared}):
            write_register(books, out, folder, cycle, stage.write_text)
    return done


REGISTER_FIELDS = {
    "notices": ["provider", "document", "from_month", "old", "fee", "issue_date", "late", "sha256"],
    "statements": ["provider", "kind", "document", "arrears", "refund", "assessment", "balance", "issue_date", "sha256"],
}
_MONEY_FIELDS = {"old", "fee", "arrears", "refund", "assessment", "balance"}


def write_register(books: Books, out: Path, folder: str, cycle: str, write: Callable[[Path, str], Path] = write_text) -> tuple[Path, Path]:
    """``register.csv`` and ``.json`` beside the documents: the latest issuance of each, from the journal.

    Read from the journal rather than from one run, so a statement issued on
    its own later still appears beside the batch issued at the close.
    """
    latest_by: dict[tuple[str, str], dict[str, Any]] = {}
    for e in books.journal.entries([ISSUED]):
        d = e.data
        if d["cycle"] == cycle and d["document"].startswith(f"{folder}/"):
            latest_by[(d["provider"], d["key"])] = {**d, "document": d["document"].rsplit("/", 1)[-1], "issue_date": e.on}
    fields = REGISTER_FIELDS[folder]
    rows = []
    for d in sorted(latest_by.values(), key=lambda d: (d["provider"], d["document"])):
        row = {}
        for f in fields:
            value = d.get(f)
            if isinstance(value, list):
                value = "; ".join(value)
            row[f] = cents_to_decimal_text(value) if f in _MONEY_FIELDS and value is not None else ("" if value is None else str(value))
        rows.append(row)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    where = out / folder / cycle
    register = json.dumps(rows, indent=2) + "\n"
    return write(where / "register.csv", buf.getvalue()), write(where / "register.json", register)
