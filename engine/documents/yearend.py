"""Year-end papers: the per-member totals a treasurer needs for the year's filings, as CSV, Markdown and DOCX.

Each model says what its members' year-end figures are through its
``year_end(books, year) -> YearEnd`` hook (engine.models.registry): what a
federation's providers paid in fees and received in refunds; what a co-op
paid each member as a contractor, flagged where it reaches the reporting
threshold in force (a dated parameter). This module only lays the figures
out and issues them, with the journal head they were computed from printed
on them, through the same staged, recorded issuance as every document
(engine.documents.letters). They are working papers, not a tax filing, and
say so.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from engine.books.folder import Books
from engine.books.holder import holder_on
from engine.books.money import cents_to_decimal_text, format_cents
from engine.books.roster import memberships
from engine.documents.letters import IssuedLetter, Letter, head_before_documents, issue
from engine.documents.templates import md_escape
from engine.errors import UserError
from engine.models.registry import of

NOT_A_FILING = (
    "These are working figures from the co-op's books for whoever prepares its filings. They are not a tax filing or "
    "tax advice: who must file what, for whom, and by when is for the co-op and its accountant to confirm."
)


@dataclass(frozen=True)
class Column:
    key: str
    heading: str


@dataclass(frozen=True)
class Row:
    member: str
    figures: dict[str, int]
    """Cents by column key."""
    reportable: bool | None = None
    """Whether the payments reach the reporting threshold (None: the model has no such threshold)."""


@dataclass(frozen=True)
class YearEnd:
    """One model's year-end figures, per member; every amount in cents."""

    year: int
    title: str
    columns: list[Column]
    rows: list[Row]
    threshold: int | None = None
    """The reporting threshold in force for payments made in the year (None: none applies)."""
    threshold_note: str = ""
    """What the threshold is compared with, and where it comes from."""
    notes: list[str] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        return {c.key: sum(r.figures.get(c.key, 0) for r in self.rows) for c in self.columns}


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


FEE_COLUMNS = [
    Column("charged", "Fees charged"),
    Column("paid", "Fees paid"),
    Column("refunded", "Refunds credited"),
    Column("paid_out", "Paid out to the provider"),
]


def fee_rows(books: Books, year: int) -> list[Row]:
    """Per provider who was a member in ``year``: fees charged and paid, refunds credited (at cycle closes), and payouts made."""
    from engine.ledger.accounts import PAYMENT, PAYOUT, charges_through, sums_by_provider
    from engine.ledger.closing import closes

    first, last = year_bounds(year)
    now, before = charges_through(books, last), charges_through(books, first - timedelta(days=1))
    paid = sums_by_provider(books, PAYMENT, first, last)
    paid_out = sums_by_provider(books, PAYOUT, first, last)
    refunded: dict[str, int] = {}
    spec = books.federation.cycle
    for close in closes(books).values():
        if close.distribution == "refunds" and first <= close.cycle_obj(spec).last_day <= last:
            for pid, r in close.refunds.items():
                refunded[pid] = refunded.get(pid, 0) + r
    members = [m for m in memberships(books, date.max).values() if m.start <= last and (m.end is None or m.end >= first)]
    return [
        Row(
            m.id,
            {
                "charged": now.get(m.id, 0) - before.get(m.id, 0),
                "paid": paid.get(m.id, 0),
                "refunded": refunded.get(m.id, 0),
                "paid_out": paid_out.get(m.id, 0),
            },
        )
        for m in sorted(members, key=lambda m: m.id)
    ]


def figures(books: Books, year: int) -> YearEnd:
    """The model's year-end figures for calendar ``year``, refused for a year before the founding or not yet over."""
    founded = books.federation.founded
    if year < founded.year:
        raise UserError(f"the co-op was founded on {founded}", field="YEAR", expected=f"{founded.year} or later")
    found = of(books).call("year_end", books, year)
    if found is None:
        raise UserError(f"the {books.federation.model} model has no year-end papers", field="YEAR")
    return found  # type: ignore[no-any-return]


def _money(cents: int) -> str:
    return cents_to_decimal_text(cents)


