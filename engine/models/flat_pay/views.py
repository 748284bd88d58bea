"""Hours and unplanned leave with their pay, as any interface shows them.

Recording hours or leave is :mod:`engine.models.flat_pay.hours` and
:mod:`engine.models.flat_pay.leave`; what the result pays, at which rate and
from which entity is worked out here, once, for the terminal and the portal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.books.cycles import Month
from engine.books.folder import Books
from engine.books.journal import Entry
from engine.books.parameters import in_force
from engine.models.flat_pay import hours as hours_log
from engine.models.flat_pay import leave as leave_log
from engine.models.flat_pay.pay import MANAGEMENT, hourly_rate, pay_for_hours, payer_of, unplanned_leave_day_pay
from engine.models.flat_pay.statements import AnnualStatement


def payer_name(books: Books, kind: str) -> str:
    """The legal name of the entity that pays work of ``kind`` (see pay.PAID_BY)."""
    if payer_of(kind) == MANAGEMENT:
        return f"{books.federation.holder} (the management entity)"
    return f"{in_force(books).clinical_entity} (the clinical entity)"


@dataclass(frozen=True)
class HoursRecorded:
    entry: Entry
    hours: Decimal
    month: Month
    rate: int
    pay: int
    payer: str


def record_hours(books: Books, member: str, amount: str, month: str, kind: str) -> HoursRecorded:
    """Log ``amount`` hours (as typed) for ``month`` (YYYY-MM); every hour pays the rate in force that month."""
    m, h = hours_log.parse_month(month), hours_log.parse_hours(amount)
    e = hours_log.record(books, member, h, m, kind)
    rate = hourly_rate(in_force(books), m)
    return HoursRecorded(e, h, m, rate, pay_for_hours(h, rate), payer_name(books, kind))


def import_hours(books: Books, path: Path) -> tuple[list[Entry], Decimal]:
    """Every row of the CSV, or none; with the hours recorded in all."""
    entries = hours_log.import_csv(books, path)
    return entries, sum((Decimal(e.data["hours"]) for e in entries), Decimal(0))


@dataclass(frozen=True)
class HoursLog:
    month: Month | None
    rows: list[dict[str, Any]]

    @property
    def hours(self) -> Decimal:
        return sum((Decimal(r["hours"]) for r in self.rows), Decimal(0))

    @property
    def pay(self) -> int:
        return sum(r["pay"] for r in self.rows)


def hours_rows(books: Books, month: str | None, member: str | None) -> HoursLog:
    """Everyone's hours and pay (or one month's, one member's), in order: shared with all members."""
    wanted = hours_log.parse_month(month) if month else None
    params = in_force(books)
    found = [r for r in hours_log.records(books) if (wanted is None or r.month == wanted) and (member is None or r.member == member)]
    found.sort(key=lambda r: (r.month, r.member, r.seq))
    rows = []
    for r in found:
        rate = hourly_rate(params, r.month)
        rows.append(
            {
                "entry": r.seq,
                "month": str(r.month),
                "member": r.member,
                "kind": r.kind,
                "paid_by": payer_of(r.kind),
                "hours": str(r.hours),
                "rate": rate,
                "pay": pay_for_hours(r.hours, rate),
            }
        )
    return HoursLog(wanted, rows)


@dataclass(frozen=True)
class LeaveRecorded:
    entry: Entry
    day_pay: int
    pay: int
    payer: str


def record_unplanned_leave(books: Books, member: str, days: int, on: date, returns: date, kind: str) -> LeaveRecorded:
    """Record unplanned leave; each day pays the day pay in force, from the entity whose work it replaces."""
    e = leave_log.record_unplanned(books, member, days, on, returns, kind)
    day_pay = unplanned_leave_day_pay(in_force(books), Month.of(on).first)
    return LeaveRecorded(e, day_pay, days * day_pay, payer_name(books, kind))


def unplanned_leave_rows(books: Books) -> list[dict[str, Any]]:
    """Every unplanned leave recorded, with its day pay and pay (the ``unplanned_leaves`` hook)."""
    params = in_force(books)
    rows = []
    for r in leave_log.records(books):
        day_pay = unplanned_leave_day_pay(params, Month.of(r.on).first)
        rows.append(
            {
                "entry": r.seq,
                "member": r.member,
                "on": r.on.isoformat(),
                "days": r.days,
                "return": r.returns.isoformat(),
                "kind": r.kind,
                "paid_by": payer_of(r.kind),
                "day_pay": day_pay,
                "pay": r.days * day_pay,
            }
        )
    return rows


def annual_statement(
    books: Books, member: str, year: str, *, csv_file: Path | None = None, md_file: Path | None = None, docx_file: Path | None = None
) -> AnnualStatement:
    """A member's statement for a year (hours and pay by month, leave, capital account), written to the files asked for."""
    from engine.books.output import write_bytes, write_text
    from engine.documents.anchor import current, line, markdown
    from engine.models.flat_pay.management import parse_year
    from engine.models.flat_pay.statements import statement, to_csv, to_markdown

    s = statement(books, member, parse_year(books, year))
    anchor = line(current(books.journal))
    body = to_markdown(s, books.federation.holder, books.federation.currency)
    text = markdown(body, anchor)  # the Markdown ends with the anchor line; the DOCX prints it in its footer
    if csv_file:
        write_text(csv_file, to_csv(s))
    if md_file:
        write_text(md_file, text)
    if docx_file:
        from engine.documents.typesetting import DocMeta, to_docx

        meta = DocMeta(
            title=f"Annual statement {s.cycle.label}: {s.name}",
            footer=f"{books.federation.holder} · Annual statement {s.cycle.label} · {s.name}",
            issued=s.cycle.last_day,
            author=books.federation.holder,
            subject=books.federation.name,
            anchor=anchor,
        )
        write_bytes(docx_file, to_docx(body, meta))
    return s
