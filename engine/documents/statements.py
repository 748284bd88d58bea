"""Reports on the money: a provider's statement and the transparency report.

Each report is plain data first (dataclasses of dates, text and integer
cents) so any renderer can use it: the terminal table in the CLI and the CSV
here. A statement's document (Markdown and DOCX, or the settlement letter of
a provider who left) is written from this same data by :mod:`engine.notices`,
which maps it into the document model; the transparency report is a table
report, rendered here to Markdown (and from that to DOCX). Nothing here reads
the clock, so the same books give byte-identical reports.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from engine.audit.anchors import Anchor
from engine.books import clock
from engine.books.budget import in_effect, line_versions
from engine.books.cycles import Cycle
from engine.books.folder import Books
from engine.books.money import cents_to_decimal_text, format_cents, fraction_text
from engine.books.roster import JOINED, Membership, memberships, require
from engine.documents import anchor as anchoring
from engine.documents.pipeline import for_books
from engine.ledger import accounts as ledger
from engine.ledger import fees
from engine.ledger.closing import Close, closes

# --- a provider's statement ------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    month: str
    fee: int | None
    charged: int
    paid: int
    other: int
    """Write-offs (negative) and payouts to the provider (positive) in the month, and what the model credits (negative)."""
    balance: int
    due: bool = True
    """False for a month of an open cycle that has not begun: nothing is charged for it yet (shown "not yet due")."""


NOT_YET_DUE = "not yet due"


@dataclass(frozen=True)
class Movement:
    on: str
    what: str
    amount: int
    """As the provider's account counts it: positive is charged to them (a payout), negative credited."""
    kind: str
    text: str | None = None
    """How a document states the movement, when its kind is a model's own (else worded from its kind)."""


@dataclass
class Statement:
    """One provider's account for one cycle; positive balances are owed to the parent."""

    federation: str
    currency: str
    provider: str
    name: str
    cycle: str
    label: str
    opening: int
    months: list[MonthRow]
    movements: list[Movement]
    closed: bool
    refund: int = 0
    refund_netted: int = 0
    assessment: int = 0
    left_on: str | None = None

    @property
    def charged(self) -> int:
        return sum(m.charged for m in self.months)

    @property
    def paid(self) -> int:
        return sum(m.paid for m in self.months)

    @property
    def arrears(self) -> int:
        """Owed at the cycle's end, before any refund or assessment from its close."""
        return self.months[-1].balance if self.months else self.opening

    @property
    def refund_owed(self) -> int:
        return self.refund - self.refund_netted

    @property
    def closing(self) -> int:
        return self.arrears + self.assessment - self.refund

    @property
    def final(self) -> bool:
        """A final settlement: the provider left during (or before the end of) this cycle."""
        return self.left_on is not None


@dataclass(frozen=True)
class CycleBooks:
    """What every statement of one cycle shares, read once: issuing a thousand statements reads the books once, not a thousand times."""

    cycle: Cycle
    members: dict[str, Membership]
    opening: dict[str, int]
    fee_row: list[int | None]
    charges: dict[str, list[int]]
    moves: dict[str, list[tuple[str, str, dict[str, Any]]]]
    close: Close | None


def cycle_books(books: Books, cycle: Cycle) -> CycleBooks:
    first, last = cycle.first_day, cycle.last_day
    return CycleBooks(
        cycle,
        memberships(books, date.max),
        ledger.provider_balances(books, first - timedelta(days=1)),
        fees.schedule(books, cycle),
        fees.charges(books, cycle),
        ledger.entries_by_provider(books, first, last),
        closes(books).get(cycle.id),
    )


