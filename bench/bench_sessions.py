"""Benchmark: a session split co-op's year at volume (20,000 sessions; 100,000 with --big).

Timed: importing the year's sessions from one CSV (every row validated, split
through allocate() and appended to the hash-chained journal in one
transaction), closing the four quarters, and one member's annual statement.
Baseline, measured on the same rows in the same run: a bare ``executemany``
of the rows into a plain SQLite table, the least any import must do.
Target: the import within 15x the baseline (each journal entry costs two JSON
encodings and a SHA-256 for the hash chain); four closes and a statement under 1 s.

    python bench/bench_sessions.py [--big]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.books.cycles import parse_cycle
from engine.books.folder import open_books
from engine.books.founding import create_books
from engine.ledger.closing import close
from engine.models.session_split.demo import MEMBERS, founding_text
from engine.models.session_split.sessions import import_sessions, write_sessions_csv
from engine.models.session_split.statements import annual_statement


def rows(n: int) -> list[tuple[str, int, date, str]]:
    ids = [m[0] for m in MEMBERS]
    return [(ids[i % 3], 12000 if i % 6 else 9005, date(2027, 1, 1) + timedelta(days=i * 365 // n), f"r{i}") for i in range(n)]


def baseline(data: list[tuple[str, int, date, str]]) -> float:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE s (member TEXT, fee INTEGER, on_date TEXT, ref TEXT)")
    t = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO s VALUES (?, ?, ?, ?)", [(m, f, d.isoformat(), r) for m, f, d, r in data])
    return time.perf_counter() - t


def run(n: int) -> None:
    data = rows(n)
    with tempfile.TemporaryDirectory(prefix="split-bench-") as tmp:
        folder = Path(tmp) / "books"
        create_books(folder, text=founding_text())
        csv_path = Path(tmp) / "sessions.csv"
        csv_path.write_text(write_sessions_csv(data))
        books = open_books(folder)
        t = time.perf_counter()
        done = import_sessions(books, csv_path)
        imported = time.perf_counter() - t
        t = time.perf_counter()
        for q in ("2027-01", "2027-04", "2027-07", "2027-10"):
            close(books, parse_cycle(q, books.federation.cycle), date(2028, 1, 5))
        closed = time.perf_counter() - t
        t = time.perf_counter()
        annual_statement(books, MEMBERS[0][0], 2027)
        stated = time.perf_counter() - t
        books.close()
    base = baseline(data)
    print(
        f"{n:>7} sessions: import {imported:6.2f} s ({len(done)} rows; baseline insert {base:.3f} s, x{imported / base:.0f}), "
        f"4 closes {closed:5.2f} s, annual statement {stated:5.2f} s"
    )


if __name__ == "__main__":
    for size in (20_000, 100_000) if "--big" in sys.argv else (20_000,):
        run(size)
