"""Markdown to DOCX: the one way every coop document becomes a Word file.

Documents are written in Markdown (readable in the books, diffable, signed
as text) and typeset here with python-docx onto a styles-only reference
document (``contracts/reference.docx``, built by :func:`engine.documents.reference.build_reference`).
The output uses real styles (Title, Heading 1/2/3, List Bullet, TOC 1), a
table-of-contents field, tables with money right-aligned, and a footer with
the document, its version and date and "Page N of M" fields.

Three directives, written as HTML comments so Markdown readers hide them:
``<!-- toc -->`` (table of contents), ``<!-- page-break -->``, and
``<!-- signature-block -->`` (the next table becomes signature lines).
``<ins>`` and ``<del>`` inline tags (from the redline) become underlined and
struck-through runs.

Pages typeset for print: a column holding money is at least as wide as its
widest amount (measured with :func:`text_width`, a conservative estimate of
Carlito's advance widths, the metric twin of Calibri that LibreOffice uses
when Calibri is missing), amount cells never wrap (``w:noWrap``), a table too
wide for a portrait page turns the document landscape, table rows never
split across pages, headings keep with the text after them, and a signature
block stays on one page. Calibri's and Carlito's figures are tabular (every
digit the same width), so amounts line up in their right-aligned columns.

Output is deterministic: zip entries are written in a fixed order with the
document's date as their timestamp, and the core properties come from the
document's date, so the same inputs give the same bytes and a SHA-256 names
a document.
"""

from __future__ import annotations

import io
import re
from dataclasses import astuple, dataclass, field
from datetime import date, datetime
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement
from markdown_it import MarkdownIt
from markdown_it.token import Token

from engine.documents.package import write_zip
from engine.documents.reference import reference_bytes
from engine.documents.text import xml_text

PARTIES_COLUMNS = (1.3, 2.6, 2.6)
"""Inches: the label column, then each party's."""

PORTRAIT_WIDTH = 6.5
LANDSCAPE_WIDTH = 9.0
"""Inches of text width on a US Letter page with one-inch side margins, each way up."""

KEEP_WHOLE_ROWS = 16
"""A table this short moves whole to the next page rather than leaving a row or two behind."""

TABLE_TEXT_PT = 9.5
CELL_MARGIN_PT = 5.4
"""Word's default left and right cell margin (0.075 in, 108 twips) in a Table Grid table."""

AMOUNT = re.compile(r"^[-(\u2212]?\$?-?\d[\d,]*(\.\d+)?%?\)?$")
"""A figure as documents print it: $1,234.56, -$5.00, ($5.00), 1813.00, 78.1%."""

_EM = {**dict.fromkeys("0123456789$", 0.52), **dict.fromkeys(",.:;", 0.28), **dict.fromkeys("-()\u2212/", 0.32),
       "%": 0.74, " ": 0.23, "m": 0.82, "w": 0.76, "M": 0.91, "W": 0.91}  # fmt: skip
"""Ems per character, each at least Carlito's regular and bold advance (digits and $ are 0.507 in both)."""


def char_em(ch: str) -> float:
    if ch in _EM:
        return _EM[ch]
    if ch.islower():
        return 0.55
    if ch.isupper():
        return 0.68
    return 0.75


def text_width(text: str, size_pt: float = TABLE_TEXT_PT) -> float:
    """Points a line of text needs at ``size_pt``: never less than the reference font gives it, so a column sized by it holds the text."""
    return sum(char_em(ch) for ch in text) * size_pt


def is_amount(text: str) -> bool:
    return bool(AMOUNT.match(text.strip())) and any(ch.isdigit() for ch in text)


_HEADING_STYLES = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}


@dataclass(frozen=True)
class DocMeta:
    """What the footer and the file's properties say about a document."""

    title: str
    footer: str
    issued: date
    author: str
    subject: str = ""
    anchor: str = ""
    """The journal anchor line (engine.documents.anchor), set small and grey under the footer; none when empty."""


# --- saving, deterministically ---------------------------------------------------------------


