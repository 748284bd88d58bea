"""The documents a member holds: every agreement, notice, statement and letter issued to them, found from the journal.

The journal, not the folder, says what was issued: each entry names the
file and its SHA-256. A file that is missing, or no longer matches the hash
it was issued with, is reported as such and never handed out as if it were
the document the member was given.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from engine.books.folder import Books
from engine.books.journal import Entry
from engine.books.naming import documents_folder
from engine.documents.contracts import ISSUED as CONTRACT_ISSUED
from engine.documents.contracts import SIGNED
from engine.documents.notices import ISSUED as DOCUMENT_ISSUED
from engine.errors import UserError

SIGNABLE = frozenset({"agreement", "acknowledgment", "business-associate"})


@dataclass(frozen=True)
class Held:
    entry: Entry
    kind: str
    name: str
    path: Path
    sha256: str
    signed: Entry | None

    @property
    def seq(self) -> int:
        return self.entry.seq

    @property
    def title(self) -> str:
        return self.kind.replace("-", " ").capitalize() + (f", {self.entry.data['cycle']}" if "cycle" in self.entry.data else "")

    @property
    def signable(self) -> bool:
        return self.kind in SIGNABLE and self.entry.kind == CONTRACT_ISSUED

    def intact(self) -> bool:
        """Whether the file on the server is still the one issued (its SHA-256 matches the journal)."""
        return self.path.is_file() and hashlib.sha256(self.path.read_bytes()).hexdigest() == self.sha256

    @property
    def markdown(self) -> Path:
        return self.path.with_suffix(".md")


def _held(books: Books, e: Entry, signed: dict[int, Entry]) -> Held:
    data = e.data
    root = documents_folder(books, None)
    path = root / "agreements" / e.on / data["document"] if e.kind == CONTRACT_ISSUED else root / data["document"]
    return Held(e, data["kind"], Path(data["document"]).name, path, data["sha256"], signed.get(e.seq))


def member_documents(books: Books, member: str) -> list[Held]:
    """Everything issued to ``member``, oldest first."""
    signed = {e.ref: e for e in books.journal.entries([SIGNED]) if e.ref is not None}
    found = [e for e in books.journal.entries([CONTRACT_ISSUED, DOCUMENT_ISSUED]) if e.data.get("provider") == member]
    return [_held(books, e, signed) for e in sorted(found, key=lambda e: e.seq)]


def document(books: Books, member: str, seq: int) -> Held:
    """Document ``seq`` if it was issued to ``member``; the same refusal whether it is someone else's or no document at all."""
    for held in member_documents(books, member):
        if held.seq == seq:
            return held
    raise UserError(f"no document {seq} issued to {member}", field="document")
