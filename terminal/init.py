"""``coop init``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from terminal.params import DATE, ModelType, today


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Our Therapy Co-Op", show_default=True, help="The federation's name.")
@click.option("--founded", type=DATE, default=None, help="Founding date (default: the first of next month).")
@click.option("--parent", "parent_name", default="Parent Practice PLLC", show_default=True, help="The parent practice's legal name.")
@click.option("--principal", default="Principal Name", show_default=True, help="The parent practice's principal.")
@click.option(
    "--model",
    type=ModelType(),
    default="federation",
    show_default=True,
    help="The co-op model: its money rules, decision rules and manual.",
)
@click.option("--entity", default="Our Co-Op LLC", show_default=True, help="The co-op's legal name (models other than federation).")
def init(folder: Path, name: str, founded: date | None, parent_name: str, principal: str, model: str, entity: str) -> None:
    """Start a co-op's books in FOLDER: a commented federation.yaml and an empty journal."""
    from engine.books.founding import first_of_next_month, start_books

    founded = founded or first_of_next_month(today())
    start_books(folder, name=name, founded=founded, model=model, parent_name=parent_name, principal=principal, entity=entity)
    click.echo(f"Started the books of {name} in {folder}")
    click.echo(f"Next: edit {folder / 'federation.yaml'} (roster, budget, rules), then run 'coop --books {folder} status'.")
