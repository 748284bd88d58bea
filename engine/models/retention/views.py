"""The retention co-op's records as any interface lists them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.books.folder import Books
from engine.books.naming import documents_folder
from engine.models.retention.revenue import leaves
from engine.models.retention.statements import AnnualStatement, write_statements


def extended_leave_rows(books: Books) -> list[dict[str, Any]]:
    """Every extended leave recorded, each to its stated last day or the day it ended early (the ``extended_leaves`` hook)."""
    return [{"member": lv.provider, "kind": lv.kind, "from": lv.start.isoformat(), "until": lv.until.isoformat()} for lv in leaves(books)]


def year_statements(books: Books, year: int, out: Path | None) -> tuple[Path, list[tuple[AnnualStatement, list[Path]]]]:
    """Every member's statement for the year, as CSV, Markdown and DOCX, in OUT (default BOOKS/documents)/statements/YEAR."""
    folder = documents_folder(books, out) / "statements" / str(year)
    return folder, write_statements(books, year, folder)
