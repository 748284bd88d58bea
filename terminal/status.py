"""``coop status``."""

from __future__ import annotations

from datetime import date

import click

from terminal.bulk import many_objects
from terminal.params import as_of_option, json_option, open_books, today
from terminal.present import emit_json, emit_table, money


@click.command()
@as_of_option
@json_option
@click.pass_context
@many_objects
def status(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """The roster, budget, current cycle and fee."""
    from engine.ledger.overview import overview

    books = open_books(ctx)
    o = overview(books, as_of or today())
    s = o.status
    if as_json:
        emit_json(s.as_json())
        return
    click.echo(f"{books.federation.name}, as of {s.as_of}")
    click.echo(o.holder)
    click.echo(f"Cycle: {s.cycle.label} ({s.cycle.length} months), month {s.month_index} of {s.cycle.length}")
    click.echo(f"Shared budget this month: {money(s.budget_total, books)}")
    for line in o.money_lines:
        click.echo(line)
    click.echo("")
    click.echo(f"{o.people} ({len(s.active)} active)")
    emit_table(
        [[m.id, m.name, m.practice, m.start.isoformat()] for m in s.active],
        ["id", "name", "practice", "since"],
    )
    click.echo("")
    click.echo("Budget (per month)")
    rows = [[b.id, b.name, b.category, money(b.monthly, books), b.vendor + (" (co-op)" if b.cooperative_vendor else "")] for b in s.lines]
    rows.append(["", "Total", "", money(s.budget_total, books), ""])
    emit_table(rows, ["line", "name", "category", "monthly", "vendor"], {3: "right"})
