"""``coop low-rates``."""

from __future__ import annotations

import click

from terminal.params import json_option, open_books
from terminal.present import emit_json, emit_table, money


@click.command("low-rates")
@json_option
@click.pass_context
def low_rates(ctx: click.Context, as_json: bool) -> None:
    """Very low client rates the collective approved (client references, not names)."""
    from engine.governance.views import approved_low_rates

    books = open_books(ctx)
    found = approved_low_rates(books)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("No low rates approved.")
        return
    rows = [[f["on"], f["client"], f["member"], money(f["rate"], books), f["label"], f["reason"]] for f in found]
    emit_table(rows, ["approved", "client", "clinician", "rate", "proposal", "why"], {3: "right"})
