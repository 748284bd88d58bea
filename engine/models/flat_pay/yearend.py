"""The flat-pay co-op's year-end figures: what each entity paid each member for their hours and leave, as a contractor.

Each entity is its own payer (the clinical entity pays clinical hours, the
management entity the rest: engine.models.flat_pay.pay.PAID_BY), so each
member's pay from each is compared with the reporting threshold on its own.
A capital account paid out is patronage, reported apart from pay, so it is
shown but never counted toward the threshold.
"""

from __future__ import annotations

from engine.books.folder import Books
from engine.documents.yearend import Column, Row, YearEnd, year_bounds

COLUMNS = [
    Column("clinical", "Paid by the clinical entity"),
    Column("management", "Paid by the management entity"),
    Column("total", "Total pay"),
    Column("capital_paid", "Capital account paid out"),
]


def year_end(books: Books, year: int) -> YearEnd:
    from engine.books.cycles import Month
    from engine.books.parameters import in_force
    from engine.models.flat_pay.hours import pay_lines
    from engine.models.flat_pay.management import closes
    from engine.models.flat_pay.pay import CLINICAL

    first, last = year_bounds(year)
    months = [Month(year, n) for n in range(1, 13)]
    paid: dict[str, dict[str, int]] = {}
    for line in pay_lines(books, months):
        d = paid.setdefault(line.member, {"clinical": 0, "management": 0, "total": 0, "capital_paid": 0})
        d["clinical" if line.payer == CLINICAL else "management"] += line.total
        d["total"] += line.total
    for e in closes(books).values():
        if first <= e.date <= last:
            for m, p in e.data["payouts"].items():
                paid.setdefault(m, {"clinical": 0, "management": 0, "total": 0, "capital_paid": 0})["capital_paid"] += p
    from engine.models.flat_pay.patronage import cash_paid_in

    for m, p in cash_paid_in(books, first, last).items():
        paid.setdefault(m, {"clinical": 0, "management": 0, "total": 0, "capital_paid": 0})["capital_paid"] += p
    params = in_force(books)
    threshold = params.contractor_reporting_threshold.at(first)
    rows = [Row(m, d, max(d["clinical"], d["management"]) >= threshold) for m, d in sorted(paid.items())]
    entity = params.clinical_entity
    note = (
        f"Compared with each entity's payments on their own ({entity} and {books.federation.holder} are separate payers); "
        "the contractor_reporting_threshold parameter in force on 1 January."
    )
    notes = [
        "Pay is hours x the one hourly rate in force in the month worked, and unplanned leave days x the day pay, "
        "paid on the month's last day (leave on its first day). Capital accounts paid out (a leaver's account, the cash "
        "part of a patronage allocation) are patronage, not pay.",
    ]
    return YearEnd(year, "Payments to each member as a contractor", COLUMNS, rows, threshold, note, notes)
