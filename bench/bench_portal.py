"""50 members at once on loopback: the proposal page and a ballot through ``coop serve``, against a bare route of the same server.

Each simulated member signs in once with their credential, then loads the
proposal's page and casts a ballot, all 50 at the same moment. Reported:
p50 and p99 latency of each, ballots recorded per second, and the same
server's bare ``/ping`` under the same load as the baseline. A credential
ballot costs one scrypt check (the point of a credential), so the ballot
figures are also given against one scrypt derivation.

    python bench/bench_portal.py [--members 50]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def founding(members: int) -> str:
    from engine.models.federation.demo import founding_text

    text = founding_text()
    extra = "".join(
        f'  - id: m{i:03d}\n    name: "Member {i}"\n    practice: "Practice {i} PLLC"\n    licence: "LPC-{i}"\n'
        f"    email: m{i}@example.org\n    start: 2027-01-01\n"
        for i in range(members - 6)
    )
    return text.replace("providers:\n", "providers:\n" + extra, 1)


def coop(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    out = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "--books", str(folder), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return out.stdout


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def burst(n: int, work) -> tuple[list[float], float]:
    """Run ``work(i)`` for i in 0..n-1 at once; each call's latency and the wall time of the burst."""
    times = [0.0] * n
    gate = threading.Barrier(n + 1)

    def one(i: int) -> None:
        gate.wait()
        t = time.perf_counter()
        work(i)
        times[i] = time.perf_counter() - t

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    gate.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return times, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50)
    n = parser.parse_args().members
    os.environ.setdefault("COOP_NOW", "2027-01-15T09:00:00")
    sys.path.insert(0, str(ROOT))
    from engine.books.founding import create_books
    from engine.governance.credentials import cost, derive

    tmp = Path(tempfile.mkdtemp(prefix="coop-bench-portal-"))
    folder = tmp / "books"
    create_books(folder, text=founding(n))
    books_yaml = (folder / "federation.yaml").read_text()
    ids = re.findall(r"^  - id: (\S+)\n    name:", books_yaml, re.M)[:n]
    print(f"setting up {len(ids)} members ...", flush=True)
    for m in ids:
        code = coop(folder, "member", "invite", m).strip().splitlines()[-1]
        coop(folder, "member", "credential", "set", m, "--invitation", code, env={"COOP_CREDENTIAL": f"pass-{m}-2027"})
    coop(folder, "propose", "general", "--text", "Hold the spring retreat in Asheville", "--title", "Spring retreat")

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "--books", str(folder), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/ping")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        clients = [httpx.Client(base_url=base, follow_redirects=False) for _ in ids]
        tokens: list[str] = []
        for m, c in zip(ids, clients, strict=True):
            page = c.get("/signin").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            c.post("/signin", data={"csrf": csrf, "member": m, "credential": f"pass-{m}-2027"})
            tokens.append(re.search(r'name="csrf" value="([^"]+)"', c.get("/").text).group(1))
        bare, bare_wall = burst(len(ids), lambda i: clients[i].get("/ping"))
        pages, pages_wall = burst(len(ids), lambda i: clients[i].get("/proposals/P-1"))

        def vote(i: int) -> None:
            r = clients[i].post(
                "/proposals/P-1/ballot", data={"csrf": tokens[i], "choice": "yes", "credential": f"pass-{ids[i]}-2027"}
            )
            assert r.status_code == 303, r.text[:300]

        ballots, ballots_wall = burst(len(ids), vote)
        scrypt = min(timeit_once(lambda: derive("x", b"0123456789abcdef", *cost())) for _ in range(3))
        cast = coop(folder, "proposal", "show", "P-1")
        assert f"{len(ids)}" in cast
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"{'route':<22}{'p50 ms':>9}{'p99 ms':>9}{'wall s':>9}{'per s':>9}")
    for name, times, wall in (("/ping (bare)", bare, bare_wall), ("proposal page", pages, pages_wall), ("ballot", ballots, ballots_wall)):
        print(f"{name:<22}{pct(times, .5):>9.1f}{pct(times, .99):>9.1f}{wall:>9.2f}{len(times) / wall:>9.1f}")
    print(f"proposal page p99 / bare p99: {pct(pages, .99) / pct(bare, .99):.1f}x; ballot p99 / bare p99: {pct(ballots, .99) / pct(bare, .99):.1f}x")
    print(f"one scrypt check {scrypt * 1000:.0f} ms; {len(ids)} ballots need {len(ids) * scrypt:.2f} s of scrypt on one core")


def timeit_once(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
