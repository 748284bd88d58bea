"""``coop hours``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from terminal.params import json_option, open_books
from terminal.present import emit_json, money, table


@click.group()
def hours() -> None:
    """Hours worked (flat_pay model): record, import, list. The log is open to every member."""


@hours.command("record")
@click.argument("member_id", metavar="MEMBER")
@click.argument("amount", metavar="HOURS")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month the hours were worked.")
@click.option("--kind", type=click.Choice(["clinical", "admin", "other"]), default="clinical", show_default=True)
@click.pass_context
def hours_record(ctx: click.Context, member_id: str, amount: str, month: str, kind: str) -> None:
    """Log MEMBER's HOURS for a month; every hour pays the rate in force for that month."""
    from engine.books.parameters import in_force
    from engine.models.flat_pay.hours import parse_hours, parse_month, record
    from engine.models.flat_pay.pay import hourly_rate, pay_for_hours

    books = open_books(ctx, write=True)
    m, h = parse_month(month), parse_hours(amount)
    e = record(books, member_id, h, m, kind)
    rate = hourly_rate(in_force(books), m)
    pay = money(pay_for_hours(h, rate), books)
    click.echo(f"Recorded {h} {kind} hours for {member_id} in {m} (entry {e.seq}): {pay} at {money(rate, books)}/h")
    click.echo(f"Paid by {payer_name(books, kind)}")


def payer_name(books: Any, kind: str) -> str:
    """The legal name of the entity that pays work of ``kind`` (engine.pay.PAID_BY)."""
    from engine.books.parameters import in_force
    from engine.models.flat_pay.pay import MANAGEMENT, payer_of

    if payer_of(kind) == MANAGEMENT:
        return f"{books.federation.holder} (the management entity)"
    return f"{in_force(books).clinical_entity} (the clinical entity)"


@hours.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def hours_import(ctx: click.Context, csv_file: Path) -> None:
    """Log hours from a CSV (member, month, hours, kind): every row, or none."""
    from decimal import Decimal

    from engine.models.flat_pay.hours import import_csv

    books = open_books(ctx, write=True)
    entries = import_csv(books, csv_file)
    total = sum((Decimal(e.data["hours"]) for e in entries), Decimal(0))
    click.echo(f"Recorded {len(entries)} hours records ({total} hours) from {csv_file}")


@hours.command("list")
@click.option("--month", default=None, metavar="YYYY-MM", help="Only this month.")
@click.option("--member", "member_id", default=None, help="Only this member.")
@json_option
@click.pass_context
def hours_list(ctx: click.Context, month: str | None, member_id: str | None, as_json: bool) -> None:
    """Everyone's hours and pay, month by month: shared with all members, for transparency."""
    from engine.books.parameters import in_force
    from engine.models.flat_pay.hours import parse_month, records
    from engine.models.flat_pay.pay import hourly_rate, pay_for_hours, payer_of

    books = open_books(ctx)
    wanted = parse_month(month) if month else None
    params = in_force(books)
    rows = [r for r in records(books) if (wanted is None or r.month == wanted) and (member_id is None or r.member == member_id)]
    rows.sort(key=lambda r: (r.month, r.member, r.seq))
    out = []
    for r in rows:
        rate = hourly_rate(params, r.month)
        out.append(
            {
                "entry": r.seq,
                "month": str(r.month),
                "member": r.member,
                "kind": r.kind,
                "paid_by": payer_of(r.kind),
                "hours": str(r.hours),
                "rate": rate,
                "pay": pay_for_hours(r.hours, rate),
            }
        )
    if as_json:
        emit_json(out)
        return
    if not out:
        click.echo("No hours recorded" + (f" for {wanted}" if wanted else "") + ".")
        return
    click.echo(
        table(
            [[o["month"], o["member"], o["kind"], o["paid_by"], o["hours"], money(o["rate"], books), money(o["pay"], books)] for o in out],
            ["month", "member", "kind", "paid by", "hours", "rate", "pay"],
            {4: "right", 5: "right", 6: "right"},
        )
    )
    from decimal import Decimal

    click.echo(f"Total: {sum((Decimal(o['hours']) for o in out), Decimal(0))} hours, {money(sum(o['pay'] for o in out), books)}")
