"""What is coming up in the flat-pay co-op, so nothing scheduled depends on someone's memory.

The annual meeting of members falls in ``annual_meeting_month`` (March) each
year; the meeting's day is the members' to choose, so the reminder names the
month and dates it on its first day. A worker becomes eligible for
membership ``membership_after_months`` after starting: the reminder falls on
that day until a membership proposal is opened, then follows the proposal.
A year that has ended and is not closed is overdue. Reminders are derived
from the books each time, never stored.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine.books.cycles import cycle_containing
from engine.books.folder import Books


@dataclass(frozen=True, order=True)
class Reminder:
    on: date
    kind: str
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"on": self.on.isoformat(), "kind": self.kind, "text": self.text}


def annual_meeting(books: Books, as_of: date) -> date:
    """The first day of the next annual-meeting month (this month's, if the meeting month is now)."""
    from engine.books.parameters import in_force

    month = in_force(books, as_of).annual_meeting_month
    year = as_of.year if as_of.month <= month else as_of.year + 1
    return date(year, month, 1)


def upcoming(books: Books, as_of: date, within_days: int = 120) -> list[Reminder]:
    """Events from ``as_of`` to ``within_days`` later, plus anything overdue, in date order."""
    from engine.books.roster import active
    from engine.governance.proposals import all_proposals
    from engine.models.flat_pay.management import closes
    from engine.models.flat_pay.ownership import eligible_on, owners

    horizon = as_of + timedelta(days=within_days)
    out: list[Reminder] = []
    meeting = annual_meeting(books, as_of)
    name = calendar.month_name[meeting.month]
    if meeting <= horizon:
        when = "this month" if meeting.month == as_of.month and meeting.year == as_of.year else f"in {name} {meeting.year}"
        out.append(Reminder(meeting, "annual_meeting", f"Annual meeting of members {when}"))
    open_for: dict[str, str] = {}
    for p in all_proposals(books):
        member = getattr(p.fields, "member", None)
        if p.matter.value == "membership" and member and p.final is None:
            open_for[member] = p.label
    owned = owners(books)
    for m in sorted(active(books, as_of), key=lambda m: m.id):
        if m.id in owned:
            continue
        due = eligible_on(books, m)
        if due <= horizon:
            if m.id in open_for:
                text = f"{m.provider.name} ({m.id}): membership proposal {open_for[m.id]} is open"
            else:
                text = f"{m.provider.name} ({m.id}) is eligible for membership: open a membership proposal"
            out.append(Reminder(due, "membership", text))
    spec = books.federation.cycle
    done = closes(books)
    year = cycle_containing(books.federation.founded, spec)
    while year.last_day < as_of:
        if year.id not in done:
            out.append(Reminder(year.last_day + timedelta(days=1), "year_close", f"Close the year {year.label} ('coop capital close')"))
        year = year.next()
    return sorted(out)


def next_event(books: Books, as_of: date) -> Reminder | None:
    found = upcoming(books, as_of, within_days=366)
    return found[0] if found else None
