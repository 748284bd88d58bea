"""``coop expense``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from terminal.params import AMOUNT_ARGUMENTS, DATE, MONEY, another_batch_option, correction_option, open_books
from terminal.present import money
from terminal.recorded import records


@click.group()
def expense() -> None:
    """Shared expenses the parent pays."""


@expense.command("record", context_settings=AMOUNT_ARGUMENTS)
@click.argument("line_id", metavar="LINE")
@click.argument("amount", type=MONEY)
@click.option("--on", "on", type=DATE, required=True, help="Date paid.")
@click.option("--receipt", required=True, help="Invoice or receipt reference.")
@click.option("--vendor", default=None, help="Who was paid (default: the budget line's vendor).")
@click.option("--for-month", "for_month", default=None, metavar="YYYY-MM", help="The month it pays for (default: the date's month).")
@correction_option
@records
@click.pass_context
def expense_record(
    ctx: click.Context, line_id: str, amount: int, on: date, receipt: str, vendor: str | None, for_month: str | None, correction: str | None
) -> None:
    """Record a shared expense paid against budget LINE."""
    from engine.books.naming import month_named
    from engine.ledger.accounts import record_expense

    books = open_books(ctx, write=True)
    entry = record_expense(
        books, line_id, amount, on, receipt=receipt, vendor=vendor, for_month=month_named(for_month, "--for-month"), correction=correction
    )
    click.echo(f"Expense of {money(amount, books)} on {line_id} for cycle {entry.data['cycle']} (journal entry {entry.seq}).")


@expense.command("import")
@another_batch_option
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@records
@click.pass_context
def expense_import(ctx: click.Context, csv_file: Path) -> None:
    """Record many expenses from a CSV (line,amount,on,vendor,receipt), all or none."""
    from engine.ledger.accounts import import_expenses

    books = open_books(ctx, write=True)
    count, total = import_expenses(books, csv_file)
    click.echo(f"Recorded {count} expenses totalling {money(total, books)} from {csv_file.name}.")
