"""A document's body typeset from pieces seen before: the typesetter's own output, remembered as bytes.

A batch of statements or notices is thousands of documents from one template:
most paragraphs, headings and whole tables are the same text in every one, and
the tables that differ (a provider's months, their account) repeat the same
cells ("January 2027", "$152.47"). Parsing each document's Markdown and writing
its XML anew was most of the cost of issuing it. Here the Markdown is cut at its
blank lines into blocks; a block seen before is its remembered bytes, and a
table not seen before is put together from remembered cells. Every piece is
written by :class:`engine.documents.typesetting._Builder` itself and serialized
in the document's own namespace context, so the bytes are those the whole
document typeset at once would have (tests hold the two together).

Only documents whose blocks cannot affect one another take this path: headings,
paragraphs with plain inline text, emphasis, code and breaks, rules and tables,
with no lists, directives, raw HTML, tracked changes or link definitions (whose
meaning crosses a blank line, or whose output depends on what came before).
Anything else, and every block a piece cannot be sure of, is typeset whole
by :func:`engine.documents.typesetting.typeset` as before.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from lxml import etree
from markdown_it.common.utils import mdTrim
from markdown_it.token import Token

from engine.documents import typesetting as ts

_BLOCK_TYPES = frozenset(
    {"paragraph_open", "paragraph_close", "heading_open", "heading_close", "inline", "hr"}
    | {f"{t}_{end}" for t in ("table", "thead", "tbody", "tr", "th", "td") for end in ("open", "close")}
)
"""Block tokens whose output depends on nothing outside their own block."""
_INLINE_TYPES = frozenset({"text", "softbreak", "hardbreak", "strong_open", "strong_close", "em_open", "em_close", "code_inline"})
"""Inline tokens that need no state carried from one block to the next (no tracked changes, no HTML)."""

_END = b"</w:body></w:document>"
_BLOCKS, _CELLS = 2_048, 20_000
"""Blocks and cells remembered before starting again: a batch's repeats (a template's fixed blocks, its months and
amounts) fit many times over, while a block each provider has alone (their table of months, some 10 KB) is let go."""


@dataclass(frozen=True)
class Block:
    """A run of Markdown lines between blank lines, parsed: written whole by the builder, or a table cell by cell."""

    text: str
    tokens: list[Token] | None
    """The block's tokens when the builder writes it whole (paragraphs, headings, a table with escapes)."""
    tables: dict[int, tuple[list[ts.Row], int]]
    rows: list[ts.Row] | None
    """A plain table's cells, when it is put together from remembered cells."""
    portrait: bool
    """Every table in it fits across a portrait page."""
    titles: tuple[str, ...]
    """Its second-level headings, as the table of contents would list them."""


@dataclass(frozen=True)
class Plan:
    """A document's blocks, and what they decide for its package: the page's orientation, whether fields update on open."""

    blocks: list[Block]
    landscape: bool
    update_fields: bool


def plan(markdown: str) -> Plan | None:
    """The document as blocks, or None when it must be typeset whole (see the module's notes)."""
    if "\r" in markdown or "\0" in markdown:
        return None
    blocks = []
    for text in _split(markdown):
        block = _block(text)
        if block is None:
            return None
        blocks.append(block)
    titles = [t for b in blocks for t in b.titles]
    return Plan(blocks, not all(b.portrait for b in blocks), bool(titles) and "<!-- toc -->" in markdown)


def _split(markdown: str) -> list[str]:
    """The text between blank lines (a blank line is empty, or spaces and tabs: what Markdown calls blank)."""
    out: list[str] = []
    lines: list[str] = []
    for line in markdown.split("\n"):
        if line.strip(" \t"):
            lines.append(line)
        elif lines:
            out.append("\n".join(lines))
            lines = []
    if lines:
        out.append("\n".join(lines))
    return out


