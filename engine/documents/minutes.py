"""The governance documents people read: proposal notices, termination grounds, decision records (the minutes), pre-signing packets.

Each is worked out from the journal alone (a proposal's opening, its frozen
electorate, its result and effect entries), so a document can only state
what the engine recorded. Proposals are named by their label (P-3), never
by a journal entry number; the one hash a decision record cites is the
result entry's, which anyone can check with ``coop audit verify``.

Issuing writes Markdown and DOCX under ``documents/governance/...`` and
appends a ``document.issued`` entry with the DOCX's SHA-256 and the journal
anchor the document prints, as fee notices do; the same document issued
again (same anchor, same bytes) records nothing new, and ``register.csv``
and ``.json`` beside the documents list the latest issuance of each.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from engine.audit.anchors import Anchor
from engine.books.folder import Books
from engine.books.money import format_cents
from engine.books.output import write_bytes, write_text
from engine.books.roster import Membership, memberships
from engine.books.rules import Matter
from engine.documents import anchor as anchoring
from engine.documents.notices import ISSUED, latest
from engine.documents.templates import long_date, md_escape
from engine.documents.typesetting import DocMeta, to_docx
from engine.errors import UserError
from engine.governance.proposals import Proposal, all_proposals, deciding, load

FOLDER = "governance"
KINDS = ("proposal-notice", "termination-grounds", "decision-record", "minutes", "pre-signing-packet")
GROUNDS = {
    "refusal": "refusal to follow the Co-Op Procedures manual",
    "manual_failure": "excessive failure to follow the Co-Op Procedures manual",
}
CHOICES = ("yes", "no", "abstain", "stand_aside", "block")


@dataclass(frozen=True)
class GovernanceDocument:
    """A document worked out from the books, not yet written or recorded."""

    kind: str
    subject: str
    """Who or what it is about: a proposal's label, a provider's id, ``minutes``."""
    stem: str
    key: str
    title: str
    markdown: str
    issued: date
    author: str
    figures: dict[str, Any]


@dataclass(frozen=True)
class IssuedDocument:
    kind: str
    subject: str
    markdown: Path
    docx: Path
    sha256: str
    recorded: bool
    figures: dict[str, Any]
    anchor: Anchor | None = None
    """The journal head the document prints."""

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "markdown": str(self.markdown),
            "docx": str(self.docx),
            "sha256": self.sha256,
            "recorded": self.recorded,
            **self.figures,
            "anchor": anchoring.as_json(self.anchor),
        }


def _e(text: Any) -> str:
    return md_escape(str(text))


def _article(word: str) -> str:
    return "An" if word[:1].lower() in "aeiou" else "A"


def _sentence(text: str, capital: bool = True) -> str:
    """Engine wording as (the end of) a sentence: one full stop, and a capital first letter when it starts one."""
    text = text.strip().rstrip(".")
    return ((text[:1].upper() if capital else text[:1]) + text[1:] + ".") if text else ""


def _name(books: Books, member: str) -> str:
    m = memberships(books, date.max).get(member)
    return f"{m.provider.name} ({member})" if m is not None else member


def _what(books: Books, p: Proposal) -> list[str]:
    """What is proposed, field by field, in the words a member reads."""
    fields = p.fields.model_dump(mode="json", by_alias=True)
    out = []
    for key, value in fields.items():
        if value is None or key == "statement":
            continue
        if key == "changes" and isinstance(value, dict):
            shown = ", ".join(
                f"{k} = {format_cents(v, books.federation.currency) if k == 'monthly' and isinstance(v, int) else v}"
                for k, v in value.items()
                if not (isinstance(v, str) and "\n" in v)
            )
            sections = [k for k, v in value.items() if isinstance(v, str) and "\n" in v]
            if sections:
                shown = (shown + "; " if shown else "") + "new text for section(s) " + ", ".join(sections)
        elif isinstance(value, dict):
            shown = ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
        elif key == "grounds":
            shown = GROUNDS.get(str(value), str(value))
        elif key in ("provider", "member") and isinstance(value, str):
            shown = _name(books, value)
        else:
            shown = str(value)
        out.append(f"- {_e(key.replace('_', ' ').capitalize())}: {_e(shown)}")
    return out


def _require(books: Books, label: str) -> Proposal:
    return load(books, label)


# --- a proposal's notice to members -------------------------------------------------------


def proposal_notice(books: Books, label: str, issued: date) -> GovernanceDocument:
    """What members are asked to decide, by which rule, until when, and how to vote."""
    p = _require(books, label)
    fed = books.federation
    eligible, recused = deciding(books, p)
    lines = [
        f"# Notice of proposal {p.label}",
        "",
        f"**{_e(fed.name)}**",
        "",
        f"To every member, issued {long_date(issued)}",
        "",
        "## What is proposed",
        "",
        f"{_e(p.title)} ({_article(p.matter.value).lower()} {p.matter.value.replace('_', ' ')} matter, "
        f"proposed by {_e(_name(books, p.proposer))} on {long_date(p.opened_on)}).",
        "",
        *_what(books, p),
        "",
        "## The rule",
        "",
        f"It is decided by the rule in force when it opened: {_e(_sentence(p.rule.describe(), capital=False))}",
        "",
        "## When",
        "",
        f"Voting opens on {long_date(p.voting_opens)} and closes at the end of {long_date(p.deadline)}.",
        "",
        "## Who votes",
        "",
        f"{len(eligible)} members may vote: {_e(', '.join(_name(books, m) for m in eligible))}.",
    ]
    for who, why in sorted(recused.items()):
        lines += ["", f"{_e(_name(books, who))} does not vote: {_e(why)}."]
    ballot = (
        "secret: only the counts are published, and each voter gets a receipt"
        if p.rule.secret
        else "open: each member's choice is on the record"
    )
    lines += [
        "",
        "## How to vote",
        "",
        f"Cast your ballot with `coop vote cast {p.label} --member YOUR-ID --choice yes|no|abstain|stand_aside|block` "
        "and your own voting credential; a block needs a written reason. You may change your ballot until voting closes; "
        f"the latest one counts. The ballot is {ballot}.",
        "",
    ]
    figures = {
        "proposal": p.label,
        "voting_opens": p.voting_opens.isoformat(),
        "deadline": p.deadline.isoformat(),
        "eligible": len(eligible),
    }
    return GovernanceDocument(
        "proposal-notice", p.label, f"{p.label}-notice", f"proposal-notice:{p.label}", f"Notice of proposal {p.label}",
        "\n".join(lines), issued, fed.name, figures,
    )  # fmt: skip


# --- the grounds of a termination ------------------------------------------------------------


def termination_grounds(books: Books, label: str, issued: date) -> GovernanceDocument:
    """The written grounds given to the provider a termination concerns, with the time they have to respond."""
    p = _require(books, label)
    if p.matter != Matter.termination:
        raise UserError(f"{p.label} is a {p.matter.value.replace('_', ' ')} proposal, not a termination", field="PROPOSAL")
    fields = p.fields.model_dump(mode="json")
    provider = fields["provider"]
    m = memberships(books, date.max)[provider]
    fed = books.federation
    rule = p.rule
    respond_by = issued + timedelta(days=rule.response_days) if rule.response_days else None
    lines = [
        "# Written grounds for termination",
        "",
        f"**{_e(fed.name)}**",
        "",
        f"To {_e(m.provider.name)}, {_e(m.provider.practice)}, issued {long_date(issued)}",
        "",
        "## What the members are asked to decide",
        "",
        f"Proposal {p.label}, opened on {long_date(p.opened_on)}, asks the members to end your agreement for cause, "
        f"with your last day on {long_date(date.fromisoformat(fields['last_day']))}. The grounds are "
        f"{_e(GROUNDS.get(fields['grounds'], fields['grounds']))}.",
        "",
        "## The grounds, as written",
        "",
        *[f"> {_e(line)}" if line.strip() else ">" for line in str(fields["statement"]).splitlines()],
        "",
        "## Your response",
        "",
    ]
    if respond_by is not None:
        lines.append(
            f"You have {rule.response_days} days to respond in writing, until {long_date(respond_by)}; "
            f"voting opens on {long_date(p.voting_opens)}, after the notice and response periods, "
            f"and closes at the end of {long_date(p.deadline)}."
        )
    else:
        lines.append(f"Voting opens on {long_date(p.voting_opens)} and closes at the end of {long_date(p.deadline)}.")
    lines += [
        "",
        f"You may put a written response on the record with `coop proposal comment {p.label}`; every member sees it before voting. "
        f"You do not vote on this proposal: {_e(p.recused.get(provider, 'it concerns you')) if p.recused else 'it concerns you'}.",
        "",
        f"It is decided by {_e(_sentence(rule.describe(), capital=False))} "
        "Your practice, clients and records remain yours whatever the members decide.",
        "",
    ]
    figures = {"proposal": p.label, "provider": provider, "respond_by": respond_by.isoformat() if respond_by else None}
    return GovernanceDocument(
        "termination-grounds", provider, f"{p.label}-{provider}-grounds", f"termination-grounds:{p.label}",
        "Written grounds for termination", "\n".join(lines), issued, fed.name, figures,
    )  # fmt: skip


# --- decision records and the minutes --------------------------------------------------------


def _closed(p: Proposal) -> bool:
    return p.final is not None or (p.result is not None and p.result.data.get("outcome") != "passed")


def _record_lines(books: Books, p: Proposal, level: str = "##") -> list[str]:
    result = p.final or p.result
    assert result is not None
    d = result.data
    counts = d["counts"]
    lines = [
        f"{level} {p.label}: {_e(p.title)}",
        "",
        f"{_article(p.matter.value)} {p.matter.value.replace('_', ' ')} matter, "
        f"proposed by {_e(_name(books, p.proposer))} on {long_date(p.opened_on)}; "
        f"closed on {long_date(date.fromisoformat(d.get('ratified_on') or d['closed_on']))}.",
        "",
        *_what(books, p),
        "",
        f"**Result: {_e(str(d['outcome']).replace('_', ' '))}.** {_e(_sentence(d['reason']))}",
        "",
        f"Rule: {_e(_sentence(p.rule.describe()))}",
        "",
        "| Eligible | Yes | No | Abstain | Stand aside | Block | Quorum needed | Yes needed |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|",
        f"| {counts['eligible']} | {counts['yes']} | {counts['no']} | {counts['abstain']} | {counts['stand_aside']} | {counts['block']} "
        f"| {d['quorum_needed']} | {d['yes_needed'] if d['yes_needed'] is not None else '-'} |",
        "",
    ]
    if p.rule.secret:
        lines += [
            "The ballot was secret: only the counts are recorded here; each voter can check their receipt with `coop audit receipt`.",
            "",
        ]
    else:
        ballots = d.get("ballots", {})
        if ballots:
            lines += ["| Member | Choice | Reason |", "|---|---|---|"]
            by_entry = {b.entry.seq: b for b in p.ballots}
            for member, seq in sorted(ballots.items()):
                b = by_entry.get(seq)
                choice, reason = (b.choice.replace("_", " "), b.reason) if b is not None else ("", "")
                lines.append(f"| {_e(_name(books, member))} | {_e(choice)} | {_e(reason)} |")
            lines.append("")
    for who, why in sorted(p.recused.items()):
        lines += [f"Recused: {_e(_name(books, who))}: {_e(why)}.", ""]
    for who, why in sorted((d.get("dropped") or {}).items()):
        lines += [f"Not counted: {_e(_name(books, who))}: {_e(why)}.", ""]
    if p.effect is not None:
        e = p.effect.data
        if e.get("applied"):
            details = e.get("summary") or ", ".join(
                f"{k.replace('_', ' ')} {v}" for k, v in e.items() if k != "applied" and not isinstance(v, (dict, list))
            )
            lines += [f"Effect applied on {long_date(p.effect.date)}{': ' + _e(details) if details else ''}.", ""]
        else:
            lines += [f"Effect not applied: {_e(e.get('reason', ''))}.", ""]
    elif d["outcome"] == "passed" and d.get("awaiting_second_reading"):
        lines += ["Passed its first reading; the effect waits for the second.", ""]
    if d.get("statement"):
        lines += [f"Statement at close: {_e(d['statement'])}", ""]
    lines += [f"Recorded in the journal as the result entry with hash `{result.hash}`.", ""]
    return lines


def decision_record(books: Books, label: str, issued: date) -> GovernanceDocument:
    """One closed proposal's record: result, counts as the rule allows, recusals, the effect, the result entry's hash."""
    p = _require(books, label)
    if p.result is None or not _closed(p):
        raise UserError(f"{p.label} has not closed yet; close it with 'coop proposal close {p.label}'", field="PROPOSAL")
    fed = books.federation
    result = p.final or p.result
    assert result is not None
    lines = [f"# Decision record {p.label}", "", f"**{_e(fed.name)}**", "", f"Issued {long_date(issued)}", "", *_record_lines(books, p)]
    figures = {"proposal": p.label, "outcome": result.data["outcome"], "result_hash": result.hash}
    return GovernanceDocument(
        "decision-record", p.label, f"{p.label}-decision", f"decision-record:{p.label}", f"Decision record {p.label}",
        "\n".join(lines), issued, fed.name, figures,
    )  # fmt: skip


def minutes(books: Books, issued: date, since: date | None = None) -> GovernanceDocument:
    """Every closed proposal's decision record, in the order they were opened: the members' minutes."""
    fed = books.federation
    closed = [p for p in all_proposals(books) if p.result is not None and _closed(p)]
    closed = [p for p in closed if since is None or (p.final or p.result).date >= since]  # type: ignore[union-attr]
    if not closed:
        raise UserError("no proposal has closed yet, so there is nothing to minute", field="--since" if since else "PROPOSAL")
    body: list[str] = []
    for p in sorted(closed, key=lambda p: p.number):
        body += _record_lines(books, p)
    lines = [
        "# Minutes of the members' decisions",
        "",
        f"**{_e(fed.name)}**",
        "",
        f"Issued {long_date(issued)}: {len(closed)} closed proposal{'s' if len(closed) != 1 else ''}"
        f"{' since ' + long_date(since) if since else ''}, from the journal.",
        "",
        *body,
    ]
    figures = {"proposals": [p.label for p in sorted(closed, key=lambda p: p.number)]}
    return GovernanceDocument(
        "minutes", "minutes", f"minutes-{issued.isoformat()}", f"minutes:{issued.isoformat()}", "Minutes of the members' decisions",
        "\n".join(lines), issued, fed.name, figures,
    )  # fmt: skip


# --- issuing ---------------------------------------------------------------------------------


def issue(books: Books, build: Callable[[Books], list[GovernanceDocument]], out: Path) -> list[IssuedDocument]:
    """Build the documents, write each one's Markdown and DOCX and record the new ones, in one transaction; then the register.

    Built inside the transaction so a packet can cite the founding manual's
    text fixed in the same entry batch (as ``contracts issue`` does), and a
    refusal while building leaves the books as they were.
    """
    from engine.documents.contracts import anchored
    from engine.governance import versions as mv

    known = latest(books)
    done = []
    with books.transaction() as w:
        mv.record_founding(w, books)
        head = anchoring.current(books.journal)  # the documents print the head before their own entries
        documents = build(books)
        for d in documents:
            footer = f"{d.title} - {books.federation.name} - issued {long_date(d.issued)}"
            typeset = to_docx(d.markdown, DocMeta(d.title, footer, d.issued, d.author, anchor=anchoring.PLACEHOLDER))
            made = partial(anchored, d.markdown, typeset, on=d.issued)
            carried, markdown, docx, fresh = anchoring.carry(known.get((d.subject, d.key)), made, head)
            folder = out / FOLDER / d.kind
            md_path = write_text(folder / f"{d.stem}.md", markdown)
            docx_path = write_bytes(folder / f"{d.stem}.docx", docx)
            digest = hashlib.sha256(docx).hexdigest()
            if fresh:
                document = f"{FOLDER}/{d.kind}/{d.stem}.docx"
                data: dict[str, Any] = {
                    "provider": d.subject,
                    "kind": d.kind,
                    "cycle": "",
                    "key": d.key,
                    "document": document,
                    "sha256": digest,
                }
                if carried is not None:
                    data["anchor"] = anchoring.as_json(carried)
                w.append(ISSUED, d.issued, {**data, **d.figures})
                known[(d.subject, d.key)] = data
            done.append(IssuedDocument(d.kind, d.subject, md_path, docx_path, digest, fresh, d.figures, carried))
    for kind in sorted({d.kind for d in documents}):
        write_register(books, out, kind)
    return done


REGISTER_FIELDS = ["subject", "kind", "document", "issue_date", "sha256"]


def write_register(books: Books, out: Path, kind: str) -> tuple[Path, Path]:
    """``register.csv`` and ``.json`` beside one kind's documents: the latest issuance of each, from the journal."""
    latest: dict[str, dict[str, Any]] = {}
    for e in books.journal.entries([ISSUED]):
        d = e.data
        if d.get("kind") == kind and str(d.get("document", "")).startswith(f"{FOLDER}/"):
            latest[d["key"]] = {
                "subject": d["provider"],
                "kind": kind,
                "document": d["document"].rsplit("/", 1)[-1],
                "issue_date": e.on,
                "sha256": d["sha256"],
            }  # fmt: skip
    rows = sorted(latest.values(), key=lambda r: r["document"])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=REGISTER_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    where = out / FOLDER / kind
    return write_text(where / "register.csv", buf.getvalue()), write_text(where / "register.json", json.dumps(rows, indent=2) + "\n")


