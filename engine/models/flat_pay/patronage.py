"""Patronage: each year's allocation to a capital account, its written notice, and the cash part still due.

A year's close allocates the management entity's surplus to the owners'
capital accounts by hours (engine.models.flat_pay.management). Each
allocation is a patronage allocation, so the member receives a written
notice of allocation stating the amount, the hours it was weighed by and the
part paid in cash: by default the least a qualified notice needs
(``patronage_cash_share``, 20%, rounded up to the cent so it is never
below), paid within the period the books set (``patronage_cash_within_months``
after the year's end, 8 1/2 months). The cash part is paid out of the
account with ``coop capital pay``; until then the books show it as due. A
member who left in the year is paid their whole account at the close, so
their cash part is paid then.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from engine.books.cycles import Cycle, Month
from engine.books.folder import Books
from engine.books.money import format_cents
from engine.errors import UserError

PAID = "patronage.cash_paid"
"""The cash part of a year's allocation paid to a member, out of their capital account."""


def cash_part(amount: int, share: Fraction) -> int:
    """The cash part of an allocation: ``share`` of it, rounded up to the cent, so never below the share."""
    return math.ceil(amount * share)


def due_by(year_end: date, months: Fraction | Decimal) -> date:
    """``months`` after ``year_end``: whole months to a month's end, then the rest as days of a 30-day month.

    8 1/2 months after 31 December is 15 September, the payment period's last day for a calendar year.
    """
    months = Fraction(months)
    whole = math.floor(months)
    m = Month.of(year_end).plus(whole)
    month_end = year_end == Month.of(year_end).last
    base = m.last if month_end else date(m.year, m.month, min(year_end.day, m.last.day))
    return base + timedelta(days=round((months - whole) * 30))


def terms(books: Books, cycle: Cycle, allocations: dict[str, int], payouts: dict[str, int]) -> dict[str, Any]:
    """What a close records of its patronage: the cash share and date in force, and each member's cash part."""
    from engine.books.parameters import in_force

    params = in_force(books)
    share = params.patronage_cash_share.at(cycle.last_day)
    months = params.patronage_cash_within_months.at(cycle.last_day)
    cash = {m: cash_part(a, share) for m, a in sorted(allocations.items()) if a > 0}
    return {
        "cash_share": f"{share.numerator}/{share.denominator}",
        "cash_due_by": due_by(cycle.last_day, months).isoformat(),
        "cash": cash,
        "cash_paid_at_close": sorted(m for m in cash if m in payouts),
    }


@dataclass(frozen=True)
class Due:
    member: str
    year: str
    allocated: int
    hours: str
    cash: int
    paid: int
    due_by: date

    @property
    def outstanding(self) -> int:
        return self.cash - self.paid

    def overdue(self, on: date) -> bool:
        return self.outstanding > 0 and on > self.due_by


def paid_entries(books: Books, as_of: date | None = None) -> list[Any]:
    return books.journal.entries([PAID], until=as_of)


def cash_paid_in(books: Books, first: date, last: date) -> dict[str, int]:
    """The cash parts paid to each member between two dates (by ``coop capital pay``)."""
    out: dict[str, int] = {}
    for e in paid_entries(books, last):
        if e.date >= first:
            out[e.data["member"]] = out.get(e.data["member"], 0) + e.data["amount"]
    return out


def dues(books: Books, as_of: date) -> list[Due]:
    """Every allocation's cash part on ``as_of``: how much, paid so far, by when (closes recorded by then)."""
    from engine.models.flat_pay.management import closes

    paid: dict[tuple[str, str], int] = {}
    for e in paid_entries(books, as_of):
        key = (e.data["member"], e.data["year"])
        paid[key] = paid.get(key, 0) + e.data["amount"]
    out = []
    for year, e in sorted(closes(books).items()):
        d = e.data
        if e.date > as_of or "cash" not in d:
            continue
        for m, cash in d["cash"].items():
            settled = cash if m in d["cash_paid_at_close"] else paid.get((m, year), 0)
            out.append(Due(m, year, d["allocations"][m], d["owner_hours"][m], cash, settled, date.fromisoformat(d["cash_due_by"])))
    return out


