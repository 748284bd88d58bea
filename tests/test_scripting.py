"""The terminal as a treasurer and a script use it: ids however typed, dates kept near today, errors naming what was typed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
    listed = ok(coop("ledger", "list", "--provider", "MARA-QUIST", "--json")).output
    assert "payment" in listed


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
