"""``coop journal``."""

from __future__ import annotations

from typing import Any

import click

from terminal.params import json_option, open_books
from terminal.present import emit_json, emit_table
from terminal.recorded import records


@click.group()
def journal() -> None:
    """The append-only record of everything after founding."""


@journal.command("list")
@click.option("--kind", default=None, help="Only entries of this kind (e.g. provider.joined).")
@json_option
@click.pass_context
def journal_list(ctx: click.Context, kind: str | None, as_json: bool) -> None:
    """Every entry in order, including withdrawn ones."""
    from engine.governance.views import public_journal

    books = open_books(ctx)
    entries = public_journal(books, kind)  # secret ballots never show who chose what
    if as_json:
        emit_json(entries)
        return
    rows = [[e["seq"], e["on"], e["kind"], _summary(e["data"]), e["ref"] or "", "withdrawn" if e["voided"] else ""] for e in entries]
    emit_table(rows, ["#", "on", "kind", "what", "ref", ""], {0: "right"})


def _summary(data: dict[str, Any], width: int = 60) -> str:
    text = ", ".join(f"{k}={v if not isinstance(v, dict) else v.get('id', '…')}" for k, v in sorted(data.items()))
    text = " ".join(text.split())  # multi-line values (a manual version's text) stay on one row
    return text if len(text) <= width else text[: width - 1] + "…"


@journal.command("void")
@click.argument("seq", type=int)
@click.option("--reason", required=True, help="Why the entry is withdrawn.")
@records
@click.pass_context
def journal_void(ctx: click.Context, seq: int, reason: str) -> None:
    """Withdraw a mistaken entry: a new entry that points at it (nothing is deleted)."""
    from engine.ledger.corrections import void

    books = open_books(ctx, write=True)
    entry = void(books, seq, reason)
    click.echo(f"Entry {seq} withdrawn by entry {entry.seq}.")
