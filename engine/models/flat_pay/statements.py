"""A member's annual statement in the flat-pay model: hours, pay by entity, leave, and capital account.

A member may be paid by both entities in one month (clinical hours by the
clinical entity, administrative hours by the management entity), so every
month has a line per payer and the statement totals each entity's pay.

Every figure is derived the way the ledger derives it (hours x the month's
rate, leave days x the month's day pay, the year close's allocation), so a
member's statement agrees with the books to the cent. Written as a table,
CSV, Markdown and DOCX (the same Markdown typeset).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from engine.books.cycles import Cycle
from engine.books.folder import Books
from engine.books.money import cents_to_decimal_text, format_cents
from engine.models.flat_pay.pay import CLINICAL, MANAGEMENT, PayLine


@dataclass(frozen=True)
class AnnualStatement:
    member: str
    name: str
    cycle: Cycle
    months: list[PayLine]
    closed: bool
    opening_balance: int
    allocation: int
    payout: int
    owner_hours: Decimal | None
    """The hours that weighed this member's allocation (None: not an owner by the year's end)."""
    total_owner_hours: Decimal
    entity_names: dict[str, str]
    """Each payer's legal name: ``clinical`` (the clinical entity) and ``management`` (the co-op's entity)."""

    def paid_by(self, payer: str) -> int:
        return sum(m.total for m in self.months if m.payer == payer)

    @property
    def hours(self) -> Decimal:
        return sum((m.hours for m in self.months), Decimal(0))

    @property
    def hours_pay(self) -> int:
        return sum(m.hours_pay for m in self.months)

    @property
    def leave_days(self) -> int:
        return sum(m.leave_days for m in self.months)

    @property
    def leave_pay(self) -> int:
        return sum(m.leave_pay for m in self.months)

    @property
    def closing_balance(self) -> int:
        return self.opening_balance + self.allocation - self.payout

    def as_json(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "year": self.cycle.id,
            "months": [
                {
                    "month": str(m.month),
                    "paid_by": m.payer,
                    "hours": str(m.hours),
                    "rate": m.rate,
                    "hours_pay": m.hours_pay,
                    "leave_days": m.leave_days,
                    "leave_pay": m.leave_pay,
                    "total": m.total,
                }
                for m in self.months
            ],
            "hours": str(self.hours),
            "hours_pay": self.hours_pay,
            "leave_days": self.leave_days,
            "leave_pay": self.leave_pay,
            "paid_by": {p: {"entity": self.entity_names[p], "total": self.paid_by(p)} for p in (CLINICAL, MANAGEMENT)},
            "closed": self.closed,
            "capital": {
                "opening_balance": self.opening_balance,
                "allocation": self.allocation,
                "payout": self.payout,
                "closing_balance": self.closing_balance,
            },
        }


def statement(books: Books, member: str, cycle: Cycle) -> AnnualStatement:
    from engine.books.parameters import in_force
    from engine.books.roster import require
    from engine.models.flat_pay.hours import pay_lines
    from engine.models.flat_pay.management import balances, closes

    m = require(books, member, "MEMBER")
    lines = [line for line in pay_lines(books, cycle.months) if line.member == member]
    close = closes(books).get(cycle.id)
    opening = balances(books, cycle.first_day - _DAY).get(member, 0) if close is None else _before(books, close.seq, member)
    data = close.data if close else {}
    owner_hours = data.get("owner_hours", {})
    return AnnualStatement(
        member=member,
        name=m.provider.name,
        cycle=cycle,
        months=lines,
        closed=close is not None,
        opening_balance=opening,
        allocation=data.get("allocations", {}).get(member, 0),
        payout=data.get("payouts", {}).get(member, 0),
        owner_hours=Decimal(owner_hours[member]) if member in owner_hours else None,
        total_owner_hours=sum((Decimal(h) for h in owner_hours.values()), Decimal(0)),
        entity_names={CLINICAL: in_force(books, cycle.last_day).clinical_entity, MANAGEMENT: books.federation.holder},
    )


_DAY = date(2000, 1, 2) - date(2000, 1, 1)


def _before(books: Books, seq: int, member: str) -> int:
    """The member's balance from every close recorded before this one."""
    from engine.models.flat_pay.management import closes

    total = 0
    for e in closes(books).values():
        if e.seq < seq:
            total += e.data["allocations"].get(member, 0) - e.data["payouts"].get(member, 0)
    return total


