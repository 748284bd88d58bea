"""Anchors and bundles: a truncated or rewritten history contradicts what a member holds."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from cli import main
from engine.books.folder import open_books

Coop = Callable[..., Result]
DAY = {"COOP_NOW": "2027-01-15T09:00:00"}


def _record_some(coop: Coop) -> None:
    """A few entries to hold an anchor against."""
    assert coop("fees", "recalc", "2027-01", env=DAY).exit_code == 0
    for ref in ("a", "b"):
        assert coop("payment", "record", "mara-quist", "100.00", "--on", "2027-01-10", "--ref", ref, env=DAY).exit_code == 0


def _anchor(books_dir: Path) -> str:
    books = open_books(books_dir)
    try:
        seq, digest = books.journal.head()
        return f"{seq}:{digest}"
    finally:
        books.close()


def _verify(*args: str) -> Result:
    return CliRunner().invoke(main, ["audit", "verify", *args], env=DAY)


def test_an_anchor_holds_while_the_history_is_intact(coop: Coop, books_dir: Path) -> None:
    _record_some(coop)
    anchor = _anchor(books_dir)
    assert coop("payment", "record", "wes-okafor", "5.00", "--on", "2027-01-11", "--ref", "c", env=DAY).exit_code == 0
    result = coop("audit", "verify", "--anchor", anchor, env=DAY)
    assert result.exit_code == 0, result.output
    assert "1 anchor(s) held" in result.output


def test_truncation_is_caught_by_an_anchor(coop: Coop, books_dir: Path) -> None:
    _record_some(coop)
    anchor = _anchor(books_dir)
    conn = sqlite3.connect(books_dir / "journal.sqlite3", isolation_level=None)
    conn.execute("DROP TRIGGER entries_no_delete")
    last = int(anchor.split(":")[0])
    conn.execute("DELETE FROM entries WHERE seq >= ?", (last,))
    conn.close()
    plain = coop("audit", "verify", env=DAY)
    assert plain.exit_code == 0, "a clean truncation leaves a valid chain: only what a member holds shows it"
    result = coop("audit", "verify", "--anchor", anchor, env=DAY)
    assert result.exit_code == 1
    assert "truncated" in result.output


def test_a_whole_chain_rewrite_is_caught_by_an_anchor_and_by_a_bundle(
    coop: Coop, books_dir: Path, tmp_path: Path, rewrite_chain: Callable[..., None]
) -> None:
    _record_some(coop)
    anchor = _anchor(books_dir)
    bundle = tmp_path / "record.bundle"
    assert coop("audit", "export", str(bundle), env=DAY).exit_code == 0
    assert _verify("--bundle", str(bundle), "--anchor", anchor).exit_code == 0
    books = open_books(books_dir)
    [payment] = [e for e in books.journal.entries(["payment.received"]) if e.data["ref"] == "a"]
    books.close()
    rewrite_chain(books_dir, payment.seq, {**payment.data, "amount": 1})
    assert coop("audit", "verify", env=DAY).exit_code == 0, "a rewritten chain verifies on its own"
    result = coop("audit", "verify", "--anchor", anchor, env=DAY)
    assert result.exit_code == 1 and "rewritten" in result.output
    rewritten = tmp_path / "rewritten.bundle"
    assert coop("audit", "export", str(rewritten), env=DAY).exit_code == 0
    result = _verify("--bundle", str(rewritten), "--anchor", anchor)
    assert result.exit_code == 1 and "rewritten" in result.output


def test_a_bundle_edited_after_export_is_refused(coop: Coop, tmp_path: Path) -> None:
    _record_some(coop)
    bundle = tmp_path / "record.bundle"
    assert coop("audit", "export", str(bundle), env=DAY).exit_code == 0
    data = json.loads(bundle.read_text())
    data["federation_yaml"] = data["federation_yaml"].replace("Juniper", "Jupiter")
    bundle.write_text(json.dumps(data))
    result = _verify("--bundle", str(bundle))
    assert result.exit_code == 2
    assert "checksum" in result.output


def test_a_malformed_anchor_is_one_line(coop: Coop) -> None:
    result = coop("audit", "verify", "--anchor", "forty-two", env=DAY)
    assert result.exit_code == 2
    assert "is not an anchor" in result.output and len(result.output.strip().splitlines()) == 1
