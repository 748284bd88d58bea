"""The journal anchor every document prints: the one place its words are written.

A member who keeps a document keeps the journal head (sequence number and
hash) it was issued against; ``coop audit verify --anchor SEQ:HASH`` later
proves the chain still holds that entry, so a truncated or rewritten
history contradicts paper in the member's hands (engine.audit.anchors).

Which head a document carries: the head just before the document's own
``document.issued`` or ``contract.issued`` entry (the entry records the
document's SHA-256, so it cannot be named inside the document it hashes).
That head is a real entry, committed in the same transaction or before it,
and the issued entry stores it (``anchor``), so issuing the same document
again reprints the same anchor and the same bytes, and records nothing; a
changed document is a new issuance with the head of its own day. Old paper
never changes. A document written without being recorded (a report, a
manual version, an unissued statement) carries the head when it was written.

Documents are typeset with :data:`PLACEHOLDER` where the anchor goes and
:func:`stamp_parts` puts the anchor in, so the typesetting runs once whichever
anchor the document ends up carrying.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from engine.audit.anchors import Anchor
from engine.books.journal import GENESIS, Journal

LABEL = "Journal anchor"
PLACEHOLDER = "\u27eajournal-anchor\u27eb"
"""Where a typeset document's anchor line goes until it is stamped (not a template token: ⟪ ⟫, not ⟦ ⟧)."""
EMPTY = "Journal anchor: none yet (nothing is recorded in the journal)"
"""What a document made before the first entry says: the empty chain holds nothing a member could check."""


def line(anchor: Anchor | None) -> str:
    """The anchor as every document and report prints it: the command that checks it, the anchor exactly as ``--anchor`` takes it.

    The anchor is printed once, so the line fits one footer line of a
    portrait page in small type and is copied from a screen in one piece.
    """
    if anchor is None:
        return EMPTY
    return f"{LABEL} \u2014 check with: coop audit verify --anchor {anchor}"


def as_json(anchor: Anchor | None) -> dict[str, Any] | None:
    """The anchor where a command prints JSON: ``{"seq": ..., "hash": ...}`` (None before the first entry)."""
    return None if anchor is None else {"seq": anchor.seq, "hash": anchor.hash}


def current(journal: Journal) -> Anchor | None:
    """The journal head now (inside a transaction: including what it wrote so far); None while the journal is empty."""
    seq, digest = journal.head()
    return None if seq == 0 and digest == GENESIS else Anchor(seq, digest)


def recorded(data: dict[str, Any]) -> Anchor | None:
    """The anchor an issued entry's document carries (None for one recorded before documents carried anchors)."""
    held = data.get("anchor")
    if not isinstance(held, dict):
        return None
    return Anchor(int(held["seq"]), str(held["hash"]))


def markdown(text: str, anchor_text: str = PLACEHOLDER) -> str:
    """A document's Markdown with its anchor line as the last paragraph (the DOCX carries it in the footer)."""
    return f"{text.rstrip()}\n\n{anchor_text}\n"


def stamp_text(text: str, anchor: Anchor | None) -> str:
    return text.replace(PLACEHOLDER, line(anchor))


def stamp_parts(parts: list[tuple[str, bytes]], anchor: Anchor | None) -> list[tuple[str, bytes]]:
    """DOCX zip entries with the placeholder replaced (it is plain text in the footer: nothing to escape)."""
    old, new = PLACEHOLDER.encode(), line(anchor).encode()
    return [(name, blob.replace(old, new) if old in blob else blob) for name, blob in parts]


Made = Callable[[Anchor | None], tuple[str, bytes]]
"""A document's Markdown and DOCX carrying the anchor given."""


def carry(earlier: dict[str, Any] | None, made: Made, head: Anchor | None) -> tuple[Anchor | None, str, bytes, bool]:
    """The document as issued before, with the anchor it printed, when nothing else changed; else a new one carrying ``head``.

    ``earlier`` is the data of the document's last issued entry. Issuing the
    same document again so gives the same bytes and records nothing, and
    paper a member holds is never silently reprinted with another anchor.
    Returns ``(anchor, markdown, docx, fresh)``; ``fresh`` when it is to be recorded.
    """
    held = recorded(earlier) if earlier is not None else None
    if earlier is not None and held is not None:
        markdown_text, docx = made(held)
        if hashlib.sha256(docx).hexdigest() == earlier["sha256"]:
            return held, markdown_text, docx, False
    markdown_text, docx = made(head)
    return head, markdown_text, docx, earlier is None or earlier["sha256"] != hashlib.sha256(docx).hexdigest()


_PRINTED = re.compile(r"--anchor (\d+:[0-9a-f]{64})")


def printed(text: str) -> list[Anchor]:
    """The anchors a document's text prints, as ``--anchor`` parses them (what a member copies off the page)."""
    from engine.audit.anchors import parse_anchor

    return [parse_anchor(found) for found in _PRINTED.findall(text)]
