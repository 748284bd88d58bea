"""A retention member's year: revenue, the probation levy, their share of expenses, leave and rent cover, and what they kept."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from pathlib import Path

from engine.books.cycles import Cycle, Month, cycle_containing
from engine.books.folder import Books
from engine.books.roster import memberships, require
from engine.ledger import fees
from engine.models.retention.revenue import Revenue, is_owner, leave_on, owners_since, params, revenues

# --- the annual statement ----------------------------------------------------------------


@dataclass(frozen=True)
class StatementMonth:
    month: Month
    revenue: int
    levy: int
    expenses: int
    status: str
    rent_covered: int
    refunds: int = 0
    """A cycle's refund (or deficit assessment) falls in the cycle's last month."""
    assessments: int = 0

    @property
    def kept(self) -> int:
        return self.revenue - self.levy

    @property
    def net(self) -> int:
        """Revenue, less the levy and the member's share of expenses, plus refunds less assessments."""
        return self.kept - self.expenses + self.refunds - self.assessments


@dataclass(frozen=True)
class AnnualStatement:
    co_op: str
    member: str
    name: str
    year: int
    currency: str
    months: list[StatementMonth]

    def total(self, attr: str) -> int:
        return sum(getattr(m, attr) for m in self.months)

    @property
    def refunds(self) -> int:
        return self.total("refunds")

    @property
    def assessments(self) -> int:
        return self.total("assessments")

    @property
    def net_kept(self) -> int:
        return self.total("net")

    def rows(self) -> list[tuple[str, int]]:
        return [
            ("Revenue recorded", self.total("revenue")),
            ("Co-op levy (probation)", self.total("levy")),
            ("Retained share", self.total("kept")),
            ("Share of shared expenses", self.total("expenses")),
            ("Refunds of over-collection", self.refunds),
            ("Deficit assessments", self.assessments),
            ("Rent covered by the co-op", self.total("rent_covered")),
            ("Net kept", self.net_kept),
        ]


def _rent_share(books: Books, cycle: Cycle, month: Month, member: str, owes: tuple[str, ...]) -> int:
    """The member's equal share of the month's rent: what a rent cover relieves them of (cents, half up)."""
    base = fees.base_weights(books, cycle)
    j = cycle.months.index(month)
    heads = sum((row[j] for row in base.values()), Fraction(0))
    rent = sum(line.monthly for line in fees.cycle_budget(books, cycle)[month] if line.category in owes)
    mine = base.get(member, [Fraction(0)] * cycle.length)[j]
    return fees.charge(rent, mine / heads) if heads else 0


def annual_statement(books: Books, member: str, year: int) -> AnnualStatement:
    """One member's year: revenue, levy, retained share, expenses, leave, rent covered, net kept."""
    from engine.ledger.closing import closes

    m = require(books, member, "MEMBER")
    p = params(books)
    owners = owners_since(books)
    spec = books.federation.cycle
    found = fees.bases(books)
    by_month: dict[Month, list[Revenue]] = defaultdict(list)
    for r in revenues(books, provider=member):
        by_month[r.month].append(r)
    rows = []
    for i in range(12):
        month = Month(year, 1 + i)
        cycle = cycle_containing(month.first, spec)
        ch = fees.charges(books, cycle).get(member)
        j = cycle.months.index(month)
        expenses = ch[j] if ch else 0
        leave = leave_on(books, member, month)
        owed = fees.owed_categories(found, member, month)
        covered = 0
        if owed is not None and not owed and leave is not None:
            covered = _rent_share(books, cycle, month, member, p.leave_owes_categories)
        if month.last < m.start or (m.end is not None and month.first > m.end):
            status = "-"
        elif leave is not None:
            status = f"{leave.kind} leave" + (", rent covered" if covered else "")
        else:
            status = "owner" if is_owner(books, member, month.last, owners) else "probation"
        rs = by_month.get(month, [])
        rows.append(StatementMonth(month, sum(r.amount for r in rs), sum(r.levy for r in rs), expenses, status, covered))
    for c in closes(books).values():
        last = Month.of(c.cycle_obj(spec).last_day)
        if last.year == year:
            i = last.month - 1
            rows[i] = replace(rows[i], refunds=c.refunds.get(member, 0), assessments=c.assessments.get(member, 0))
    fed = books.federation
    return AnnualStatement(fed.name, member, m.provider.name, year, fed.currency, rows)


