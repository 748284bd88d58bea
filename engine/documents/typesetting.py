"""Markdown to DOCX: the one way every coop document becomes a Word file.

Documents are written in Markdown (readable in the books, diffable, signed
as text) and typeset here onto a styles-only reference
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
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from docx.oxml.ns import qn
from docx.shared import Emu, Inches, Pt
from lxml import etree
from lxml.etree import SubElement
from markdown_it import MarkdownIt
from markdown_it.token import Token

from engine.documents.package import write_zip
from engine.documents.reference import reference_bytes
from engine.documents.text import xml_text

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

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


def _parts(doc: DocxDocument, meta: DocMeta) -> list[tuple[str, bytes]]:
    """The package's parts as ``doc.save`` would write them, in order, with the core properties taken from ``meta``."""
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
    from docx.opc.pkgwriter import PackageWriter

    package = doc.part.package
    for part in package.parts:
        part.before_marshal()
    collected = _Parts()
    PackageWriter._write_content_types_stream(collected, package.parts)
    PackageWriter._write_pkg_rels(collected, package.rels)
    PackageWriter._write_parts(collected, package.parts)
    return collected.parts


def _save(doc: DocxDocument, meta: DocMeta) -> bytes:
    """``doc.save`` with the parts collected, not zipped: write_zip zips them once, with fixed times."""
    return write_zip(_parts(doc, meta), meta.issued)


@dataclass
class _Parts:
    """Stands in for python-docx's zip writer: keeps each part's name and bytes in the order they are written."""

    parts: list[tuple[str, bytes]] = field(default_factory=list)

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.parts.append((pack_uri.membername, blob))


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """One parser per process: building its rule chains cost more than parsing a statement."""
    return MarkdownIt("commonmark", {"html": True}).enable("table")


# --- the package around the body: typeset once per kind of page ------------------------------

_TITLE, _SUBJECT, _FOOTER = "\u27eatitle\u27eb", "\u27easubject\u27eb", "\u27eafooter\u27eb"
"""Stand-ins, in a skeleton, for what differs from one document of a batch to the next."""


@dataclass(frozen=True)
class _Skeleton:
    """A document typeset with python-docx but for its body and its own words: package parts, style ids.

    Built once per kind of page (orientation, footer, fields, date, author).
    Each document of that kind is its body written into ``word/document.xml``
    and its title, subject and footer set in place: the parts python-docx
    would have written, without opening and saving a package per document.
    """

    parts: tuple[tuple[str, bytes], ...]
    style_ids: dict[str, str | None]
    table_style: str
    block_width: int
    """EMU between the margins: how python-docx sizes a column it makes itself."""


_PARAGRAPH_STYLES = (*_HEADING_STYLES.values(), "Normal", "Numbered Item", "List Bullet", "TOC Heading", "TOC 1", "Table Text")


@lru_cache(maxsize=32)
def _skeleton(landscape: bool, footer: str, anchor: str, update_fields: bool, issued: date, author: str) -> _Skeleton:
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE

    doc = Document(io.BytesIO(reference_bytes()))
    if landscape:
        _landscape(doc)
    _footer(doc, footer, anchor)
    if update_fields:
        _update_fields_on_open(doc)
    styles = {name: doc.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH) for name in _PARAGRAPH_STYLES}
    table_style = doc.part.get_style_id(doc.styles["Table Grid"], WD_STYLE_TYPE.TABLE)
    section = doc.sections[0]
    block = int(section.page_width - section.left_margin - section.right_margin)
    parts = _parts(doc, DocMeta(_TITLE, footer, issued, author, _SUBJECT, anchor))
    return _Skeleton(tuple(parts), styles, table_style, block)


def _landscape(doc: DocxDocument) -> None:
    """Turn the page when a table's figures cannot fit across a portrait one; nothing is shrunk or broken."""
    from docx.enum.section import WD_ORIENT

    section = doc.sections[0]
    width, height = section.page_width, section.page_height
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = height, width


def _serialize(root: Any) -> bytes:
    """A part's XML as python-docx writes it."""
    return etree.tostring(root, encoding="UTF-8", standalone=True)  # type: ignore[no-any-return]


# --- the body: WordprocessingML written with lxml, as python-docx's calls would write it -------