@lru_cache(maxsize=_BLOCKS)
def _block(text: str) -> Block | None:
    """A block parsed once: a plain table through a stand-in of its shape, anything else through the parser."""
    lines = text.split("\n")
    if len(lines) > 2 and "\\" not in text and all(line.lstrip(" \t").startswith("|") for line in lines):
        table = _plain_table(lines)
        if table is not None:
            return table
    env: dict[str, Any] = {}
    tokens = ts.parser().parse(text, env)
    if env.get("references") or any(t.type not in _BLOCK_TYPES for t in tokens):
        return None
    if any(t.type not in _INLINE_TYPES for tok in tokens if tok.type == "inline" for t in tok.children or []):
        return None
    tables = {i: ts._table_rows(tokens, i) for i, t in enumerate(tokens) if t.type == "table_open"}
    portrait = all(ts.table_fits(rows, ts.PORTRAIT_WIDTH) for rows, _ in tables.values() if rows)
    titles = tuple(ts._plain(tokens[i + 1].children or []) for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2")
    return Block(text, tokens, tables, None, portrait, titles)


def _plain_table(lines: list[str]) -> Block | None:
    """A table with no escapes: its shape parsed once with a stand-in for each cell, each cell's text parsed once.

    Where a table's cells split depends only on its pipes and backslashes, and
    where it ends on how its lines start; the stand-in keeps both, so the
    parser finds the same rows and columns in it as in the table itself.
    """
    cells: list[str] = []
    shape = []
    for k, line in enumerate(lines):
        if k == 1:
            shape.append(line)  # the alignment row, as it is
            continue
        parts = line.split("|")
        for n, part in enumerate(parts):
            if mdTrim(part):
                parts[n] = f" c{len(cells)} "
                cells.append(mdTrim(part))
        shape.append("|".join(parts))
    found = _shape("\n".join(shape))
    if found is None:
        return None
    rows: list[ts.Row] = []
    for row in found:
        out = []
        for marker, align, header in row:
            children = _inline(cells[int(marker[1:])]) if marker else []
            if children is None:
                return None
            out.append((children, align, header))
        rows.append(out)
    return Block("\n".join(lines), None, {}, rows, ts.table_fits(rows, ts.PORTRAIT_WIDTH), ())


@lru_cache(maxsize=1024)
def _shape(shape: str) -> tuple[tuple[tuple[str, str, bool], ...], ...] | None:
    """A stand-in table's rows as (stand-in, alignment, header?), or None when the parser reads it as anything but one table."""
    tokens = ts.parser().parse(shape)
    if not tokens or tokens[0].type != "table_open" or tokens[-1].type != "table_close":
        return None
    if sum(t.type == "table_open" for t in tokens) != 1:
        return None
    rows, _ = ts._table_rows(tokens, 0)
    return tuple(tuple((ts._cell_text(children), align, header) for children, align, header in row) for row in rows)


@lru_cache(maxsize=_CELLS)
def _inline(text: str) -> list[Token] | None:
    """A cell's text parsed as the table's parser parses it (the same inline rules, no link definitions in play)."""
    if not text:
        return []
    children = ts.parser().parseInline(text)[0].children or []
    return children if all(t.type in _INLINE_TYPES for t in children) else None


class Writer:
    """One kind of page's body, written piece by piece: each piece's bytes made once by the builder in a scratch copy.

    The scratch copy is the skeleton's own ``word/document.xml``, so a piece is
    serialized with the namespaces the whole document declares, and the pieces
    joined are the bytes the body serialized at once would be.
    """

    def __init__(self, skeleton: Any, landscape: bool, issued: date, author: str) -> None:
        blob = dict(skeleton.parts)["word/document.xml"]
        root = etree.fromstring(blob)
        whole = ts._serialize(root)
        cut = whole.rfind(b"<w:sectPr")
        self.head, self.tail = whole[:cut], whole[cut:]
        body = root[0]
        for child in list(body)[:-1]:
            body.remove(child)
        self.root, self.body = root, body
        self.lock = threading.Lock()
        self.start = len(ts._serialize(root)) - len(_END)
        self.skeleton, self.landscape = skeleton, landscape
        self.meta = ts.DocMeta("", "", issued, author)
        self.width = ts.LANDSCAPE_WIDTH if landscape else ts.PORTRAIT_WIDTH
        self.blocks: dict[str, bytes] = {}
        self.cells: dict[tuple[Any, str, bool, str, bool], bytes] = {}
        self.starts: dict[tuple[str, ...], bytes] = {}
        self.builder = self._builder({})
        self.rows = {header: self._piece(lambda h=header: self.builder.row_start(self.body, h), b"</w:tr>") for header in (False, True)}
        self.after = self._piece(lambda: self.builder.paragraph("Table Text"))

    def _builder(self, tables: dict[int, tuple[list[ts.Row], int]]) -> Any:
        return ts._Builder(self.body, self.skeleton, self.meta, self.landscape, tables)

    def _piece(self, build: Any, unclosed: bytes = b"") -> bytes:
        """What ``build`` appends to the scratch body, as bytes; ``unclosed``: the closing tag to leave off (more follows).

        One piece at a time: the portal typesets in several threads, and two pieces in the scratch body at once would
        each be serialized with the other's bytes. The scratch body is emptied even when ``build`` fails.
        """
        with self.lock:
            try:
                build()
                whole = ts._serialize(self.root)
            finally:
                for child in list(self.body)[1:]:
                    self.body.remove(child)
        if not whole.endswith(_END) or not whole.endswith(unclosed + _END):
            raise AssertionError("a piece's bytes are not where the body's children go")
        return whole[self.start : len(whole) - len(_END) - len(unclosed)]

    def document(self, blocks: list[Block]) -> bytes:
        """The ``word/document.xml`` of a document made of ``blocks``."""
        out = [self.head]
        for block in blocks:
            known = self.blocks.get(block.text)
            if known is None:
                known = self._block(block)
                if len(self.blocks) >= _BLOCKS:
                    self.blocks.clear()
                self.blocks[block.text] = known
            out.append(known)
        out.append(self.tail)
        return b"".join(out)

    def _block(self, block: Block) -> bytes:
        if block.rows is None:
            tables = block.tables
            return self._piece(lambda: self._builder(tables).build(block.tokens or [], []))
        return self._table(block.rows)

    def _table(self, rows: list[ts.Row]) -> bytes:
        """A table as :meth:`engine.documents.typesetting._Builder.table` writes one (no signature block, no parties table)."""
        ncols = max(len(r) for r in rows)
        widths = [str(ts.Inches(w).twips) for w in ts.column_widths(rows, ncols, False, self.width)]
        start = self.starts.get(key := tuple(widths))
        if start is None:
            start = self.starts[key] = self._piece(lambda: self.builder.table_start(self.body, widths, False), b"</w:tbl>")
        out = [start]
        last = len(rows) - 1
        short = len(rows) <= ts.KEEP_WHOLE_ROWS
        for r, row in enumerate(rows):
            out.append(self.rows[ts.header_row(row)])
            keep = short and r < last
            for c in range(ncols):
                out.append(self._cell(row[c], widths[c], keep) if c < len(row) else self._missing(ncols))
            out.append(b"</w:tr>")
        out.append(b"</w:tbl>")
        out.append(self.after)
        return b"".join(out)

    def _cell(self, cell: tuple[list[Token], str, bool], width: str, keep: bool) -> bytes:
        children, align, header = cell
        key = (_what(children), align, header, width, keep)
        known = self.cells.get(key)
        if known is None:
            known = self._piece(lambda: self.builder.cell(self.body, cell, width, keep, False))
            if len(self.cells) >= _CELLS:
                self.cells.clear()
            self.cells[key] = known
        return known

    def _missing(self, ncols: int) -> bytes:
        return self._piece(lambda: self.builder.cell(self.body, None, self.builder.missing_width(ncols), False, False))


def _what(children: list[Token]) -> str | tuple[tuple[str, str], ...]:
    """All a cell's runs depend on: the text of a cell of plain text, else each token's type and text (bold, code, breaks).

    Text and a tuple never compare equal, so a plain cell cannot stand for a marked-up one that reads the same.
    """
    if len(children) == 1 and children[0].type == "text":
        return children[0].content
    return tuple((t.type, t.content) for t in children)


@lru_cache(maxsize=32)
def writer(landscape: bool, footer: str, anchor: str, update_fields: bool, issued: date, author: str) -> Writer:
    """The body writer of the skeleton these name (one per kind of page, as skeletons are)."""
    return Writer(ts._skeleton(landscape, footer, anchor, update_fields, issued, author), landscape, issued, author)