def to_csv(s: AnnualStatement) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["month", "paid_by", "hours", "rate", "hours_pay", "leave_days", "leave_pay", "total"])
    for m in s.months:
        w.writerow(
            [
                m.month,
                m.payer,
                m.hours,
                *(cents_to_decimal_text(c) for c in (m.rate,)),
                cents_to_decimal_text(m.hours_pay),
                m.leave_days,
                cents_to_decimal_text(m.leave_pay),
                cents_to_decimal_text(m.total),
            ]
        )
    w.writerow(
        [
            "total",
            "",
            s.hours,
            "",
            cents_to_decimal_text(s.hours_pay),
            s.leave_days,
            cents_to_decimal_text(s.leave_pay),
            cents_to_decimal_text(s.hours_pay + s.leave_pay),
        ]
    )
    for payer in (CLINICAL, MANAGEMENT):
        w.writerow([f"paid by the {payer} entity", "", "", "", "", "", "", cents_to_decimal_text(s.paid_by(payer))])
    for label, value in (
        ("capital: opening balance", s.opening_balance),
        ("capital: allocation", s.allocation),
        ("capital: paid out", s.payout),
        ("capital: closing balance", s.closing_balance),
    ):
        w.writerow([label, "", "", "", "", "", "", cents_to_decimal_text(value)])
    return buf.getvalue()


def to_markdown(s: AnnualStatement, co_op: str, currency: str = "USD") -> str:
    from engine.documents.templates import md_escape

    def fmt(c: int) -> str:
        return format_cents(c, currency)

    out = [
        f"# Annual statement {s.cycle.label}",
        "",
        f"**{md_escape(s.name)}** ({md_escape(s.member)}), {md_escape(co_op)}",
        "",
        "## Hours and pay",
        "",
        f"Every hour is paid the same rate. Clinical hours, and leave from clinical work, are paid by "
        f"{md_escape(s.entity_names[CLINICAL])} (the clinical entity); administrative and other hours, and leave from that work, "
        f"by {md_escape(s.entity_names[MANAGEMENT])} (the management entity).",
        "",
        "| Month | Paid by | Hours | Rate | Pay for hours | Leave days | Leave pay | Total |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for m in s.months:
        cells = (m.month, m.payer, m.hours, fmt(m.rate), fmt(m.hours_pay), m.leave_days, fmt(m.leave_pay), fmt(m.total))
        out.append("| " + " | ".join(str(c) for c in cells) + " |")
    year = ("**Year**", "", f"**{s.hours}**", "", f"**{fmt(s.hours_pay)}**", f"**{s.leave_days}**", f"**{fmt(s.leave_pay)}**")
    out.append("| " + " | ".join(year) + f" | **{fmt(s.hours_pay + s.leave_pay)}** |")
    out += ["", "| Paid by | Amount |", "|---|--:|"]
    for payer in (CLINICAL, MANAGEMENT):
        out.append(f"| {md_escape(s.entity_names[payer])} ({payer} entity) | {fmt(s.paid_by(payer))} |")
    out += ["", "## Internal capital account", ""]
    if not s.closed:
        out.append(f"The year is not closed yet; the account stands at {fmt(s.opening_balance)}.")
    else:
        if s.owner_hours is None:
            out.append("Not a member-owner by the year's end, so no share of the surplus was allocated.")
        elif s.allocation:
            out.append(
                f"Allocated by hours, clinical or not: {s.owner_hours} of the owners' {s.total_owner_hours} hours in the year, "
                f"a share of {md_escape(s.entity_names[MANAGEMENT])}'s surplus."
            )
        else:
            out.append("The year had no surplus to allocate (a deficit is carried forward, never charged to accounts).")
        out += [
            "",
            "| | Amount |",
            "|---|--:|",
            f"| Opening balance | {fmt(s.opening_balance)} |",
            f"| Allocation for {s.cycle.label} | {fmt(s.allocation)} |",
            f"| Paid out on leaving | {fmt(-s.payout) if s.payout else fmt(0)} |",
            f"| Closing balance | {fmt(s.closing_balance)} |",
        ]
    return "\n".join(out) + "\n"
