"""``coop hours``."""

from __future__ import annotations

from pathlib import Path

import click

from terminal.params import MEMBER, another_batch_option, json_option, open_books
from terminal.present import emit_json, emit_table, money
from terminal.recorded import records


@click.group()
def hours() -> None:
    """Hours worked (flat_pay model): record, import, list. The log is open to every member."""


@hours.command("record")
@click.argument("member_id", type=MEMBER, metavar="MEMBER")
@click.argument("amount", metavar="HOURS")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month the hours were worked.")
@click.option("--kind", type=click.Choice(["clinical", "admin", "other"]), default="clinical", show_default=True)
@records
@click.pass_context
def hours_record(ctx: click.Context, member_id: str, amount: str, month: str, kind: str) -> None:
    """Log MEMBER's HOURS for a month; every hour pays the rate in force for that month."""
    from engine.models.flat_pay.views import record_hours

    books = open_books(ctx, write=True)
    r = record_hours(books, member_id, amount, month, kind)
    pay = money(r.pay, books)
    click.echo(f"Recorded {r.hours} {kind} hours for {member_id} in {r.month} (entry {r.entry.seq}): {pay} at {money(r.rate, books)}/h")
    click.echo(f"Paid by {r.payer}")


@hours.command("import")
@another_batch_option
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@records
@click.pass_context
def hours_import(ctx: click.Context, csv_file: Path) -> None:
    """Log hours from a CSV (member, month, hours, kind): every row, or none."""
    from engine.models.flat_pay.views import import_hours

    books = open_books(ctx, write=True)
    entries, total = import_hours(books, csv_file)
    click.echo(f"Recorded {len(entries)} hours records ({total} hours) from {csv_file}")


@hours.command("list")
@click.option("--month", default=None, metavar="YYYY-MM", help="Only this month.")
@click.option("--member", "member_id", type=MEMBER, default=None, help="Only this member.")
@json_option
@click.pass_context
def hours_list(ctx: click.Context, month: str | None, member_id: str | None, as_json: bool) -> None:
    """Everyone's hours and pay, month by month: shared with all members, for transparency."""
    from engine.models.flat_pay.views import hours_rows

    books = open_books(ctx)
    log = hours_rows(books, month, member_id)
    out = log.rows
    if as_json:
        emit_json(out)
        return
    if not out:
        click.echo("No hours recorded" + (f" for {log.month}" if log.month else "") + ".")
        return
    emit_table(
        [[o["month"], o["member"], o["kind"], o["paid_by"], o["hours"], money(o["rate"], books), money(o["pay"], books)] for o in out],
        ["month", "member", "kind", "paid by", "hours", "rate", "pay"],
        {4: "right", 5: "right", 6: "right"},
    )
    click.echo(f"Total: {log.hours} hours, {money(log.pay, books)}")
