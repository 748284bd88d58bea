"""Members voting at scale: a ballot cast through the engine at 1,000 and 10,000 members, then the close and the recount.

Each size: the books of ``scale_books`` (N providers), every member enrolled with a
credential, one general proposal open for voting, and all but a sample of the
members' ballots already recorded. Then the sample of members (the same count at
every size) each cast their ballot through ``ballots.cast``, as ``coop vote cast``
and the portal do: the credential checked, eligibility, the previous ballot, the
hash-chained entry. A ballot's work must not grow with the number of members or of
ballots already cast, or 10,000 members voting costs the square of 10,000.

Baseline in the same run: one journal entry appended in its own transaction (what
recording any ballot must cost). Credentials are made at the test suite's scrypt
cost (``COOP_TEST_SCRYPT_N``, recorded in each hash) so the bench times the books,
not the key derivation; one check at the real cost is printed beside it. Then the
proposal is closed (the count) and ``audit verify`` recounts every vote.

    python bench/bench_votes.py [--sizes 1000 10000] [--sample 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("COOP_TEST_SCRYPT_N", "2")

from scale_books import build

from engine.books.folder import open_books
from engine.books.rules import Matter
from engine.governance import ballots, credentials, decisions, proposals

OPENED_ON = "2027-07-01T09:00:00"
VOTING_ON = "2027-08-02T09:00:00"
CLOSING_ON = "2027-09-30T09:00:00"


def secret(member: str) -> str:
    return f"pass-{member}-2027"


def prepare(folder: Path, n: int, sample: int) -> list[str]:
    """Books with N members enrolled, P-1 open for voting, and every ballot but the sample's recorded; the sample's ids."""
    build(folder, n)
    books = open_books(folder)
    members = [m.id for m in proposals.active(books, date(2027, 8, 2))]
    with books.transaction() as w:
        for m in members:
            w.append(credentials.SET, date(2027, 6, 1), {"member": m, **credentials.make(secret(m)).as_json()})
    os.environ["COOP_NOW"] = OPENED_ON
    p = proposals.open_proposal(
        books, Matter.general, {"text": "Keep the shared calendar"}, title="Shared calendar", deadline=date(2027, 9, 29)
    )
    assert p.voting_opens <= date.fromisoformat(VOTING_ON[:10]), p.voting_opens
    os.environ["COOP_NOW"] = VOTING_ON
    step = max(1, len(members) // sample)
    chosen = set(members[::step][:sample])
    with books.transaction() as w:
        opened = proposals.load(books, p.number)
        proposals.freeze(w, books, opened)
        for m in members:
            if m not in chosen:
                w.append(
                    proposals.BALLOT, date(2027, 8, 2), {"member": m, "choice": "yes", "reason": "", "phase": "voting"}, ref=p.opened.seq
                )
    books.close()
    return sorted(chosen)


def run(n: int, sample: int, root: Path) -> dict[str, float]:
    folder = root / f"books-{n}"
    chosen = prepare(folder, n, sample)
    books = open_books(folder)
    os.environ["COOP_NOW"] = VOTING_ON
    t = time.perf_counter()
    for m in chosen:
        ballots.cast(books, "P-1", m, "no", secret(m))
    cast_s = (time.perf_counter() - t) / len(chosen)
    t = time.perf_counter()
    for _ in chosen:
        with books.transaction() as w:
            w.append("bench.note", date(2027, 8, 2), {"member": chosen[0], "choice": "no"})
    base_s = (time.perf_counter() - t) / len(chosen)
    os.environ["COOP_NOW"] = CLOSING_ON
    t = time.perf_counter()
    p = decisions.close(books, "P-1")
    close_s = time.perf_counter() - t
    assert p.final is not None and p.final.data["counts"]["no"] == len(chosen), p.final.data
    books.close()
    from click.testing import CliRunner

    from cli import main

    t = time.perf_counter()
    r = CliRunner().invoke(main, ["--books", str(folder), "audit", "verify"])
    verify_s = time.perf_counter() - t
    assert r.exit_code == 0, r.output
    return {"members": n, "cast": cast_s, "base": base_s, "close": close_s, "verify": verify_s}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    ap.add_argument("--sample", type=int, default=200, help="ballots cast through the engine at each size")
    args = ap.parse_args()
    salt = os.urandom(16)
    t = time.perf_counter()
    credentials.derive("a real credential", salt, credentials.N, credentials.R, credentials.P)
    real = time.perf_counter() - t
    print(
        f"{'members':>8} | {'ballot ms':>9} {'one entry ms':>12} {'x':>5} | {'all ballots s':>13} | {'close s':>7} {'audit verify s':>14}"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="coop-bench-votes-") as tmp:
        for n in args.sizes:
            r = run(n, args.sample, Path(tmp))
            results.append(r)
            print(
                f"{n:>8,} | {1000 * r['cast']:>9.2f} {1000 * r['base']:>12.2f} {r['cast'] / r['base']:>5.1f} | {n * r['cast']:>13.1f} | "
                f"{r['close']:>7.2f} {r['verify']:>14.2f}"
            )
    first, last = results[0], results[-1]
    if last["members"] != first["members"]:
        grow = last["members"] / first["members"]
        print(
            f"growth x{grow:.0f} members: one ballot x{last['cast'] / first['cast']:.1f} (flat is x1), all ballots "
            f"x{grow * last['cast'] / first['cast']:.1f} (linear is x{grow:.0f}), close x{last['close'] / first['close']:.1f}, "
            f"audit verify x{last['verify'] / first['verify']:.1f}"
        )
    print(f"(a credential check at the real scrypt cost adds {1000 * real:.0f} ms to every ballot, whatever the size)")


if __name__ == "__main__":
    main()
