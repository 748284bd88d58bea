"""Every model's agreement states the terms a lawyer expects, read back from the DOCX a provider signs."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from docx import Document

from engine.books.folder import open_books
from engine.books.founding import create_books
from engine.documents.contracts import BUSINESS_ASSOCIATE, issue
from engine.errors import UserError
from engine.models.federation.demo import script
from engine.models.registry import names

CLAUSES = [
    "Payment terms",
    "Insurance",
    "Confidentiality and client records",
    "Indemnity and limitation of liability",
    "Disputes",
    "Governing law and venue",
    "Withdrawal on notice",
    "Notices",
    "Assignment",
    "Amending this agreement",
    "Whole agreement",
    "Severability",
    "Counterparts and electronic signatures",
]
BAA_CLAUSES = ["Permitted uses and disclosures", "Safeguards", "Reporting a breach", "Subcontractors", "When the agreement ends"]


def headings(path: Path) -> list[str]:
    doc = Document(str(path))
    return [re.sub(r"^[\d.]+\s+", "", p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]


def cells(path: Path) -> list[str]:
    return [c.text for t in Document(str(path)).tables for row in t.rows for c in row.cells]


@pytest.fixture(params=names())
def issued(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    founding, _ = script(request.param)
    create_books(tmp_path / "books", text=founding())
    books = open_books(tmp_path / "books")
    try:
        on = books.federation.founded + timedelta(days=4)
        yield request.param, books, issue(books, None, on, tmp_path / "out")
    finally:
        books.close()


def test_every_models_agreement_states_the_common_clauses_by_heading(issued) -> None:  # type: ignore[no-untyped-def]
    model, books, batch = issued
    agreements = [d for d in batch.documents if d.kind == "agreement"]
    assert agreements, model
    for d in agreements:
        found = headings(d.docx)
        missing = [c for c in CLAUSES if c not in found]
        assert not missing, f"{model} {d.document} lacks {missing}"
        table = cells(d.docx)
        assert "Address for notices" in table and "Entity" in table, "each party's address and entity are stated"
        text = d.markdown.read_text()
        assert books.federation.terms.governing_law in text and books.federation.terms.venue in text


def test_a_business_associate_agreement_is_issued_where_shared_software_holds_records(issued, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _model, books, batch = issued
    holds_records = any(b.client_records for b in books.federation.budget)
    agreements = [d for d in batch.documents if d.kind == "agreement"]
    on = agreements[0].issued
    if not holds_records:
        with pytest.raises(UserError, match="no shared service holds client records"):
            issue(books, None, on, tmp_path / "baa", BUSINESS_ASSOCIATE)
        assert "business associate agreement before any client record" in agreements[0].markdown.read_text()
        return
    assert "also sign a business associate agreement" in agreements[0].markdown.read_text()
    baas = issue(books, None, on, tmp_path / "baa", BUSINESS_ASSOCIATE).documents
    assert sorted(d.provider for d in baas) == sorted(d.provider for d in agreements)
    for d in baas:
        found = headings(d.docx)
        assert not [c for c in BAA_CLAUSES if c not in found], found
        assert f"within {books.federation.terms.breach_notice_days} days" in d.markdown.read_text()


def test_the_redline_docx_is_tracked_changes_and_leaves_unchanged_table_rows_alone(tmp_path: Path) -> None:
    from engine.documents.redline import redline
    from engine.documents.typesetting import DocMeta, to_docx

    old = "# T\n\n| Matter | Rule |\n|---|---|\n| Admitting | consensus |\n| Budget | two thirds |\n| Manual | all |\n\nFee $10.\n"
    new = "# T\n\n| Matter | Rule |\n|---|---|\n| Budget | two thirds |\n| Admitting | consensus |\n| Manual | all |\n\nFee $12.\n"
    marked = redline(old, new)
    assert "| Budget | two thirds |" in marked.markdown and "| Admitting | consensus |" in marked.markdown, "a moved row is not a change"
    assert "<del>$10.</del> <ins>$12.</ins>" in marked.markdown
    docx = tmp_path / "r.docx"
    docx.write_bytes(to_docx(marked.markdown, DocMeta("T", "f", date(2027, 8, 1), "Example Parent PLLC")))
    import zipfile

    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    assert xml.count("<w:ins ") == 1 and xml.count("<w:del ") == 1
    assert 'w:author="Example Parent PLLC" w:date="2027-08-01T00:00:00Z"' in xml
    for row in Document(str(docx)).tables[0].rows:
        assert not row._tr.xpath(".//w:ins | .//w:del"), "an unchanged row holds no change"