_P, _PPR, _PSTYLE, _R, _RPR, _T, _DELTEXT = (qn(f"w:{t}") for t in ("p", "pPr", "pStyle", "r", "rPr", "t", "delText"))
_B, _I, _RFONTS, _SZ, _BR, _TAB = (qn(f"w:{t}") for t in ("b", "i", "rFonts", "sz", "br", "tab"))
_JC, _KEEP_NEXT, _SPACING, _FLD_CHAR, _INSTR = (qn(f"w:{t}") for t in ("jc", "keepNext", "spacing", "fldChar", "instrText"))
_TBL, _TBL_PR, _TBL_STYLE, _TBL_W, _TBL_LOOK, _TBL_GRID, _GRID_COL = (
    qn(f"w:{t}") for t in ("tbl", "tblPr", "tblStyle", "tblW", "tblLook", "tblGrid", "gridCol")
)
_TR, _TR_PR, _TC, _TC_PR, _TC_W, _SHD, _CANT_SPLIT, _TBL_HEADER, _NO_WRAP = (
    qn(f"w:{t}") for t in ("tr", "trPr", "tc", "tcPr", "tcW", "shd", "cantSplit", "tblHeader", "noWrap")
)
_VAL, _TYPE, _W, _SPACE, _BEFORE, _FLD_TYPE = qn("w:val"), qn("w:type"), qn("w:w"), qn("xml:space"), qn("w:before"), qn("w:fldCharType")
_TRACKED = {"ins": qn("w:ins"), "del": qn("w:del")}
_TRACK_ATTRS = (qn("w:id"), qn("w:author"), qn("w:date"))
_NEW_TABLE_LOOK = (
    ("firstColumn", "1"), ("firstRow", "1"), ("lastColumn", "0"), ("lastRow", "0"), ("noHBand", "0"), ("noVBand", "1"), ("val", "04A0")
)  # fmt: skip
"""A new table's look, as python-docx's ``CT_Tbl.new_tbl`` writes it."""
_TBL_LOOK_ATTRS = tuple((qn(f"w:{k}"), v) for k, v in _NEW_TABLE_LOOK)
_RFONTS_ATTRS = (qn("w:ascii"), qn("w:hAnsi"))
_CODE_FONT, _CODE_SIZE = "Consolas", str(int(Pt(8.5).pt * 2))
_SHADE = (("val", "clear"), ("color", "auto"), ("fill", "DCE4EE"))
_SIGNATURE_SPACE = {True: str(Pt(4).twips), False: str(Pt(14).twips)}
"""Space above a signature block's heading row and above each line to sign on (twips)."""


def _set_text(t: Any, text: str) -> None:
    """A ``w:t``'s text, kept as written when it starts or ends with white space (python-docx's ``add_t``)."""
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_SPACE, "preserve")


def _add_text(r: Any, text: str, tag: str = _T) -> None:
    """Text into a run as python-docx's ``Run.text`` puts it: a tab is ``w:tab``, a line break ``w:br``, the rest ``w:t``."""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        if text:
            _set_text(SubElement(r, tag), text)
        return
    pending: list[str] = []
    for ch in text:
        if ch in "\t\r\n":
            if pending:
                _set_text(SubElement(r, tag), "".join(pending))
                pending.clear()
            SubElement(r, _TAB if ch == "\t" else _BR)
        else:
            pending.append(ch)
    if pending:
        _set_text(SubElement(r, tag), "".join(pending))


def _fld_run(p: Any, kind: str) -> None:
    SubElement(SubElement(p, _R), _FLD_CHAR).set(_FLD_TYPE, kind)


