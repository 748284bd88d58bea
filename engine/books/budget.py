"""The agreed shared expenses, as dated data.

A budget line's history is the founding version plus every
``budget.line_set`` entry for it; the version in force on a date is the
latest one whose ``from`` is on or before it. No rule asks "which year is
it": it asks the budget as of a date.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from engine.books.config import BudgetLine
from engine.books.cycles import Month
from engine.books.folder import Books
from engine.books.journal import LIVE, Entry, Writer, between
from engine.books.money import cents_to_decimal_text
from engine.errors import UserError

LINE_SET = "budget.line_set"


@dataclass(slots=True)
class Version:
    """One version of a budget line: its date and entry at once, the validated line only when read.

    A budget has a few dozen lines and may have thousands of versions; a
    date's budget reads one version of each line, and validating every
    version was most of reading it.
    """

    effective: date
    seq: int
    recorded: dict[str, Any] | None
    """The line as its entry recorded it (None: the founding file's, already validated)."""
    validated: BudgetLine | None = None

    @property
    def line(self) -> BudgetLine:
        if self.validated is None:
            self.validated = BudgetLine.model_validate(self.recorded)
        return self.validated


def versions(books: Books, as_of: date | None = None) -> dict[str, list[Version]]:
    """Each line's versions in effective order (ties: later journal entry wins), validated as they are read."""
    found: dict[str, list[Version]] = defaultdict(list)
    for line in books.federation.budget:
        found[line.id].append(Version(line.effective, 0, None, line))
    bounds, args = between(None, as_of)
    rows = books.journal.conn.execute(f"SELECT seq, data FROM entries WHERE kind = ? AND {LIVE}{bounds} ORDER BY seq", [LINE_SET, *args])
    for seq, text in rows:
        recorded = json.loads(text)["line"]
        found[recorded["id"]].append(Version(date.fromisoformat(recorded["from"]), seq, recorded))
    return {k: sorted(vs, key=lambda v: (v.effective, v.seq)) for k, vs in found.items()}


def line_versions(books: Books, as_of: date | None = None) -> dict[str, list[BudgetLine]]:
    """Each line's versions in effective order (ties: later journal entry wins)."""
    return {k: [v.line for v in vs] for k, vs in versions(books, as_of).items()}


def in_effect(versions: list[BudgetLine], day: date) -> BudgetLine | None:
    current = None
    for v in versions:
        if v.effective <= day:
            current = v
    if current is None or (current.until is not None and day > current.until):
        return None
    return current


def version_on(found: list[Version], day: date) -> BudgetLine | None:
    """:func:`in_effect` over :func:`versions`: only the version in effect is validated."""
    current = None
    for v in found:
        if v.effective <= day:
            current = v
    return None if current is None else in_effect([current.line], day)


def lines_on(books: Books, day: date, *, known_by: date | None = None) -> list[BudgetLine]:
    """The lines in force on ``day``, as the books stood on ``known_by`` (default: ``day``)."""
    out = []
    for found in versions(books, known_by or day).values():
        line = version_on(found, day)
        if line is not None:
            out.append(line)
    return sorted(out, key=lambda line: (line.category, line.id))


def monthly_total(books: Books, month: Month, *, known_by: date | None = None) -> int:
    """The budget for a month: every line in force on its first day, in cents."""
    return sum(line.monthly for line in lines_on(books, month.first, known_by=known_by))


def next_version(books: Books, line_id: str, effective: date, changes: dict[str, Any]) -> BudgetLine:
    """A line's next version from ``effective`` (or a new line), validated; ``changes['monthly']`` in cents.

    The one place a budget change is built, whether the treasurer records it
    or a vote decides it.
    """
    versions = line_versions(books).get(line_id)
    if isinstance(changes.get("monthly"), int):  # cents in; validation reads currency units, as written in files
        changes = {**changes, "monthly": cents_to_decimal_text(changes["monthly"])}
    if versions:
        base = versions[-1].model_dump(mode="json", by_alias=True)
        base.pop("until", None)
    else:
        missing = [k for k in ("monthly", "name", "category", "vendor") if k not in changes]
        if missing:
            raise UserError(
                f"'{line_id}' is a new budget line, so it needs --{' --'.join(m.replace('_', '-') for m in missing)}",
                field="LINE",
            )
        base = {"id": line_id}
    try:
        return BudgetLine.model_validate({**base, **changes, "from": effective})
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = "--" + "-".join(str(p) for p in err["loc"]) if err["loc"] else None
        raise UserError(err["msg"].removeprefix("Value error, "), field=field) from None


def set_line(books: Books, line_id: str, effective: date, changes: dict[str, Any], note: str) -> tuple[Entry, BudgetLine]:
    """Add a line, or a new version of one from ``effective``; earlier versions stay."""
    line = next_version(books, line_id, effective, changes)
    with books.transaction() as w:
        entry = apply_line(w, books, line, note)
    return entry, line


def apply_line(writer: Writer, books: Books, line: BudgetLine, note: str) -> Entry:
    """Append a validated budget line version inside an open transaction.

    Every path that changes the budget (the treasurer's record, a vote on
    admin staffing, admin pay or the budget) comes through here, so an
    admin staffing or pay change re-evaluates the fee in the same transaction.
    """
    from engine.ledger.fees import after_line

    entry = writer.append(LINE_SET, line.effective, {"line": line.model_dump(mode="json", by_alias=True), "note": note})
    after_line(writer, books, line)
    return entry
