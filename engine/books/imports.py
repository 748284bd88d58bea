"""Bulk records from CSV files, read at the edge.

Every import (a founding roster, a half-year of payments, a month of hours)
reads its file here, so a wrong header, a missing file or bytes that are not
UTF-8 text are reported the same way: one line naming the file and what was
expected. Row ``i`` of the returned list stands on line ``i + 2`` of the file.

An import is recorded once: every entry it brings carries the file's SHA-256
(``import_sha256``, added by ``Books.transaction``), and the same file offered
again is refused, naming the earlier import, unless the user says it is
another batch (``--another-batch``).
"""

from __future__ import annotations

import csv
import hashlib
import io
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from engine.books.clock import parse_date
from engine.books.ids import member_id
from engine.books.money import parse_cents
from engine.errors import UserError

MEMBER_COLUMNS = ("id", "provider", "member")
"""Columns holding a member's or provider's id: read in their one stored form (``P1`` is ``p1``)."""

STAMP = "import_sha256"
"""The field every entry an import records carries: the SHA-256 of the file it came from."""


@dataclass(frozen=True)
class ImportFile:
    path: Path
    sha256: str
    rows: int


PENDING: ContextVar[ImportFile | None] = ContextVar("pending_import", default=None)
"""The file the current command read, to be recorded (and checked for a repeat) by its transaction."""
ANOTHER_BATCH: ContextVar[bool] = ContextVar("another_batch", default=False)
"""Set by ``--another-batch``: the same bytes are knowingly a second, distinct batch."""


def read_rows(path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """The rows of a CSV file whose header names exactly ``columns`` (in any order), each once, every row complete.

    A column in ``optional`` may be left out of the header; each row then reads it as empty.
    """
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = tuple(reader.fieldnames or ())
        doubled = sorted({c for c in header if header.count(c) > 1})
        if doubled:
            raise UserError(f"column {', '.join(doubled)} appears more than once", file=path, line=1, expected=", ".join(columns))
        if not set(columns) <= set(header) <= set(columns) | set(optional):
            wanted = ", ".join(columns) + "".join(f"[, {c}]" for c in optional)
            raise UserError(f"columns are {', '.join(header) or 'missing'}", file=path, line=1, expected=wanted)
        rows = []
        for row in reader:
            if None in row:
                raise UserError(f"{len(header) + len(row[None])} cells", file=path, line=reader.line_num, expected=f"{len(header)} cells")  # type: ignore[index]
            if None in row.values():
                raise UserError("a cell is missing", file=path, line=reader.line_num, expected=f"{len(header)} cells")
            rows.append({**dict.fromkeys(optional, ""), **{k: member_id(v) if k in MEMBER_COLUMNS else v for k, v in row.items()}})
    except FileNotFoundError:
        raise UserError("file not found", file=path) from None
    except IsADirectoryError:
        raise UserError("is a folder, not a CSV file", file=path) from None
    except PermissionError:
        raise UserError("cannot be read (permission denied)", file=path) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"not a readable CSV file: {exc}", file=path) from None
    except OSError as exc:
        raise UserError(f"cannot be read ({exc.strerror or exc})", file=path) from None
    PENDING.set(ImportFile(path, hashlib.sha256(data).hexdigest(), len(rows)))
    return rows


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
    return parse_date(text, "on", file=str(path), line=line)
