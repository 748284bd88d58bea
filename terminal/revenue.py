"""``coop revenue``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from terminal.params import AMOUNT_ARGUMENTS, MEMBER, MONEY, another_batch_option, as_of_option, json_option, open_books, out_option, today
from terminal.present import emit_json, emit_table, money
from terminal.recorded import records


@click.group()
def revenue() -> None:
    """Retention model: members' revenue (each keeps it, less the probation levy) and annual statements."""


@revenue.command("record", context_settings=AMOUNT_ARGUMENTS)
@click.argument("member_id", type=MEMBER, metavar="MEMBER")
@click.argument("amount", type=MONEY)
@click.option("--month", required=True, help="The month the services were provided, YYYY-MM.")
@click.option("--note", default="", help="Anything worth keeping with it.")
@records
@click.pass_context
def revenue_record(ctx: click.Context, member_id: str, amount: int, month: str, note: str) -> None:
    """Record MEMBER's revenue for a month; in probation, the co-op's share is split off."""
    from engine.models.retention.revenue import parse_month, record_revenue

    books = open_books(ctx, write=True)
    e = record_revenue(books, member_id, amount, parse_month(month), note)
    levy = e.data["levy"]
    tail = f"; {money(levy, books)} to the co-op (probation), {money(e.data['kept'], books)} kept" if levy else ", all kept"
    click.echo(f"Recorded {money(amount, books)} for {member_id} in {month}{tail} (journal entry {e.seq}).")


@revenue.command("import")
@another_batch_option
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@records
@click.pass_context
def revenue_import(ctx: click.Context, csv_file: Path) -> None:
    """Record every row of a CSV (member, month, amount[, note]), or none if any row is wrong."""
    from engine.models.retention.revenue import import_revenue

    books = open_books(ctx, write=True)
    n, total = import_revenue(books, csv_file)
    click.echo(f"Recorded {n} revenues totalling {money(total, books)}.")


@revenue.command("list")
@click.option("--member", "member_id", type=MEMBER, default=None)
@as_of_option
@json_option
@click.pass_context
def revenue_list(ctx: click.Context, member_id: str | None, as_of: date | None, as_json: bool) -> None:
    """Recorded revenues, with the probation levy and the part kept."""
    from engine.models.retention.revenue import revenues

    books = open_books(ctx)
    rs = revenues(books, as_of or today(), member_id)
    if as_json:
        emit_json(
            [
                {
                    "seq": r.seq,
                    "on": r.on.isoformat(),
                    "member": r.provider,
                    "month": str(r.month),
                    "amount": r.amount,
                    "levy": r.levy,
                    "kept": r.kept,
                }
                for r in rs
            ]
        )
        return
    rows = [[r.seq, str(r.month), r.provider, money(r.amount, books), money(r.levy, books), money(r.kept, books), r.note] for r in rs]
    emit_table(rows, ["entry", "month", "member", "revenue", "co-op levy", "kept", "note"], {3: "right", 4: "right", 5: "right"})


@revenue.command("statement")
@click.argument("member_id", type=MEMBER, metavar="MEMBER")
@click.option("--year", type=int, required=True)
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--md", "md_file", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--docx", "docx_file", type=click.Path(dir_okay=False, path_type=Path), default=None)
@json_option
@click.pass_context
def revenue_statement(
    ctx: click.Context, member_id: str, year: int, csv_file: Path | None, md_file: Path | None, docx_file: Path | None, as_json: bool
) -> None:
    """MEMBER's annual statement: revenue, levy, retained share, expenses, leave, rent covered, net kept."""
    from engine.books.output import write_bytes, write_text
    from engine.models.retention.statements import (
        STATEMENT_COLUMNS,
        STATEMENT_HEADINGS,
        annual_statement,
        statement_csv,
        statement_markdown,
    )

    books = open_books(ctx)
    s = annual_statement(books, member_id, year)
    if as_json:
        keys = ("revenue", "levy", "kept", "expenses", "refunds", "assessments", "rent_covered", "net_kept")
        summary = {k: v for k, (_, v) in zip(keys, s.rows(), strict=True)}
        emit_json({"member": s.member, "year": s.year, "currency": books.federation.currency, "summary": summary})
        return
    rows = [[str(r.month), r.status, *(money(getattr(r, c), books) for c in STATEMENT_COLUMNS)] for r in s.months]
    rows.append(["total", "", *(money(s.total(c), books) for c in STATEMENT_COLUMNS)])
    headers = ["month", "status", *(h.lower() for h in STATEMENT_HEADINGS)]
    click.echo(f"{s.name} ({s.member}), {s.year}")
    emit_table(rows, headers, {i: "right" for i in range(2, len(headers))})
    if csv_file:
        click.echo(f"Wrote {write_text(csv_file, statement_csv(s))}")
    if md_file:
        click.echo(f"Wrote {write_text(md_file, statement_markdown(s))}")
    if docx_file:
        from engine.models.retention.statements import statement_docx

        click.echo(f"Wrote {write_bytes(docx_file, statement_docx(s))}")


@revenue.command("statements")
@click.option("--year", type=int, required=True)
@out_option
@click.pass_context
def revenue_statements(ctx: click.Context, year: int, out: Path | None) -> None:
    """Every member's annual statement for a year: CSV, Markdown and DOCX each (default folder BOOKS/documents/statements)."""
    from engine.models.retention.views import year_statements

    books = open_books(ctx)
    folder, done = year_statements(books, year, out)
    rows = [
        [
            s.member,
            money(s.total("revenue"), books),
            money(s.total("levy"), books),
            money(s.total("expenses"), books),
            money(s.net_kept, books),
        ]
        for s, _ in done
    ]
    emit_table(rows, ["member", "revenue", "co-op levy", "expenses", "net kept"], {1: "right", 2: "right", 3: "right", 4: "right"})
    click.echo(f"Wrote {len(done)} statements (CSV, Markdown, DOCX) in {folder}")
