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
    _fee_changes_since(books, entry.seq)


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
    _fee_changes_since(books, entry.seq)


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
    _fee_changes_since(books, entry.seq)


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


# --- fees, ledger, cycle close, statements (the fee engine) ---------------------------------


def _cycle(books: Books, text: str | None, field: str = "CYCLE") -> Any:
    from engine.cycles import cycle_containing, parse_cycle

    if text is None:
        return cycle_containing(today(), books.federation.cycle)
    return parse_cycle(text, books.federation.cycle, field)


def _month(text: str | None, field: str) -> Any:
    from engine.cycles import Month

    if text is None:
        return None
    try:
        y, m = text.strip().split("-")
        month = Month(int(y), int(m))
        month.first  # noqa: B018 - validates the month
    except ValueError:
        raise UserError(f"'{text}' is not a month", field=field, expected="YYYY-MM") from None
    return month


def _plan_text(p: Any, books: Books) -> str:
    old = f"was {money(p.old, books)}" if p.old is not None else "first fee of the cycle"
    return (
        f"{money(p.amount, books)} a month from {p.from_month} ({old}): "
        f"{money(p.to_collect, books)} to collect over {_pm(p.provider_months)} provider-months, rounded up"
    )


def _fee_changes_since(books: Books, seq: int) -> None:
    """Say which fees a staffing change re-evaluated (the engine did it in the same transaction)."""
    from engine.fees import settings

    for s in settings(books):
        if s.seq > seq:
            was = f" (was {money(s.old, books)})" if s.old is not None else ""
            click.echo(f"Fee for cycle {s.cycle} re-evaluated from {s.from_month}: {money(s.amount, books)}{was}.")


def _pm(value: Any) -> str:
    return str(value) if value.denominator == 1 else f"{float(value):.3f}"


@main.group()
def fees() -> None:
    """The monthly fee: set it, see it, send notices."""


@fees.command("recalc")
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--from", "from_month", default=None, metavar="YYYY-MM", help="Set it again from this month of the cycle.")
@click.option("--reason", default=None, help="Why (shown on the fee notice).")
@click.pass_context
def fees_recalc(ctx: click.Context, cycle_id: str, from_month: str | None, reason: str | None) -> None:
    """Set CYCLE's fee: its budget over its provider-months, rounded up to the cent."""
    from engine.fees import recalc

    books = open_books(ctx)
    cycle = _cycle(books, cycle_id)
    plan, recorded = recalc(books, cycle, _month(from_month, "--from"), reason)
    if recorded:
        click.echo(f"Fee for {cycle.label}: {_plan_text(plan, books)}.")
    else:
        click.echo(f"Fee for {cycle.label} unchanged at {money(plan.amount, books)}.")


@fees.command("show")
@click.argument("cycle_id", metavar="[CYCLE]", required=False)
@json_option
@click.pass_context
def fees_show(ctx: click.Context, cycle_id: str | None, as_json: bool) -> None:
    """The fee in each month of a cycle (default: the current one) and why it changed."""
    from engine.fees import schedule, settings

    books = open_books(ctx)
    cycle = _cycle(books, cycle_id)
    found = settings(books, cycle)
    months = schedule(books, cycle, found)
    if as_json:
        emit_json(
            {
                "cycle": cycle.id,
                "months": {str(m): f for m, f in zip(cycle.months, months, strict=True)},
                "settings": [
                    {
                        "seq": s.seq,
                        "from_month": str(s.from_month),
                        "amount": s.amount,
                        "old": s.old,
                        "reason": s.reason,
                        "to_collect": s.to_collect,
                        "provider_months": str(s.provider_months),
                    }
                    for s in found
                ],
            }
        )
        return
    if not found:
        click.echo(f"No fee set for {cycle.label}; set it with 'coop fees recalc {cycle.id}'.")
        return
    click.echo(f"Monthly fee, cycle {cycle.label}")
    click.echo(
        table(
            [[str(m), money(f, books) if f is not None else "not set"] for m, f in zip(cycle.months, months, strict=True)],
            ["month", "fee"],
            {1: "right"},
        )
    )
    click.echo("")
    rows = [
        [
            str(s.from_month),
            money(s.amount, books),
            money(s.old, books) if s.old is not None else "",
            f"{money(s.to_collect, books)} / {_pm(s.provider_months)}",
            s.reason,
        ]
        for s in found
    ]
    click.echo(table(rows, ["from", "fee", "before", "to collect / provider-months", "why"], {1: "right", 2: "right"}))