def statement(books: Books, provider_id: str, cycle: Cycle, shared: CycleBooks | None = None, as_of: date | None = None) -> Statement:
    """One provider's statement; ``shared`` (from :func:`cycle_books`) when issuing many for the cycle.

    In an open cycle a month is charged on its first day: a month starting after ``as_of`` (default today)
    is not yet due, and neither its charge nor the balance counts it.
    """
    if shared is None:
        require(books, provider_id)
        shared = cycle_books(books, cycle)
    member = shared.members[provider_id] if provider_id in shared.members else require(books, provider_id)
    last = cycle.last_day
    opening = shared.opening.get(provider_id, 0)
    fee_row = shared.fee_row
    charged = shared.charges.get(provider_id, [0] * cycle.length)
    moves = shared.moves.get(provider_id, [])
    paid: dict[str, int] = defaultdict(int)
    other: dict[str, int] = defaultdict(int)
    movements = []
    for kind, on, d in moves:
        month = on[:7]
        if kind == ledger.PAYMENT:
            paid[month] += d["amount"]
            movements.append(Movement(on, f"payment received {d.get('ref', '')}".strip(), -d["amount"], kind))
        elif kind == ledger.PAYOUT:
            other[month] += d["amount"]
            movements.append(Movement(on, f"paid to you {d.get('ref', '')}".strip(), d["amount"], kind))
        else:
            other[month] -= d["amount"]
            movements.append(Movement(on, f"written off: {d['reason']}", -d["amount"], kind))
    credits = for_books(books).statement_credits
    if credits is not None:  # what the model credits its members besides fees (revenue collected for them, say)
        for mv in credits(books, provider_id, cycle):
            other[mv.on[:7]] += mv.amount
            movements.append(mv)
        movements.sort(key=lambda mv: mv.on)
    rows = []
    balance = opening
    done = shared.close
    day = as_of or clock.today()
    for i, m in enumerate(cycle.months):
        key = str(m)
        due = done is not None or m.first <= day
        balance += (charged[i] if due else 0) - paid[key] + other[key]
        rows.append(MonthRow(key, fee_row[i], charged[i] if due else 0, paid[key], other[key], balance, due))
    s = Statement(
        books.federation.name,
        books.federation.currency,
        provider_id,
        member.provider.name,
        cycle.id,
        cycle.label,
        opening,
        rows,
        movements,
        closed=done is not None,
        left_on=member.end.isoformat() if member.end is not None and member.end <= last else None,
    )
    if done is not None:
        s.refund = done.refunds.get(provider_id, 0)
        s.refund_netted = done.netted(provider_id)
        s.assessment = done.assessments.get(provider_id, 0)
    return s


# --- the federation's transparency report -------------------------------------------------------


@dataclass(frozen=True)
class LineRow:
    line: str
    name: str
    category: str
    vendor: str
    cooperative_vendor: bool
    budget: int
    actual: int

    @property
    def difference(self) -> int:
        return self.budget - self.actual


@dataclass(frozen=True)
class RefundRow:
    provider: str
    name: str
    months: str
    refund: int
    assessment: int


@dataclass(frozen=True)
class FeeRow:
    from_month: str
    amount: int
    old: int | None
    reason: str


@dataclass
class Transparency:
    """What any provider may see about a cycle: amounts, never anyone's payment details."""

    federation: str
    currency: str
    cycle: str
    label: str
    lines: list[LineRow]
    fee_settings: list[FeeRow]
    fees_charged: int
    fees_collected: int
    owed_by_providers: int
    owed_to_providers: int
    close: Close | None
    refunds: list[RefundRow] = field(default_factory=list)
    keeper: str = "the parent"
    """Who holds the accounts and keeps nothing ("the parent", or "the co-op" in the other models)."""
    anchor: Anchor | None = None
    """The journal head the report was made from, which it prints (engine.documents.anchor)."""
    first_day: date | None = None
    last_day: date | None = None
    issued: date | None = None
    """The day the figures stand: the close, or for an open cycle today (never after the cycle's end)."""

    @property
    def period(self) -> str:
        """The cycle in words: ``1 January 2027 to 30 June 2027``."""
        from engine.documents.templates import long_date

        if self.first_day is None or self.last_day is None:
            return f"cycle {self.label}"
        return f"{long_date(self.first_day)} to {long_date(self.last_day)}"

    @property
    def budget_total(self) -> int:
        return sum(r.budget for r in self.lines)

    @property
    def actual_total(self) -> int:
        return sum(r.actual for r in self.lines)

    @property
    def categories(self) -> list[tuple[str, int, int]]:
        out: dict[str, list[int]] = {}
        for r in self.lines:
            acc = out.setdefault(r.category, [0, 0])
            acc[0] += r.budget
            acc[1] += r.actual
        return [(c, b, a) for c, (b, a) in sorted(out.items())]

    @property
    def cooperative_spent(self) -> int:
        return sum(r.actual for r in self.lines if r.cooperative_vendor)

    @property
    def cooperative_share(self) -> str:
        """Share of spending with cooperative vendors, as a percentage to one decimal (half up)."""
        total = self.actual_total
        if total == 0:
            return "n/a"
        tenths = (2 * 1000 * self.cooperative_spent + total) // (2 * total)
        return f"{tenths // 10}.{tenths % 10}%"


