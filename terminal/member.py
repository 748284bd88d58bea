"""``coop member``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from engine.errors import UserError
from terminal.params import DATE, credential, json_option, open_books, out_option, today
from terminal.present import emit_json, money, table


@click.group()
def member() -> None:
    """Members as voters: their voting credentials."""


@member.group("credential")
def member_credential() -> None:
    """A member's voting credential (kept only as a salted scrypt hash)."""


@member_credential.command("set")
@click.argument("member_id")
@click.pass_context
def member_credential_set(ctx: click.Context, member_id: str) -> None:
    """Set MEMBER_ID's credential (typed by the member; COOP_CREDENTIAL for scripts).

    Replacing a credential needs the current one (COOP_OLD_CREDENTIAL, or typed).
    """
    from engine.governance.credentials import current, set_credential

    books = open_books(ctx)
    old = credential(member_id, env="COOP_OLD_CREDENTIAL") if current(books, member_id) is not None else None
    new = credential(member_id, confirm=True)
    open_books(ctx, write=True)  # asked first, then locked: nobody waits on a person typing
    entry = set_credential(books, member_id, new, old)
    verb = "replaced" if entry.data["replaces"] else "set"
    click.echo(f"Voting credential for {member_id} {verb} (journal entry {entry.seq}; only a salted hash is kept).")


@member.command("statement")
@click.argument("member_id", metavar="MEMBER")
@click.argument("year", type=int)
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as CSV.")
@click.option("--md", "md_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as Markdown.")
@click.option("--docx", "docx_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as DOCX.")
@json_option
@click.pass_context
def member_statement(
    ctx: click.Context, member_id: str, year: int, csv_file: Path | None, md_file: Path | None, docx_file: Path | None, as_json: bool
) -> None:
    """MEMBER's annual statement for YEAR: sessions, fees, their share, their contribution, quarterly payouts."""
    from dataclasses import asdict

    from engine.books.output import write_bytes, write_text
    from engine.models.session_split.statements import (
        HEADERS,
        annual_statement,
        statement_csv,
        statement_docx,
        statement_markdown,
        summary_rows,
        table_rows,
    )

    books = open_books(ctx)
    s = annual_statement(books, member_id, year)
    if csv_file:
        write_text(csv_file, statement_csv(s))
    if md_file:
        write_text(md_file, statement_markdown(s))
    if docx_file:
        write_bytes(docx_file, statement_docx(s))
    if as_json:
        emit_json({**asdict(s), "summary": dict(summary_rows(s))})
        return
    click.echo(f"Annual statement {year}: {s.name} ({s.member}), {s.coop}")
    click.echo(table(table_rows(s), HEADERS, {i: "right" for i in range(1, 6)}))
    click.echo("")
    click.echo(table([[k, money(v, books)] for k, v in summary_rows(s)], ["", "amount"], {1: "right"}))


@member.command("agreement")
@click.argument("ids", nargs=-1, metavar="[MEMBER]...")
@click.option("--all", "everyone", is_flag=True, help="Every member active on the issue date.")
@click.option("--on", "on", type=DATE, default=None, help="Issue date (default: today); sets the split and budget stated.")
@out_option
@click.pass_context
def member_agreement(ctx: click.Context, ids: tuple[str, ...], everyone: bool, on: date | None, out: Path | None) -> None:
    """Issue the session split co-op's member agreement (Markdown and DOCX) to MEMBERs (or --all), recorded in the journal."""
    from engine.books.naming import documents_folder
    from engine.models.session_split.documents import issue_agreements

    if everyone == bool(ids):
        raise UserError("name members or give --all (not both)", field="MEMBER", expected="ids such as ana-ruiz, or --all")
    books = open_books(ctx, write=True)
    done = issue_agreements(books, list(ids) or None, on or today(), documents_folder(books, out))
    for d in done:
        click.echo(f"Issued the member agreement for {d.member}: {d.markdown} and {d.docx.name} (journal entry {d.seq})")
