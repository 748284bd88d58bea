"""Benchmark: every document a refunding close sends, at 1,000 and 10,000 providers.

Each size: the books of ``scale_books`` (N providers, 1 in 50 joining mid-cycle
and 1 in 50 leaving, 12 payments each), the fee set and the cycle closed with a
surplus refunded to every provider charged. Then, as ``coop statement --all``
and ``coop fees notices`` do:

- working out: every statement and settlement letter, and every fee notice,
  from the books (the figures each document states). Baseline in the same run:
  a bare sqlite3 read of the same rows (payments, fee settings, the close) with
  each provider's figures summed in plain Python, the least any per-provider
  report must do;
- end to end: rendering (Markdown, DOCX), writing, registering and recording
  every document. Baseline in the same run: writing the very same bytes to
  the same number of files (each DOCX's zip entries zipped again, plus its
  Markdown), the least any batch of documents must do.

The end-to-end step renders an evenly spread sample of the documents (``--sample``,
the same count at every size, so the per-document cost is compared like for like)
and scales it to the batch, unless ``--full`` issues every one. What a batch costs
once whatever its size (its transaction, which checks the journal, and its registers)
is timed on an empty batch and not scaled. Targets: working out
under 15 s and end to end under 60 s at 10,000; growth about x10 for x10 providers.

    python bench/bench_notices.py [--sizes 1000 10000] [--sample 300] [--full]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_books import build

from engine.books.cycles import parse_cycle
from engine.books.folder import open_books
from engine.books.journal import FILENAME
from engine.books.output import write_bytes, write_text
from engine.documents import notices
from engine.documents.package import docx_parts, write_zip
from engine.ledger import closing, fees

ISSUED = date(2027, 7, 10)


def baseline_figures(folder: Path) -> int:
    """The rows every statement needs, read with bare sqlite3 and summed per provider in plain Python."""
    conn = sqlite3.connect(folder / FILENAME)
    paid: dict[str, int] = defaultdict(int)
    for d, amount in conn.execute(
        "SELECT json_extract(data, '$.provider'), json_extract(data, '$.amount') FROM entries WHERE kind = 'payment.received'"
    ):
        paid[d] += amount
    settings = [json.loads(t) for (t,) in conn.execute("SELECT data FROM entries WHERE kind = 'fee.set'")]
    close = json.loads(conn.execute("SELECT data FROM entries WHERE kind = 'cycle.closed'").fetchone()[0])
    members = conn.execute("SELECT COUNT(*) FROM entries WHERE kind = 'provider.joined'").fetchone()[0]
    conn.close()
    refunds = close["refunds"]
    figures = {pid: (paid[pid], refunds.get(pid, 0), settings[-1]["amount"]) for pid in paid}
    return len(figures) + members


def baseline_files(rendered: list[tuple[str, bytes]], out: Path) -> float:
    """Writing the same bytes: each document's zip entries zipped again and written, with its Markdown, as one file each."""
    t = time.perf_counter()
    for k, (markdown, docx) in enumerate(rendered):
        write_bytes(out / f"d{k}.docx", write_zip(docx_parts(docx), ISSUED))
        write_text(out / f"d{k}.md", markdown)
    return time.perf_counter() - t


