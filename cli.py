"""The ``coop`` command.

Only click is imported at start-up so ``coop --help`` answers at once; each
command imports the engine modules it needs. A user's mistake arrives here
as :class:`engine.errors.UserError` and leaves as one line on stderr with
exit status 2.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from engine.errors import UserError

if TYPE_CHECKING:
    from engine.books import Books


# --- edges: argument types and error reporting ------------------------------------


class Failure(click.ClickException):
    """A user's mistake, reported in one line with exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"coop: error: {self.format_message()}", err=True)


class CoopGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise Failure(str(exc)) from None


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"'{value}' is not a date (expected YYYY-MM-DD)", param, ctx)


class MoneyType(click.ParamType):
    name = "AMOUNT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from engine.money import parse_cents

        try:
            return parse_cents(str(value))
        except ValueError as exc:
            self.fail(f"'{value}' is not an amount (expected {exc})", param, ctx)


DATE = DateType()
MONEY = MoneyType()


def open_books(ctx: click.Context) -> Books:
    from engine.books import open_books as _open

    books = _open(ctx.obj.get("books"))
    ctx.call_on_close(books.close)
    return books


def today() -> date:
    from engine import clock

    return clock.today()


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str))


def table(rows: list[list[Any]], headers: list[str], align: dict[int, str] | None = None) -> str:
    from tabulate import tabulate

    colalign = [(align or {}).get(i, "left") for i in range(len(headers))]
    return tabulate(rows, headers=headers, tablefmt="simple", colalign=colalign, disable_numparse=True)


def money(cents: int, books: Books) -> str:
    from engine.money import format_cents

    return format_cents(cents, books.federation.currency)


as_of_option = click.option("--as-of", "as_of", type=DATE, default=None, help="Show the books as they stood on this date (default: today).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table.")


# --- the command group ---------------------------------------------------------------


@click.group(cls=CoopGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--books",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The federation's folder (default: found from the current folder upwards).",
)
@click.version_option(package_name="coop")
@click.pass_context
def main(ctx: click.Context, books: Path | None) -> None:
    """Run a federation of independent therapy practices as a cooperative."""
    ctx.ensure_object(dict)
    ctx.obj["books"] = books


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Our Therapy Co-Op", show_default=True, help="The federation's name.")
@click.option("--founded", type=DATE, default=None, help="Founding date (default: the first of next month).")
@click.option("--parent", "parent_name", default="Parent Practice PLLC", show_default=True, help="The parent practice's legal name.")
@click.option("--principal", default="Principal Name", show_default=True, help="The parent practice's principal.")
def init(folder: Path, name: str, founded: date | None, parent_name: str, principal: str) -> None:
    """Start a federation's books in FOLDER: a commented federation.yaml and an empty journal."""
    from engine.founding import create_books, first_of_next_month

    founded = founded or first_of_next_month(today())
    create_books(folder, name=name, founded=founded, parent={"legal_name": parent_name, "principal": principal})
    click.echo(f"Started the books of {name} in {folder}")
    click.echo(f"Next: edit {folder / 'federation.yaml'} (roster, budget, rules), then run 'coop --books {folder} status'.")


