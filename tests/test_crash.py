"""A command killed mid-way leaves the books as they were: still open, still verifying."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from engine.audit.verify import verify
from engine.books.folder import open_books
from engine.books.journal import FILENAME

ROWS = 30_000


def _committed_joins(folder: Path) -> int:
    conn = sqlite3.connect(f"file:{folder / FILENAME}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM entries WHERE kind = 'provider.joined'").fetchone()[0]
    finally:
        conn.close()


def test_sigkill_while_writing_a_batch(books_dir: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    lines = ["id,name,practice,licence,email,start"]
    lines += [f"p{i:05d},Provider {i},Practice {i} LLC,LIC-{i},p{i}@example.org,2027-02-01" for i in range(ROWS)]
    roster.write_text("\n".join(lines) + "\n")
    wal = books_dir / f"{FILENAME}-wal"
    command = [sys.executable, "-m", "cli", "--books", str(books_dir), "provider", "import", str(roster)]
    env = {**os.environ, "COOP_NOW": "2027-01-20T10:00:00"}

    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    killed_mid_write = False
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        # Rows are in the WAL but not committed: the batch is half written.
        if wal.exists() and wal.stat().st_size > 256 * 1024 and _committed_joins(books_dir) == 0:
            proc.send_signal(signal.SIGKILL)
            killed_mid_write = True
            break
        time.sleep(0.002)
    proc.wait(timeout=30)
    assert killed_mid_write, "the import finished before it could be killed mid-write"
    assert proc.returncode == -signal.SIGKILL

    books = open_books(books_dir)
    try:
        assert _committed_joins(books_dir) == 0, "none of a killed batch is recorded"
        assert verify(books).ok
    finally:
        books.close()

    # The same command run to the end records the whole batch, and the books still verify.
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _committed_joins(books_dir) == ROWS
    books = open_books(books_dir)
    try:
        report = verify(books)
        assert report.ok and report.entries == ROWS + 1
    finally:
        books.close()
