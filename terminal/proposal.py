"""``coop proposal``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from terminal.params import DATE, MEMBER, as_of_option, books_as, json_option, open_books, today
from terminal.present import emit_json, emit_table, money, table
from terminal.recorded import records

if TYPE_CHECKING:
    pass


@click.group()
def proposal() -> None:
    """Proposals: list, show, close, comment, second reading."""


def _counts_text(c: dict[str, int]) -> str:
    return f"Counts: {c['yes']} yes, {c['no']} no, {c['abstain']} abstain, {c['stand_aside']} stand aside, {c['block']} block"


@proposal.command("list")
@as_of_option
@json_option
@click.pass_context
def proposal_list(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """Every proposal and where it stands."""
    from engine.governance.views import proposal_data, proposals_on

    books = open_books(ctx)
    on = as_of or today()
    props = proposals_on(books, on)
    if as_json:
        emit_json([proposal_data(p, on) for p in props])
        return
    rows = []
    for p in props:
        c = p.result.data["counts"] if p.result is not None else None
        tally = (
            f"{c['yes']} yes, {c['no']} no, {c['abstain']} abstain"
            + (f", {c['stand_aside']} stand aside" if c["stand_aside"] else "")
            + (f", {c['block']} block" if c["block"] else "")
            if c
            else ""
        )
        rows.append([p.label, p.matter.value.replace("_", " "), p.title, p.status(on), p.deadline.isoformat(), tally])
    click.echo(table(rows, ["id", "matter", "title", "status", "deadline", "counts"]) if rows else "No proposals yet.")


@proposal.command("show")
@click.argument("proposal_id")
@json_option
@click.pass_context
def proposal_show(ctx: click.Context, proposal_id: str, as_json: bool) -> None:
    """One proposal: its fields, rule, electorate, ballots (or only receipts if secret), result and effect."""
    from engine.governance.proposals import load
    from engine.governance.views import current_ballots, proposal_data

    books = open_books(ctx)
    p = load(books, proposal_id)
    data = proposal_data(p, today(), books, detail=True)
    if as_json:
        emit_json(data)
        return
    click.echo(f"{p.label}: {p.title}")
    click.echo(
        f"Matter: {p.matter.value.replace('_', ' ')}{' (second reading of ' + data['first_reading'] + ')' if p.first_reading else ''}"
    )
    click.echo(f"Status: {data['status']}; opened {p.opened_on} by {p.proposer}; voting {p.voting_opens} to {p.deadline}")
    click.echo(f"Rule (as in force when it opened): {p.rule.describe()}")
    for key, value in data["fields"].items():
        if value is None:
            continue
        if key == "changes" and isinstance(value, dict) and isinstance(value.get("monthly"), int):
            value = {**value, "monthly": money(value["monthly"], books)}
        shown = value if not isinstance(value, dict) else ", ".join(f"{k}={v}" for k, v in value.items())
        if isinstance(shown, str) and "\n" in shown:
            shown = shown.splitlines()[0] + " …"
        click.echo(f"  {key}: {shown}")
    frozen = "" if data["electorate_frozen"] else f"; the roster for {p.voting_opens} as it stands now, frozen when voting opens"
    click.echo(f"Eligible ({len(data['eligible'])}{frozen}): {', '.join(data['eligible'])}")
    for who, why in data["recused"].items():
        click.echo(f"Recused: {who}: {why}")
    if p.ballots:
        click.echo("")
        current = current_ballots(p)
        if p.rule.secret:
            click.echo(f"Ballots (secret: receipts only; {len(current)} current, {len(p.ballots) - len(current)} superseded)")
            rows = [
                [b.entry.on, b.receipt[:16], b.member[:16] if b.pseudonymous else "", "" if b.entry.seq in current else "superseded"]
                for b in p.ballots
            ]
            emit_table(rows, ["on", "receipt", "pseudonym", ""])
        else:
            click.echo("Ballots (open)")
            rows = [
                [b.entry.on, b.member, b.choice, b.reason, b.receipt[:16], "" if b.entry.seq in current else "superseded"]
                for b in p.ballots
            ]
            emit_table(rows, ["on", "member", "choice", "reason", "receipt", ""])
    for c in p.comments:
        click.echo(f"Comment by {c.data['member']} on {c.on}: {c.data['text']}")
    if p.result is not None:
        r = p.result.data
        click.echo("")
        click.echo(f"Result ({r['stage']}, {p.result.on}): {r['outcome'].replace('_', ' ')}: {r['reason']}")
        c = r["counts"]
        click.echo(_counts_text(c) + f"; {c['eligible']} eligible, quorum {r['quorum_needed']}")
        if r.get("attested"):
            a = r["attested"]
            click.echo(f"Ballots counted: {a.get('passkey', 0)} signed with a passkey, {a.get('server', 0)} attested by the server")
        if r.get("voted") is not None:
            click.echo(f"Voted (who, not how): {', '.join(r['voted']) or 'nobody'}")
        for who, why in r["dropped"].items():
            click.echo(f"Not counted: {who} ({why})")
        if r.get("ratification_until"):
            click.echo(f"Absent members ({', '.join(r['absent'])}) may ratify or object through {r['ratification_until']}.")
        if r.get("statement"):
            click.echo(f"Statement: {r['statement']}")
    if p.effect is not None:
        e = p.effect.data
        click.echo(f"Effect: {e['summary']}" if e["applied"] else f"Effect NOT applied: {e['reason']}")
    for st in p.statements:
        click.echo(f"Statement by {st.data['author']} on {st.on}: {st.data['text']}")


@proposal.command("close")
@click.argument("proposal_id")
@click.option("--statement", default="", help="An outcome statement to keep beside the engine's result.")
@records
@click.pass_context
def proposal_close(ctx: click.Context, proposal_id: str, statement: str) -> None:
    """Count and decide; refused before the deadline unless the outcome is already certain."""
    from engine.governance.decisions import CALENDAR, CLOSED_BY, add_statement
    from engine.governance.proposals import load
    from engine.governance.views import close_proposal

    books = open_books(ctx)
    label = load(books, proposal_id).label
    open_books(ctx, write=True, keep=label)  # any other vote past its time closes first; this one is closed here, with its statement
    p = load(books, label)
    if p.final is not None and p.final.data.get(CLOSED_BY) == CALENDAR and p.final.on == today().isoformat():
        # An earlier command today closed it because its time had come: what was asked for is done; the statement follows it.
        if statement.strip():
            add_statement(books, label, "administrator", statement)
        p, checklist = load(books, label), None
    else:
        p, checklist = close_proposal(books, label, statement)
    r = p.result.data
    c = r["counts"]
    stage = "provisionally " if r["stage"] == "provisional" else ""
    click.echo(f"{p.label} {stage}{r['outcome'].replace('_', ' ')}: {r['reason']}")
    click.echo(_counts_text(c) + f" ({c['eligible']} eligible)")
    if r.get("ratification_until"):
        click.echo(f"Absent members ({', '.join(r['absent'])}) may ratify or object through {r['ratification_until']}; silence ratifies.")
    if p.effect is not None:
        e = p.effect.data
        click.echo(f"Effect: {e['summary']}" if e["applied"] else f"Passed but NOT applied: {e['reason']}")
        if checklist is not None:
            click.echo(f"Transition checklist: {checklist}")


@proposal.command("comment")
@click.argument("proposal_id")
@click.option("--member", "member_id", type=MEMBER, required=True, help="The member commenting (asks for their credential).")
@click.option("--text", required=True)
@records
@click.pass_context
def proposal_comment(ctx: click.Context, proposal_id: str, member_id: str, text: str) -> None:
    """Comment on a proposal as a member (a recused member may comment but not vote)."""
    from engine.governance.credentials import check
    from engine.governance.proposals import comment

    books, secret = books_as(ctx, member_id)
    check(books, member_id, secret)
    entry = comment(books, proposal_id, member_id, text)
    click.echo(f"Comment recorded (journal entry {entry.seq}).")


@proposal.command("statement")
@click.argument("proposal_id")
@click.option("--text", required=True, help="The statement.")
@click.option("--by", "by", type=MEMBER, default=None, help="The member making it (asks for their credential); default: the administrator.")
@records
@click.pass_context
def proposal_statement(ctx: click.Context, proposal_id: str, text: str, by: str | None) -> None:
    """Add an outcome statement beside a proposal's result (the engine's result stands as counted)."""
    from engine.governance.credentials import check
    from engine.governance.decisions import add_statement
    from engine.governance.proposals import ADMINISTRATOR

    books, secret = books_as(ctx, by)
    if by is not None:
        check(books, by, secret)
    entry = add_statement(books, proposal_id, by or ADMINISTRATOR, text)
    click.echo(f"Statement recorded (journal entry {entry.seq}).")


@proposal.command("second-reading")
@click.argument("proposal_id")
@click.option("--deadline", type=DATE, default=None, help="Last day of voting (default: the rule's voting period).")
@records
@click.pass_context
def proposal_second_reading(ctx: click.Context, proposal_id: str, deadline: date | None) -> None:
    """Open the second reading of a proposal that passed its first (after the cooling-off period)."""
    from engine.governance.proposals import open_second_reading

    books = open_books(ctx, write=True)
    p = open_second_reading(books, proposal_id, deadline=deadline)
    click.echo(f"Opened {p.label}: {p.title}; voting {p.voting_opens} to {p.deadline}.")
