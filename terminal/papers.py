"""``coop papers``: governance documents (proposal notices, termination grounds, decision records, minutes, pre-signing packets)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from terminal.params import DATE, json_option, open_books, out_option, pdf_option, today
from terminal.present import anchor_lines, emit_json, write_pdfs


@click.group()
def papers() -> None:
    """Governance documents, issued and recorded like fee notices (Markdown, DOCX, register, journal entry)."""


def _issue(ctx: click.Context, build: Any, on: date | None, out: Path | None, pdf: bool, as_json: bool) -> None:
    """Build the documents with the books open for writing, issue them, and say where they went."""
    from engine.books.naming import documents_folder
    from engine.documents.minutes import issue

    books = open_books(ctx, write=True)
    day = on or today()
    done = issue(books, lambda b: build(b, day), documents_folder(books, out))
    if as_json:
        emit_json([d.as_json() for d in done])
    else:
        for d in done:
            state = "recorded in the journal" if d.recorded else "unchanged since last issued"
            click.echo(f"Issued {d.kind} {d.subject}: {d.docx} ({state})")
        anchor_lines(done)
    if pdf:
        write_pdfs([d.docx for d in done])


def _common(f: Any) -> Any:
    for option in (
        click.option("--on", "on", type=DATE, default=None, help="Issue date (default: today)."),
        out_option,
        pdf_option,
        json_option,
    ):
        f = option(f)
    return click.pass_context(f)


@papers.command("notice")
@click.argument("proposal_id", metavar="PROPOSAL")
@_common
def papers_notice(ctx: click.Context, proposal_id: str, on: date | None, out: Path | None, pdf: bool, as_json: bool) -> None:
    """A notice to every member of PROPOSAL: what is proposed, the rule in words, the deadline, how to vote."""
    from engine.documents.minutes import proposal_notice

    _issue(ctx, lambda books, day: [proposal_notice(books, proposal_id, day)], on, out, pdf, as_json)


@papers.command("grounds")
@click.argument("proposal_id", metavar="PROPOSAL")
@_common
def papers_grounds(ctx: click.Context, proposal_id: str, on: date | None, out: Path | None, pdf: bool, as_json: bool) -> None:
    """The written grounds of a termination PROPOSAL, for the provider it concerns, with their response period."""
    from engine.documents.minutes import termination_grounds

    _issue(ctx, lambda books, day: [termination_grounds(books, proposal_id, day)], on, out, pdf, as_json)


@papers.command("decision")
@click.argument("proposal_id", metavar="PROPOSAL")
@_common
def papers_decision(ctx: click.Context, proposal_id: str, on: date | None, out: Path | None, pdf: bool, as_json: bool) -> None:
    """The decision record of a closed PROPOSAL: result, counts, recusals, effect, the result entry's hash."""
    from engine.documents.minutes import decision_record

    _issue(ctx, lambda books, day: [decision_record(books, proposal_id, day)], on, out, pdf, as_json)


@papers.command("minutes")
@click.option("--since", type=DATE, default=None, help="Only proposals closed on or after this date.")
@_common
def papers_minutes(ctx: click.Context, since: date | None, on: date | None, out: Path | None, pdf: bool, as_json: bool) -> None:
    """The minutes: every closed proposal's decision record, in one document."""
    from engine.documents.minutes import minutes

    _issue(ctx, lambda books, day: [minutes(books, day, since)], on, out, pdf, as_json)


@papers.command("packet")
@click.argument("applicant", metavar="APPLICANT")
@_common
def papers_packet(ctx: click.Context, applicant: str, on: date | None, out: Path | None, pdf: bool, as_json: bool) -> None:
    """An applicant's pre-signing packet (onboarding proposal P-n, or a provider id): agreement, budget, manual, transparency report."""
    from engine.documents.minutes import pre_signing_packet

    _issue(ctx, lambda books, day: [pre_signing_packet(books, applicant, day)], on, out, pdf, as_json)
