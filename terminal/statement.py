"""``coop statement``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from engine.errors import UserError
from terminal.params import DATE, json_option, open_books, out_option, pdf_option, today
from terminal.present import emit_json, emit_table, issued_json, issued_summary, money, write_pdfs


@click.command()
@click.argument("targets", nargs=-1, metavar="PROVIDER CYCLE | --all CYCLE")
@click.option("--all", "everyone", is_flag=True, help="Issue the statement of every provider who was a member in CYCLE.")
@click.option("--issue", "issue_docs", is_flag=True, help="Issue it: Markdown and DOCX in BOOKS/documents/statements/CYCLE, recorded.")
@click.option("--on", "on", type=DATE, default=None, help="Issue date (default: today).")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as CSV.")
@click.option("--md", "md_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the document as Markdown.")
@click.option("--docx", "docx_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the document as DOCX.")
@out_option
@pdf_option
@json_option
@click.pass_context
def statement(
    ctx: click.Context,
    targets: tuple[str, ...],
    everyone: bool,
    issue_docs: bool,
    on: date | None,
    csv_file: Path | None,
    md_file: Path | None,
    docx_file: Path | None,
    out: Path | None,
    pdf: bool,
    as_json: bool,
) -> None:
    """PROVIDER's statement for CYCLE: charges, payments, arrears, refund, balance.

    A provider who left gets their departure settlement letter once the cycle
    has closed. --issue (or --all, for everyone in the cycle) writes the
    documents and records them in the journal.
    """
    from dataclasses import asdict

    from engine.documents.anchor import as_json as anchor_json
    from engine.documents.anchor import line
    from engine.documents.requests import issue_cycle_statements, provider_statement
    from engine.documents.statements import NOT_YET_DUE

    books = open_books(ctx, write=everyone or issue_docs)
    day = on or today()
    if everyone:
        if len(targets) != 1:
            raise UserError("with --all give only the cycle", field="CYCLE", expected="e.g. coop statement --all 2027-01")
        if csv_file or md_file or docx_file:
            raise UserError("--csv, --md and --docx write one provider's statement; --all issues every one", field="--all")
        done = issue_cycle_statements(books, targets[0], day, out)
        if as_json:
            emit_json([issued_json(d) for d in done])
        else:
            issued_summary(done)
        if pdf:
            write_pdfs([d.docx for d in done])
        return
    if len(targets) != 2:
        raise UserError("give a provider and a cycle", field="PROVIDER CYCLE", expected="e.g. 'mara-quist 2027-01', or '--all 2027-01'")
    from engine.books.ids import member_id

    provider_id, cycle_id = member_id(targets[0]), targets[1]
    found = provider_statement(
        books, provider_id, cycle_id, day, csv_file=csv_file, md_file=md_file, docx_file=docx_file, issue=issue_docs, out=out
    )
    s, done = found.statement, found.issued
    if as_json:
        summary = {
            "charged": s.charged,
            "paid": s.paid,
            "arrears": s.arrears,
            "refund": s.refund,
            "refund_netted": s.refund_netted,
            "refund_owed": s.refund_owed,
            "assessment": s.assessment,
            "balance": s.closing,
        }
        emit_json({**asdict(s), "summary": summary, "issued": [issued_json(d) for d in done], "anchor": anchor_json(found.anchor)})
        return
    click.echo(f"{'Final settlement statement' if s.final else 'Statement'}: {s.name} ({s.provider}), cycle {s.label}")
    if s.final:
        click.echo(f"Membership ended on {s.left_on}.")
    click.echo(f"Opening balance: {money(s.opening, books)}")
    rows = [
        [
            m.month,
            money(m.fee, books) if m.fee is not None else "not set",
            money(m.charged, books) if m.due else NOT_YET_DUE,
            money(m.paid, books),
            money(m.other, books),
            money(m.balance, books),
        ]
        for m in s.months
    ]
    emit_table(rows, ["month", "fee", "charged", "paid", "other", "balance"], {i: "right" for i in range(1, 6)})
    click.echo("")
    emit_table([[k, money(v, books)] for k, v in found.summary], ["", "amount"], {1: "right"})
    if not s.closed:
        click.echo("The cycle is not closed yet: any refund is worked out at its close.")
    for d in done:
        what = "settlement letter" if d.kind == "settlement" else "statement"
        state = "recorded in the journal" if d.recorded else "unchanged since last issued"
        click.echo(f"Issued the {what} ({state}):\n  {d.markdown}\n  {d.docx}")
    click.echo(line(found.anchor))
    if pdf:
        write_pdfs([d.docx for d in done] or ([docx_file] if docx_file else []))
