"""The session-split co-op's year-end figures: each member's shares of sessions, payouts credited, and what was paid to them."""

from __future__ import annotations

from engine.books.folder import Books
from engine.documents.yearend import Column, Row, YearEnd, year_bounds

COLUMNS = [
    Column("share", "Clinician share of sessions"),
    Column("payouts", "Surplus payouts credited"),
    Column("paid", "Paid to the member"),
]


def year_end(books: Books, year: int) -> YearEnd:
    """Shares by session date, payouts by the quarter's last day, payments by the payday: each in ``year``."""
    from engine.books.parameters import in_force
    from engine.ledger.accounts import PAYOUT, sums_by_provider
    from engine.ledger.closing import closes
    from engine.models.session_split.sessions import totals

    first, last = year_bounds(year)
    zero = {"share": 0, "payouts": 0, "paid": 0}
    rows: dict[str, dict[str, int]] = {}
    for m, t in totals(books, first, last).items():
        rows.setdefault(m, dict(zero))["share"] = t.clinician
    spec = books.federation.cycle
    for close in closes(books).values():
        if close.distribution != "refunds" and first <= close.cycle_obj(spec).last_day <= last:
            for m, r in close.refunds.items():
                rows.setdefault(m, dict(zero))["payouts"] += r
    for m, p in sums_by_provider(books, PAYOUT, first, last).items():
        rows.setdefault(m, dict(zero))["paid"] = p
    threshold = in_force(books).contractor_reporting_threshold.at(first)
    note = "Compared with what was paid to the member in the year (paydays); the contractor_reporting_threshold in force on 1 January."
    notes = [
        "A member's share of a session is owed to them when the session is recorded and paid on a payday; a quarter's "
        "surplus payout is credited at the quarter's close. What is still owed at the year's end is paid the next year.",
    ]
    out = [Row(m, d, d["paid"] >= threshold) for m, d in sorted(rows.items())]
    return YearEnd(year, "Payments to each member as a contractor", COLUMNS, out, threshold, note, notes)
