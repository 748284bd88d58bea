"""Members' voting credentials: a secret only the member knows, kept as a salted scrypt hash.

The parent practice runs the software and holds the database, so the
credential is what stops its administrator casting ballots as a member.
The journal stores only the salt, the scrypt parameters and the derived
key (``hashlib.scrypt``); checks compare in constant time.

Limits, stated plainly: the first credential needs an invitation (see
engine.governance.invitations), and replacing one needs the old one or a new
invitation, which every member sees in the journal, so an administrator
cannot quietly reset it; failed checks are journaled (who and when, never
the attempt) and refused for a while after a few in a row. Whoever holds the
database can still append forged entries and recompute the chain: what makes
that visible is the receipt each voter keeps (``coop audit receipt``) and the
anchors members hold (``coop audit verify --anchor``), not this module.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from engine.books import clock
from engine.books.folder import Books
from engine.books.journal import Entry, canonical
from engine.books.roster import require
from engine.errors import UserError
from engine.governance.proposals import BALLOT

SET = "member.credential_set"
FAILED = "member.credential_failed"
"""A check that failed: who and when, never what was typed."""
LOCKOUT_AFTER = 5
LOCKOUT_MINUTES = 15
"""After this many failed checks in a row, a member's credential is not checked again for this long."""
ENV = "COOP_CREDENTIAL"
MIN_LENGTH = 8
N, R, P, DKLEN = 2**14, 8, 1, 32
"""scrypt cost: about 16 MiB and tens of milliseconds per check; stored per hash so it can rise later."""
TEST_COST = "COOP_TEST_SCRYPT_N"
"""The test suite's cheaper scrypt ``n`` for new credentials (a power of two), so hundreds of
enrolments do not spend most of the suite's time hashing. Every hash keeps the cost it was made
with and is checked at that cost, so a credential made under it stays checkable, and its weaker
cost is on the record for anyone reading the journal."""


