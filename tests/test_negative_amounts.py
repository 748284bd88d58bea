"""A negative amount reaches the money check and gets its own one-line refusal, not a click option error."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result

Coop = Callable[..., Result]
AT = {"COOP_NOW": "2027-01-15T09:00:00"}


@pytest.mark.parametrize(
    "args",
    [
        ("payment", "record", "mara-quist", "-5.00", "--on", "2027-01-10", "--ref", "x"),
        ("payment", "payout", "mara-quist", "-5.00", "--on", "2027-01-10", "--ref", "x"),
        ("expense", "record", "software", "-5.00", "--on", "2027-01-10", "--receipt", "r"),
        ("ledger", "write-off", "mara-quist", "-5.00", "--on", "2027-01-10", "--reason", "r"),
    ],
)
def test_a_negative_amount_is_refused_by_the_money_check(coop: Coop, args: tuple[str, ...]) -> None:
    result = coop(*args, env=AT)
    assert result.exit_code == 2, result.output
    assert "is not an amount" in result.output and "No such option" not in result.output
    assert len(result.output.strip().splitlines()) == 1
