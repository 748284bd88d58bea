"""The figures each co-op model runs on, as dated parameters.

The federation model needs none beyond its budget and policies; the other
models from the seeds bring their own: a probation share, an hourly rate, a
per-session split. Each is a :class:`Schedule`, so a co-op that votes a new
rate adds a dated step and every earlier month still computes as it was
(an hour worked in 2019 still pays the 2019 rate).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.books.money import DEFAULT_CAP, Money, cents_to_decimal_text
from engine.books.schedules import Schedule
from engine.governance.rules import Ratio

PayoutBasis = Literal["days_as_owner", "per_head"]

if TYPE_CHECKING:
    from engine.books.folder import Books

PARAMETER_SET = "parameter.set"
"""A dated new value for one model parameter, adopted by member vote."""


def _dated(value: Any, kind: Any) -> Any:
    return Field(default_factory=lambda: Schedule[kind].model_validate(value))


class ModelParameters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    amount_cap: Schedule[Money] = _dated(cents_to_decimal_text(DEFAULT_CAP), Money)
    """The largest single amount (a payment, expense, fee or budget line) the books record: a typo of extra zeros is refused."""


class FederationParameters(ModelParameters):
    """The federation model runs on its budget and policies alone."""

    model: Literal["federation"] = "federation"


class RetentionParameters(ModelParameters):
    """Members keep what they earn, less an equal share of shared expenses."""

    model: Literal["retention"] = "retention"
    probation_months: Schedule[int] = _dated(6, int)
    probation_coop_share: Schedule[Ratio] = _dated("1/10", Ratio)
    leave_max_months: Schedule[int] = _dated(6, int)
    leave_owes_categories: tuple[str, ...] = ("rent",)
    rent_cover_max_months: Schedule[int] = _dated(6, int)


class FlatPayParameters(ModelParameters):
    """Every hour of labour, clinical or not, is paid the same rate."""

    model: Literal["flat_pay"] = "flat_pay"
    hourly_rate: Schedule[Money] = _dated([{"from": "2015-01-01", "value": "30.00"}, {"from": "2020-01-01", "value": "40.00"}], Money)
    workday_hours: Schedule[int] = _dated(8, int)
    unplanned_leave_share: Schedule[Ratio] = _dated("1/2", Ratio)
    management_fee: Schedule[Money] = _dated("5000.00", Money)
    membership_after_months: Schedule[int] = _dated(6, int)
    annual_meeting_month: int = Field(default=3, ge=1, le=12)
    clinical_entity: str = Field(default="the clinical practice", min_length=1)
    """The clinical entity that clients pay and that pays the management fee (its legal name)."""


class SessionSplitParameters(ModelParameters):
    """Each session's fee is split between the clinician and the co-op."""

    model: Literal["session_split"] = "session_split"
    clinician_share: Schedule[Ratio] = _dated("7/10", Ratio)
    payout_every_months: int = Field(default=3, ge=1, le=12)
    payout_basis: Schedule[PayoutBasis] = _dated("days_as_owner", PayoutBasis)
    """How a quarter's surplus is shared among member-owners (see engine.payouts)."""


AnyParameters = Annotated[
    FederationParameters | RetentionParameters | FlatPayParameters | SessionSplitParameters,
    Field(discriminator="model"),
]
MODELS = ("federation", "retention", "flat_pay", "session_split")
PARAMETER_MODELS: dict[str, type[ModelParameters]] = {
    "federation": FederationParameters,
    "retention": RetentionParameters,
    "flat_pay": FlatPayParameters,
    "session_split": SessionSplitParameters,
}


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
