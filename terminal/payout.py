"""``coop payout``."""

from __future__ import annotations

from datetime import date

import click

from terminal.params import AMOUNT_ARGUMENTS, DATE, MONEY, json_option, open_books, today
from terminal.present import emit_json, emit_table, money
from terminal.recorded import records


@click.group()
def payout() -> None:
    """Quarterly payouts of the session split co-op's surplus to its member-owners."""


@payout.command("quarter")
@click.argument("cycle_id", metavar="QUARTER")
@click.option("--on", "on", type=DATE, default=None, help="Date of the close (default: today).")
@click.option("--dry-run", is_flag=True, help="Show the payout without recording it.")
@json_option
@click.pass_context
def payout_quarter(ctx: click.Context, cycle_id: str, on: date | None, dry_run: bool, as_json: bool) -> None:
    """Close QUARTER: pay its surplus out to the member-owners, or carry its deficit to the next quarter."""
    from engine.models.session_split.payouts import PAYOUT_BASIS_WORDS
    from engine.models.session_split.views import close_quarter

    books = open_books(ctx, write=not dry_run)
    day = on or today()
    done = close_quarter(books, cycle_id, day, dry_run)
    q, result = done.cycle, done.result
    if as_json:
        data = {**result.as_data(), "on": result.on.isoformat(), "seq": result.seq, "recorded": not dry_run}
        emit_json({**data, "currency": books.federation.currency})
        return
    click.echo(f"{'Would close' if dry_run else 'Closed'} quarter {q.label} on {day}.")
    rows = [
        ["co-op's shares of sessions", money(result.charged, books)],
        ["brought forward", money(result.brought_forward, books)],
        ["expenses paid", money(-result.expenses, books)],
        ["committed by vote", money(-result.committed, books)],
        ["surplus (deficit)", money(result.surplus, books)],
        ["paid out to member-owners", money(-result.refunded, books)],
        ["carried to the next quarter", money(-result.carried_forward, books)],
        ["left over (always zero)", money(result.profit, books)],
    ]
    emit_table(rows, ["", "amount"], {1: "right"})
    if result.refunded:
        click.echo(f"\nPaid out {PAYOUT_BASIS_WORDS[result.basis]}:")
        prow = [[pid, result.months.get(pid, ""), money(r, books)] for pid, r in result.refunds.items()]
        emit_table(prow, ["member", "share", "payout"], {2: "right"})


@payout.command("commitments")
@json_option
@click.pass_context
def payout_commitments(ctx: click.Context, as_json: bool) -> None:
    """Amounts committed from the surplus by surplus-use votes."""
    from engine.models.session_split.payouts import as_json as commitment_json
    from engine.models.session_split.payouts import commitments, spent_on
    from engine.models.session_split.sessions import require_model

    books = open_books(ctx)
    require_model(books)
    found = commitments(books)
    if as_json:
        emit_json([commitment_json(c) for c in found])
        return
    rows = [
        [c.proposal, c.on.isoformat(), c.quarter, c.member or "", money(c.amount, books), money(spent_on(books, c.proposal), books), c.text]
        for c in found
    ]
    emit_table(rows, ["vote", "on", "quarter", "member", "committed", "spent", "for"], {4: "right", 5: "right"})


@payout.command("spend", context_settings=AMOUNT_ARGUMENTS)
@click.argument("proposal_id", metavar="PROPOSAL")
@click.argument("amount", type=MONEY)
@click.option("--on", "on", type=DATE, required=True, help="Date paid.")
@click.option("--receipt", required=True, help="Invoice or receipt reference.")
@click.option("--vendor", default="", help="Who was paid (e.g. the training institute).")
@records
@click.pass_context
def payout_spend(ctx: click.Context, proposal_id: str, amount: int, on: date, receipt: str, vendor: str) -> None:
    """Pay (part of) what a passed surplus-use PROPOSAL committed, e.g. the training invoice."""
    from engine.models.session_split.payouts import spend, spent_on

    books = open_books(ctx, write=True)
    e = spend(books, proposal_id, amount, on, receipt, vendor)
    label = e.data["proposal"]
    so_far = money(spent_on(books, label), books)
    click.echo(f"Paid {money(amount, books)} of {label}'s commitment on {on} (journal entry {e.seq}); {so_far} spent so far.")


@payout.command("members")
@click.option("--on", "on", type=DATE, required=True, help="Date paid.")
@click.option("--ref", default="", help="Transfer reference.")
@records
@click.pass_context
def payout_members(ctx: click.Context, on: date, ref: str) -> None:
    """Pay every member what the co-op owes them on a date (session shares and payouts), all or none."""
    from engine.models.session_split.payouts import pay_members

    books = open_books(ctx, write=True)
    paid = pay_members(books, on, ref)
    if not paid:
        click.echo(f"Nothing is owed to any member on {on}.")
        return
    emit_table([[pid, money(a, books)] for pid, a in paid.items()], ["member", "paid"], {1: "right"})
    click.echo(f"Paid {len(paid)} members {money(sum(paid.values()), books)} on {on}.")
