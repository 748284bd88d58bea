"""Documents: the manual and its versions, agreements, redlines, DOCX output, status."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import Result
from docx import Document

from engine.books.folder import Books, open_books
from engine.documents.contracts import ISSUED, SIGNED, agreement_data, compile_document, fill, provider_party, render_document
from engine.documents.data import ProviderParty, fraction_words
from engine.documents.manual import render_version
from engine.documents.redline import redline
from engine.documents.reference import build_reference, reference_bytes
from engine.documents.templates import check_sources, registry
from engine.documents.typesetting import DocMeta, to_docx
from engine.errors import UserError
from engine.governance import versions as mv

Coop = Callable[..., Result]
DEMO_AMENDMENT = Path(__file__).resolve().parent.parent / "manual" / "demo" / "cooperation_v2.md"


def manual_v1(books: Books) -> str:
    return mv.content(books, 1)[0]


def adopt_v2(books_dir: Path, effective: date = date(2027, 8, 1)) -> None:
    books = open_books(books_dir)
    try:
        with books.transaction() as w:
            mv.adopt(
                w,
                books,
                changes={"cooperation": DEMO_AMENDMENT.read_text()},
                summary="Quotes from cooperatives",
                effective=effective,
                proposal=7,
            )
    finally:
        books.close()


# --- the manual -----------------------------------------------------------------------


def test_manual_states_the_books_figures(books: Books) -> None:
    text = manual_v1(books)
    # $3,880.00 over 6 providers = 646.666..., rounded up to the cent.
    assert "the fee is $646.67 a month" in text
    assert "| **Total** | | **$3,880.00** |" in text
    assert "cycles of six months (two a year), the first starting in January" in text
    assert "An amendment is adopted by at least two thirds of the votes cast" in text
    assert "at least 14 days' notice before any vote" in text
    assert "The provider has 14 days to respond" in text
    assert "Payroll via Commonwealth Payroll Co-op; Tally Cooperative Bookkeepers" in text
    assert "$240.00 a month" in text  # the CE fund line
    for heading in ("Purpose and principles", "Democratic control", "Economic participation", "Cooperation among cooperatives"):
        assert heading in text
    assert "## 9. Cooperation among cooperatives" in text
    assert "### 9.1 Buying from cooperatives" in text


def test_changing_a_rule_in_federation_yaml_changes_the_manual(books_dir: Path) -> None:
    path = books_dir / "federation.yaml"
    text = path.read_text()
    amend = '  manual_amendment:\n    method: supermajority\n    threshold: "2/3"'
    assert amend in text
    text = text.replace(amend, '  manual_amendment:\n    method: supermajority\n    threshold: "3/4"')
    term = '  termination:\n    method: supermajority\n    threshold: "2/3"\n    basis: eligible\n    quorum: "1/2"\n    notice_days: 14'
    assert term in text
    text = text.replace(term, term.replace("notice_days: 14", "notice_days: 21"))
    path.write_text(text)
    books = open_books(books_dir)
    manual = manual_v1(books)
    books.close()
    assert "An amendment is adopted by at least three quarters of the votes cast" in manual
    assert "two thirds of the votes cast" not in manual
    assert "at least 21 days' notice before any vote" in manual
    assert "| Amending this manual | at least three quarters of the votes cast |" in manual


def test_fraction_words() -> None:
    assert fraction_words(Fraction(2, 3)) == "two thirds"
    assert fraction_words(Fraction(1, 2)) == "one half"
    assert fraction_words(Fraction(3, 4)) == "three quarters"
    assert fraction_words(Fraction(1)) == "all"
    assert fraction_words(Fraction(7, 13)) == "7/13"


def test_a_federation_overrides_a_section_in_its_books(books_dir: Path, coop: Coop) -> None:
    (books_dir / "manual").mkdir()
    (books_dir / "manual" / "community.md").write_text(
        "---\nid: community\ntitle: Our community\norder: 100\n---\nWe serve {{ federation_name }} clients first.\n"
    )
    result = coop("manual", "render", "1")
    assert result.exit_code == 0, result.output
    text = (books_dir / "documents" / "manual" / "manual-v1.md").read_text()
    assert "## 10. Our community\n\nWe serve Juniper Street Therapy Co-Op clients first." in text
    assert "Reduced-cost care" not in text


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("no front matter\n", "front matter"),
        ("---\nid: community\ntitle: X\n---\nbody\n", "order"),
        ("---\nid: community\ntitle: X\norder: 1\n---\n{{ no_such_name }}\n", "template error"),
        ("---\nid: community\ntitle: X\norder: 1\n---\nline\n{% if %}\n", "template error"),
    ],
)
def test_a_broken_override_is_one_line_and_exit_2(books_dir: Path, coop: Coop, source: str, message: str) -> None:
    (books_dir / "manual").mkdir()
    (books_dir / "manual" / "community.md").write_text(source)
    result = coop("manual", "render", "1")
    assert result.exit_code == 2
    assert message in result.output and "community.md" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (books_dir / "documents").exists()


def test_syntax_error_points_at_the_source_line(books_dir: Path, coop: Coop) -> None:
    (books_dir / "manual").mkdir()
    (books_dir / "manual" / "community.md").write_text("---\nid: community\ntitle: X\norder: 1\n---\nline one\n{% if %}\n")
    result = coop("manual", "render")
    assert "community.md:7" in result.output


# --- versions -------------------------------------------------------------------------


def test_adopting_stores_each_versions_text_and_sha(books_dir: Path) -> None:
    adopt_v2(books_dir)
    books = open_books(books_dir)
    vs = mv.versions(books)
    assert [v.number for v in vs] == [1, 2]
    assert vs[1].proposal == 7 and vs[1].effective == date(2027, 8, 1)
    for v in vs:
        assert v.content is not None and v.sha256 == hashlib.sha256(v.content.encode()).hexdigest()
    assert "asks at least two cooperatives" in vs[1].content
    assert "asks at least two cooperatives" not in vs[0].content
    assert "Version 2, effective 1 August 2027" in vs[1].content
    # Entry 7 opens no proposal here, so there is no label to cite (a journal entry number is never printed).
    assert "It was adopted by member vote. What changed: Quotes from cooperatives." in vs[1].content
    recorded = books.journal.entries([mv.RECORDED])
    assert len(recorded) == 1 and recorded[0].data["version"] == 1
    books.close()


def test_a_version_never_changes_once_recorded(books_dir: Path, coop: Coop) -> None:
    assert coop("contracts", "issue", "--all", "--on", "2027-01-15").exit_code == 0
    books = open_books(books_dir)
    before = manual_v1(books)
    books.close()
    # The budget changes afterwards; v1 as rendered now would say otherwise, the stored text does not.
    assert coop("budget", "set", "admin", "--monthly", "2860.00", "--from", "2027-01-01", "--note", "back-dated").exit_code == 0
    books = open_books(books_dir)
    assert manual_v1(books) == before
    assert "$646.67" in before
    assert "$690.00" in render_version(books, 1, date(2027, 1, 1), "Founding version")
    books.close()


def test_an_amendment_cannot_predate_the_version_before(books_dir: Path) -> None:
    adopt_v2(books_dir, date(2027, 8, 1))
    with pytest.raises(UserError, match="before version 2"):
        adopt_v2(books_dir, date(2027, 7, 1))


def test_versions_listing(books_dir: Path, coop: Coop) -> None:
    adopt_v2(books_dir)
    data = json.loads(coop("manual", "versions", "--json").output)
    assert [(d["version"], d["proposal_entry"], len(d["sha256"])) for d in data] == [(1, None, 64), (2, 7, 64)]
    assert [d["proposal"] for d in data] == [None, None]  # entry 7 opens no proposal, so no label
    assert coop("manual", "render", "3").exit_code == 2


# --- redline --------------------------------------------------------------------------


def test_redline_marks_words_and_keeps_markup() -> None:
    old = "# T\n\n## 1. Fees\n\nThe fee is $646.67 a month.\n\n| A | B |\n|---|---:|\n| x | $1.00 |\n"
    new = "# T\n\n## 1. Fees\n\nThe fee is $690.00 a month.\n\n| A | B |\n|---|---:|\n| x | $2.00 |\n\nA new paragraph.\n"
    r = redline(old, new).markdown
    assert "The fee is <del>$646.67</del> <ins>$690.00</ins> a month." in r
    assert "| x | <del>$1.00</del> <ins>$2.00</ins> |" in r
    assert "\n\n<ins>A new paragraph.</ins>" in r
    assert redline(old, old).markdown.strip() == old.strip()
    assert "<ins>" not in redline(old, old).markdown


def test_manual_diff_writes_markdown_and_docx_redlines(books_dir: Path, coop: Coop) -> None:
    adopt_v2(books_dir)
    result = coop("manual", "diff", "1", "2")
    assert result.exit_code == 0, result.output
    md = (books_dir / "documents" / "manual" / "redline-v1-v2.md").read_text()
    assert "<ins>at least two cooperatives" in md or "<ins>at least two" in md
    assert "Version <del>1, effective 1 January</del> <ins>2, effective 1 August</ins> 2027" in md
    xml = zipfile.ZipFile(books_dir / "documents" / "manual" / "redline-v1-v2.docx").read("word/document.xml").decode()
    # Real Word tracked changes (the issue replaced underline/strike formatting): author and date on each.
    assert '<w:ins w:id="' in xml and '<w:del w:id="' in xml and "<w:delText" in xml and 'w:author="' in xml
    assert coop("manual", "diff", "1", "1").exit_code == 2


# --- DOCX -----------------------------------------------------------------------------


def test_reference_document_is_the_one_the_code_builds() -> None:
    assert build_reference() == reference_bytes()


def test_docx_is_deterministic_and_well_formed(books: Books) -> None:
    text = manual_v1(books)
    meta = DocMeta("Manual", "Co-Op Procedures manual · Version 1 · Effective 1 January 2027", date(2027, 1, 1), "Parent PLLC")
    first, second = to_docx(text, meta), to_docx(text, meta)
    assert first == second
    z = zipfile.ZipFile(io.BytesIO(first))
    assert {i.date_time for i in z.infolist()} == {(2027, 1, 1, 0, 0, 0)}
    doc = Document(io.BytesIO(first))
    styles = [p.style.name for p in doc.paragraphs]
    assert styles.count("Title") == 1 and styles.count("Heading 1") == 14 and "Heading 2" in styles and "TOC 1" in styles
    assert doc.core_properties.created.date() == date(2027, 1, 1) and doc.core_properties.author == "Parent PLLC"
    body = z.read("word/document.xml").decode()
    assert 'TOC \\o "1-1"' in body
    footer = next(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    assert " PAGE " in footer and " NUMPAGES " in footer and "Effective 1 January 2027" in footer
    money_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Shared expense")
    assert money_table.rows[-1].cells[2].text == "$3,880.00"
    assert money_table.rows[-1].cells[2].paragraphs[0].alignment == 2  # right-aligned


# --- agreements -----------------------------------------------------------------------


def test_compiled_fill_equals_rendering_each_agreement(books: Books) -> None:
    on = date(2027, 1, 15)
    with books.transaction() as w:
        version = mv.record_founding(w, books)
    spec = registry()["agreement"]
    tricky = ProviderParty(
        name="Ana <O'Neil> *Jr*",
        practice="Mind & Body_Care | [LLC]",
        licence="LPC-1",
        email="a_b@example.org",
        start=date(2027, 2, 1),
        reference="AGR-2027-01-15-ana",
    )
    parties = [provider_party(p, "agreement", on) for p in books.federation.providers] + [tricky]
    # One compiled document per fee day: a signer who starts after the issue date is told the fee from their start.
    compiled = {}
    for party in parties:
        day = max(on, party.start)
        if day not in compiled:
            compiled[day] = compile_document(spec, agreement_data(books, party, on, version, 64667), "USD")
    assert len(compiled) == 2
    for party in parties:
        slow = render_document(spec, agreement_data(books, party, on, version, 64667), "USD")
        assert fill(compiled[max(on, party.start)], party) == slow
    md, docx = fill(compiled[tricky.start], tricky)
    assert r"Mind & Body\_Care \| \[LLC\]" in md
    assert "Ana &lt;O'Neil&gt; *Jr*" in zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()


def test_agreement_states_its_terms(coop: Coop, books_dir: Path) -> None:
    assert coop("contracts", "issue", "mara-quist", "--on", "2027-01-15").exit_code == 0
    md = (books_dir / "documents" / "agreements" / "2027-01-15" / "mara-quist-agreement-v1.md").read_text()
    books = open_books(books_dir)
    sha = mv.versions(books)[0].sha256
    books.close()
    assert f"version 1, effective 1 January 2027, whose text is identified by the SHA-256 fingerprint `{sha}`" in md
    assert "the fee is **$646.67** a month: the total above shared among 6 providers" in md
    assert "may end this agreement at any time and for any reason" in md
    assert "neither may bind the other" in md and "makes no profit" in md
    assert "needs at least two thirds of all members eligible to vote" in md
    assert "## 8. Termination for cause by the members" in md and "## Signatures" in md
    assert "| Name: Rowan Ellery, principal | Name: Mara Quist |" in md


def test_issue_all_writes_documents_register_and_journal(books_dir: Path, coop: Coop) -> None:
    result = coop("contracts", "issue", "--all", "--on", "2027-01-15")
    assert result.exit_code == 0, result.output
    folder = books_dir / "documents" / "agreements" / "2027-01-15"
    rows = list(csv.DictReader((folder / "register.csv").open()))
    assert [r["provider"] for r in rows] == sorted(r["provider"] for r in rows) and len(rows) == 6
    for r in rows:
        assert hashlib.sha256((folder / r["document"]).read_bytes()).hexdigest() == r["sha256"]
        assert (r["manual_version"], r["fee"], r["issue_date"]) == ("1", "646.67", "2027-01-15")
    assert json.loads((folder / "register.json").read_text())[0]["sha256"] == rows[0]["sha256"]
    assert len({r["sha256"] for r in rows}) == 6
    books = open_books(books_dir)
    assert len(books.journal.entries([ISSUED])) == 6
    books.close()
    again = coop("contracts", "issue", "--all", "--on", "2027-01-15")
    assert "0 recorded, 6 unchanged" in again.output
    assert [r["sha256"] for r in csv.DictReader((folder / "register.csv").open())] == [r["sha256"] for r in rows]


@pytest.mark.parametrize(
    "args",
    [
        ("contracts", "issue"),
        ("contracts", "issue", "mara-quist", "--all"),
        ("contracts", "issue", "nobody", "--on", "2027-01-15"),
        ("contracts", "signed", "mara-quist", "--on", "2027-01-20"),
        ("contracts", "issue", "--all", "--kind", "acknowledgment", "--on", "2027-01-20"),
        ("contracts", "issue", "mara-quist", "--kind", "acknowledgment", "--on", "2027-01-20"),
    ],
)
def test_issue_and_sign_mistakes_exit_2(coop: Coop, args: tuple[str, ...]) -> None:
    result = coop(*args)
    assert result.exit_code == 2 and result.output.startswith("coop: error:")


def test_no_agreement_for_a_provider_who_left(coop: Coop) -> None:
    assert coop("provider", "leave", "wes-okafor", "--on", "2027-02-28").exit_code == 0
    result = coop("contracts", "issue", "wes-okafor", "--on", "2027-03-01")
    assert result.exit_code == 2 and "left on 2027-02-28" in result.output


def test_signing_and_status_after_amendment_and_fee_change(books_dir: Path, coop: Coop) -> None:
    assert coop("contracts", "issue", "--all", "--on", "2027-01-15").exit_code == 0
    assert coop("contracts", "signed", "mara-quist", "--on", "2027-01-10").exit_code == 2  # before issue
    assert coop("contracts", "signed", "mara-quist", "--on", "2027-01-20").exit_code == 0
    again = coop("contracts", "signed", "mara-quist", "--on", "2027-01-21")
    assert again.exit_code == 2 and "already signed" in again.output

    def needs(on: str) -> dict[str, str | None]:
        data = json.loads(coop("contracts", "status", "--as-of", on, "--json").output)
        return {p["provider"]: p["needs"] for p in data["providers"]}

    first = needs("2027-02-01")
    assert first["mara-quist"] is None and first["teo-abernathy"] == "agreement"
    adopt_v2(books_dir, date(2027, 8, 1))
    assert needs("2027-07-31")["mara-quist"] is None
    assert needs("2027-08-01")["mara-quist"] == "acknowledgment of manual v2"
    assert coop("budget", "set", "admin", "--monthly", "2860.00", "--from", "2027-09-01").exit_code == 0
    # Before 2027-07's fee is set, documents quote what recalc would set: the cycle's budget
    # (2 x $3,880 + 4 x $4,140 = $24,320) over 36 provider-months = $675.555... rounded up.
    assert needs("2027-09-01")["mara-quist"] == "acknowledgment of manual v2", "a fee change needs no signature, as the agreement says"
    assert coop("contracts", "issue", "mara-quist", "--kind", "acknowledgment", "--on", "2027-09-01").exit_code == 0
    ack = (books_dir / "documents" / "agreements" / "2027-09-01" / "mara-quist-acknowledgment-v2.md").read_text()
    assert "It replaces version 1. What changed: Quotes from cooperatives." in ack and "$675.56" in ack
    assert coop("contracts", "signed", "mara-quist", "--on", "2027-09-02").exit_code == 0
    assert needs("2027-09-02")["mara-quist"] is None
    books = open_books(books_dir)
    signed = books.journal.entries([SIGNED])
    assert [s.data["kind"] for s in signed] == ["agreement", "acknowledgment"]
    assert all(books.journal.entry(s.ref).kind == ISSUED for s in signed)  # type: ignore[arg-type, union-attr]
    books.close()


def test_progress_bar_when_asked(coop: Coop) -> None:
    result = coop("contracts", "issue", "--all", "--on", "2027-01-15", "--progress")
    assert result.exit_code == 0
    assert "Issuing agreements" in result.stderr


def test_pdf_skipped_with_a_message_without_libreoffice(coop: Coop, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("engine.documents.pdf.converter", lambda: None)
    result = coop("manual", "render", "--pdf")
    assert result.exit_code == 0
    assert "PDF skipped: LibreOffice" in result.stderr


# --- templates check ------------------------------------------------------------------


def test_every_shipped_template_checks_clean(coop: Coop) -> None:
    result = coop("templates", "check")
    assert result.exit_code == 0, result.output
    from engine.documents.templates import check_all

    assert result.output.count("ok ") == len(check_all()) >= 6  # each model's manual and agreement are checked too


def test_check_reports_missing_names_and_unused_fields() -> None:
    spec = registry()["fee-notice"]
    source = "{{ provider.name }} {{ provider.nickname }} {% for line in budget %}{{ line.name }}{{ line.colour }}{% endfor %} {{ fee }}"
    result = check_sources("broken", [source], spec.model, None)
    assert result.missing == ["line.colour", "provider.nickname"]
    assert "Addressee.practice" in result.unused and "FeeNoticeData.issued" in result.unused
    assert "Addressee.name" not in result.unused and "BudgetRow.name" not in result.unused
    assert not result.ok


def test_the_demo_redline_steps_run_after_the_amendment(books_dir: Path, coop: Coop) -> None:
    from engine.models.federation.demo import COOPERATION_V2, REDLINE_STEPS

    assert DEMO_AMENDMENT.read_text() == COOPERATION_V2
    assert coop("contracts", "issue", "--all", "--on", "2027-06-01").exit_code == 0
    assert coop("contracts", "signed", "mara-quist", "--on", "2027-06-03").exit_code == 0
    adopt_v2(books_dir, date(2027, 3, 18))
    for step in REDLINE_STEPS:
        result = coop(*step.args)
        assert result.exit_code == 0, (step.args, result.output)
    assert (books_dir / "documents" / "manual" / "redline-v1-v2.docx").is_file()
    register = json.loads((books_dir / "documents" / "agreements" / "2027-03-22" / "register.json").read_text())
    assert [(r["provider"], r["kind"], r["manual_version"]) for r in register] == [("mara-quist", "acknowledgment", 2)]


def test_notices_render_from_their_models(tmp_path: Path, coop: Coop) -> None:
    result = coop("templates", "sample", "settlement", "fee-notice", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    md = (tmp_path / "samples" / "settlement.md").read_text()
    # Sample figures: 2,900.00 charged, 2,900.00 paid, 12.34 refunded: 12.34 owed to the provider, due 30 days after 10 July.
    assert "| **Owed to you** | | **$12.34** |" in md and "The parent will pay you $12.34 by 9 August 2027." in md
    notice = Document(str(tmp_path / "samples" / "fee-notice.docx"))
    assert notice.tables[1].rows[-1].cells[2].text == "$2,900.00"
    # 17,400.00 budget + 120.00 deficit brought forward over 30 provider-months = 584.00
    assert [r.cells[1].text for r in notice.tables[0].rows[1:]] == ["$17,400.00", "$120.00", "$17,520.00", "30", "$584.00"]
    text = docx_plain(notice)
    assert "From 1 July 2027, for the rest of the cycle 2027-07 to 2027-12, your monthly fee is $584.00 (it was $560.00)." in text
    assert coop("templates", "sample", "nonsense").exit_code == 2


def docx_plain(doc: object) -> str:
    return "\n".join(p.text for p in doc.paragraphs)  # type: ignore[attr-defined]


def test_a_broken_amendment_records_nothing(books_dir: Path) -> None:
    books = open_books(books_dir)
    before = books.journal.head()
    for source, message in (
        ("---\nid: cooperation\ntitle: X\norder: 90\n---\n{{ nope }}\n", "template error"),
        ("---\nid: other\ntitle: X\norder: 90\n---\nbody\n", "declares id"),
    ):
        with pytest.raises(UserError, match=message), books.transaction() as w:
            mv.adopt(w, books, changes={"cooperation": source}, summary="x", effective=date(2027, 8, 1), proposal=1)
        assert books.journal.head() == before
    books.close()


def test_an_amendment_may_remove_a_section_and_takes_effect_on_its_date(books_dir: Path) -> None:
    books = open_books(books_dir)
    with books.transaction() as w:
        mv.adopt(w, books, changes={"community": ""}, summary="Fold community into purpose", effective=date(2027, 8, 1), proposal=3)
    v2 = mv.content(books, 2)[0]
    assert "Reduced-cost care" not in v2 and "Reduced-cost care" in mv.content(books, 1)[0]
    assert "## 10. Financial transparency" in v2
    assert mv.in_force(books, date(2027, 7, 31)).number == 1 and mv.in_force(books, date(2027, 8, 1)).number == 2
    books.close()
