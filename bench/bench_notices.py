"""Benchmark: issuing every provider's cycle statement (and leavers' settlement letters) after a close.

Each size: the fee benchmark's federation (N providers, 1 in 50 joining
mid-cycle and 1 in 50 leaving, 12 payments each), its first cycle closed.
Timed: working out every statement document from the books (one read of the
cycle for all of them), then rendering, writing and recording them. Baseline,
in the same run: the statement CSV of every provider from the same data, the
least any per-provider report must do. Target: 1,000 statements issued in
under 30 s, growing linearly (the statements themselves, not the reading).

    python bench/bench_notices.py [N ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_fees import build

from engine.books.cycles import parse_cycle
from engine.books.folder import open_books
from engine.documents import notices, statements
from engine.ledger import closing, fees


def run(n: int) -> None:
    with tempfile.TemporaryDirectory(prefix="coop-bench-notices-") as tmp:
        folder = Path(tmp) / "books"
        build(folder, n)
        books = open_books(folder)
        cycle = parse_cycle("2027-01", books.federation.cycle)
        fees.recalc(books, cycle)
        closing.close(books, cycle, date(2027, 7, 10))
        t0 = time.perf_counter()
        shared = statements.cycle_books(books, cycle)
        csvs = [statements.statement_csv(statements.statement(books, pid, cycle, shared)) for pid in shared.charges]
        t1 = time.perf_counter()
        prepared = notices.statement_documents(books, cycle, date(2027, 7, 10))
        t2 = time.perf_counter()
        done = notices.issue(books, prepared, Path(tmp) / "documents", date(2027, 7, 10))
        t3 = time.perf_counter()
        books.close()
        print(
            f"{n:>6} providers: baseline CSV x{len(csvs)} {t1 - t0:6.2f} s | documents worked out {t2 - t1:6.2f} s, "
            f"rendered+written+recorded x{len(done)} {t3 - t2:6.2f} s ({1000 * (t3 - t2) / len(done):.0f} ms each)"
        )


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [100, 1000]:
        run(size)