def _save(doc: DocxDocument, meta: DocMeta) -> bytes:
    props = doc.core_properties
    moment = datetime(meta.issued.year, meta.issued.month, meta.issued.day)
    props.title = meta.title
    props.subject = meta.subject
    props.author = meta.author
    props.last_modified_by = meta.author
    props.created = moment
    props.modified = moment
    props.last_printed = moment
    props.revision = 1
    props.comments = ""
    props.keywords = ""
    props.category = ""
    # ``doc.save`` with the parts collected, not zipped: write_zip zips them once, with fixed times.
    package = doc.part.package
    for part in package.parts:
        part.before_marshal()
    collected = _Parts()
    PackageWriter._write_content_types_stream(collected, package.parts)
    PackageWriter._write_pkg_rels(collected, package.rels)
    PackageWriter._write_parts(collected, package.parts)
    return write_zip(collected.parts, meta.issued)


@dataclass
class _Parts:
    """Stands in for python-docx's zip writer: keeps each part's name and bytes in the order they are written."""

    parts: list[tuple[str, bytes]] = field(default_factory=list)

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.parts.append((pack_uri.membername, blob))


# --- Markdown to DOCX ----------------------------------------------------------------------


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def _field(paragraph: Paragraph, instruction: str, cached: str) -> None:
    """A complex field (PAGE, NUMPAGES) with a cached result shown until Word updates it."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", cached), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
            run._r.append(el)
        elif kind == "text":
            run.text = text or ""
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)


def _fld_char(paragraph: Paragraph, kind: str) -> None:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(el)


class _Builder:
    def __init__(self, doc: DocxDocument, meta: DocMeta | None = None) -> None:
        self.doc = doc
        self.author = meta.author if meta is not None else "coop"
        self.stamp = f"{(meta.issued if meta is not None else date(2027, 1, 1)).isoformat()}T00:00:00Z"
        self.revision = 0
        self.lists: list[dict[str, Any]] = []
        self.signature_next = False
        self.parties_next = False
        self.toc_titles: list[str] = []
        self.in_item_paragraph = 0
        self.text_width = PORTRAIT_WIDTH
        self.style_ids: dict[str, str | None] = {}

    def paragraph(self, style: str) -> Paragraph:
        """``doc.add_paragraph(style=style)``, the style's id looked up once per document rather than per paragraph."""
        if style not in self.style_ids:
            self.style_ids[style] = self.doc.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
        para = self.doc.add_paragraph()
        para._p.style = self.style_ids[style]
        return para

    def landscape(self) -> None:
        """Turn the page when a table's figures cannot fit across a portrait one; nothing is shrunk or broken."""
        section = self.doc.sections[0]
        width, height = section.page_width, section.page_height
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = height, width
        self.text_width = LANDSCAPE_WIDTH

    # inline ---------------------------------------------------------------------------------

    def inline(self, paragraph: Paragraph, children: list[Token], *, bold: bool = False) -> None:
        state = {"strong": bold, "em": False, "ins": False, "del": False}
        for tok in children:
            t = tok.type
            if t == "text" or t == "code_inline":
                self._run(paragraph, tok.content, state, code=t == "code_inline")
            elif t == "softbreak":
                self._run(paragraph, " ", state)
            elif t == "hardbreak":
                paragraph.add_run().add_break()
            elif t in ("strong_open", "strong_close"):
                state["strong"] = t == "strong_open" or bold
            elif t in ("em_open", "em_close"):
                state["em"] = t == "em_open"
            elif t == "html_inline":
                tag = tok.content.strip().lower()
                for name in ("ins", "del"):
                    if tag == f"<{name}>":
                        state[name] = True
                    elif tag == f"</{name}>":
                        state[name] = False

    def _run(self, paragraph: Paragraph, text: str, state: dict[str, bool], code: bool = False) -> None:
        plain = not any(c in text for c in "\t\n\r")  # plain text is one w:t: made at once, not a character at a time
        run = paragraph.add_run(None if plain else text)
        if plain and text:
            run._r.add_t(text)
        if state["strong"]:
            run.bold = True
        if state["em"]:
            run.italic = True
        if code:
            run.font.name = "Consolas"
            run.font.size = Pt(8.5)
        if state["ins"] or state["del"]:
            self._track(run, "w:ins" if state["ins"] else "w:del")

    def _track(self, run: Any, tag: str) -> None:
        """Make the run a Word tracked change (``w:ins``/``w:del`` with author and date) that Word and LibreOffice can accept or reject."""
        self.revision += 1
        change = OxmlElement(tag)
        change.set(qn("w:id"), str(self.revision))
        change.set(qn("w:author"), self.author)
        change.set(qn("w:date"), self.stamp)
        r = run._r
        r.addprevious(change)
        change.append(r)
        if tag == "w:del":
            for t in r.findall(qn("w:t")):
                t.tag = qn("w:delText")

    # blocks ---------------------------------------------------------------------------------

    def build(self, tokens: list[Token]) -> None:
        tables = [_table_rows(tokens, i)[0] for i, t in enumerate(tokens) if t.type == "table_open"]
        if any(not table_fits(rows, PORTRAIT_WIDTH) for rows in tables if rows):
            self.landscape()
        self.toc_titles = [_plain(tokens[i + 1].children or []) for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
        i = 0
        while i < len(tokens):
            i = self.block(tokens, i)

    def block(self, tokens: list[Token], i: int) -> int:
        tok = tokens[i]
        t = tok.type
        if t == "heading_open":
            para = self.paragraph(_HEADING_STYLES.get(tok.tag, "Heading 3"))
            self.inline(para, tokens[i + 1].children or [])
            return i + 3
        if t == "paragraph_open":
            para = self.paragraph(self._paragraph_style())
            if self.lists:
                top = self.lists[-1]
                if top["first"] and top["ordered"]:
                    para.add_run(f"{top['n']}.\t")
                top["first"] = False
            self.inline(para, tokens[i + 1].children or [])
            return i + 3
        if t in ("bullet_list_open", "ordered_list_open"):
            start = int(tok.attrGet("start") or 1)
            self.lists.append({"ordered": t == "ordered_list_open", "n": start - 1, "first": False})
            return i + 1
        if t in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            return i + 1
        if t == "list_item_open":
            self.lists[-1]["n"] += 1
            self.lists[-1]["first"] = True
            return i + 1
        if t == "list_item_close":
            return i + 1
        if t == "html_block":
            directive = tok.content.strip()
            if directive == "<!-- toc -->":
                self.toc()
            elif directive == "<!-- page-break -->":
                paragraphs = self.doc.paragraphs
                target = paragraphs[-1] if paragraphs else self.doc.add_paragraph()
                target.add_run().add_break(WD_BREAK.PAGE)
            elif directive == "<!-- signature-block -->":
                self.signature_next = True
            elif directive == "<!-- parties-table -->":
                self.parties_next = True
            return i + 1
        if t == "table_open":
            return self.table(tokens, i)
        if t in ("fence", "code_block"):
            for line in tok.content.rstrip("\n").split("\n"):
                para = self.paragraph("Normal")
                self._run(para, line, {"strong": False, "em": False, "ins": False, "del": False}, code=True)
            return i + 1
        if t == "hr":
            return i + 1
        return i + 1

    def _paragraph_style(self) -> str:
        if not self.lists:
            return "Normal"
        if self.lists[-1]["first"]:
            return "Numbered Item" if self.lists[-1]["ordered"] else "List Bullet"
        return "Numbered Item"

    def toc(self) -> None:
        self.doc.add_paragraph("Contents", style="TOC Heading")
        titles = self.toc_titles or [""]
        for n, title in enumerate(titles):
            para = self.paragraph("TOC 1")
            if n == 0:
                _fld_char(para, "begin")
                run = para.add_run()
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = ' TOC \\o "1-1" \\h \\z \\u '
                run._r.append(instr)
                _fld_char(para, "separate")
            para.add_run(title)
            if n == len(titles) - 1:
                _fld_char(para, "end")

    def table(self, tokens: list[Token], i: int) -> int:
        rows, j = _table_rows(tokens, i)
        signature = self.signature_next
        self.signature_next = False
        ncols = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=ncols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        if not signature:
            table.style = self.doc.styles["Table Grid"]
        # A parties table holds each signer's details, filled in per signer after typesetting: its columns are
        # fixed, so a batch's compiled document and each signer's own rendering are the same bytes.
        if self.parties_next and ncols == 3:
            widths = [Inches(w) for w in PARTIES_COLUMNS]
        else:
            widths = [Inches(w) for w in column_widths(rows, ncols, signature, self.text_width)]
        self.parties_next = False
        text_style = self.doc.part.get_style_id(self.doc.styles["Table Text"], WD_STYLE_TYPE.PARAGRAPH)
        for r, row in enumerate(rows):
            cells = table.rows[r].cells  # once per row: table.cell(r, c) walks the whole table each time
            for c, (children, align, header) in enumerate(row):
                cell = cells[c]
                cell.width = widths[c]
                para = cell.paragraphs[0]
                # A signature block or a short table stays on one page.
                keep = (signature or len(rows) <= KEEP_WHOLE_ROWS) and r < len(rows) - 1
                if signature:
                    para._p.style = text_style  # what ``para.style = ...`` sets, without looking the style up per cell
                    if align == "right":
                        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    elif align == "center":
                        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                else:
                    _cell_properties(para, text_style, keep, align)
                self.inline(para, children, bold=header)
                if signature:
                    _signature_cell(para, children, header)
                    if keep:
                        para.paragraph_format.keep_with_next = True
                if not keep and header:
                    _shade(cell, "DCE4EE")
                if not signature and is_amount(_cell_text(children)):
                    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
            _cant_split(table.rows[r])
            if header_row(row):
                _repeat_header(table.rows[r])
        _grid_widths(table, widths)
        self.paragraph("Table Text")
        return j + 1


Row = list[tuple[list[Token], str, bool]]


def _table_rows(tokens: list[Token], i: int) -> tuple[list[Row], int]:
    """A Markdown table's cells (inline tokens, alignment, header?) by row, and the index of its ``table_close``."""
    rows: list[Row] = []
    j = i + 1
    current: Row = []
    while tokens[j].type != "table_close":
        tok = tokens[j]
        if tok.type == "tr_open":
            current = []
        elif tok.type == "tr_close":
            rows.append(current)
        elif tok.type in ("th_open", "td_open"):
            style = str(tok.attrGet("style") or "")
            align = "right" if "right" in style else "center" if "center" in style else "left"
            current.append((tokens[j + 1].children or [], align, tok.type == "th_open"))
        j += 1
    return rows, j


def _cell_text(children: list[Token]) -> str:
    return "".join(t.content for t in children if t.type in ("text", "code_inline"))


def _pieces(text: str) -> list[str]:
    """What a line may not break inside: a whole amount, else each word."""
    text = text.strip()
    if is_amount(text):
        return [text]
    return text.split() or [""]


def _bold_factor(header: bool) -> float:
    return 1.04 if header else 1.0


def column_minimums(rows: list[Row], ncols: int) -> list[float]:
    """Inches each column needs so that no amount and no word breaks inside a cell."""
    need = [0.0] * ncols
    for row in rows:
        for c, (children, _, header) in enumerate(row):
            widest = max(text_width(p) for p in _pieces(_cell_text(children))) * _bold_factor(header)
            need[c] = max(need[c], (widest + 2 * CELL_MARGIN_PT + 1.5) / 72)
    return need


def table_fits(rows: list[Row], width: float) -> bool:
    return sum(column_minimums(rows, max(len(r) for r in rows))) <= width


def column_widths(rows: list[Row], ncols: int, signature: bool, total: float = PORTRAIT_WIDTH) -> list[float]:
    """Inches per column: each at least its widest amount or word, the rest shared by text length.

    A description column takes what the figures leave, so money columns are as
    narrow as their widest amount allows and never narrower.
    """
    if signature:
        return [round(total / ncols, 2)] * ncols
    need = column_minimums(rows, ncols)
    lengths = [1] * ncols
    for row in rows:
        for c, (children, _, _) in enumerate(row):
            lengths[c] = max(lengths[c], len(_cell_text(children)))
    weights = [min(max(n, 14), 60) for n in lengths]
    spare = total - sum(need)
    if spare <= 0:
        return [round(n + 0.005, 2) for n in need]
    # Share the spare width by text length, but only to columns whose text would otherwise wrap more.
    wants = [w / sum(weights) * total for w in weights]
    extra = [max(0.0, want - n) for want, n in zip(wants, need, strict=True)]
    scale = spare / sum(extra) if sum(extra) > 0 else 0.0
    if sum(extra) == 0:
        return [round(n + spare / ncols, 2) for n in need]
    return [int((n + e * scale) * 100) / 100 for n, e in zip(need, extra, strict=True)]


def _plain(children: list[Token]) -> str:
    """A heading's text for the table of contents: what it says now, without deleted words."""
    out, deleted = [], False
    for tok in children:
        if tok.type == "html_inline" and tok.content.strip().lower() in ("<del>", "</del>"):
            deleted = tok.content.strip().lower() == "<del>"
        elif tok.type in ("text", "code_inline") and not deleted:
            out.append(tok.content)
        elif tok.type == "softbreak" and not deleted:
            out.append(" ")
    return "".join(out).strip()


def header_row(row: list[tuple[list[Token], str, bool]]) -> bool:
    return bool(row) and row[0][2]


def _grid_widths(table: Table, widths: list[Any]) -> None:
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(int(width.twips)))


