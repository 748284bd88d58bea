"""``coop audit``."""

from __future__ import annotations

import click

from terminal.params import json_option, open_books
from terminal.present import emit_json


@click.group()
def audit() -> None:
    """Checks that the records were not edited."""


@audit.command("verify")
@json_option
@click.pass_context
def audit_verify(ctx: click.Context, as_json: bool) -> None:
    """Recompute the hash chain over the whole journal; exit 1 if anything was edited."""
    from engine.audit.verify import verify

    books = open_books(ctx)
    report = verify(books)
    if as_json:
        emit_json({"ok": report.ok, "entries": report.entries, "head": report.head, "problems": report.problems})
    elif report.ok:
        click.echo(f"OK: {report.entries} entries, chain intact. Head: {report.head}")
    else:
        for problem in report.problems:
            click.echo(f"FAILED: {problem}", err=True)
    if not report.ok:
        ctx.exit(1)


@audit.command("seal")
@click.option("--reason", required=True, help="Why federation.yaml was changed.")
@click.pass_context
def audit_seal(ctx: click.Context, reason: str) -> None:
    """Accept an edit to federation.yaml, on the record."""
    books = open_books(ctx, write=True)
    entry = books.reseal(reason)
    click.echo(f"federation.yaml sealed again at entry {entry.seq}: {reason}")


@audit.command("receipt")
@click.argument("receipt")
@json_option
@click.pass_context
def audit_receipt(ctx: click.Context, receipt: str, as_json: bool) -> None:
    """Check that a ballot receipt is in the record (exit 1 if not)."""
    from engine.audit.verify import receipt as check_receipt

    books = open_books(ctx)
    found = check_receipt(books, receipt)
    if as_json:
        emit_json(found.data)
    else:
        click.echo(found.message)
    if not found.found:
        ctx.exit(1)
