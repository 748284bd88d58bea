"""50 members at once on loopback: the proposal page and a ballot through ``coop serve``, against a bare route of the same server.

Each simulated member signs in once with their credential, then loads the
proposal's page and casts a ballot, all 50 at the same moment. Reported:
p50 and p99 latency of each, ballots recorded per second, and the same
server's bare ``/ping`` under the same load as the baseline. A credential
ballot costs one scrypt check (the point of a credential), so the ballot
figures are also given against one scrypt derivation. Each line also gives
the processor time per request of the server and of the clients (this
process): both share this machine's cores, so wall clocks measure both.

A burst of ballots cannot finish sooner than its scrypt checks allow: fifty
checks of ~37 ms on two cores take ~0.9 s however the rest is done, so the
slowest of fifty simultaneous ballots (their p99) waits at least that long.

A burst of 50 at once is the worst moment, not a day: ``--steady SECONDS``
then runs the same members for that long with think time (a page every 0.5
to 1.5 s each, and one ballot each at a random moment), and reports the same
figures for that load. ``--prepared DIR`` keeps the set-up books in DIR and
copies them for later runs (setting up 50 members takes a minute).

    python bench/bench_portal.py [--members 50] [--steady 20] [--prepared DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
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
    """Run ``work(i)`` for i in 0..n-1 at once; each call's latency and the wall time of the burst.

    A call that fails stops the bench: a failed request must not count as a fast one."""
    times = [0.0] * n
    failed: list[BaseException] = []
    gate = threading.Barrier(n + 1)

    def one(i: int) -> None:
        gate.wait()
        t = time.perf_counter()
        try:
            work(i)
        except BaseException as exc:  # reported below, after every thread is done
            failed.append(exc)
        times[i] = time.perf_counter() - t

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    gate.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    if failed:
        raise SystemExit(f"{len(failed)} of {n} requests failed, e.g. {failed[0]!r}")
    return times, time.perf_counter() - start


def cpu_seconds(pid: int) -> float:
    """The processor time (user + system) a process has used so far; 0 where /proc is not there."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def steady(ids: list[str], clients: list, tokens: list[str], seconds: float) -> dict[str, list[float]]:
    """Each member, for ``seconds``: think 0.5 to 1.5 s, then ``/ping`` and the page; one ballot each at a random moment."""
    times: dict[str, list[float]] = {"/ping (bare)": [], "proposal page": [], "ballot": []}
    failed: list[BaseException] = []
    lock = threading.Lock()
    end = time.perf_counter() + seconds

    def timed(name: str, fn) -> None:
        t = time.perf_counter()
        fn()
        with lock:
            times[name].append(time.perf_counter() - t)

    def member(i: int) -> None:
        rng = random.Random(i)
        vote_at = time.perf_counter() + rng.uniform(0.5, seconds - 1.0)
        voted = False
        try:
            while time.perf_counter() < end:
                time.sleep(rng.uniform(0.5, 1.5))
                if not voted and time.perf_counter() >= vote_at:
                    timed("ballot", lambda: cast(clients[i], tokens[i], ids[i], "no"))
                    voted = True
                timed("/ping (bare)", lambda: clients[i].get("/ping").raise_for_status())
                timed("proposal page", lambda: clients[i].get("/proposals/P-1").raise_for_status())
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=member, args=(i,)) for i in range(len(ids))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        raise SystemExit(f"{len(failed)} members' requests failed, e.g. {failed[0]!r}")
    return times


def cast(client, token: str, member: str, choice: str) -> None:
    r = client.post("/proposals/P-1/ballot", data={"csrf": token, "choice": choice, "credential": f"pass-{member}-2027"})
    assert r.status_code == 303, r.text[:300]


