"""The terminal as a door: every command on every model's books, and commands that fit the books."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from cli import COMMANDS, main
from engine.models.registry import get, names, owner_of

ROOT = Path(__file__).resolve().parent.parent


def command_paths() -> Iterator[tuple[str, ...]]:
    """Every command and subcommand, found from the assembled groups (whatever the books)."""

    def walk(path: tuple[str, ...], command: click.Command) -> Iterator[tuple[str, ...]]:
        yield path
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                yield from walk((*path, name), sub)

    ctx = click.Context(main)
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None, name
        yield from walk((name,), command)


@pytest.fixture(scope="module")
def demo_books(demo_copy: Callable[[str], Path]) -> Callable[[str], Path]:
    """Each model's demo books, copied once per module and only for the models a worker runs."""
    built: dict[str, Path] = {}

    def books(model: str) -> Path:
        if model not in built:
            built[model] = demo_copy(model)
        return built[model]

    return books


def survived(result: Result) -> str | None:
    """Why a run counts as a crash (None when it ended as a command should: done, refused or aborted)."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"raised {type(result.exception).__name__}: {result.exception}"
    if result.exit_code not in (0, 1, 2):
        return f"exit status {result.exit_code}"
    if "Traceback" in result.output:
        return "printed a traceback"
    return None


@pytest.mark.parametrize("model", names())
def test_no_command_crashes_on_any_models_books(
    model: str, demo_books: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = demo_books(model)
    monkeypatch.chdir(tmp_path)  # 'templates sample' and friends write to the current folder
    runner = CliRunner()
    crashes = []
    for path in command_paths():
        # A plain 'coop demo' runs a whole year, and 'coop serve' serves until stopped (tests/test_portal.py drives it).
        runs = [("--help",)] if path in (("demo",), ("serve",)) else [("--help",), ()]
        for extra in runs:
            result = runner.invoke(main, ["--books", str(folder), *path, *extra], catch_exceptions=True)
            why = survived(result)
            if why is not None:
                crashes.append(f"coop {' '.join((*path, *extra))}: {why}\n{result.output}")
    assert not crashes, "\n".join(crashes)


def listed(*args: str) -> set[str]:
    result = CliRunner().invoke(main, [*args, "--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()}


def own(model: str) -> set[str]:
    return set(get(model).commands)


def test_help_lists_the_shared_commands_and_the_books_own(
    demo_books: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = {c for c in COMMANDS if not owner_of(c)}
    monkeypatch.chdir(tmp_path)
    assert listed() == set(COMMANDS), "outside any books every command is listed"
    for model in names():
        folder = demo_books(model)
        assert listed("--books", str(folder)) == shared | own(model), model
        monkeypatch.chdir(folder / "documents")
        assert listed() == shared | own(model), f"{model}, found from a folder inside the books"
        monkeypatch.chdir(tmp_path)
    assert own("federation") == {"handover"} and "hours" not in listed("--books", str(demo_books("federation")))
    assert "handover" not in listed("--books", str(demo_books("flat_pay"))), "only a federation has a parent to hand over from"
    assert "leave" in own("retention") & own("flat_pay"), "leave is shared by two models"


def test_every_model_command_is_a_command_and_belongs_to_someone() -> None:
    for model in names():
        assert own(model) <= set(COMMANDS), f"{model} lists a command that does not exist"
    for name, ref in COMMANDS.items():
        assert ref.startswith("terminal."), name


def test_another_models_command_is_refused_in_one_line_and_changes_nothing(demo_books: Callable[[str], Path]) -> None:
    from engine.books.folder import open_books

    folder = demo_books("federation")
    books = open_books(folder)
    before = len(books.journal.entries(include_voided=True))
    books.close()
    for args, owner in (
        (("hours", "list"), "flat_pay model"),
        (("due",), "retention model"),
        (("payout", "members", "--on", "2027-05-01"), "session_split"),
    ):
        result = CliRunner().invoke(main, ["--books", str(folder), *args], catch_exceptions=False)
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"coop: error: '{args[0]}' cannot run here"), result.output
        assert f"belong to the {owner}" in lines[0]
        assert lines[0].endswith("these books are a federation")
    leave = CliRunner().invoke(main, ["--books", str(folder), "leave", "list"])
    assert leave.exit_code == 2 and "flat_pay and retention models" in leave.output
    books = open_books(folder)
    assert len(books.journal.entries(include_voided=True)) == before, "nothing recorded"
    books.close()


def test_a_models_own_command_still_runs_on_its_books(demo_books: Callable[[str], Path]) -> None:
    result = CliRunner().invoke(
        main, ["--books", str(demo_books("flat_pay")), "hours", "list", "--month", "2027-01"], catch_exceptions=False
    )
    assert result.exit_code == 0 and "Total:" in result.output


def test_help_inside_books_reads_only_the_model_line(demo_books: Callable[[str], Path]) -> None:
    folder = demo_books("retention")
    code = (
        "import sys, cli\n"
        "try:\n"
        f"    cli.main(['--books', {str(folder)!r}, '--help'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('pydantic', 'docx', 'jinja2', 'yaml', 'tabulate', 'sqlite3') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "owners" in out and out.strip().splitlines()[-1] == "[]"


def test_everyday_commands_load_no_document_or_passkey_library(demo_books: Callable[[str], Path]) -> None:
    """Reading the books and checking their chain never pays for WebAuthn, DOCX or templates (start-up, issue 15)."""
    folder = str(demo_books("federation"))
    commands = [["status"], ["proposal", "list"], ["fees", "show", "2027-01"], ["ledger", "balances"], ["audit", "verify"]]
    code = (
        "import sys, cli\n"
        f"for args in {commands!r}:\n"
        "    try:\n"
        f"        cli.main(['--books', {folder!r}, *args], standalone_mode=False)\n"
        "    except SystemExit as e:\n"
        "        assert not e.code, (args, e.code)\n"
        "print(sorted(m for m in ('webauthn', 'cryptography', 'docx', 'jinja2', 'lxml', 'markdown_it') if m in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env={**os.environ, "COOP_NOW": "2027-07-10T09:00:00"}
    )
    assert run.returncode == 0, run.stderr
    assert "OK: " in run.stdout and "chain intact" in run.stdout, run.stdout
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_the_cheap_file_names_are_the_engines() -> None:
    from engine.books import config, journal
    from terminal.fit import FOUNDING_FILE, JOURNAL_FILE

    assert (FOUNDING_FILE, JOURNAL_FILE) == (config.FILENAME, journal.FILENAME)


def test_unreadable_or_unknown_model_lists_everything(tmp_path: Path) -> None:
    from terminal.fit import books_model

    (tmp_path / "federation.yaml").write_text("name: X\nmodel: 'flat-pay'  # the co-op model\n")
    (tmp_path / "journal.sqlite3").write_bytes(b"")
    assert books_model(tmp_path) == "flat_pay"
    (tmp_path / "federation.yaml").write_text("name: X\n")
    assert books_model(tmp_path) == "federation", "no model line: a federation, as the config reads it"
    (tmp_path / "federation.yaml").write_text("model: barter\n")
    assert books_model(tmp_path) is None
    assert books_model(tmp_path / "missing") is None


@pytest.mark.parametrize(("given", "model"), [("flat-pay", "flat_pay"), ("Session-Split", "session_split"), ("retention", "retention")])
def test_init_takes_a_model_by_either_spelling(given: str, model: str, tmp_path: Path) -> None:
    from engine.books.config import load_federation

    result = CliRunner().invoke(main, ["init", str(tmp_path / "new"), "--model", given, "--founded", "2027-07-01"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert load_federation(tmp_path / "new" / "federation.yaml").model == model
    wrong = CliRunner().invoke(main, ["init", str(tmp_path / "other"), "--model", "barter"])
    assert wrong.exit_code == 2 and "'barter' is not one of" in wrong.output and not (tmp_path / "other").exists()
