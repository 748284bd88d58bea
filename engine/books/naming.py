"""What a person names when asking for something, resolved against the books.

A cycle, a month or the folder for documents is typed on the command line
today and picked in a web form tomorrow; both must read it the same way, so
the defaults (the current cycle, BOOKS/documents) are decided here, once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from engine.books import clock
from engine.books.cycles import Cycle, Month, cycle_containing, parse_cycle
from engine.errors import UserError

if TYPE_CHECKING:
    from engine.books.folder import Books


def cycle_named(books: Books, text: str | None, field: str = "CYCLE") -> Cycle:
    """The cycle ``text`` names (an id or a date in it); none named is the cycle running today."""
    if text is None:
        return cycle_containing(clock.today(), books.federation.cycle)
    return parse_cycle(text, books.federation.cycle, field)


def month_named(text: str | None, field: str) -> Month | None:
    """The month ``YYYY-MM`` names; none named stays None (the caller's default applies)."""
    if text is None:
        return None
    try:
        y, m = text.strip().split("-")
        month = Month(int(y), int(m))
        month.first  # noqa: B018 - validates the month
    except ValueError:
        raise UserError(f"'{text}' is not a month", field=field, expected="YYYY-MM") from None
    return month


def documents_folder(books: Books, out: Path | None) -> Path:
    """Where issued documents go: the folder asked for, else BOOKS/documents."""
    return out if out is not None else books.folder / "documents"
