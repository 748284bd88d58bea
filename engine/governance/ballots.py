"""Casting ballots: one current ballot per eligible member, each with a receipt.

A ballot is a ``ballot.cast`` entry referring to its proposal. Casting again
supersedes the member's earlier ballot (which stays in the record); the
latest one before close counts. The receipt is the entry's hash: because the
journal is a hash chain, a receipt still found in the published record
proves nothing before it was rewritten.

What "secret" means here, honestly: a secret ballot still records the
member's id beside the choice, because the engine must refuse a second
current ballot and a non-member, and the recount must be repeatable. The
commands never show who chose what on a secret matter (only counts and
receipts), but anyone who holds the database file can read it. Secrecy
from the parent's administrator would need a separate tallier; this is
secrecy from fellow members, not from the database's holder.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from engine.books import clock
from engine.books.folder import Books
from engine.books.journal import Entry
from engine.books.roster import active, memberships
from engine.errors import UserError
from engine.governance import credentials, tally
from engine.governance.proposals import BALLOT, RESULT, Proposal, freeze, load


def voting_end(p: Proposal, closed_on: date) -> date:
    return min(p.deadline, closed_on)


def departed(books: Books, p: Proposal, closed_on: date) -> dict[str, str]:
    """Eligible members who left before voting ended: their ballots no longer count."""
    everyone = memberships(books, date.max)
    end = voting_end(p, closed_on)
    out = {}
    for member in p.eligible or ():
        m = everyone.get(member)
        if m is not None and m.end is not None and m.end < end:
            out[member] = f"left on {m.end}, during the vote"
    return out


def absent(p: Proposal, counted: dict[str, object]) -> list[str]:
    return sorted(set(p.eligible or ()) - set(counted) - set(p.result.data["dropped"] if p.result else ()))


def cast(
    books: Books, pid: str, member: str, choice: str, secret: str | None, reason: str = "", for_member: str | None = None
) -> tuple[Proposal, Entry]:
    """Record ``member``'s ballot if the credential is theirs and they may vote today; else nothing.

    With ``for_member``, ``member`` casts the ballot of the absent ``for_member`` under an accepted proxy
    (engine.governance.proxies): it counts once, as theirs, marked as a proxy ballot.
    """
    if choice not in tally.CHOICES:
        raise UserError(f"'{choice}' is not a choice", field="--choice", expected=", ".join(tally.CHOICES))
    today = clock.today()
    load(books, pid)  # an unknown proposal is named before any credential is asked about
    credentials.check(books, member, secret)
    holder = None
    if for_member is not None and for_member != member:
        holder, member = member, for_member
    with books.transaction() as w:
        p = load(books, pid)
        if p.final is not None:
            raise UserError(f"{p.label} closed on {p.final.on}; ballots are no longer accepted", field="PROPOSAL")
        if today < p.voting_opens:
            raise UserError(f"voting on {p.label} opens on {p.voting_opens}, after the notice period", field="PROPOSAL")
        if choice in tally.CONSENSUS_ONLY and p.rule.method != "consensus":
            raise UserError(f"'{choice}' is only a choice under consensus", field="--choice", expected="yes, no or abstain")
        if choice == "block" and not reason.strip():
            raise UserError("a block needs a written reason", field="--reason")
        freeze(w, books, p)
        if member in p.recused:
            raise UserError(f"{member} is recused from {p.label}: {p.recused[member]}", field="--member")
        if member not in (p.eligible or ()):
            raise UserError(
                f"{member} may not vote on {p.label}: not an active member when voting opened on {p.voting_opens}", field="--member"
            )
        m = memberships(books, date.max)[member]
        if m.end is not None and m.end < today:
            raise UserError(f"{member} left on {m.end} and no longer votes", field="--member")
        phase = "voting"
        if p.result is not None:  # provisional consensus: the absent may ratify or object
            until = date.fromisoformat(p.result.data["ratification_until"])
            if member not in p.result.data["absent"]:
                raise UserError(
                    f"{p.label} reached provisional consensus; only members absent from the vote may respond now", field="--member"
                )
            if today > until:
                raise UserError(f"the ratification window for {p.label} closed on {until}", field="PROPOSAL")
            phase = "ratification"
        elif today > p.deadline:
            raise UserError(f"voting on {p.label} ended on {p.deadline}; ballots are no longer accepted", field="PROPOSAL")
        previous = p.current_ballots(phase).get(member)
        data = {"member": member, "choice": choice, "reason": reason.strip(), "phase": phase}
        if holder is not None:
            data |= _proxy_terms(books, p, holder, member, previous, phase, today)
        if previous is not None:
            data["supersedes"] = previous.entry.seq
        entry = w.append(BALLOT, today, data, ref=p.id)
        if phase == "ratification" and choice in ("no", "block"):
            w.append(
                RESULT,
                today,
                {
                    **{k: v for k, v in p.result.data.items() if k not in ("outcome", "stage", "reason")},
                    "outcome": "reopened",
                    "stage": "final",
                    "reason": f"{member} objected during the ratification window" + (f": {reason.strip()}" if reason.strip() else ""),
                    "objection": entry.seq,
                },
                ref=p.id,
            )
    return p, entry


def _proxy_terms(books: Books, p: Proposal, holder: str, member: str, previous: Any, phase: str, today: date) -> dict[str, Any]:
    """Check a proxy ballot: an accepted proxy covering this vote, under the holder's cap, never over the member's own ballot."""
    from engine.governance.proxies import holders_count, usable

    if holder not in {m.id for m in active(books, today)}:
        raise UserError(f"{holder} is not an active member and cannot vote for others", field="--member")
    proxy = usable(books, member, holder, p.label, today)
    if previous is not None and previous.proxy is None:
        raise UserError(f"{member} voted on {p.label} themselves; a proxy cannot replace a member's own ballot", field="--for")
    cap = holders_count(books)
    others = {b.member for b in p.current_ballots(phase).values() if b.cast_by == holder and b.member != member}
    if len(others) >= cap:
        raise UserError(f"{holder} already votes for {len(others)} member(s) on {p.label}; the books allow {cap}", field="--for")
    return {"proxy": proxy.seq, "cast_by": holder}


def ratification_until(closed_on: date, days: int) -> date:
    return closed_on + timedelta(days=days)


_WHO_TOOK_PART = ("ballots", "absent", "ratified_by", "silent", "objection")


def public_view(books: Books) -> Callable[[Entry], dict[str, Any]]:
    """How listings show an entry: a secret ballot without its member and choice (see the module's note)."""
    from engine.governance.proposals import all_proposals

    secret = {p.id for p in all_proposals(books) if p.rule.secret}

    def view(e: Entry) -> dict[str, Any]:
        if e.ref not in secret:
            return e.data
        if e.kind == BALLOT:
            return {"phase": e.data["phase"], "secret": True}
        if e.kind == RESULT:  # who took part is secret too; counts stay
            return {k: v for k, v in e.data.items() if k not in _WHO_TOOK_PART}
        return e.data

    return view
