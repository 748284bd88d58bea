"""Versions of the Co-Op Procedures manual, adopted by member vote.

v1 is the founding manual; each adopted amendment appends a
``manual.adopted`` entry, which makes the next version. A version never
changes once adopted.

Interface used by governance (an amendment that passes) and documents
(rendering): ``adopt`` inside the transaction that records the vote result,
``versions`` to list them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from engine.books import Books
from engine.journal import Entry, Writer

ADOPTED = "manual.adopted"


@dataclass(frozen=True)
class Version:
    number: int
    effective: date
    summary: str
    proposal: int | None = None
    changes: dict[str, str] = field(default_factory=dict)
    """Section id -> the section's new Markdown source (front matter included)."""


def versions(books: Books, as_of: date | None = None) -> list[Version]:
    out = [Version(1, books.federation.founded, "Founding version")]
    for e in books.journal.entries([ADOPTED], until=as_of):
        d = e.data
        out.append(Version(len(out) + 1, e.date, d["summary"], d.get("proposal"), d.get("changes", {})))
    return out


def adopt(writer: Writer, books: Books, *, changes: dict[str, str], summary: str, effective: date, proposal: int | None) -> Entry:
    """Record the next manual version; call inside the transaction that records the vote."""
    number = len(versions(books)) + 1
    return writer.append(ADOPTED, effective, {"version": number, "changes": changes, "summary": summary, "proposal": proposal})