class _Builder:
    """Writes a document's body into ``body`` (its ``w:body``, section properties set aside) from Markdown tokens."""

    def __init__(self, body: Any, skeleton: _Skeleton, meta: DocMeta, landscape: bool, tables: dict[int, tuple[list[Row], int]]) -> None:
        self.body = body
        self.tables = tables
        """Each table's rows, by the index of its ``table_open`` token (read once, to choose the page's orientation)."""
        self.styles = skeleton.style_ids
        self.skeleton = skeleton
        self.author = meta.author
        self.stamp = f"{meta.issued.isoformat()}T00:00:00Z"
        self.revision = 0
        self.lists: list[dict[str, Any]] = []
        self.signature_next = False
        self.parties_next = False
        self.toc_titles: list[str] = []
        self.last_paragraph: Any = None
        self.text_width = LANDSCAPE_WIDTH if landscape else PORTRAIT_WIDTH

    def paragraph(self, style: str) -> Any:
        p = SubElement(self.body, _P)
        self.last_paragraph = p
        ppr = SubElement(p, _PPR)
        style_id = self.styles[style]
        if style_id is not None:
            SubElement(ppr, _PSTYLE).set(_VAL, style_id)
        return p

    # inline ---------------------------------------------------------------------------------

    def inline(self, p: Any, children: list[Token], *, bold: bool = False) -> None:
        state = {"strong": bold, "em": False, "ins": False, "del": False}
        for tok in children:
            t = tok.type
            if t == "text" or t == "code_inline":
                self._run(p, tok.content, state, code=t == "code_inline")
            elif t == "softbreak":
                self._run(p, " ", state)
            elif t == "hardbreak":
                SubElement(SubElement(p, _R), _BR)
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

    def _run(self, p: Any, text: str, state: dict[str, bool], code: bool = False) -> None:
        """One run; inside ``<ins>``/``<del>`` a Word tracked change (author and date) that Word and LibreOffice can accept or reject."""
        holder = p
        tracked = "ins" if state["ins"] else "del" if state["del"] else None
        if tracked is not None:
            self.revision += 1
            holder = SubElement(p, _TRACKED[tracked])
            for name, value in zip(_TRACK_ATTRS, (str(self.revision), self.author, self.stamp), strict=True):
                holder.set(name, value)
        r = SubElement(holder, _R)
        if code or state["strong"] or state["em"]:
            rpr = SubElement(r, _RPR)
            if code:
                fonts = SubElement(rpr, _RFONTS)
                for name in _RFONTS_ATTRS:
                    fonts.set(name, _CODE_FONT)
            if state["strong"]:
                SubElement(rpr, _B)
            if state["em"]:
                SubElement(rpr, _I)
            if code:
                SubElement(rpr, _SZ).set(_VAL, _CODE_SIZE)
        _add_text(r, text, _DELTEXT if tracked == "del" else _T)

    # blocks ---------------------------------------------------------------------------------

    def build(self, tokens: list[Token], toc_titles: list[str]) -> None:
        self.toc_titles = toc_titles
        i = 0
        while i < len(tokens):
            i = self.block(tokens, i)

    def block(self, tokens: list[Token], i: int) -> int:
        tok = tokens[i]
        t = tok.type
        if t == "heading_open":
            self.inline(self.paragraph(_HEADING_STYLES.get(tok.tag, "Heading 3")), tokens[i + 1].children or [])
            return i + 3
        if t == "paragraph_open":
            p = self.paragraph(self._paragraph_style())
            if self.lists:
                top = self.lists[-1]
                if top["first"] and top["ordered"]:
                    _add_text(SubElement(p, _R), f"{top['n']}.\t")
                top["first"] = False
            self.inline(p, tokens[i + 1].children or [])
            return i + 3
        if t in ("bullet_list_open", "ordered_list_open"):
            start = int(tok.attrGet("start") or 1)
            self.lists.append({"ordered": t == "ordered_list_open", "n": start - 1, "first": False})
        elif t in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif t == "list_item_open":
            self.lists[-1]["n"] += 1
            self.lists[-1]["first"] = True
        elif t == "html_block":
            self.directive(tok.content.strip())
        elif t == "table_open":
            return self.table(tokens, i)
        elif t in ("fence", "code_block"):
            for line in tok.content.rstrip("\n").split("\n"):
                self._run(self.paragraph("Normal"), line, {"strong": False, "em": False, "ins": False, "del": False}, code=True)
        return i + 1

    def directive(self, directive: str) -> None:
        if directive == "<!-- toc -->":
            self.toc()
        elif directive == "<!-- page-break -->":
            if self.last_paragraph is None:
                self.last_paragraph = SubElement(self.body, _P)
            SubElement(SubElement(self.last_paragraph, _R), _BR).set(_TYPE, "page")
        elif directive == "<!-- signature-block -->":
            self.signature_next = True
        elif directive == "<!-- parties-table -->":
            self.parties_next = True

    def _paragraph_style(self) -> str:
        if not self.lists:
            return "Normal"
        if self.lists[-1]["first"]:
            return "Numbered Item" if self.lists[-1]["ordered"] else "List Bullet"
        return "Numbered Item"

    def toc(self) -> None:
        _add_text(SubElement(self.paragraph("TOC Heading"), _R), "Contents")
        titles = self.toc_titles or [""]
        for n, title in enumerate(titles):
            p = self.paragraph("TOC 1")
            if n == 0:
                _fld_run(p, "begin")
                instr = SubElement(SubElement(p, _R), _INSTR)
                instr.set(_SPACE, "preserve")
                instr.text = ' TOC \\o "1-1" \\h \\z \\u '
                _fld_run(p, "separate")
            _add_text(SubElement(p, _R), title)
            if n == len(titles) - 1:
                _fld_run(p, "end")

    def table(self, tokens: list[Token], i: int) -> int:
        rows, j = self.tables[i]
        signature = self.signature_next
        self.signature_next = False
        ncols = max(len(r) for r in rows)
        # A parties table holds each signer's details, filled in per signer after typesetting: its columns are
        # fixed, so a batch's compiled document and each signer's own rendering are the same bytes.
        fixed = self.parties_next and ncols == 3
        inches = list(PARTIES_COLUMNS) if fixed else column_widths(rows, ncols, signature, self.text_width)
        self.parties_next = False
        widths = [str(Inches(w).twips) for w in inches]
        made = self.missing_width(ncols)
        tbl = self.table_start(self.body, widths, signature)
        last = len(rows) - 1
        for r, row in enumerate(rows):
            tr = self.row_start(tbl, header_row(row))
            # A signature block or a short table stays on one page.
            keep = (signature or len(rows) <= KEEP_WHOLE_ROWS) and r < last
            for c in range(ncols):
                self.cell(tr, row[c] if c < len(row) else None, widths[c] if c < len(row) else made, keep, signature)
        self.paragraph("Table Text")
        return j + 1

    def missing_width(self, ncols: int) -> str:
        """The width python-docx gives a cell the Markdown row lacks (twips)."""
        return str(Emu(self.skeleton.block_width // ncols).twips)

    def table_start(self, parent: Any, widths: list[str], signature: bool) -> Any:
        """A table's properties and grid, its rows still to come."""
        tbl = SubElement(parent, _TBL)
        props = SubElement(tbl, _TBL_PR)
        if not signature:
            SubElement(props, _TBL_STYLE).set(_VAL, self.skeleton.table_style)
        width = SubElement(props, _TBL_W)
        width.set(_TYPE, "auto")
        width.set(_W, "0")
        SubElement(props, _JC).set(_VAL, "center")
        look = SubElement(props, _TBL_LOOK)
        for name, value in _TBL_LOOK_ATTRS:
            look.set(name, value)
        grid = SubElement(tbl, _TBL_GRID)
        for w in widths:
            SubElement(grid, _GRID_COL).set(_W, w)
        return tbl

    def row_start(self, parent: Any, header: bool) -> Any:
        """A row and its properties, its cells still to come."""
        tr = SubElement(parent, _TR)
        tr_props = SubElement(tr, _TR_PR)
        SubElement(tr_props, _CANT_SPLIT)  # a row is read whole: it never starts on one page and ends on the next
        if header:
            SubElement(tr_props, _TBL_HEADER)
        return tr

    def cell(self, parent: Any, cell: tuple[list[Token], str, bool] | None, width: str, keep: bool, signature: bool) -> None:
        """One cell ``width`` twips wide; ``None`` for a cell the Markdown row lacks (an empty paragraph)."""
        tc = SubElement(parent, _TC)
        tc_props = SubElement(tc, _TC_PR)
        cell_width = SubElement(tc_props, _TC_W)
        cell_width.set(_TYPE, "dxa")
        cell_width.set(_W, width)
        p = SubElement(tc, _P)
        if cell is None:
            return
        children, align, header = cell
        ppr = SubElement(p, _PPR)
        SubElement(ppr, _PSTYLE).set(_VAL, self.styles["Table Text"])
        if keep:
            SubElement(ppr, _KEEP_NEXT)
        if signature:
            SubElement(ppr, _SPACING).set(_BEFORE, _SIGNATURE_SPACE[header])
        if align in _JC_VALUES:
            SubElement(ppr, _JC).set(_VAL, align)
        self.inline(p, children, bold=header)
        if signature and "".join(t.content for t in children if t.type == "text").strip().endswith(":"):
            _add_text(SubElement(p, _R), "\u00a0" + "_" * 30)  # a line to sign or date on
        if not keep and header:
            shade = SubElement(tc_props, _SHD)
            for name, value in _SHADE:
                shade.set(qn(f"w:{name}"), value)
        if not signature and is_amount(_cell_text(children)):
            SubElement(tc_props, _NO_WRAP)


_JC_VALUES = ("right", "center")


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


@lru_cache(maxsize=4096)
def _widest_piece(text: str) -> float:
    """Points the cell's widest unbreakable piece needs; remembered, as a batch's tables repeat the same figures and words."""
    return max(text_width(p) for p in _pieces(text))


def column_minimums(rows: list[Row], ncols: int) -> list[float]:
    """Inches each column needs so that no amount and no word breaks inside a cell."""
    need = [0.0] * ncols
    for row in rows:
        for c, (children, _, header) in enumerate(row):
            widest = _widest_piece(_cell_text(children)) * _bold_factor(header)
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


# --- the footer and fields, typeset once per skeleton ---------------------------------------


def _field(paragraph: Paragraph, instruction: str, cached: str) -> None:
    """A complex field (PAGE, NUMPAGES) with a cached result shown until Word updates it."""
    from docx.oxml import OxmlElement

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


def _footer(doc: DocxDocument, text: str, anchor: str = "") -> None:
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import RGBColor

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
    from docx.oxml import OxmlElement

    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    doc.settings.element.append(el)


_TITLE_BYTES, _SUBJECT_BYTES = _TITLE.encode(), _SUBJECT.encode()
_FOOTER_RUN = f"<w:t>{_FOOTER}</w:t>".encode()


def _escaped(text: str) -> bytes:
    """Text as lxml writes it inside an element (so a stand-in replaced by it gives the bytes setting the text would)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;").encode("utf-8")


def typeset(markdown: str, meta: DocMeta) -> list[tuple[str, bytes]]:
    """A Markdown document's DOCX package parts, in order (zip them with :func:`write_zip`); same text and meta, same parts."""
    from engine.documents import pieces

    markdown, meta = xml_text(markdown), DocMeta(*(xml_text(v) if isinstance(v, str) else v for v in _fields(meta)))
    footer_in_place = _plain_text(meta.footer)  # else it is typeset into its own skeleton, tabs and breaks as python-docx writes them
    footer = _FOOTER if footer_in_place else meta.footer
    plan = pieces.plan(markdown)
    if plan is not None:
        landscape, update_fields = plan.landscape, plan.update_fields
    else:
        tokens = parser().parse(markdown)
        tables = {i: _table_rows(tokens, i) for i, t in enumerate(tokens) if t.type == "table_open"}
        landscape = any(not table_fits(rows, PORTRAIT_WIDTH) for rows, _ in tables.values() if rows)
        toc_titles = [_plain(tokens[i + 1].children or []) for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
        update_fields = bool(toc_titles) and "<!-- toc -->" in markdown
    skeleton = _skeleton(landscape, footer, meta.anchor, update_fields, meta.issued, meta.author)
    parts = []
    for name, blob in skeleton.parts:
        if name == "word/document.xml" and plan is not None:
            blob = pieces.writer(landscape, footer, meta.anchor, update_fields, meta.issued, meta.author).document(plan.blocks)
        elif name == "word/document.xml":
            root = etree.fromstring(blob)
            body = root[0]
            section = body[-1]  # the section properties stay last
            body.remove(section)
            _Builder(body, skeleton, meta, landscape, tables).build(tokens, toc_titles)
            body.append(section)
            blob = _serialize(root)
        elif name == "docProps/core.xml":
            blob = blob.replace(_TITLE_BYTES, _escaped(meta.title)).replace(_SUBJECT_BYTES, _escaped(meta.subject))
        elif footer_in_place and name.startswith("word/footer"):
            space = b' xml:space="preserve"' if len(meta.footer.strip()) < len(meta.footer) else b""
            blob = blob.replace(_FOOTER_RUN, b"<w:t" + space + b">" + _escaped(meta.footer) + b"</w:t>")
        parts.append((name, blob))
    return parts


def _fields(meta: DocMeta) -> tuple[Any, ...]:
    """The meta's fields in order, as they are (``astuple`` deep-copies each, which cost more than the rest of a notice's meta)."""
    return tuple(getattr(meta, f.name) for f in fields(meta))


def _plain_text(text: str) -> bool:
    """A line python-docx writes as one ``w:t``: not empty, no tab or line break."""
    return bool(text) and not any(c in text for c in "\t\n\r")


def to_docx(markdown: str, meta: DocMeta) -> bytes:
    """Typeset a Markdown document; same text and meta, same bytes."""
    return write_zip(typeset(markdown, meta), meta.issued)
