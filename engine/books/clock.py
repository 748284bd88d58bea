"""Today's date and the current time, in one place, and the range of dates the books accept.

``COOP_NOW`` (an ISO date-time, e.g. ``2027-03-01T09:00:00``) pins the clock,
so a scripted run or a test replays byte for byte.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime

from engine.errors import UserError

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
"""Outside these no date is read at all: month arithmetic on 9999-12-31 would overflow."""

HORIZON_YEARS = 10
"""How far past this year the books accept a dated fact (a budget line or rate may be planned ahead)."""

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", re.ASCII)


def now() -> datetime:
    pinned = os.environ.get("COOP_NOW")
    if pinned:
        try:
            moment = datetime.fromisoformat(pinned.strip())
        except ValueError:
            raise UserError(f"'{pinned}' is not a date-time", field="COOP_NOW", expected="e.g. 2027-03-01T09:00:00, or unset it") from None
        if not EARLIEST <= moment.date() <= LATEST:
            raise UserError(f"'{pinned}' is out of range", field="COOP_NOW", expected=f"a year from {EARLIEST.year} to {LATEST.year}")
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC).replace(microsecond=0)


def today() -> date:
    return now().date()


def parse_date(text: str, field: str | None = None, *, file: str | None = None, line: int | None = None) -> date:
    """A date written ``YYYY-MM-DD`` within the years the books can count; anything else is one line."""
    where = {"field": field, "file": file, "line": line}
    value = str(text).strip()
    try:
        if not _DATE.match(value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise UserError(f"'{text}' is not a date", **where, expected="YYYY-MM-DD") from None
    return in_range(day, **where)


def in_range(day: date, field: str | None = None, *, file: str | None = None, line: int | None = None) -> date:
    if not EARLIEST <= day <= LATEST:
        raise UserError(f"{day} is out of range", field=field, file=file, line=line, expected=f"a date from {EARLIEST} to {LATEST}")
    return day


def horizon() -> date:
    """The last date a fact may be recorded for: the end of the year ``HORIZON_YEARS`` from now."""
    return date(min(today().year + HORIZON_YEARS, LATEST.year), 12, 31)


FUTURE_SETTING = "policies.future_days"
"""Where federation.yaml says how many days ahead of today money may be dated."""


def not_too_far_ahead(day: date, days: int, field: str | None = None, *, file: str | None = None, line: int | None = None) -> date:
    """Refuse money dated more than ``days`` after today: a payment dated next year is nearly always a typed year.

    Planned facts (a budget line, a rate, a join) are not money received or
    paid, and keep the wide :func:`horizon`; money is recorded when it moves.
    """
    from datetime import timedelta

    last = today() + timedelta(days=days)
    if last < day <= horizon():  # beyond the books' years the journal's own refusal speaks
        raise UserError(
            f"{day} is {(day - today()).days} days after today ({today()}); money is recorded at most {days} days ahead",
            field=field,
            file=file,
            line=line,
            expected=f"a date by {last}; to allow later ones, raise {FUTURE_SETTING} in federation.yaml, then 'coop audit seal --reason'",
        )
    return day
