"""Invitations: how a member sets their first credential without trusting whoever sits at the parent's computer.

The administrator issues an invitation for one member; the code is shown
once (to be mailed or handed over) and only its SHA-256 is journaled, with
its expiry. The member redeems it to set their first credential (or a new
one when the old is lost), or to register a passkey: every invitation is an entry every member can see,
so a credential reset can never happen quietly. A code works once, for that
member, until it expires, and only the newest invitation of a member counts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from engine.books import clock
from engine.books.folder import Books
from engine.books.journal import LIVE, Entry
from engine.books.roster import require
from engine.errors import UserError

INVITED = "member.invited"
REDEEMED_BY = ("member.credential_set", "passkey.registered")
"""The entries that use up an invitation, each naming it as ``invitation``; its kind says what the code was used for."""
DEFAULT_DAYS = 14
MAX_DAYS = 90


def digest(code: str) -> str:
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


def invite(books: Books, member: str, days: int = DEFAULT_DAYS) -> tuple[Entry, str]:
    """A new one-time code for ``member``; earlier unused invitations of theirs stop working."""
    if not 1 <= days <= MAX_DAYS:
        raise UserError(f"an invitation lasts 1 to {MAX_DAYS} days, not {days}", field="--days")
    m = require(books, member, field="MEMBER")
    today = clock.today()
    if m.end is not None and m.end < today:
        raise UserError(f"{member} left on {m.end}; a former member is not invited to vote", field="MEMBER")
    code = secrets.token_urlsafe(15)
    with books.transaction() as w:
        entry = w.append(
            INVITED, today, {"member": member, "code_sha256": digest(code), "expires": (today + timedelta(days=days)).isoformat()}
        )
    return entry, code


def latest(books: Books, member: str) -> Entry | None:
    row = books.journal.conn.execute(
        "SELECT seq FROM entries WHERE kind = ? AND json_extract(data, '$.member') = ? AND " + LIVE + " ORDER BY seq DESC LIMIT 1",
        (INVITED, member),
    ).fetchone()
    return books.journal.entry(row[0]) if row else None


def redeemable(books: Books, member: str, code: str, on: date, used_kind: str) -> Entry:
    """The invitation ``code`` opens for ``member`` today, or a one-line refusal (nothing is written)."""
    found = latest(books, member)
    if found is None:
        raise UserError(f"{member} has no invitation", field="--invitation", expected=f"a code from 'coop member invite {member}'")
    if not hmac.compare_digest(found.data["code_sha256"], digest(code)):
        raise UserError(f"that is not {member}'s current invitation code", field="--invitation")
    if on > date.fromisoformat(found.data["expires"]):
        raise UserError(f"{member}'s invitation expired on {found.data['expires']}", field="--invitation", expected="a new invitation")
    kinds = sorted({used_kind, *REDEEMED_BY})  # one code, used once: for a credential or for a passkey, not both
    used = books.journal.conn.execute(
        f"SELECT seq FROM entries WHERE kind IN ({','.join('?' * len(kinds))}) AND json_extract(data, '$.invitation') = ? LIMIT 1",
        (*kinds, found.seq),
    ).fetchone()
    if used is not None:
        raise UserError(
            f"{member}'s invitation was already used (journal entry {used[0]})", field="--invitation", expected="a new invitation"
        )
    return found
