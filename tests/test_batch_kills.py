"""SIGKILL at random moments during batch issuance: nothing, or a complete registered batch.

Each batch command (agreements, fee notices, cycle statements) is killed at
a random point; the next command to open the books finishes a batch whose
entries committed or discards one whose entries did not. After that, every
document folder is whole: as many documents as register rows and journal
entries, each document's hash the one recorded, and no temporary or staging
files anywhere. ``COOP_KILLS`` sets the kills per command (default 4; 30 and more when measuring).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import processes
import pytest
from click.testing import CliRunner

from cli import main
from engine.audit.verify import verify
from engine.books.folder import open_books
from engine.books.journal import FILENAME as JOURNAL

PROVIDERS = 24
KILLS = int(os.environ.get("COOP_KILLS", "4"))

BATCHES = {
    "agreements": (("contracts", "issue", "--all", "--on", "2027-01-15"), "contract.issued", "agreements/2027-01-15", "2027-01-15"),
    "notices": (("fees", "notices", "2027-01", "--on", "2027-01-15"), "document.issued", "notices/2027-01", "2027-01-15"),
    "statements": (("statement", "2027-01", "--all", "--on", "2027-07-05"), "document.issued", "statements/2027-01", "2027-07-05"),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Books with 30 providers, a fee set for the first cycle, and that cycle closed (for the statements)."""
    from engine.books.founding import create_books
    from engine.models.federation.demo import founding_text

    base = tmp_path_factory.mktemp("kills")
    folder = base / "books"
    create_books(folder, text=founding_text())
    roster = base / "roster.csv"
    rows = [f"k{i:04d},Provider {i},Practice {i} LLC,LIC-{i},k{i}@example.org,2027-01-01" for i in range(PROVIDERS)]
    roster.write_text("id,name,practice,licence,email,start\n" + "\n".join(rows) + "\n")
    runner = CliRunner()
    for args, day in [
        (("provider", "import", str(roster)), "2027-01-01"),
        (("fees", "recalc", "2027-01"), "2027-01-02"),
        (("cycle", "close", "2027-01"), "2027-07-02"),
    ]:
        result = runner.invoke(main, ["--books", str(folder), *args], env={"COOP_NOW": f"{day}T09:00:00"}, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return folder


def _spawn(books: Path, args: tuple[str, ...], day: str) -> processes.Command:
    return processes.coop(books, *args, env={"COOP_NOW": f"{day}T09:00:00"})


def _recorded(books: Path, kind: str, folder: str) -> dict[str, str]:
    with sqlite3.connect(books / JOURNAL) as conn:
        rows = conn.execute("SELECT data FROM entries WHERE kind = ?", (kind,)).fetchall()
    out = {}
    for (text,) in rows:
        d = json.loads(text)
        name = d["document"].rsplit("/", 1)[-1]
        if kind == "contract.issued" or d["document"].startswith(folder.split("/")[0] + "/"):
            out[name] = d["sha256"]
    return out


def assert_whole(books: Path, kind: str, folder: str) -> str:
    """Nothing, or a complete registered batch; returns which."""
    import hashlib

    stray = [p for p in books.rglob("*") if p.name.endswith(".tmp") or ".staging-" in p.name or ".retired-" in p.name]
    assert not stray, f"left behind: {stray[:5]}"
    assert not list((books / ".staging").glob("*")) if (books / ".staging").exists() else True
    where = books / "documents" / folder
    recorded = _recorded(books, kind, folder)
    if not where.exists():
        assert not recorded, f"{len(recorded)} documents recorded but none on disk"
        return "nothing"
    register = json.loads((where / "register.json").read_text())
    docx = sorted(p.name for p in where.glob("*.docx"))
    assert sorted(r["document"] for r in register) == docx, "register and documents differ"
    assert len(list(where.glob("*.md"))) == len(docx)
    for row in register:
        digest = hashlib.sha256((where / row["document"]).read_bytes()).hexdigest()
        assert digest == row["sha256"] == recorded[row["document"]], row["document"]
    assert set(recorded) == set(docx), "journal and folder differ"
    return "complete"


def _duration(books: Path, args: tuple[str, ...], day: str, tmp: Path) -> float:
    """How long the command takes here, measured on a throwaway copy."""
    import shutil

    trial = tmp / "trial"
    shutil.copytree(books, trial)
    processes.warm()
    start = time.monotonic()
    proc = _spawn(trial, args, day)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return time.monotonic() - start


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_a_killed_batch_is_nothing_or_complete(template: Path, tmp_path: Path, batch: str) -> None:
    import shutil

    args, kind, folder, day = BATCHES[batch]
    took = _duration(template, args, day, tmp_path)
    rng = random.Random(f"{batch}-{KILLS}")
    outcomes: dict[str, int] = {"nothing": 0, "complete": 0, "finished": 0}
    for i in range(KILLS):
        books = tmp_path / f"books-{i}"  # fresh each time: a kill either leaves nothing or the whole batch
        shutil.copytree(template, books)
        proc = _spawn(books, args, day)
        time.sleep(rng.uniform(0.3, 1.1) * took)  # the writing and the commit come last
        outcomes["finished"] += proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        reopened = open_books(books)  # the next command finishes or undoes what was killed
        try:
            assert verify(reopened).ok
        finally:
            reopened.close()
        outcomes[assert_whole(books, kind, folder)] += 1
        if i == 0:  # the command run again completes the batch
            again = _spawn(books, args, day)
            _, err = again.communicate(timeout=120)
            assert again.returncode == 0, err
            assert assert_whole(books, kind, folder) == "complete"
        shutil.rmtree(books)
    print(f"{batch}: {KILLS} kills in {took:.1f} s runs -> {outcomes}")
