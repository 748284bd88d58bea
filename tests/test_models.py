"""Every co-op model founds working books, and its figures change only by vote, from a date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import _enrol

from cli import main
from engine.books.config import load_federation
from engine.books.cycles import Month
from engine.books.folder import open_books
from engine.books.founding import create_books
from engine.books.parameters import in_force
from engine.books.presets import render_founding
from engine.models.flat_pay.pay import hourly_rate, unplanned_leave_day_pay
from engine.models.registry import get, names

MODEL_RULES = {name: get(name).rules() for name in names()}
MODELS = ["federation", "retention", "flat_pay", "session_split"]
WORKERS = ["ana-ruiz", "bo-lind", "cy-moss"]


@pytest.mark.parametrize("model", MODELS)
def test_init_founds_each_model_with_its_own_rules(tmp_path: Path, model: str) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / model), "--model", model, "--founded", "2027-01-01"])
    assert result.exit_code == 0, result.output
    fed = load_federation(tmp_path / model / "federation.yaml")
    assert fed.model == model
    assert fed.decision_rules == MODEL_RULES[model], "the file states the model's own rules"
    assert (fed.parent is not None) == (model == "federation") and (fed.entity is not None) == (model != "federation")


def test_a_model_refuses_matters_it_does_not_have(tmp_path: Path) -> None:
    text = render_founding(name="Split Co-Op", founded=date(2027, 1, 1), entity={"legal_name": "Split LLC"}, model="session_split")
    path = tmp_path / "f.yaml"
    path.write_text(text.replace("decision_rules:\n", "decision_rules:\n  end_parent:\n    method: majority\n", 1))
    from engine.errors import UserError

    with pytest.raises(UserError, match="end_parent does not apply to the session_split model"):
        load_federation(path)


@pytest.fixture
def flat_pay(tmp_path: Path) -> Callable[..., Result]:
    folder = tmp_path / "flat"
    providers = [
        {
            "id": w,
            "name": w.title(),
            "practice": "Alliance Example PLLC",
            "licence": f"LMSW-{i}",
            "email": f"{w}@example.org",
            "start": "2026-01-01",
        }
        for i, w in enumerate(WORKERS)
    ]
    create_books(
        folder,
        text=render_founding(
            name="Hourly Co-Op", founded=date(2026, 1, 1), entity={"legal_name": "Hourly MSO LLC"}, providers=providers, model="flat_pay"
        ),
    )
    runner = CliRunner()

    def run(*args: str, day: str = "2027-01-10", member: str | None = None) -> Result:
        env = {"COOP_NOW": f"{day}T09:00:00", **({"COOP_CREDENTIAL": f"pw-{member}"} if member else {})}
        return runner.invoke(main, ["--books", str(folder), *args], env=env, catch_exceptions=False)

    for w in WORKERS:
        assert _enrol(run, w, day="2026-01-02", member=w).exit_code == 0
    run.folder = folder  # type: ignore[attr-defined]
    return run


def test_a_raise_voted_by_consensus_takes_effect_from_its_date(flat_pay: Callable[..., Result]) -> None:
    opened = flat_pay("propose", "parameter-change", "hourly_rate", "45.50", "--from", "2027-03-01", "--by", "ana-ruiz", member="ana-ruiz")
    assert opened.exit_code == 0, opened.output
    assert "consensus" in opened.output
    for w in WORKERS:
        assert flat_pay("vote", "cast", "P-1", "--member", w, "--choice", "yes", day="2027-01-11", member=w).exit_code == 0
    closed = flat_pay("proposal", "close", "P-1", day="2027-01-25")
    assert closed.exit_code == 0, closed.output
    books = open_books(flat_pay.folder)  # type: ignore[attr-defined]
    params = in_force(books)
    books.close()
    assert hourly_rate(params, Month(2027, 2)) == 4_000  # hours worked before the raise keep the old rate
    assert hourly_rate(params, Month(2027, 3)) == 4_550
    assert unplanned_leave_day_pay(params, date(2027, 3, 2)) == 18_200  # leave pay follows the rate it is derived from
    assert "45.50" in flat_pay("parameters").output


def test_a_parameter_change_is_checked_when_proposed(flat_pay: Callable[..., Result]) -> None:
    unknown = flat_pay("propose", "parameter-change", "hourly_wage", "45", "--from", "2027-03-01")
    assert unknown.exit_code == 2 and "not a dated parameter" in unknown.output and "hourly_rate" in unknown.output
    bad = flat_pay("propose", "parameter-change", "hourly_rate", "45.555", "--from", "2027-03-01")
    assert bad.exit_code == 2 and "whole cents" in bad.output
    foreign = flat_pay("propose", "software", "--text", "Switch EHR")
    assert foreign.exit_code == 2 and "not a matter for the flat_pay model" in foreign.output
