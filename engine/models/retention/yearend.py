"""A retention co-op's year-end figures: each member's revenue collected, the probation levy, what they kept, and their fees."""

from __future__ import annotations

from engine.books.folder import Books
from engine.documents.yearend import FEE_COLUMNS, Column, Row, YearEnd, fee_rows

REVENUE_COLUMNS = [Column("revenue", "Revenue collected"), Column("levy", "Probation levy"), Column("kept", "Kept by the member")]


def year_end(books: Books, year: int) -> YearEnd:
    """Revenue by the month it was earned in ``year``; fees, payments and refunds as a federation's."""
    from engine.models.retention.revenue import revenues

    got: dict[str, dict[str, int]] = {}
    for r in revenues(books):
        if r.month.first.year == year:
            d = got.setdefault(r.provider, {"revenue": 0, "levy": 0, "kept": 0})
            d["revenue"] += r.amount
            d["levy"] += r.levy
            d["kept"] += r.kept
    rows = [Row(r.member, {**got.get(r.member, {"revenue": 0, "levy": 0, "kept": 0}), **r.figures}) for r in fee_rows(books, year)]
    notes = [
        "Revenue is the members' own client revenue, collected by the co-op's billing and credited to them less the "
        "probation levy; the levy is the co-op's own income.",
    ]
    return YearEnd(year, "Revenue collected for each member, the levy, and fees", REVENUE_COLUMNS + FEE_COLUMNS, rows, notes=notes)
