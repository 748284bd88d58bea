"""``coop audit``."""

from __future__ import annotations

from pathlib import Path

import click

from terminal.params import json_option, open_books
from terminal.present import emit_json


@click.group()
def audit() -> None:
    """Checks that the records were not edited."""


@audit.command("verify")
@click.option("--anchor", "anchors", multiple=True, metavar="SEQ:HASH", help="A journal head printed on a document you hold (repeatable).")
@click.option(
    "--anchors", "anchor_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="A file of anchors, one a line."
)
@click.option(
    "--bundle", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Verify an exported bundle instead of the books."
)
@json_option
@click.pass_context
def audit_verify(ctx: click.Context, anchors: tuple[str, ...], anchor_file: Path | None, bundle: Path | None, as_json: bool) -> None:
    """Recompute the hash chain over the whole journal and recount every vote; exit 1 if anything was edited."""
    from engine.audit.anchors import check_anchors, parse_anchor, read_anchors, verify_bundle
    from engine.audit.verify import verify

    held = [parse_anchor(a) for a in anchors] + (read_anchors(anchor_file) if anchor_file else [])
    if bundle is not None:
        report, _ = verify_bundle(bundle, held)
    else:
        books = open_books(ctx)
        report = verify(books)
        report.problems.extend(check_anchors(books.journal, held))
    if as_json:
        emit_json(
            {
                "ok": report.ok,
                "entries": report.entries,
                "head": report.head,
                "anchors": len(held),
                "problems": report.problems,
                "ballots": {**report.attested, "secret_unchecked": report.away},
                "signatures": report.signatures,
            }
        )
    elif report.ok:
        checked = f"; {len(held)} anchor(s) held" if held else ""
        click.echo(f"OK: {report.entries} entries, chain intact{checked}. Head: {report.head}")
        click.echo(report.summary())
    else:
        for problem in report.problems:
            click.echo(f"FAILED: {problem}", err=True)
    if not report.ok:
        ctx.exit(1)


@audit.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def audit_export(ctx: click.Context, file: Path) -> None:
    """Write the whole record to FILE, for a member to verify on their own computer."""
    from engine.audit.anchors import export

    books = open_books(ctx)
    top = export(books, file)
    click.echo(f"Wrote {file}: {top.seq} entries. Keep this anchor: {top}")
    click.echo(f"Check it anywhere with: coop audit verify --bundle {file}")


@audit.command("seal")
@click.option("--reason", required=True, help="Why federation.yaml was changed.")
@click.pass_context
def audit_seal(ctx: click.Context, reason: str) -> None:
    """Accept an edit to federation.yaml, on the record."""
    books = open_books(ctx)  # read: the seal is what is being mended; reseal takes the lock itself
    entry = books.reseal(reason)
    click.echo(f"federation.yaml sealed again at entry {entry.seq}: {reason}")


@audit.command("receipt")
@click.argument("receipt")
@json_option
@click.pass_context
def audit_receipt(ctx: click.Context, receipt: str, as_json: bool) -> None:
    """Check that a ballot receipt is in the record (exit 1 if not)."""
    from engine.audit.verify import receipt as check_receipt
    from engine.documents.anchor import as_json as anchor_json
    from engine.documents.anchor import current, line

    books = open_books(ctx)
    found = check_receipt(books, receipt)
    head = current(books.journal)  # what this answer was checked against: keep it with the receipt
    if as_json:
        emit_json({**found.data, "anchor": anchor_json(head)})
    else:
        click.echo(found.message)
        click.echo(line(head))
    if not found.found:
        ctx.exit(1)