@dataclass(frozen=True)
class Stored:
    salt: bytes
    key: bytes
    n: int
    r: int
    p: int

    def as_json(self) -> dict[str, Any]:
        return {"salt": self.salt.hex(), "key": self.key.hex(), "scrypt": {"n": self.n, "r": self.r, "p": self.p}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Stored:
        s = data["scrypt"]
        return cls(bytes.fromhex(data["salt"]), bytes.fromhex(data["key"]), s["n"], s["r"], s["p"])


def cost() -> tuple[int, int, int]:
    """The scrypt cost (n, r, p) a new credential is made with, read when it is made (not when this module loads)."""
    text = os.environ.get(TEST_COST)
    if not text:
        return N, R, P
    n = int(text)
    if n < 2 or n & (n - 1):
        raise ValueError(f"{TEST_COST} must be a power of two of at least 2, not {text}")
    return n, R, P


def derive(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """The key for ``secret`` at the given cost; no default, so a caller cannot make a key at one cost and record another."""
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * r * n + 1024 * 1024, dklen=DKLEN)


def make(secret: str) -> Stored:
    """A new salted hash of ``secret``, recording the very cost it was derived with."""
    n, r, p = cost()
    salt = os.urandom(16)
    return Stored(salt, derive(secret, salt, n, r, p), n, r, p)


def matches(stored: Stored, secret: str) -> bool:
    return hmac.compare_digest(derive(secret, stored.salt, stored.n, stored.r, stored.p), stored.key)


_MENTIONS = "instr(data, ?)"
"""A cheap first pass before reading an entry's JSON: the writer spells every id one way (``canonical``),
so an entry whose text lacks that spelling cannot name the member. At 10,000 members it spares a
credential check reading every member's entries."""


def current(books: Books, member: str) -> Stored | None:
    row = books.journal.conn.execute(
        f"SELECT data FROM entries WHERE kind = ? AND {_MENTIONS} AND json_extract(data, '$.member') = ? ORDER BY seq DESC LIMIT 1",
        (SET, canonical(member), member),
    ).fetchone()
    if row is None:
        return None
    return Stored.from_json(json.loads(row[0]))


def failures_in_a_row(books: Books, member: str) -> list[str]:
    """When each failed check since the member's credential last worked was recorded (oldest first).

    The failures are read first: most members have none, and then no ballot need be read at all;
    else only the entries after the first failure are looked through for one that worked.
    """
    spelled = canonical(member)
    failed = books.journal.conn.execute(
        f"SELECT seq, recorded_at FROM entries WHERE kind = ? AND {_MENTIONS} AND json_extract(data, '$.member') = ? ORDER BY seq",
        (FAILED, spelled, member),
    ).fetchall()
    if not failed:
        return []
    last_good = books.journal.conn.execute(
        f"SELECT COALESCE(MAX(seq), 0) FROM entries WHERE seq > ? AND kind IN (?, ?) AND {_MENTIONS} "
        "AND COALESCE(json_extract(data, '$.cast_by'), json_extract(data, '$.member')) = ?",
        (failed[0][0], SET, BALLOT, spelled, member),  # a ballot the member cast themselves (or as a proxy holder): their credential worked
    ).fetchone()[0]
    return [at for seq, at in failed if seq > last_good]


def _locked_until(books: Books, member: str) -> datetime | None:
    failed = failures_in_a_row(books, member)
    if len(failed) < LOCKOUT_AFTER:
        return None
    until = datetime.fromisoformat(failed[-1]) + timedelta(minutes=LOCKOUT_MINUTES)
    return until if clock.now() < until else None


@dataclass(frozen=True)
class Compared:
    """A credential compared with the member's stored hash: the slow half of :func:`check`, done before the write lock.

    scrypt is the cost of a credential by design; compared outside the lock, two
    members' checks use two cores instead of queueing one behind the other.
    Nothing is decided by it alone: :func:`settle` decides under the write lock.
    """

    member: str
    stored: Stored
    matched: bool


def compare(books: Books, member: str, secret: str | None) -> Compared:
    """Compare ``secret`` with ``member``'s credential; refuse first, without hashing, what :func:`check` refuses first."""
    stored = _usable(books, member)
    return Compared(member, stored, bool(secret) and matches(stored, secret or ""))


def settle(books: Books, compared: Compared) -> None:
    """Decide a comparison under the write lock, as :func:`check` decides: the same refusals, the failure journaled.

    The pause after failed checks is looked at again here, so comparisons made at the
    same moment are decided one at a time, each seeing the failures recorded before it;
    one made against a credential replaced in the meantime is refused, never counted.
    """
    stored = _usable(books, compared.member)
    if stored != compared.stored:
        raise UserError(f"{compared.member}'s credential was replaced a moment ago; send it again", field="credential")
    _decide(books, compared.member, compared.matched)


def check(books: Books, member: str, secret: str | None) -> None:
    """Refuse unless ``secret`` is ``member``'s credential; a failure is journaled (who and when) and counts toward a pause."""
    stored = _usable(books, member)
    _decide(books, member, bool(secret) and matches(stored, secret or ""))


def _decide(books: Books, member: str, matched: bool) -> None:
    if not matched:
        with books.transaction() as w:
            w.append(FAILED, clock.today(), {"member": member})
        raise UserError(f"wrong credential for {member}; nothing but the failed attempt was recorded", field="credential")


def _usable(books: Books, member: str) -> Stored:
    """The member's stored credential, if it may be checked now (on the roster, one set, not paused)."""
    require(books, member, field="--member")
    stored = current(books, member)
    if stored is None:
        raise UserError(
            f"{member} has no voting credential yet", field="--member", expected=f"an invitation: 'coop member invite {member}'"
        )
    until = _locked_until(books, member)
    if until is not None:
        raise UserError(
            f"{LOCKOUT_AFTER} failed credential checks in a row for {member}; try again after {until:%H:%M} UTC", field="credential"
        )
    return stored


def set_credential(books: Books, member: str, new: str, old: str | None = None, invitation: str | None = None) -> Entry:
    """Set a member's first credential with their invitation; replace it with the old one or a new invitation."""
    from engine.governance.invitations import redeemable

    require(books, member, field="MEMBER")
    if len(new) < MIN_LENGTH:
        raise UserError(f"a credential needs at least {MIN_LENGTH} characters", field="credential")
    with books.transaction() as w:
        stored = current(books, member)
        replacing = stored is not None
        extra: dict[str, Any] = {}
        if invitation is not None:
            extra["invitation"] = redeemable(books, member, invitation, clock.today(), SET).seq
        elif stored is None:
            raise UserError(
                f"{member}'s first credential needs the invitation code",
                field="--invitation",
                expected=f"the code from 'coop member invite {member}' (or COOP_INVITATION)",
            )
        elif not old or not matches(stored, old):
            raise UserError(
                f"{member} already has a credential; replacing it needs the current one or a new invitation",
                field="--old",
                expected="the current credential, or --invitation CODE",
            )
        return w.append(SET, clock.today(), {"member": member, "replaces": replacing, **extra, **make(new).as_json()})