STATEMENT_COLUMNS = ("revenue", "levy", "kept", "expenses", "rent_covered", "refunds", "assessments", "net")
STATEMENT_HEADINGS = ("Revenue", "Co-op levy", "Retained", "Share of expenses", "Rent covered", "Refund", "Assessed", "Net kept")


def statement_csv(s: AnnualStatement) -> str:
    """One row per month and a total row, in currency units (a spreadsheet reads them as numbers)."""
    out = ["month,status," + ",".join(STATEMENT_COLUMNS)]
    for r in s.months:
        out.append(f"{r.month},{r.status}," + ",".join(_units(getattr(r, c)) for c in STATEMENT_COLUMNS))
    out.append("total,," + ",".join(_units(s.total(c)) for c in STATEMENT_COLUMNS))
    return "\n".join(out) + "\n"


def statement_markdown(s: AnnualStatement) -> str:
    from engine.books.money import format_cents

    def f(c: int) -> str:
        return format_cents(c, s.currency)

    lines = [
        f"# Annual statement {s.year}: {s.name}",
        "",
        f"**{s.co_op}**. Member `{s.member}`. Every figure is in cents-exact {s.currency}, from the co-op's journal.",
        "",
        "| Month | Status | " + " | ".join(STATEMENT_HEADINGS) + " |",
        "|---|---|" + "--:|" * len(STATEMENT_HEADINGS),
    ]
    for r in s.months:
        lines.append(f"| {r.month} | {r.status} | " + " | ".join(f(getattr(r, c)) for c in STATEMENT_COLUMNS) + " |")
    lines += ["", "| Summary | Amount |", "|---|--:|"]
    lines += [f"| {label} | {f(v)} |" for label, v in s.rows()]
    return "\n".join(lines) + "\n"


def _units(cents: int) -> str:
    from engine.books.money import cents_to_decimal_text

    return cents_to_decimal_text(cents)


def statement_docx(s: AnnualStatement, anchor: str = "") -> bytes:
    """The statement typeset like the co-op's other documents; dated the year's last day, so the same books give the same bytes.

    ``anchor`` is the journal-anchor line it prints (engine.documents.anchor).
    """
    from engine.documents.typesetting import DocMeta, to_docx

    meta = DocMeta(
        title=f"Annual statement {s.year}: {s.name}",
        footer=f"{s.co_op} - annual statement {s.year}",
        issued=date(s.year, 12, 31),
        author=s.co_op,
        anchor=anchor,
    )
    return to_docx(statement_markdown(s), meta)


def write_statements(books: Books, year: int, folder: Path) -> list[tuple[AnnualStatement, list[Path]]]:
    """Every member's annual statement (each who was a member in ``year``) as CSV, Markdown and DOCX."""
    from engine.books.output import write_bytes, write_text
    from engine.documents.anchor import current, line, markdown

    first, last = date(year, 1, 1), date(year, 12, 31)
    anchor = line(current(books.journal))
    out = []
    for m in sorted(memberships(books, last).values(), key=lambda m: m.id):
        if m.start > last or (m.end is not None and m.end < first):
            continue
        s = annual_statement(books, m.id, year)
        stem = folder / f"statement-{m.id}-{year}"
        paths = [
            write_text(stem.with_suffix(".csv"), statement_csv(s)),
            write_text(stem.with_suffix(".md"), markdown(statement_markdown(s), anchor)),
            write_bytes(stem.with_suffix(".docx"), statement_docx(s, anchor)),
        ]
        out.append((s, paths))
    return out
