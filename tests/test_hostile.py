"""Hostile input, door by door: one row a case, each refused in one line with the books unchanged.

A row is (id, setup, arguments, exit status, words the message must hold).
Every case runs the real command in-process and checks that there is no
traceback, that a refusal is exactly one line, and that the journal's head
and federation.yaml's bytes are what they were before the command.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import main
from engine.books import config
from engine.books.journal import FILENAME as JOURNAL
from engine.books.money import parse_cents

PAY = ("payment", "record", "rowan-ellery")
ON = ("--on", "2027-01-10")
JOIN = ("provider", "join", "zed-quill", "--practice", "Quill PLLC", "--licence", "LPC-9", "--email", "z@q.org", "--on", "2027-02-01")


def state(books: Path) -> tuple[tuple[int, str] | None, bytes]:
    """What a refusal must leave as it was: the journal's head and the founding file's bytes."""
    with sqlite3.connect(books / JOURNAL) as conn:
        head = conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
    return head, (books / config.FILENAME).read_bytes()


def run(books: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["--books", str(books), *args], env=env, catch_exceptions=True)


def edit(old: str, new: str) -> Callable[[Path], None]:
    def apply(books: Path) -> None:
        path = books / config.FILENAME
        text = path.read_text()
        assert old in text, old
        path.write_text(text.replace(old, new, 1))

    return apply


def csv_file(text: str, name: str = "in.csv") -> Callable[[Path], None]:
    def apply(books: Path) -> None:
        (books.parent / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)

    return apply


def imported_once(text: str) -> Callable[[Path], None]:
    def apply(books: Path) -> None:
        csv_file(text)(books)
        assert run(books, "payment", "import", str(books.parent / "in.csv")).exit_code == 0

    return apply


def sealed_then(change: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(books: Path) -> None:
        assert run(books, *PAY, "10.00", *ON).exit_code == 0  # the first write seals federation.yaml
        change(books)

    return apply


def broken_chain(books: Path) -> None:
    assert run(books, *PAY, "10.00", *ON).exit_code == 0
    with sqlite3.connect(books / JOURNAL) as conn:
        conn.execute("DROP TRIGGER entries_no_update")
        conn.execute("UPDATE entries SET data = replace(data, '1000', '100000') WHERE kind = 'payment.received'")


def alias_bomb(levels: int, width: int) -> Callable[[Path], None]:
    lines = ["x0: &x0 [lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * width)}]")
    return edit("currency: USD", "currency: USD\n" + "\n".join(lines))


def no_setup(books: Path) -> None:
    return None


MONEY_TEXT = [
    ("1e3", "amount"),
    ("1e30", "amount"),
    ("10^22", "amount"),
    ("1,50", "amount"),
    ("1,0,0", "amount"),
    ("€5", "USD"),
    ("£5", "USD"),
    ("5 USD", "amount"),
    ("USD5", "amount"),
    ("0x10", "amount"),
    ("1_000", "amount"),
    ("NaN", "amount"),
    ("inf", "amount"),
    ("-inf", "amount"),
    ("1.005", "whole cents"),
    ("1.000", "whole cents"),
    ("١٢٣", "amount"),
    ("１２３", "amount"),
    ("99999999999999999", "at most"),
    ("10000000.01", "amount_cap"),
    ("20,000,000.00", "amount_cap"),
    ("12,34,567", "amount"),
    ("1,2345", "amount"),
    ("+-5", "amount"),
    ("$$5", "amount"),
    ("5$", "amount"),
    (".", "amount"),
    ("", "amount"),
    ("   ", "amount"),
    ("1 000", "amount"),
    ("1.2.3", "amount"),
    ("0", "more than zero"),
    ("0.00", "more than zero"),
    ("\x005", "amount"),
    ("5\n", "amount"),
    ("٥", "amount"),
    ("9" * 400, "amount"),
]
"""Amounts that are not money as the books write it; each must be refused wherever it is typed."""

DATES = [
    ("9999-12-31", "out of range"),
    ("0001-01-01", "out of range"),
    ("2027-02-30", "not a date"),
    ("2027-1-5", "not a date"),
    ("20270110", "not a date"),
    ("2027-01-10T00:00", "not a date"),
    ("tomorrow", "not a date"),
    ("", "not a date"),
    ("2040-01-10", "outside the books' years"),
    ("2026-12-31", "2027-01-01"),
]

CASES: list[tuple[str, Callable[[Path], None], tuple[str, ...], int, list[str]]] = [
    # --- money on the command line ---
    *[(f"cli-payment-{i}", no_setup, (*PAY, *ON, "--", text), 2, [word]) for i, (text, word) in enumerate(MONEY_TEXT)],
    *[
        (f"cli-expense-{i}", no_setup, ("expense", "record", "software", *ON, "--receipt", "R1", "--", text), 2, [word])
        for i, (text, word) in enumerate(MONEY_TEXT[:20])
    ],
    *[
        (f"cli-budget-{i}", no_setup, ("budget", "set", "software", f"--monthly={text}", "--from", "2027-03-01"), 2, [word])
        for i, (text, word) in enumerate(MONEY_TEXT[:20])
    ],
    ("cli-negative-payment", no_setup, (*PAY, *ON, "--", "-5"), 2, ["zero or more"]),
    # --- money in CSV cells ---
    *[
        (
            f"csv-amount-{i}",
            csv_file(f'provider,amount,on,ref\nrowan-ellery,"{text}",2027-01-10,r\n'),
            ("payment", "import", "{tmp}/in.csv"),
            2,
            ["in.csv:2", word] if word != "amount_cap" else [word],
        )
        for i, (text, word) in enumerate(MONEY_TEXT[:22])
        if "\n" not in text and "\x00" not in text
    ],
    # --- money and everything else in federation.yaml ---
    ("yaml-exponent", edit("monthly: 390.00", "monthly: 3.9e2"), ("status",), 2, ["budget[0].monthly", "amount"]),
    ("yaml-exponent-float", edit("monthly: 390.00", "monthly: 1.0e+3"), ("status",), 2, ["budget[0].monthly"]),
    ("yaml-hex", edit("monthly: 390.00", "monthly: 0x10"), ("status",), 2, ["budget[0].monthly"]),
    ("yaml-octal", edit("monthly: 390.00", "monthly: 0o17"), ("status",), 2, ["budget[0].monthly"]),
    ("yaml-sexagesimal", edit("monthly: 390.00", "monthly: 1:30"), ("status",), 2, ["budget[0].monthly"]),
    ("yaml-underscore", edit("monthly: 390.00", "monthly: 1_000.00"), ("status",), 2, ["budget[0].monthly"]),
    ("yaml-inf", edit("monthly: 390.00", "monthly: .inf"), ("status",), 2, ["budget[0].monthly"]),
    ("yaml-nan", edit("monthly: 390.00", "monthly: .nan"), ("status",), 2, ["budget[0].monthly"]),
    ("yaml-euro", edit("monthly: 390.00", 'monthly: "€390"'), ("status",), 2, ["budget[0].monthly", "USD"]),
    ("yaml-comma", edit("monthly: 390.00", 'monthly: "390,00"'), ("status",), 2, ["budget[0].monthly"]),
    ("yaml-huge", edit("monthly: 390.00", "monthly: 99999999999999999.00"), ("status",), 2, ["budget[0].monthly", "at most"]),
    ("yaml-cap", edit("monthly: 390.00", "monthly: 20000000.00"), (*PAY, "10.00", *ON), 2, ["amount_cap"]),
    ("yaml-bool-money", edit("monthly: 390.00", "monthly: true"), ("status",), 2, ["budget[0].monthly"]),
    ("yaml-list-money", edit("monthly: 390.00", "monthly: [1, 2]"), ("status",), 2, ["budget[0].monthly"]),
    ("yaml-duplicate-providers", edit("providers:", "providers: []\nproviders:"), ("status",), 2, ["duplicate key 'providers'", "line"]),
    (
        "yaml-duplicate-nested",
        edit("  principal: ", "  legal_name: X\n  principal: "),
        ("status",),
        2,
        ["duplicate key 'legal_name'", "first written on line"],
    ),
    ("yaml-duplicate-name", edit("currency: USD", "currency: USD\nname: Other"), ("status",), 2, ["duplicate key 'name'"]),
    ("yaml-effective-for-from", edit("    from: 2027-01-01", "    effective: 2027-01-01"), ("status",), 2, ["unknown key 'effective'"]),
    ("yaml-budget-extra", edit("monthly: 390.00", "monthly: 390.00\n    colour: red"), ("status",), 2, ["budget[0].colour", "unknown key"]),
    (
        "yaml-provider-extra",
        edit("    start: 2027-01-01", "    start: 2027-01-01\n    nickname: R"),
        ("status",),
        2,
        ["providers[0].nickname", "unknown key"],
    ),
    ("yaml-top-extra", edit("currency: USD", "currency: USD\ncurency: USD"), ("status",), 2, ["curency", "unknown key"]),
    ("yaml-alias-bomb", alias_bomb(9, 9), ("status",), 2, ["aliases", "at most"]),
    ("yaml-alias-bomb-wide", alias_bomb(3, 30), ("status",), 2, ["aliases"]),
    ("yaml-python-tag", edit("currency: USD", "currency: !!python/object/apply:os.system ['true']"), ("status",), 2, ["malformed YAML"]),
    ("yaml-python-name", edit("currency: USD", "currency: !!python/name:os.system"), ("status",), 2, ["malformed YAML"]),
    ("yaml-binary", edit("currency: USD", "currency: !!binary aGVsbG8="), ("status",), 2, ["currency"]),
    ("yaml-deep", edit("currency: USD", "currency: USD\nx: " + "[" * 5000 + "]" * 5000), ("status",), 2, ["federation.yaml"]),
    ("yaml-tab", edit("currency: USD", "currency:\tUSD\n\tname: x"), ("status",), 2, ["malformed YAML"]),
    ("yaml-not-mapping", edit("version: 1", "- version: 1"), ("status",), 2, ["federation.yaml"]),
    ("yaml-founded-9999", edit("founded: 2027-01-01", "founded: 9999-12-31"), ("status",), 2, ["founded"]),
    ("yaml-start-bad", edit("    start: 2027-01-01", "    start: 2027-13-01"), ("status",), 2, ["providers[0].start"]),
    ("yaml-name-newline", edit('name: "Juniper Street Therapy Co-Op"', 'name: "Juniper\\n# Forged"'), ("status",), 2, ["name", "one line"]),
    ("yaml-vendor-placeholder", edit("vendor: ", "vendor: ⟦provider.email⟧ "), ("status",), 2, ["vendor", "placeholder"]),
    ("yaml-provider-control", edit('name: "Rowan Ellery"', 'name: "Rowan\\x0bEllery"'), ("status",), 2, ["providers[0].name"]),
    ("yaml-not-utf8", csv_file(b"\xff\xfe", "ignored"), ("status",), 0, []),
    # --- dates, cycles and the clock ---
    *[(f"date-payment-{i}", no_setup, (*PAY, "10.00", "--on", text), 2, [word]) for i, (text, word) in enumerate(DATES)],
    *[(f"date-asof-{i}", no_setup, ("status", "--as-of", text), 2, [word]) for i, (text, word) in enumerate(DATES[:8])],
    ("cycle-9999", no_setup, ("fees", "show", "9999-01"), 2, ["out of range"]),
    ("cycle-9999-12", no_setup, ("cycle", "close", "9999-12"), 2, ["9999-12"]),
    ("cycle-date-9999", no_setup, ("fees", "show", "9999-12-31"), 2, ["out of range"]),
    ("cycle-0000", no_setup, ("fees", "recalc", "0000-01"), 2, ["0000-01"]),
    ("cycle-words", no_setup, ("fees", "show", "someday"), 2, ["not a cycle"]),
    ("budget-from-9999", no_setup, ("budget", "set", "software", "--monthly", "5.00", "--from", "9999-01-01"), 2, ["out of range"]),
    (
        "budget-from-far",
        no_setup,
        ("budget", "set", "software", "--monthly", "5.00", "--from", "2099-01-01"),
        2,
        ["outside the books' years"],
    ),
    # --- CSV imports ---
    (
        "csv-doubled-column",
        csv_file("provider,amount,on,ref,ref\nrowan-ellery,5,2027-01-10,a,b\n"),
        ("payment", "import", "{tmp}/in.csv"),
        2,
        ["in.csv:1", "more than once"],
    ),
    (
        "csv-extra-cell",
        csv_file("provider,amount,on,ref\nrowan-ellery,5,2027-01-10,a,extra\n"),
        ("payment", "import", "{tmp}/in.csv"),
        2,
        ["in.csv:2", "cells"],
    ),
    (
        "csv-missing-cell",
        csv_file("provider,amount,on,ref\nrowan-ellery,5\n"),
        ("payment", "import", "{tmp}/in.csv"),
        2,
        ["in.csv:2", "missing"],
    ),
    (
        "csv-wrong-columns",
        csv_file("who,amount,on,ref\nrowan-ellery,5,2027-01-10,a\n"),
        ("payment", "import", "{tmp}/in.csv"),
        2,
        ["in.csv:1", "provider"],
    ),
    ("csv-empty", csv_file(""), ("payment", "import", "{tmp}/in.csv"), 2, ["in.csv:1"]),
    (
        "csv-not-utf8",
        csv_file(b"provider,amount,on,ref\n\xff\xfe,5,2027-01-10,a\n"),
        ("payment", "import", "{tmp}/in.csv"),
        2,
        ["in.csv", "CSV"],
    ),
    ("csv-missing-file", no_setup, ("payment", "import", "{tmp}/nowhere.csv"), 2, ["nowhere.csv", "not found"]),
    ("csv-a-folder", no_setup, ("payment", "import", "{tmp}"), 2, ["directory"]),
    (
        "csv-date-9999",
        csv_file("provider,amount,on,ref\nrowan-ellery,5,9999-12-31,a\n"),
        ("payment", "import", "{tmp}/in.csv"),
        2,
        ["in.csv:2", "out of range"],
    ),
    (
        "csv-date-bad",
        csv_file("provider,amount,on,ref\nrowan-ellery,5,2027-02-30,a\n"),
        ("payment", "import", "{tmp}/in.csv"),
        2,
        ["in.csv:2", "not a date"],
    ),
    (
        "csv-date-before-books",
        csv_file("provider,amount,on,ref\nrowan-ellery,5,2026-06-01,a\n"),
        ("payment", "import", "{tmp}/in.csv"),
        2,
        ["outside the books' years"],
    ),
    (
        "csv-date-far",
        csv_file("provider,amount,on,ref\nrowan-ellery,5,2045-06-01,a\n"),
        ("payment", "import", "{tmp}/in.csv"),
        2,
        ["outside the books' years"],
    ),
    (
        "csv-over-cap",
        csv_file("provider,amount,on,ref\nrowan-ellery,20000000.00,2027-01-10,a\n"),
        ("payment", "import", "{tmp}/in.csv"),
        2,
        ["amount_cap"],
    ),
    (
        "csv-unknown-provider",
        csv_file("provider,amount,on,ref\nnobody,5,2027-01-10,a\n"),
        ("payment", "import", "{tmp}/in.csv"),
        2,
        ["in.csv:2", "nobody"],
    ),
    (
        "csv-reimport",
        imported_once("provider,amount,on,ref\nrowan-ellery,5,2027-01-10,a\n"),
        ("payment", "import", "{tmp}/in.csv"),
        2,
        ["already imported", "journal entry", "--another-batch"],
    ),
    (
        "csv-expense-euro",
        csv_file("line,amount,on,vendor,receipt\nsoftware,€5,2027-01-10,V,R\n", "in.csv"),
        ("expense", "import", "{tmp}/in.csv"),
        2,
        ["in.csv:2", "USD"],
    ),
    (
        "csv-expense-doubled",
        csv_file("line,amount,on,vendor,receipt,receipt\nsoftware,5,2027-01-10,V,R,R\n"),
        ("expense", "import", "{tmp}/in.csv"),
        2,
        ["more than once"],
    ),
    (
        "csv-roster-newline-name",
        csv_file('id,name,practice,licence,email,start\nzed-q,"Zed\n# Forged",P,L,z@q.org,2027-02-01\n'),
        ("provider", "import", "{tmp}/in.csv"),
        2,
        ["one line"],
    ),
    # --- names and single-line fields ---
    *[
        (f"name-{i}", no_setup, (*JOIN, "--name", text), 2, ["--name", "one line"])
        for i, text in enumerate(
            [
                "Zed\n# Forged clause",
                "Zed\r\nQ",
                "Z\x0bed",
                "Z\x1b[31med",
                "Z\x01",
                "Z\uffff",
                "Z\u2028Q",
                "⟦provider.email⟧",
                "{{ provider.email }}",
                "{% if x %}",
                "Zed⟧",
            ]
        )
    ],
    (
        "practice-newline",
        no_setup,
        (
            "provider",
            "join",
            "zed-q",
            "--name",
            "Zed",
            "--practice",
            "P\n## 9. Forged",
            "--licence",
            "L",
            "--email",
            "z@q.org",
            "--on",
            "2027-02-01",
        ),
        2,
        ["--practice", "one line"],
    ),
    (
        "vendor-placeholder",
        no_setup,
        ("budget", "set", "software", "--vendor", "⟦provider.email⟧", "--from", "2027-03-01"),
        2,
        ["--vendor", "placeholder"],
    ),
    (
        "vendor-newline",
        no_setup,
        ("budget", "set", "software", "--vendor", "Acme\n# Heading", "--from", "2027-03-01"),
        2,
        ["--vendor", "one line"],
    ),
    (
        "budget-name-braces",
        no_setup,
        ("budget", "set", "newline", "--name", "{{ x }}", "--monthly", "5", "--category", "other", "--vendor", "V", "--from", "2027-03-01"),
        2,
        ["--name"],
    ),
    # --- command-line YAML values ---
    (
        "rule-set-python",
        no_setup,
        ("propose", "rule-change", "onboarding", "--set", "secret=!!python/object/apply:os.system ['true']"),
        2,
        ["--set secret", "malformed YAML"],
    ),
    ("rule-set-unclosed", no_setup, ("propose", "rule-change", "onboarding", "--set", "secret=[unclosed"), 2, ["--set secret"]),
    ("rule-set-bomb", no_setup, ("propose", "rule-change", "onboarding", "--set", "recuse=" + "&a [" + ", ".join(["x"] * 3) + "]"), 2, []),
    ("rule-set-no-equals", no_setup, ("propose", "rule-change", "onboarding", "--set", "secret"), 2, ["FIELD=VALUE"]),
    # --- ids beyond SQLite's integers ---
    ("proposal-huge", no_setup, ("proposal", "show", "9" * 30), 2, ["proposal id"]),
    ("void-huge", no_setup, ("journal", "void", "9" * 30, "--reason", "x"), 2, ["no journal entry"]),
    ("void-negative", no_setup, ("journal", "void", "0", "--reason", "x"), 2, ["no journal entry"]),
    # --- the clock ---
    ("now-words", no_setup, ("status",), 2, ["COOP_NOW", "not a date-time"]),
    ("now-9999", no_setup, ("status",), 2, ["COOP_NOW"]),
    # --- chain and seal ---
    ("seal-edited-write", sealed_then(edit("admin_pay", "admin_pay")), (*PAY, "10.00", *ON), 0, []),
    (
        "seal-edited-then-write",
        sealed_then(edit("monthly: 390.00", "monthly: 1.00")),
        (*PAY, "10.00", *ON),
        2,
        ["edited after it was sealed"],
    ),
    ("chain-broken-write", broken_chain, (*PAY, "10.00", *ON), 2, ["hash chain is broken"]),
    ("chain-broken-import", broken_chain, ("payment", "import", "{tmp}/nowhere.csv"), 2, []),
    # --- the file system ---
    ("books-missing", no_setup, ("--books", "{tmp}/nowhere", "status"), 2, ["nowhere"]),
    ("books-a-file", csv_file("x", "plain.txt"), ("--books", "{tmp}/plain.txt", "status"), 2, ["plain.txt"]),
    (
        "out-under-a-file",
        csv_file("x", "plain.txt"),
        ("contracts", "issue", "--all", "--on", "2027-01-15", "--out", "{tmp}/plain.txt/docs"),
        2,
        ["plain.txt", "not a folder"],
    ),
    ("out-in-proc", no_setup, ("contracts", "issue", "--all", "--on", "2027-01-15", "--out", "/proc/coop-docs"), 2, ["/proc"]),
    (
        "manual-out-under-a-file",
        csv_file("x", "plain.txt"),
        ("manual", "render", "--out", "{tmp}/plain.txt/docs"),
        2,
        ["plain.txt"],
    ),
    # --- batches that are not due yet ---
    ("statement-all-before-close", no_setup, ("statement", "2027-01", "--all"), 2, ["not closed yet"]),
]

ENVIRONMENTS = {"now-words": {"COOP_NOW": "tomorrow"}, "now-9999": {"COOP_NOW": "99999-01-01T00:00:00"}}
REFUSED_ANYWAY = {"seal-edited-write"}
"""Cases whose setup leaves the books able to write: the command succeeds and is kept as a control."""


def _args(args: tuple[str, ...], tmp: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp)) for a in args]


@pytest.mark.parametrize(("case", "setup", "args", "status", "words"), CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_one_line_and_changes_nothing(
    books_dir: Path, case: str, setup: Callable[[Path], None], args: tuple[str, ...], status: int, words: list[str]
) -> None:
    setup(books_dir)
    argv = _args(args, books_dir.parent)
    if argv[0] == "--books":
        result = CliRunner().invoke(main, argv, catch_exceptions=True, env=ENVIRONMENTS.get(case))
    else:
        before = state(books_dir)
        result = run(books_dir, *argv, env=ENVIRONMENTS.get(case))
    assert result.exception is None or isinstance(result.exception, SystemExit), f"traceback: {result.exception!r}\n{result.output}"
    assert "Traceback" not in result.output
    assert result.exit_code == status, result.output
    if status == 0:
        return
    lines = [line for line in result.output.splitlines() if line.strip() and not line.startswith("coop: warning:")]
    assert len(lines) == 1 and lines[0].startswith("coop: error:"), result.output
    for word in words:
        assert word in lines[0], lines[0]
    if argv[0] != "--books":
        assert state(books_dir) == before, "the books changed on a refusal"


def test_cases_cover_every_door() -> None:
    doors = {c[0].split("-")[0] for c in CASES}
    assert {"cli", "csv", "yaml", "date", "cycle", "name", "rule", "seal", "chain", "books", "out"} <= doors
    assert len(CASES) >= 195, len(CASES)


def test_reimport_is_allowed_as_another_batch(books_dir: Path) -> None:
    imported_once("provider,amount,on,ref\nrowan-ellery,5,2027-01-10,a\n")(books_dir)
    again = run(books_dir, "payment", "import", str(books_dir.parent / "in.csv"), "--another-batch")
    assert again.exit_code == 0, again.output
    listed = run(books_dir, "journal", "list", "--kind", "payment.received", "--json")
    assert listed.output.count('"import_sha256"') == 2


def test_read_warns_of_an_unsealed_edit_and_still_answers(books_dir: Path) -> None:
    sealed_then(edit("monthly: 390.00", "monthly: 1.00"))(books_dir)
    result = run(books_dir, "status")
    assert result.exit_code == 0
    warnings = [line for line in result.output.splitlines() if line.startswith("coop: warning:")]
    assert len(warnings) == 1 and "edited after it was sealed" in warnings[0]


def test_a_control_character_in_a_document_is_replaced_visibly() -> None:
    from engine.documents.text import REPLACEMENT, xml_text

    assert xml_text("Ann\x0bLee\x1b\uffff") == f"Ann{REPLACEMENT}Lee{REPLACEMENT}{REPLACEMENT}"
    assert xml_text("tab\tnew\nline") == "tab\tnew\nline"


def test_duplicate_key_names_both_lines(books_dir: Path) -> None:
    edit("providers:", "providers: []\nproviders:")(books_dir)
    lines = (books_dir / config.FILENAME).read_text().splitlines()
    first = next(i for i, line in enumerate(lines, 1) if line.startswith("providers:"))
    out = run(books_dir, "status").output
    assert f"federation.yaml:{first + 1}:" in out and f"first written on line {first}" in out


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30) | st.from_regex(r"[-+$€]?[0-9,._e]{0,15}", fullmatch=True))
def test_money_parser_accepts_only_money(text: str) -> None:
    """Never anything but cents or a ValueError; whatever is accepted is plain digits, commas in place, two decimals at most."""
    import re

    try:
        cents = parse_cents(text, allow_negative=True, currency="USD")
    except ValueError:
        return
    assert isinstance(cents, int)
    plain = text.strip().replace("$", "").replace(" ", "")
    assert re.fullmatch(r"[-+]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)?(\.[0-9]{0,2})?", plain), text
    assert abs(cents) <= 10**14


@pytest.fixture(scope="module")
def fuzz_books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from engine.books.founding import create_books
    from engine.models.federation.demo import founding_text

    folder = tmp_path_factory.mktemp("fuzz") / "books"
    create_books(folder, text=founding_text())
    return folder


ARG = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20) | st.sampled_from(
    ["9999-12-31", "1e30", "-1", "€5", "2027-01-10", "5.00", "0", "\n", "⟦provider.email⟧", "9" * 25]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(
        [
            ("payment", "record", "rowan-ellery", "{0}", "--on", "{1}"),
            ("expense", "record", "software", "{0}", "--on", "{1}", "--receipt", "{2}"),
            ("budget", "set", "{2}", "--monthly", "{0}", "--from", "{1}"),
            ("provider", "join", "{2}", "--name", "{0}", "--practice", "P", "--licence", "L", "--email", "a@b.org", "--on", "{1}"),
            ("fees", "show", "{0}"),
            ("status", "--as-of", "{1}"),
            ("journal", "void", "{0}", "--reason", "{2}"),
            ("proposal", "show", "{0}"),
        ]
    ),
    values=st.tuples(ARG, ARG, ARG),
)
def test_cli_arguments_never_crash_and_refusals_change_nothing(
    fuzz_books: Path, command: tuple[str, ...], values: tuple[str, str, str]
) -> None:
    args = [a.format(*values) for a in command]
    before = state(fuzz_books)
    result = run(fuzz_books, *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), f"{args}: {result.exception!r}"
    assert result.exit_code in (0, 2), (args, result.output)
    if result.exit_code == 2:
        assert state(fuzz_books) == before, args
