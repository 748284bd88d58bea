"""Proxies: a member who cannot vote asks another member to vote for them.

A proxy is given by the absent member (with their own credential) for one
proposal or for a dated span, accepted by the holder (with theirs), and may be
revoked by either at any time; all three are journal entries every member
sees. The holder casts a ballot *for* the absent member with the holder's own
credential: it counts once, as the absent member's, marked as a proxy ballot.
The absent member's own ballot, cast later, overrides it; a proxy cannot
replace a ballot the member cast themselves. How many members one holder may
vote for on one proposal is the books' dated parameter ``proxies_per_holder``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.books import clock
from engine.books.folder import Books
from engine.books.journal import Entry
from engine.books.roster import require
from engine.errors import UserError
from engine.governance import credentials

GIVEN = "proxy.given"
ACCEPTED = "proxy.accepted"
REVOKED = "proxy.revoked"


@dataclass(frozen=True)
class Proxy:
    given: Entry
    grantor: str
    holder: str
    proposal: str | None
    first: date | None
    last: date | None
    accepted: int | None
    revoked: int | None

    @property
    def seq(self) -> int:
        return self.given.seq

    def covers(self, label: str, day: date) -> bool:
        if self.proposal is not None:
            return self.proposal == label
        return (self.first is None or self.first <= day) and (self.last is None or day <= self.last)

    def in_force(self, before: int | None = None) -> bool:
        """Accepted and not revoked (as of entry ``before``, for an audit)."""
        limit = before if before is not None else 1 << 62
        return self.accepted is not None and self.accepted < limit and not (self.revoked is not None and self.revoked < limit)


def proxies(books: Books) -> list[Proxy]:
    rows = books.journal.entries([GIVEN, ACCEPTED, REVOKED])
    accepted = {e.ref: e.seq for e in rows if e.kind == ACCEPTED}
    revoked = {e.ref: e.seq for e in rows if e.kind == REVOKED}
    out = []
    for e in rows:
        if e.kind != GIVEN:
            continue
        d = e.data
        out.append(
            Proxy(
                e,
                d["grantor"],
                d["holder"],
                d.get("proposal"),
                date.fromisoformat(d["from"]) if d.get("from") else None,
                date.fromisoformat(d["until"]) if d.get("until") else None,
                accepted.get(e.seq),
                revoked.get(e.seq),
            )
        )
    return out


def find(books: Books, seq: int) -> Proxy:
    for p in proxies(books):
        if p.seq == seq:
            return p
    raise UserError(f"no proxy number {seq}", field="PROXY", expected="a number from 'coop proxy list'")


def give(
    books: Books,
    grantor: str,
    holder: str,
    secret: str | None,
    *,
    proposal: str | None = None,
    first: date | None = None,
    last: date | None = None,
) -> Entry:
    """``grantor`` asks ``holder`` to vote for them: on one proposal, or on every vote open between two dates."""
    from engine.governance.proposals import load

    require(books, grantor, field="--member")
    require(books, holder, field="--to")
    if grantor == holder:
        raise UserError("a member cannot hold their own proxy", field="--to")
    if (proposal is None) == (first is None and last is None):
        raise UserError(
            "a proxy is for one proposal or for a span of dates", field="--proposal", expected="--proposal P-N, or --from/--until"
        )
    if first is not None and last is not None and last < first:
        raise UserError(f"the span ends ({last}) before it starts ({first})", field="--until")
    label = load(books, proposal).label if proposal is not None else None
    credentials.check(books, grantor, secret)
    data = {
        "grantor": grantor,
        "holder": holder,
        "proposal": label,
        "from": first and first.isoformat(),
        "until": last and last.isoformat(),
    }
    with books.transaction() as w:
        return w.append(GIVEN, clock.today(), data)


def accept(books: Books, seq: int, holder: str, secret: str | None) -> Entry:
    p = find(books, seq)
    if p.holder != holder:
        raise UserError(f"proxy {seq} was given to {p.holder}, not {holder}", field="--member")
    if p.revoked is not None or p.accepted is not None:
        raise UserError(f"proxy {seq} was already {'revoked' if p.revoked else 'accepted'}", field="PROXY")
    credentials.check(books, holder, secret)
    with books.transaction() as w:
        return w.append(ACCEPTED, clock.today(), {"holder": holder}, ref=seq)


def revoke(books: Books, seq: int, member: str, secret: str | None) -> Entry:
    """Either party ends a proxy at any time; ballots already cast under it stay as cast."""
    p = find(books, seq)
    if member not in (p.grantor, p.holder):
        raise UserError(f"only {p.grantor} or {p.holder} may revoke proxy {seq}", field="--member")
    if p.revoked is not None:
        raise UserError(f"proxy {seq} was already revoked (entry {p.revoked})", field="PROXY")
    credentials.check(books, member, secret)
    with books.transaction() as w:
        return w.append(REVOKED, clock.today(), {"by": member}, ref=seq)


def usable(books: Books, grantor: str, holder: str, label: str, day: date) -> Proxy:
    """The proxy under which ``holder`` may vote for ``grantor`` on ``label`` today, or a one-line refusal."""
    for p in reversed(proxies(books)):
        if p.grantor == grantor and p.holder == holder and p.in_force() and p.covers(label, day):
            return p
    raise UserError(
        f"{holder} holds no accepted proxy from {grantor} for {label}", field="--for", expected="'coop proxy give' and 'coop proxy accept'"
    )


def holders_count(books: Books) -> int:
    """How many proxies one holder may use on one proposal: the books' dated parameter."""
    from engine.books.parameters import in_force

    return int(in_force(books).proxies_per_holder.at(clock.today()))
