"""Who holds the shared accounts on a date: the parent practice, its successor, the members jointly, or the co-op's entity.

A federation is founded around a parent practice (``parent:`` in
federation.yaml, which is never rewritten). When the members vote to
continue without it, the passed ``end_parent`` proposal records a
``parent.successor_named`` entry dated the handover; from that date the
successor holds the accounts, and every status line, agreement, notice,
statement and manual version dated on or after it names the successor.
Before it, the same documents still name the parent, so an old document
re-rendered reads as it did. The members may choose no successor at all
(:data:`MEMBERS_JOINTLY`): the books keep working exactly the same, since
the fee is an equal share of the budget whoever pays the vendors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.books.folder import Books

SUCCESSOR_NAMED = "parent.successor_named"
"""A passed end-the-parent vote: who holds the shared accounts from its date."""
AGREEMENT_ENDED = "parent.agreement_ended"
"""One provider's agreement with the outgoing holder ends: the settlement of their balance with it, one per provider."""

MEMBERS_JOINTLY = "the members jointly"
"""The successor named when the members hold the accounts together, with no practice in the parent's place."""

_JOINT_WORDS = frozenset({"the members jointly", "members jointly", "the members", "members", "no one", "none", "nobody"})


def is_joint(successor: str) -> bool:
    """Whether a vote's named successor means the members themselves, with no practice holding the accounts."""
    return " ".join(successor.lower().replace(",", " ").split()) in _JOINT_WORDS


@dataclass(frozen=True)
class Holder:
    """Whoever holds the shared accounts on one date, as every document names them."""

    legal_name: str
    """The name documents print: a practice's legal name, or "the members jointly"."""
    principal: str
    """Who answers for the accounts: the parent's principal, the successor named, or "the members"."""
    role: str
    """How rules name the holder: "the parent", "the successor", "the members", "the co-op"."""
    since: date | None = None
    """The handover date (None: the founding holder)."""
    proposal: str | None = None
    """The proposal that named the successor."""
    previous: str | None = None
    """Whom the successor took over from."""
    address: str = ""
    entity_type: str = ""
    formed_in: str = ""

    @property
    def jointly(self) -> bool:
        return self.role == "the members"

    def line(self) -> str:
        """The holder in one line, as ``coop status`` shows it."""
        if self.since is None:
            return f"Parent practice: {self.legal_name} (principal: {self.principal})"
        label = f"proposal {self.proposal}" if self.proposal else "member vote"
        if self.jointly:
            return f"Shared accounts: held by {self.legal_name} from {self.since} (in place of {self.previous}; {label})"
        return f"Shared accounts: {self.legal_name}, successor to {self.previous} from {self.since} ({label})"


@dataclass(frozen=True)
class Handover:
    """One recorded succession: from ``on`` the successor holds the accounts."""

    on: date
    successor: str
    proposal: str | None
    seq: int


def handovers(books: Books) -> list[Handover]:
    """Every succession recorded, in date order (the latest dated on or before a day decides that day)."""
    found = [
        Handover(e.date, e.data["successor"], e.data.get("label") or e.data.get("proposal"), e.seq)
        for e in books.journal.entries([SUCCESSOR_NAMED])
    ]
    return sorted(found, key=lambda h: (h.on, h.seq))


def holder_on(books: Books, on: date) -> Holder:
    """Who holds the shared accounts on ``on`` (the founding parent, the co-op's entity, or a successor from its date)."""
    fed = books.federation
    if fed.parent is None:
        assert fed.entity is not None  # the config requires one or the other
        e = fed.entity
        return Holder(e.legal_name, e.legal_name, "the co-op", address=e.address, entity_type=e.structure, formed_in=e.formed_in)
    p = fed.parent
    current = Holder(p.legal_name, p.principal, "the parent", address=p.address, entity_type=p.entity_type, formed_in=p.formed_in)
    for h in handovers(books):
        if h.on > on:
            break
        if is_joint(h.successor):
            current = Holder(MEMBERS_JOINTLY, "the members", "the members", h.on, h.proposal, current.legal_name)
        else:
            current = Holder(h.successor, h.successor, "the successor", h.on, h.proposal, current.legal_name)
    return current
