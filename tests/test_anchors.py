"""Anchors and bundles: a truncated or rewritten history contradicts what a member holds."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result
from conftest import at, ok
from test_governance import gov  # noqa: F401 - a fixture

from cli import main
from engine.audit.anchors import Anchor
from engine.books.folder import open_books
from engine.books.founding import create_books
from engine.documents.anchor import EMPTY, line, printed
from engine.models.federation.demo import founding_text

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


# --- every document prints the journal head it was issued against -------------------------

SIGNED_ON = "2027-01-20"


def _money_year(coop: Coop, books_dir: Path) -> None:
    """Agreements, a business associate agreement, an acknowledgment, fee notices, statements, a settlement letter, a report, the manual."""
    from test_fees import H1, demo_first_half

    ok(coop("contracts", "issue", "--all", "--on", "2027-01-05"))
    ok(coop("contracts", "issue", "mara-quist", "--kind", "business-associate", "--on", "2027-01-05"))
    ok(coop("contracts", "signed", "mara-quist", "--on", SIGNED_ON, "--kind", "agreement"))
    ok(coop("contracts", "issue", "mara-quist", "--kind", "acknowledgment", "--on", "2027-01-21"))
    books = open_books(books_dir)
    demo_first_half(books)
    books.close()
    ok(coop("fees", "notices", H1, "--on", "2027-01-20"))
    ok(coop("cycle", "close", H1, "--on", "2027-07-10"))
    ok(coop("statement", "--all", H1, "--on", "2027-07-10"))
    report = books_dir / "documents" / "reports" / f"transparency-{H1}"
    ok(coop("report", "transparency", H1, "--md", f"{report}.md", "--docx", f"{report}.docx"))
    ok(coop("manual", "render", "1"))


def _footer_anchors(docx: Path) -> list[Anchor]:
    with zipfile.ZipFile(docx) as z:
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
    return printed("".join(footers))


def _documents(books_dir: Path) -> dict[Path, Anchor]:
    """Every DOCX issued under the books' documents folder, with the one anchor its footer prints (its Markdown prints the same)."""
    out = {}
    for docx in sorted((books_dir / "documents").rglob("*.docx")):
        [held] = _footer_anchors(docx)
        md = docx.with_suffix(".md").read_text(encoding="utf-8")
        if docx.name.startswith("manual-v"):
            assert printed(md) == [], "a manual version's Markdown is its recorded text exactly"
        else:
            assert printed(md) == [held] and md.rstrip().endswith(line(held))
        out[docx.relative_to(books_dir)] = held
    return out


def _truncated_copy(books_dir: Path, into: Path, seq: int) -> Path:
    """The books with every entry from ``seq`` on deleted: what a parent cutting history short leaves."""
    copy = into / f"cut-{seq}"
    shutil.copytree(books_dir, copy)
    conn = sqlite3.connect(copy / "journal.sqlite3", isolation_level=None)
    conn.execute("DROP TRIGGER entries_no_delete")
    conn.execute("DELETE FROM entries WHERE seq >= ?", (seq,))
    conn.close()
    return copy


