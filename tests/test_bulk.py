"""Commands that read every provider run with the cyclic collector paused, and leave it as they found it."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest
from click.testing import Result

from terminal.bulk import many_objects


def test_the_collector_is_paused_while_the_command_runs_and_resumes_after_it_even_after_an_error() -> None:
    seen: list[bool] = []

    @many_objects
    def command(fail: bool) -> str:
        """Reads everyone."""
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("refused")
        return "done"

    assert gc.isenabled()
    assert command(False) == "done" and command.__doc__ == "Reads everyone."
    with pytest.raises(ValueError, match="refused"):
        command(True)
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:
        command(False)
        assert not gc.isenabled(), "a collector paused by the caller stays paused"
    finally:
        gc.enable()


def test_the_everyday_commands_leave_the_collector_running(coop: Callable[..., Result]) -> None:
    for args in (("status",), ("provider", "list", "--json"), ("fees", "recalc", "2027-01"), ("cycle", "close", "2027-01", "--dry-run")):
        coop(*args)
        assert gc.isenabled(), args
