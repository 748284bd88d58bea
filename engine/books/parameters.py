"""The figures each co-op model runs on, as dated parameters.

The federation model needs none beyond its budget and policies; the other
models from the seeds bring their own: a probation share, an hourly rate, a
per-session split. Each is a :class:`Schedule`, so a co-op that votes a new
rate adds a dated step and every earlier month still computes as it was
(an hour worked in 2019 still pays the 2019 rate).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.books.money import DEFAULT_CAP, Money, cents_to_decimal_text
from engine.books.schedules import Schedule

if TYPE_CHECKING:
    from engine.books.folder import Books

PARAMETER_SET = "parameter.set"
"""A dated new value for one model parameter, adopted by member vote."""


def dated(value: Any, kind: Any) -> Any:
    """A field holding a dated parameter, starting from ``value``."""
    return Field(default_factory=lambda: Schedule[kind].model_validate(value))


class ModelParameters(BaseModel):
    """The base of each model's parameters (each model package defines its own, named by ``model``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount_cap: Schedule[Money] = dated(cents_to_decimal_text(DEFAULT_CAP), Money)
    """The largest single amount (a payment, expense, fee or budget line) the books record: a typo of extra zeros is refused."""


def parameter_classes() -> tuple[type[ModelParameters], ...]:
    """Every model's parameter class, in the registry's order (for the ``parameters:`` block of federation.yaml)."""
    from engine.models.registry import get, names

    return tuple(get(n).parameters() for n in names())


def parameters_of(model: str) -> type[ModelParameters]:
    from engine.models.registry import get

    return get(model).parameters()


def dated_names(params: ModelParameters) -> list[str]:
    """The parameters members may change by vote: the dated ones."""
    return [name for name in type(params).model_fields if isinstance(getattr(params, name), Schedule)]


def parse_value(params: ModelParameters, name: str, value: Any) -> Any:
    """``value`` as written (``"45.50"``, ``"3/4"``, ``8``) read as parameter ``name`` reads it."""
    if name not in dated_names(params):
        known = ", ".join(dated_names(params)) or "none"
        raise ValueError(f"'{name}' is not a dated parameter of this model (its parameters: {known})")
    schedule = getattr(params, name)
    try:
        return type(schedule).model_validate(value).current
    except ValidationError as exc:
        raise ValueError(f"{name}: {exc.errors(include_url=False)[0]['msg'].removeprefix('Value error, ')}") from None


def in_force(books: Books, as_of: date | None = None) -> Any:
    """The model's parameters: the founding schedules with every change adopted by vote.

    Each change is a new dated step, so months before it still compute with
    the value they had (an hour worked before a raise is paid the old rate).
    """
    params = books.federation.parameters
    for e in books.journal.entries([PARAMETER_SET], until=as_of):
        d = e.data
        value = parse_value(params, d["name"], d["value"])
        schedule = getattr(params, d["name"]).with_change(date.fromisoformat(d["from"]), value)
        params = params.model_copy(update={d["name"]: schedule})
    return params