def prepare(folder: Path, n: int) -> None:
    """Books with ``n`` members, each holding a credential, and one open proposal."""
    from engine.books.founding import create_books

    create_books(folder, text=founding(n))
    books_yaml = (folder / "federation.yaml").read_text()
    ids = re.findall(r"^  - id: (\S+)\n    name:", books_yaml, re.M)[:n]
    print(f"setting up {len(ids)} members ...", flush=True)
    for m in ids:
        code = coop(folder, "member", "invite", m).strip().splitlines()[-1]
        coop(folder, "member", "credential", "set", m, "--invitation", code, env={"COOP_CREDENTIAL": f"pass-{m}-2027"})
    coop(folder, "propose", "general", "--text", "Hold the spring retreat in Asheville", "--title", "Spring retreat")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--steady", type=float, default=0.0, help="seconds of steady load with think time after the bursts")
    parser.add_argument("--prepared", type=Path, help="keep the set-up books here and copy them for later runs")
    args = parser.parse_args()
    n = args.members
    os.environ.setdefault("COOP_NOW", "2027-01-15T09:00:00")
    sys.path.insert(0, str(ROOT))
    from engine.governance.credentials import cost, derive

    tmp = Path(tempfile.mkdtemp(prefix="coop-bench-portal-"))
    folder = tmp / "books"
    if args.prepared is not None and (args.prepared / "federation.yaml").is_file():
        shutil.copytree(args.prepared, folder)
    else:
        prepare(folder, n)
        if args.prepared is not None:
            shutil.copytree(folder, args.prepared)
    books_yaml = (folder / "federation.yaml").read_text()
    ids = re.findall(r"^  - id: (\S+)\n    name:", books_yaml, re.M)[:n]

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
        clients = [httpx.Client(base_url=base, follow_redirects=False, timeout=300) for _ in ids]
        tokens: list[str] = []
        for m, c in zip(ids, clients, strict=True):
            page = c.get("/signin").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            c.post("/signin", data={"csrf": csrf, "member": m, "credential": f"pass-{m}-2027"})
            tokens.append(re.search(r'name="csrf" value="([^"]+)"', c.get("/").text).group(1))
        rows = []
        for name, work in (
            ("/ping (bare)", lambda i: clients[i].get("/ping").raise_for_status()),
            ("proposal page", lambda i: clients[i].get("/proposals/P-1").raise_for_status()),
            ("ballot", lambda i: cast(clients[i], tokens[i], ids[i], "yes")),
        ):
            used, mine = cpu_seconds(server.pid), time.process_time()
            times, wall = burst(len(ids), work)
            rows.append((name, times, wall, cpu_seconds(server.pid) - used, time.process_time() - mine))
        scrypt = min(timeit_once(lambda: derive("x", b"0123456789abcdef", *cost())) for _ in range(3))
        shown = coop(folder, "proposal", "show", "P-1", "--json")
        assert shown.count('"choice": "yes"') == len(ids), shown[-2000:]
        settled = steady(ids, clients, tokens, args.steady) if args.steady else None
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"{len(ids)} members at once (burst); processor time per request of the server process and of the clients (this process)")
    print(f"{'route':<22}{'p50 ms':>9}{'p99 ms':>9}{'wall s':>9}{'per s':>9}{'server CPU ms':>15}{'client CPU ms':>15}")
    for name, times, wall, used, clients_used in rows:
        print(
            f"{name:<22}{pct(times, 0.5):>9.1f}{pct(times, 0.99):>9.1f}{wall:>9.2f}{len(times) / wall:>9.1f}"
            f"{used / len(times) * 1000:>15.2f}{clients_used / len(times) * 1000:>15.2f}"
        )
    bare, pages, ballots = (r[1] for r in rows)
    print(f"this machine has {os.cpu_count()} cores, shared by the server, the clients and whatever else runs on it")
    print(
        f"proposal page p99 / bare p99: {pct(pages, 0.99) / pct(bare, 0.99):.1f}x; ballot p99 / bare p99: {pct(ballots, 0.99) / pct(bare, 0.99):.1f}x"
    )
    print(f"one scrypt check {scrypt * 1000:.0f} ms; {len(ids)} ballots need {len(ids) * scrypt:.2f} s of scrypt on one core")
    if settled is not None:
        print(f"steady load: {len(ids)} members for {args.steady:.0f} s, a page every 0.5 to 1.5 s each, one ballot each")
        print(f"{'route':<22}{'p50 ms':>9}{'p99 ms':>9}{'requests':>9}")
        for name, times in settled.items():
            print(f"{name:<22}{pct(times, 0.5):>9.1f}{pct(times, 0.99):>9.1f}{len(times):>9}")


def timeit_once(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
