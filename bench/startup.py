"""Start-up of everyday commands on the demo's books, against a bare ``python -c pass`` in the same run.

Each command runs N times as its own process (like hyperfine); the best and the median are shown,
and how far each is above the floor no command can beat. Goal: within 0.15 s of ``python -c pass``.
Also lists which heavy modules each command imported that it did not need to.

Runs with bytecode caching on, as an installed coop runs (``pip install`` compiles it), after
one warm-up run per command: with ``PYTHONDONTWRITEBYTECODE`` set, every start would compile
every module from source again, which is not start-up but compiling. ``--no-bytecode`` measures that.

    python bench/startup.py [--runs 15] [--books DIR]   # DIR: a 'coop demo' folder (made in a temp folder if omitted)
"""

from __future__ import annotations

import argparse
import os
import resource
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


CPU: list[float] = []
"""The processor time (user + system) of each run, beside its wall time: on a shared machine the
wall clock includes waiting for a core, the processor time only what the command itself spent."""


def times(cmd: list[str], runs: int, env: dict[str, str]) -> list[float]:
    out = []
    CPU.clear()
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env)
        out.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
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
    ap.add_argument("--no-bytecode", action="store_true", help="compile every module from source at every start")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="coop-startup-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["COOP_NOW"] = "2027-12-20T09:00:00"
        if args.no_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        books = args.books
        if books is None:
            books = Path(tmp) / "demo"
            subprocess.run([sys.executable, "-m", "cli", "demo", str(books)], check=True, capture_output=True, cwd=ROOT, env=env)
        floor = times([sys.executable, "-c", "pass"], args.runs, env)
        base, base_cpu = min(floor), min(CPU)
        print(f"{'command':<22} {'best s':>7} {'median s':>9} {'over floor':>11} {'cpu s':>6} {'over':>7}  heavy modules imported")
        print(f"{'python -c pass':<22} {base:7.3f} {statistics.median(floor):9.3f} {'':>11} {base_cpu:6.3f}")
        worst = worst_cpu = 0.0
        for c in COMMANDS:
            full = ["--books", str(books), *c] if c != ["--help"] else c
            times([sys.executable, "-m", "cli", *full], 1, env)  # warm-up: writes the bytecode an installed coop has
            ts = times([sys.executable, "-m", "cli", *full], args.runs, env)
            over, cpu = min(ts) - base, min(CPU)
            worst, worst_cpu = max(worst, over), max(worst_cpu, cpu - base_cpu)
            print(
                f"{'coop ' + ' '.join(c):<22} {min(ts):7.3f} {statistics.median(ts):9.3f} {over:+11.3f} {cpu:6.3f} {cpu - base_cpu:+7.3f}  "
                f"{' '.join(imported(full, env))}"
            )
        print(
            f"goal (every command within 0.15 s of python -c pass): wall {'met' if worst <= 0.15 else 'NOT met'} (worst +{worst:.3f} s), "
            f"processor time {'met' if worst_cpu <= 0.15 else 'NOT met'} (worst +{worst_cpu:.3f} s)"
        )


if __name__ == "__main__":
    main()
