"""Statements and reports as a person asks for them: which to build, which files to write, whether to issue.

``coop statement`` and ``coop report transparency`` (and the portal after
them) name a cycle and the files they want; this module builds the figures
once, writes each file whole and issues through :func:`engine.documents.notices.issue`,
so every interface writes the same bytes and records the same entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from engine.audit.anchors import Anchor
from engine.books.folder import Books
from engine.books.naming import cycle_named, documents_folder
from engine.books.output import write_bytes, write_text
from engine.documents import anchor as anchoring
from engine.documents import notices, statements
from engine.documents.manual import Published, publish_version
from engine.governance.versions import versions


def issue_cycle_statements(books: Books, cycle: str, day: date, out: Path | None) -> list[notices.Issued]:
    """Every provider's statement for the cycle (a leaver's settlement letter once it closed), issued and recorded."""
    c = cycle_named(books, cycle)
    return notices.issue(books, notices.statement_documents(books, c, day), documents_folder(books, out), day)


@dataclass(frozen=True)
class ProviderStatement:
    statement: statements.Statement
    summary: list[tuple[str, int]]
    issued: list[notices.Issued]
    anchor: Anchor | None = None
    """The journal head the statement's documents print (the issued one's, when issued)."""


def provider_statement(
    books: Books,
    provider_id: str,
    cycle: str,
    day: date,
    *,
    csv_file: Path | None = None,
    md_file: Path | None = None,
    docx_file: Path | None = None,
    issue: bool = False,
    out: Path | None = None,
) -> ProviderStatement:
    """One provider's statement for a cycle, written to the files asked for and issued if asked."""
    c = cycle_named(books, cycle)
    s = statements.statement(books, provider_id, c, as_of=day)
    doc = notices.statement_document(books, provider_id, c, day) if md_file or docx_file or issue else None
    if csv_file:
        write_text(csv_file, statements.statement_csv(s))
    done = notices.issue(books, [doc], documents_folder(books, out), day) if doc is not None and issue else []
    anchor = done[0].anchor if done else anchoring.current(books.journal)
    if doc is not None and (md_file or docx_file):
        if done:  # the copies asked for are the document issued, anchor and all
            markdown, docx = done[0].markdown.read_text(encoding="utf-8"), done[0].docx.read_bytes()
        else:
            anchor, markdown, docx = notices.reprint(books, doc)
        if md_file:
            write_text(md_file, markdown)
        if docx_file:
            write_bytes(docx_file, docx)
    return ProviderStatement(s, statements.summary_rows(s), done, anchor)


def transparency_report(
    books: Books, cycle: str, *, csv_file: Path | None = None, md_file: Path | None = None, docx_file: Path | None = None
) -> statements.Transparency:
    """The cycle's transparency report, written to the files asked for."""
    c = cycle_named(books, cycle)
    t = statements.transparency(books, c)
    if csv_file:
        write_text(csv_file, statements.transparency_csv(t))
    if md_file:
        write_text(md_file, anchoring.markdown(statements.transparency_markdown(t), anchoring.line(t.anchor)))
    if docx_file:
        write_bytes(docx_file, statements.transparency_docx(t, books.federation.holder, c.last_day))
    return t


def publish_manual(books: Books, version: int | None, out: Path | None) -> tuple[int, Published]:
    """Write manual ``version`` (None: the latest) as Markdown and DOCX; which number it was, and where it went."""
    number = version if version is not None else len(versions(books))
    return number, publish_version(books, number, documents_folder(books, out))


@dataclass(frozen=True)
class FeeNotices:
    issued: list[notices.Issued]
    settings: list[tuple[str, int, int, str]]
    """Each time the fee was set: from which month, the new fee, how many notices, and why."""
    warning: str | None = None
    """One line when notices come after a month their fee already charged (each notice says so too)."""


def issue_fee_notices(books: Books, cycle: str, day: date, out: Path | None, from_month: str | None = None) -> FeeNotices:
    """A fee notice to each provider for each time the named cycle's fee was set or re-evaluated (or only from ``from_month``)."""
    from engine.books.naming import month_named
    from engine.ledger.fees import settings

    c = cycle_named(books, cycle)
    done = notices.issue(books, notices.fee_notices(books, c, day, month_named(from_month, "--from")), documents_folder(books, out), day)
    rows: dict[int, list[Any]] = {}
    for d in done:
        f = d.figures
        row = rows.setdefault(f["setting"], [f["from_month"], f["fee"], 0])
        row[2] += 1
    reasons = {s.seq: s.reason for s in settings(books, c)}
    return FeeNotices(done, [(r[0], r[1], r[2], reasons[seq]) for seq, r in rows.items()], notices.late_warning(done, day))


def render_samples(names: tuple[str, ...] | list[str], out: Path) -> list[tuple[Path, Path]]:
    """Templates (none named: all) rendered with their sample data, as Markdown and DOCX, to look at."""
    from engine.documents.contracts import render_sample
    from engine.documents.templates import registry
    from engine.errors import UserError

    known = registry()
    for name in names:
        if name not in known:
            raise UserError(f"no template '{name}'", field="NAME", expected=", ".join(known))
    return [render_sample(name, out) for name in names or known]
