"""The hours log of the flat-pay model: what each member worked, month by month.

Members log their hours monthly and the log is open to every member, for
transparency and to catch clerical errors. Pay is never stored: it is
derived from the log and the hourly rate in force for the month worked
(:mod:`engine.pay`), so a raise adopted by vote from a date pays every hour
from that date at the new rate and every earlier hour at the old one. A
mistaken record is voided (``coop journal void``) and recorded again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from engine.books import clock
from engine.books.cycles import Month
from engine.books.folder import Books
from engine.books.imports import read_rows
from engine.books.journal import Entry
from engine.books.roster import Membership, memberships
from engine.errors import UserError
from engine.models.flat_pay.pay import PayLine, month_pay

RECORDED = "hours.recorded"
KINDS = ("clinical", "admin", "other")
Kind = Literal["clinical", "admin", "other"]
CSV_COLUMNS = ("member", "month", "hours", "kind")

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class HoursRecord:
    seq: int
    member: str
    month: Month
    hours: Decimal
    kind: str
    recorded_on: date


def parse_month(text: str, field: str = "--month") -> Month:
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise UserError(f"'{text}' is not a month", field=field, expected="YYYY-MM")
    return Month(int(match[1]), int(match[2]))


def parse_hours(text: str | Decimal, field: str = "HOURS") -> Decimal:
    """Hours as written: more than zero, at most two decimals (quarter hours are 0.25)."""
    try:
        hours = Decimal(str(text).strip())
    except InvalidOperation:
        raise UserError(f"'{text}' is not a number of hours", field=field, expected="hours such as 120 or 7.5") from None
    if not hours.is_finite() or hours <= 0 or hours != hours.quantize(Decimal("0.01")):
        raise UserError(f"'{text}' is not a number of hours", field=field, expected="more than zero, at most two decimals")
    return hours.quantize(Decimal("0.01"))


def records(books: Books, until: date | None = None) -> list[HoursRecord]:
    return [
        HoursRecord(e.seq, e.data["member"], parse_month(e.data["month"]), Decimal(e.data["hours"]), e.data["kind"], e.date)
        for e in books.journal.entries([RECORDED], until=until)
    ]


def _check(books: Books, people: dict[str, Membership], member: str, month: Month, hours: Decimal, logged: Decimal) -> None:
    from engine.models.flat_pay.management import require_year_open

    m = people.get(member)
    if m is None:
        known = ", ".join(sorted(people)[:8])
        raise UserError(f"unknown member '{member}'", field="MEMBER", expected=f"one of {known}" if known else "a member id")
    if m.start > month.last or (m.end is not None and m.end < month.first):
        raise UserError(f"{member} was not a member in {month}", field="--month", expected=f"a month from {Month.of(m.start)}")
    if month.first > clock.today():
        raise UserError(f"{month} has not started yet", field="--month", expected="a month that has begun")
    if logged + hours > 24 * month.days:
        raise UserError(
            f"{logged + hours} hours in {month} is more than the month holds", field="HOURS", expected="the hours actually worked"
        )
    require_year_open(books, month.first, "record hours", field="--month")


def record(books: Books, member: str, hours: Decimal, month: Month, kind: str = "clinical") -> Entry:
    """One member's hours for a month (several records for a month add up: clinical and admin, say)."""
    if kind not in KINDS:
        raise UserError(f"'{kind}' is not a kind of hours", field="--kind", expected=", ".join(KINDS))
    _require_model(books)
    logged = sum((r.hours for r in records(books) if r.member == member and r.month == month), Decimal(0))
    _check(books, memberships(books, date.max), member, month, hours, logged)
    with books.transaction() as w:
        return w.append(RECORDED, clock.today(), {"member": member, "month": str(month), "hours": str(hours), "kind": kind})


def import_csv(books: Books, path: Path) -> list[Entry]:
    """Hours from a CSV (member, month, hours, kind) in one transaction: every row, or none."""
    _require_model(books)
    rows = read_rows(path, CSV_COLUMNS)
    people = memberships(books, date.max)
    logged: dict[tuple[str, Month], Decimal] = defaultdict(Decimal)
    for r in records(books):
        logged[r.member, r.month] += r.hours
    parsed: list[dict[str, Any]] = []
    for line, row in enumerate(rows, start=2):
        try:
            member = (row["member"] or "").strip()
            month = parse_month(row["month"] or "", "month")
            hours = parse_hours(row["hours"] or "", "hours")
            kind = (row["kind"] or "").strip() or "clinical"
            if kind not in KINDS:
                raise UserError(f"'{kind}' is not a kind of hours", field="kind", expected=", ".join(KINDS))
            _check(books, people, member, month, hours, logged[member, month])
        except UserError as exc:
            raise UserError(exc.message, file=path, line=line, field=exc.field, expected=exc.expected) from None
        logged[member, month] += hours
        parsed.append({"member": member, "month": str(month), "hours": str(hours), "kind": kind})
    if not parsed:
        raise UserError("no rows to import", file=path, line=2, expected="one row per member and month")
    with books.transaction() as w:
        return [w.append(RECORDED, clock.today(), data) for data in parsed]


def _require_model(books: Books) -> None:
    if books.federation.model != "flat_pay":
        raise UserError(f"hours are logged in the flat_pay model; this co-op runs the {books.federation.model} model", field="model")


# --- pay, derived ------------------------------------------------------------------------


def hours_by_month(books: Books, months: list[Month], until: date | None = None) -> dict[tuple[str, Month], Decimal]:
    """Every hour each member worked in each month, whoever paid it (the patronage measure)."""
    out: dict[tuple[str, Month], Decimal] = defaultdict(Decimal)
    for (member, month, _), h in hours_by_payer(books, months, until).items():
        out[member, month] += h
    return dict(out)


def hours_by_payer(books: Books, months: list[Month], until: date | None = None) -> dict[tuple[str, Month, str], Decimal]:
    """Hours by member, month and the entity that pays them (:data:`engine.pay.PAID_BY`)."""
    from engine.models.flat_pay.pay import payer_of

    wanted = set(months)
    out: dict[tuple[str, Month, str], Decimal] = defaultdict(Decimal)
    for r in records(books, until):
        if r.month in wanted:
            out[r.member, r.month, payer_of(r.kind)] += r.hours
    return dict(out)


def pay_lines(books: Books, months: list[Month], until: date | None = None) -> list[PayLine]:
    """Each member's pay for each month from each entity: hours and leave days at the month's rate.

    Leave is paid in the month it starts, at that month's day pay, so hours
    and leave in one month never straddle two rates. A member who did both
    clinical and administrative work in a month has two lines, one per
    payer, each rounded to the cent on its own (each entity pays its own).
    """
    from engine.books.parameters import in_force
    from engine.models.flat_pay.leave import days_by_month

    params = in_force(books)
    hours = hours_by_payer(books, months, until)
    leave = days_by_month(books, months, until)
    keys = sorted(set(hours) | set(leave), key=lambda k: (k[1], k[0], k[2]))
    return [month_pay(params, k[0], k[1], hours.get(k, Decimal(0)), leave.get(k, 0), k[2]) for k in keys]