def outstanding(books: Books, as_of: date) -> dict[str, int]:
    """What is still due in cash to each member on ``as_of``."""
    out: dict[str, int] = {}
    for d in dues(books, as_of):
        if d.outstanding:
            out[d.member] = out.get(d.member, 0) + d.outstanding
    return out


def pay_cash(books: Books, member: str, year: str, amount: int, on: date) -> Any:
    """Record paying ``amount`` of ``member``'s cash part for ``year`` out of their capital account."""
    from engine.models.flat_pay.hours import _require_model
    from engine.models.flat_pay.management import parse_year

    _require_model(books)
    cycle = parse_year(books, year)
    if amount <= 0:
        raise UserError("the amount must be more than zero", field="AMOUNT")
    with books.transaction() as w:
        found = [d for d in dues(books, on) if d.member == member and d.year == cycle.id]
        if not found:
            raise UserError(f"{member} has no patronage allocation for {cycle.label} closed by {on}", field="MEMBER")
        left = found[0].outstanding
        if amount > left:
            money = format_cents(left, books.federation.currency)
            raise UserError(
                f"only {money} of {member}'s cash part for {cycle.label} is still due", field="AMOUNT", expected=f"at most {money}"
            )
        return w.append(PAID, on, {"member": member, "year": cycle.id, "amount": amount})


# --- the written notice of allocation ---------------------------------------------------------


def notices(books: Books, cycle: Cycle, data: dict[str, Any], on: date) -> list[Any]:
    """One written notice of allocation per member allocated a share of ``cycle``'s surplus (from the close's figures)."""
    from engine.books.roster import memberships
    from engine.documents.letters import Letter
    from engine.documents.templates import md_escape

    fed = books.federation
    money = lambda c: format_cents(c, fed.currency)  # noqa: E731
    names = {mid: m.provider.name for mid, m in memberships(books, date.max).items()}
    total_hours = sum((Decimal(data["owner_hours"][m]) for m in data["allocations"]), Decimal(0))
    share = Fraction(data["cash_share"])
    out = []
    for m, cash in data["cash"].items():
        amount = data["allocations"][m]
        hours = data["owner_hours"][m]
        retained = amount - cash
        at_close = m in data["cash_paid_at_close"]
        when = (
            "It was paid to you with your whole account at the year's close, since you left during the year; so was the rest."
            if at_close
            else f"It is paid to you by {data['cash_due_by']}. The rest stays in your account and is paid to you when you leave the co-op."
        )
        text = "\n".join(
            [
                f"# Written notice of allocation: {cycle.label}",
                "",
                f"**{md_escape(names.get(m, m))}** ({m}), member-owner of {md_escape(fed.name)}",
                "",
                f"Issued {on} by {md_escape(fed.holder)}",
                "",
                f"The management entity's surplus for {cycle.label} ({money(data['result'])}) was allocated to the member-owners' "
                f"capital accounts in proportion to all the hours each worked in the year, clinical or not. This notice "
                f"states your allocation.",
                "",
                "| | |",
                "|---|---:|",
                f"| Hours it was weighed by | {hours} of {total_hours} |",
                f"| **Allocated to you** | **{money(amount)}** |",
                f"| Paid in cash ({share.numerator}/{share.denominator} of it, rounded up to the cent) | {money(cash)} |",
                f"| Kept in your capital account | {money(retained)} |",
                "",
                f"The cash part, {money(cash)}, is paid out of your capital account. {when}",
                "",
                "This is a notice of a patronage allocation under the co-op's rules; it is not tax advice. Keep it with "
                "your records for your own filings.",
                "",
            ]
        )
        out.append(
            Letter(
                party=m,
                kind="notice-of-allocation",
                key=f"patronage:{cycle.id}",
                folder=f"patronage/{cycle.id}",
                stem=f"{m}-notice-of-allocation",
                title=f"Notice of allocation {cycle.label}: {names.get(m, m)}",
                markdown=text,
                figures={"allocated": amount, "hours": hours, "cash": cash, "retained": retained, "due_by": data["cash_due_by"]},
            )
        )
    return out
