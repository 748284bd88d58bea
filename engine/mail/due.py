"""What is due to be mailed, derived from the journal: run by ``coop mail send`` (from cron or the portal's scheduler).

Every message has a key (the proposal and member, the ballot, the issued
document), so running this again queues nothing twice. Only what happened in
the last :data:`WINDOW_DAYS` is mailed: books that turn mail on after a year
do not send a year of old news.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from engine.books.folder import Books
from engine.books.journal import Entry, Writer
from engine.books.mail import of
from engine.books.roster import memberships
from engine.documents.agreements import ISSUED as CONTRACT_ISSUED
from engine.documents.notices import ISSUED as DOCUMENT_ISSUED
from engine.governance.decisions import voter_keys
from engine.governance.proposals import Proposal, all_proposals, deciding
from engine.mail import messages

WINDOW_DAYS = 30
DEFAULT_REMIND_DAYS = 2


@dataclass
class Settled:
    """What one run queued, and how many messages were not queued because the member has no address."""

    queued: int = 0
    skipped: int = 0


def settle(books: Books, today: date) -> int:
    """Queue every message due on ``today``; the number queued."""
    return settle_report(books, today).queued


def settle_report(books: Books, today: date) -> Settled:
    """Queue every message due on ``today`` in one transaction: notices, reminders, results, receipts, documents."""
    done = Settled()
    since = today - timedelta(days=WINDOW_DAYS)
    settings = of(books)
    remind = settings.remind_days_before if settings is not None else DEFAULT_REMIND_DAYS
    with books.transaction() as w:

        def track(queue: Callable[[], Entry | None]) -> None:
            before = len(w.written)
            entry = queue()
            if entry is None:
                done.skipped += 1
            elif len(w.written) > before:
                done.queued += 1

        for p in all_proposals(books):
            if p.opened_on <= today:
                _proposal(w, books, p, today, since, remind, track)
        members = memberships(books, date.max)
        for e in books.journal.entries([CONTRACT_ISSUED, DOCUMENT_ISSUED]):
            member = str(e.data.get("provider"))
            if since <= e.date <= today and member in members:  # governance papers name a proposal, not a member
                track(lambda e=e, member=member: messages.document_issued(w, books, e, member))
    return done


def voters(books: Books, p: Proposal) -> list[str]:
    """Who decides: the electorate frozen when voting opened, else who would if it opened on its date."""
    return deciding(books, p)[0]


def _proposal(
    w: Writer, books: Books, p: Proposal, today: date, since: date, remind: int, track: Callable[[Callable[[], Entry | None]], None]
) -> None:
    final = p.final
    who = voters(books, p)
    names = voter_keys(books, p, required=False) or {}
    members_of = {v: k for k, v in names.items()}
    if final is None:
        for m in who:
            track(lambda m=m: messages.proposal_opened(w, books, p, m))
        if p.voting_opens <= today <= p.deadline and today >= p.deadline - timedelta(days=remind):
            voted = set(p.current_ballots("voting"))
            for m in who:
                if names.get(m, m) not in voted:
                    track(lambda m=m: messages.reminder(w, books, p, m))
    elif since <= final.date <= today:
        for m in who:
            track(lambda m=m: messages.result(w, books, p, m))
    for b in p.ballots:
        if since <= b.entry.date <= today:
            # A secret ballot is filed under a pseudonym; the books' ballot key says whose it is, here and nowhere else.
            whose = replace(b, member=members_of.get(b.member, b.member))
            track(lambda b=whose: messages.ballot_receipt(w, books, p, b))
