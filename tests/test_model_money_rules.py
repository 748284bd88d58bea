"""No model's books can be charged another model's money rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.books.folder import open_books
from engine.models.registry import get, names


def _demo_founding(model: str) -> str:
    from engine.models.federation.demo import script

    founding_text, _ = script(model)
    return founding_text()


@pytest.mark.parametrize("model", [n for n in names() if get(n).no_fee])
def test_a_model_without_a_fee_refuses_the_fee_engine(tmp_path: Path, model: str) -> None:
    from engine.books.founding import create_books

    folder = tmp_path / "books"
    create_books(folder, text=_demo_founding(model))
    books = open_books(folder)
    cycle = books.federation.cycle
    before = books.journal.head()
    books.close()
    first = f"{books.federation.founded.year}-{cycle.start_month:02d}"
    result = CliRunner().invoke(main, ["--books", str(folder), "fees", "recalc", first], env={"COOP_NOW": f"{first}-02T09:00:00"})
    assert result.exit_code == 2, result.output
    assert get(model).no_fee in result.output
    books = open_books(folder)
    assert books.journal.head() == before, "nothing was recorded"
    assert not books.journal.entries(["fee.set"])
    books.close()


def test_the_models_that_charge_no_fee_are_the_ones_paid_otherwise() -> None:
    assert sorted(n for n in names() if get(n).no_fee) == ["flat_pay", "session_split"]
