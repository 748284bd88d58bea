"""`coop --help` must answer in under 0.3 s: heavy modules are imported lazily.

Baseline in the same run: a bare `python -c pass`, the floor no command can beat.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best_of(cmd: list[str], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return min(times)


if __name__ == "__main__":
    floor = best_of([sys.executable, "-c", "pass"])
    helps = {args: best_of([sys.executable, "-m", "cli", *args]) for args in (("--help",), ("provider", "--help"), ("status", "--help"))}
    print(f"python -c pass (baseline): {floor:.3f} s")
    for args, t in helps.items():
        print(f"coop {' '.join(args):<16} {t:.3f} s   (+{t - floor:.3f} s over the baseline)")
    worst = max(helps.values())
    print(f"target (< 0.3 s): {'met' if worst < 0.3 else 'NOT met'}")
    modules = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, cli; print(sorted(m for m in ('pydantic','docx','jinja2','yaml','tabulate') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout.strip()
    print(f"heavy modules imported by cli.py at start-up: {modules}")