@main.command()
@as_of_option
@json_option
@click.pass_context
def status(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """The roster, budget, current cycle and fee."""
    from engine.status import summarise

    books = open_books(ctx)
    s = summarise(books, as_of or today())
    if as_json:
        emit_json(s.as_json())
        return
    fed = books.federation
    click.echo(f"{fed.name}, as of {s.as_of}")
    click.echo(f"Parent practice: {fed.parent.legal_name} (principal: {fed.parent.principal})")
    click.echo(f"Cycle: {s.cycle.label} ({s.cycle.length} months), month {s.month_index} of {s.cycle.length}")
    click.echo(f"Shared budget this month: {money(s.budget_total, books)}")
    click.echo(f"Monthly fee: {s.fee_text(lambda c: money(c, books))}")
    click.echo("")
    click.echo(f"Providers ({len(s.active)} active)")
    click.echo(
        table(
            [[m.id, m.provider.name, m.provider.practice, m.start.isoformat()] for m in s.active],
            ["id", "name", "practice", "since"],
        )
    )
    click.echo("")
    click.echo("Budget (per month)")
    rows = [[b.id, b.name, b.category, money(b.monthly, books), b.vendor + (" (co-op)" if b.cooperative_vendor else "")] for b in s.lines]
    rows.append(["", "Total", "", money(s.budget_total, books), ""])
    click.echo(table(rows, ["line", "name", "category", "monthly", "vendor"], {3: "right"}))


# --- providers --------------------------------------------------------------------


@main.group()
def provider() -> None:
    """The roster: list, show, join, leave, import."""


def _membership_json(m: Any, on: date) -> dict[str, Any]:
    return {
        **m.provider.model_dump(mode="json"),
        "status": m.status(on),
        "end": m.end.isoformat() if m.end else None,
        "leaving_reason": m.reason,
    }


@provider.command("list")
@as_of_option
@click.option("--all", "everyone", is_flag=True, help="Include providers who have left.")
@json_option
@click.pass_context
def provider_list(ctx: click.Context, as_of: date | None, everyone: bool, as_json: bool) -> None:
    """Providers in the federation."""
    from engine.roster import memberships

    books = open_books(ctx)
    on = as_of or today()
    members = [m for m in memberships(books, on).values() if everyone or m.active_on(on)]
    members.sort(key=lambda m: m.id)
    if as_json:
        emit_json([_membership_json(m, on) for m in members])
        return
    rows = [[m.id, m.provider.name, m.provider.practice, m.provider.licence, m.start.isoformat(), m.status(on)] for m in members]
    click.echo(table(rows, ["id", "name", "practice", "licence", "since", "status"]))


@provider.command("show")
@click.argument("provider_id")
@as_of_option
@json_option
@click.pass_context
def provider_show(ctx: click.Context, provider_id: str, as_of: date | None, as_json: bool) -> None:
    """One provider's details and membership."""
    from engine.roster import require

    books = open_books(ctx)
    on = as_of or today()
    m = require(books, provider_id)
    data = _membership_json(m, on)
    if as_json:
        emit_json(data)
        return
    labels = ["id", "name", "practice", "licence", "email", "start", "end", "status", "leaving_reason"]
    click.echo(table([[k, data[k] if data[k] is not None else ""] for k in labels], ["field", "value"]))


@provider.command("join")
@click.argument("provider_id")
@click.option("--name", required=True)
@click.option("--practice", required=True, help="The provider's own practice's legal name.")
@click.option("--licence", required=True)
@click.option("--email", required=True)
@click.option("--on", "on", type=DATE, required=True, help="First day of membership.")
@click.pass_context
def provider_join(ctx: click.Context, provider_id: str, name: str, practice: str, licence: str, email: str, on: date) -> None:
    """Record a provider joining (after the members approved it)."""
    from engine.roster import join

    books = open_books(ctx)
    entry = join(books, {"id": provider_id, "name": name, "practice": practice, "licence": licence, "email": email, "start": on})
    click.echo(f"{name} ({provider_id}) joins on {on} (journal entry {entry.seq}).")


@provider.command("leave")
@click.argument("provider_id")
@click.option("--on", "on", type=DATE, required=True, help="Last day of membership.")
@click.option("--reason", default="", help="Optional: no reason is needed to leave.")
@click.pass_context
def provider_leave(ctx: click.Context, provider_id: str, on: date, reason: str) -> None:
    """Record a provider leaving. Anyone may leave at any time, for any reason."""
    from engine.roster import leave

    books = open_books(ctx)
    entry = leave(books, provider_id, on, reason)
    click.echo(f"{provider_id} leaves; last day {on} (journal entry {entry.seq}).")


@provider.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def provider_import(ctx: click.Context, csv_file: Path) -> None:
    """Record many joins from a CSV (id,name,practice,licence,email,start), all or none."""
    from engine.roster import import_csv

    books = open_books(ctx)
    entries = import_csv(books, csv_file)
    click.echo(f"Recorded {len(entries)} joins from {csv_file}.")


# --- budget ---------------------------------------------------------------------


@main.group()
def budget() -> None:
    """The agreed shared expenses."""


@budget.command("list")
@as_of_option
@json_option
@click.pass_context
def budget_list(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """Budget lines in force on a date."""
    from engine.budget import lines_on

    books = open_books(ctx)
    lines = lines_on(books, as_of or today())
    if as_json:
        emit_json([b.model_dump(mode="json", by_alias=True) for b in lines])
        return
    rows = [[b.id, b.name, b.category, money(b.monthly, books), b.vendor, b.effective.isoformat(), b.until or ""] for b in lines]
    rows.append(["", "Total", "", money(sum(b.monthly for b in lines), books), "", "", ""])
    click.echo(table(rows, ["line", "name", "category", "monthly", "vendor", "from", "until"], {3: "right"}))


@budget.command("set")
@click.argument("line_id")
@click.option("--monthly", type=MONEY, default=None, help="New monthly amount.")
@click.option("--from", "effective", type=DATE, required=True, help="Date the change takes effect.")
@click.option("--until", type=DATE, default=None, help="Last day the line is in force.")
@click.option("--name", default=None)
@click.option("--category", default=None)
@click.option("--vendor", default=None)
@click.option("--cooperative-vendor/--not-cooperative-vendor", "cooperative_vendor", default=None)
@click.option("--note", default="", help="Why the line changes.")
@click.pass_context
def budget_set(ctx: click.Context, line_id: str, effective: date, note: str, **changes: Any) -> None:
    """Add a budget line or change one from a date (a new dated version; history is kept)."""
    from engine.budget import set_line

    books = open_books(ctx)
    entry, line = set_line(books, line_id, effective, {k: v for k, v in changes.items() if v is not None}, note)
    click.echo(f"Budget line {line.id}: {money(line.monthly, books)} a month from {line.effective} (journal entry {entry.seq}).")


# --- journal and audit -------------------------------------------------------------


@main.group()
def journal() -> None:
    """The append-only record of everything after founding."""


@journal.command("list")
@click.option("--kind", default=None, help="Only entries of this kind (e.g. provider.joined).")
@json_option
@click.pass_context
def journal_list(ctx: click.Context, kind: str | None, as_json: bool) -> None:
    """Every entry in order, including withdrawn ones."""
    books = open_books(ctx)
    entries = books.journal.entries([kind] if kind else None, include_voided=True)
    voided = books.journal.voided()
    if as_json:
        emit_json(
            [
                {
                    "seq": e.seq,
                    "kind": e.kind,
                    "on": e.on,
                    "recorded_at": e.recorded_at,
                    "data": e.data,
                    "ref": e.ref,
                    "hash": e.hash,
                    "voided": e.seq in voided,
                }
                for e in entries
            ]
        )
        return
    rows = [[e.seq, e.on, e.kind, _summary(e.data), e.ref or "", "withdrawn" if e.seq in voided else ""] for e in entries]
    click.echo(table(rows, ["#", "on", "kind", "what", "ref", ""], {0: "right"}))


def _summary(data: dict[str, Any], width: int = 60) -> str:
    text = ", ".join(f"{k}={v if not isinstance(v, dict) else v.get('id', '…')}" for k, v in sorted(data.items()))
    text = " ".join(text.split())  # multi-line values (a manual version's text) stay on one row
    return text if len(text) <= width else text[: width - 1] + "…"


@journal.command("void")
@click.argument("seq", type=int)
@click.option("--reason", required=True, help="Why the entry is withdrawn.")
@click.pass_context
def journal_void(ctx: click.Context, seq: int, reason: str) -> None:
    """Withdraw a mistaken entry: a new entry that points at it (nothing is deleted)."""
    from engine.corrections import void

    books = open_books(ctx)
    entry = void(books, seq, reason)
    click.echo(f"Entry {seq} withdrawn by entry {entry.seq}.")


@main.group()
def audit() -> None:
    """Checks that the records were not edited."""


@audit.command("verify")
@json_option
@click.pass_context
def audit_verify(ctx: click.Context, as_json: bool) -> None:
    """Recompute the hash chain over the whole journal; exit 1 if anything was edited."""
    from engine.audit import verify

    books = open_books(ctx)
    report = verify(books)
    if as_json:
        emit_json({"ok": report.ok, "entries": report.entries, "head": report.head, "problems": report.problems})
    elif report.ok:
        click.echo(f"OK: {report.entries} entries, chain intact. Head: {report.head}")
    else:
        for problem in report.problems:
            click.echo(f"FAILED: {problem}", err=True)
    if not report.ok:
        ctx.exit(1)


@audit.command("seal")
@click.option("--reason", required=True, help="Why federation.yaml was changed.")
@click.pass_context
def audit_seal(ctx: click.Context, reason: str) -> None:
    """Accept an edit to federation.yaml, on the record."""
    books = open_books(ctx)
    entry = books.reseal(reason)
    click.echo(f"federation.yaml sealed again at entry {entry.seq}: {reason}")


# --- documents: the manual, agreements and templates ------------------------------


def _documents_out(books: Books, out: Path | None) -> Path:
    return out if out is not None else books.folder / "documents"


def _pdf(paths: list[Path]) -> None:
    from engine.pdf import MISSING, to_pdf

    made = to_pdf(paths)
    if made is None:
        click.echo(MISSING, err=True)
        return
    for p in made:
        click.echo(f"  {p}")


out_option = click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder for the documents (default: BOOKS/documents)."
)
pdf_option = click.option("--pdf", is_flag=True, help="Also write PDFs (needs LibreOffice; skipped with a message without it).")


@main.group()
def manual() -> None:
    """The Co-Op Procedures manual: render a version, redline two, list versions."""


@manual.command("render")
@click.argument("version", type=int, required=False)
@out_option
@pdf_option
@click.pass_context
def manual_render(ctx: click.Context, version: int | None, out: Path | None, pdf: bool) -> None:
    """Write manual VERSION (default: the latest) as Markdown and DOCX."""
    from engine.manual import publish_version
    from engine.manual_versions import versions

    books = open_books(ctx)
    number = version if version is not None else len(versions(books))
    done = publish_version(books, number, _documents_out(books, out))
    state = "as adopted (stored in the journal)" if done.stored else "rendered now; fixed in the journal at the first issuance or amendment"
    click.echo(f"Manual version {number}, {state}; SHA-256 {done.sha256}")
    click.echo(f"  {done.markdown}\n  {done.docx}")
    if pdf:
        _pdf([done.docx])


@manual.command("diff")
@click.argument("v1", type=int)
@click.argument("v2", type=int)
@out_option
@pdf_option
@click.pass_context
def manual_diff(ctx: click.Context, v1: int, v2: int, out: Path | None, pdf: bool) -> None:
    """A redline from V1 to V2: Markdown with <ins>/<del>, DOCX underlined and struck through."""
    from engine.manual import publish_redline

    books = open_books(ctx)
    done, marked = publish_redline(books, v1, v2, _documents_out(books, out))
    click.echo(f"Redline v{v1} -> v{v2}: {marked.changed} blocks changed, {marked.inserted} inserted, {marked.deleted} deleted")
    click.echo(f"  {done.markdown}\n  {done.docx}")
    if pdf:
        _pdf([done.docx])


@manual.command("versions")
@json_option
@click.pass_context
def manual_versions_cmd(ctx: click.Context, as_json: bool) -> None:
    """Every manual version: number, effective date, the vote that adopted it, its SHA-256."""
    from engine.manual_versions import versions

    books = open_books(ctx)
    vs = versions(books)
    if as_json:
        emit_json(
            [
                {
                    "version": v.number,
                    "effective": v.effective,
                    "proposal": v.proposal,
                    "summary": v.summary,
                    "sha256": v.sha256,
                    "entry": v.entry,
                }
                for v in vs
            ]
        )
        return
    rows = [[v.number, v.effective, v.proposal or "", v.summary, (v.sha256 or "not yet recorded")[:16]] for v in vs]
    click.echo(table(rows, ["version", "effective", "proposal", "summary", "sha256"], {0: "right"}))


@main.group()
def contracts() -> None:
    """Provider services agreements and manual acknowledgments: issue, sign, status."""


@contracts.command("issue")
@click.argument("providers", nargs=-1)
@click.option("--all", "everyone", is_flag=True, help="Every provider active on the issue date.")
@click.option("--on", "on", type=DATE, default=None, help="Issue date (default: today); sets the manual version and fee stated.")
@click.option("--kind", type=click.Choice(["agreement", "acknowledgment"]), default="agreement", show_default=True)
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal).")
@out_option
@pdf_option
@click.pass_context
def contracts_issue(
    ctx: click.Context,
    providers: tuple[str, ...],
    everyone: bool,
    on: date | None,
    kind: str,
    progress: bool | None,
    out: Path | None,
    pdf: bool,
) -> None:
    """Issue one document per PROVIDER (or --all) plus a register (CSV and JSON), recorded in the journal."""
    from engine.contracts import issue

    if everyone == bool(providers):
        raise UserError("name providers or give --all (not both)", field="PROVIDER", expected="ids such as mara-quist, or --all")
    books = open_books(ctx)
    show = progress if progress is not None else sys.stderr.isatty()

    def bar(items: Any) -> Any:
        return click.progressbar(items, label=f"Issuing {kind}s", file=sys.stderr, show_pos=True)

    batch = issue(books, None if everyone else list(providers), on or today(), _documents_out(books, out), kind, bar if show else None)
    fresh = sum(d.recorded for d in batch.documents)
    click.echo(f"Issued {len(batch.documents)} {kind}(s) in {batch.folder} ({fresh} recorded, {len(batch.documents) - fresh} unchanged)")
    click.echo(f"  register: {batch.register_csv} and {batch.register_json}")
    if pdf:
        _pdf([batch.folder / d.document for d in batch.documents])


