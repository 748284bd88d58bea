"""Start-up of everyday commands on the demo's books, against a bare ``python -c pass`` in the same run.

Each command runs N times as its own process (like hyperfine); the best and the median are shown,
and how far each is above the floor no command can beat. Goal: within 0.15 s of ``python -c pass``.
Also lists which heavy modules each command imported that it did not need to.

    python bench/startup.py [--runs 15] [--books DIR]   # DIR: a 'coop demo' folder (made in a temp folder if omitted)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = [
    ["--help"],
    ["status"],
    ["proposal", "list"],
    ["fees", "show", "2027-01"],
    ["audit", "verify"],
    ["ledger", "balances"],
]
HEAVY = ("docx", "jinja2", "markdown_it", "tabulate", "lxml")


def times(cmd: list[str], runs: int, env: dict[str, str]) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
        out.append(time.perf_counter() - t)
    return out


def imported(args: list[str], env: dict[str, str]) -> list[str]:
    """Heavy modules loaded by the time the command has run."""
    probe = (
        "import sys, runpy; sys.argv = ['coop', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('cli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=ROOT, env=env)
    return r.stderr.strip().splitlines()[-1].split() if r.stderr.strip() else []


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--books", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="coop-startup-") as tmp:
        env = {**os.environ, "COOP_NOW": "2027-12-20T09:00:00"}
        books = args.books
        if books is None:
            books = Path(tmp) / "demo"
            subprocess.run([sys.executable, "-m", "cli", "demo", str(books)], check=True, capture_output=True, cwd=ROOT, env=env)
        floor = times([sys.executable, "-c", "pass"], args.runs, env)
        base = min(floor)
        print(f"{'command':<22} {'best s':>7} {'median s':>9} {'over floor':>11}  heavy modules imported")
        print(f"{'python -c pass':<22} {base:7.3f} {statistics.median(floor):9.3f} {'':>11}")
        worst = 0.0
        for c in COMMANDS:
            full = ["--books", str(books), *c] if c != ["--help"] else c
            ts = times([sys.executable, "-m", "cli", *full], args.runs, env)
            over = min(ts) - base
            worst = max(worst, over)
            print(f"{'coop ' + ' '.join(c):<22} {min(ts):7.3f} {statistics.median(ts):9.3f} {over:+11.3f}  {' '.join(imported(full, env))}")
        print(f"goal (every command within 0.15 s of python -c pass): {'met' if worst <= 0.15 else 'NOT met'} (worst +{worst:.3f} s)")


if __name__ == "__main__":
    main()
