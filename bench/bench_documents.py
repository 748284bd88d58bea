"""Issue provider agreements for 1,000 and 10,000 providers, against baselines in the same run.

    python bench/bench_documents.py [--big] [--sizes N ...] [--baseline 200]

Sizes 100 and 1,000 by default (a couple of minutes); ``--big``: 1,000 and 10,000, which
takes several minutes where each file's fsync is slow (the same-bytes baseline shows how slow).

Both sides produce the same agreement for the same providers: coop compiles the
template once (Jinja, Markdown, python-docx) and fills in each provider's fields;
the baseline is docxtpl (the ``bench`` extra) rendering an equivalent Word
template, made from the very same compiled document with each provider field
turned into a ``{{ tag }}``, once per provider. Per-document times compare the
in-memory work (coop also fills the Markdown copy). The end-to-end figure is
``coop contracts issue --all``'s engine call: every DOCX and Markdown file
written with fsync, the register, and the journal entries; its baseline in the
same run writes the very same bytes to as many files (each DOCX zipped again
from its entries, and its Markdown), the least any batch of documents must do.
Both are measured at each size, so the x10 step shows how they grow.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.books.folder import open_books
from engine.books.founding import create_books
from engine.books.presets import render_founding
from engine.documents.contracts import agreement_data, compile_document, fill, issue, provider_party
from engine.documents.templates import TOKEN, long_date, registry
from engine.governance.versions import record_founding
from engine.models.federation.demo import BUDGET, FOUNDED, PARENT

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_notices import baseline_files

ISSUE_DAY = date(2027, 1, 15)


def founding(n: int) -> str:
    providers = [
        {
            "id": f"provider-{i:04d}",
            "name": f"Provider {i:04d} Example",
            "practice": f"Example Practice {i:04d} & Associates LLC",
            "licence": f"LPC-{10000 + i}",
            "email": f"p{i:04d}@example.org",
            "start": FOUNDED.isoformat(),
        }
        for i in range(n)
    ]
    budget = [
        {
            "id": i,
            "name": nm,
            "category": c,
            "monthly": m,
            "vendor": v,
            "cooperative_vendor": co,
            "effective": FOUNDED.isoformat(),
            "until": None,
        }
        for i, nm, c, m, v, co in BUDGET
    ]
    parent = {k: v for k, v in PARENT.items() if k != "principal_id"}
    return render_founding(name="Bench Therapy Co-Op", founded=FOUNDED, parent=parent, providers=providers, budget=budget)


def docxtpl_baseline(compiled_parts: list[tuple[str, bytes]], parties: list, folder: Path) -> float:
    """Seconds per document for docxtpl rendering the equivalent template."""
    from docxtpl import DocxTemplate

    from engine.documents.package import write_zip

    def tag(match: object) -> str:
        return "{{ " + match[1].replace(".", "_").replace(":", "_") + " }}"  # type: ignore[index]

    parts = [(n, TOKEN.sub(tag, b.decode()).encode() if n.endswith(".xml") else b) for n, b in compiled_parts]
    template = folder / "agreement-template.docx"
    template.write_bytes(write_zip(parts, ISSUE_DAY))
    tpl = DocxTemplate(str(template))
    start = time.perf_counter()
    for party in parties:
        context = {
            "provider_name": party.name,
            "provider_practice": party.practice,
            "provider_licence": party.licence,
            "provider_email": party.email,
            "provider_start": long_date(party.start),
            "provider_start_long_date": long_date(party.start),
            "provider_reference": party.reference,
        }
        tpl.render(context, autoescape=True)
        buf = io.BytesIO()
        tpl.save(buf)
    return (time.perf_counter() - start) / len(parties)


def run(n: int, baseline: int, docxtpl: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="coop-bench-") as tmp:
        folder = Path(tmp) / "books"
        create_books(folder, text=founding(n))
        books = open_books(folder)

        # End to end: what `coop contracts issue --all` does.
        start = time.perf_counter()
        batch = issue(books, None, ISSUE_DAY, Path(tmp) / "out")
        end_to_end = time.perf_counter() - start
        assert len(batch.documents) == n
        rendered = [(d.markdown.read_text(), d.docx.read_bytes()) for d in batch.documents if d.markdown and d.docx]
        (Path(tmp) / "same-bytes").mkdir()
        same_bytes = baseline_files(rendered, Path(tmp) / "same-bytes")

        # In memory, per document: compile once, fill each.
        spec = registry()["agreement"]
        with books.transaction() as w:
            version = record_founding(w, books)
        parties = [provider_party(p, "agreement", ISSUE_DAY) for p in books.federation.providers]
        start = time.perf_counter()
        compiled = compile_document(
            spec, agreement_data(books, parties[0], ISSUE_DAY, version, batch.documents[0].fee), books.federation.currency
        )
        compile_s = time.perf_counter() - start
        start = time.perf_counter()
        for party in parties:
            fill(compiled, party)
        ours = (time.perf_counter() - start) / len(parties)
        theirs = docxtpl_baseline(compiled.parts, parties[:baseline], Path(tmp)) if docxtpl else float("nan")
        books.close()
    return {"end_to_end": end_to_end, "same_bytes": same_bytes, "compile": compile_s, "ours": ours, "theirs": theirs}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+")
    ap.add_argument("--big", action="store_true", help="1,000 and 10,000 providers")
    ap.add_argument(
        "--baseline", type=int, default=200, help="documents docxtpl renders (it is slow; the per-document time is what counts)"
    )
    args = ap.parse_args()
    sizes = args.sizes or ([1_000, 10_000] if args.big else [100, 1_000])
    os.environ.setdefault("COOP_NOW", "2027-01-15T09:00:00")
    results = []
    print(f"{'providers':>9} | {'issue --all s':>13} {'same bytes s':>12} {'x':>5} | {'fill ms':>7} {'docxtpl ms':>10} {'faster':>7}")
    for k, n in enumerate(sizes):
        r = run(n, args.baseline, docxtpl=k == 0)  # docxtpl's per-document time does not depend on the batch
        results.append((n, r))
        print(
            f"{n:>9,} | {r['end_to_end']:>13.2f} {r['same_bytes']:>12.2f} {r['end_to_end'] / r['same_bytes']:>5.1f} | "
            f"{r['ours'] * 1000:>7.2f} {r['theirs'] * 1000:>10.2f} {r['theirs'] / r['ours']:>6.1f}x"
        )
    (n0, r0), (n1, r1) = results[0], results[-1]
    if n1 != n0:
        print(
            f"growth x{n1 / n0:.0f} providers: issue --all x{r1['end_to_end'] / r0['end_to_end']:.1f} "
            f"(same-bytes baseline x{r1['same_bytes'] / r0['same_bytes']:.1f}); linear is about x{n1 / n0:.0f}"
        )
    at = dict(results)
    if 1_000 in at:
        print(f"target: 1,000 agreements issued in < 10 s: {'met' if at[1_000]['end_to_end'] < 10 else 'NOT met'}")
    print(f"target: fill >= 3x faster than docxtpl: {'met' if r0['theirs'] / r0['ours'] >= 3 else 'NOT met'}")
    print(f"(compiling the shared document once: {r0['compile'] * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
