"""``coop reminders``."""

from __future__ import annotations

from datetime import date

import click

from terminal.params import as_of_option, json_option, open_books, today
from terminal.present import emit_json, emit_table


@click.command()
@as_of_option
@click.option("--within", "within_days", type=click.IntRange(0, 3660), default=120, show_default=True, help="Days ahead to look.")
@json_option
@click.pass_context
def reminders(ctx: click.Context, as_of: date | None, within_days: int, as_json: bool) -> None:
    """Upcoming events (flat_pay model): the annual meeting, membership proposals due, years to close."""
    from engine.models.flat_pay.reminders import upcoming

    books = open_books(ctx)
    found = upcoming(books, as_of or today(), within_days)
    if as_json:
        emit_json([r.as_json() for r in found])
        return
    if not found:
        click.echo(f"Nothing due in the next {within_days} days.")
        return
    emit_table([[r.on.isoformat(), r.text] for r in found], ["on", "reminder"])
