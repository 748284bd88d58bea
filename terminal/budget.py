"""``coop budget``."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from terminal.params import DATE, MONEY, as_of_option, json_option, open_books, today
from terminal.present import emit_json, emit_table, fee_changes_since, money
from terminal.recorded import records


@click.group()
def budget() -> None:
    """The agreed shared expenses."""


@budget.command("list")
@as_of_option
@json_option
@click.pass_context
def budget_list(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """Budget lines in force on a date."""
    from engine.books.budget import lines_on

    books = open_books(ctx)
    lines = lines_on(books, as_of or today())
    if as_json:
        emit_json([b.model_dump(mode="json", by_alias=True) for b in lines])
        return
    rows = [[b.id, b.name, b.category, money(b.monthly, books), b.vendor, b.effective.isoformat(), b.until or ""] for b in lines]
    rows.append(["", "Total", "", money(sum(b.monthly for b in lines), books), "", "", ""])
    emit_table(rows, ["line", "name", "category", "monthly", "vendor", "from", "until"], {3: "right"})


@budget.command("set")
@click.argument("line_id")
@click.option("--monthly", type=MONEY, default=None, help="New monthly amount.")
@click.option("--from", "effective", type=DATE, required=True, help="Date the change takes effect.")
@click.option("--until", type=DATE, default=None, help="Last day the line is in force.")
@click.option("--name", default=None)
@click.option("--category", default=None)
@click.option("--vendor", default=None)
@click.option("--cooperative-vendor/--not-cooperative-vendor", "cooperative_vendor", default=None)
@click.option("--note", default="", help="Why the line changes.")
@records
@click.pass_context
def budget_set(ctx: click.Context, line_id: str, effective: date, note: str, **changes: Any) -> None:
    """Add a budget line or change one from a date (a new dated version; history is kept)."""
    from engine.books.budget import set_line

    books = open_books(ctx, write=True)
    entry, line = set_line(books, line_id, effective, {k: v for k, v in changes.items() if v is not None}, note)
    click.echo(f"Budget line {line.id}: {money(line.monthly, books)} a month from {line.effective} (journal entry {entry.seq}).")
    fee_changes_since(books, entry.seq)
