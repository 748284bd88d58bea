"""``coop provider``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from terminal.bulk import many_objects
from terminal.params import DATE, MEMBER, another_batch_option, as_of_option, json_option, open_books, today
from terminal.present import emit_json, emit_json_list, emit_table, fee_changes_since
from terminal.recorded import records


@click.group()
def provider() -> None:
    """The roster: list, show, join, leave, import."""


@provider.command("list")
@as_of_option
@click.option("--all", "everyone", is_flag=True, help="Include providers who have left.")
@json_option
@click.pass_context
@many_objects
def provider_list(ctx: click.Context, as_of: date | None, everyone: bool, as_json: bool) -> None:
    """Providers in the federation."""
    from engine.books.views import membership_data, roster_on

    books = open_books(ctx)
    on = as_of or today()
    members = roster_on(books, on, everyone)
    if as_json:
        emit_json_list(membership_data(m, on) for m in members)
        return
    rows = [[m.id, m.provider.name, m.provider.practice, m.provider.licence, m.start.isoformat(), m.status(on)] for m in members]
    emit_table(rows, ["id", "name", "practice", "licence", "since", "status"])


@provider.command("show")
@click.argument("provider_id", type=MEMBER)
@as_of_option
@json_option
@click.pass_context
def provider_show(ctx: click.Context, provider_id: str, as_of: date | None, as_json: bool) -> None:
    """One provider's details and membership."""
    from engine.books.roster import require
    from engine.books.views import membership_data

    books = open_books(ctx)
    on = as_of or today()
    data = membership_data(require(books, provider_id), on)
    if as_json:
        emit_json(data)
        return
    labels = ["id", "name", "practice", "licence", "email", "start", "end", "status", "leaving_reason"]
    emit_table([[k, data[k] if data[k] is not None else ""] for k in labels], ["field", "value"])


@provider.command("join")
@click.argument("provider_id", type=MEMBER)
@click.option("--name", required=True)
@click.option("--practice", required=True, help="The provider's own practice's legal name.")
@click.option("--licence", required=True)
@click.option("--email", required=True)
@click.option("--on", "on", type=DATE, required=True, help="First day of membership.")
@records
@click.pass_context
def provider_join(ctx: click.Context, provider_id: str, name: str, practice: str, licence: str, email: str, on: date) -> None:
    """Record a provider joining (after the members approved it)."""
    from engine.books.roster import join

    books = open_books(ctx, write=True)
    entry = join(books, {"id": provider_id, "name": name, "practice": practice, "licence": licence, "email": email, "start": on})
    click.echo(f"{name} ({provider_id}) joins on {on} (journal entry {entry.seq}).")
    fee_changes_since(books, entry.seq)


@provider.command("leave")
@click.argument("provider_id", type=MEMBER)
@click.option("--on", "on", type=DATE, required=True, help="Last day of membership.")
@click.option("--reason", default="", help="Optional: no reason is needed to leave.")
@records
@click.pass_context
def provider_leave(ctx: click.Context, provider_id: str, on: date, reason: str) -> None:
    """Record a provider leaving. Anyone may leave at any time, for any reason."""
    from engine.books.roster import leave

    books = open_books(ctx, write=True)
    entry = leave(books, provider_id, on, reason)
    click.echo(f"{provider_id} leaves; last day {on} (journal entry {entry.seq}).")
    fee_changes_since(books, entry.seq)


@provider.command("import")
@another_batch_option
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@records
@click.pass_context
def provider_import(ctx: click.Context, csv_file: Path) -> None:
    """Record many joins from a CSV (id,name,practice,licence,email,start), all or none."""
    from engine.books.roster import import_csv

    books = open_books(ctx, write=True)
    entries = import_csv(books, csv_file)
    click.echo(f"Recorded {len(entries)} joins from {csv_file}.")
