"""Proposals as any interface shows them: plain data, the ballots that count, and closing with what it leaves behind.

``coop proposal`` prints these and the portal will serve them; what is
shown of a secret ballot, which ballots are current and where a passed
hand-over's checklist goes are decided here, not by the interface.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from engine.books.folder import Books
from engine.books.output import write_text
from engine.governance.ballots import public_view
from engine.governance.decisions import close
from engine.governance.outcomes import LOW_RATE_APPROVED
from engine.governance.proposals import Proposal, all_proposals, deciding


def proposals_on(books: Books, on: date) -> list[Proposal]:
    """Every proposal opened by ``on``, in order."""
    return [p for p in all_proposals(books) if p.opened_on <= on]


def proposal_data(p: Proposal, on: date, books: Books | None = None, detail: bool = False) -> dict[str, Any]:
    """A proposal as plain data on a date: where it stands; with ``detail``, its fields, electorate, ballots and result.

    A secret ballot shows only receipts, and its result only what
    :func:`engine.governance.ballots.public_view` lets anyone see.
    """
    counts = p.result.data["counts"] if p.result is not None else None
    out: dict[str, Any] = {
        "id": p.label,
        "matter": p.matter.value,
        "title": p.title,
        "status": p.status(on),
        "opened_on": p.opened_on.isoformat(),
        "voting_opens": p.voting_opens.isoformat(),
        "deadline": p.deadline.isoformat(),
        "reading": p.reading,
        "counts": counts,
    }
    if detail:
        secret = p.rule.secret
        eligible, recused = deciding(books, p)
        out |= {
            "fields": p.fields.model_dump(mode="json", by_alias=True),
            "rule": p.rule.model_dump(mode="json"),
            "rule_text": p.rule.describe(),
            "proposer": p.proposer,
            "first_reading": f"P-{p.first_reading}" if p.first_reading else None,
            "journal_entry": p.id,
            "eligible": list(eligible),
            "recused": recused,
            "electorate_frozen": p.eligible is not None,
            "ballots": [
                {
                    "receipt": b.receipt,
                    "on": b.entry.on,
                    "phase": b.phase,
                    **({} if secret else {"member": b.member, "choice": b.choice, "reason": b.reason}),
                    **({"pseudonym": b.member} if b.pseudonymous else {}),
                }
                for b in p.ballots
            ],
            "comments": [{"member": c.data["member"], "on": c.on, "text": c.data["text"]} for c in p.comments],
            "statements": [{"author": st.data["author"], "on": st.on, "text": st.data["text"]} for st in p.statements],
            "result": p.result.data if p.result is not None else None,
            "effect": p.effect.data if p.effect is not None else None,
        }
        if secret and p.result is not None:
            out["result"] = public_view(books)(p.result)  # type: ignore[arg-type]
    return out


def current_ballots(p: Proposal) -> set[int]:
    """The journal entries of the ballots that count: each member's latest in each phase (the rest are superseded)."""
    return {b.entry.seq for phase in ("voting", "ratification") for b in p.current_ballots(phase).values()}


def close_proposal(books: Books, proposal_id: str, statement: str = "", *, calendar: bool = False) -> tuple[Proposal, Path | None]:
    """Count and decide; a passed end of the parent relationship also leaves its transition checklist beside the books."""
    p = close(books, proposal_id, statement, calendar=calendar)
    e = p.effect.data if p.effect is not None else None
    if e is not None and e["applied"] and p.matter.value == "end_parent":
        checklist = books.journal.require(e["entries"][0]).data["checklist"]
        return p, write_text(books.folder / f"transition-{p.label}.md", checklist)
    return p, None


def approved_low_rates(books: Books) -> list[dict[str, Any]]:
    """Every very low client rate the collective approved: the client's reference, never a name."""
    return [{"on": e.on, **e.data} for e in books.journal.entries([LOW_RATE_APPROVED])]


def public_journal(books: Books, kind: str | None = None) -> list[dict[str, Any]]:
    """Every entry in order, withdrawn ones marked; a secret ballot shows only what anyone may see."""
    entries = books.journal.entries([kind] if kind else None, include_voided=True)
    voided = books.journal.voided()
    shown = public_view(books)
    return [
        {
            "seq": e.seq,
            "kind": e.kind,
            "on": e.on,
            "recorded_at": e.recorded_at,
            "data": shown(e),
            "ref": e.ref,
            "hash": e.hash,
            "voided": e.seq in voided,
        }
        for e in entries
    ]
