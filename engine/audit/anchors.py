"""What members hold against the parent: anchors (a journal head on paper) and a bundle (the whole record).

A hash chain the parent can rewrite whole proves nothing by itself: the
parent could truncate the last entries or recompute every hash after an
edit. An anchor is the journal head (sequence number and hash) printed on a
document a member keeps; ``verify --anchor SEQ:HASH`` proves the current
chain still holds that entry with that hash, so a truncated or rewritten
history contradicts paper in a member's hands.

A bundle is the whole record in one file (every entry, federation.yaml and
so every manual version, which lives in the journal). A member verifies it
on their own computer with ``coop audit verify --bundle FILE``: the chain is
recomputed, every vote recounted, and the member's anchors checked against
it, without any other file of the parent's. The bundle's own head is what a
member keeps next.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.books.folder import Books
from engine.books.journal import FILENAME as JOURNAL_FILE
from engine.books.journal import Journal
from engine.errors import UserError

FORMAT = "coop-audit-bundle"
VERSION = 1
_ANCHOR = re.compile(r"^\s*(\d{1,18})\s*:\s*([0-9a-fA-F]{12,64})\s*$")
_COLUMNS = "seq, kind, on_date, recorded_at, data, ref, prev_hash, hash"


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


def parse_anchor(text: str, where: str = "--anchor") -> Anchor:
    match = _ANCHOR.match(text)
    if not match:
        raise UserError(f"'{text.strip()[:80]}' is not an anchor", field=where, expected="SEQ:HASH as printed on a document, e.g. 42:9f2c…")
    return Anchor(int(match[1]), match[2].lower())


def read_anchors(path: Path) -> list[Anchor]:
    """One anchor a line; blank lines and ``#`` comments are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the anchors: {getattr(exc, 'strerror', None) or 'not UTF-8'}", file=path) from None
    out = []
    for n, line in enumerate(lines, 1):
        text = line.split("#", 1)[0]
        if text.strip():
            try:
                out.append(parse_anchor(text))
            except UserError as exc:
                raise UserError(exc.message, file=path, line=n, expected=exc.expected) from None
    return out


def head(journal: Journal) -> Anchor:
    seq, digest = journal.head()
    return Anchor(seq, digest)


def check_anchors(journal: Journal, anchors: list[Anchor]) -> list[str]:
    """Each anchor the chain no longer holds, in words."""
    last, _ = journal.head()
    problems = []
    for a in anchors:
        row = journal.conn.execute("SELECT hash FROM entries WHERE seq = ?", (a.seq,)).fetchone()
        if row is None:
            problems.append(
                f"anchor {a.seq}:{a.hash[:12]}: the journal ends at entry {last}; entry {a.seq} a member holds is gone (truncated)"
            )
        elif not row[0].startswith(a.hash):
            problems.append(f"anchor {a.seq}:{a.hash[:12]}: entry {a.seq} now has hash {row[0][:12]}; the history was rewritten")
    return problems


# --- the bundle ---------------------------------------------------------------------------


def bundle_data(books: Books) -> dict[str, Any]:
    rows = books.journal.conn.execute(f"SELECT {_COLUMNS} FROM entries ORDER BY seq").fetchall()
    top = head(books.journal)
    body = {
        "format": FORMAT,
        "version": VERSION,
        "head": {"seq": top.seq, "hash": top.hash},
        "federation_yaml": books.config_path.read_text(encoding="utf-8"),
        "entries": [list(r) for r in rows],
    }
    body["sha256"] = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return body


def export(books: Books, path: Path) -> Anchor:
    """Write the bundle; what it returns (its head) is what the member keeps."""
    from engine.books.output import write_text

    data = bundle_data(books)
    write_text(path, json.dumps(data, sort_keys=True, ensure_ascii=False, indent=0) + "\n")
    return Anchor(data["head"]["seq"], data["head"]["hash"])


def unpack(path: Path, into: Path) -> Path:
    """A bundle as a books folder under ``into`` (federation.yaml and a journal), to verify like any books."""
    from engine.books import config

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(
            f"not a readable audit bundle ({type(exc).__name__})", file=path, expected="a file from 'coop audit export'"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UserError("not an audit bundle", file=path, expected="a file from 'coop audit export'")
    if data.get("version", 0) > VERSION:
        raise UserError(f"this bundle was written by a newer coop (bundle version {data['version']})", file=path)
    claimed = data.pop("sha256", None)
    if hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest() != claimed:
        raise UserError("the bundle's contents do not match its own checksum: it was changed after export", file=path)
    folder = into / "books"
    folder.mkdir(parents=True)
    (folder / config.FILENAME).write_text(data["federation_yaml"], encoding="utf-8")
    Journal.create(folder / JOURNAL_FILE).close()
    conn = sqlite3.connect(folder / JOURNAL_FILE, isolation_level=None)
    with conn:
        conn.executemany(f"INSERT INTO entries ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [tuple(r) for r in data["entries"]])
    conn.close()
    return folder


def verify_bundle(path: Path, anchors: list[Anchor]) -> tuple[Any, Anchor]:
    """Verify a bundle on its own: the chain, the seal, every recount, and the member's anchors."""
    from engine.audit.verify import verify
    from engine.books.folder import open_books

    with tempfile.TemporaryDirectory() as tmp:
        folder = unpack(path, Path(tmp))
        books = open_books(folder)
        try:
            report = verify(books)
            report.problems.extend(check_anchors(books.journal, anchors))
            return report, head(books.journal)
        finally:
            books.close()
