"""How the terminal shows engine results: JSON for scripts, tables and money for people."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from engine.books.folder import Books


_WRITE_BATCH = 1 << 16
"""Characters of output (JSON, a table's lines) gathered before they are written."""
_JSON = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False, default=str)
"""How the terminal writes JSON: indented, keys sorted, text as written, anything else as its ``str``."""


def emit_json(data: Any) -> None:
    """``data`` as indented JSON, written as it is encoded: the same text as ``json.dumps``, never held whole.

    At 100,000 providers ``provider list --json`` held its text and the millions
    of pieces the encoder joins into it: 448 MiB at its peak.
    """
    _write(_JSON.iterencode(data))


def emit_json_list(items: Iterable[Any]) -> None:
    """A JSON list written item by item: the text :func:`emit_json` gives for ``list(items)``, without the list."""
    _write(_list_pieces(items))


def _list_pieces(items: Iterable[Any]) -> Iterator[str]:
    """Each item encoded on its own and indented one level (JSON text holds no raw newline inside a string,
    so indenting its lines is nesting it)."""
    opening = "[\n  "
    for item in items:
        yield opening
        yield _item_text(item)
        opening = ",\n  "
    yield "[]" if opening.startswith("[") else "\n]"


_string = json.encoder.encode_basestring
"""A JSON string as :data:`_JSON` spells one (``ensure_ascii=False``)."""


def _item_text(item: Any) -> str:
    """``_JSON.encode(item)`` indented one level, written directly when ``item`` is a flat dict of text, whole numbers,
    booleans and nulls (a provider's record).

    An indent keeps ``json`` on its pure-Python encoder, which walked every value
    through generators: most of ``provider list --json`` at 10,000 providers. The
    text is the encoder's (tests/test_tables.py holds the two equal); anything
    else goes through the encoder.
    """
    if type(item) is dict and item and all(type(key) is str for key in item):
        parts = []
        for key in sorted(item):
            value = item[key]
            kind = type(value)
            if kind is str:
                text = _string(value)
            elif kind is int:
                text = int.__repr__(value)
            elif value is None:
                text = "null"
            elif kind is bool:
                text = "true" if value else "false"
            else:
                break
            parts.append(f"{_string(key)}: {text}")
        else:
            return "{\n    " + ",\n    ".join(parts) + "\n  }"
    return _JSON.encode(item).replace("\n", "\n  ")


