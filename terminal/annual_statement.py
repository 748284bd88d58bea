"""``coop annual-statement``."""

from __future__ import annotations

from pathlib import Path

import click

from terminal.params import MEMBER, json_option, open_books
from terminal.present import emit_json, emit_table, money


@click.command("annual-statement")
@click.argument("member_id", type=MEMBER, metavar="MEMBER")
@click.argument("year", metavar="YEAR")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as CSV.")
@click.option("--md", "md_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as Markdown.")
@click.option("--docx", "docx_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as DOCX.")
@json_option
@click.pass_context
def annual_statement_cmd(
    ctx: click.Context, member_id: str, year: str, csv_file: Path | None, md_file: Path | None, docx_file: Path | None, as_json: bool
) -> None:
    """MEMBER's statement for YEAR (flat_pay model): hours and pay by month, leave, capital account."""
    from engine.models.flat_pay.views import annual_statement

    books = open_books(ctx)
    s = annual_statement(books, member_id, year, csv_file=csv_file, md_file=md_file, docx_file=docx_file)
    if as_json:
        emit_json(s.as_json())
        return
    click.echo(f"Annual statement {s.cycle.label}: {s.name} ({s.member})")
    rows = [
        [
            str(m.month),
            m.payer,
            m.hours,
            money(m.rate, books),
            money(m.hours_pay, books),
            m.leave_days,
            money(m.leave_pay, books),
            money(m.total, books),
        ]
        for m in s.months
    ]
    total = money(s.hours_pay + s.leave_pay, books)
    rows.append(["year", "", s.hours, "", money(s.hours_pay, books), s.leave_days, money(s.leave_pay, books), total])
    heads = ["month", "paid by", "hours", "rate", "hours pay", "leave days", "leave pay", "total"]
    emit_table(rows, heads, {i: "right" for i in range(2, 8)})
    for payer, name in s.entity_names.items():
        click.echo(f"Paid by {name} ({payer} entity): {money(s.paid_by(payer), books)}")
    if s.closed:
        amounts = (s.opening_balance, s.allocation, s.payout, s.closing_balance)
        o, a, p, c = (money(x, books) for x in amounts)
        click.echo(f"Capital account: opening {o}, allocated {a}, paid out {p}, closing {c}")
    else:
        click.echo(f"Capital account: {money(s.opening_balance, books)} (the year is not closed yet)")
