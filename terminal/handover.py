"""``coop handover``: settling the agreements a vote to continue without the parent ended."""

from __future__ import annotations

from datetime import date

import click

from terminal.params import DATE, json_option, open_books, today
from terminal.present import emit_json, emit_table, money


@click.group()
def handover() -> None:
    """After the members vote to continue without the parent: each provider's settlement with it (federation model)."""


@handover.command("settle")
@click.option("--on", "on", type=DATE, default=None, help="Date of the letters, on or after the handover (default: today).")
@json_option
@click.pass_context
def handover_settle(ctx: click.Context, on: date | None, as_json: bool) -> None:
    """Issue each provider's settlement letter with the outgoing holder (Markdown + DOCX under documents/handover)."""
    from engine.documents.handover import issue_settlements

    books = open_books(ctx, write=True)
    done = issue_settlements(books, on or today())
    if as_json:
        rows = [
            {"provider": d.letter.party, "docx": str(d.docx), "sha256": d.sha256, "recorded": d.recorded, **d.letter.figures} for d in done
        ]
        emit_json(rows)
        return
    rows = [[d.letter.party, money(d.letter.figures["balance"], books), d.docx.name, "issued" if d.recorded else "unchanged"] for d in done]
    emit_table(rows, ["provider", "balance on last day", "letter", ""], {1: "right"})
    click.echo(f"Written to {done[0].docx.parent}")