def _write(pieces: Iterable[str]) -> None:
    """Write the pieces in batches of about :data:`_WRITE_BATCH` characters, then a newline (as ``click.echo`` ends its text)."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= _WRITE_BATCH:
            click.echo("".join(batch), nl=False)
            batch, size = [], 0
    click.echo("".join(batch))


_PAD = {"left": "<", "right": ">", "center": "^"}
_NOT_PLAIN = ("\n", "\r", "\t", "\x1b")


def table(rows: list[list[Any]], headers: list[str], align: dict[int, str] | None = None) -> str:
    """A plain-text table in tabulate's "simple" layout, laid out here in one pass.

    tabulate inspects every cell's type several times; at 10,000 providers that
    was half of ``coop status``. The layout is the same character for character
    (tests/test_tables.py holds it to tabulate's output): a column is as wide as
    its widest cell or its heading plus two, cells are stripped, ``None`` is blank,
    two spaces between columns, trailing spaces dropped. Cells tabulate lays out
    differently (several lines, tabs, terminal escapes) still go through it.
    """
    return "\n".join(_table_lines(rows, headers, align))


def emit_table(rows: list[list[Any]], headers: list[str], align: dict[int, str] | None = None) -> None:
    """:func:`table` written line by line: the text ``click.echo(table(...))`` writes, never held whole.

    At 100,000 providers the roster's table, its lines and their joined text
    were a third of ``coop status``'s peak memory.
    """
    _write_lines(_table_lines(rows, headers, align))


def _write_lines(lines: Iterable[str]) -> None:
    """The lines as ``click.echo("\\n".join(lines))`` writes them, joined a batch of about :data:`_WRITE_BATCH` characters at a time."""
    batch: list[str] = []
    size = 0
    before = ""
    for line in lines:
        batch.append(line)
        size += len(line)
        if size >= _WRITE_BATCH:
            click.echo(before + "\n".join(batch), nl=False)
            batch, size, before = [], 0, "\n"
    click.echo((before if batch else "") + "\n".join(batch))


def _table_lines(rows: list[list[Any]], headers: list[str], align: dict[int, str] | None) -> Iterator[str]:
    """The table's lines, laid out a column at a time: per-row work in Python was most of a large table's cost."""
    align = align or {}
    width = max([len(headers), *map(len, rows)])
    columns = [[("" if c is None else str(c)).strip() for c in column] for column in zip_longest(*rows)]
    columns += [[""] * len(rows) for _ in range(width - len(columns))]
    plain = all(a in _PAD for a in align.values()) and not any(mark in "".join(column) for column in columns for mark in _NOT_PLAIN)
    if not plain:
        from tabulate import tabulate

        colalign = [align.get(i, "left") for i in range(len(headers))]
        yield tabulate(rows, headers=headers, tablefmt="simple", colalign=colalign, disable_numparse=True)
        return
    heads = [""] * (width - len(headers)) + [str(h) for h in headers]
    widths = [max(len(h) + 2, max(map(len, column), default=0)) for h, column in zip(heads, columns, strict=True)]
    pads = [_PAD[align.get(i, "left")] if rows else "<" for i in range(width)]  # tabulate aligns no heading of an empty table
    yield "  ".join(format(h, f"{p}{w}") for h, p, w in zip(heads, pads, widths, strict=True)).rstrip()
    yield "  ".join("-" * w for w in widths)
    line = "  ".join(f"{{:{p}{w}}}" for p, w in zip(pads, widths, strict=True)).format
    for row in zip(*columns, strict=True):
        yield line(*row).rstrip()


def money(cents: int, books: Books) -> str:
    from engine.books.money import format_cents

    return format_cents(cents, books.federation.currency)


def money_formatter(books: Books) -> Callable[[int], str]:
    """:func:`money` for a table's many amounts: the currency looked up once, each distinct amount spelled once.

    A close's table states four amounts for each of 100,000 providers, most
    of them the same refund share or nothing.
    """
    from engine.books.money import format_cents

    currency = books.federation.currency
    spelled: dict[int, str] = {}

    def spell(cents: int) -> str:
        text = spelled.get(cents)
        if text is None:
            text = spelled[cents] = format_cents(cents, currency)
        return text

    return spell


def write_pdfs(paths: list[Path]) -> None:
    from engine.documents.pdf import MISSING, NO_FONT, font_available, to_pdf

    made = to_pdf(paths)
    if made is None:
        click.echo(MISSING, err=True)
        return
    if font_available() is False:
        click.echo(NO_FONT, err=True)
    for p in made:
        click.echo(f"  {p}")


def plan_text(p: Any, books: Books) -> str:
    from engine.ledger.requests import plan_text as words

    return words(p, books.federation.currency)


def fee_changes_since(books: Books, seq: int) -> None:
    """Say which fees a staffing change re-evaluated (the engine did it in the same transaction)."""
    from engine.ledger.requests import fee_changes_since as changes

    for s in changes(books, seq):
        was = f" (was {money(s.old, books)})" if s.old is not None else ""
        click.echo(f"Fee for cycle {s.cycle} re-evaluated from {s.from_month}: {money(s.amount, books)}{was}.")


def pm(value: Any) -> str:
    from engine.books.money import fraction_text

    return fraction_text(value, 3)


def issued_json(d: Any) -> dict[str, Any]:
    from engine.documents.anchor import as_json

    paths = {"docx": str(d.docx), "markdown": str(d.markdown)}
    out = {"provider": d.provider, "kind": d.kind, **paths, "sha256": d.sha256, "recorded": d.recorded, **d.figures}
    return {**out, "anchor": as_json(d.anchor)}


def anchor_lines(done: list[Any]) -> None:
    """The journal anchor the documents print, once for each (documents unchanged since issued keep their own)."""
    from engine.documents.anchor import line

    for held in dict.fromkeys(d.anchor for d in done):
        click.echo(line(held))


def issued_summary(done: list[Any]) -> None:
    """Where the documents went, in a line or two: the demo and a treasurer want the folder, not every file."""
    folders = sorted({str(d.docx.parent) for d in done})
    fresh = sum(d.recorded for d in done)
    kinds: dict[str, int] = {}
    for d in done:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    names = {"fee-notice": "fee notice", "cycle-statement": "cycle statement", "settlement": "settlement letter"}
    what = ", ".join(f"{n} {names.get(k, k)}{'s' if n != 1 else ''}" for k, n in sorted(kinds.items()))
    click.echo(f"Issued {what} (Markdown and DOCX) in {', '.join(folders)}")
    click.echo(f"  {fresh} recorded in the journal, {len(done) - fresh} unchanged since last issued; listed in register.csv and .json")
    anchor_lines(done)
