"""The terminal as a treasurer and a script use it: ids however typed, dates kept near today, errors naming what was typed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from conftest import at, ok

from engine.books.folder import open_books

# --- ids: P1 and p1 are one member --------------------------------------------------------


def test_a_provider_id_typed_in_capitals_is_the_same_provider(coop: Callable[..., Result], books_dir: Path) -> None:
    ok(coop("fees", "recalc", "2027-01"))
    out = ok(coop("payment", "record", "Mara-Quist", "100.00", "--on", "2027-01-10"))
    assert "from mara-quist" in out.output
    books = open_books(books_dir)
    try:
        [entry] = list(books.journal.entries(["payment.received"]))
        assert entry.data["provider"] == "mara-quist"
    finally:
        books.close()
    import json

    listed = json.loads(ok(coop("ledger", "list", "--provider", "MARA-QUIST", "--json")).output)
    assert listed["currency"] == "USD" and any(t["postings"].get("provider:mara-quist") == -10000 for t in listed["transactions"])
    arrears = json.loads(ok(coop("ledger", "arrears", "--json")).output)
    assert arrears["currency"] == "USD" and arrears["balances"]["mara-quist"] == 64667 - 10000


def test_federation_yaml_ids_are_stored_in_lower_case(books_dir: Path) -> None:
    path = books_dir / "federation.yaml"
    text = path.read_text(encoding="utf-8")
    assert "id: mara-quist" in text
    path.write_text(text.replace("id: mara-quist", "id: Mara-Quist"), encoding="utf-8")
    books = open_books(books_dir)
    try:
        assert "mara-quist" in {p.id for p in books.federation.providers}
    finally:
        books.close()


def test_an_import_file_names_providers_in_any_case(coop: Callable[..., Result], books_dir: Path, tmp_path: Path) -> None:
    ok(coop("fees", "recalc", "2027-01"))
    csv = tmp_path / "pay.csv"
    csv.write_text("provider,amount,on,ref\nMARA-QUIST,10.00,2027-01-05,a\nmara-quist,5.00,2027-01-06,b\n", encoding="utf-8")
    ok(coop("payment", "import", str(csv)))
    books = open_books(books_dir)
    try:
        assert {e.data["provider"] for e in books.journal.entries(["payment.received"])} == {"mara-quist"}
    finally:
        books.close()


# --- --json on every command that records --------------------------------------------------


def test_a_payment_recorded_with_json_prints_its_entry_in_cents_with_the_currency(coop: Callable[..., Result]) -> None:
    import json

    ok(coop("fees", "recalc", "2027-01"))
    out = json.loads(ok(coop("payment", "record", "mara-quist", "100.00", "--on", "2027-01-10", "--json")).output)
    assert out["currency"] == "USD" and out["command"] == "payment record" and out["recorded"] is True
    [entry] = out["entries"]
    assert entry["kind"] == "payment.received" and entry["data"]["amount"] == 10000 and entry["data"]["provider"] == "mara-quist"
    assert isinstance(entry["seq"], int) and len(entry["hash"]) == 64


def test_fees_recalc_json_names_the_fee_set(coop: Callable[..., Result]) -> None:
    import json

    out = json.loads(ok(coop("fees", "recalc", "2027-01", "--json")).output)
    assert out["fee"]["amount"] == 64667 and out["changed"] is True
    fee_set = [e for e in out["entries"] if e["kind"] == "fee.set"]
    assert len(fee_set) == 1 and fee_set[0]["data"]["amount"] == 64667
    again = json.loads(ok(coop("fees", "recalc", "2027-01", "--from", "2027-01", "--json")).output)
    assert again["changed"] is False and again["entries"] == [] and again["fee"]["amount"] == 64667


def test_a_ballot_cast_with_json_gives_its_receipt(coop: Callable[..., Result], enrol: Callable[..., object]) -> None:
    import json

    enrol(coop, "mara-quist", env=at("2027-01-04", "mara-quist"))
    ok(coop("propose", "general", "--text", "Buy a kettle", env=at("2027-01-05")))
    out = json.loads(
        ok(coop("vote", "cast", "P-1", "--member", "MARA-QUIST", "--choice", "yes", "--json", env=at("2027-01-06", "mara-quist"))).output
    )
    assert out["proposal"] == "P-1" and out["receipt"] == out["entries"][0]["hash"]
    ok(coop("audit", "receipt", out["receipt"], env=at("2027-01-06")))


# --- money dated far ahead is a typing mistake until the books allow it -----------------------


def _one_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def test_a_payment_dated_beyond_the_horizon_is_refused_saying_how_to_allow_it(coop: Callable[..., Result], books_dir: Path) -> None:
    ok(coop("fees", "recalc", "2027-01"))
    ok(coop("payment", "record", "mara-quist", "10.00", "--on", "2027-02-15"))  # 31 days after 15 January: allowed
    line = _one_line(coop("payment", "record", "mara-quist", "10.00", "--on", "2027-02-16"))
    assert "--on" in line and "2027-02-16 is 32 days after today" in line and "policies.future_days" in line
    line = _one_line(coop("expense", "record", "admin", "10.00", "--on", "2027-12-20", "--receipt", "R"))
    assert "2027-12-20" in line and "policies.future_days" in line
    books = open_books(books_dir)
    try:
        assert len(books.journal.entries(["payment.received"])) == 1 and books.journal.entries(["expense.paid"]) == []
    finally:
        books.close()


def test_the_horizon_is_a_setting_of_the_founding_file(books_dir: Path, coop: Callable[..., Result], tmp_path: Path) -> None:
    path = books_dir / "federation.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  future_days: 31 " in text  # the founding file states the default
    path.write_text(text.replace("  future_days: 31 ", "  future_days: 90 "), encoding="utf-8")
    ok(coop("fees", "recalc", "2027-01"))
    ok(coop("payment", "record", "mara-quist", "10.00", "--on", "2027-04-01"))
    csv = tmp_path / "p.csv"
    csv.write_text("provider,amount,on,ref\nmara-quist,10.00,2027-05-01,a\n", encoding="utf-8")
    line = _one_line(coop("payment", "import", str(csv)))
    assert "p.csv:2: on: 2027-05-01 is 106 days after today" in line


# --- errors name what the user typed -------------------------------------------------------


def test_an_expense_in_a_closed_cycle_quotes_the_date_given_or_blames_for_month(coop: Callable[..., Result]) -> None:
    ok(coop("fees", "recalc", "2027-01"))
    ok(coop("cycle", "close", "2027-01", "--on", "2027-07-01", env=at("2027-07-01")))
    line = _one_line(coop("expense", "record", "admin", "10.00", "--on", "2027-06-17", "--receipt", "R", env=at("2027-07-02")))
    assert "--on:" in line and "dated 2027-06-17" in line and "2027-06-01" not in line
    line = _one_line(
        coop("expense", "record", "admin", "10.00", "--on", "2027-07-01", "--for-month", "2027-06", "--receipt", "R", env=at("2027-07-02"))
    )
    assert line.startswith("coop: error: --for-month:") and "2027-06 is in cycle 2027-01, which is closed" in line
    assert "paid on 2027-07-01" in line
    line = _one_line(coop("fees", "recalc", "2027-01", "--from", "2027-03", env=at("2027-07-02")))
    assert "--on" not in line and line.startswith("coop: error: CYCLE:")


# --- statements, imports and the transparency report ------------------------------------------


def test_a_statement_for_an_open_cycle_shows_months_to_come_as_not_yet_due(coop: Callable[..., Result], tmp_path: Path) -> None:
    import json

    ok(coop("fees", "recalc", "2027-01"))
    out = ok(coop("statement", "mara-quist", "2027-01", "--md", str(tmp_path / "s.md"), env=at("2027-03-10"))).output
    assert out.count("not yet due") == 3  # April, May, June
    md = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert "| March 2027 | $646.67 | $646.67 | $0.00 |" in md and "| April 2027 | $646.67 | not yet due | $0.00 |" in md
    data = json.loads(ok(coop("statement", "mara-quist", "2027-01", "--json", env=at("2027-03-10"))).output)
    assert [m["due"] for m in data["months"]] == [True, True, True, False, False, False]
    assert data["summary"]["charged"] == 3 * 64667 and data["summary"]["balance"] == 3 * 64667 and data["currency"] == "USD"
    assert all(key.isidentifier() for key in data["summary"])


def test_expense_import_takes_the_month_each_row_pays_for(coop: Callable[..., Result], books_dir: Path, tmp_path: Path) -> None:
    csv = tmp_path / "e.csv"
    csv.write_text(
        "line,amount,on,vendor,receipt,for_month\nadmin,2600.00,2027-07-01,,PAY-06,2027-06\nadmin,2600.00,2027-07-20,,PAY-07,\n",
        encoding="utf-8",
    )
    ok(coop("expense", "import", str(csv), env=at("2027-07-21")))
    books = open_books(books_dir)
    try:
        got = [(e.on, e.data["month"], e.data["cycle"]) for e in books.journal.entries(["expense.paid"])]
    finally:
        books.close()
    assert got == [("2027-07-01", "2027-06", "2027-01"), ("2027-07-20", "2027-07", "2027-07")]
    bad = tmp_path / "bad.csv"
    bad.write_text("line,amount,on,vendor,receipt,for_month\nadmin,1.00,2027-07-01,,R,June\n", encoding="utf-8")
    assert "bad.csv:2: for_month: 'June' is not a month" in _one_line(coop("expense", "import", str(bad), env=at("2027-07-21")))


def test_the_transparency_report_reads_as_a_report(coop: Callable[..., Result], tmp_path: Path) -> None:
    import json

    ok(coop("fees", "recalc", "2027-01"))
    ok(coop("expense", "record", "admin", "2600.00", "--on", "2027-01-31", "--receipt", "PAY-01", env=at("2027-02-01")))
    ok(coop("cycle", "close", "2027-01", "--on", "2027-07-01", env=at("2027-07-01")))
    out = ok(coop("report", "transparency", "2027-01", "--md", str(tmp_path / "t.md"), env=at("2027-07-05"))).output
    md = (tmp_path / "t.md").read_text(encoding="utf-8")
    for text in (out, md):
        assert "1 January 2027 to 30 June 2027" in text and "Issued 1 July 2027" in text
        assert "Part-time administrator (20 h/week)" in text and "rowan-ellery" not in text and "admin_staff" not in text
        assert "Rowan Ellery" in text
    data = json.loads(ok(coop("report", "transparency", "2027-01", "--json", env=at("2027-07-05"))).output)
    assert data["currency"] == "USD" and data["issued"] == "2027-07-01" and data["period"] == "1 January 2027 to 30 June 2027"
    result = data["result"]
    assert result["kept"] == 0 and result["kept_by"] == "the parent" and result["expenses"] == 260000
    assert result["surplus"] == result["fees_charged"] - 260000 and all(k.isidentifier() for k in result)


# --- coop init and coop demo -------------------------------------------------------------------


def _uncomment(text: str, first: str) -> str:
    """Uncomment the commented block that starts with the line ``first`` (through its last commented line)."""
    lines = text.splitlines()
    start = lines.index(first)
    end = start
    while end < len(lines) and lines[end].startswith("  # "):
        lines[end] = "  " + lines[end][4:]
        end += 1
    assert end - start >= 5
    return "\n".join(lines) + "\n"


def test_uncommenting_the_example_provider_and_budget_line_of_a_new_file_gives_valid_books(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli import main

    folder = tmp_path / "new"
    ok(CliRunner().invoke(main, ["init", str(folder)], catch_exceptions=False))
    path = folder / "federation.yaml"
    text = path.read_text(encoding="utf-8")
    text = _uncomment(text, "  # - id: avery-lin                     # letters, digits, - or _ (Avery-Lin is read as avery-lin)")
    text = _uncomment(text, "  # - id: software")
    path.write_text(text, encoding="utf-8")
    books = open_books(folder)
    try:
        assert [p.id for p in books.federation.providers] == ["avery-lin"] and [b.id for b in books.federation.budget] == ["software"]
    finally:
        books.close()


def test_the_demo_tells_a_short_story_and_says_where_the_documents_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex

    from click.testing import CliRunner

    from cli import main

    monkeypatch.chdir(tmp_path)
    out = ok(CliRunner().invoke(main, ["demo", "my demo"], catch_exceptions=False)).output
    lines = out.splitlines()
    assert len(lines) <= 60 and lines[0] == "Founded a sample federation in my demo"
    assert "The documents are in my demo/documents:" in out
    counts = dict(reversed(line.split(None, 1)) for line in lines if line.startswith("  ") and line.split()[0].isdigit())
    assert int(counts["fee notices"]) == len(list((tmp_path / "my demo" / "documents" / "notices").rglob("*.docx")))
    assert "coop --books 'my demo' status" in out

    verbose = ok(CliRunner().invoke(main, ["demo", "my demo", "--verbose"], catch_exceptions=False)).output
    commands = [line[2:] for line in verbose.splitlines() if line.startswith("$ ")]
    assert len(commands) > 60
    for line in commands:
        words = shlex.split(line)
        env = [w for w in words if "=" in w and w.split("=")[0].isupper()]
        rest = words[len(env) :]
        assert rest[:3] == ["coop", "--books", "my demo"], line
        assert all(not w.startswith("{books}") for w in rest)
        for w in rest:
            if w.startswith("my demo/") and not w.endswith((".csv", ".md", ".docx", ".txt")):
                assert (tmp_path / w).exists(), line
    status = next(shlex.split(line) for line in commands if " status" in line)
    pasted = CliRunner().invoke(main, status[2:], env={"COOP_NOW": status[0].split("=", 1)[1]}, catch_exceptions=False)
    assert pasted.exit_code == 0 and "Juniper Street Therapy Co-Op" in pasted.output


def test_a_termination_dated_before_the_members_own_ballot_blames_last_day(coop, enrol) -> None:
    from conftest import at

    ok(enrol(coop, "wes-okafor", env=at("2027-01-04", "wes-okafor")))
    ok(coop("propose", "general", "--text", "Shared intake form", env=at("2027-02-01")))
    ok(coop("vote", "cast", "P-1", "--member", "wes-okafor", "--choice", "yes", env=at("2027-02-02", "wes-okafor")))
    out = coop(
        "propose", "termination", "wes-okafor", "--last-day", "2027-01-31", "--grounds", "refusal",
        "--statement", "Refused the intake procedure", env=at("2027-02-03"),
    )  # fmt: skip
    assert out.exit_code == 2 and "--last-day" in out.output and "--on" not in out.output, out.output


def test_a_receipt_check_prints_the_anchor_it_was_checked_against(coop, enrol, books_dir) -> None:
    import json

    from conftest import at

    ok(enrol(coop, "wes-okafor", env=at("2027-01-04", "wes-okafor")))
    ok(coop("propose", "general", "--text", "Shared intake form", env=at("2027-02-01")))
    cast = ok(coop("vote", "cast", "P-1", "--member", "wes-okafor", "--choice", "yes", env=at("2027-02-02", "wes-okafor"))).output
    receipt = cast.split("Receipt: ")[1].split()[0]
    checked = ok(coop("audit", "receipt", receipt, env=at("2027-02-02"))).output
    anchor = checked.strip().splitlines()[-1].split("--anchor ")[1]
    assert "OK" in ok(coop("audit", "verify", "--anchor", anchor, env=at("2027-02-02"))).output
    data = json.loads(ok(coop("audit", "receipt", receipt, "--json", env=at("2027-02-02"))).output)
    assert f"{data['anchor']['seq']}:{data['anchor']['hash']}" == anchor
