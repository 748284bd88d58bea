"""``coop year-end YEAR``: per-member totals for the year's filings, for every model, as CSV, Markdown and DOCX."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

from click.testing import Result
from conftest import at, ok
from test_flat_pay import _found, _hours_csv
from test_session_split import MEMBERS as SPLIT_MEMBERS
from test_session_split import make

from engine.books.folder import open_books
from engine.books.parameters import in_force

Coop = Callable[..., Result]
PROVIDERS = ["imani-castell", "mara-quist", "noor-haddad", "rowan-ellery", "teo-abernathy", "wes-okafor"]


def test_a_federation_states_fees_paid_and_refunds_received(coop: Coop, books_dir: Path) -> None:
    ok(coop("fees", "recalc", "2027-01", env=at("2027-01-04")))
    ok(coop("payment", "record", "mara-quist", "1200.00", "--on", "2027-03-01", env=at("2027-03-01")))
    ok(coop("cycle", "close", "2027-01", "--on", "2027-07-02", env=at("2027-07-02")))
    early = coop("year-end", "2027", "--on", "2027-12-31", env=at("2027-12-31"))
    assert early.exit_code == 2 and "the year 2027 ends on 2027-12-31" in early.output
    data = json.loads(ok(coop("year-end", "2027", "--on", "2028-01-05", "--json", env=at("2028-01-05"))).output)
    rows = {r["member"]: r for r in data["rows"]}
    assert sorted(rows) == PROVIDERS and data["threshold"] is None
    assert rows["mara-quist"]["paid"] == 120_000 and rows["teo-abernathy"]["paid"] == 0
    # no expenses were paid in the first cycle, so its whole charge came back as a refund at its close
    with closing(open_books(books_dir)) as books:
        from engine.ledger.accounts import charges_through

        first_half = charges_through(books, date(2027, 6, 30))
        year = charges_through(books, date(2027, 12, 31))
    for pid, r in rows.items():
        assert r["refunded"] == first_half[pid] and r["charged"] == year[pid]
    folder = books_dir / "documents/year-end/2027"
    assert sorted(p.name for p in folder.iterdir()) == ["year-end-2027.csv", "year-end-2027.docx", "year-end-2027.md"]
    md = (folder / "year-end-2027.md").read_text()
    assert "**Not a tax filing.**" in md and f"`{data['head']}`" in md and "audit verify --anchor" in md
    with closing(open_books(books_dir)) as books:
        seq, _digest = books.journal.head()
        entry = books.journal.entry(int(data["head"].split(":")[0]))
        assert entry is not None and data["head"] == f"{entry.seq}:{entry.hash}" and seq == entry.seq + 1  # the issuance follows
    table = list(csv.reader(io.StringIO((folder / "year-end-2027.csv").read_text())))
    assert table[0] == ["member", "name", "charged", "paid", "refunded", "paid_out"]
    assert table[-1] == [f"journal head {data['head']}"]
    before = (folder / "year-end-2027.docx").read_bytes()
    again = json.loads(ok(coop("year-end", "2027", "--on", "2028-01-05", "--json", env=at("2028-01-05"))).output)
    assert again["head"] == data["head"] and not again["recorded"] and (folder / "year-end-2027.docx").read_bytes() == before
    assert "OK" in ok(coop("audit", "verify", env=at("2028-01-05"))).output


def test_flat_pay_flags_each_entitys_payments_that_reach_the_dated_threshold(tmp_path: Path) -> None:
    coop = _found(tmp_path)
    # ana: 600 clinical h x $40 = $24,000 from the clinical entity; bo: 40 admin h = $1,600 from the management entity;
    # cy: 30 clinical + 30 admin h = $1,200 + $1,200: $2,400 in all, but neither payer reaches $2,000
    _hours_csv(
        coop,
        [
            ("ana-ruiz", "2027-03", "600", "clinical"),
            ("bo-lind", "2027-04", "40", "admin"),
            ("cy-moss", "2027-05", "30", "clinical"),
            ("cy-moss", "2027-05", "30", "other"),
        ],
    )
    data = json.loads(coop.ok("year-end", "2027", "--on", "2028-01-05", "--json", day="2028-01-05"))
    rows = {r["member"]: r for r in data["rows"]}
    assert data["threshold"] == 200_000
    assert (rows["ana-ruiz"]["clinical"], rows["ana-ruiz"]["reaches_threshold"]) == (2_400_000, True)
    assert (rows["bo-lind"]["management"], rows["bo-lind"]["reaches_threshold"]) == (160_000, False)
    assert (rows["cy-moss"]["total"], rows["cy-moss"]["reaches_threshold"]) == (240_000, False)
    md = (coop.folder / "documents/year-end/2027/year-end-2027.md").read_text()
    assert "Reporting threshold for 2027: $2,000.00" in md and "Members whose payments reach it: ana-ruiz." in md
    with closing(open_books(coop.folder)) as books:
        threshold = in_force(books).contractor_reporting_threshold
        assert threshold.at(date(2025, 1, 1)) == 60_000 and threshold.at(date(2026, 1, 1)) == 200_000


def test_session_split_flags_what_was_paid_to_each_member(tmp_path: Path) -> None:
    run = make(tmp_path / "split")
    many, few = SPLIT_MEMBERS[0], SPLIT_MEMBERS[1]
    for _i in range(30):
        assert run("session", "record", many, "120.00", "--on", "2027-02-01", day="2027-02-01").exit_code == 0
    for _i in range(10):
        assert run("session", "record", few, "120.00", "--on", "2027-02-01", day="2027-02-01").exit_code == 0
    assert run("payout", "members", "--on", "2027-02-15", day="2027-02-15").exit_code == 0
    out = run("year-end", "2027", "--on", "2028-01-05", "--json", day="2028-01-05")
    assert out.exit_code == 0, out.output
    rows = {r["member"]: r for r in json.loads(out.output)["rows"]}
    assert (rows[many]["share"], rows[many]["paid"], rows[many]["reaches_threshold"]) == (252_000, 252_000, True)
    assert (rows[few]["share"], rows[few]["paid"], rows[few]["reaches_threshold"]) == (84_000, 84_000, False)


def test_retention_states_revenue_collected_the_levy_and_what_each_member_kept(tmp_path: Path) -> None:
    from test_retention import KIT
    from test_retention import make as make_retention

    run = make_retention(tmp_path / "ret")
    assert run("revenue", "record", KIT, "8000.00", "--month", "2027-01", day="2027-02-02").exit_code == 0
    assert run("revenue", "record", "ada-fenn", "8000.00", "--month", "2027-01", day="2027-02-02").exit_code == 0
    out = run("year-end", "2027", "--on", "2028-01-05", "--json", day="2028-01-05")
    assert out.exit_code == 0, out.output
    rows = {r["member"]: r for r in json.loads(out.output)["rows"]}
    assert (rows[KIT]["revenue"], rows[KIT]["levy"], rows[KIT]["kept"]) == (800_000, 80_000, 720_000)  # the seed's $800 in probation
    assert (rows["ada-fenn"]["revenue"], rows["ada-fenn"]["levy"], rows["ada-fenn"]["kept"]) == (800_000, 0, 800_000)
    assert rows["ben-oduya"]["revenue"] == 0 and rows["ben-oduya"]["charged"] > 0
