"""``coop parameters``."""

from __future__ import annotations

from datetime import date

import click

from terminal.params import as_of_option, json_option, open_books, today
from terminal.present import emit_json, emit_table


@click.command("parameters")
@as_of_option
@json_option
@click.pass_context
def parameters_cmd(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """The co-op model's dated parameters in force (rates, shares), with their history."""
    from engine.books.views import parameter_steps

    books = open_books(ctx)
    params, rows = parameter_steps(books, as_of)
    on = as_of or today()
    if as_json:
        emit_json({"model": books.federation.model, "as_of": on.isoformat(), "parameters": params.model_dump(mode="json", by_alias=True)})
        return
    if not rows:
        click.echo(f"The {books.federation.model} model has no dated parameters beyond its budget and policies.")
        return
    emit_table(rows, ["parameter", "from", "value"])