@contracts.command("status")
@as_of_option
@json_option
@click.pass_context
def contracts_status(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """Who has signed which manual version and fee, and who needs a new agreement or acknowledgment."""
    from engine.contracts import status

    books = open_books(ctx)
    current, fee, rows = status(books, as_of or today())
    if as_json:
        emit_json({"manual_version": current.number, "fee": fee, "providers": [r.as_json() for r in rows]})
        return
    fee_text = money(fee, books) if fee is not None else "none"
    click.echo(f"Manual in force: version {current.number} (effective {current.effective}); monthly fee {fee_text}")
    body = [
        [
            r.provider,
            r.agreement or "-",
            r.version or "-",
            money(r.fee, books) if r.fee is not None else "-",
            r.awaiting or "-",
            r.needs or "up to date",
        ]
        for r in rows
    ]
    click.echo(table(body, ["provider", "agreement signed", "version", "fee", "awaiting signature", "needs"]))


@contracts.command("signed")
@click.argument("provider_id")
@click.option("--on", "on", type=DATE, required=True, help="The date the provider signed.")
@click.option(
    "--kind", type=click.Choice(["agreement", "acknowledgment"]), default=None, help="Which document (default: the latest issued)."
)
@click.pass_context
def contracts_signed(ctx: click.Context, provider_id: str, on: date, kind: str | None) -> None:
    """Record that PROVIDER signed the latest document issued to them."""
    from engine.contracts import sign

    books = open_books(ctx)
    entry = sign(books, provider_id, on, kind)
    click.echo(
        f"{provider_id} signed {entry.data['document']} (manual v{entry.data['manual_version']}) on {on} (journal entry {entry.seq})."
    )


@main.group()
def templates() -> None:
    """Document templates and their data models."""


@templates.command("check")
@json_option
def templates_check(as_json: bool) -> None:
    """Render every template with sample data; report names missing from its model and fields never used."""
    from engine.templates import check_all

    results = check_all()
    if as_json:
        emit_json([{"template": r.name, "ok": r.ok, "missing": r.missing, "unused": r.unused, "error": r.error} for r in results])
    else:
        for r in results:
            click.echo(f"{'ok  ' if r.ok else 'FAIL'} {r.name}")
            for name in r.missing:
                click.echo(f"     missing from the model: {name}")
            for name in r.unused:
                click.echo(f"     never used by the template: {name}")
            if r.error:
                click.echo(f"     {r.error}")
    if not all(r.ok for r in results):
        sys.exit(1)


@templates.command("sample")
@click.argument("names", nargs=-1)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True)
@pdf_option
def templates_sample(names: tuple[str, ...], out: Path, pdf: bool) -> None:
    """Render templates (default: all) with their sample data, as Markdown and DOCX, to look at."""
    from engine.contracts import render_sample
    from engine.templates import registry

    known = registry()
    for name in names:
        if name not in known:
            raise UserError(f"no template '{name}'", field="NAME", expected=", ".join(known))
    written = [render_sample(name, out) for name in names or known]
    for md, docx in written:
        click.echo(f"  {md}\n  {docx}")
    if pdf:
        _pdf([docx for _, docx in written])


# --- demo -------------------------------------------------------------------------


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("coop-demo"))
def demo(folder: Path) -> None:
    """Found a sample federation in FOLDER (default ./coop-demo) and run every capability."""
    from engine.demo import STEPS
    from engine.founding import create_demo_books

    create_demo_books(folder)
    click.secho(f"Founded a sample federation in {folder}", bold=True)
    for step in STEPS:
        click.echo("")
        click.secho(step.say, bold=True)
        click.secho("$ coop " + " ".join(_quote(a) for a in step.args), fg="cyan")
        main.main(["--books", str(folder), *step.args], standalone_mode=False)
    click.echo("")
    click.secho(f"Done. The books are in {folder}; try 'coop --books {folder} status'.", bold=True)


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
