"""How fast the books answer at scale: `status --as-of` and `audit verify`.

Builds federations with P providers (joins in the journal), 2,000 budget
changes and filler entries up to E journal entries, at three sizes, and times
each command in-process next to a baseline measured in the same run: a bare
sqlite3 query reading the same rows (and, for verify, hashing them once).

Target: under 1 s each at 10,000 providers and 100,000 entries, and linear
growth (time ratio close to the size ratio).

    python bench/bench_books.py            # full sizes
    python bench/bench_books.py --quick    # a smaller run for a quick look
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("COOP_NOW", "2027-01-02T09:00:00")

from click.testing import CliRunner

from cli import main
from engine.books.folder import open_books
from engine.books.founding import create_books
from engine.books.journal import FILENAME
from engine.models.federation.demo import founding_text


def build(folder: Path, providers: int, budget_changes: int, entries: int) -> None:
    create_books(folder, text=founding_text())
    books = open_books(folder)
    start = date(2027, 1, 1)
    with books.transaction() as w:
        for i in range(providers):
            day = start + timedelta(days=i % 365)
            w.append(
                "provider.joined",
                day,
                {
                    "provider": {
                        "id": f"p{i:06d}",
                        "name": f"Provider {i}",
                        "practice": f"Practice {i} LLC",
                        "licence": f"LIC-{i}",
                        "email": f"p{i}@example.org",
                        "start": day.isoformat(),
                    }
                },
            )
        for i in range(budget_changes):
            day = start + timedelta(days=i % 700)
            w.append(
                "budget.line_set",
                day,
                {
                    "line": {
                        "id": f"line-{i % 40}",
                        "name": f"Line {i % 40}",
                        "category": "other",
                        "monthly": f"{100 + i % 97}.00",
                        "vendor": "Vendor",
                        "cooperative_vendor": False,
                        "from": day.isoformat(),
                        "until": None,
                    },
                    "note": "",
                },
            )
        filler = entries - providers - budget_changes - 1
        for i in range(max(filler, 0)):
            w.append("bench.note", start + timedelta(days=i % 700), {"n": i, "text": "a payment-sized record of filler"})
    books.close()


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def run(size: tuple[int, int, int], root: Path) -> dict[str, float]:
    providers, changes, entries = size
    folder = root / f"b{providers}-{entries}"
    t = time.perf_counter()
    build(folder, providers, changes, entries)
    built = time.perf_counter() - t
    runner = CliRunner()

    def status() -> None:
        r = runner.invoke(main, ["--books", str(folder), "status", "--as-of", "2028-06-01"])
        assert r.exit_code == 0, r.output

    def verify() -> None:
        r = runner.invoke(main, ["--books", str(folder), "audit", "verify"])
        assert r.exit_code == 0, r.output

    def baseline_read() -> None:
        with sqlite3.connect(folder / FILENAME) as conn:
            rows = conn.execute(
                "SELECT kind, on_date, data FROM entries WHERE kind IN ('provider.joined','provider.left','budget.line_set')"
            ).fetchall()
        assert rows

    def baseline_hash() -> None:
        with sqlite3.connect(folder / FILENAME) as conn:
            for row in conn.execute("SELECT seq, kind, on_date, recorded_at, data, ref, prev_hash FROM entries ORDER BY seq"):
                hashlib.sha256(repr(row).encode()).digest()

    return {
        "build": built,
        "status": best_of(status),
        "status_baseline": best_of(baseline_read),
        "verify": best_of(verify),
        "verify_baseline": best_of(baseline_hash),
    }


def main_() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = [(1_000, 200, 10_000), (2_500, 500, 25_000), (5_000, 1_000, 50_000), (10_000, 2_000, 100_000)]
    if args.quick:
        sizes = sizes[:2]
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'providers':>9} {'entries':>8} | {'status':>8} {'baseline':>8} | {'verify':>8} {'baseline':>8} | (seconds, best of 3)")
        results = []
        for size in sizes:
            r = run(size, Path(tmp))
            results.append((size, r))
            print(
                f"{size[0]:>9,} {size[2]:>8,} | {r['status']:8.3f} {r['status_baseline']:8.3f} | {r['verify']:8.3f} {r['verify_baseline']:8.3f} |"
            )
        (_p0, _, e0), r0 = results[0]
        (p1, _, e1), r1 = results[-1]
        print(
            f"growth from {e0:,} to {e1:,} entries (x{e1 / e0:.0f}): status x{r1['status'] / r0['status']:.1f}, verify x{r1['verify'] / r0['verify']:.1f}"
        )
        ok = r1["status"] < 1.0 and r1["verify"] < 1.0
        print(f"target (< 1 s each at {p1:,} providers, {e1:,} entries): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main_()
