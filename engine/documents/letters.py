"""Documents written straight from the engine's figures as Markdown, issued like every other document.

Settlement letters at a handover, year-end papers and notices of allocation
have no member-editable template: their text is built from figures in one
function each. This module gives them the same issuance as notices and
statements: Markdown and DOCX (and any CSV beside them) written through the
staged batch, so a folder appears whole once its journal entries commit; a
``document.issued`` entry with the DOCX's SHA-256 and the figures it
states; and nothing recorded when the same bytes were issued before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from engine.books.folder import Books
from engine.books.journal import Writer
from engine.books.output import staged
from engine.documents.notices import ISSUED


@dataclass(frozen=True)
class Letter:
    """One document to issue: its text, where it goes and what the journal records of it."""

    party: str
    """The provider or member it is addressed to ("" for a co-op-wide paper)."""
    kind: str
    key: str
    """Identifies the document across re-issues: the same key with the same bytes records nothing."""
    folder: str
    """Under ``documents/``: ``handover/2027-07-01``, ``year-end/2027``."""
    stem: str
    title: str
    markdown: str
    figures: dict[str, Any] = field(default_factory=dict)
    beside: dict[str, str] = field(default_factory=dict)
    """Other files written with it, by suffix: ``{"csv": text}``."""


@dataclass(frozen=True)
class IssuedLetter:
    letter: Letter
    markdown: Path
    docx: Path
    sha256: str
    recorded: bool


def head_before_documents(books: Books) -> tuple[int, str]:
    """The journal head the figures were computed from: the last entry that is not itself a document's issuance.

    Printing this (not the very last entry) on a paper keeps it the same when
    it is issued again, so re-issuing the same figures gives the same bytes.
    """
    row = books.journal.conn.execute("SELECT seq, hash FROM entries WHERE kind != ? ORDER BY seq DESC LIMIT 1", (ISSUED,)).fetchone()
    return (row[0], row[1]) if row else books.journal.head()


def issue(
    books: Books, letters: list[Letter], on: date, author: str, record: Callable[[Writer], object] | None = None
) -> list[IssuedLetter]:
    """Write every letter's files under ``documents/`` and record the new ones, all in one transaction.

    ``record`` writes what the letters follow from (a year's close) in that same transaction, first.
    """
    from engine.documents.typesetting import DocMeta, to_docx

    out = books.folder / "documents"
    known = {(e.data["provider"], e.data["key"]): e.data["sha256"] for e in books.journal.entries([ISSUED])}
    done = []
    with staged(books.journal) as stage, books.transaction() as w:
        if record is not None:
            record(w)
        for letter in letters:
            meta = DocMeta(title=letter.title, footer=f"{author} · {letter.title}", issued=on, author=author, subject=books.federation.name)
            docx = to_docx(letter.markdown, meta)
            folder = out / letter.folder
            md_path = stage.write_text(folder / f"{letter.stem}.md", letter.markdown)
            docx_path = stage.write_bytes(folder / f"{letter.stem}.docx", docx)
            for suffix, text in sorted(letter.beside.items()):
                stage.write_text(folder / f"{letter.stem}.{suffix}", text)
            digest = hashlib.sha256(docx).hexdigest()
            fresh = known.get((letter.party, letter.key)) != digest
            if fresh:
                data = {
                    "provider": letter.party,
                    "kind": letter.kind,
                    "cycle": letter.folder.rsplit("/", 1)[-1],
                    "key": letter.key,
                    "document": f"{letter.folder}/{letter.stem}.docx",
                    "sha256": digest,
                }
                w.append(ISSUED, on, {**data, **letter.figures})
                known[(letter.party, letter.key)] = digest
            # The staged path is renamed into place on leaving the block; report the final one.
            done.append(IssuedLetter(letter, folder / md_path.name, folder / docx_path.name, digest, fresh))
    return done
