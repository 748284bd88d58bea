"""``coop due``."""

from __future__ import annotations

import click

from terminal.params import open_books


@click.command("due")
@click.pass_context
def due_cmd(ctx: click.Context) -> None:
    """Open every proposal whose date has come (retention: membership at the end of probation). Run daily."""
    from engine.models.retention.revenue import open_due

    books = open_books(ctx, write=True)
    opened = open_due(books)
    for p, end in opened:
        late = (p.opened_on - end).days
        click.echo(f"Opened {p.label}: {p.title} (due {end}{f', {late} days late' if late else ''}).")
        click.echo(f"Rule: {p.rule.describe()}")
        click.echo(f"Voting is open through {p.deadline}; {len(p.eligible or ())} owners may vote.")
    if not opened:
        click.echo("Nothing is due.")
