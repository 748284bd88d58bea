"""Benchmark: ``fees recalc`` plus ``cycle close`` at 1k and 10k providers (100k with --big).

Each size: the books of ``scale_books`` (N providers, 1 in 50 joining mid-cycle
and 1 in 50 leaving, 12 payments each: 120,000 at 10k), closed with a surplus
refunded to every provider charged (``--deficit``: a deficit carried). Timed: opening the books, setting the
fee, closing the cycle. Baseline, measured on the same rows in the same run:
one bare SQL aggregate of the payments per provider, the least any close
must do. Target: recalc + close under 2 s at 10k, growing about linearly.

    python bench/bench_fees.py [--big] [--deficit]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_books import build

from engine.books.cycles import parse_cycle
from engine.books.folder import open_books
from engine.ledger import closing, fees


def measure(n: int, repeats: int = 3, refunding: bool = True) -> dict[str, float]:
    """Best of ``repeats`` runs, each on a fresh copy of the same journal (the close writes)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source"
        build(source, n, refunding)
        best: dict[str, float] = {}
        for k in range(repeats):
            folder = Path(tmp) / f"run{k}"
            shutil.copytree(source, folder)
            r = _once(folder, n)
            best = {key: min(v, best.get(key, v)) for key, v in r.items()}
        return best


def _once(folder: Path, n: int) -> dict[str, float]:
    t0 = time.perf_counter()
    books = open_books(folder)
    opened = time.perf_counter() - t0
    cycle = parse_cycle("2027-01", books.federation.cycle)
    t0 = time.perf_counter()
    fees.recalc(books, cycle)
    recalc = time.perf_counter() - t0
    t0 = time.perf_counter()
    result, _, _ = closing.close(books, cycle, date(2027, 7, 10))
    close = time.perf_counter() - t0
    assert result.profit == 0 and sum(result.refunds.values()) == max(result.surplus, 0)
    assert (len(result.refunds) > 0.9 * n) == (result.surplus > 0)
    t0 = time.perf_counter()
    rows = books.journal.conn.execute(
        "SELECT json_extract(data, '$.provider'), SUM(json_extract(data, '$.amount')) FROM entries "
        "WHERE kind = 'payment.received' GROUP BY 1"
    ).fetchall()
    baseline = time.perf_counter() - t0
    assert len(rows) == n
    books.close()
    return {"open": opened, "recalc": recalc, "close": close, "total": recalc + close, "baseline": baseline}


def main() -> None:
    sizes = [1_000, 10_000] + ([100_000] if "--big" in sys.argv else [])
    heads = [("providers", 10), ("payments", 9), ("open s", 7), ("recalc s", 9), ("close s", 8), ("recalc+close", 13)]
    heads += [("SQL baseline s", 15), ("x baseline", 11)]
    print(" ".join(f"{h:>{w}}" for h, w in heads))
    first = None
    refunding = "--deficit" not in sys.argv
    print(f"(the close {'refunds a surplus to every provider charged' if refunding else 'carries a deficit'})")
    for n in sizes:
        r = measure(n, refunding=refunding)
        total = r["total"]
        first = first or (n, total, r["baseline"])
        print(
            f"{n:>10,} {12 * n:>9,} {r['open']:>7.3f} {r['recalc']:>9.3f} {r['close']:>8.3f} "
            f"{total:>13.3f} {r['baseline']:>15.3f} {total / r['baseline']:>11.1f}"
        )
        if n != first[0]:
            print(
                f"growth x{n // first[0]} providers: recalc+close x{total / first[1]:.1f}, baseline x{r['baseline'] / first[2]:.1f} "
                f"(linear: about x{n // first[0]})"
            )
    print("(best of 3 runs on copies of one journal; build time not counted)")


if __name__ == "__main__":
    main()
