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
from engine.governance import outcomes, tally
from engine.governance.ballots import absent, departed, ratification_until
from engine.governance.proposals import EFFECT, RESULT, STATEMENT, Proposal, check_seal, freeze, load


@dataclass(frozen=True)
class Recount:
    tally: tally.Tally
    counted: dict[str, int]
    """member -> the seq of the ballot that counted."""


def recount(p: Proposal, dropped: dict[str, str], before: int | None = None) -> Recount:
    """The tally from the latest voting ballot of each eligible member still a member."""
    electorate = [m for m in p.eligible or () if m not in dropped]
    current = {m: b for m, b in p.current_ballots("voting", before).items() if m in electorate}
    t = tally.evaluate(p.rule, len(electorate), [b.choice for b in current.values()])
    return Recount(t, {m: b.entry.seq for m, b in sorted(current.items())})


def close(books: Books, pid: str, statement: str = "") -> Proposal:
    """Close voting (or the ratification window) and decide; refuses while the outcome could still change."""
    today = clock.today()
    with books.transaction() as w:
        p = load(books, pid)
        if p.final is not None:
            raise UserError(
                f"{p.label} was already decided on {p.final.on} ({p.final.data['outcome'].replace('_', ' ')})", field="PROPOSAL"
            )
        if p.result is not None:
            _end_ratification(w, books, p, today, statement)
        else:
            _close_vote(w, books, p, today, statement)
    return load(books, p.number)


def _proxy_count(p: Proposal, counted: dict[str, int]) -> dict[str, Any]:
    """Ballots counted that a proxy holder cast, marked as such (only when there are any, so older results read the same)."""
    by_proxy = sorted(b.member for b in p.ballots if b.proxy is not None and counted.get(b.member) == b.entry.seq)
    return {"proxy_ballots": by_proxy if not p.rule.secret else len(by_proxy)} if by_proxy else {}


def _close_vote(w: Writer, books: Books, p: Proposal, today: date, statement: str) -> None:
    if today < p.voting_opens:
        raise UserError(f"voting on {p.label} has not opened yet (opens {p.voting_opens})", field="PROPOSAL")
    freeze(w, books, p)
    broken = check_seal(p)
    if broken:
        raise BooksError(broken + "; the vote cannot be counted until 'coop audit verify' is clean")
    dropped = departed(books, p, today)
    r = recount(p, dropped)
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
        **_proxy_count(p, r.counted),
        "statement": statement.strip(),
        "reading": p.reading,
    }
    missing = sorted(set(p.eligible or ()) - set(dropped) - set(r.counted))
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


def _end_ratification(w: Writer, books: Books, p: Proposal, today: date, statement: str) -> None:
    assert p.result is not None
    prov = p.result.data
    until = date.fromisoformat(prov["ratification_until"])
    ratified = {m for m, b in p.current_ballots("ratification").items() if b.choice not in ("no", "block")}
    waiting = sorted(set(absent(p, prov["ballots"])) - ratified)
    if today <= until and waiting:
        raise UserError(
            f"{p.label} is provisional: the ratification window runs until {until} (waiting for {', '.join(waiting)})", field="PROPOSAL"
        )
    data = {
        **{k: v for k, v in prov.items() if k not in ("stage", "reason", "statement")},
        "stage": "final",
        "ratified_on": today.isoformat(),
        "ratified_by": sorted(ratified),
        "silent": waiting,
        "statement": statement.strip(),
        "reason": prov["reason"].split("; provisional")[0] + ("; ratified" if not waiting else "; ratified by silence"),
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
