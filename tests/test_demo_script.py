"""The demo runner finds each model's year through the registry, and the shared steps name no model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from engine.demo import script
from engine.demo.founding import Person
from engine.demo.steps import credential_steps, on, onboarding, propose, vote
from engine.errors import UserError
from engine.models import registry

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("model", registry.names())
def test_every_model_has_a_demo_year_found_through_its_registry_entry(model: str) -> None:
    founding_text, steps = script(model)
    assert f"\nmodel: {model}\n" in founding_text()
    assert steps and all(s.env["COOP_NOW"].endswith("T09:00:00") for s in steps)


def test_a_model_without_a_demo_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    bare = replace(registry.get("federation"), demo=None)
    monkeypatch.setattr(registry, "get", lambda name: bare)
    with pytest.raises(UserError, match="no demo"):
        script("federation")


def test_the_shared_demo_code_names_no_model() -> None:
    for path in (ROOT / "engine" / "demo").rglob("*.py"):
        text = path.read_text()
        assert not [m for m in registry.names()[1:] if m in text], path


def test_a_proposal_by_a_member_names_them_and_carries_their_credential() -> None:
    newcomer = Person("ada-quill", "Ada Quill", "LPC-1", "ada@example.org", "Quill LLC", "2027-03-01")
    step = onboarding("2027-02-01", "Ada joins:", newcomer, "bo-lind")
    assert step.args[:3] == ("propose", "onboarding", "ada-quill") and step.args[-2:] == ("--by", "bo-lind")
    assert step.env == {"COOP_NOW": "2027-02-01T09:00:00", "COOP_CREDENTIAL": "demo-bo-lind-secret"}
    assert "COOP_CREDENTIAL" not in propose("2027-02-01", "An open matter:", "general", "--text", "x").env
    assert vote("2027-02-02", "P-1", "bo-lind").args[-2:] == ("--choice", "yes")
    enrolled = credential_steps(["a", "b"], "2027-01-01")
    assert [s.args[:3] for s in enrolled] == [("member", "invite", "a"), ("member", "credential", "set")] * 1 + [
        ("member", "invite", "b"),
        ("member", "credential", "set"),
    ]
    assert enrolled[1].args[-2:] == ("--invitation-file", enrolled[0].args[-1]), "the member sets it with the invitation issued"
    assert "COOP_CREDENTIAL" not in enrolled[0].env, "the administrator's invitation needs no member's credential"
    assert on("2027-01-01", "Status:", "status").args == ("status",)