def run(n: int, sample: int, full: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="coop-bench-notices-") as tmp:
        folder = Path(tmp) / "books"
        build(folder, n)
        books = open_books(folder)
        cycle = parse_cycle("2027-01", books.federation.cycle)
        fees.recalc(books, cycle)
        result, _, _ = closing.close(books, cycle, ISSUED)
        assert result.refunded > 0 and len(result.refunds) > 0.9 * n  # a refunding close: every statement states a share

        t = time.perf_counter()
        base_rows = baseline_figures(folder)
        base_work = time.perf_counter() - t

        t = time.perf_counter()
        prepared = notices.statement_documents(books, cycle, ISSUED)
        statements_s = time.perf_counter() - t
        t = time.perf_counter()
        prepared += notices.fee_notices(books, cycle, ISSUED)
        notices_s = time.perf_counter() - t
        letters = sum(p.kind == "settlement" for p in prepared)
        worked = statements_s + notices_s

        issued = prepared if full or len(prepared) <= sample else prepared[:: len(prepared) // sample]
        fixed = fixed_cpu = 0.0
        if len(issued) < len(prepared):
            # What a batch costs whatever its size (the transaction and its check of the journal, the registers), timed
            # on an empty batch: a sample scales only what each document costs, not this once per batch.
            t, cpu = time.perf_counter(), time.process_time()
            notices.issue(books, [], Path(tmp) / "documents", ISSUED)
            fixed, fixed_cpu = time.perf_counter() - t, time.process_time() - cpu
        t, cpu = time.perf_counter(), time.process_time()
        done = notices.issue(books, issued, Path(tmp) / "documents", ISSUED)
        issue_s, issue_cpu = time.perf_counter() - t, time.process_time() - cpu
        scale = len(prepared) / len(done)
        each, each_cpu = max(issue_s - fixed, 0.0) / len(done), max(issue_cpu - fixed_cpu, 0.0) / len(done)
        rendered = [(d.markdown.read_text(), d.docx.read_bytes()) for d in done]
        (Path(tmp) / "baseline").mkdir()
        cpu = time.process_time()
        base_files = baseline_files(rendered, Path(tmp) / "baseline")
        base_cpu = time.process_time() - cpu
        books.close()
    return {
        "documents": len(prepared),
        "letters": letters,
        "base_rows": base_rows,
        "statements": statements_s,
        "notices": notices_s,
        "worked": worked,
        "base_work": base_work,
        "issued": len(done),
        "issue": fixed + each * len(prepared),
        "per_doc": each,
        "cpu_doc": each_cpu,
        "base_cpu_doc": base_cpu / len(done),
        "base_files": base_files * scale,
        "end_to_end": worked + fixed + each * len(prepared),
        "fixed": fixed,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    ap.add_argument("--sample", type=int, default=300, help="documents rendered when not --full (the rest scaled from them)")
    ap.add_argument("--full", action="store_true", help="render, write and record every document at every size")
    args = ap.parse_args()
    results = []
    print(
        f"{'providers':>9} {'documents':>9} | {'statements':>10} {'notices':>8} {'worked out':>10} {'sqlite3':>8} {'x':>5} | "
        f"{'issue':>8} {'ms/doc':>6} {'same bytes':>10} {'x':>5} | {'cpu ms/doc':>10} {'same bytes':>10} | {'end to end':>10}"
    )
    for n in args.sizes:
        r = run(n, args.sample, args.full)
        results.append((n, r))
        sampled = "" if r["issued"] == r["documents"] else f" (from {r['issued']} rendered; {r['fixed']:.2f} s once per batch)"
        print(
            f"{n:>9,} {r['documents']:>9,} | {r['statements']:>10.2f} {r['notices']:>8.2f} {r['worked']:>10.2f} {r['base_work']:>8.3f} "
            f"{r['worked'] / r['base_work']:>5.0f} | {r['issue']:>8.1f} {1000 * r['per_doc']:>6.1f} {r['base_files']:>10.1f} "
            f"{r['issue'] / r['base_files']:>5.1f} | {1000 * r['cpu_doc']:>10.2f} {1000 * r['base_cpu_doc']:>10.2f} | {r['end_to_end']:>10.1f}{sampled}"
        )
    (n0, r0), (n1, r1) = results[0], results[-1]
    if n1 != n0:
        print(
            f"growth x{n1 / n0:.0f} providers: worked out x{r1['worked'] / r0['worked']:.1f} (sqlite3 baseline x{r1['base_work'] / r0['base_work']:.1f}), "
            f"issue x{r1['issue'] / r0['issue']:.1f} (same-bytes baseline x{r1['base_files'] / r0['base_files']:.1f}); linear is about x{n1 / n0:.0f}"
        )
    ok_work, ok_all = r1["worked"] < 15, r1["end_to_end"] < 60
    print(f"targets at {n1:,}: working out < 15 s {'met' if ok_work else 'NOT met'}; end to end < 60 s {'met' if ok_all else 'NOT met'}")
    print(
        "(seconds; 'x' is the time over its baseline; cpu ms/doc: processor time per document issued and for the same bytes, "
        "steadier than the clock on a shared machine, though the same-bytes baseline's fsyncs are waited for, not counted there; "
        "settlement letters included in statements: " + ", ".join(f"{r['letters']} at {n:,}" for n, r in results) + ")"
    )


if __name__ == "__main__":
    main()
