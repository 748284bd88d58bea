"""Bulk records from CSV files, read at the edge.

Every import (a founding roster, a half-year of payments, a month of hours)
reads its file here, so a wrong header, a missing file or bytes that are not
UTF-8 text are reported the same way: one line naming the file and what was
expected. Row ``i`` of the returned list stands on line ``i + 2`` of the file.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from engine.books.money import parse_cents
from engine.errors import UserError


def read_rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a CSV file whose header names exactly ``columns`` (in any order)."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = tuple(reader.fieldnames or ())
            if set(header) != set(columns):
                raise UserError(f"columns are {', '.join(header) or 'missing'}", file=path, line=1, expected=", ".join(columns))
            return list(reader)
    except FileNotFoundError:
        raise UserError("file not found", file=path) from None
    except IsADirectoryError:
        raise UserError("is a folder, not a CSV file", file=path) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"not a readable CSV file: {exc}", file=path) from None


def cell_amount(text: str, path: Path, line: int) -> int:
    """A positive amount of money in a cell, in cents."""
    try:
        cents = parse_cents(text)
    except ValueError as exc:
        raise UserError(f"'{text}' is not an amount", file=path, line=line, field="amount", expected=str(exc)) from None
    if cents <= 0:
        raise UserError("the amount must be more than zero", file=path, line=line, field="amount")
    return cents


def cell_date(text: str, path: Path, line: int) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"'{text}' is not a date", file=path, line=line, field="on", expected="YYYY-MM-DD") from None
