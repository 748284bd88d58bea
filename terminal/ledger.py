"""``coop ledger``."""

from __future__ import annotations

from datetime import date

import click

from terminal.params import AMOUNT_ARGUMENTS, DATE, MEMBER, MONEY, as_of_option, correction_option, json_option, open_books, today
from terminal.present import emit_json, emit_table, money
from terminal.recorded import records


@click.group()
def ledger() -> None:
    """The double-entry ledger: balances, arrears, write-offs."""


@ledger.command("balances")
@as_of_option
@json_option
@click.pass_context
def ledger_balances(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """The trial balance: every account's balance; they sum to zero."""
    from engine.ledger.accounts import trial_balance

    books = open_books(ctx)
    tb = trial_balance(books, as_of or today())
    if as_json:
        emit_json({"currency": books.federation.currency, "as_of": (as_of or today()).isoformat(), "accounts": tb})
        return
    rows = [[k, money(v, books)] for k, v in tb.items()]
    rows.append(["total", money(sum(tb.values()), books)])
    emit_table(rows, ["account", "balance (debit +)"], {1: "right"})


@ledger.command("arrears")
@as_of_option
@json_option
@click.pass_context
def ledger_arrears(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """What each provider owes (or is owed) on a date."""
    from engine.ledger.accounts import provider_balances

    books = open_books(ctx)
    balances = dict(sorted(provider_balances(books, as_of or today()).items()))
    if as_json:
        emit_json({"currency": books.federation.currency, "as_of": (as_of or today()).isoformat(), "balances": balances})
        return
    emit_table([[k, money(v, books)] for k, v in balances.items()], ["provider", "owes (negative: owed to them)"], {1: "right"})


@ledger.command("list")
@click.option("--provider", "provider_id", type=MEMBER, default=None, help="Only this provider's account.")
@as_of_option
@json_option
@click.pass_context
def ledger_list(ctx: click.Context, provider_id: str | None, as_of: date | None, as_json: bool) -> None:
    """Every balanced transaction up to a date."""
    from engine.ledger.requests import transactions_of

    books = open_books(ctx)
    txs = transactions_of(books, as_of or today(), provider_id)
    if as_json:
        rows = [{"on": t.on.isoformat(), "memo": t.memo, "postings": dict(t.postings), "source": t.source} for t in txs]
        emit_json({"currency": books.federation.currency, "transactions": rows})
        return
    rows = [[t.on.isoformat(), t.memo, ", ".join(f"{a} {money(v, books)}" for a, v in t.postings)] for t in txs]
    emit_table(rows, ["on", "what", "postings"])


@ledger.command("write-off", context_settings=AMOUNT_ARGUMENTS)
@click.argument("provider_id", type=MEMBER, metavar="PROVIDER")
@click.argument("amount", type=MONEY)
@click.option("--on", "on", type=DATE, required=True)
@click.option("--reason", required=True, help="Why the debt is forgiven.")
@correction_option
@records
@click.pass_context
def ledger_write_off(ctx: click.Context, provider_id: str, amount: int, on: date, reason: str, correction: str | None) -> None:
    """Forgive part of PROVIDER's arrears; the cycle's result bears it."""
    from engine.ledger.accounts import record_write_off

    books = open_books(ctx, write=True)
    entry = record_write_off(books, provider_id, amount, on, reason, correction)
    click.echo(f"Wrote off {money(amount, books)} owed by {provider_id} (journal entry {entry.seq}).")
