"""State at scale: everyday reads and the two writes of a cycle, at 1,000 and 10,000 providers.

Each size: the books of ``scale_books``. Timed in-process through the command
line (click's runner, as ``coop`` runs them, without process start-up):
``status --as-of``, ``provider list --json``, ``fees recalc`` and ``cycle close``
(each write on a fresh copy of the journal). Baseline in the same run, per
command: a bare sqlite3 read of the rows that command needs (roster changes;
roster changes and budget lines; and for the close the payments and expenses
too). Goal: each within 2x its baseline, growing linearly (about x10 for x10).

    python bench/bench_state.py [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from click.testing import CliRunner
from scale_books import build

from cli import main
from engine.books.journal import FILENAME

ROSTER = "('provider.joined', 'provider.left')"
BUDGET = "('provider.joined', 'provider.left', 'budget.line_set', 'fee.set')"
CLOSE = "('provider.joined', 'provider.left', 'budget.line_set', 'fee.set', 'payment.received', 'expense.paid', 'cycle.closed')"


def read(folder: Path, kinds: str) -> Callable[[], None]:
    def go() -> None:
        with sqlite3.connect(folder / FILENAME) as conn:
            rows = conn.execute(f"SELECT kind, on_date, data FROM entries WHERE kind IN {kinds}").fetchall()
        assert rows

    return go


def best(fn: Callable[[], object], repeat: int = 3, fresh: Callable[[], None] | None = None) -> float:
    out = []
    for _ in range(repeat):
        if fresh:
            fresh()
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def run(n: int, root: Path) -> dict[str, tuple[float, float]]:
    source = root / f"source-{n}"
    build(source, n)
    runner = CliRunner()
    work = root / f"work-{n}"

    def coop(*args: str, at: Path = source) -> Callable[[], None]:
        def go() -> None:
            r = runner.invoke(main, ["--books", str(at), *args], env={"COOP_NOW": "2027-07-10T09:00:00"})
            assert r.exit_code == 0, r.output

        return go

    def copy(recalc: bool = False) -> Callable[[], None]:
        def go() -> None:
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(source, work)
            if recalc:
                coop("fees", "recalc", "2027-01", at=work)()

        return go

    return {
        "status --as-of": (best(coop("status", "--as-of", "2027-06-15")), best(read(source, ROSTER))),
        "provider list --json": (best(coop("provider", "list", "--json")), best(read(source, ROSTER))),
        "fees recalc": (best(coop("fees", "recalc", "2027-01", at=work), fresh=copy()), best(read(source, BUDGET))),
        "cycle close": (best(coop("cycle", "close", "2027-01", at=work), fresh=copy(recalc=True)), best(read(source, CLOSE))),
    }


def main_() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    args = ap.parse_args()
    os.environ.setdefault("COOP_NOW", "2027-07-10T09:00:00")
    with tempfile.TemporaryDirectory(prefix="coop-bench-state-") as tmp:
        results = [(n, run(n, Path(tmp))) for n in args.sizes]
    print(f"{'command':<22} " + " ".join(f"{f'{n:,}: s':>10} {'sqlite3':>8} {'x':>5}" for n, _ in results) + "  growth")
    for name in results[0][1]:
        cells = []
        for _, r in results:
            t, b = r[name]
            cells.append(f"{t:>10.3f} {b:>8.3f} {t / b:>5.1f}")
        (_, r0), (_, r1) = results[0], results[-1]
        growth = r1[name][0] / r0[name][0]
        print(f"{name:<22} " + " ".join(cells) + f"  x{growth:.1f}")
    n1, r1 = results[-1]
    ok = all(t <= 2 * b for t, b in r1.values())
    print(
        f"goal at {n1:,} (each within 2x a bare sqlite3 read of its rows): {'met' if ok else 'NOT met'}; linear growth is about "
        f"x{results[-1][0] / results[0][0]:.0f}"
    )


if __name__ == "__main__":
    main_()