@fees.command("notices")
@click.argument("cycle_id", metavar="CYCLE")
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Write one Markdown notice per provider here."
)
@json_option
@click.pass_context
def fees_notices(ctx: click.Context, cycle_id: str, out_dir: Path | None, as_json: bool) -> None:
    """A notice for each provider each time CYCLE's fee was set or re-evaluated."""
    from dataclasses import asdict

    from engine.output import write_text
    from engine.statements import notice_markdown, notices

    books = open_books(ctx)
    found = notices(books, _cycle(books, cycle_id))
    if as_json:
        emit_json([asdict(n) for n in found])
        return
    if out_dir is not None:
        for n in found:
            write_text(out_dir / f"fee-notice-{n.from_month}-{n.provider}.md", notice_markdown(n))
        click.echo(f"Wrote {len(found)} fee notices to {out_dir}.")
        return
    rows = [[n.from_month, n.provider, money(n.old, books) if n.old is not None else "", money(n.new, books), n.reason] for n in found]
    click.echo(table(rows, ["from", "provider", "old fee", "new fee", "why"], {2: "right", 3: "right"}))


@fees.command("rules")
@as_of_option
@click.pass_context
def fees_rules(ctx: click.Context, as_of: date | None) -> None:
    """The fee rules in force, in words, from the same data the engine runs on."""
    from engine.fees import rules_text

    books = open_books(ctx)
    for line in rules_text(books, as_of or today()):
        click.echo(f"- {line}")


correction_option = click.option(
    "--correction", default=None, metavar="REASON", help="Record in a closed cycle, as an explicit correction."
)


@main.group()
def payment() -> None:
    """Money from and to providers."""


@payment.command("record")
@click.argument("provider_id", metavar="PROVIDER")
@click.argument("amount", type=MONEY)
@click.option("--on", "on", type=DATE, required=True, help="Date received.")
@click.option("--ref", default="", help="Cheque or transfer reference.")
@correction_option
@click.pass_context
def payment_record(ctx: click.Context, provider_id: str, amount: int, on: date, ref: str, correction: str | None) -> None:
    """Record a fee payment received from PROVIDER."""
    from engine.ledger import provider_balances, record_payment

    books = open_books(ctx)
    entry = record_payment(books, provider_id, amount, on, ref, correction)
    owes = provider_balances(books, on).get(provider_id, 0)
    click.echo(f"Payment of {money(amount, books)} from {provider_id} on {on} (journal entry {entry.seq}); balance {money(owes, books)}.")


@payment.command("payout")
@click.argument("provider_id", metavar="PROVIDER")
@click.argument("amount", type=MONEY)
@click.option("--on", "on", type=DATE, required=True, help="Date paid.")
@click.option("--ref", default="", help="Transfer reference.")
@correction_option
@click.pass_context
def payment_payout(ctx: click.Context, provider_id: str, amount: int, on: date, ref: str, correction: str | None) -> None:
    """Pay PROVIDER money owed to them (a refund, a final settlement)."""
    from engine.ledger import record_payout

    books = open_books(ctx)
    entry = record_payout(books, provider_id, amount, on, ref, correction)
    click.echo(f"Paid {money(amount, books)} to {provider_id} on {on} (journal entry {entry.seq}).")


@payment.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def payment_import(ctx: click.Context, csv_file: Path) -> None:
    """Record many payments from a CSV (provider,amount,on,ref), all or none."""
    from engine.ledger import import_payments

    books = open_books(ctx)
    count, total = import_payments(books, csv_file)
    click.echo(f"Recorded {count} payments totalling {money(total, books)} from {csv_file.name}.")


@main.group()
def expense() -> None:
    """Shared expenses the parent pays."""


@expense.command("record")
@click.argument("line_id", metavar="LINE")
@click.argument("amount", type=MONEY)
@click.option("--on", "on", type=DATE, required=True, help="Date paid.")
@click.option("--receipt", required=True, help="Invoice or receipt reference.")
@click.option("--vendor", default=None, help="Who was paid (default: the budget line's vendor).")
@click.option("--for-month", "for_month", default=None, metavar="YYYY-MM", help="The month it pays for (default: the date's month).")
@correction_option
@click.pass_context
def expense_record(
    ctx: click.Context, line_id: str, amount: int, on: date, receipt: str, vendor: str | None, for_month: str | None, correction: str | None
) -> None:
    """Record a shared expense paid against budget LINE."""
    from engine.ledger import record_expense

    books = open_books(ctx)
    entry = record_expense(
        books, line_id, amount, on, receipt=receipt, vendor=vendor, for_month=_month(for_month, "--for-month"), correction=correction
    )
    click.echo(f"Expense of {money(amount, books)} on {line_id} for cycle {entry.data['cycle']} (journal entry {entry.seq}).")


@expense.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def expense_import(ctx: click.Context, csv_file: Path) -> None:
    """Record many expenses from a CSV (line,amount,on,vendor,receipt), all or none."""
    from engine.ledger import import_expenses

    books = open_books(ctx)
    count, total = import_expenses(books, csv_file)
    click.echo(f"Recorded {count} expenses totalling {money(total, books)} from {csv_file.name}.")


