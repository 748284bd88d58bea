"""The outbox: every message to a member is a journal entry first, and a spool file beside the journal.

``mail.queued`` records who it is for, the subject and the SHA-256 of the
body (never the body: a one-time code must not become history); the message
itself is written to ``BOOKS/outbox/<seq>.eml`` (owner-only) in the same
transaction, renamed into place just before the entries commit. What happened
to it afterwards is later entries (``mail.sent``, ``mail.failed``), so a
message's state is always derived from the record.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path

from engine.books import clock
from engine.books.folder import Books
from engine.books.journal import Entry, Writer
from engine.books.mail import address, of
from engine.errors import UserError

QUEUED = "mail.queued"
SENT = "mail.sent"
FAILED = "mail.failed"
FOLDER = "outbox"
MAX_ATTEMPTS = 5
"""Tries before a message is given up on: a server down for a day is retried, a wrong address is not tried forever."""
SUBJECT_CHARS = 200

POLICY = policy.SMTP
"""CRLF line ends, as the message goes on the wire: the spool file is the message as sent, less Date and Message-ID."""


@dataclass(frozen=True)
class Mail:
    """One queued message and where it stands."""

    entry: Entry
    attempts: int
    state: str
    """queued, sent, failed (tried again later), given up, or refused (its file no longer matches)."""
    reason: str

    @property
    def seq(self) -> int:
        return self.entry.seq

    @property
    def sealed(self) -> bool:
        """Its recipient is kept in the spool file only (a secret ballot's receipt): the journal must not say who voted."""
        return self.entry.data.get("to") is None

    @property
    def to(self) -> str:
        return SEALED_TO if self.sealed else str(self.entry.data["to"])

    @property
    def subject(self) -> str:
        return str(self.entry.data["subject"])

    @property
    def kind(self) -> str:
        return str(self.entry.data["kind"])

    @property
    def member(self) -> str | None:
        return self.entry.data.get("member")

    @property
    def secret(self) -> bool:
        return bool(self.entry.data.get("secret"))

    @property
    def retryable(self) -> bool:
        return self.state in ("queued", "failed")

    def row(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "on": self.entry.on,
            "to": self.to,
            "member": self.member,
            "subject": self.subject,
            "kind": self.kind,
            "state": self.state,
            "attempts": self.attempts,
            "reason": self.reason,
        }


SEALED_TO = "(a voter, named only in the message's file)"


def sealed_digest(nonce: str, to: str) -> str:
    """The recipient of a sealed message as the journal holds it: salted, so guessing members' addresses finds nothing."""
    return hashlib.sha256(f"{nonce}:{to.lower()}".encode()).hexdigest()


def folder(books: Books) -> Path:
    return books.folder / FOLDER


def spool_path(books: Books, seq: int) -> Path:
    return folder(books) / f"{seq}.eml"


def normalise(body: str) -> str:
    """The body as it is hashed and sent: LF line ends, ending with one line break."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip("\n") + "\n"


def body_digest(body: str) -> str:
    return hashlib.sha256(normalise(body).encode("utf-8")).hexdigest()


def one_line(text: str) -> str:
    """A subject as one header line: a line break in a member's title would start a header of its own."""
    line = re.sub(r"\s+", " ", text).strip()
    return line[: SUBJECT_CHARS - 3] + "..." if len(line) > SUBJECT_CHARS else line


def compose(*, to: str, subject: str, body: str, kind: str, seq: int, sender: str | None) -> EmailMessage:
    """The message, with every header from data: the same inputs give the same bytes."""
    msg = EmailMessage(policy=POLICY)
    if sender:
        msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["X-Coop-Kind"] = kind
    msg["X-Coop-Mail"] = str(seq)
    msg.set_content(normalise(body))
    return msg


def existing(books: Books, key: str) -> Entry | None:
    """The message already queued under ``key``: seen inside the caller's transaction too."""
    row = books.journal.conn.execute(
        "SELECT seq FROM entries WHERE kind = ? AND json_extract(data, '$.key') = ? ORDER BY seq LIMIT 1", (QUEUED, key)
    ).fetchone()
    return books.journal.entry(row[0]) if row else None


def queue(
    w: Writer,
    books: Books,
    *,
    to: str,
    member: str | None,
    subject: str,
    body: str,
    kind: str,
    ref: int | None = None,
    key: str | None = None,
    secret: bool = False,
    sealed: bool = False,
) -> Entry:
    """Queue one message inside the caller's transaction; with ``key``, at most one message ever for that key.

    ``secret`` marks a message holding a one-time code: its file is deleted
    once sent and its body is never shown. ``sealed`` keeps the recipient
    out of the journal (only a salted hash of the address, the salt in the
    message's own file): a secret ballot's receipt must not say who voted.
    """
    if key is not None:
        found = existing(books, key)
        if found is not None:
            return found
    try:
        address(to)
    except ValueError as exc:
        raise UserError(f"'{to}' is not an address mail can go to", field="to", expected=str(exc)) from None
    subject = one_line(subject)
    nonce = secrets.token_hex(16) if sealed else None
    data = {
        "to": None if sealed else to,
        **({"to_sealed": sealed_digest(nonce, to)} if nonce else {}),
        "member": None if sealed else member,
        "subject": subject,
        "body_sha256": body_digest(body),
        "kind": kind,
        "key": key,
        "secret": secret,
    }
    entry = w.append(QUEUED, clock.today(), data, ref=ref)
    settings = of(books)
    msg = compose(to=to, subject=subject, body=body, kind=kind, seq=entry.seq, sender=settings.sender if settings else None)
    if nonce:
        msg["X-Coop-Seal"] = nonce
    _spool(books, entry.seq, msg.as_bytes(policy=POLICY))
    return entry


def _spool(books: Books, seq: int, data: bytes) -> None:
    """Write the file now under a temporary name; rename it into place as the transaction's last step.

    A transaction that rolls back leaves only a temporary file, which the next
    ``flush`` removes (see :func:`sweep`): never a message without its entry.
    """
    place = folder(books)
    try:
        place.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=place, prefix=f".{seq}.eml.", suffix=".tmp")  # mode 0600
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        raise UserError(f"cannot be written ({exc.strerror or exc})", file=place) from None
    final = spool_path(books, seq)
    books.journal.before_commit(lambda _head: os.replace(tmp, final))


