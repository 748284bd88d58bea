"""``coop manual``."""

from __future__ import annotations

from pathlib import Path

import click

from terminal.params import json_option, open_books, out_option, pdf_option
from terminal.present import emit_json, emit_table, write_pdfs


@click.group()
def manual() -> None:
    """The Co-Op Procedures manual: render a version, redline two, list versions."""


@manual.command("render")
@click.argument("version", type=int, required=False)
@out_option
@pdf_option
@click.pass_context
def manual_render(ctx: click.Context, version: int | None, out: Path | None, pdf: bool) -> None:
    """Write manual VERSION (default: the latest) as Markdown and DOCX."""
    from engine.documents.anchor import line
    from engine.documents.requests import publish_manual

    books = open_books(ctx)
    number, done = publish_manual(books, version, out)
    state = "as adopted (stored in the journal)" if done.stored else "rendered now; fixed in the journal at the first issuance or amendment"
    click.echo(f"Manual version {number}, {state}; SHA-256 {done.sha256}")
    click.echo(f"  {done.markdown}\n  {done.docx}")
    click.echo(line(done.anchor))
    if pdf:
        write_pdfs([done.docx])


@manual.command("diff")
@click.argument("v1", type=int)
@click.argument("v2", type=int)
@out_option
@pdf_option
@click.pass_context
def manual_diff(ctx: click.Context, v1: int, v2: int, out: Path | None, pdf: bool) -> None:
    """A redline from V1 to V2: Markdown with <ins>/<del>, DOCX underlined and struck through."""
    from engine.books.naming import documents_folder
    from engine.documents.anchor import line
    from engine.documents.manual import publish_redline

    books = open_books(ctx)
    done, marked = publish_redline(books, v1, v2, documents_folder(books, out))
    click.echo(f"Redline v{v1} -> v{v2}: {marked.changed} blocks changed, {marked.inserted} inserted, {marked.deleted} deleted")
    click.echo(f"  {done.markdown}\n  {done.docx}")
    click.echo(line(done.anchor))
    if pdf:
        write_pdfs([done.docx])


@manual.command("versions")
@json_option
@click.pass_context
def manual_versions_cmd(ctx: click.Context, as_json: bool) -> None:
    """Every manual version: number, effective date, the vote that adopted it, its SHA-256."""
    from engine.governance.versions import versions

    books = open_books(ctx)
    vs = versions(books)
    if as_json:
        emit_json(
            [
                {
                    "version": v.number,
                    "effective": v.effective,
                    "proposal": v.proposal_label,
                    "proposal_entry": v.proposal,
                    "summary": v.summary,
                    "sha256": v.sha256,
                    "entry": v.entry,
                }
                for v in vs
            ]
        )
        return
    rows = [[v.number, v.effective, v.proposal_label or "", v.summary, (v.sha256 or "not yet recorded")[:16]] for v in vs]
    emit_table(rows, ["version", "effective", "proposal", "summary", "sha256"], {0: "right"})