@main.group()
def cycle() -> None:
    """Fee cycles: close one and settle it."""


@cycle.command("close")
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--on", "on", type=DATE, default=None, help="Date of the close (default: today).")
@click.option("--dry-run", is_flag=True, help="Show the settlement without recording it.")
@json_option
@click.pass_context
def cycle_close(ctx: click.Context, cycle_id: str, on: date | None, dry_run: bool, as_json: bool) -> None:
    """Close CYCLE: refund the surplus (or carry/assess a deficit), leaving the parent no profit."""
    from engine.closing import close, settle

    books = open_books(ctx)
    c = _cycle(books, cycle_id)
    day = on or today()
    plans: list[Any] = []
    if dry_run:
        result = settle(books, c, day)
    else:
        result, _, plans = close(books, c, day)
    if as_json:
        emit_json({**result.as_data(), "on": result.on.isoformat(), "seq": result.seq, "recorded": not dry_run})
        return
    click.echo(f"{'Would close' if dry_run else 'Closed'} cycle {c.label} on {day}.")
    rows = [
        ["fees charged", money(result.charged, books)],
        ["brought forward", money(result.brought_forward, books)],
        ["written off", money(-result.written_off, books)],
        ["shared expenses paid", money(-result.expenses, books)],
        ["surplus (deficit)", money(result.surplus, books)],
        [f"refunded ({result.basis})", money(-result.refunded, books)],
        ["deficit assessed", money(result.assessed, books)],
        [result.carried_text, money(-result.carried_forward, books)],
        ["kept by the parent", money(result.profit, books)],
    ]
    click.echo(table(rows, ["", "amount"], {1: "right"}))
    people = sorted(set(result.refunds) | set(result.assessments))
    if people:
        click.echo("")
        prow = []
        for pid in people:
            r = result.refunds.get(pid, 0)
            netted = result.netted(pid)
            prow.append(
                [
                    pid,
                    result.months.get(pid, ""),
                    money(r, books),
                    money(netted, books),
                    money(r - netted, books),
                    money(result.assessments.get(pid, 0), books),
                ]
            )
        click.echo(
            table(
                prow,
                ["provider", "months", "refund", "settles arrears", "owed to them", "assessed"],
                {2: "right", 3: "right", 4: "right", 5: "right"},
            )
        )
    for p in plans:
        click.echo(f"Fee for {p.cycle.label} re-evaluated: {_plan_text(p, books)}.")


@main.command()
@click.argument("provider_id", metavar="PROVIDER")
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as CSV.")
@click.option("--md", "md_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as Markdown.")
@json_option
@click.pass_context
def statement(ctx: click.Context, provider_id: str, cycle_id: str, csv_file: Path | None, md_file: Path | None, as_json: bool) -> None:
    """PROVIDER's statement for CYCLE: charges, payments, arrears, refund, balance."""
    from dataclasses import asdict

    from engine.output import write_text
    from engine.statements import statement as build
    from engine.statements import statement_csv, statement_markdown, summary_rows

    books = open_books(ctx)
    s = build(books, provider_id, _cycle(books, cycle_id))
    if csv_file:
        write_text(csv_file, statement_csv(s))
    if md_file:
        write_text(md_file, statement_markdown(s))
    if as_json:
        emit_json({**asdict(s), "summary": dict(summary_rows(s))})
        return
    click.echo(f"{'Final settlement statement' if s.final else 'Statement'}: {s.name} ({s.provider}), cycle {s.label}")
    if s.final:
        click.echo(f"Membership ended on {s.left_on}.")
    click.echo(f"Opening balance: {money(s.opening, books)}")
    rows = [
        [
            m.month,
            money(m.fee, books) if m.fee is not None else "not set",
            money(m.charged, books),
            money(m.paid, books),
            money(m.other, books),
            money(m.balance, books),
        ]
        for m in s.months
    ]
    click.echo(table(rows, ["month", "fee", "charged", "paid", "other", "balance"], {i: "right" for i in range(1, 6)}))
    click.echo("")
    click.echo(table([[k, money(v, books)] for k, v in summary_rows(s)], ["", "amount"], {1: "right"}))
    if not s.closed:
        click.echo("The cycle is not closed yet: any refund is worked out at its close.")


@main.group()
def report() -> None:
    """Reports any provider may see."""