_JC = {"right": "right", "center": "center"}


def _cell_properties(para: Paragraph, style_id: str, keep: bool, align: str) -> None:
    """A cell's paragraph properties at once, in schema order: the XML python-docx's setters make, one lookup at a time."""
    ppr = OxmlElement("w:pPr")
    SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), style_id)
    if keep:
        SubElement(ppr, qn("w:keepNext"))
    if align in _JC:
        SubElement(ppr, qn("w:jc")).set(qn("w:val"), _JC[align])
    para._p.insert(0, ppr)


def _shade(cell: Any, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trpr.append(el)


def _cant_split(row: Any) -> None:
    """A row is read whole: it never starts on one page and ends on the next."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _signature_cell(para: Paragraph, children: list[Token], header: bool) -> None:
    """A line to sign or date on after "Signature:" and "Date:"; space above each line."""
    text = "".join(t.content for t in children if t.type == "text").strip()
    para.paragraph_format.space_before = Pt(4 if header else 14)
    if text.endswith(":"):
        para.add_run("\u00a0" + "_" * 30)


def _footer(doc: DocxDocument, text: str, anchor: str = "") -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    para = section.footer.paragraphs[0]
    para.style = doc.styles["Footer"]
    para.add_run(text)
    if section.orientation == WD_ORIENT.LANDSCAPE:
        para.paragraph_format.tab_stops.add_tab_stop(Inches(PORTRAIT_WIDTH), WD_TAB_ALIGNMENT.CLEAR)
        para.paragraph_format.tab_stops.add_tab_stop(Inches(LANDSCAPE_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
    para.add_run().add_tab()
    para.add_run("Page ")
    _field(para, "PAGE", "1")
    para.add_run(" of ")
    _field(para, "NUMPAGES", "1")
    if anchor:
        line = section.footer.add_paragraph(style=doc.styles["Footer"])
        line.paragraph_format.space_before = Pt(2)
        run = line.add_run(anchor)
        run.font.size = Pt(6.5)
        run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)


def _update_fields_on_open(doc: DocxDocument) -> None:
    """Ask Word to refresh the table of contents and page counts when the file is opened."""
    settings = doc.settings.element
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    settings.append(el)


def to_docx(markdown: str, meta: DocMeta) -> bytes:
    """Typeset a Markdown document; same text and meta, same bytes."""
    markdown, meta = xml_text(markdown), DocMeta(*(xml_text(v) if isinstance(v, str) else v for v in astuple(meta)))
    doc = Document(io.BytesIO(reference_bytes()))
    builder = _Builder(doc, meta)
    builder.build(parser().parse(markdown))
    _footer(doc, meta.footer, meta.anchor)
    if builder.toc_titles and "<!-- toc -->" in markdown:
        _update_fields_on_open(doc)
    return _save(doc, meta)
