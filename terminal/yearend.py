"""``coop year-end``: the per-member totals a treasurer needs for the year's filings."""

from __future__ import annotations

from datetime import date

import click

from terminal.params import DATE, json_option, open_books, today
from terminal.present import emit_json, emit_table, money


@click.command("year-end")
@click.argument("year", type=click.IntRange(1900, 9999), metavar="YEAR")
@click.option("--on", "on", type=DATE, default=None, help="Date of the papers, after the year's end (default: today).")
@json_option
@click.pass_context
def year_end(ctx: click.Context, year: int, on: date | None, as_json: bool) -> None:
    """Write YEAR's per-member totals as CSV, Markdown and DOCX under documents/year-end/YEAR (not a tax filing)."""
    from engine.documents.yearend import issue_year_end

    books = open_books(ctx, write=True)
    y, done = issue_year_end(books, year, on or today())
    if as_json:
        emit_json(
            {
                "year": year,
                "head": done.letter.figures["head"],
                "threshold": y.threshold,
                "rows": [{"member": r.member, **r.figures, "reaches_threshold": r.reportable} for r in y.rows],
                "totals": y.totals(),
                "files": [str(done.docx), str(done.markdown), str(done.docx.with_suffix(".csv"))],
                "sha256": done.sha256,
                "recorded": done.recorded,
            }
        )
        return
    click.echo(f"Year-end figures {year}: {y.title} (not a tax filing)")
    flag = y.threshold is not None
    rows = [
        [r.member, *(money(r.figures.get(c.key, 0), books) for c in y.columns), *((("yes" if r.reportable else "no"),) if flag else ())]
        for r in y.rows
    ]
    heads = ["member", *(c.heading for c in y.columns), *(("reaches threshold",) if flag else ())]
    emit_table(rows, heads, {i + 1: "right" for i in range(len(y.columns))})
    if flag:
        assert y.threshold is not None
        click.echo(f"Reporting threshold for {year}: {money(y.threshold, books)}")
    click.echo(f"Journal head: {done.letter.figures['head']}")
    click.echo(f"Written to {done.docx.parent} ({'recorded' if done.recorded else 'unchanged: nothing recorded'})")
