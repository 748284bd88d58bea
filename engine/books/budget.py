"""The agreed shared expenses, as dated data.

A budget line's history is the founding version plus every
``budget.line_set`` entry for it; the version in force on a date is the
latest one whose ``from`` is on or before it. No rule asks "which year is
it": it asks the budget as of a date.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from pydantic import ValidationError

from engine.books.config import BudgetLine
from engine.books.cycles import Month
from engine.books.folder import Books
from engine.books.journal import Entry, Writer
from engine.books.money import cents_to_decimal_text
from engine.errors import UserError

LINE_SET = "budget.line_set"


def line_versions(books: Books, as_of: date | None = None) -> dict[str, list[BudgetLine]]:
    """Each line's versions in effective order (ties: later journal entry wins)."""
    versions: dict[str, list[tuple[date, int, BudgetLine]]] = defaultdict(list)
    for line in books.federation.budget:
        versions[line.id].append((line.effective, 0, line))
    for e in books.journal.entries([LINE_SET], until=as_of):
        line = BudgetLine.model_validate(e.data["line"])
        versions[line.id].append((line.effective, e.seq, line))
    return {k: [v for _, _, v in sorted(vs, key=lambda t: (t[0], t[1]))] for k, vs in versions.items()}


def in_effect(versions: list[BudgetLine], day: date) -> BudgetLine | None:
    current = None
    for v in versions:
        if v.effective <= day:
            current = v
    if current is None or (current.until is not None and day > current.until):
        return None
    return current


def lines_on(books: Books, day: date, *, known_by: date | None = None) -> list[BudgetLine]:
    """The lines in force on ``day``, as the books stood on ``known_by`` (default: ``day``)."""
    out = []
    for versions in line_versions(books, known_by or day).values():
        line = in_effect(versions, day)
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
