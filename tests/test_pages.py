"""Pages a reader can print: every amount in every table of every demo document fits its column on one line.

Measured independently of the layout's own estimate: each character of an
amount at Carlito's advance width (the metric twin of Calibri, read from
Carlito-Regular/Bold.ttf's hmtx table: digits and $ 0.507 em, comma 0.258,
period 0.267, minus 0.306, parentheses 0.312, percent 0.729, the wider of
regular and bold), at the table text's 9.5 pt, plus Word's 0.075 in cell
margin on each side.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from engine.documents.typesetting import AMOUNT, DocMeta, _table_rows, column_widths, is_amount, to_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CARLITO_EM = {**dict.fromkeys("0123456789$", 0.507), ",": 0.258, ".": 0.267, "-": 0.306, "(": 0.312, ")": 0.312, "%": 0.729}
TABLE_PT = 9.5
MARGIN_PT = 5.4
MODELS = ("federation", "retention", "flat_pay", "session_split")


@pytest.fixture(scope="module", params=MODELS)
def demo_books(request: pytest.FixtureRequest, demo_copy: Callable[[str], Path]) -> Path:
    return demo_copy(request.param)


def _tables(docx: Path) -> list[tuple[list[float], list[list[str]], float]]:
    """Each table's grid column widths (points), its cells' text by row, and the page's text width (points)."""
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    sect = root.find(f".//{W}sectPr")
    page_w = int(sect.find(f"{W}pgSz").get(f"{W}w")) / 20
    mar = sect.find(f"{W}pgMar")
    text_w = page_w - (int(mar.get(f"{W}left")) + int(mar.get(f"{W}right"))) / 20
    out = []
    for tbl in root.iter(f"{W}tbl"):
        grid = [int(c.get(f"{W}w")) / 20 for c in tbl.find(f"{W}tblGrid")]
        rows = [["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.findall(f"{W}tc")] for tr in tbl.findall(f"{W}tr")]
        out.append((grid, rows, text_w))
    return out


def _measured(amount: str) -> float:
    return sum(CARLITO_EM.get(ch, 0.75) for ch in amount) * TABLE_PT


def test_no_table_cell_in_any_demo_document_breaks_an_amount(demo_books: Path) -> None:
    documents = sorted(demo_books.rglob("*.docx"))
    assert documents
    checked = 0
    for docx in documents:
        for grid, rows, text_w in _tables(docx):
            assert sum(grid) <= text_w + 1, f"{docx.name}: a table wider than the page"
            for row in rows:
                for width, text in zip(grid, row, strict=False):
                    if is_amount(text):
                        checked += 1
                        assert _measured(text.strip()) <= width - 2 * MARGIN_PT, f"{docx.name}: {text!r} in a {width}pt column"
    assert checked > 0


def test_a_table_too_wide_for_portrait_turns_the_page_and_keeps_every_amount_whole() -> None:
    header = "| Month | " + " | ".join(f"Column {n}" for n in range(10)) + " |"
    rule = "|---|" + "--:|" * 10
    body = "| 2027-01 | " + " | ".join("$123,456.78" for _ in range(10)) + " |"
    data = to_docx(f"# Wide\n\n{header}\n{rule}\n{body}\n", DocMeta("Wide", "wide", date(2027, 1, 1), "coop"))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'w:orient="landscape"' in xml
    assert xml.count("<w:noWrap/>") == 10
    assert xml.count("<w:cantSplit/>") == 2


def test_a_money_column_is_never_narrower_than_its_widest_amount() -> None:
    from markdown_it import MarkdownIt

    md = "| What | Amount |\n|---|--:|\n| " + "a long description " * 12 + " | $1,234,567.89 |\n"
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    rows, _ = _table_rows(tokens, next(i for i, t in enumerate(tokens) if t.type == "table_open"))
    widths = column_widths(rows, 2, False)
    assert _measured("$1,234,567.89") <= widths[1] * 72 - 2 * MARGIN_PT
    assert abs(sum(widths) - 6.5) < 0.05


@pytest.mark.parametrize("text", ["$1,234.56", "-$5.00", "($5.00)", "1813.00", "78.1%", "$0.00"])
def test_amounts_are_recognised(text: str) -> None:
    assert is_amount(text) and AMOUNT.match(text)


@pytest.mark.parametrize("text", ["2027-01", "owner", "5 of 39", "P-3", "Total"])
def test_other_cells_are_not_amounts(text: str) -> None:
    assert not is_amount(text)


def test_every_demo_fee_notice_is_dated_on_or_before_the_first_charge_it_governs_or_says_it_is_late(demo_books: Path) -> None:
    from engine.books.folder import open_books
    from engine.documents.notices import ISSUED

    books = open_books(demo_books)
    try:
        notices = [e for e in books.journal.entries([ISSUED]) if e.data["kind"] == "fee-notice"]
    finally:
        books.close()
    for e in notices:
        first_charge = date.fromisoformat(e.data["from_month"] + "-01")
        text = (demo_books / "documents" / e.data["document"]).with_suffix(".md").read_text()
        assert date.fromisoformat(str(e.on)) <= first_charge or "This notice is late:" in text, e.data["document"]
        assert not e.data["late"], f"{e.data['document']} came after the charge it announces"
    if (demo_books / "documents" / "notices").is_dir():
        assert len(notices) >= 30
