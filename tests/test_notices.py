"""Fee notices, cycle statements and settlement letters: the documents state the engine's figures."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from docx import Document
from test_fees import H1, cyc, demo_first_half, lena

from engine.books.folder import Books
from engine.books.money import format_cents
from engine.books.roster import join
from engine.documents import notices, statements
from engine.ledger import accounts as ledger
from engine.ledger import closing, fees

Coop = Callable[..., Result]


def usd(cents: int) -> str:
    return format_cents(cents, "USD")


def docx_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.docx"
    path.write_bytes(data)
    doc = Document(str(path))
    cells = [" | ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_statement_document_states_the_close_and_ledger_figures(books: Books, tmp_path: Path) -> None:
    demo_first_half(books)
    close, _, _ = closing.close(books, cyc(books), date(2027, 7, 10))
    issued = date(2027, 7, 10)
    p = notices.statement_document(books, "teo-abernathy", cyc(books), issued)
    assert p.kind == "cycle-statement"
    markdown, docx = notices.render(p, "USD")
    refund = close.refunds["teo-abernathy"]
    arrears = close.arrears_before["teo-abernathy"]
    balance = ledger.provider_balances(books, cyc(books).last_day)["teo-abernathy"]
    # Hand figures: June's 689.99 unpaid; his refund is 6/39 of the 390.03 surplus (60.00 or 60.01); he still owes the rest.
    assert arrears == 68999 and refund in (6000, 6001) and balance == arrears - refund
    for text in (markdown, docx_text(docx, tmp_path)):
        assert f"you owed {usd(arrears)}" in text
        assert re.search(
            rf"Your share of the cycle's \$390\.03 surplus, by months charged \(6 of 39\) \|\s*\|\s*{re.escape(usd(refund))}", text
        )
        assert re.search(rf"You owe\W+\|\s*\**{re.escape(usd(balance))}", text)
        assert f"Fees charged to all providers | {usd(close.charged)}" in text.replace("*", "")
        assert "Kept by the parent | $0.00" in text
    # the items add up to the balance the ledger keeps
    assert sum(i.amount for i in p.data.items) == balance  # type: ignore[union-attr]


def test_a_leavers_document_is_the_settlement_letter_with_the_final_balance(
    books: Books, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_first_half(books)
    close, _, _ = closing.close(books, cyc(books), date(2027, 7, 10))
    letter = notices.statement_document(books, "wes-okafor", cyc(books), date(2027, 7, 10))
    assert letter.kind == "settlement"
    owed = -ledger.provider_balances(books, date(2027, 7, 10))["wes-okafor"]
    assert owed == close.refunds["wes-okafor"] == 5000  # 5/39 of 390.03 = 50.00; he paid every fee
    markdown, docx = notices.render(letter, "USD")
    for text in (markdown, docx_text(docx, tmp_path)):
        assert "Your membership ended with your last day, 31 May 2027." in text
        assert "The parent will pay you $50.00 by 9 August 2027." in text
        assert "Fees, January 2027 to May 2027" in text
    # After the payout, a letter issued later shows it and a zero balance, as the ledger does.
    monkeypatch.setenv("COOP_NOW", "2027-07-15T09:00:00")  # paid out on the day
    ledger.record_payout(books, "wes-okafor", 5000, date(2027, 7, 15), "refund")
    later = notices.statement_document(books, "wes-okafor", cyc(books), date(2027, 7, 20))
    md, _ = notices.render(later, "USD")
    assert "| Paid to you on 15 July 2027 | $50.00 |  |" in md
    assert later.data.balance == ledger.provider_balances(books, date(2027, 7, 20))["wes-okafor"] == 0  # type: ignore[union-attr]
    assert "Nothing is owed either way" in md


def test_before_the_close_a_leaver_gets_a_statement_saying_the_close_is_to_come(books: Books) -> None:
    demo_first_half(books)
    p = notices.statement_document(books, "wes-okafor", cyc(books), date(2027, 6, 15))
    md, _ = notices.render(p, "USD")
    assert p.kind == "cycle-statement" and "The cycle has not closed yet" in md
    assert p.data.balance == statements.statement(books, "wes-okafor", cyc(books), as_of=date(2027, 6, 15)).arrears == 0  # type: ignore[union-attr]


def test_fee_notices_state_each_setting_and_its_working(books: Books) -> None:
    fees.recalc(books, cyc(books))
    join(books, lena())
    found = notices.fee_notices(books, cyc(books), date(2027, 3, 2))
    settings = fees.settings(books, cyc(books))
    assert [(p.provider, p.figures["from_month"]) for p in found if p.provider == "mara-quist"] == [
        ("mara-quist", "2027-01"),
        ("mara-quist", "2027-03"),
    ]
    # Lena joins in March: January's fee never applied to her, so she hears only of March's
    assert [p.figures["from_month"] for p in found if p.provider == "lena-marsh"] == ["2027-03"]
    march = {p.provider: p for p in found if p.figures["from_month"] == "2027-03"}
    assert len(march) == 7 and "lena-marsh" in march
    md, _ = notices.render(march["mara-quist"], "USD")
    # 23,280.00 - 12 x 646.67 = 15,519.96 over 28 provider-months -> 554.29 (was 646.67)
    assert "your monthly fee is **$554.29** (it was $646.67)" in md
    assert "| Less what was charged for the months before 1 March 2027 | $7,760.04 |" in md
    assert "| **Still to collect** | **$15,519.96** |" in md and "| Provider-months still to charge (7 providers) | 28 |" in md
    assert "Why: Lena Marsh (lena-marsh) joins on 2027-03-01." in md
    assert march["mara-quist"].data.fee == settings[-1].amount == 55429  # type: ignore[union-attr]
    # the joiner was not paying before, so her notice states no old fee
    lena_md, _ = notices.render(march["lena-marsh"], "USD")
    assert "your monthly fee is **$554.29**." in lena_md


def test_issuing_is_deterministic_and_recorded_once(books: Books, tmp_path: Path) -> None:
    fees.recalc(books, cyc(books))
    day = date(2027, 1, 20)
    first = notices.issue(books, notices.fee_notices(books, cyc(books), day), tmp_path, day)
    before = books.journal.head()
    again = notices.issue(books, notices.fee_notices(books, cyc(books), day), tmp_path, day)
    assert [d.sha256 for d in first] == [d.sha256 for d in again] and all(d.recorded for d in first)
    assert not any(d.recorded for d in again) and books.journal.head() == before
    entries = books.journal.entries([notices.ISSUED])
    assert len(entries) == 6
    for e in entries:
        path = tmp_path / e.data["document"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == e.data["sha256"]
        assert e.data["fee"] == 64667 and e.data["kind"] == "fee-notice"
    p = notices.fee_notices(books, cyc(books), day)[0]
    assert notices.render(p, "USD")[1] == notices.render(p, "USD")[1]


# --- the CLI ------------------------------------------------------------------------------------


def _first_half_closed(coop: Coop, books: Books) -> None:
    demo_first_half(books)
    books.close()
    assert coop("cycle", "close", H1, "--on", "2027-07-10").exit_code == 0


def test_cli_issues_statements_for_everyone_and_one_as_docx(coop: Coop, books: Books, books_dir: Path, tmp_path: Path) -> None:
    _first_half_closed(coop, books)
    r = coop("statement", "--all", H1, "--on", "2027-07-10")
    assert r.exit_code == 0, r.output
    assert "Issued 6 cycle statements, 1 settlement letter (Markdown and DOCX)" in r.output
    folder = books_dir / "documents" / "statements" / H1
    assert (folder / "wes-okafor-settlement.docx").is_file() and (folder / "teo-abernathy-statement.md").is_file()
    assert "7 recorded in the journal" in r.output
    r = coop("statement", "--all", H1, "--on", "2027-07-10")
    assert "0 recorded in the journal, 7 unchanged" in r.output
    r = coop("statement", "wes-okafor", H1, "--on", "2027-07-10", "--docx", str(tmp_path / "w.docx"), "--md", str(tmp_path / "w.md"))
    assert r.exit_code == 0 and "Final settlement statement" in r.output
    assert (tmp_path / "w.docx").read_bytes() == (folder / "wes-okafor-settlement.docx").read_bytes()
    assert (tmp_path / "w.md").read_text() == (folder / "wes-okafor-settlement.md").read_text()
    r = coop("statement", "mara-quist", H1, "--issue", "--on", "2027-07-11")
    assert r.exit_code == 0 and "Issued the statement (recorded in the journal)" in r.output
    # the register lists the latest issuance of each document, the one issued on its own included
    register = (folder / "register.csv").read_text().splitlines()
    assert register[0] == "provider,kind,document,arrears,refund,assessment,balance,issue_date,sha256" and len(register) == 8
    mara = next(line for line in register if line.startswith("mara-quist,"))
    assert mara.startswith("mara-quist,cycle-statement,mara-quist-statement.docx,") and ",2027-07-11," in mara
    wes = next(line for line in register if line.startswith("wes-okafor,"))
    assert wes.startswith("wes-okafor,settlement,wes-okafor-settlement.docx,0.00,50.00,0.00,-50.00,2027-07-10,")


def test_cli_fee_notices_write_documents(coop: Coop, books_dir: Path) -> None:
    assert coop("fees", "recalc", H1).exit_code == 0
    r = coop("fees", "notices", H1, "--on", "2027-01-20")
    assert r.exit_code == 0, r.output
    assert "Issued 6 fee notices (Markdown and DOCX)" in r.output and "the start of the cycle" in r.output
    assert len(list((books_dir / "documents" / "notices" / H1).glob("*-fee-notice-2027-01.docx"))) == 6


def test_cli_refuses_bad_requests_in_one_line(coop: Coop) -> None:
    for args, message in (
        (("fees", "notices", H1), "no fee is set for 2027-01 yet"),
        (("statement", "--all", "mara-quist", H1), "with --all give only the cycle"),
        (("statement", "mara-quist"), "give a provider and a cycle"),
        (("statement", "--all", H1, "--md", "x.md"), "--all issues every one"),
        (("statement", "--all", "2026-07"), "no provider was a member in 2026-07 to 2026-12"),
        (("statement", "ghost", H1, "--issue"), "unknown provider 'ghost'"),
        (("statement", "--all", "2027-13"), "CYCLE"),
    ):
        r = coop(*args)
        assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output, (args, r.output)


def test_transparency_report_as_docx_is_byte_identical(coop: Coop, tmp_path: Path) -> None:
    assert coop("fees", "recalc", H1).exit_code == 0
    for name in ("a.docx", "b.docx"):
        r = coop("report", "transparency", H1, "--docx", str(tmp_path / name))
        assert r.exit_code == 0, r.output
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()
    text = docx_text((tmp_path / "a.docx").read_bytes(), tmp_path)
    assert "Transparency report: Juniper Street Therapy Co-Op" in text and "January 2027 | $646.67" in text


def test_a_notice_dated_after_the_charge_it_announces_says_it_is_late_and_the_command_warns(coop: Coop, books_dir: Path) -> None:
    assert coop("fees", "recalc", H1).exit_code == 0
    r = coop("fees", "notices", H1, "--on", "2027-03-10", "--json")
    assert r.exit_code == 0, r.output
    warning = [line for line in r.stderr.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1 and "6 of 6 fee notices are late" in warning[0] and "2027-01" in warning[0]
    text = (books_dir / "documents" / "notices" / H1 / "mara-quist-fee-notice-2027-01.md").read_text()
    assert (
        "**This notice is late:** the fee below applied from 1 January 2027, and January 2027, February 2027, March 2027 were charged"
        in text
    )
    register = (books_dir / "documents" / "notices" / H1 / "register.csv").read_text().splitlines()
    assert register[0] == "provider,document,from_month,old,fee,issue_date,late,sha256"
    assert ",2027-03-10,January 2027; February 2027; March 2027," in register[1]


def test_a_notice_on_the_first_day_of_its_month_is_in_time(coop: Coop, books_dir: Path) -> None:
    assert coop("fees", "recalc", H1).exit_code == 0
    r = coop("fees", "notices", H1, "--on", "2027-01-01")
    assert r.exit_code == 0 and "warning" not in r.stderr
    text = (books_dir / "documents" / "notices" / H1 / "mara-quist-fee-notice-2027-01.md").read_text()
    assert "late" not in text


def test_notices_for_one_setting_only_and_a_month_with_none_is_one_line(coop: Coop) -> None:
    assert coop("fees", "recalc", H1).exit_code == 0
    r = coop("fees", "notices", H1, "--on", "2027-01-01", "--from", "2027-03")
    assert r.exit_code == 2 and "--from" in r.output and "2027-03" in r.output and "Traceback" not in r.output
    r = coop("fees", "notices", H1, "--on", "2027-01-01", "--from", "2027-01", "--json")
    assert r.exit_code == 0 and len(json.loads(r.stdout)) == 6
