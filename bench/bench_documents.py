"""Issue provider agreements for 1,000 providers, against a docxtpl baseline in the same run.

    python bench/bench_documents.py [--providers 1000] [--baseline 200]

Both sides produce the same agreement for the same providers: coop compiles the
template once (Jinja, Markdown, python-docx) and fills in each provider's fields;
the baseline is docxtpl (the ``bench`` extra) rendering an equivalent Word
template, made from the very same compiled document with each provider field
turned into a ``{{ tag }}``, once per provider. Per-document times compare the
in-memory work (coop also fills the Markdown copy); the end-to-end figure is
``coop contracts issue --all``'s engine call: every DOCX and Markdown file
written with fsync, the register, and the journal entries.
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

    from engine.documents.typesetting import write_zip

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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--providers", type=int, default=1000)
    ap.add_argument(
        "--baseline", type=int, default=200, help="documents docxtpl renders (it is slow; the per-document time is what counts)"
    )
    args = ap.parse_args()
    os.environ.setdefault("COOP_NOW", "2027-01-15T09:00:00")
    with tempfile.TemporaryDirectory(prefix="coop-bench-") as tmp:
        folder = Path(tmp) / "books"
        create_books(folder, text=founding(args.providers))
        books = open_books(folder)

        # End to end: what `coop contracts issue --all` does.
        start = time.perf_counter()
        batch = issue(books, None, ISSUE_DAY, Path(tmp) / "out")
        end_to_end = time.perf_counter() - start
        assert len(batch.documents) == args.providers

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
        theirs = docxtpl_baseline(compiled.parts, parties[: args.baseline], Path(tmp))
        books.close()

    print(f"providers: {args.providers}")
    print(f"coop contracts issue --all (files, register, journal): {end_to_end:.2f} s for {args.providers} agreements (target < 10 s)")
    print(f"coop per document (compile once {compile_s * 1000:.0f} ms, then fill): {ours * 1000:.2f} ms")
    print(f"docxtpl per document ({args.baseline} rendered): {theirs * 1000:.2f} ms")
    print(f"ratio: coop is {theirs / ours:.1f}x faster per document (target >= 3x)")


if __name__ == "__main__":
    main()
