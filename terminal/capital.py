"""``coop capital``."""

from __future__ import annotations

from datetime import date

import click

from terminal.params import DATE, MONEY, as_of_option, json_option, open_books, today
from terminal.present import emit_json, emit_table, money


@click.group()
def capital() -> None:
    """The management entity's year close and members' internal capital accounts (flat_pay model)."""


@capital.command("close")
@click.argument("year", metavar="YEAR")
@click.option("--on", "on", type=DATE, default=None, help="Date of the close (default: today).")
@click.option("--dry-run", is_flag=True, help="Show the close without recording it.")
@json_option
@click.pass_context
def capital_close(ctx: click.Context, year: str, on: date | None, dry_run: bool, as_json: bool) -> None:
    """Close YEAR: its surplus to owners' capital accounts by hours (a deficit is carried forward); pay out leavers."""
    from engine.books.parameters import in_force
    from engine.models.flat_pay.management import close_year, parse_year

    books = open_books(ctx, write=not dry_run)
    fig = close_year(books, parse_year(books, year), on or today(), dry_run)
    if as_json:
        emit_json(fig.as_json())
        return
    s = fig.settlement
    click.echo(f"{'Dry run: ' if dry_run else ''}Year {fig.cycle.label} of {books.federation.holder}")
    rows = [
        [f"Management fees received from {in_force(books).clinical_entity}", money(fig.income, books)],
        ["Pay for administrative and other hours", money(-fig.pay, books)],
        ["Unplanned leave pay (administrative and other work)", money(-fig.leave_pay, books)],
        ["Shared expenses", money(-fig.expenses, books)],
        ["Brought forward", money(fig.brought_forward, books)],
        ["Result", money(s.result, books)],
    ]
    emit_table(rows, ["", "amount"], {1: "right"})
    clinical = money(fig.clinical_pay + fig.clinical_leave_pay, books)
    click.echo(f"(Clinical hours and leave from clinical work, {clinical}, were paid by {in_force(books).clinical_entity}.)")
    if s.allocations:
        total = sum(fig.owner_hours.values())
        click.echo("")
        click.echo(f"Surplus allocated to capital accounts by all hours worked, clinical or not ({total} owner hours):")
        arows = [
            [m, fig.owner_hours[m], money(a, books), money(fig.payouts.get(m, 0), books) if m in fig.payouts else ""]
            for m, a in sorted(s.allocations.items())
        ]
        emit_table(arows, ["member", "hours", "allocated", "paid out (left)"], {1: "right", 2: "right", 3: "right"})
    else:
        why = "a deficit" if s.result < 0 else "no owner hours to weigh it by" if s.result > 0 else "nothing"
        click.echo(f"Nothing allocated ({why}); {money(s.carried_forward, books)} carried forward to the next year.")
    for m, p in fig.payouts.items():
        if m not in s.allocations:
            click.echo(f"Paid out to {m} (left): {money(p, books)}")
    if not fig.hours.keys() <= fig.owner_hours.keys():
        click.echo(
            "Not yet member-owners at the year's end (no allocation): " + ", ".join(sorted(fig.hours.keys() - fig.owner_hours.keys()))
        )


@capital.command("accounts")
@as_of_option
@json_option
@click.pass_context
def capital_accounts(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """Each member's internal capital account balance."""
    from engine.models.flat_pay.management import balances
    from engine.models.flat_pay.patronage import dues

    books = open_books(ctx)
    day = as_of or today()
    b = balances(books, day)
    owed = [d for d in dues(books, day) if d.outstanding]
    if as_json:
        emit_json(b)
        return
    if not b:
        click.echo("No capital allocated yet (accounts start at zero; a year's close allocates its surplus).")
        return
    emit_table([[m, money(v, books)] for m, v in b.items()], ["member", "balance"], {1: "right"})
    if owed:
        click.echo("")
        click.echo("Cash parts of patronage allocations still due (paid out of the account with 'coop capital pay'):")
        rows = [
            [
                d.member,
                d.year,
                money(d.cash, books),
                money(d.paid, books),
                money(d.outstanding, books),
                d.due_by.isoformat() + (" (overdue)" if d.overdue(day) else ""),
            ]
            for d in owed
        ]
        emit_table(rows, ["member", "year", "cash part", "paid", "still due", "due by"], {2: "right", 3: "right", 4: "right"})


@capital.command("pay")
@click.argument("member")
@click.argument("amount", type=MONEY)
@click.option("--year", "year", required=True, help="The year whose allocation's cash part this pays (2027).")
@click.option("--on", "on", type=DATE, default=None, help="Date paid (default: today).")
@click.pass_context
def capital_pay(ctx: click.Context, member: str, amount: int, year: str, on: date | None) -> None:
    """Pay MEMBER AMOUNT of the cash part of a year's patronage allocation, out of their capital account."""
    from engine.models.flat_pay.patronage import pay_cash

    books = open_books(ctx, write=True)
    e = pay_cash(books, member, year, amount, on or today())
    click.echo(f"Recorded: {money(amount, books)} paid to {member} (cash part of {e.data['year']} patronage), entry {e.seq}")
