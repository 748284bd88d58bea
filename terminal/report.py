"""``coop report``."""

from __future__ import annotations

from pathlib import Path

import click

from terminal.params import json_option, open_books
from terminal.present import emit_json, emit_table, money


@click.group()
def report() -> None:
    """Reports any provider may see."""


@report.command("transparency")
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as CSV.")
@click.option("--md", "md_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as Markdown.")
@click.option("--docx", "docx_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as DOCX.")
@json_option
@click.pass_context
def report_transparency(
    ctx: click.Context, cycle_id: str, csv_file: Path | None, md_file: Path | None, docx_file: Path | None, as_json: bool
) -> None:
    """Budget against actual, fees, surplus or deficit and refunds for CYCLE."""
    from dataclasses import asdict

    from engine.documents.anchor import line
    from engine.documents.requests import transparency_report
    from engine.documents.statements import result_figures, result_rows
    from engine.documents.templates import long_date

    books = open_books(ctx)
    t = transparency_report(books, cycle_id, csv_file=csv_file, md_file=md_file, docx_file=docx_file)
    if as_json:
        data = asdict(t)
        data["close"] = t.close.as_data() if t.close else None
        data["issued"] = t.issued.isoformat() if t.issued else None
        totals = {"period": t.period, "budget_total": t.budget_total, "actual_total": t.actual_total}
        categories = [{"category": c, "budget": b, "actual": a} for c, b, a in t.categories]
        emit_json({**data, **totals, "categories": categories, "result": result_figures(t)})
        return
    click.echo(f"Transparency report: {t.federation}, {t.period} (cycle {t.label})")
    if t.issued:
        click.echo(f"Issued {long_date(t.issued)}{'' if t.close is not None else ', before the cycle is closed'}.")
    click.echo("")
    rows = [
        [
            r.name,
            r.category.replace("_", " "),
            r.vendor + (" (co-op)" if r.cooperative_vendor else ""),
            money(r.budget, books),
            money(r.actual, books),
            money(r.difference, books),
        ]
        for r in t.lines
    ]
    rows.append(
        ["total", "", "", money(t.budget_total, books), money(t.actual_total, books), money(t.budget_total - t.actual_total, books)]
    )
    emit_table(rows, ["line", "category", "vendor", "budget", "actual", "under (over)"], {3: "right", 4: "right", 5: "right"})
    click.echo("")
    emit_table([[k, v] for k, v in result_rows(t)], ["", "amount"], {1: "right"})
    if t.refunds:
        click.echo("")
        prow = [[r.name, r.months, money(r.refund, books), money(r.assessment, books)] for r in t.refunds]
        emit_table(prow, ["provider", "months", "refund", "assessed"], {1: "right", 2: "right", 3: "right"})
    click.echo("")
    click.echo(line(t.anchor))
