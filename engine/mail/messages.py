"""The messages the co-op mails, each written as plain text from data.

A member's words (a proposal's title, a name) are put into the text as data,
never rendered as a template, so nothing a member writes can run or reach
another field. Each function queues one message in the caller's transaction
and returns its ``mail.queued`` entry, or None when the member has no
address to send it to.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from engine.books.folder import Books
from engine.books.journal import Entry, Writer
from engine.books.mail import portal_url
from engine.books.roster import memberships
from engine.errors import UserError
from engine.governance.invitations import latest as latest_invitation
from engine.governance.proposals import Ballot, Proposal
from engine.mail.outbox import queue

INVITATION = "invitation"
SIGNIN = "signin"
PROPOSAL_OPENED = "proposal.opened"
REMINDER = "proposal.reminder"
RESULT = "proposal.result"
RECEIPT = "ballot.receipt"
DOCUMENT = "document.issued"

SECRET_RECEIPT_SUBJECT = "Your ballot receipt"
"""A secret ballot's receipt names no proposal in its subject, which the journal records."""


def recipient(books: Books, member: str) -> tuple[str, str] | None:
    """The member's address and name from the roster (founding file or a recorded join), or None."""
    m = memberships(books, date.max).get(member)
    if m is None:
        return None
    email = str(getattr(m.provider, "email", "") or "")
    return (email, m.provider.name) if email else None


def _required(books: Books, member: str) -> tuple[str, str]:
    found = recipient(books, member)
    if found is None:
        raise UserError(
            f"{member} has no email address on file", field="MEMBER", expected="an email address in federation.yaml, or --no-mail"
        )
    return found


def _signed(books: Books, lines: list[str]) -> str:
    return "\n".join([*lines, "", f"-- {books.federation.name}"])


def _letter(w: Writer, books: Books, member: str, found: tuple[str, str], lines: list[str], **message: Any) -> Entry:
    """One message to a member: to their address, greeted by name, signed by the co-op, queued (``message``: queue's own fields)."""
    to, name = found
    return queue(w, books, to=to, member=member, body=_signed(books, [f"Dear {name},", "", *lines]), **message)


def _to_member(w: Writer, books: Books, member: str, lines: list[str], **message: Any) -> Entry | None:
    """A message the member gets if they have an address on file; without one nothing is queued (None)."""
    found = recipient(books, member)
    return None if found is None else _letter(w, books, member, found, lines, **message)


def join_link(books: Books, member: str, code: str) -> str:
    return f"{portal_url(books)}/join/{member}/{code}"


def invitation(w: Writer, books: Books, member: str, code: str, link: str | None = None) -> Entry:
    """The member's invitation to set their own credential: the link, and the code to type if the link is not used."""
    link = link or join_link(books, member, code)
    invited = latest_invitation(books, member)
    expires = f" It works once, until {invited.data['expires']}." if invited is not None else " It works once."
    lines = [
        f"{books.federation.name} invites you to set your own voting credential.",
        "Open this link and choose it:",
        "",
        f"  {link}",
        "",
        f"Or type this invitation code when asked: {code}",
        "",
        f"The code is for you alone.{expires} Nobody else, the administrator included, learns your credential.",
    ]
    key = f"{INVITATION}:{invited.seq}" if invited is not None else None
    subject = f"Your invitation: {books.federation.name}"
    return _letter(w, books, member, _required(books, member), lines, subject=subject, kind=INVITATION, key=key, secret=True)


def signin_link(w: Writer, books: Books, member: str, token: str, code: str) -> Entry:
    """A sign-in link for the portal, and the short code to type beside it; neither lands in the journal."""
    lines = [
        "To sign in, open this link:",
        "",
        f"  {portal_url(books)}/signin/link/{token}",
        "",
        f"and type this code: {code}",
        "",
        "If you did not ask to sign in, ignore this message; the link stops working soon.",
    ]
    key = f"{SIGNIN}:{hashlib.sha256(token.encode('utf-8')).hexdigest()[:32]}"
    subject = f"Sign in: {books.federation.name}"
    return _letter(w, books, member, _required(books, member), lines, subject=subject, kind=SIGNIN, key=key, secret=True)


def _proposal_link(books: Books, p: Proposal) -> str:
    return f"{portal_url(books)}/proposals/{p.label}"


def proposal_opened(w: Writer, books: Books, p: Proposal, member: str) -> Entry | None:
    lines = [
        f"A proposal is open for your vote: {p.label}, {p.title}",
        f"Voting opens on {p.voting_opens} and ends on {p.deadline}.",
        f"Rule: {p.rule.describe()}",
        "",
        f"Read it, comment and vote: {_proposal_link(books, p)}",
    ]
    return _to_member(
        w, books, member, lines, subject=f"{p.label} is open: {p.title}", kind=PROPOSAL_OPENED,
        ref=p.id, key=f"{PROPOSAL_OPENED}:{p.id}:{member}",
    )  # fmt: skip


