"""A user's mistake: one line naming file, field and expectation; exit 2; nothing changed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import main
from engine.books.journal import FILENAME as JOURNAL


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and "-wal" not in p.name and "-shm" not in p.name
    }


def _entries(folder: Path) -> int:
    import sqlite3

    with sqlite3.connect(folder / JOURNAL) as conn:
        return conn.execute("SELECT count(*) FROM entries").fetchone()[0]


def _one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def _edit(books_dir: Path, old: str, new: str, count: int = 1) -> None:
    path = books_dir / "federation.yaml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, count))


CASES = [
    # (what to replace, with what, the line must mention)
    ('name: "Juniper Street Therapy Co-Op"', "name: [unclosed", ["federation.yaml:", "malformed YAML"]),
    ("currency: USD", "currency: USD\nfavourite_colour: teal", ["federation.yaml:", "favourite_colour", "unknown key"]),
    ('  principal: "Rowan Ellery"\n', "", ["parent.principal", "required field is missing"]),
    ("monthly: 390.00", "monthly: -390.00", ["budget[0].monthly", "zero or more"]),
    ("monthly: 390.00", "monthly: 390.005", ["budget[0].monthly", "whole cents"]),
    ("monthly: 390.00", "monthly: lots", ["budget[0].monthly", "amount"]),
    ("  - id: mara-quist", "  - id: rowan-ellery", ["providers[1].id", "duplicate provider id 'rowan-ellery'"]),
    ("email: mara@quistfamily.example", "email: mara-at-quistfamily", ["providers[1].email", "email address"]),
    ("start: 2027-01-01", "start: 2027-02-30", ["providers[0].start", "YYYY-MM-DD"]),
    ("months: 6", "months: 5", ["cycle.months", "5"]),
    ("method: majority", "method: coin_toss", ["decision_rules.onboarding.method", "coin_toss"]),
    ('threshold: "2/3"', 'threshold: "3/2"', ["decision_rules.manual_amendment.threshold", "between 0 and 1"]),
]


@pytest.mark.parametrize(("old", "new", "mentions"), CASES, ids=[c[2][-1] for c in CASES])
def test_bad_founding_file_is_one_clear_line(books_dir: Path, coop: Callable[..., Result], old: str, new: str, mentions: list[str]) -> None:
    _edit(books_dir, old, new)
    before = _snapshot(books_dir)
    line = _one_line_error(
        coop("provider", "join", "x-y", "--name", "X", "--practice", "P", "--licence", "L", "--email", "x@y.org", "--on", "2027-02-01")
    )
    for text in mentions:
        assert text in line, line
    assert _snapshot(books_dir) == before


def test_error_names_the_yaml_line(books_dir: Path, coop: Callable[..., Result]) -> None:
    _edit(books_dir, "email: mara@quistfamily.example", "email: nope")
    text = (books_dir / "federation.yaml").read_text().splitlines()
    line_no = next(i for i, line in enumerate(text, 1) if "email: nope" in line)
    assert f"federation.yaml:{line_no}: providers[1].email" in _one_line_error(coop("status"))


def test_budget_dates_out_of_order(books_dir: Path, coop: Callable[..., Result]) -> None:
    _edit(books_dir, "    from: 2027-01-01\n", "    from: 2027-06-01\n    until: 2027-03-31\n")
    line = _one_line_error(coop("status"))
    assert "budget[0]" in line and "must not be before" in line


def test_unknown_provider_in_a_command(books_dir: Path, coop: Callable[..., Result]) -> None:
    before = _entries(books_dir)
    line = _one_line_error(coop("provider", "leave", "nobody", "--on", "2027-03-01"))
    assert "unknown provider 'nobody'" in line and "PROVIDER" in line
    assert _entries(books_dir) == before
    assert "unknown provider" in _one_line_error(coop("provider", "show", "nobody"))


def test_bad_arguments(books_dir: Path, coop: Callable[..., Result]) -> None:
    result = coop("budget", "set", "software", "--monthly", "12.345", "--from", "2027-02-01")
    assert result.exit_code == 2 and "12.345" in result.output
    line = _one_line_error(coop("budget", "set", "brand-new", "--monthly", "10", "--from", "2027-02-01"))
    assert "--name" in line and "new budget line" in line
    line = _one_line_error(
        coop("provider", "join", "Bad Id", "--name", "X", "--practice", "P", "--licence", "L", "--email", "x@y.org", "--on", "2027-02-01")
    )
    assert "--id" in line
    line = _one_line_error(
        coop(
            "provider", "join", "mara-quist", "--name", "X", "--practice", "P", "--licence", "L", "--email", "x@y.org", "--on", "2027-02-01"
        )
    )
    assert "already taken" in line
    assert _entries(books_dir) == 0


def test_bad_date_argument_is_a_usage_error(coop: Callable[..., Result]) -> None:
    result = coop("status", "--as-of", "March")
    assert result.exit_code == 2
    assert "'March' is not a date (expected YYYY-MM-DD)" in result.output


def test_books_folder_missing_or_not_a_federation(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["--books", str(tmp_path / "nowhere"), "status"])
    assert "books folder does not exist" in _one_line_error(missing)
    (tmp_path / "plain").mkdir()
    plain = runner.invoke(main, ["--books", str(tmp_path / "plain"), "status"])
    assert "not a federation" in _one_line_error(plain)
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path / "plain")
    try:
        assert "no federation found" in _one_line_error(runner.invoke(main, ["status"]))
    finally:
        os.chdir(cwd)


def test_csv_import_names_the_row(books_dir: Path, coop: Callable[..., Result], tmp_path: Path) -> None:
    csv = tmp_path / "roster.csv"
    csv.write_text(
        "id,name,practice,licence,email,start\n"
        "ada-b,Ada B,Ada B LLC,L-1,ada@b.org,2027-02-01\n"
        "cy-d,Cy D,Cy D LLC,L-2,not-an-email,2027-02-01\n"
    )
    line = _one_line_error(coop("provider", "import", str(csv)))
    assert f"{csv}:3: email" in line
    assert _entries(books_dir) == 0, "a bad row means no row is recorded"


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "taken")])
    assert "not empty" in _one_line_error(result)
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["notes.txt"]


def test_model_parameters_are_checked_by_model(books_dir: Path, coop: Callable[..., Result]) -> None:
    _edit(books_dir, "model: federation", "model: flat_pay\nparameters:\n  hourly_rat: 40.00")
    line = _one_line_error(coop("status"))
    assert "parameters.hourly_rat" in line and "unknown key" in line
    _edit(books_dir, "hourly_rat: 40.00", "hourly_rate: [{from: 2020-01-01, value: 40.00}, {from: 2019-01-01, value: 30.00}]")
    assert "increasing" in _one_line_error(coop("status"))


def test_a_founding_file_is_validated_once_per_content_and_again_when_a_byte_changes(
    coop: Callable[..., Result], books_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.books import config, folder

    monkeypatch.setattr(folder, "_FEDERATIONS", {})
    calls: list[Path] = []
    real = config.load_federation
    monkeypatch.setattr(config, "load_federation", lambda path: calls.append(path) or real(path))
    for _ in range(3):
        assert coop("status").exit_code == 0
    assert len(calls) == 1, "the same bytes are parsed and validated once in a process"
    path = books_dir / "federation.yaml"
    path.write_text(path.read_text().replace('name: "Juniper Street Therapy Co-Op"', 'name: "Juniper Street Co-Op"'))
    assert "Juniper Street Co-Op" in coop("status").output and len(calls) == 2, "a changed byte is read anew"
    path.write_text(path.read_text() + "unknown_key: 1\n")
    bad = CliRunner().invoke(main, ["--books", str(books_dir), "status"])
    assert bad.exit_code == 2 and "unknown_key" in bad.output, bad.output
    assert len(calls) == 3
    for i in range(folder.REMEMBERED + 4):
        path.write_text(path.read_text().replace("unknown_key: 1\n", "").rstrip("\n") + "\n" + "#" * i + "\n")
        assert coop("status").exit_code == 0
    assert len(folder._FEDERATIONS) == folder.REMEMBERED, "a process keeps at most REMEMBERED founding files"
