"""Closing a proposal: count, record the result and apply its effect, in one transaction.

The result entry lists the ballots it counted and the members dropped
(with why), so ``coop audit verify`` can recount it from the record alone.
Results are the engine's: passed, failed, no quorum (no decision, not a
rejection), provisional (consensus reached without everyone), reopened (an
absent member objected). A person may add an outcome statement, which is
kept beside the result, never in place of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.books import clock
from engine.books.folder import Books
from engine.books.journal import Entry, Writer
from engine.errors import BooksError, UserError
from engine.governance import outcomes, pseudonyms, tally
from engine.governance.ballots import absent, attested, cast_by, departed, ratification_until
from engine.governance.proposals import EFFECT, RESULT, STATEMENT, Proposal, check_seal, freeze, load


@dataclass(frozen=True)
class Recount:
    tally: tally.Tally
    counted: dict[str, int]
    """member (or pseudonym, on a secret proposal) -> the seq of the ballot that counted."""


def recount(p: Proposal, dropped: dict[str, str], before: int | None = None, keys: dict[str, str] | None = None) -> Recount:
    """The tally from the latest voting ballot of each eligible member still a member.

    ``keys`` maps each member to the name their ballots are filed under (a pseudonym on a secret
    proposal, see :func:`voter_keys`); without it ballots are filed under member ids.
    """
    electorate = [m for m in p.eligible or () if m not in dropped]
    filed = {keys[m] if keys is not None else m for m in electorate}
    current = {k: b for k, b in p.current_ballots("voting", before).items() if k in filed}
    t = tally.evaluate(p.rule, len(electorate), [b.choice for b in current.values()])
    return Recount(t, {k: b.entry.seq for k, b in sorted(current.items())})


def voter_keys(books: Books, p: Proposal, required: bool = True) -> dict[str, str] | None:
    """member -> pseudonym for a pseudonymous proposal's electorate (None for one whose ballots name members).

    Needs the proposal's ballot key; with ``required=False`` a missing key gives None instead of refusing.
    """
    if not p.pseudonymous:
        return None
    key = pseudonyms.required_key(books, p.opened, p.label) if required else pseudonyms.key(books, p.opened, p.label)
    return pseudonyms.names(key, p.eligible or ()) if key is not None else None


def voted(p: Proposal, keys: dict[str, str] | None, counted: dict[str, int]) -> list[str]:
    """Who has a counted ballot: member ids, whichever name their ballots are filed under."""
    return sorted(m for m in p.eligible or () if (keys[m] if keys is not None else m) in counted)


CLOSED_BY, CALENDAR = "closed_by", "calendar"
"""A result recorded because the vote's time had come, by whatever command or request came next, not by a person."""


def close(books: Books, pid: str, statement: str = "", *, calendar: bool = False) -> Proposal:
    """Close voting (or the ratification window) and decide; refuses while the outcome could still change.

    ``calendar``: closed because its time had come (engine.governance.due), marked so on the result.
    """
    today = clock.today()
    with books.transaction() as w:
        p = load(books, pid)
        if p.final is not None:
            raise UserError(
                f"{p.label} was already decided on {p.final.on} ({p.final.data['outcome'].replace('_', ' ')})", field="PROPOSAL"
            )
        if p.result is not None:
            _end_ratification(w, books, p, today, statement, calendar)
        else:
            _close_vote(w, books, p, today, statement, calendar)
    return load(books, p.number)


def _proxy_count(books: Books, p: Proposal, counted: dict[str, int]) -> dict[str, Any]:
    """Ballots counted that a proxy holder cast, marked as such (only when there are any, so older results read the same)."""
    by_proxy = sorted(b.member for b in p.ballots if counted.get(b.member) == b.entry.seq and cast_by(books, p, b)[1] is not None)
    return {"proxy_ballots": by_proxy if not p.rule.secret else len(by_proxy)} if by_proxy else {}


def _attested(books: Books, p: Proposal, counted: dict[str, int]) -> dict[str, int]:
    """How the counted ballots were attested: signed by a member's passkey, or checked by the server."""
    seqs = set(counted.values())
    return attested(books, p, [b for b in p.ballots if b.entry.seq in seqs])


