"""The reference document every DOCX is typeset on: styles only, Calibri with Carlito named as its metric twin.

``contracts/reference.docx`` is built here (``build_reference``) and shipped,
so documents look the same wherever they are made; a test checks the shipped
file is what this code builds.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

REFERENCE = "reference.docx"
BODY_FONT = "Calibri"
HEADING_FONT = "Calibri"
FALLBACK_FONT = "Carlito"
"""Metric-compatible with Calibri (same advance widths), free, and what LibreOffice substitutes: pages break alike."""
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
INSERTED = RGBColor(0x1A, 0x5F, 0xB4)
DELETED = RGBColor(0xB0, 0x1C, 0x1C)


# --- the reference document -----------------------------------------------------------------


def _set_font(style: Any, name: str, size: float | None = None, bold: bool | None = None, color: RGBColor | None = None) -> None:
    font = style.font
    font.name = name
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts is not None and fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    if fonts is not None:
        fonts.set(qn("w:cs"), name)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color


def build_reference() -> bytes:
    """The styles-only reference document, built the same way every time.

    Kept as code so the styles are reviewable and the committed file can be
    checked against it (tests do).
    """
    doc = Document()
    styles = doc.styles
    normal = styles["Normal"]
    _set_font(normal, BODY_FONT, 10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size, before in (("Heading 1", 14, 16), ("Heading 2", 11.5, 10), ("Heading 3", 10.5, 8)):
        st = styles[name]
        _set_font(st, HEADING_FONT, size, True, ACCENT)
        st.font.italic = False
        st.paragraph_format.space_before = Pt(before)
        st.paragraph_format.space_after = Pt(4)
        st.paragraph_format.keep_with_next = True
    title = styles["Title"]
    _set_font(title, HEADING_FONT, 24, True, ACCENT)
    title.paragraph_format.space_after = Pt(12)
    title.paragraph_format.keep_with_next = True
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    toc_heading = styles["TOC Heading"]
    _set_font(toc_heading, HEADING_FONT, 14, True, ACCENT)
    toc_heading.paragraph_format.keep_with_next = True
    toc1 = styles.add_style("TOC 1", WD_STYLE_TYPE.PARAGRAPH)
    toc1.base_style = normal
    toc1.paragraph_format.space_after = Pt(2)
    toc1.paragraph_format.tab_stops.add_tab_stop(Inches(6.5), WD_TAB_ALIGNMENT.RIGHT)
    item = styles.add_style("Numbered Item", WD_STYLE_TYPE.PARAGRAPH)
    item.base_style = normal
    item.paragraph_format.left_indent = Inches(0.35)
    item.paragraph_format.first_line_indent = Inches(-0.25)
    styles["List Bullet"].paragraph_format.space_after = Pt(3)
    footer = styles["Footer"]
    _set_font(footer, BODY_FONT, 8.5, color=RGBColor(0x55, 0x55, 0x55))
    footer_tabs = footer.element.get_or_add_pPr().find(qn("w:tabs"))
    if footer_tabs is not None:
        footer_tabs.getparent().remove(footer_tabs)
    footer.paragraph_format.tab_stops.add_tab_stop(Inches(6.5), WD_TAB_ALIGNMENT.RIGHT)
    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0
    table_text.font.size = Pt(9.5)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Inches(8.5), Inches(11)
    sec.left_margin = sec.right_margin = Inches(1)
    sec.top_margin, sec.bottom_margin = Inches(1), Inches(0.9)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _prune(doc)
    _name_fallback(doc)
    from datetime import date

    from engine.documents.typesetting import DocMeta, _save  # saving is typesetting's; the reference only needs it when rebuilt

    return _save(doc, DocMeta("Styles", "", date(2027, 1, 1), "coop"))


def _name_fallback(doc: DocxDocument) -> None:
    """Declare Calibri in the font table with Carlito as its alternative name, for readers without Calibri."""
    fonts_part = next((rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable")), None)
    if fonts_part is None:
        return
    from lxml import etree

    root = etree.fromstring(fonts_part.blob)
    for font in root.findall(qn("w:font")):
        if font.get(qn("w:name")) == BODY_FONT:
            root.remove(font)
    font = etree.SubElement(root, qn("w:font"))
    font.set(qn("w:name"), BODY_FONT)
    alt = etree.SubElement(font, qn("w:altName"))
    alt.set(qn("w:val"), FALLBACK_FONT)
    for tag, val in (("w:panose1", "020F0502020204030204"), ("w:charset", "00"), ("w:family", "swiss"), ("w:pitch", "variable")):
        etree.SubElement(font, qn(tag)).set(qn("w:val"), val)
    fonts_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


KEEP_STYLES = {
    "Normal", "Default Paragraph Font", "Normal Table", "No List", "Title", "Title Char",
    "Heading 1", "Heading 1 Char", "Heading 2", "Heading 2 Char", "Heading 3", "Heading 3 Char",
    "TOC Heading", "TOC 1", "List Bullet", "List Paragraph", "Numbered Item", "Header", "Header Char",
    "Footer", "Footer Char", "Table Text", "Table Grid",
}  # fmt: skip
"""The styles documents use (and what they are based on); the rest of python-docx's default set goes."""


def _prune(doc: DocxDocument) -> None:
    """Drop what every document would otherwise carry for nothing.

    python-docx's default template brings some 150 table styles, a Word 2010
    ``stylesWithEffects`` copy, custom XML and a thumbnail: about 800 KB of
    XML to compress into every agreement of a batch.
    """
    styles = doc.styles.element
    for style in list(styles.findall(qn("w:style"))):
        name = style.find(qn("w:name"))
        if name is None or name.get(qn("w:val")) not in _ui_names(KEEP_STYLES):
            styles.remove(style)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            doc.part.rels.pop(rid)
    package_rels = doc.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package_rels.pop(rid)


def _ui_names(names: set[str]) -> set[str]:
    """Style names as stored in styles.xml (built-in ones in lower case, e.g. "heading 1")."""
    return {n.lower() for n in names} | names


@cache
def reference_bytes() -> bytes:
    return resources.files("contracts").joinpath(REFERENCE).read_bytes()
