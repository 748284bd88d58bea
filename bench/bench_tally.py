"""How long deciding whether a vote may close early takes, against one plain tally, up to 10,000 members.

``certain`` asks whether any way the members who have not voted could still
vote changes the outcome; it must grow linearly with the number outstanding.
Baseline in the same run: one ``decide`` of the same counts (what closing at
the deadline costs). Sizes step x10 (1,000 to 10,000) so growth is measured,
with 800 and 3,200 members for comparison with earlier figures. Target: under
1 s at 10,000 members.

    python bench/bench_tally.py
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.books.rules import Matter
from engine.governance.credentials import N, P, R, derive
from engine.governance.tally import Counts, certain, decide
from engine.models.federation.rules import RULES as DEFAULT_RULES


def best(fn: object, number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=3)) / number  # type: ignore[arg-type]


def main() -> None:
    rules = {"two thirds of eligible": DEFAULT_RULES[Matter.termination], "majority of votes cast": DEFAULT_RULES[Matter.onboarding]}
    print(f"{'rule':<24} {'members':>8} {'outstanding':>11} {'tally (us)':>11} {'certain (ms)':>13} {'x tally':>8}")
    for name, rule in rules.items():
        seen: dict[int, float] = {}
        for members in (800, 1_000, 3_200, 10_000):
            # Already decided (two thirds of all eligible said yes): every check runs to the end before it answers.
            counts = Counts(members, yes=-(-2 * members // 3))
            outstanding = members - counts.participants
            base = best(lambda c=counts, r=rule: decide(r, c), 500)
            check = best(lambda c=counts, r=rule: certain(r, c), 3)
            assert certain(rule, counts) is not None
            seen[members] = check
            print(f"{name:<24} {members:>8,} {outstanding:>11,} {base * 1e6:>11.1f} {check * 1e3:>13.1f} {check / base:>8.0f}")
        print(f"{'':<24} growth 1,000 -> 10,000 members (x10): certain x{seen[10_000] / seen[1_000]:.1f} (linear: about x10)")
        print(f"{'':<24} target (< 1 s at 10,000): {'met' if seen[10_000] < 1 else 'NOT met'}")
    scrypt = best(lambda: derive("a member's credential", b"0123456789abcdef", N, R, P), 5)
    print(f"one credential check (scrypt n=2**14, r=8): {scrypt * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
