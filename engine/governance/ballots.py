"""Casting ballots: one current ballot per eligible member, each with a receipt.

A ballot is a ``ballot.cast`` entry referring to its proposal. Casting again
supersedes the member's earlier ballot (which stays in the record); the
latest one before close counts. The receipt is the entry's hash: because the
journal is a hash chain, a receipt still found in the published record
proves nothing before it was rewritten.

What "secret" means here: a proposal opened under a secret rule gets a
ballot key kept outside the journal (engine.governance.pseudonyms), and its
ballot entries hold a pseudonym and the choice, never the member. The engine
still refuses a second current ballot (one per pseudonym) and a non-member
(the pseudonym is computed from the member at cast time), and the recount
stays repeatable from the journal. Whoever holds the books' secrets folder
can link pseudonyms to members; members reading the journal or a bundle
cannot. Secret proposals opened before ballot keys existed still name their
members, as they were recorded.

How a ballot is attested: a credential checked by the server
(``{"by": "server"}``) or a passkey's signature over the ballot's content
(engine.governance.passkeys), which ``coop audit verify`` checks offline.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from engine.books import clock
from engine.books.folder import Books
from engine.books.journal import Entry
from engine.books.roster import active, membership, memberships, require
from engine.errors import UserError
from engine.governance import credentials, pseudonyms, tally
from engine.governance.challenges import content_hash
from engine.governance.proposals import BALLOT, RESULT, Ballot, Proposal, electorate, freeze, load, opening, seal


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


def absent(p: Proposal, result: dict[str, Any]) -> list[str]:
    """Eligible members with no counted ballot in a result (a pseudonymous result lists who voted as ``voted``)."""
    voted = result["voted"] if "voted" in result else result["ballots"]
    return sorted(set(p.eligible or ()) - set(voted) - set(result["dropped"]))


def cast(
    books: Books,
    pid: str,
    member: str,
    choice: str,
    secret: str | None,
    reason: str = "",
    for_member: str | None = None,
    assertion: str | None = None,
    compared: credentials.Compared | None = None,
) -> tuple[Proposal, Entry]:
    """Record ``member``'s ballot if the credential (or passkey assertion) is theirs and they may vote today; else nothing.

    With ``for_member``, ``member`` casts the ballot of the absent ``for_member`` under an accepted proxy
    (engine.governance.proxies): it counts once, as theirs, marked as a proxy ballot. With ``assertion``
    (the browser's PublicKeyCredential JSON) instead of ``secret``, ``member``'s passkey must have signed
    :func:`challenge_now` for this very ballot and this very state of the books. With ``compared`` instead,
    the credential was compared before the write lock (:func:`engine.governance.credentials.compare`) and is
    decided here, under it, as the credential itself would be.
    """
    if choice not in tally.CHOICES:
        raise UserError(f"'{choice}' is not a choice", field="--choice", expected=", ".join(tally.CHOICES))
    if sum(x is not None for x in (secret, assertion, compared)) > 1:
        raise UserError("a ballot is cast with a credential or with a passkey, not both", field="credential")
    if compared is not None and compared.member != member:
        raise UserError(f"the credential compared is {compared.member}'s, not {member}'s", field="credential")
    today = clock.today()
    opening(books, pid)  # an unknown proposal is named before any credential is asked about
    if compared is not None:
        credentials.settle(books, compared)
    elif assertion is None:
        credentials.check(books, member, secret)
    else:
        require(books, member, field="--member")
    holder, voter = _who(member, for_member)
    with books.transaction() as w:
        head = books.journal.head()
        p = load(books, pid)
        _check_open(p, today, choice, reason)
        sealed = _seal_before_freeze(books, p)
        freeze(w, books, p)
        data, private = _ballot(books, p, voter, holder, choice, reason, today)
        content = _content(p, data, sealed, head)
        if assertion is None:
            attestation: dict[str, Any] = {"attestation": {"by": "server"}}
        else:
            from engine.governance import passkeys  # WebAuthn and its cryptography load only for a passkey ballot

            challenge = content_hash(content)
            signed = passkeys.verify_assertion(books, member, assertion, challenge)
            attestation = {"attestation": signed, "challenge": passkeys.b64url(challenge), "head": content["head"]}
        if p.pseudonymous:  # who cast it and how stays beside the key, sealed into the entry by its hash
            private |= attestation | {"nonce": os.urandom(16).hex()}
            entry = w.append(BALLOT, today, data | {"sealed": pseudonyms.sidecar_digest(private)}, ref=p.id)
            pseudonyms.write_sidecar(books, p.label, entry.hash, private)
        else:
            entry = w.append(BALLOT, today, data | attestation, ref=p.id)
        if data["phase"] == "ratification" and choice in ("no", "block"):
            assert p.result is not None
            who = "a member absent from the vote" if p.pseudonymous else voter
            w.append(
                RESULT,
                today,
                {
                    **{k: v for k, v in p.result.data.items() if k not in ("outcome", "stage", "reason")},
                    "outcome": "reopened",
                    "stage": "final",
                    "reason": f"{who} objected during the ratification window" + (f": {reason.strip()}" if reason.strip() else ""),
                    "objection": entry.seq,
                },
                ref=p.id,
            )
    return p, entry


def challenge_now(books: Books, pid: str, member: str, choice: str, reason: str = "", for_member: str | None = None) -> bytes:
    """What a passkey must sign to cast this ballot: the hash of its content, the vote's seal and the journal's head now.

    The same books give the same bytes; any later entry changes the head, so a signature cannot be replayed
    onto a later state. The ballot is checked as :func:`cast` would check it, so a ballot that would be
    refused is refused here, before the member is asked to sign.
    """
    if choice not in tally.CHOICES:
        raise UserError(f"'{choice}' is not a choice", field="--choice", expected=", ".join(tally.CHOICES))
    require(books, member, field="--member")
    today = clock.today()
    head = books.journal.head()
    p = load(books, pid)
    _check_open(p, today, choice, reason)
    sealed = _seal_before_freeze(books, p)
    if p.frozen is None:  # as freeze() would record it, without writing
        eligible, recused = electorate(books, p)
        p.eligible, p.recused = tuple(eligible), recused
    holder, voter = _who(member, for_member)
    data, _ = _ballot(books, p, voter, holder, choice, reason, today)
    return content_hash(_content(p, data, sealed, head))


def content_of(p: Proposal, entry: Entry, head: dict[str, Any]) -> dict[str, Any]:
    """The content a passkey ballot's challenge was the hash of, from its entry (what ``audit verify`` recomputes)."""
    data = {k: v for k, v in entry.data.items() if k not in _NOT_SIGNED}
    sealed = p.frozen.data.get("seal") if p.frozen is not None else None
    return _content(p, data, sealed, (head["seq"], head["hash"]))


_NOT_SIGNED = ("attestation", "challenge", "head", "sealed")


def _who(member: str, for_member: str | None) -> tuple[str | None, str]:
    """(the proxy holder casting, or None; the member whose ballot it is)."""
    return (member, for_member) if for_member is not None and for_member != member else (None, member)


def _content(p: Proposal, data: dict[str, Any], sealed: str | None, head: tuple[int, str]) -> dict[str, Any]:
    return {"proposal": p.label, **data, "seal": sealed, "head": {"seq": head[0], "hash": head[1]}}


def _seal_before_freeze(books: Books, p: Proposal) -> str | None:
    if p.frozen is not None:
        return p.frozen.data.get("seal")  # type: ignore[no-any-return]
    eligible, recused = electorate(books, p)
    return seal(p, eligible, recused)


def _check_open(p: Proposal, today: date, choice: str, reason: str) -> None:
    if p.final is not None and today > p.deadline and p.final.date > p.deadline:
        # Closed because its time had come: the day it ended is what the member needs to hear.
        window = next((r.data["ratification_until"] for r in p.results if r.data["stage"] == "provisional"), None)
        if window is not None and p.final.date > date.fromisoformat(window):
            raise UserError(f"the ratification window for {p.label} closed on {window}", field="PROPOSAL")
        if window is None:
            raise UserError(f"voting on {p.label} ended on {p.deadline}; ballots are no longer accepted", field="PROPOSAL")
    if p.final is not None:
        raise UserError(f"{p.label} closed on {p.final.on}; ballots are no longer accepted", field="PROPOSAL")
    if today < p.voting_opens:
        raise UserError(f"voting on {p.label} opens on {p.voting_opens}, after the notice period", field="PROPOSAL")
    if choice in tally.CONSENSUS_ONLY and p.rule.method != "consensus":
        raise UserError(f"'{choice}' is only a choice under consensus", field="--choice", expected="yes, no or abstain")
    if choice == "block" and not reason.strip():
        raise UserError("a block needs a written reason", field="--reason")


def _ballot(
    books: Books, p: Proposal, member: str, holder: str | None, choice: str, reason: str, today: date
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ballot's entry data, and what a pseudonymous ballot keeps beside its key instead; refusals as one line."""
    if member in p.recused:
        raise UserError(f"{member} is recused from {p.label}: {p.recused[member]}", field="--member")
    if member not in (p.eligible or ()):
        raise UserError(
            f"{member} may not vote on {p.label}: not an active member when voting opened on {p.voting_opens}", field="--member"
        )
    m = membership(books, member)
    if m is None:  # in the frozen electorate, but their joining was since withdrawn
        raise UserError(f"{member} is no longer on the roster and no longer votes", field="--member")
    if m.end is not None and m.end < today:
        raise UserError(f"{member} left on {m.end} and no longer votes", field="--member")
    phase = "voting"
    if p.result is not None:  # provisional consensus: the absent may ratify or object
        until = date.fromisoformat(p.result.data["ratification_until"])
        if member not in p.result.data["absent"]:
            raise UserError(f"{p.label} reached provisional consensus; only members absent from the vote may respond now", field="--member")
        if today > until:
            raise UserError(f"the ratification window for {p.label} closed on {until}", field="PROPOSAL")
        phase = "ratification"
    elif today > p.deadline:
        raise UserError(f"voting on {p.label} ended on {p.deadline}; ballots are no longer accepted", field="PROPOSAL")
    voter = pseudonyms.pseudonym(pseudonyms.required_key(books, p.opened, p.label), member) if p.pseudonymous else member
    previous = p.current_ballot(voter, phase)
    data: dict[str, Any] = {"pseudonym" if p.pseudonymous else "member": voter, "choice": choice, "reason": reason.strip(), "phase": phase}
    private: dict[str, Any] = {}
    if holder is not None:
        terms = _proxy_terms(books, p, holder, member, voter, previous, phase, today)
        if p.pseudonymous:
            private = terms
        else:
            data |= terms
    elif p.pseudonymous:
        private = {"cast_by": None, "proxy": None}
    if previous is not None:
        data["supersedes"] = previous.entry.seq
    return data, private


def cast_by(books: Books, p: Proposal, b: Ballot) -> tuple[str | None, int | None]:
    """Who cast a ballot for its member, and under which proxy: (None, None) for the member's own.

    A pseudonymous ballot keeps this beside its key; without the secrets folder it reads as the member's own.
    """
    if not b.pseudonymous:
        return b.cast_by, b.proxy
    kept = pseudonyms.read_sidecar(books, p.label, b.entry) or {}
    return kept.get("cast_by"), kept.get("proxy")


def attestation_of(books: Books, p: Proposal, b: Ballot) -> dict[str, Any] | None:
    """How a ballot was attested (``by``: passkey or server); None for a pseudonymous one away from the secrets folder.

    Ballots recorded before attestations were journaled were checked by the server: they read as server-attested.
    """
    if not b.pseudonymous:
        return b.entry.data.get("attestation", {"by": "server"})  # type: ignore[no-any-return]
    kept = pseudonyms.read_sidecar(books, p.label, b.entry)
    return kept["attestation"] if kept is not None else None


def attested(books: Books, p: Proposal, ballots: list[Ballot]) -> dict[str, int]:
    """How many of ``ballots`` a passkey signed and how many the server attested (and, without the secrets folder, how many are unknown)."""
    out = {"passkey": 0, "server": 0}
    for b in ballots:
        a = attestation_of(books, p, b)
        kind = "unknown" if a is None else a["by"]
        out[kind] = out.get(kind, 0) + 1
    return out


def _proxy_terms(
    books: Books, p: Proposal, holder: str, member: str, voter: str, previous: Ballot | None, phase: str, today: date
) -> dict[str, Any]:
    """Check a proxy ballot: an accepted proxy covering this vote, under the holder's cap, never over the member's own ballot."""
    from engine.governance.proxies import holders_count, usable

    if holder not in {m.id for m in active(books, today)}:
        raise UserError(f"{holder} is not an active member and cannot vote for others", field="--member")
    proxy = usable(books, member, holder, p.label, today)
    if previous is not None and cast_by(books, p, previous)[1] is None:
        raise UserError(f"{member} voted on {p.label} themselves; a proxy cannot replace a member's own ballot", field="--for")
    cap = holders_count(books)
    others = {b.member for b in p.current_ballots(phase).values() if b.member != voter and cast_by(books, p, b)[0] == holder}
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
        if e.kind == BALLOT:  # a pseudonym is no one's name; the choice stays out of listings all the same
            return {"phase": e.data["phase"], "secret": True, **({"pseudonym": e.data["pseudonym"]} if "pseudonym" in e.data else {})}
        if e.kind == RESULT:  # who took part is secret too, but for the list of who voted (not how) once it closed; counts stay
            return {k: v for k, v in e.data.items() if k not in _WHO_TOOK_PART}
        return e.data

    return view
