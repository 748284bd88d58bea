"""Invitations replace trust on first use; failed checks are journaled and paused; the credential leaves the environment."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from engine.books.folder import open_books

Coop = Callable[..., Result]


def at(day: str, secret: str | None = None, **extra: str) -> dict[str, str]:
    env = {"COOP_NOW": f"{day}T09:00:00", **extra}
    if secret is not None:
        env["COOP_CREDENTIAL"] = secret
    return env


def _code(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def _kinds(books_dir: Path, kind: str) -> list[dict]:
    books = open_books(books_dir)
    try:
        return [e.data for e in books.journal.entries([kind])]
    finally:
        books.close()


def test_a_first_credential_needs_the_members_invitation(coop: Coop, books_dir: Path) -> None:
    refused = coop("member", "credential", "set", "mara-quist", env=at("2027-01-04", "pass-mara-1"))
    assert refused.exit_code == 2 and "needs the invitation code" in refused.output
    code = _code(coop("member", "invite", "mara-quist", env=at("2027-01-04")))
    [invited] = _kinds(books_dir, "member.invited")
    assert code not in str(invited) and len(invited["code_sha256"]) == 64, "only the code's hash is journaled"
    other = _code(coop("member", "invite", "teo-abernathy", env=at("2027-01-04")))
    wrong = coop("member", "credential", "set", "mara-quist", "--invitation", other, env=at("2027-01-04", "pass-mara-1"))
    assert wrong.exit_code == 2 and "not mara-quist's current invitation code" in wrong.output
    assert coop("member", "credential", "set", "mara-quist", "--invitation", code, env=at("2027-01-04", "pass-mara-1")).exit_code == 0
    again = coop("member", "credential", "set", "mara-quist", "--invitation", code, env=at("2027-01-05", "pass-mara-2"))
    assert again.exit_code == 2 and "already used" in again.output


def test_an_invitation_expires(coop: Coop) -> None:
    code = _code(coop("member", "invite", "mara-quist", "--days", "3", env=at("2027-01-04")))
    late = coop("member", "credential", "set", "mara-quist", "--invitation", code, env=at("2027-01-08", "pass-mara-1"))
    assert late.exit_code == 2 and "expired on 2027-01-07" in late.output


def test_a_lost_credential_needs_a_new_invitation_everyone_can_see(coop: Coop, books_dir: Path) -> None:
    first = _code(coop("member", "invite", "mara-quist", env=at("2027-01-04")))
    assert coop("member", "credential", "set", "mara-quist", "--invitation", first, env=at("2027-01-04", "pass-mara-1")).exit_code == 0
    second = _code(coop("member", "invite", "mara-quist", env=at("2027-02-01")))
    result = coop("member", "credential", "set", "mara-quist", "--invitation", second, env=at("2027-02-01", "pass-mara-2"))
    assert result.exit_code == 0 and "replaced" in result.output
    assert len(_kinds(books_dir, "member.invited")) == 2
    sets = _kinds(books_dir, "member.credential_set")
    assert [s["replaces"] for s in sets] == [False, True] and all("invitation" in s for s in sets)


def test_failed_checks_are_journaled_and_pause_after_five(coop: Coop, books_dir: Path) -> None:
    code = _code(coop("member", "invite", "mara-quist", env=at("2027-01-04")))
    assert coop("member", "credential", "set", "mara-quist", "--invitation", code, env=at("2027-01-04", "pass-mara-1")).exit_code == 0
    assert coop("propose", "general", "--text", "Shared intake form", env=at("2027-02-01")).exit_code == 0
    for minute in range(5):
        wrong = coop(
            "vote",
            "cast",
            "P-1",
            "--member",
            "mara-quist",
            "--choice",
            "yes",
            env={"COOP_NOW": f"2027-02-02T09:0{minute}:00", "COOP_CREDENTIAL": "guess-guess"},
        )
        assert wrong.exit_code == 2 and "wrong credential" in wrong.output
    assert _kinds(books_dir, "member.credential_failed") == [{"member": "mara-quist"}] * 5
    paused = coop(
        "vote",
        "cast",
        "P-1",
        "--member",
        "mara-quist",
        "--choice",
        "yes",
        env={"COOP_NOW": "2027-02-02T09:10:00", "COOP_CREDENTIAL": "pass-mara-1"},
    )
    assert paused.exit_code == 2 and "failed credential checks in a row" in paused.output
    later = coop(
        "vote",
        "cast",
        "P-1",
        "--member",
        "mara-quist",
        "--choice",
        "yes",
        env={"COOP_NOW": "2027-02-02T09:30:00", "COOP_CREDENTIAL": "pass-mara-1"},
    )
    assert later.exit_code == 0, later.output


def test_the_credential_is_read_once_and_leaves_the_environment(coop: Coop) -> None:
    from terminal.params import credential

    os.environ["COOP_CREDENTIAL"] = "pass-once-only"
    try:
        assert credential("mara-quist") == "pass-once-only"
        assert "COOP_CREDENTIAL" not in os.environ
    finally:
        os.environ.pop("COOP_CREDENTIAL", None)


@pytest.mark.parametrize("model", ["federation", "session_split"])
def test_the_demo_prints_no_credential(model: str, demo_run: Callable[[str], tuple[str, Path]]) -> None:
    out, _ = demo_run(model)
    assert "COOP_CREDENTIAL" not in out and "-secret" not in out
    assert "member invite" in out


def test_a_vote_with_no_terminal_and_no_credential_is_one_line_naming_the_variable(coop: Coop) -> None:
    code = _code(coop("member", "invite", "mara-quist", env=at("2027-01-04")))
    assert coop("member", "credential", "set", "mara-quist", "--invitation", code, env=at("2027-01-04", "pass-mara-1")).exit_code == 0
    assert coop("propose", "general", "--text", "Shared intake form", env=at("2027-02-01")).exit_code == 0
    result = coop("vote", "cast", "P-1", "--member", "mara-quist", "--choice", "yes", env=at("2027-02-02"))
    assert result.exit_code == 2
    assert "COOP_CREDENTIAL" in result.output and len(result.output.strip().splitlines()) == 1
    assert "Warning" not in result.output


def test_checks_compared_at_the_same_moment_are_decided_one_at_a_time(coop: Coop, books_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The portal compares a credential (scrypt) before the write lock and decides under it: seven wrong guesses
    compared at once still journal five failures and meet the pause, and a right one compared among them is paused too."""
    from engine.errors import UserError
    from engine.governance.credentials import compare, settle

    code = _code(coop("member", "invite", "mara-quist", env=at("2027-01-04")))
    assert coop("member", "credential", "set", "mara-quist", "--invitation", code, env=at("2027-01-04", "pass-mara-1")).exit_code == 0
    monkeypatch.setenv("COOP_NOW", "2027-02-02T09:00:00")
    books = open_books(books_dir)
    try:
        guesses = [compare(books, "mara-quist", f"guess-{i}") for i in range(7)]
        right = compare(books, "mara-quist", "pass-mara-1")
        refusals = []
        for c in [*guesses, right]:
            with pytest.raises(UserError) as refused:
                settle(books, c)
            refusals.append(refused.value.message)
    finally:
        books.close()
    assert [("wrong credential" in r, "in a row" in r) for r in refusals] == [(True, False)] * 5 + [(False, True)] * 3, refusals
    assert _kinds(books_dir, "member.credential_failed") == [{"member": "mara-quist"}] * 5


def test_a_check_compared_against_a_replaced_credential_is_refused(coop: Coop, books_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.errors import UserError
    from engine.governance.credentials import compare, settle

    first = _code(coop("member", "invite", "mara-quist", env=at("2027-01-04")))
    assert coop("member", "credential", "set", "mara-quist", "--invitation", first, env=at("2027-01-04", "pass-mara-1")).exit_code == 0
    monkeypatch.setenv("COOP_NOW", "2027-02-01T09:00:00")
    books = open_books(books_dir)
    try:
        old = compare(books, "mara-quist", "pass-mara-1")
        settle(books, old)  # decided while it is still the member's credential
    finally:
        books.close()
    second = _code(coop("member", "invite", "mara-quist", env=at("2027-02-01")))
    assert coop("member", "credential", "set", "mara-quist", "--invitation", second, env=at("2027-02-01", "pass-mara-2")).exit_code == 0
    books = open_books(books_dir)
    try:
        with pytest.raises(UserError, match="replaced a moment ago"):
            settle(books, old)
    finally:
        books.close()
    assert _kinds(books_dir, "member.credential_failed") == []