def to_csv(y: YearEnd, names: dict[str, str], head: tuple[int, str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    flag = ["reaches_threshold"] if y.threshold is not None else []
    w.writerow(["member", "name", *(c.key for c in y.columns), *flag])
    for r in y.rows:
        mark = ["yes" if r.reportable else "no"] if y.threshold is not None else []
        w.writerow([r.member, names.get(r.member, r.member), *(_money(r.figures.get(c.key, 0)) for c in y.columns), *mark])
    totals = y.totals()
    w.writerow(["total", "", *(_money(totals[c.key]) for c in y.columns), *([""] if flag else [])])
    w.writerow([f"journal head {head[0]}:{head[1]}"])
    return buf.getvalue()


def to_markdown(books: Books, y: YearEnd, names: dict[str, str], head: tuple[int, str]) -> str:
    fed = books.federation
    money = lambda c: format_cents(c, fed.currency)  # noqa: E731
    holder = holder_on(books, date(y.year, 12, 31))
    out = [
        f"# Year-end figures {y.year}: {md_escape(fed.name)}",
        "",
        f"{md_escape(y.title)}, from the books held by {md_escape(holder.legal_name)}, for 1 January to 31 December {y.year}.",
        "",
        f"**Not a tax filing.** {NOT_A_FILING}",
        "",
    ]
    flag = y.threshold is not None
    out.append("| Member | " + " | ".join(md_escape(c.heading) for c in y.columns) + (" | Reaches threshold |" if flag else " |"))
    out.append("|---|" + "---:|" * len(y.columns) + ("---|" if flag else ""))
    for r in y.rows:
        cells = " | ".join(money(r.figures.get(c.key, 0)) for c in y.columns)
        mark = (" | **yes**" if r.reportable else " | no") if flag else ""
        out.append(f"| {md_escape(names.get(r.member, r.member))} ({r.member}) | {cells}{mark} |")
    totals = y.totals()
    out.append("| **Total** | " + " | ".join(f"**{money(totals[c.key])}**" for c in y.columns) + (" | |" if flag else " |"))
    out.append("")
    if flag:
        assert y.threshold is not None
        reach = [r.member for r in y.rows if r.reportable]
        out += [f"Reporting threshold for {y.year}: {money(y.threshold)}. {md_escape(y.threshold_note)}", ""]
        out += [f"Members whose payments reach it: {', '.join(reach) if reach else 'none'}.", ""]
    for note in y.notes:
        out += [md_escape(note), ""]
    out += [
        f"Journal head when these figures were computed: `{head[0]}:{head[1]}`. Any member can check the figures against the "
        f"record with `coop audit verify --anchor {head[0]}:{head[1]}`.",
        "",
    ]
    return "\n".join(out)


def papers(books: Books, year: int) -> tuple[YearEnd, Letter]:
    """The year's figures and the document carrying them (Markdown + DOCX, with the CSV beside them)."""
    y = figures(books, year)
    names = {mid: m.provider.name for mid, m in memberships(books, date.max).items()}
    head = head_before_documents(books)
    letter = Letter(
        party="",
        kind="year-end",
        key=f"year-end:{year}",
        folder=f"year-end/{year}",
        stem=f"year-end-{year}",
        title=f"Year-end figures {year}",
        markdown=to_markdown(books, y, names, head),
        figures={
            "year": year,
            "head": f"{head[0]}:{head[1]}",
            "totals": y.totals(),
            "reportable": [r.member for r in y.rows if r.reportable],
        },
        beside={"csv": to_csv(y, names, head)},
    )
    return y, letter


def issue_year_end(books: Books, year: int, on: date) -> tuple[YearEnd, IssuedLetter]:
    """Write and record the year's papers under documents/year-end/YEAR; the year must be over."""
    if on <= date(year, 12, 31):
        raise UserError(f"the year {year} ends on {year}-12-31", field="--on", expected=f"a date after {year}-12-31")
    y, letter = papers(books, year)
    (done,) = issue(books, [letter], on, holder_on(books, on).legal_name)
    return y, done