def sweep(books: Books) -> None:
    """Remove what a killed or rolled-back transaction left: temporary files, and files with no queued entry.

    Called with the write lock held, before anything is queued in it, so no
    live transaction's file is touched.
    """
    place = folder(books)
    if not place.is_dir():
        return
    queued = {e.seq for e in books.journal.entries([QUEUED], include_voided=True)}
    for path in place.iterdir():
        stem = path.name.removesuffix(".eml")
        if path.name.endswith(".tmp") or (path.suffix == ".eml" and stem.isdigit() and int(stem) not in queued):
            path.unlink(missing_ok=True)


def messages(books: Books, *, member: str | None = None) -> list[Mail]:
    """Every queued message in journal order, each with its attempts, state and last reason."""
    queued: dict[int, Entry] = {}
    attempts: dict[int, int] = {}
    state: dict[int, str] = {}
    reason: dict[int, str] = {}
    for e in books.journal.entries([QUEUED, SENT, FAILED]):
        if e.kind == QUEUED:
            queued[e.seq], attempts[e.seq], state[e.seq], reason[e.seq] = e, 0, "queued", ""
            continue
        seq = e.data["queued"]
        if seq not in queued:
            continue
        if e.kind == SENT:
            attempts[seq] += 1
            state[seq], reason[seq] = "sent", ""
        elif e.data.get("refused"):
            state[seq], reason[seq] = "refused", str(e.data["reason"])
        else:
            attempts[seq] += 1
            state[seq] = "given up" if attempts[seq] >= MAX_ATTEMPTS else "failed"
            reason[seq] = str(e.data["reason"])
    out = [Mail(e, attempts[s], state[s], reason[s]) for s, e in queued.items()]
    return [m for m in out if member is None or m.member == member]