def transparency(books: Books, cycle: Cycle) -> Transparency:
    members = fees.spans(books)
    versions = line_versions(books)
    spent: dict[str, int] = defaultdict(int)
    for e in ledger.expenses_for(books, cycle):
        spent[e["line"]] += e["amount"]
    rows = []
    for line_id in sorted(set(versions) | set(spent)):
        vs = versions.get(line_id, [])
        budget = 0
        shown = vs[-1] if vs else None
        for m in cycle.months:
            current = in_effect(vs, m.first)
            if current is not None:
                budget += current.monthly
                shown = current
        if shown is None or (budget == 0 and not spent[line_id]):
            continue
        rows.append(LineRow(line_id, shown.name, shown.category, shown.vendor, shown.cooperative_vendor, budget, spent[line_id]))
    rows.sort(key=lambda r: (r.category, r.line))
    ws = fees.weights(books, cycle, members)
    charged = sum(sum(r) for r in fees.charges(books, cycle, ws).values())
    collected = sum(ledger.sums_by_provider(books, ledger.PAYMENT, cycle.first_day, cycle.last_day).values())
    balances = ledger.provider_balances(books, cycle.last_day)
    done = closes(books).get(cycle.id)
    report = Transparency(
        books.federation.name,
        books.federation.currency,
        cycle.id,
        cycle.label,
        rows,
        [FeeRow(str(s.from_month), s.amount, s.old, s.reason) for s in fees.settings(books, cycle)],
        charged,
        collected,
        sum(b for b in balances.values() if b > 0),
        -sum(b for b in balances.values() if b < 0),
        done,
        keeper=books.federation.keeper,
        anchor=anchoring.current(books.journal),
        first_day=cycle.first_day,
        last_day=cycle.last_day,
        issued=done.on if done is not None else min(clock.today(), cycle.last_day),
    )
    if done is not None:
        names = {p.id: p.name for p in books.federation.providers}
        names.update(_joined_names(books))
        for pid in sorted(set(done.refunds) | set(done.assessments)):
            report.refunds.append(
                RefundRow(
                    pid,
                    names.get(pid, pid),
                    _months_text(done.months.get(pid, "0")),
                    done.refunds.get(pid, 0),
                    done.assessments.get(pid, 0),
                )
            )
    return report


def _joined_names(books: Books) -> dict[str, str]:
    rows = books.journal.conn.execute(
        "SELECT json_extract(data, '$.provider.id'), json_extract(data, '$.provider.name') FROM entries WHERE kind = ?", (JOINED,)
    )
    return dict(rows.fetchall())


def _months_text(value: str) -> str:
    try:
        f = Fraction(value)
    except ValueError:  # a share already in words ("90 days": a session split co-op's days as owner)
        return value
    return fraction_text(f, 2)


# --- rendering: Markdown and CSV ---------------------------------------------------------------------


def _money(currency: str):  # type: ignore[no-untyped-def]
    return lambda cents: format_cents(cents, currency)


def _md_table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    right = right or set()
    align = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def summary_rows(s: Statement) -> list[tuple[str, int]]:
    rows = [("fees charged", s.charged), ("payments received", s.paid), ("owed at cycle end (arrears)", s.arrears)]
    if s.closed:
        rows += [
            ("refund from the cycle's surplus", s.refund),
            ("of which settled arrears", s.refund_netted),
            ("of which owed to you", s.refund_owed),
            ("share of a deficit assessed", s.assessment),
        ]
    rows.append(("balance (positive: you owe; negative: owed to you)", s.closing))
    return rows


def statement_csv(s: Statement) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["provider", "cycle", "section", "item", "amount"])
    w.writerow([s.provider, s.cycle, "opening", "balance", cents_to_decimal_text(s.opening)])
    for m in s.months:
        w.writerow([s.provider, s.cycle, "month", f"{m.month} fee", cents_to_decimal_text(m.fee) if m.fee is not None else ""])
        for label, value in (("charged", m.charged), ("paid", m.paid), ("other", m.other), ("balance", m.balance)):
            shown = NOT_YET_DUE if label == "charged" and not m.due else cents_to_decimal_text(value)
            w.writerow([s.provider, s.cycle, "month", f"{m.month} {label}", shown])
    for k, v in summary_rows(s):
        w.writerow([s.provider, s.cycle, "summary", k, cents_to_decimal_text(v)])
    return buf.getvalue()


def _month_words(month: str) -> str:
    """``2027-03`` as ``March 2027``."""
    return date.fromisoformat(f"{month}-01").strftime("%B %Y")