def reminder(w: Writer, books: Books, p: Proposal, member: str) -> Entry | None:
    lines = [f"Voting on {p.label}, {p.title}, ends on {p.deadline}, and you have not voted yet.", "", f"Vote: {_proposal_link(books, p)}"]
    return _to_member(
        w, books, member, lines, subject=f"Reminder: {p.label} closes on {p.deadline}", kind=REMINDER,
        ref=p.id, key=f"{REMINDER}:{p.id}:{member}",
    )  # fmt: skip


def result(w: Writer, books: Books, p: Proposal, member: str) -> Entry | None:
    final = p.final
    if final is None:
        return None
    outcome = str(final.data["outcome"]).replace("_", " ")
    lines = [
        f"{p.label}, {p.title}, was decided on {final.on}: {outcome}.",
        f"{final.data.get('reason', '')}",
        "",
        f"The record: {_proposal_link(books, p)}",
    ]
    return _to_member(
        w, books, member, lines, subject=f"{p.label} {outcome}: {p.title}", kind=RESULT,
        ref=p.id, key=f"{RESULT}:{p.id}:{member}",
    )  # fmt: skip


def ballot_receipt(w: Writer, books: Books, p: Proposal, ballot: Ballot) -> Entry | None:
    """The receipt of a ballot, to the member whose ballot it is; a secret ballot's without its choice.

    The journal records only that a receipt was mailed (recipient, a neutral
    subject, the body's hash), so a secret ballot's choice never reaches it.
    """
    secret = p.rule.secret
    how = "" if ballot.cast_by in (None, ballot.member) else f" It was cast for you by {ballot.cast_by}, who holds your proxy."
    lines = [f"Your ballot on {p.label}, {p.title}, was recorded on {ballot.entry.on}.{how}"]
    if not secret:
        lines.append(f"Your choice: {ballot.choice}{' (' + ballot.reason + ')' if ballot.reason else ''}")
    lines += [
        "",
        f"Receipt: {ballot.receipt}",
        "",
        "Keep it: 'coop audit receipt RECEIPT' (or the portal) shows that your ballot is in the published record.",
        f"The proposal: {_proposal_link(books, p)}",
    ]
    subject = SECRET_RECEIPT_SUBJECT if secret else f"Your ballot receipt: {p.label}"
    # A secret ballot's receipt is keyed under the proposal's ballot key, so the key cannot be matched to the ballot's entry.
    key = f"{RECEIPT}:{_sealed_key(books, p, ballot)}" if secret else f"{RECEIPT}:{ballot.entry.seq}"
    return _to_member(
        w, books, ballot.member, lines, subject=subject, kind=RECEIPT,
        ref=None if secret else ballot.entry.seq, key=key, sealed=secret,
    )  # fmt: skip


def _sealed_key(books: Books, p: Proposal, ballot: Ballot) -> str:
    import hmac

    from engine.governance import pseudonyms

    secret = pseudonyms.key(books, p.opened, p.label) if p.pseudonymous else None
    if secret is None:  # a secret vote from before ballot keys: its entries name their members anyway
        return hashlib.sha256(ballot.receipt.encode()).hexdigest()[:32]
    return hmac.new(secret, f"receipt:{ballot.receipt}".encode(), hashlib.sha256).hexdigest()[:32]


_DOCUMENT_WORDS = {
    "agreement": "your agreement to sign",
    "acknowledgment": "an acknowledgment to sign",
    "business-associate": "a business associate agreement to sign",
    "fee-notice": "a fee notice",
    "statement": "your statement",
    "settlement": "your settlement letter",
}


def document_issued(w: Writer, books: Books, issued: Entry, member: str) -> Entry | None:
    """A document issued to the member (an agreement to sign, a fee notice, a statement): where to read it."""
    kind = str(issued.data.get("kind", "document"))
    what = _DOCUMENT_WORDS.get(kind, f"a {kind.replace('_', ' ').replace('-', ' ')}")
    document = str(issued.data.get("document", "")).rsplit("/", 1)[-1]
    lines = [
        f"{books.federation.name} issued {what} on {issued.on}: {document}",
        f"Its SHA-256: {issued.data.get('sha256', '')}",
        "",
        f"Read it: {portal_url(books)}/documents",
    ]
    return _to_member(
        w, books, member, lines, subject=f"Issued to you: {what}", kind=DOCUMENT,
        ref=issued.seq, key=f"{DOCUMENT}:{issued.seq}",
    )  # fmt: skip
