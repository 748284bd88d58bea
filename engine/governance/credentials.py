"""Members' voting credentials: a secret only the member knows, kept as a salted scrypt hash.

The parent practice runs the software and holds the database, so the
credential is what stops its administrator casting ballots as a member.
The journal stores only the salt, the scrypt parameters and the derived
key (``hashlib.scrypt``); checks compare in constant time.

Limits, stated plainly: the first credential is trust-on-first-use (the
member should type it themselves when they join); replacing one needs the
old one, so an administrator cannot quietly reset it; but whoever holds the
database can still append forged entries and recompute the chain. What
makes that visible is the receipt each voter keeps (see ``coop audit
receipt``) and the published head hash, not this module.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from engine.books import clock
from engine.books.folder import Books
from engine.books.journal import Entry
from engine.books.roster import require
from engine.errors import UserError

SET = "member.credential_set"
ENV = "COOP_CREDENTIAL"
MIN_LENGTH = 8
N, R, P, DKLEN = 2**14, 8, 1, 32
"""scrypt cost: about 16 MiB and tens of milliseconds per check; stored per hash so it can rise later."""


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


def derive(secret: str, salt: bytes, n: int = N, r: int = R, p: int = P) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * r * n + 1024 * 1024, dklen=DKLEN)


def make(secret: str) -> Stored:
    salt = os.urandom(16)
    return Stored(salt, derive(secret, salt), N, R, P)


def matches(stored: Stored, secret: str) -> bool:
    return hmac.compare_digest(derive(secret, stored.salt, stored.n, stored.r, stored.p), stored.key)


def current(books: Books, member: str) -> Stored | None:
    row = books.journal.conn.execute(
        "SELECT data FROM entries WHERE kind = ? AND json_extract(data, '$.member') = ? ORDER BY seq DESC LIMIT 1", (SET, member)
    ).fetchone()
    if row is None:
        return None
    return Stored.from_json(json.loads(row[0]))


def check(books: Books, member: str, secret: str | None) -> None:
    """Refuse unless ``secret`` is ``member``'s credential; nothing is written either way."""
    require(books, member, field="--member")
    stored = current(books, member)
    if stored is None:
        raise UserError(
            f"{member} has no voting credential yet", field="--member", expected=f"the member to run 'coop member credential set {member}'"
        )
    if not secret or not matches(stored, secret):
        raise UserError(f"wrong credential for {member}; nothing was recorded", field="credential")


def set_credential(books: Books, member: str, new: str, old: str | None = None) -> Entry:
    """Set a member's first credential, or replace it given the old one."""
    require(books, member, field="MEMBER")
    if len(new) < MIN_LENGTH:
        raise UserError(f"a credential needs at least {MIN_LENGTH} characters", field="credential")
    with books.transaction() as w:
        stored = current(books, member)
        replacing = stored is not None
        if stored is not None and (not old or not matches(stored, old)):
            raise UserError(
                f"{member} already has a credential; replacing it needs the current one", field="--old", expected="the current credential"
            )
        return w.append(SET, clock.today(), {"member": member, "replaces": replacing, **make(new).as_json()})
