"""The fee calendar: cycles of whole months, anchored at a start month.

A cycle is named by the month it starts in (``2027-01``), which is unique
whatever the cycle length, and easy to type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from engine.books.clock import EARLIEST, LATEST, in_range
from engine.books.config import CycleSpec
from engine.errors import UserError


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def plus(self, n: int) -> Month:
        index = self.year * 12 + self.month - 1 + n
        return Month(index // 12, index % 12 + 1)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        nxt = self.plus(1).first
        return date.fromordinal(nxt.toordinal() - 1)

    @property
    def days(self) -> int:
        return self.last.day

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, order=True)
class Cycle:
    start: Month
    length: int

    @property
    def id(self) -> str:
        return str(self.start)

    @property
    def months(self) -> list[Month]:
        return [self.start.plus(i) for i in range(self.length)]

    @property
    def first_day(self) -> date:
        return self.start.first

    @property
    def last_day(self) -> date:
        return self.start.plus(self.length - 1).last

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def next(self) -> Cycle:
        return Cycle(self.start.plus(self.length), self.length)

    def previous(self) -> Cycle:
        return Cycle(self.start.plus(-self.length), self.length)

    @property
    def label(self) -> str:
        end = self.start.plus(self.length - 1)
        return str(self.start) if self.length == 1 else f"{self.start} to {end}"


def cycle_containing(day: date, spec: CycleSpec) -> Cycle:
    offset = (day.month - spec.start_month) % spec.months
    return Cycle(Month.of(day).plus(-offset), spec.months)


_CYCLE_ID = re.compile(r"^(\d{4})-(\d{2})$")


def parse_cycle(text: str, spec: CycleSpec, field: str = "CYCLE") -> Cycle:
    """A cycle from its id (``2027-07``) or any date inside it (``2027-08-15``)."""
    match = _CYCLE_ID.match(text.strip())
    try:
        if match:
            start = Month(int(match[1]), int(match[2]))
            start.first  # noqa: B018 - validates the month
        else:
            start = Month.of(in_range(date.fromisoformat(text.strip()), field))
    except ValueError:
        raise UserError(f"'{text}' is not a cycle", field=field, expected="a cycle id such as 2027-01 or a date YYYY-MM-DD") from None
    if not EARLIEST.year <= start.year < LATEST.year:
        raise UserError(f"'{text}' is out of range", field=field, expected=f"a cycle from {EARLIEST.year} to {LATEST.year - 1}")
    cycle = cycle_containing(start.first, spec)
    if match and cycle.start != start:
        raise UserError(
            f"no cycle starts in {start}; cycles start in {', '.join(str(m) for m in _starts(start.year, spec))}",
            field=field,
            expected="a cycle's first month",
        )
    return cycle


def _starts(year: int, spec: CycleSpec) -> list[Month]:
    first = cycle_containing(date(year, 1, 1), spec).start
    out = [first.plus(i * spec.months) for i in range(12 // spec.months + 1)]
    return [m for m in out if m.year == year]
