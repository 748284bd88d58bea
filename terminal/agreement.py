"""``coop agreement``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from engine.errors import UserError
from terminal.params import DATE, MEMBER, open_books, out_option, today
from terminal.recorded import records


@click.group()
def agreement() -> None:
    """Member agreements (flat_pay model), stated from the same data as the manual."""


@agreement.command("issue")
@click.argument("ids", type=MEMBER, nargs=-1, metavar="[MEMBERS]...")
@click.option("--all", "everyone", is_flag=True, help="Every member active on the issue date.")
@click.option("--on", "on", type=DATE, default=None, help="Issue date (default: today); sets the rate and manual version stated.")
@out_option
@records
@click.pass_context
def agreement_issue(ctx: click.Context, ids: tuple[str, ...], everyone: bool, on: date | None, out: Path | None) -> None:
    """Issue a member agreement (Markdown and DOCX) to each MEMBER (or --all); sign with 'coop contracts signed'."""
    from engine.books.naming import documents_folder
    from engine.models.flat_pay.documents import issue_agreements

    if everyone == bool(ids):
        raise UserError("name members or give --all (not both)", field="MEMBER", expected="ids such as juno-pike, or --all")
    books = open_books(ctx, write=True)
    done = issue_agreements(books, None if everyone else list(ids), on or today(), documents_folder(books, out))
    fresh = sum(d.recorded for d in done)
    folder = done[0].docx.parent
    click.echo(f"Issued {len(done)} member agreement(s) in {folder} ({fresh} recorded, {len(done) - fresh} unchanged)")