# --- an applicant's pre-signing packet ---------------------------------------------------------


def _applicant(books: Books, who: str) -> Any:
    """The applicant's provider record: an onboarding proposal's (P-n), or a provider on the roster by id."""
    from engine.books.roster import require

    if who.upper().startswith("P-"):
        p = _require(books, who)
        if p.matter != Matter.onboarding:
            raise UserError(f"{p.label} is a {p.matter.value.replace('_', ' ')} proposal, not an onboarding", field="APPLICANT")
        return p.fields.provider  # type: ignore[attr-defined]
    return require(books, who).provider


def _demote(markdown: str) -> str:
    """A whole document inside the packet: its title becomes a part heading, its headings one level down."""
    out = []
    for line in markdown.splitlines():
        if line.startswith("#"):
            line = "#" + line
        out.append(line.replace("<!-- toc -->", ""))
    return "\n".join(out)


def pre_signing_packet(books: Books, who: str, issued: date) -> GovernanceDocument:
    """What an applicant reads before signing: the agreement they would sign, the budget, the manual in force, the last transparency report.

    The agreement is rendered exactly as ``contracts issue`` would render it
    on the same day (the fee from their start), so the packet and the
    signed document cannot differ.
    """
    from engine.books.cycles import parse_cycle
    from engine.documents.contracts import fee_day, render_document
    from engine.documents.manual import budget_rows
    from engine.documents.pipeline import for_books
    from engine.documents.statements import transparency, transparency_markdown
    from engine.documents.templates import registry
    from engine.governance import versions as mv
    from engine.ledger.closing import closed
    from engine.ledger.fee_quote import monthly_fee

    provider = _applicant(books, who)
    fed = books.federation
    currency = fed.currency
    manual = mv.in_force(books, issued)
    if manual.sha256 is None:
        raise UserError("the manual in force is not recorded yet; record it with 'coop manual render' first", field="APPLICANT")
    spec = for_books(books).agreement
    party = spec.party(books, Membership.of(provider), issued)
    fee = monthly_fee(books, fee_day(issued, provider.start))
    agreement_md, _ = render_document(registry()[spec.template], spec.data(books, party, issued, manual, fee, None), currency)
    manual_md, _ = mv.content(books, manual.number)
    lines = budget_rows(books, fee_day(issued, provider.start))
    done = {cid: c for cid, c in closed(books).items() if str(c[1]) <= issued.isoformat()}
    last = max(done, key=lambda cid: (str(done[cid][1]), cid)) if done else None
    parts = [
        "# Before you sign",
        "",
        f"**{_e(fed.name)}**",
        "",
        f"For {_e(provider.name)}, {_e(provider.practice)}, issued {long_date(issued)}",
        "",
        "This packet holds what you should read before signing: the agreement you would sign, the shared budget, "
        f"the {_e(manual_md.splitlines()[0].lstrip('# ').strip() or 'manual')} in force (version {manual.number}, "
        f"effective {long_date(manual.effective)}, SHA-256 `{manual.sha256}`), and "
        + (f"the transparency report of the last closed cycle ({last})." if last else "a note that no cycle has closed yet.")
        + " Nothing here binds you until you sign the agreement.",
        "",
        "## The shared budget",
        "",
        "| Shared service | Vendor | Per month |",
        "|---|---|---:|",
        *[
            f"| {_e(b.name)} | {_e(b.vendor)}{' (a cooperative)' if b.cooperative else ''} | {format_cents(b.monthly, currency)} |"
            for b in lines
        ],
        f"| **Total** | | **{format_cents(sum(b.monthly for b in lines), currency)}** |",
        "",
    ]
    if fee is not None:
        parts += [
            f"From your start on {long_date(fee_day(issued, provider.start))} your monthly fee would be **{format_cents(fee, currency)}**.",
            "",
        ]
    parts += ["<!-- page-break -->", "", _demote(agreement_md), "", "<!-- page-break -->", "", _demote(manual_md), ""]
    if last is not None:
        report = transparency_markdown(transparency(books, parse_cycle(last, fed.cycle)))
        parts += ["<!-- page-break -->", "", _demote(report), ""]
    figures = {"applicant": provider.id, "manual_version": manual.number, "fee": fee, "transparency_cycle": last}
    return GovernanceDocument(
        "pre-signing-packet", provider.id, f"{provider.id}-packet-{issued.isoformat()}", f"pre-signing-packet:{provider.id}",
        "Before you sign", "\n".join(parts), issued, fed.name, figures,
    )  # fmt: skip
