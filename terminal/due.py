"""``coop due``."""

from __future__ import annotations

import click

from terminal.params import open_books
from terminal.recorded import records


@click.command("due")
@records
@click.pass_context
def due_cmd(ctx: click.Context) -> None:
    """Open every proposal whose date has come (retention: membership at the end of probation). Run daily."""
    from engine.books import clock
    from engine.ledger.requests import unset_cycles
    from engine.models.retention.revenue import open_due

    books = open_books(ctx, write=True)
    opened = open_due(books)
    unset = unset_cycles(books, clock.today())
    for c in unset:
        click.echo(f"Cycle {c.label} began on {c.first_day} with no fee set: its months charge nothing until 'coop fees recalc {c.id}'.")
    for p, end in opened:
        late = (p.opened_on - end).days
        click.echo(f"Opened {p.label}: {p.title} (due {end}{f', {late} days late' if late else ''}).")
        click.echo(f"Rule: {p.rule.describe()}")
        click.echo(f"Voting is open through {p.deadline}; {len(p.eligible or ())} owners may vote.")
    if not opened and not unset:
        click.echo("Nothing is due.")
