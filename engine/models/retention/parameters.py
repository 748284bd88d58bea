"""The retention co-op's dated parameters: probation, its levy, leave and rent cover."""

from __future__ import annotations

from typing import Literal

from engine.books.parameters import ModelParameters, dated
from engine.books.rules import Ratio
from engine.books.schedules import Schedule


class RetentionParameters(ModelParameters):
    """Members keep what they earn, less an equal share of shared expenses."""

    model: Literal["retention"] = "retention"
    probation_months: Schedule[int] = dated(6, int)
    probation_coop_share: Schedule[Ratio] = dated("1/10", Ratio)
    leave_max_months: Schedule[int] = dated(6, int)
    leave_owes_categories: tuple[str, ...] = ("rent",)
    rent_cover_max_months: Schedule[int] = dated(6, int)
