"""``coop templates``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from terminal.params import json_option, pdf_option
from terminal.present import emit_json, write_pdfs


@click.group()
def templates() -> None:
    """Document templates and their data models."""


@templates.command("check")
@json_option
def templates_check(as_json: bool) -> None:
    """Render every template with sample data; report names missing from its model and fields never used."""
    from engine.documents.templates import check_all

    results = check_all()
    if as_json:
        emit_json([{"template": r.name, "ok": r.ok, "missing": r.missing, "unused": r.unused, "error": r.error} for r in results])
    else:
        for r in results:
            click.echo(f"{'ok  ' if r.ok else 'FAIL'} {r.name}")
            for name in r.missing:
                click.echo(f"     missing from the model: {name}")
            for name in r.unused:
                click.echo(f"     never used by the template: {name}")
            if r.error:
                click.echo(f"     {r.error}")
    if not all(r.ok for r in results):
        sys.exit(1)


@templates.command("sample")
@click.argument("names", nargs=-1)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True)
@pdf_option
def templates_sample(names: tuple[str, ...], out: Path, pdf: bool) -> None:
    """Render templates (default: all) with their sample data, as Markdown and DOCX, to look at."""
    from engine.documents.requests import render_samples

    written = render_samples(names, out)
    for md, docx in written:
        click.echo(f"  {md}\n  {docx}")
    if pdf:
        write_pdfs([docx for _, docx in written])
