"""Versions of the Co-Op Procedures manual, adopted by member vote.

v1 is the founding manual; each adopted amendment appends a
``manual.adopted`` entry, which makes the next version. A version never
changes once adopted: its entry stores the full rendered Markdown and its
SHA-256, and ``content`` returns that stored text from then on, whatever
later happens to the default sections or the budget.

v1 has no vote, so its text is fixed the first time something depends on
it: the first agreement or acknowledgment issued, or the first amendment
(``record_founding`` appends a ``manual.recorded`` entry in the same
transaction). Until then ``content(books, 1)`` renders it fresh and says so.

Interface used by governance (an amendment that passes) and documents
(rendering): ``adopt`` inside the transaction that records the vote result,
``versions`` to list them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from engine.books.folder import Books
from engine.books.journal import Entry, Writer
from engine.errors import UserError

ADOPTED = "manual.adopted"
RECORDED = "manual.recorded"
"""The founding version's text, fixed in the journal (v1 is not adopted by a vote)."""

FOUNDING_SUMMARY = "Founding version"


@dataclass(frozen=True)
class Version:
    number: int
    effective: date
    summary: str
    proposal: int | None = None
    changes: dict[str, str] = field(default_factory=dict)
    """Section id -> the section's new Markdown source (front matter included)."""
    sha256: str | None = None
    """SHA-256 of the stored text; ``None`` only for a v1 not yet recorded."""
    content: str | None = None
    entry: int | None = None
    proposal_label: str | None = None
    """The adopting proposal as members know it ("P-3"); ``proposal`` is its opening entry, which the journal refers to."""


def proposal_label(books: Books, entry: int | None) -> str | None:
    """The label ("P-3") of the proposal whose opening is journal entry ``entry``: what members call it."""
    if entry is None:
        return None
    opened = books.journal.entry(entry)
    return f"P-{opened.data['number']}" if opened is not None and "number" in opened.data else None


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def versions(books: Books, as_of: date | None = None) -> list[Version]:
    founding = books.journal.entries([RECORDED])
    if founding:
        d = founding[0].data
        first = Version(1, books.federation.founded, FOUNDING_SUMMARY, sha256=d["sha256"], content=d["content"], entry=founding[0].seq)
    else:
        first = Version(1, books.federation.founded, FOUNDING_SUMMARY)
    out = [first]
    for e in books.journal.entries([ADOPTED], until=as_of):
        d = e.data
        pid = d.get("proposal")
        out.append(
            Version(
                len(out) + 1,
                e.date,
                d["summary"],
                pid,
                d.get("changes", {}),
                d.get("sha256"),
                d.get("content"),
                e.seq,
                proposal_label(books, pid),
            )
        )
    return out


def in_force(books: Books, on: date) -> Version:
    """The version in force on ``on``: the latest whose effective date has come."""
    return [v for v in versions(books) if v.effective <= on or v.number == 1][-1]


def require(books: Books, number: int) -> Version:
    known = versions(books)
    if not 1 <= number <= len(known):
        raise UserError(f"no manual version {number}", field="VERSION", expected=f"a number from 1 to {len(known)}")
    return known[number - 1]


def content(books: Books, number: int) -> tuple[str, bool]:
    """A version's Markdown and whether it is the stored, adopted text (else rendered now)."""
    from engine.documents.manual import render_version

    v = require(books, number)
    if v.content is not None:
        return v.content, True
    return render_version(books, v.number, v.effective, v.summary, proposal=v.proposal), False


def record_founding(writer: Writer, books: Books) -> Version:
    """Fix v1's text in the journal if it is not yet; call inside a transaction."""
    first = versions(books)[0]
    if first.content is not None:
        return first
    from engine.documents.manual import render_version

    text = render_version(books, 1, first.effective, first.summary)
    entry = writer.append(RECORDED, first.effective, {"version": 1, "content": text, "sha256": sha256_text(text), "summary": first.summary})
    return Version(1, first.effective, first.summary, sha256=sha256_text(text), content=text, entry=entry.seq)


def adopt(writer: Writer, books: Books, *, changes: dict[str, str], summary: str, effective: date, proposal: int | None) -> Entry:
    """Record the next manual version; call inside the transaction that records the vote.

    The entry holds the new version's full text and SHA-256, rendered from
    the previous version's sources with ``changes`` applied.
    """
    from engine.documents.manual import render_version

    record_founding(writer, books)
    known = versions(books)
    if effective < known[-1].effective:
        raise UserError(
            f"an amendment cannot take effect ({effective}) before version {known[-1].number} ({known[-1].effective})",
            field="effective",
        )
    number = len(known) + 1
    text = render_version(books, number, effective, summary, extra=changes, proposal=proposal)
    data = {"version": number, "changes": changes, "summary": summary, "proposal": proposal, "content": text, "sha256": sha256_text(text)}
    return writer.append(ADOPTED, effective, data)
