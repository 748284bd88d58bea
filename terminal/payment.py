"""``coop payment``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from terminal.params import AMOUNT_ARGUMENTS, DATE, MEMBER, MONEY, another_batch_option, correction_option, open_books
from terminal.present import money
from terminal.recorded import records


@click.group()
def payment() -> None:
    """Money from and to providers."""


@payment.command("record", context_settings=AMOUNT_ARGUMENTS)
@click.argument("provider_id", type=MEMBER, metavar="PROVIDER")
@click.argument("amount", type=MONEY)
@click.option("--on", "on", type=DATE, required=True, help="Date received.")
@click.option("--ref", default="", help="Cheque or transfer reference.")
@correction_option
@records
@click.pass_context
def payment_record(ctx: click.Context, provider_id: str, amount: int, on: date, ref: str, correction: str | None) -> None:
    """Record a fee payment received from PROVIDER."""
    from engine.ledger.accounts import provider_balances, record_payment

    books = open_books(ctx, write=True)
    entry = record_payment(books, provider_id, amount, on, ref, correction)
    owes = provider_balances(books, on).get(provider_id, 0)
    click.echo(f"Payment of {money(amount, books)} from {provider_id} on {on} (journal entry {entry.seq}); balance {money(owes, books)}.")


@payment.command("payout", context_settings=AMOUNT_ARGUMENTS)
@click.argument("provider_id", type=MEMBER, metavar="PROVIDER")
@click.argument("amount", type=MONEY)
@click.option("--on", "on", type=DATE, required=True, help="Date paid.")
@click.option("--ref", default="", help="Transfer reference.")
@correction_option
@records
@click.pass_context
def payment_payout(ctx: click.Context, provider_id: str, amount: int, on: date, ref: str, correction: str | None) -> None:
    """Pay PROVIDER money owed to them (a refund, a final settlement)."""
    from engine.ledger.accounts import record_payout

    books = open_books(ctx, write=True)
    entry = record_payout(books, provider_id, amount, on, ref, correction)
    click.echo(f"Paid {money(amount, books)} to {provider_id} on {on} (journal entry {entry.seq}).")


@payment.command("import")
@another_batch_option
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@records
@click.pass_context
def payment_import(ctx: click.Context, csv_file: Path) -> None:
    """Record many payments from a CSV (provider,amount,on,ref), all or none."""
    from engine.ledger.accounts import import_payments

    books = open_books(ctx, write=True)
    count, total = import_payments(books, csv_file)
    click.echo(f"Recorded {count} payments totalling {money(total, books)} from {csv_file.name}.")
