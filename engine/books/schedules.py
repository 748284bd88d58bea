"""Parameters with effective dates.

A fee policy, an hourly rate or a vote rule is data that changes over time,
by member vote, from a given date. Like OpenFisca's parameters, each one is a
:class:`Schedule`: the values it has taken and the dates they took effect.
Rules ask "what was the value on this date", never branch on the year.

In ``federation.yaml`` a parameter is written either as a plain value
(in force from the founding date) or as a list of ``{from: DATE, value: V}``.
"""

from __future__ import annotations

import bisect
from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

T = TypeVar("T")


class Dated(BaseModel, Generic[T]):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    effective: date | None = Field(default=None, alias="from")
    value: T


class Schedule(BaseModel, Generic[T]):
    """A value's history, earliest first; ``None`` as a start means "always"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: list[Dated[T]]

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: Any) -> Any:
        if isinstance(data, dict) and set(data) == {"steps"}:
            return data
        if isinstance(data, list) and data and all(isinstance(d, dict) and "value" in d for d in data):
            return {"steps": data}
        if isinstance(data, Schedule):
            return data
        return {"steps": [{"value": data}]}

    @model_validator(mode="after")
    def _ordered(self) -> Schedule[T]:
        starts = [s.effective for s in self.steps]
        if any(s is None for s in starts[1:]):
            raise ValueError("only the first value may leave out its 'from' date")
        dated = [s for s in starts if s is not None]
        if dated != sorted(dated) or len(set(dated)) != len(dated):
            raise ValueError("'from' dates must be strictly increasing")
        return self

    def at(self, on: date) -> T:
        """The value in force on ``on``; before the first date, the first value."""
        keys = [s.effective or date.min for s in self.steps]
        i = bisect.bisect_right(keys, on) - 1
        return self.steps[max(i, 0)].value

    def with_change(self, on: date, value: T) -> Schedule[T]:
        """This schedule with ``value`` (already parsed) taking effect on ``on``; later steps are dropped.

        Built without re-validation: a parsed value (cents, a Fraction) must not
        be read again as if it were written in a file.
        """
        kept = [s for s in self.steps if (s.effective or date.min) < on]
        step = Dated[Any].model_construct(effective=on, value=value)
        return type(self).model_construct(steps=[*kept, step])

    @property
    def current(self) -> T:
        return self.steps[-1].value
