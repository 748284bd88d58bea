"""Files in the books are the owner's alone, and the demo never replaces a folder it did not make."""

from __future__ import annotations

import stat
from pathlib import Path

from click.testing import CliRunner

from cli import main


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_journal_and_the_documents_are_owner_only(coop, books_dir: Path) -> None:
    assert coop("fees", "recalc", "2027-01").exit_code == 0
    assert coop("fees", "notices", "2027-01", "--on", "2027-01-01").exit_code == 0
    written = [books_dir / "journal.sqlite3", books_dir / "federation.yaml", *sorted((books_dir / "documents").rglob("*.*"))]
    assert len(written) > 10
    assert {p.name: _mode(p) for p in written if _mode(p) != 0o600} == {}
    for sidecar in ("journal.sqlite3-wal", "journal.sqlite3-shm"):
        if (books_dir / sidecar).exists():
            assert _mode(books_dir / sidecar) == 0o600


def test_demo_refuses_a_folder_it_did_not_make_and_names_what_is_there(tmp_path: Path) -> None:
    folder = tmp_path / "books"
    folder.mkdir()
    (folder / "federation.yaml").write_text("name: real\n")
    (folder / "notes.txt").write_text("keep me\n")
    result = CliRunner().invoke(main, ["demo", str(folder)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    [line] = result.output.strip().splitlines()
    assert "not a demo coop made" in line and "federation.yaml, notes.txt" in line and str(folder) in line
    assert sorted(p.name for p in folder.iterdir()) == ["federation.yaml", "notes.txt"]
