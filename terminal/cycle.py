"""``coop cycle``."""

from __future__ import annotations

from datetime import date

import click

from terminal.bulk import many_objects
from terminal.fit import hand_over
from terminal.params import DATE, json_option, open_books, today
from terminal.present import emit_json, emit_table, money, money_formatter, plan_text


@click.group()
def cycle() -> None:
    """Fee cycles: close one and settle it."""


@cycle.command("close")
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--on", "on", type=DATE, default=None, help="Date of the close (default: today).")
@click.option("--dry-run", is_flag=True, help="Show the settlement without recording it.")
@json_option
@click.pass_context
@many_objects
def cycle_close(ctx: click.Context, cycle_id: str, on: date | None, dry_run: bool, as_json: bool) -> None:
    """Close CYCLE: refund the surplus (or carry/assess a deficit), leaving the parent no profit."""
    from engine.ledger.requests import close_cycle

    books = open_books(ctx, write=not dry_run)
    if hand_over(ctx, books.federation.model, "cycle close"):
        return  # the model closes its period with its own command (a quarter's payout)
    day = on or today()
    done = close_cycle(books, cycle_id, day, dry_run)
    c, result, plans = done.cycle, done.result, done.plans
    if as_json:
        data = {**result.as_data(), "on": result.on.isoformat(), "seq": result.seq, "recorded": not dry_run}
        emit_json({**data, "currency": books.federation.currency})
        return
    click.echo(f"{'Would close' if dry_run else 'Closed'} cycle {c.label} on {day}.")
    rows = [
        ["fees charged", money(result.charged, books)],
        ["brought forward", money(result.brought_forward, books)],
        ["written off", money(-result.written_off, books)],
        ["shared expenses paid", money(-result.expenses, books)],
        ["surplus (deficit)", money(result.surplus, books)],
        [f"refunded ({result.basis})", money(-result.refunded, books)],
        ["deficit assessed", money(result.assessed, books)],
        [result.carried_text, money(-result.carried_forward, books)],
        [f"kept by {books.federation.keeper}", money(result.profit, books)],
    ]
    emit_table(rows, ["", "amount"], {1: "right"})
    people = sorted(set(result.refunds) | set(result.assessments))
    if people:
        click.echo("")
        spell = money_formatter(books)
        prow = []
        for pid in people:
            r = result.refunds.get(pid, 0)
            netted = result.netted(pid)
            prow.append(
                [
                    pid,
                    result.months.get(pid, ""),
                    spell(r),
                    spell(netted),
                    spell(r - netted),
                    spell(result.assessments.get(pid, 0)),
                ]
            )
        emit_table(
            prow,
            ["provider", "months", "refund", "settles arrears", "owed to them", "assessed"],
            {2: "right", 3: "right", 4: "right", 5: "right"},
        )
    for p in plans:
        click.echo(f"Fee for {p.cycle.label} re-evaluated: {plan_text(p, books)}.")