def _close_vote(w: Writer, books: Books, p: Proposal, today: date, statement: str, calendar: bool = False) -> None:
    if today < p.voting_opens:
        raise UserError(f"voting on {p.label} has not opened yet (opens {p.voting_opens})", field="PROPOSAL")
    freeze(w, books, p)
    broken = check_seal(p)
    if broken:
        raise BooksError(broken + "; the vote cannot be counted until 'coop audit verify' is clean")
    dropped = departed(books, p, today)
    keys = voter_keys(books, p)
    r = recount(p, dropped, keys=keys)
    early = today <= p.deadline
    if early:
        sure = tally.certain(p.rule, r.tally.counts)
        if sure is None:
            why = "consensus proposals never close early" if p.rule.method == "consensus" else "the outcome can still change"
            raise UserError(f"voting on {p.label} runs until {p.deadline} and {why}", field="PROPOSAL")
    data: dict[str, Any] = {
        **r.tally.as_json(),
        "stage": "final",
        "closed_on": today.isoformat(),
        "early": early,
        "ballots": r.counted,
        "dropped": dropped,
        **_proxy_count(books, p, r.counted),
        "attested": _attested(books, p, r.counted),
        "statement": statement.strip(),
        "reading": p.reading,
        **({CLOSED_BY: CALENDAR} if calendar else {}),
    }
    if keys is not None:  # who voted, not how: public once the vote has closed
        data["voted"] = voted(p, keys, r.counted)
    missing = sorted(set(p.eligible or ()) - set(dropped) - set(voted(p, keys, r.counted)))
    if r.tally.outcome == "passed" and p.rule.method == "consensus" and missing and p.rule.ratification_days:
        data |= {
            "stage": "provisional",
            "absent": missing,
            "ratification_until": ratification_until(today, p.rule.ratification_days).isoformat(),
            "reason": r.tally.reason + f"; provisional until the {len(missing)} absent member(s) ratify or object",
        }
        w.append(RESULT, today, data, ref=p.id)
        return
    if r.tally.outcome == "passed" and p.rule.second_reading and p.reading == 1:
        data["awaiting_second_reading"] = True
        data["reason"] += f"; first reading passed, the second may open {p.rule.cooling_off_days} days after today"
    w.append(RESULT, today, data, ref=p.id)
    if r.tally.outcome == "passed" and not data.get("awaiting_second_reading"):
        _apply(w, books, p, today)


def _end_ratification(w: Writer, books: Books, p: Proposal, today: date, statement: str, calendar: bool = False) -> None:
    assert p.result is not None
    prov = p.result.data
    until = date.fromisoformat(prov["ratification_until"])
    keys = voter_keys(books, p)
    responded = {k for k, b in p.current_ballots("ratification").items() if b.choice not in ("no", "block")}
    ratified = {m for m in absent(p, prov) if (keys[m] if keys is not None else m) in responded}
    waiting = sorted(set(absent(p, prov)) - ratified)
    if today <= until and waiting:
        raise UserError(
            f"{p.label} is provisional: the ratification window runs until {until} (waiting for {', '.join(waiting)})", field="PROPOSAL"
        )
    data = {
        **{k: v for k, v in prov.items() if k not in ("stage", "reason", "statement", CLOSED_BY)},
        "stage": "final",
        "ratified_on": today.isoformat(),
        "ratified_by": sorted(ratified),
        "silent": waiting,
        "statement": statement.strip(),
        "reason": prov["reason"].split("; provisional")[0] + ("; ratified" if not waiting else "; ratified by silence"),
        **({CLOSED_BY: CALENDAR} if calendar else {}),
    }
    w.append(RESULT, today, data, ref=p.id)
    _apply(w, books, p, today)


def _apply(w: Writer, books: Books, p: Proposal, today: date) -> None:
    """Apply the effect whole, or record why it could not be applied; never half."""
    try:
        details = outcomes.apply(w, books, p, today)
    except outcomes.NotApplicable as exc:
        w.append(EFFECT, today, {"applied": False, "reason": str(exc)}, ref=p.id)
    else:
        w.append(EFFECT, today, {"applied": True, **details}, ref=p.id)


def add_statement(books: Books, pid: str, author: str, text: str) -> Entry:
    """A person's outcome statement after the result; it sits beside the engine's result, never replaces it."""
    if not text.strip():
        raise UserError("a statement needs text", field="--text")
    with books.transaction() as w:
        p = load(books, pid)
        if p.result is None:
            raise UserError(f"{p.label} has no result yet; a statement follows the result", field="PROPOSAL")
        return w.append(STATEMENT, clock.today(), {"author": author, "text": text.strip()}, ref=p.id)
