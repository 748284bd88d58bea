"""The CSVs a demo hands its co-op, written as a bookkeeper would export them.

Every model's year imports shared expenses paid on the 20th of each month,
so the rows are written here once; a model says only how much a line cost
in a month where that differs from its budget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from engine.books.money import cents_to_decimal_text
from engine.demo.founding import BudgetLine

EXPENSE_HEADER = "line,amount,on,vendor,receipt"


def units(cents: int) -> str:
    """An amount as a CSV cell: dollars and cents, never a float."""
    return cents_to_decimal_text(cents)


def csv_text(header: str, rows: Iterable[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


def expense_line(line: str, cents: int, on: date | str, receipt: str, vendor: str = "") -> str:
    return f"{line},{units(cents)},{on},{vendor},{receipt}"


def _as_budgeted(line: str, monthly: int, day: date) -> int | None:
    return monthly


def monthly_expenses(
    budget: Iterable[BudgetLine],
    year: int,
    months: Iterable[int],
    paid: Callable[[str, int, date], int | None] = _as_budgeted,
    tag: int = 3,
) -> list[str]:
    """Each budget line paid on the 20th of each month, at what ``paid`` says it cost (None: not paid monthly).

    The receipt is the line's first ``tag`` letters and the month, so a
    reader can match each row to its invoice.
    """
    lines = list(budget)
    rows = []
    for month in months:
        day = date(year, month, 20)
        for line in lines:
            amount = paid(line.id, line.monthly, day)
            if amount is not None:
                rows.append(expense_line(line.id, amount, day, f"{line.id[:tag].upper()}-{day:%Y%m}"))
    return rows