@report.command("transparency")
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as CSV.")
@click.option("--md", "md_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as Markdown.")
@json_option
@click.pass_context
def report_transparency(ctx: click.Context, cycle_id: str, csv_file: Path | None, md_file: Path | None, as_json: bool) -> None:
    """Budget against actual, fees, surplus or deficit and refunds for CYCLE."""
    from dataclasses import asdict

    from engine.output import write_text
    from engine.statements import result_rows, transparency, transparency_csv, transparency_markdown

    books = open_books(ctx)
    t = transparency(books, _cycle(books, cycle_id))
    if csv_file:
        write_text(csv_file, transparency_csv(t))
    if md_file:
        write_text(md_file, transparency_markdown(t))
    if as_json:
        data = asdict(t)
        data["close"] = t.close.as_data() if t.close else None
        emit_json({**data, "cooperative_share": t.cooperative_share, "budget_total": t.budget_total, "actual_total": t.actual_total})
        return
    click.echo(f"Transparency report: {t.federation}, cycle {t.label}")
    click.echo("")
    rows = [
        [
            r.line,
            r.category,
            r.vendor + (" (co-op)" if r.cooperative_vendor else ""),
            money(r.budget, books),
            money(r.actual, books),
            money(r.difference, books),
        ]
        for r in t.lines
    ]
    rows.append(
        ["total", "", "", money(t.budget_total, books), money(t.actual_total, books), money(t.budget_total - t.actual_total, books)]
    )
    click.echo(table(rows, ["line", "category", "vendor", "budget", "actual", "under (over)"], {3: "right", 4: "right", 5: "right"}))
    click.echo("")
    click.echo(table([[k, v] for k, v in result_rows(t)], ["", "amount"], {1: "right"}))
    if t.refunds:
        click.echo("")
        prow = [[r.provider, r.name, r.months, money(r.refund, books), money(r.assessment, books)] for r in t.refunds]
        click.echo(table(prow, ["provider", "name", "months", "refund", "assessed"], {2: "right", 3: "right", 4: "right"}))


@main.group()
def ledger() -> None:
    """The double-entry ledger: balances, arrears, write-offs."""


@ledger.command("balances")
@as_of_option
@json_option
@click.pass_context
def ledger_balances(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """The trial balance: every account's balance; they sum to zero."""
    from engine.ledger import trial_balance

    books = open_books(ctx)
    tb = trial_balance(books, as_of or today())
    if as_json:
        emit_json(tb)
        return
    rows = [[k, money(v, books)] for k, v in tb.items()]
    rows.append(["total", money(sum(tb.values()), books)])
    click.echo(table(rows, ["account", "balance (debit +)"], {1: "right"}))


@ledger.command("arrears")
@as_of_option
@json_option
@click.pass_context
def ledger_arrears(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """What each provider owes (or is owed) on a date."""
    from engine.ledger import provider_balances

    books = open_books(ctx)
    balances = dict(sorted(provider_balances(books, as_of or today()).items()))
    if as_json:
        emit_json(balances)
        return
    click.echo(table([[k, money(v, books)] for k, v in balances.items()], ["provider", "owes (negative: owed to them)"], {1: "right"}))


@ledger.command("list")
@click.option("--provider", "provider_id", default=None, help="Only this provider's account.")
@as_of_option
@json_option
@click.pass_context
def ledger_list(ctx: click.Context, provider_id: str | None, as_of: date | None, as_json: bool) -> None:
    """Every balanced transaction up to a date."""
    from engine.ledger import transactions
    from engine.roster import require

    books = open_books(ctx)
    if provider_id:
        require(books, provider_id, "--provider")
    txs = list(transactions(books, as_of or today(), provider_id))
    if as_json:
        emit_json([{"on": t.on.isoformat(), "memo": t.memo, "postings": dict(t.postings), "source": t.source} for t in txs])
        return
    rows = [[t.on.isoformat(), t.memo, ", ".join(f"{a} {money(v, books)}" for a, v in t.postings)] for t in txs]
    click.echo(table(rows, ["on", "what", "postings"]))


@ledger.command("write-off")
@click.argument("provider_id", metavar="PROVIDER")
@click.argument("amount", type=MONEY)
@click.option("--on", "on", type=DATE, required=True)
@click.option("--reason", required=True, help="Why the debt is forgiven.")
@correction_option
@click.pass_context
def ledger_write_off(ctx: click.Context, provider_id: str, amount: int, on: date, reason: str, correction: str | None) -> None:
    """Forgive part of PROVIDER's arrears; the cycle's result bears it."""
    from engine.ledger import record_write_off

    books = open_books(ctx)
    entry = record_write_off(books, provider_id, amount, on, reason, correction)
    click.echo(f"Wrote off {money(amount, books)} owed by {provider_id} (journal entry {entry.seq}).")


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
        if step.prepare is not None:
            step.prepare(folder)
        args = [a.replace("{books}", str(folder)) for a in step.args]
        click.secho("$ coop " + " ".join(_quote(a) for a in args), fg="cyan")
        main.main(["--books", str(folder), *args], standalone_mode=False)
    click.echo("")
    click.secho(f"Done. The books are in {folder}; try 'coop --books {folder} status'.", bold=True)


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
