"""What every co-op model's demo year shares, so that each model writes only its story.

``coop demo`` founds a sample co-op and runs a year of its capabilities,
printing each command as a user would type it. The runner (in the terminal)
needs only a founding text and a list of steps; this package owns the step
type and the date and credential a step runs under (``steps``), the step
shapes every year repeats (credentials, ballots, an onboarding proposal, a
CSV import, a document written to named files), the CSVs of monthly
expenses (``files``) and the founding file rendered through the presets
(``founding``). Which year to run is the model's registry entry
(``CoopModel.demo``), so nothing here names a model.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.demo.steps import Step
from engine.errors import UserError


def script(model: str) -> tuple[Callable[[], str], list[Step]]:
    """The founding file and the steps of ``model``'s demo year, as its registry entry names them."""
    from engine.models.registry import get, hook

    year = hook(get(model).demo)
    if year is None:
        raise UserError(f"there is no demo for the {model} model yet", field="--model")
    return year()  # type: ignore[no-any-return]
