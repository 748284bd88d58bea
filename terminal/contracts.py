"""``coop contracts``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from engine.errors import UserError
from terminal.fit import hand_over
from terminal.params import DATE, MEMBER, as_of_option, json_option, open_books, out_option, pdf_option, today
from terminal.present import anchor_lines, emit_json, emit_table, money, write_pdfs
from terminal.recorded import records


@click.group()
def contracts() -> None:
    """Provider services agreements and manual acknowledgments: issue, sign, status."""


@contracts.command("issue")
@click.argument("ids", type=MEMBER, nargs=-1, metavar="[PROVIDERS]...")
@click.option("--all", "everyone", is_flag=True, help="Every provider active on the issue date.")
@click.option("--on", "on", type=DATE, default=None, help="Issue date (default: today); sets the manual version and fee stated.")
@click.option("--kind", type=click.Choice(["agreement", "acknowledgment", "business-associate"]), default="agreement", show_default=True)
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal).")
@out_option
@pdf_option
@records
@click.pass_context
def contracts_issue(
    ctx: click.Context,
    ids: tuple[str, ...],
    everyone: bool,
    on: date | None,
    kind: str,
    progress: bool | None,
    out: Path | None,
    pdf: bool,
) -> None:
    """Issue one document per PROVIDER (or --all) plus a register (CSV and JSON), recorded in the journal."""
    from engine.books.naming import documents_folder
    from engine.documents.contracts import issue

    if everyone == bool(ids):
        raise UserError("name providers or give --all (not both)", field="PROVIDER", expected="ids such as mara-quist, or --all")
    books = open_books(ctx, write=True)
    if kind == "agreement" and hand_over(ctx, books.federation.model, "contracts issue --kind agreement"):
        return  # the model issues its own member agreement under the same command
    show = progress if progress is not None else sys.stderr.isatty()

    def bar(items: Any) -> Any:
        return click.progressbar(items, label=f"Issuing {kind}s", file=sys.stderr, show_pos=True)

    batch = issue(books, None if everyone else list(ids), on or today(), documents_folder(books, out), kind, bar if show else None)
    fresh = sum(d.recorded for d in batch.documents)
    click.echo(f"Issued {len(batch.documents)} {kind}(s) in {batch.folder} ({fresh} recorded, {len(batch.documents) - fresh} unchanged)")
    click.echo(f"  register: {batch.register_csv} and {batch.register_json}")
    anchor_lines(batch.documents)
    if pdf:
        write_pdfs([batch.folder / d.document for d in batch.documents])


@contracts.command("status")
@as_of_option
@json_option
@click.pass_context
def contracts_status(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """Who has signed which manual version and fee, and who needs a new agreement or acknowledgment."""
    from engine.documents.signatures import status

    books = open_books(ctx)
    current, fee, rows = status(books, as_of or today())
    if as_json:
        emit_json({"manual_version": current.number, "fee": fee, "providers": [r.as_json() for r in rows]})
        return
    fee_text = money(fee, books) if fee is not None else "none"
    click.echo(f"Manual in force: version {current.number} (effective {current.effective}); monthly fee {fee_text}")
    body = [
        [
            r.provider,
            r.agreement or "-",
            r.version or "-",
            money(r.fee, books) if r.fee is not None else "-",
            r.awaiting or "-",
            r.needs or "up to date",
            f"{r.sha256[:12]} ({r.attested})" if r.sha256 else "-",
        ]
        for r in rows
    ]
    emit_table(body, ["provider", "agreement signed", "version", "fee", "awaiting signature", "needs", "signed document"])


@contracts.command("signed")
@click.argument("provider_id", type=MEMBER)
@click.option("--on", "on", type=DATE, required=True, help="The date the provider signed.")
@click.option(
    "--kind", type=click.Choice(["agreement", "acknowledgment"]), default=None, help="Which document (default: the latest issued)."
)
@records
@click.pass_context
def contracts_signed(ctx: click.Context, provider_id: str, on: date, kind: str | None) -> None:
    """Record that PROVIDER signed the latest document issued to them."""
    from engine.documents.signatures import sign

    books = open_books(ctx, write=True)
    entry = sign(books, provider_id, on, kind)
    click.echo(
        f"{provider_id} signed {entry.data['document']} (manual v{entry.data['manual_version']}) on {on} (journal entry {entry.seq})."
    )