def _verify_at(books_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--books", str(books_dir), "audit", "verify", *args], env=DAY)


def _check_every_anchor(books_dir: Path, tmp_path: Path, held: dict[Path, Anchor], kinds: set[str]) -> None:
    assert kinds <= {p.parts[1] if p.parts[1] != "governance" else p.parts[2] for p in held if len(p.parts) > 2}, held
    every = sorted(set(held.values()), key=lambda a: a.seq)
    result = _verify_at(books_dir, *(f"--anchor={a}" for a in every))
    assert result.exit_code == 0 and f"{len(every)} anchor(s) held" in result.output, result.output
    for a in every:
        cut = _truncated_copy(books_dir, tmp_path, a.seq)
        assert _verify_at(cut).exit_code == 0, "a clean truncation still verifies on its own"
        result = _verify_at(cut, "--anchor", str(a))
        assert result.exit_code == 1 and "truncated" in result.output, result.output


def test_every_money_document_prints_an_anchor_the_chain_holds_and_a_truncation_contradicts(
    coop: Coop, books_dir: Path, tmp_path: Path
) -> None:
    _money_year(coop, books_dir)
    held = _documents(books_dir)
    names = {p.name for p in held}
    assert {"mara-quist-agreement-v1.docx", "mara-quist-business-associate-agreement.docx", "mara-quist-acknowledgment-v1.docx"} <= names
    assert {"wes-okafor-settlement.docx", "teo-abernathy-statement.docx", "manual-v1.docx", "transparency-2027-01.docx"} <= names
    assert any(n.startswith("noor-haddad-fee-notice-") for n in names)
    _check_every_anchor(books_dir, tmp_path, held, {"agreements", "notices", "statements", "reports", "manual"})


def test_an_issued_document_prints_the_head_just_before_its_own_entry(coop: Coop, books_dir: Path) -> None:
    _money_year(coop, books_dir)
    books = open_books(books_dir)
    try:
        issued = books.journal.entries(["contract.issued", "document.issued"])
        assert issued
        for e in issued:
            a = e.data["anchor"]
            assert a["seq"] < e.seq and books.journal.entry(a["seq"]).hash == a["hash"]  # type: ignore[union-attr]
            where = f"agreements/{e.on}/{e.data['document']}" if e.kind == "contract.issued" else e.data["document"]
            assert _footer_anchors(books_dir / "documents" / where) == [Anchor(a["seq"], a["hash"])], where
    finally:
        books.close()


def test_the_same_commands_give_byte_identical_documents_and_record_nothing_twice(coop: Coop, books_dir: Path, tmp_path: Path) -> None:
    from test_fees import H1

    _money_year(coop, books_dir)
    first = {p: p.read_bytes() for p in (books_dir / "documents").rglob("*") if p.is_file()}
    books = open_books(books_dir)
    entries = books.journal.head()[0]
    books.close()
    ok(coop("contracts", "issue", "--all", "--on", "2027-01-05"))
    ok(coop("fees", "notices", H1, "--on", "2027-01-20"))
    again = ok(coop("statement", "--all", H1, "--on", "2027-07-10"))
    assert "0 recorded in the journal" in again.output
    books = open_books(books_dir)
    assert books.journal.head()[0] == entries, "the same documents issued again record nothing"
    books.close()
    for path in first:
        if (
            path.suffix in (".docx", ".md") and "reports" not in path.parts and "manual" not in path.parts
        ):  # those carry the head when written: not re-run here
            assert path.read_bytes() == first[path], path
    # the same commands on a second copy of the same books give the same bytes, anchors and all
    other = tmp_path / "other"
    create_books(other, text=founding_text())
    runner = CliRunner()

    def coop2(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(main, ["--books", str(other), *args], env=env, catch_exceptions=False)

    _money_year(coop2, other)
    for path, data in first.items():
        twin = other / path.relative_to(books_dir)
        if path.suffix in (".docx", ".md", ".csv", ".json") and "reports" not in path.parts:
            assert twin.read_bytes() == data, path


def test_a_changed_document_is_a_new_issuance_and_old_paper_still_holds(coop: Coop, books_dir: Path) -> None:
    _money_year(coop, books_dir)
    folder = books_dir / "documents" / "agreements" / "2027-01-05"
    [old] = _footer_anchors(folder / "noor-haddad-agreement-v1.docx")
    ok(coop("contracts", "issue", "noor-haddad", "--on", "2027-08-02"))
    [new] = _footer_anchors(books_dir / "documents" / "agreements" / "2027-08-02" / "noor-haddad-agreement-v1.docx")
    assert new.seq > old.seq
    assert _footer_anchors(folder / "noor-haddad-agreement-v1.docx") == [old], "the earlier paper is never rewritten"
    assert ok(coop("audit", "verify", "--anchor", str(old), "--anchor", str(new), env=DAY))


def test_commands_print_the_anchor_and_json_carries_it(coop: Coop, books_dir: Path, tmp_path: Path) -> None:
    from test_fees import H1

    assert ok(coop("manual", "render", "1")).output.strip().endswith(EMPTY), "before the first entry there is no anchor to hold"
    _money_year(coop, books_dir)
    issued = ok(coop("contracts", "issue", "--all", "--on", "2027-01-05"))
    assert printed(issued.output) == [_footer_anchors(books_dir / "documents/agreements/2027-01-05/wes-okafor-agreement-v1.docx")[0]]
    copy = tmp_path / "teo.md"
    statement = json.loads(ok(coop("statement", "teo-abernathy", H1, "--on", "2027-07-10", "--md", str(copy), "--json")).output)
    [teo] = _footer_anchors(books_dir / "documents/statements/2027-01/teo-abernathy-statement.docx")
    assert statement["anchor"] == {"seq": teo.seq, "hash": teo.hash}, "the statement as issued, anchor and all"
    assert printed(copy.read_text()) == [teo]
    notices = json.loads(ok(coop("fees", "notices", H1, "--on", "2027-01-20", "--json")).stdout)
    assert all(set(n["anchor"]) == {"seq", "hash"} for n in notices)
    report = json.loads(ok(coop("report", "transparency", H1, "--json")).output)
    books = open_books(books_dir)
    seq, digest = books.journal.head()
    books.close()
    assert report["anchor"] == {"seq": seq, "hash": digest}
    text = ok(coop("report", "transparency", H1)).output
    assert text.strip().endswith(line(Anchor(seq, digest)))


def test_governance_papers_and_ballot_receipts_print_anchors_the_chain_holds(gov: Coop, books_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    from test_governance import MEMBERS, _terminate, vote

    _terminate(gov)
    ok(gov("papers", "notice", "P-1", "--on", "2027-02-01", env=at("2027-02-01")))
    grounds = json.loads(ok(gov("papers", "grounds", "P-1", "--on", "2027-02-01", "--json", env=at("2027-02-01"))).output)
    receipts = [printed(ok(vote(gov, "2027-03-02", "P-1", m, "yes")).output) for m in MEMBERS[:4]]
    assert all(len(r) == 1 for r in receipts)
    ok(gov("proposal", "close", "P-1", env=at("2027-03-04")))
    ok(gov("papers", "decision", "P-1", "--on", "2027-03-05", env=at("2027-03-05")))
    ok(gov("papers", "minutes", "--on", "2027-03-05", env=at("2027-03-05")))
    held = _documents(books_dir)
    [grounds_docx] = [p for p in held if p.name.endswith(".docx") and "termination-grounds" in p.parts]
    assert grounds[0]["anchor"] == {"seq": held[grounds_docx].seq, "hash": held[grounds_docx].hash}
    for r in receipts:
        books = open_books(books_dir)
        assert books.journal.entry(r[0].seq).kind == "ballot.cast"  # type: ignore[union-attr]
        books.close()
        held[Path(f"receipt-{r[0].seq}")] = r[0]
    _check_every_anchor(books_dir, tmp_path, held, {"proposal-notice", "termination-grounds", "decision-record", "minutes"})
