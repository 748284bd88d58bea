"""The double-entry ledger, in integer cents, derived from the journal.

Money facts are journal entries (a payment received, a shared expense paid,
a refund paid out, a write-off, a cycle's close); fee charges are derived
each month from the fee in force and the roster (see :mod:`engine.fees`).
Every transaction's postings sum to exactly zero, so the trial balance
always does too. Accounts:

``provider:ID``   what a provider owes the parent (negative: owed to them)
``cash``          the parent's shared account
``income:fees``, ``income:assessments``   fees charged, deficits assessed
``expense:LINE``  shared expenses paid, by budget line
``write_offs``, ``refunds``   amounts forgiven, surpluses returned
``carried_forward``, ``brought_forward``   a cycle's result moved to the next
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from engine.books.budget import in_effect, line_versions
from engine.books.clock import not_too_far_ahead
from engine.books.cycles import Cycle, Month, cycle_containing
from engine.books.folder import Books
from engine.books.imports import cell_amount, cell_date, read_rows
from engine.books.journal import LIVE, Entry, between
from engine.books.roster import require
from engine.errors import UserError
from engine.ledger import fees
from engine.models.registry import of as model_of

PAYMENT = "payment.received"
PAYOUT = "payment.paid_out"
EXPENSE = "expense.paid"
WRITE_OFF = "ledger.write_off"
MONEY_KINDS = (PAYMENT, PAYOUT, EXPENSE, WRITE_OFF)


@dataclass(frozen=True, slots=True)
class Transaction:
    """One balanced movement: postings (account, cents; debit positive) summing to zero."""

    on: date
    memo: str
    postings: tuple[tuple[str, int], ...]
    source: int | None = None

    def __post_init__(self) -> None:
        if sum(amount for _, amount in self.postings) != 0:
            raise AssertionError(f"unbalanced transaction {self.memo}: {self.postings}")


# --- recording ------------------------------------------------------------------------


def _amount(cents: int) -> None:
    if cents <= 0:
        raise UserError("the amount must be more than zero", field="AMOUNT", expected="an amount such as 646.67")


def _near(books: Books, on: date, field: str = "--on", **where: object) -> None:
    """Money is recorded when it moves: a date far ahead of today is a typing mistake until the books allow it."""
    not_too_far_ahead(on, books.federation.policies.future_days, field, **where)  # type: ignore[arg-type]


def _check_provider_on(books: Books, provider_id: str, on: date) -> None:
    m = require(books, provider_id)
    if on < m.start.replace(day=1):
        raise UserError(f"{provider_id} only joined on {m.start}", field="--on", expected=f"a date from {m.start.replace(day=1)}")


def record_payment(books: Books, provider_id: str, amount: int, on: date, ref: str = "", correction: str | None = None) -> Entry:
    """A fee payment received from a provider."""
    from engine.ledger.closing import require_open

    _amount(amount)
    _near(books, on)
    _check_provider_on(books, provider_id, on)
    require_open(books, on, "record a payment", correction)
    with books.transaction() as w:
        return w.append(PAYMENT, on, _with_correction({"provider": provider_id, "amount": amount, "ref": ref}, correction))


def record_payout(books: Books, provider_id: str, amount: int, on: date, ref: str = "", correction: str | None = None) -> Entry:
    """Money paid to a provider: a refund owed to them, or a final settlement."""
    from engine.ledger.closing import require_open

    _amount(amount)
    _near(books, on)
    require(books, provider_id)
    owed = -provider_balances(books, on).get(provider_id, 0)
    if amount > owed:
        raise UserError(
            f"{provider_id} is owed {owed} cents on {on}; a payout of {amount} would overpay them",
            field="AMOUNT",
            expected=f"at most {owed} cents",
        )
    require_open(books, on, "record a payout", correction)
    with books.transaction() as w:
        return w.append(PAYOUT, on, _with_correction({"provider": provider_id, "amount": amount, "ref": ref}, correction))


def record_write_off(books: Books, provider_id: str, amount: int, on: date, reason: str, correction: str | None = None) -> Entry:
    """Forgive part of a provider's arrears; the group bears it in the cycle's result."""
    from engine.ledger.closing import require_open

    _amount(amount)
    _near(books, on)
    require(books, provider_id)
    if not reason.strip():
        raise UserError("a reason is required", field="--reason")
    owes = provider_balances(books, on).get(provider_id, 0)
    if amount > owes:
        raise UserError(f"{provider_id} owes {owes} cents on {on}", field="AMOUNT", expected=f"at most {owes} cents")
    require_open(books, on, "record a write-off", correction)
    with books.transaction() as w:
        return w.append(WRITE_OFF, on, _with_correction({"provider": provider_id, "amount": amount, "reason": reason}, correction))


def record_expense(
    books: Books,
    line_id: str,
    amount: int,
    on: date,
    *,
    receipt: str,
    vendor: str | None = None,
    for_month: Month | None = None,
    correction: str | None = None,
) -> Entry:
    """A shared expense paid, against a budget line, for the cycle holding ``for_month`` (default: the date's month)."""

    _amount(amount)
    _near(books, on)
    month = for_month or Month.of(on)
    versions = line_versions(books).get(line_id)
    if not versions:
        known = sorted(line_versions(books))
        raise UserError(f"unknown budget line '{line_id}'", field="LINE", expected=f"one of {', '.join(known)}")
    if not receipt.strip():
        raise UserError("a receipt reference is required", field="--receipt", expected="the invoice or receipt number")
    line = in_effect(versions, month.first) or versions[-1]
    cycle = cycle_containing(month.first, books.federation.cycle)
    _require_open_for(books, on, for_month, "record an expense", correction)
    data = {
        "line": line_id,
        "category": line.category,
        "amount": amount,
        "vendor": vendor or line.vendor,
        "cooperative_vendor": line.cooperative_vendor,
        "receipt": receipt,
        "cycle": cycle.id,
        "month": str(month),
    }
    with books.transaction() as w:
        return w.append(EXPENSE, on, _with_correction(data, correction))


def _require_open_for(books: Books, on: date, for_month: Month | None, what: str, correction: str | None) -> None:
    """An expense counts in the cycle of the month it pays for: a refusal names that month when it was given, else the date typed."""
    from engine.ledger.closing import require_open

    try:
        require_open(books, for_month.first if for_month else on, what, correction)
    except UserError:
        if for_month is None:
            raise
        cycle = cycle_containing(for_month.first, books.federation.cycle)
        raise UserError(
            f"{for_month} is in cycle {cycle.id}, which is closed; cannot {what} paid on {on} for it",
            field="--for-month",
            expected="a month of an open cycle, or --correction REASON to record an explicit correction",
        ) from None


def _with_correction(data: dict[str, Any], correction: str | None) -> dict[str, Any]:
    return {**data, "correction": correction} if correction else data


# --- reading in bulk --------------------------------------------------------------------


def sums_by_provider(books: Books, kind: str, first: date | None = None, last: date | None = None) -> dict[str, int]:
    """Total of ``kind`` entries per provider between two dates, by one SQL aggregate."""
    bounds, args = between(first, last)
    sql = f"SELECT json_extract(data, '$.provider'), SUM(json_extract(data, '$.amount')) FROM entries WHERE kind = ? AND {LIVE}{bounds}"
    return {pid: total for pid, total in books.journal.conn.execute(sql + " GROUP BY 1", [kind, *args])}


def expenses_for(books: Books, cycle: Cycle) -> list[dict[str, Any]]:
    rows = books.journal.conn.execute(
        f"SELECT seq, on_date, data FROM entries WHERE kind = ? AND json_extract(data, '$.cycle') = ? AND {LIVE} ORDER BY seq",
        (EXPENSE, cycle.id),
    )
    return [{"seq": seq, "on": on, **json.loads(data)} for seq, on, data in rows]


def entries_of(books: Books, provider_id: str, first: date, last: date) -> list[tuple[str, str, dict[str, Any]]]:
    """One provider's payments, payouts and write-offs between two dates: (kind, date, data)."""
    rows = books.journal.conn.execute(
        f"SELECT kind, on_date, data FROM entries WHERE kind IN (?, ?, ?) AND on_date BETWEEN ? AND ? "
        f"AND json_extract(data, '$.provider') = ? AND {LIVE} ORDER BY on_date, seq",
        (PAYMENT, PAYOUT, WRITE_OFF, first.isoformat(), last.isoformat(), provider_id),
    )
    return [(k, on, json.loads(d)) for k, on, d in rows]


def entries_by_provider(books: Books, first: date, last: date) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    """Every provider's payments, payouts and write-offs between two dates, read in one query."""
    rows = books.journal.conn.execute(
        f"SELECT kind, on_date, data FROM entries WHERE kind IN (?, ?, ?) AND on_date BETWEEN ? AND ? AND {LIVE} ORDER BY on_date, seq",
        (PAYMENT, PAYOUT, WRITE_OFF, first.isoformat(), last.isoformat()),
    )
    out: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for k, on, d in rows:
        data = json.loads(d)
        out[data["provider"]].append((k, on, data))
    return dict(out)


def cycles_through(books: Books, day: date) -> list[Cycle]:
    """Every cycle from the founding one to the one holding ``day``."""
    spec = books.federation.cycle
    c = cycle_containing(books.federation.founded, spec)
    out = []
    while c.first_day <= day:
        out.append(c)
        c = c.next()
    return out


def charges_through(books: Books, day: date, members: dict[str, fees.Span] | None = None) -> dict[str, int]:
    """Fees charged to each provider for months starting on or before ``day`` (a fee is due on the 1st)."""
    out: dict[str, int] = defaultdict(int)
    members = fees.spans(books) if members is None else members
    for cycle in cycles_through(books, day):
        n = sum(1 for m in cycle.months if m.first <= day)
        for pid, row in fees.charges(books, cycle, fees.weights(books, cycle, members)).items():
            out[pid] += sum(row[:n])
    return dict(out)


def provider_balances(books: Books, as_of: date, members: dict[str, fees.Span] | None = None) -> dict[str, int]:
    """What each provider owes on ``as_of`` (negative: the parent owes them).

    Refunds and assessments from a close are dated the closed cycle's last day.
    """
    from engine.ledger.closing import closes

    out: dict[str, int] = defaultdict(int)
    for pid, c in charges_through(books, as_of, members).items():
        out[pid] += c
    for kind, sign in ((PAYMENT, -1), (WRITE_OFF, -1), (PAYOUT, 1)):
        for pid, total in sums_by_provider(books, kind, last=as_of).items():
            out[pid] += sign * total
    for pid, c in (model_of(books).call("credits", books, as_of) or {}).items():
        out[pid] -= c
    spec = books.federation.cycle
    for close in closes(books).values():
        if close.cycle_obj(spec).last_day <= as_of:
            for pid, r in close.refunds.items():
                out[pid] -= r
            for pid, a in close.assessments.items():
                out[pid] += a
    return dict(out)


# --- the ledger as transactions -----------------------------------------------------------


def transactions(books: Books, until: date, provider_id: str | None = None) -> Iterator[Transaction]:
    """Every balanced transaction dated on or before ``until``, in date order (charges first on a day)."""
    from engine.ledger.closing import closes

    out: list[Transaction] = []
    members = fees.spans(books)
    for cycle in cycles_through(books, until):
        ch = fees.charges(books, cycle, fees.weights(books, cycle, members))
        for i, m in enumerate(cycle.months):
            if m.first > until:
                break
            for pid in sorted(ch):
                if provider_id in (None, pid) and ch[pid][i]:
                    c = ch[pid][i]
                    out.append(Transaction(m.first, f"fee for {m}", ((f"provider:{pid}", c), ("income:fees", -c))))
    rows = books.journal.conn.execute(
        f"SELECT seq, kind, on_date, data FROM entries WHERE kind IN (?, ?, ?, ?) AND on_date <= ? AND {LIVE} ORDER BY seq",
        (*MONEY_KINDS, until.isoformat()),
    )
    for seq, kind, on, text in rows:
        d = json.loads(text)
        if provider_id is not None and d.get("provider") != provider_id:
            continue
        day, a = date.fromisoformat(on), d["amount"]
        if kind == PAYMENT:
            out.append(Transaction(day, f"payment {d['ref']}".strip(), (("cash", a), (f"provider:{d['provider']}", -a)), seq))
        elif kind == PAYOUT:
            out.append(Transaction(day, f"paid out {d['ref']}".strip(), ((f"provider:{d['provider']}", a), ("cash", -a)), seq))
        elif kind == WRITE_OFF:
            out.append(Transaction(day, f"write-off: {d['reason']}", (("write_offs", a), (f"provider:{d['provider']}", -a)), seq))
        elif provider_id is None:
            out.append(Transaction(day, f"{d['vendor']} ({d['receipt']})", ((f"expense:{d['line']}", a), ("cash", -a)), seq))
    spec = books.federation.cycle
    for close in closes(books).values():
        day = close.cycle_obj(spec).last_day
        if day > until:
            continue
        for pid in sorted(close.refunds):
            if provider_id in (None, pid) and close.refunds[pid]:
                r = close.refunds[pid]
                what = "refund" if close.distribution == "refunds" else "payout"
                out.append(
                    Transaction(day, f"{what} of {close.cycle}'s surplus", ((close.distribution, r), (f"provider:{pid}", -r)), close.seq)
                )
        for pid in sorted(close.assessments):
            if provider_id in (None, pid) and close.assessments[pid]:
                a = close.assessments[pid]
                out.append(
                    Transaction(day, f"share of {close.cycle}'s deficit", ((f"provider:{pid}", a), ("income:assessments", -a)), close.seq)
                )
        if close.carried_forward and provider_id is None:
            k = close.carried_forward
            out.append(
                Transaction(day, f"{close.cycle}'s result carried forward", (("carried_forward", k), ("brought_forward", -k)), close.seq)
            )
    out.extend(model_of(books).call("postings", books, until, provider_id) or ())
    out.sort(key=lambda t: (t.on, t.source or 0))
    yield from out


def trial_balance(books: Books, until: date) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for t in transactions(books, until):
        for account, amount in t.postings:
            totals[account] += amount
    return dict(sorted(totals.items()))


# --- bulk import ------------------------------------------------------------------------------

PAYMENT_COLUMNS = ("provider", "amount", "on", "ref")
EXPENSE_COLUMNS = ("line", "amount", "on", "vendor", "receipt")
EXPENSE_OPTIONAL = ("for_month",)
"""June's pay paid on 1 July belongs to June: an expense file may say the month each row pays for."""


def import_payments(books: Books, path: Path) -> tuple[int, int]:
    """Record payments from a CSV (provider, amount, on, ref) in one transaction: all or none.

    Returns (count, total cents). Built for volume: one pass, no per-row model.
    """
    from engine.ledger.closing import closed as closed_cycles

    rows = read_rows(path, PAYMENT_COLUMNS)
    members = fees.spans(books)
    closed = set(closed_cycles(books))
    spec = books.federation.cycle
    parsed = []
    for i, row in enumerate(rows, start=2):
        pid = (row["provider"] or "").strip()
        if pid not in members:
            raise UserError(f"unknown provider '{pid}'", file=path, line=i, field="provider")
        amount = cell_amount(row["amount"] or "", path, i)
        on = cell_date(row["on"] or "", path, i)
        _near(books, on, "on", file=path, line=i)
        cycle = cycle_containing(on, spec)
        if cycle.id in closed:
            raise UserError(
                f"{on} is in cycle {cycle.id}, which is closed", file=path, line=i, field="on", expected="a date in an open cycle"
            )
        parsed.append((on, {"provider": pid, "amount": amount, "ref": (row["ref"] or "").strip()}))
    with books.transaction() as w:
        for on, data in parsed:
            w.append(PAYMENT, on, data)
    return len(parsed), sum(d["amount"] for _, d in parsed)


def import_expenses(books: Books, path: Path) -> tuple[int, int]:
    """Record shared expenses from a CSV (line, amount, on, vendor, receipt[, for_month]), each for its month (default: its date's)."""
    from engine.books.naming import month_named
    from engine.ledger.closing import closed as closed_cycles

    rows = read_rows(path, EXPENSE_COLUMNS, EXPENSE_OPTIONAL)
    versions = line_versions(books)
    closed = set(closed_cycles(books))
    spec = books.federation.cycle
    parsed = []
    for i, row in enumerate(rows, start=2):
        line_id = (row["line"] or "").strip()
        if line_id not in versions:
            raise UserError(f"unknown budget line '{line_id}'", file=path, line=i, field="line")
        amount = cell_amount(row["amount"] or "", path, i)
        on = cell_date(row["on"] or "", path, i)
        _near(books, on, "on", file=path, line=i)
        if not (row["receipt"] or "").strip():
            raise UserError("a receipt reference is required", file=path, line=i, field="receipt")
        try:
            month = month_named(row["for_month"].strip() or None, "for_month") or Month.of(on)
        except UserError as exc:
            raise UserError(exc.message, file=path, line=i, field="for_month", expected=exc.expected) from None
        cycle = cycle_containing(month.first, spec)
        if cycle.id in closed:
            said = "for_month" if row["for_month"].strip() else "on"
            raise UserError(
                f"{row[said].strip()} is in cycle {cycle.id}, which is closed", file=path, line=i, field=said, expected="an open cycle"
            )
        line = in_effect(versions[line_id], month.first if row["for_month"].strip() else on) or versions[line_id][-1]
        data = {
            "line": line_id,
            "category": line.category,
            "amount": amount,
            "vendor": (row["vendor"] or "").strip() or line.vendor,
            "cooperative_vendor": line.cooperative_vendor,
            "receipt": row["receipt"].strip(),
            "cycle": cycle.id,
            "month": str(month),
        }
        parsed.append((on, data))
    with books.transaction() as w:
        for on, data in parsed:
            w.append(EXPENSE, on, data)
    return len(parsed), sum(d["amount"] for _, d in parsed)
