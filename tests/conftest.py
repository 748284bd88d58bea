"""Shared fixtures: sample books built the way a user builds them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import main
from engine.books.folder import Books, open_books
from engine.books.founding import create_books
from engine.governance.credentials import TEST_COST
from engine.models.federation.demo import founding_text

os.environ.setdefault(TEST_COST, "16")
"""Credentials made in tests (and in the commands they start) hash at scrypt n=16, not 16384: the suite enrols
hundreds of members. Each hash records its cost and is checked at it, so nothing else changes."""


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs on the same day, so results do not depend on the calendar."""
    monkeypatch.setenv("COOP_NOW", os.environ.get("COOP_TEST_NOW", "2027-01-15T09:00:00"))


@pytest.fixture(scope="session")
def _founded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo federation's books as ``create_books`` leaves them, made once per test process."""
    folder = tmp_path_factory.mktemp("founded") / "books"
    create_books(folder, text=founding_text())
    return folder


@pytest.fixture
def books_dir(tmp_path: Path, _founded: Path) -> Path:
    """The demo federation's founding file in a fresh folder (six providers, five budget lines).

    A copy of books founded once: founding writes no journal entry and names no path, so the copy is
    the same bytes ``create_books`` would write here, without its 17 ms of syncing per test.
    """
    import shutil

    return Path(shutil.copytree(_founded, tmp_path / "books"))


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[str, Path]]:
    """A model's ``coop demo --verbose``, run once per test process: what it printed and its folder, to read and never change."""
    runs: dict[str, tuple[str, Path]] = {}

    def run(model: str = "federation") -> tuple[str, Path]:
        if model not in runs:
            folder = tmp_path_factory.mktemp(f"demo-{model}") / "demo"
            result = CliRunner().invoke(main, ["demo", str(folder), "--model", model, "--verbose"], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            runs[model] = (result.output, folder)
        return runs[model]

    return run


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory: pytest.TempPathFactory, demo_run: Callable[[str], tuple[str, Path]]) -> Callable[[str], Path]:
    """A fresh copy of a model's demo books, to change: the demo runs once per model in each test process."""
    import shutil

    def copy(model: str) -> Path:
        target = tmp_path_factory.mktemp(f"copy-{model}") / "books"
        return Path(shutil.copytree(demo_run(model)[1], target))

    return copy


@pytest.fixture
def books(books_dir: Path) -> Books:
    b = open_books(books_dir)
    yield b
    b.close()


@pytest.fixture
def coop(books_dir: Path) -> Callable[..., Result]:
    """Run ``coop --books <books_dir> ARGS`` in-process and return click's result."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(main, ["--books", str(books_dir), *args], input=input, env=env, catch_exceptions=False)

    return run


def _rewrite_whole_chain(books_dir: Path, seq: int, data: dict) -> None:
    """What a holder of the database can do: replace one entry's data and recompute every hash after it."""
    import sqlite3

    from engine.books.journal import GENESIS, canonical, entry_hash

    conn = sqlite3.connect(books_dir / "journal.sqlite3", isolation_level=None)
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("UPDATE entries SET data = ? WHERE seq = ?", (canonical(data), seq))
    prev = GENESIS
    for s, kind, on, rec, d, ref in conn.execute("SELECT seq, kind, on_date, recorded_at, data, ref FROM entries ORDER BY seq").fetchall():
        digest = entry_hash(prev, s, kind, on, rec, d, ref)
        conn.execute("UPDATE entries SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, s))
        prev = digest
    conn.close()


@pytest.fixture
def rewrite_chain() -> Callable[..., None]:
    """Replace one entry's data and recompute every hash: what whoever holds the database can do."""
    return _rewrite_whole_chain


def _enrol(call: Callable[..., object], who: str, /, **kw: object) -> object:
    """Invite ``who`` and set their credential with the code, through the same runner (``call``) and options."""
    out = call("member", "invite", who, **kw)
    text = out if isinstance(out, str) else out.output  # type: ignore[attr-defined]
    assert "Invitation for" in text, text
    code = text.strip().splitlines()[-1]
    return call("member", "credential", "set", who, "--invitation", code, **kw)


@pytest.fixture
def enrol() -> Callable[..., object]:
    """A member's first credential the way a member sets it: with the invitation the administrator issued."""
    return _enrol


def at(day: str, member: str | None = None) -> dict[str, str]:
    """A command's environment on ``day`` at nine; with ``member``, their test credential (``pass-MEMBER-2027``)."""
    env = {"COOP_NOW": f"{day}T09:00:00"}
    if member:
        env["COOP_CREDENTIAL"] = f"pass-{member}-2027"
    return env


def ok(result: Result) -> Result:
    """The result of a command that must succeed (its output shown when it does not)."""
    assert result.exit_code == 0, result.output
    return result
