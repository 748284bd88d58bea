"""How long deciding whether a vote may close early takes, against one plain tally (and a credential check).

``certain`` tries every way the members who have not voted could still vote,
so its cost grows with the number outstanding; this prints both timings for
federations of growing size so a regression shows as a ratio, not a clock.

    python bench/bench_tally.py
"""

from __future__ import annotations

import timeit

from engine.books.rules import Matter
from engine.governance.credentials import N, P, R, derive
from engine.governance.tally import Counts, certain, decide
from engine.models.federation.rules import RULES as DEFAULT_RULES


def main() -> None:
    rule = DEFAULT_RULES[Matter.termination]
    print(f"{'members':>8} {'outstanding':>11} {'tally (us)':>11} {'certain (ms)':>13} {'ratio':>8}")
    for members in (10, 50, 100, 200):
        # Already decided (two thirds of all eligible said yes): the worst case, every completion is tried.
        counts = Counts(members, yes=-(-2 * members // 3))
        outstanding = members - counts.participants
        base = min(timeit.repeat(lambda c=counts: decide(rule, c), number=200, repeat=3)) / 200
        runs = 3 if members >= 100 else 20
        check = min(timeit.repeat(lambda c=counts: certain(rule, c), number=runs, repeat=3)) / runs
        print(f"{members:>8} {outstanding:>11} {base * 1e6:>11.1f} {check * 1e3:>13.1f} {check / base:>8.0f}")
    scrypt = min(timeit.repeat(lambda: derive("a member's credential", b"0123456789abcdef", N, R, P), number=5, repeat=3)) / 5
    print(f"one credential check (scrypt n=2**14, r=8): {scrypt * 1e3:.0f} ms, {scrypt / base:.0f}x a tally")


if __name__ == "__main__":
    main()
