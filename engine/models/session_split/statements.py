"""A member's year in the session split co-op: sessions, the split, and what came back to them.

One row per quarter of the year: sessions held, their fees, the member's
own share, the share they contributed to the co-op, and the payout they
were credited at the quarter's close (none until it closes). All figures are
read from recorded sessions and closes, so the statement, the ledger and the
quarter's close cannot disagree. Written as a table, CSV, Markdown and DOCX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from engine.books.cycles import Cycle, cycle_containing
from engine.books.folder import Books
from engine.books.money import cents_to_decimal_text, format_cents
from engine.books.roster import require
from engine.errors import UserError
from engine.ledger.accounts import PAYOUT, provider_balances, sums_by_provider
from engine.ledger.closing import closes
from engine.models.session_split.sessions import Totals, require_model, totals


@dataclass(frozen=True)
class QuarterRow:
    quarter: str
    sessions: int
    fees: int
    clinician: int
    coop: int
    payout: int | None
    """Credited at the quarter's close; ``None`` while the quarter is open."""


@dataclass(frozen=True)
class AnnualStatement:
    coop: str
    holder: str
    member: str
    name: str
    year: int
    quarters: list[QuarterRow]
    paid_out: int
    """Money actually paid to the member in the year (their shares and payouts)."""
    owed_at_end: int
    """What the co-op owed the member at the year's end (negative: the member owed the co-op)."""
    currency: str

    @property
    def totals(self) -> QuarterRow:
        q = self.quarters
        return QuarterRow(
            "year",
            sum(r.sessions for r in q),
            sum(r.fees for r in q),
            sum(r.clinician for r in q),
            sum(r.coop for r in q),
            sum(r.payout or 0 for r in q),
        )


def _quarters(books: Books, year: int) -> list[Cycle]:
    spec = books.federation.cycle
    c = cycle_containing(date(year, 1, 1), spec)
    out = []
    while c.first_day.year <= year:
        out.append(c)
        c = c.next()
    return out


def annual_statement(books: Books, member: str, year: int) -> AnnualStatement:
    require_model(books)
    m = require(books, member, "MEMBER")
    if not 1900 < year < 3000:
        raise UserError(f"{year} is not a year", field="YEAR", expected="a year such as 2027")
    done = closes(books)
    rows = []
    for q in _quarters(books, year):
        first, last = max(q.first_day, date(year, 1, 1)), min(q.last_day, date(year, 12, 31))
        held = totals(books, first, last).get(member, Totals(0, 0, 0, 0))
        close = done.get(q.id)
        payout = close.refunds.get(member, 0) if close is not None else None
        rows.append(QuarterRow(q.label, held.count, held.fee, held.clinician, held.coop, payout))
    end = date(year, 12, 31)
    paid = sums_by_provider(books, PAYOUT, date(year, 1, 1), end).get(member, 0)
    owed = -provider_balances(books, end).get(member, 0)
    fed = books.federation
    return AnnualStatement(fed.name, fed.holder, member, m.provider.name, year, rows, paid, owed, fed.currency)


def summary_rows(s: AnnualStatement) -> list[tuple[str, int]]:
    t = s.totals
    return [
        ("fees of your sessions", t.fees),
        ("your share", t.clinician),
        ("your contribution to the co-op", t.coop),
        ("quarterly payouts credited to you", t.payout or 0),
        ("paid to you in the year", s.paid_out),
        ("owed to you at the year's end", s.owed_at_end),
    ]


HEADERS = ["quarter", "sessions", "fees", "your share", "to the co-op", "payout"]


def _cells(r: QuarterRow, money: Callable[[int], str]) -> list[str]:
    payout = money(r.payout) if r.payout is not None else "open"
    return [r.quarter, str(r.sessions), money(r.fees), money(r.clinician), money(r.coop), payout]


def table_rows(s: AnnualStatement) -> list[list[str]]:
    def money(c: int) -> str:
        return format_cents(c, s.currency)

    return [_cells(r, money) for r in [*s.quarters, s.totals]]


def statement_csv(s: AnnualStatement) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["member", "year", *HEADERS])
    for r in [*s.quarters, s.totals]:
        payout = cents_to_decimal_text(r.payout) if r.payout is not None else ""
        w.writerow(
            [
                s.member,
                s.year,
                r.quarter,
                r.sessions,
                cents_to_decimal_text(r.fees),
                cents_to_decimal_text(r.clinician),
                cents_to_decimal_text(r.coop),
                payout,
            ]
        )
    return out.getvalue()


def statement_markdown(s: AnnualStatement) -> str:
    from engine.documents.templates import md_escape

    def money(c: int) -> str:
        return format_cents(c, s.currency)

    lines = [
        f"# Annual statement {s.year}: {md_escape(s.name)}",
        "",
        f"**{md_escape(s.coop)}** ({md_escape(s.holder)}), member {md_escape(s.member)}",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|---|" + "---:|" * (len(HEADERS) - 1),
    ]
    for r in table_rows(s):
        lines.append("| " + " | ".join(r) + " |")
    lines += ["", "| | amount |", "|---|---:|"]
    lines += [f"| {k} | {money(v)} |" for k, v in summary_rows(s)]
    if any(r.payout is None for r in s.quarters):
        lines += ["", "A quarter marked open has not been closed yet: its payout is worked out at its close."]
    return "\n".join(lines) + "\n"


def statement_docx(s: AnnualStatement) -> bytes:
    from engine.documents.typesetting import DocMeta, to_docx

    meta = DocMeta(
        title=f"Annual statement {s.year}: {s.name}",
        footer=f"{s.holder} · Annual statement {s.year} · {s.member}",
        issued=date(s.year, 12, 31),
        author=s.holder,
        subject="annual statement",
    )
    return to_docx(statement_markdown(s), meta)