def transparency_markdown(t: Transparency) -> str:
    from engine.documents.templates import long_date

    money = _money(t.currency)
    issued = f" Issued {long_date(t.issued)}{'' if t.close is not None else ', before the cycle is closed'}." if t.issued else ""
    out = [
        f"# Transparency report: {t.federation}\n",
        f"{t.period} (cycle {t.label}).{issued} Amounts only; no one's payment details.\n",
    ]
    out.append("## The monthly fee\n")
    out.append(
        _md_table(
            ["from", "fee", "before", "why"],
            [[_month_words(f.from_month), money(f.amount), money(f.old) if f.old is not None else "", f.reason] for f in t.fee_settings]
            or [["", "not set", "", ""]],
            {1, 2},
        )
    )
    out.append("## Budget and actual, by line\n")
    rows = [
        [r.name, r.vendor + (" (co-op)" if r.cooperative_vendor else ""), money(r.budget), money(r.actual), money(r.difference)]
        for r in t.lines
    ]
    rows.append(["total", "", money(t.budget_total), money(t.actual_total), money(t.budget_total - t.actual_total)])
    out.append(_md_table(["line", "vendor", "budget", "actual", "under (over)"], rows, {2, 3, 4}))
    out.append("## By category\n")
    out.append(_md_table(["category", "budget", "actual"], [[c.replace("_", " "), money(b), money(a)] for c, b, a in t.categories], {1, 2}))
    out.append("## Fees and result\n")
    out.append(_md_table(["", "amount"], [[k, v] for k, v in result_rows(t)], {1}))
    if t.refunds:
        out.append("## Refunds and assessments by provider\n")
        out.append(
            _md_table(
                ["provider", "months", "refund", "assessed"],
                [[r.name, r.months, money(r.refund), money(r.assessment)] for r in t.refunds],
                {1, 2, 3},
            )
        )
    return "\n".join(block.strip("\n") + "\n" for block in out)


def result_rows(t: Transparency) -> list[tuple[str, str]]:
    money = _money(t.currency)
    rows = [
        ("fees charged", money(t.fees_charged)),
        ("fees collected", money(t.fees_collected)),
        ("owed by providers at cycle end", money(t.owed_by_providers)),
        ("owed to providers at cycle end", money(t.owed_to_providers)),
        ("spent with cooperative vendors", f"{money(t.cooperative_spent)} ({t.cooperative_share})"),
    ]
    c = t.close
    if c is None:
        rows.append(("result", "cycle not closed yet"))
        return rows
    rows += [
        ("brought forward from the previous cycle", money(c.brought_forward)),
        ("written off", money(c.written_off)),
        ("shared expenses paid", money(c.expenses)),
        ("surplus (deficit)", money(c.surplus)),
        (f"refunded ({'by months in the cycle' if c.basis == 'months' else 'per head'})", money(c.refunded)),
        ("deficit assessed", money(c.assessed)),
        (c.carried_text, money(abs(c.carried_forward))),
        (f"kept by {t.keeper}", money(c.profit)),
    ]
    return rows


def result_figures(t: Transparency) -> dict[str, Any]:
    """Every figure :func:`result_rows` states, in cents under plain keys (for JSON): what was kept included."""
    out: dict[str, Any] = {
        "fees_charged": t.fees_charged,
        "fees_collected": t.fees_collected,
        "owed_by_providers": t.owed_by_providers,
        "owed_to_providers": t.owed_to_providers,
        "cooperative_spent": t.cooperative_spent,
        "cooperative_share": t.cooperative_share,
        "closed": t.close is not None,
    }
    c = t.close
    if c is not None:
        out.update(
            brought_forward=c.brought_forward,
            written_off=c.written_off,
            expenses=c.expenses,
            surplus=c.surplus,
            refunded=c.refunded,
            refund_basis=c.basis,
            assessed=c.assessed,
            carried_forward=c.carried_forward,
            kept=c.profit,
            kept_by=t.keeper,
        )
    return out


def transparency_csv(t: Transparency) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["cycle", "section", "item", "category", "budget", "actual"])
    for r in t.lines:
        w.writerow([t.cycle, "line", r.line, r.category, cents_to_decimal_text(r.budget), cents_to_decimal_text(r.actual)])
    for c, b, a in t.categories:
        w.writerow([t.cycle, "category", c, c, cents_to_decimal_text(b), cents_to_decimal_text(a)])
    totals = [("fees charged", t.fees_charged), ("fees collected", t.fees_collected), ("cooperative vendors", t.cooperative_spent)]
    if t.close is not None:
        totals += [("surplus", t.close.surplus), ("refunded", t.close.refunded), ("carried forward", t.close.carried_forward)]
    for k, v in totals:
        w.writerow([t.cycle, "total", k, "", "", cents_to_decimal_text(v)])
    for r in t.refunds:
        w.writerow([t.cycle, "refund", r.provider, "", "", cents_to_decimal_text(r.refund - r.assessment)])
    return buf.getvalue()


def as_of_text(day: date) -> str:
    return day.isoformat()


def transparency_docx(t: Transparency, author: str, cycle_end: date) -> bytes:
    """The report typeset like every other document, dated by its close (or the cycle's end), never the clock."""
    from engine.documents.typesetting import DocMeta, to_docx

    on = t.issued or (t.close.on if t.close is not None else cycle_end)
    meta = DocMeta(
        title=f"Transparency report: {t.label}",
        footer=f"Transparency report · {t.federation} · cycle {t.label}",
        issued=on,
        author=author,
        subject="transparency-report",
        anchor=anchoring.line(t.anchor),
    )
    return to_docx(transparency_markdown(t), meta)
