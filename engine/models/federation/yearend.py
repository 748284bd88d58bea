"""A federation's year-end figures: the fees each provider was charged and paid, and the refunds they received."""

from __future__ import annotations

from engine.books.folder import Books
from engine.documents.yearend import FEE_COLUMNS, YearEnd, fee_rows


def year_end(books: Books, year: int) -> YearEnd:
    notes = [
        "Fees are each provider's equal share of the shared expenses, bought at cost; a refund returns what was "
        "over-collected in a cycle, credited at that cycle's close (it settles arrears first).",
    ]
    return YearEnd(year, "Fees each provider paid and refunds they received", FEE_COLUMNS, fee_rows(books, year), notes=notes)
