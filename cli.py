"""The ``coop`` command.

Only click is imported at start-up so ``coop --help`` answers at once; each
command imports the engine modules it needs. A user's mistake arrives here
as :class:`engine.errors.UserError` and leaves as one line on stderr with
exit status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from engine.errors import UserError

if TYPE_CHECKING:
    from engine.books.folder import Books


# --- edges: argument types and error reporting ------------------------------------


class Failure(click.ClickException):
    """A user's mistake, reported in one line with exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"coop: error: {self.format_message()}", err=True)


class CoopGroup(click.Group):
    """Reports every mistake in one line: click's usage errors included."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"coop: error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("coop: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise Failure(str(exc)) from None


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        from engine.books.clock import in_range, parse_date

        try:
            return in_range(value) if isinstance(value, date) else parse_date(str(value))
        except UserError as exc:
            self.fail(str(exc), param, ctx)


class MoneyType(click.ParamType):
    name = "AMOUNT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from engine.books.config import currency_of
        from engine.books.money import parse_cents

        try:
            return parse_cents(str(value), currency=currency_of(ctx.find_root().obj.get("books") if ctx and ctx.find_root().obj else None))
        except ValueError as exc:
            self.fail(f"{value!r} is not an amount (expected {exc})", param, ctx)


DATE = DateType()
MONEY = MoneyType()


def open_books(ctx: click.Context, write: bool = False) -> Books:
    """The books; a command that records anything passes ``write`` to hold the write lock before it reads."""
    from engine.books.folder import open_books as _open

    def waiting() -> None:
        click.echo("coop: waiting for another command to finish writing to the books...", err=True)

    books = _open(ctx.obj.get("books"), for_writing=write, on_wait=waiting)
    ctx.call_on_close(books.close)
    return books


def today() -> date:
    from engine.books import clock

    return clock.today()


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str))


def table(rows: list[list[Any]], headers: list[str], align: dict[int, str] | None = None) -> str:
    from tabulate import tabulate

    colalign = [(align or {}).get(i, "left") for i in range(len(headers))]
    return tabulate(rows, headers=headers, tablefmt="simple", colalign=colalign, disable_numparse=True)


def money(cents: int, books: Books) -> str:
    from engine.books.money import format_cents

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
@click.option(
    "--model",
    type=click.Choice(["federation", "retention", "flat_pay", "session_split"]),
    default="federation",
    show_default=True,
    help="The co-op model: its money rules, decision rules and manual.",
)
@click.option("--entity", default="Our Co-Op LLC", show_default=True, help="The co-op's legal name (models other than federation).")
def init(folder: Path, name: str, founded: date | None, parent_name: str, principal: str, model: str, entity: str) -> None:
    """Start a co-op's books in FOLDER: a commented federation.yaml and an empty journal."""
    from engine.books.founding import create_books, first_of_next_month

    founded = founded or first_of_next_month(today())
    who: dict[str, Any] = (
        {"parent": {"legal_name": parent_name, "principal": principal}} if model == "federation" else {"entity": {"legal_name": entity}}
    )
    create_books(folder, name=name, founded=founded, model=model, **who)
    click.echo(f"Started the books of {name} in {folder}")
    click.echo(f"Next: edit {folder / 'federation.yaml'} (roster, budget, rules), then run 'coop --books {folder} status'.")


@main.command()
@as_of_option
@json_option
@click.pass_context
def status(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """The roster, budget, current cycle and fee."""
    from engine.ledger.status import summarise

    books = open_books(ctx)
    s = summarise(books, as_of or today())
    if as_json:
        emit_json(s.as_json())
        return
    fed = books.federation
    click.echo(f"{fed.name}, as of {s.as_of}")
    if fed.parent is not None:
        click.echo(f"Parent practice: {fed.parent.legal_name} (principal: {fed.parent.principal})")
    elif fed.entity is not None:
        click.echo(f"Co-op: {fed.entity.legal_name} ({fed.entity.structure}; {fed.model.replace('_', ' ')} model)")
    click.echo(f"Cycle: {s.cycle.label} ({s.cycle.length} months), month {s.month_index} of {s.cycle.length}")
    click.echo(f"Shared budget this month: {money(s.budget_total, books)}")
    if fed.model in ("federation", "retention"):
        click.echo(f"Monthly fee: {s.fee_text(lambda c: money(c, books))}")
    if fed.model == "flat_pay":  # --- flat_pay: the rate, the management fee and the next scheduled event
        from engine.books.cycles import Month
        from engine.books.parameters import in_force
        from engine.models.flat_pay.pay import hourly_rate, unplanned_leave_day_pay
        from engine.models.flat_pay.reminders import next_event

        params, first = in_force(books, s.as_of), Month.of(s.as_of).first
        rate, day_pay = hourly_rate(params, Month.of(s.as_of)), unplanned_leave_day_pay(params, first)
        click.echo(f"Hourly rate: {money(rate, books)} for every hour of labour; unplanned leave {money(day_pay, books)} a day")
        click.echo(f"Management fee from the clinical entity: {money(params.management_fee.at(first), books)} a month")
        nxt = next_event(books, s.as_of)
        if nxt is not None:
            click.echo(f"Next: {nxt.on} {nxt.text}")
    if fed.model == "session_split":  # no fee: each session's fee is split, and the co-op's part pays the budget
        from engine.books.parameters import in_force
        from engine.models.session_split.documents import percent

        share = in_force(books).clinician_share.at(s.as_of)
        click.echo(f"Each session's fee: {percent(share)} to the clinician, {percent(1 - share)} to the co-op; surplus paid out quarterly")
    click.echo("")
    click.echo(f"{'Providers' if fed.model == 'federation' else 'Members'} ({len(s.active)} active)")
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
    from engine.books.roster import memberships

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
    from engine.books.roster import require

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
    from engine.books.roster import join

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
    from engine.books.roster import leave

    books = open_books(ctx)
    entry = leave(books, provider_id, on, reason)
    click.echo(f"{provider_id} leaves; last day {on} (journal entry {entry.seq}).")
    _fee_changes_since(books, entry.seq)


@provider.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def provider_import(ctx: click.Context, csv_file: Path) -> None:
    """Record many joins from a CSV (id,name,practice,licence,email,start), all or none."""
    from engine.books.roster import import_csv

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
    from engine.books.budget import lines_on

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
    from engine.books.budget import set_line

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
    from engine.governance.ballots import public_view

    books = open_books(ctx)
    entries = books.journal.entries([kind] if kind else None, include_voided=True)
    voided = books.journal.voided()
    shown = public_view(books)  # secret ballots never show who chose what
    if as_json:
        emit_json(
            [
                {
                    "seq": e.seq,
                    "kind": e.kind,
                    "on": e.on,
                    "recorded_at": e.recorded_at,
                    "data": shown(e),
                    "ref": e.ref,
                    "hash": e.hash,
                    "voided": e.seq in voided,
                }
                for e in entries
            ]
        )
        return
    rows = [[e.seq, e.on, e.kind, _summary(shown(e)), e.ref or "", "withdrawn" if e.seq in voided else ""] for e in entries]
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
    from engine.books.corrections import void

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
    from engine.audit.verify import verify

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


# --- governance: proposals, ballots, credentials, receipts ---------------------------


def _credential(member: str, confirm: bool = False, env: str = "COOP_CREDENTIAL") -> str:
    """The member's credential: from the environment for scripts, else typed with hidden input."""
    import os

    value = os.environ.get(env)
    if value is not None:
        return value
    return str(click.prompt(f"Voting credential for {member}", hide_input=True, confirmation_prompt=confirm))


@main.group()
def member() -> None:
    """Members as voters: their voting credentials."""


@member.group("credential")
def member_credential() -> None:
    """A member's voting credential (kept only as a salted scrypt hash)."""


@member_credential.command("set")
@click.argument("member_id")
@click.pass_context
def member_credential_set(ctx: click.Context, member_id: str) -> None:
    """Set MEMBER_ID's credential (typed by the member; COOP_CREDENTIAL for scripts).

    Replacing a credential needs the current one (COOP_OLD_CREDENTIAL, or typed).
    """
    from engine.governance.credentials import current, set_credential

    books = open_books(ctx)
    old = _credential(member_id, env="COOP_OLD_CREDENTIAL") if current(books, member_id) is not None else None
    entry = set_credential(books, member_id, _credential(member_id, confirm=True), old)
    verb = "replaced" if entry.data["replaces"] else "set"
    click.echo(f"Voting credential for {member_id} {verb} (journal entry {entry.seq}; only a salted hash is kept).")


def _propose_options(f: Any) -> Any:
    f = click.option("--deadline", type=DATE, default=None, help="Last day of voting (default: the rule's voting period).")(f)
    f = click.option("--by", "by", default=None, help="The proposing member (asks for their credential); default: the administrator.")(f)
    f = click.option("--title", default=None, help="A short title (default: made from the fields).")(f)
    return click.pass_context(f)


def _open(
    ctx: click.Context, matter: str, data: dict[str, Any], title: str | None, default_title: str, by: str | None, deadline: date | None
) -> None:
    from engine.governance.credentials import check
    from engine.governance.proposals import ADMINISTRATOR, open_proposal
    from engine.governance.rules import Matter

    books = open_books(ctx)
    if by is not None:
        check(books, by, _credential(by))
    p = open_proposal(books, Matter(matter), data, title=title or default_title, proposer=by or ADMINISTRATOR, deadline=deadline)
    click.echo(f"Opened {p.label}: {p.title} ({matter.replace('_', ' ')})")
    click.echo(f"Rule: {p.rule.describe()}")
    if p.voting_opens > p.opened_on:
        click.echo(f"Voting opens {p.voting_opens} after the notice period and runs through {p.deadline}.")
    else:
        click.echo(f"Voting is open through {p.deadline}; {len(p.eligible or ())} members may vote.")
    for who, why in (p.recused or {}).items():
        click.echo(f"Recused: {who} ({why})")


@main.group()
def propose() -> None:
    """Open a proposal for the members to decide (one subcommand per kind of matter)."""


@propose.command("onboarding")
@click.argument("provider_id")
@click.option("--name", required=True)
@click.option("--practice", required=True, help="The provider's own practice's legal name.")
@click.option("--licence", required=True)
@click.option("--email", required=True)
@click.option("--start", type=DATE, required=True, help="First day of membership if approved.")
@_propose_options
def propose_onboarding(
    ctx: click.Context, provider_id: str, start: date, title: str | None, by: str | None, deadline: date | None, **kw: str
) -> None:
    """Propose onboarding a new provider."""
    data = {"provider": {"id": provider_id, "start": start, **kw}}
    _open(ctx, "onboarding", data, title, f"Onboard {kw['name']}", by, deadline)


@propose.command("termination")
@click.argument("provider_id")
@click.option("--last-day", type=DATE, required=True, help="The provider's last day if the termination passes.")
@click.option(
    "--grounds",
    type=click.Choice(["refusal", "manual_failure"]),
    required=True,
    help="Refusal to follow the manual, or excessive failure to.",
)
@click.option("--statement", required=True, help="The written grounds, given to the provider as notice.")
@_propose_options
def propose_termination(
    ctx: click.Context,
    provider_id: str,
    last_day: date,
    grounds: str,
    statement: str,
    title: str | None,
    by: str | None,
    deadline: date | None,
) -> None:
    """Propose terminating a provider's contract (they are recused, get notice and a response period)."""
    data = {"provider": provider_id, "last_day": last_day, "grounds": grounds, "statement": statement}
    _open(ctx, "termination", data, title, f"Terminate {provider_id}'s contract", by, deadline)


def _budget_command(matter: str, doc: str) -> None:
    @propose.command(matter.replace("_", "-"), help=doc)
    @click.argument("line_id")
    @click.option("--from", "effective", type=DATE, required=True, help="Date the change takes effect.")
    @click.option("--monthly", type=MONEY, default=None, help="New monthly amount.")
    @click.option("--until", type=DATE, default=None, help="Last day the line is in force.")
    @click.option("--name", default=None)
    @click.option("--category", default=None)
    @click.option("--vendor", default=None)
    @_propose_options
    def command(
        ctx: click.Context, line_id: str, effective: date, title: str | None, by: str | None, deadline: date | None, **changes: Any
    ) -> None:
        given = {k: v for k, v in changes.items() if v is not None}
        if not given:
            raise UserError("say what changes", field="--monthly", expected="--monthly, --until, --name, --category or --vendor")
        data = {"line": line_id, "effective": effective, "changes": given}
        _open(ctx, matter, data, title, f"{matter.replace('_', ' ').capitalize()}: {line_id} from {effective}", by, deadline)


_budget_command("admin_staffing", "Propose a change to admin staffing (a dated admin budget line).")
_budget_command("admin_pay", "Propose a change to admin pay (a dated admin budget line).")
_budget_command("budget_change", "Propose a change to any budget line (or a new line).")


@propose.command("manual-amendment")
@click.option("--section", "sections", multiple=True, metavar="ID=FILE", help="A manual section and the file with its new Markdown.")
@click.option("--section-text", "texts", multiple=True, nargs=2, metavar="ID TEXT", help="A manual section and its new Markdown, inline.")
@click.option("--summary", required=True, help="What the amendment changes, in a sentence.")
@click.option("--effective", type=DATE, default=None, help="Date the new version takes effect (default: the day it passes).")
@_propose_options
def propose_manual(
    ctx: click.Context,
    sections: tuple[str, ...],
    texts: tuple[tuple[str, str], ...],
    summary: str,
    effective: date | None,
    title: str | None,
    by: str | None,
    deadline: date | None,
) -> None:
    """Propose amending the Co-Op Procedures manual: new text for one or more sections."""
    if not sections and not texts:
        raise UserError("say which sections change", field="--section", expected="--section ID=FILE or --section-text ID TEXT")
    changes = dict(texts)
    for spec in sections:
        section, sep, path = spec.partition("=")
        if not sep:
            raise UserError(f"'{spec}' is not ID=FILE", field="--section")
        try:
            changes[section.strip()] = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(
                f"cannot read the section text: {exc.strerror if isinstance(exc, OSError) else 'not UTF-8'}", file=path
            ) from None
    _open(
        ctx,
        "manual_amendment",
        {"changes": changes, "summary": summary, "effective": effective},
        title,
        f"Amend the manual: {summary}",
        by,
        deadline,
    )


@propose.command("end-parent")
@click.option("--successor", required=True, help="Who administers the shared accounts afterwards.")
@click.option("--effective", type=DATE, required=True, help="The handover date.")
@_propose_options
def propose_end_parent(
    ctx: click.Context, successor: str, effective: date, title: str | None, by: str | None, deadline: date | None
) -> None:
    """Propose ending the relationship with the parent practice (two readings)."""
    _open(
        ctx,
        "end_parent",
        {"successor": successor, "effective": effective},
        title,
        f"Go on without the parent; {successor} administers",
        by,
        deadline,
    )


@propose.command("rule-change")
@click.argument("matter")
@click.option("--set", "settings", multiple=True, required=True, metavar="FIELD=VALUE", help="e.g. threshold=3/4, quorum=2/3, secret=true")
@click.option("--effective", type=DATE, default=None, help="Date the new rule applies from (default: the day it passes).")
@_propose_options
def propose_rule_change(
    ctx: click.Context,
    matter: str,
    settings: tuple[str, ...],
    effective: date | None,
    title: str | None,
    by: str | None,
    deadline: date | None,
) -> None:
    """Propose changing the decision rule for MATTER (two readings)."""
    from engine.books.config import yaml_value

    changes: dict[str, Any] = {}
    for spec in settings:
        key, sep, value = spec.partition("=")
        if not sep:
            raise UserError(f"'{spec}' is not FIELD=VALUE", field="--set")
        changes[key.strip()] = value.strip() if key.strip() in ("threshold", "quorum") else yaml_value(value, f"--set {key.strip()}")
    _open(
        ctx, "rule_change", {"matter": matter, "changes": changes, "effective": effective}, title, f"Change the {matter} rule", by, deadline
    )


@propose.command("general")
@click.option("--text", required=True, help="What the members are asked to agree.")
@_propose_options
def propose_general(ctx: click.Context, text: str, title: str | None, by: str | None, deadline: date | None) -> None:
    """Propose any other decision (by consensus under the default rules)."""
    _open(ctx, "general", {"text": text}, title, text if len(text) <= 60 else text[:59] + "…", by, deadline)


@propose.command("parameter-change")
@click.argument("name")
@click.argument("value")
@click.option("--from", "effective", type=DATE, required=True, help="Date the new value takes effect.")
@_propose_options
def propose_parameter(
    ctx: click.Context, name: str, value: str, effective: date, title: str | None, by: str | None, deadline: date | None
) -> None:
    """Propose a new value for one of the model's dated parameters (e.g. hourly_rate 45.00)."""
    data = {"name": name, "value": value, "effective": effective}
    _open(ctx, "parameter_change", data, title, f"{name.replace('_', ' ')}: {value} from {effective}", by, deadline)


_DECISIONS = {
    "membership": "Propose admitting MEMBER as a full member-owner (after their first months).",
    "rent-cover": "Propose that the co-op covers MEMBER's share of rent during extended leave.",
    "software": "Propose choosing or changing the shared software.",
    "supervisor": "Propose which supervisor the co-op contracts.",
    "surplus-use": "Propose what the surplus goes to (e.g. a member's specialised training).",
}


def _decision_command(kind: str, doc: str) -> None:
    @propose.command(kind, help=doc)
    @click.option("--text", required=True, help="What the members are asked to decide.")
    @click.option("--member", default=None, help="The member it concerns, if any.")
    @click.option("--amount", type=MONEY, default=None, help="What it commits, if anything (a supervisor's or software's monthly cost).")
    @click.option("--vendor", default=None, help="Who is contracted (software, supervisor).")
    @_propose_options
    def command(
        ctx: click.Context,
        text: str,
        member: str | None,
        amount: int | None,
        vendor: str | None,
        title: str | None,
        by: str | None,
        deadline: date | None,
    ) -> None:
        data = {"text": text, "member": member, "amount": amount, "vendor": vendor}
        _open(ctx, kind.replace("-", "_"), data, title, text if len(text) <= 60 else text[:59] + "…", by, deadline)


for _kind, _doc in _DECISIONS.items():
    _decision_command(_kind, _doc)


@main.command("parameters")
@as_of_option
@json_option
@click.pass_context
def parameters_cmd(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """The co-op model's dated parameters in force (rates, shares), with their history."""
    from engine.books.parameters import dated_names, in_force

    books = open_books(ctx)
    params = in_force(books, as_of)
    on = as_of or today()
    rows = []
    for name in dated_names(params):
        for step in getattr(params, name).model_dump(mode="json", by_alias=True)["steps"]:
            rows.append([name, step["from"] or books.federation.founded.isoformat(), step["value"]])  # as written in the file
    if as_json:
        emit_json({"model": books.federation.model, "as_of": on.isoformat(), "parameters": params.model_dump(mode="json", by_alias=True)})
        return
    if not rows:
        click.echo(f"The {books.federation.model} model has no dated parameters beyond its budget and policies.")
        return
    click.echo(table(rows, ["parameter", "from", "value"]))


@main.group()
def proposal() -> None:
    """Proposals: list, show, close, comment, second reading."""


def _proposal_json(p: Any, on: date, books: Books | None = None, detail: bool = False) -> dict[str, Any]:
    counts = p.result.data["counts"] if p.result is not None else None
    out: dict[str, Any] = {
        "id": p.label,
        "matter": p.matter.value,
        "title": p.title,
        "status": p.status(on),
        "opened_on": p.opened_on.isoformat(),
        "voting_opens": p.voting_opens.isoformat(),
        "deadline": p.deadline.isoformat(),
        "reading": p.reading,
        "counts": counts,
    }
    if detail:
        from engine.governance.proposals import electorate

        secret = p.rule.secret
        eligible, recused = (p.eligible, p.recused) if p.eligible is not None else electorate(books, p)
        out |= {
            "fields": p.fields.model_dump(mode="json", by_alias=True),
            "rule": p.rule.model_dump(mode="json"),
            "rule_text": p.rule.describe(),
            "proposer": p.proposer,
            "first_reading": f"P-{p.first_reading}" if p.first_reading else None,
            "journal_entry": p.id,
            "eligible": list(eligible),
            "recused": recused,
            "electorate_frozen": p.eligible is not None,
            "ballots": [
                {
                    "receipt": b.receipt,
                    "on": b.entry.on,
                    "phase": b.phase,
                    **({} if secret else {"member": b.member, "choice": b.choice, "reason": b.reason}),
                }
                for b in p.ballots
            ],
            "comments": [{"member": c.data["member"], "on": c.on, "text": c.data["text"]} for c in p.comments],
            "statements": [{"author": st.data["author"], "on": st.on, "text": st.data["text"]} for st in p.statements],
            "result": p.result.data if p.result is not None else None,
            "effect": p.effect.data if p.effect is not None else None,
        }
        if secret and p.result is not None:
            from engine.governance.ballots import public_view

            out["result"] = public_view(books)(p.result)
    return out


def _counts_text(c: dict[str, int]) -> str:
    return f"Counts: {c['yes']} yes, {c['no']} no, {c['abstain']} abstain, {c['stand_aside']} stand aside, {c['block']} block"


@proposal.command("list")
@as_of_option
@json_option
@click.pass_context
def proposal_list(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """Every proposal and where it stands."""
    from engine.governance.proposals import all_proposals

    books = open_books(ctx)
    on = as_of or today()
    props = [p for p in all_proposals(books) if p.opened_on <= on]
    if as_json:
        emit_json([_proposal_json(p, on) for p in props])
        return
    rows = []
    for p in props:
        c = p.result.data["counts"] if p.result is not None else None
        tally = (
            f"{c['yes']} yes, {c['no']} no, {c['abstain']} abstain"
            + (f", {c['stand_aside']} stand aside" if c["stand_aside"] else "")
            + (f", {c['block']} block" if c["block"] else "")
            if c
            else ""
        )
        rows.append([p.label, p.matter.value.replace("_", " "), p.title, p.status(on), p.deadline.isoformat(), tally])
    click.echo(table(rows, ["id", "matter", "title", "status", "deadline", "counts"]) if rows else "No proposals yet.")


@proposal.command("show")
@click.argument("proposal_id")
@json_option
@click.pass_context
def proposal_show(ctx: click.Context, proposal_id: str, as_json: bool) -> None:
    """One proposal: its fields, rule, electorate, ballots (or only receipts if secret), result and effect."""
    from engine.governance.proposals import load

    books = open_books(ctx)
    p = load(books, proposal_id)
    data = _proposal_json(p, today(), books, detail=True)
    if as_json:
        emit_json(data)
        return
    click.echo(f"{p.label}: {p.title}")
    click.echo(
        f"Matter: {p.matter.value.replace('_', ' ')}{' (second reading of ' + data['first_reading'] + ')' if p.first_reading else ''}"
    )
    click.echo(f"Status: {data['status']}; opened {p.opened_on} by {p.proposer}; voting {p.voting_opens} to {p.deadline}")
    click.echo(f"Rule (as in force when it opened): {p.rule.describe()}")
    for key, value in data["fields"].items():
        if value is None:
            continue
        if key == "changes" and isinstance(value, dict) and isinstance(value.get("monthly"), int):
            value = {**value, "monthly": money(value["monthly"], books)}
        shown = value if not isinstance(value, dict) else ", ".join(f"{k}={v}" for k, v in value.items())
        if isinstance(shown, str) and "\n" in shown:
            shown = shown.splitlines()[0] + " …"
        click.echo(f"  {key}: {shown}")
    frozen = "" if data["electorate_frozen"] else f"; the roster for {p.voting_opens} as it stands now, frozen when voting opens"
    click.echo(f"Eligible ({len(data['eligible'])}{frozen}): {', '.join(data['eligible'])}")
    for who, why in data["recused"].items():
        click.echo(f"Recused: {who}: {why}")
    if p.ballots:
        click.echo("")
        current = {b.entry.seq for phase in ("voting", "ratification") for b in p.current_ballots(phase).values()}
        if p.rule.secret:
            click.echo(f"Ballots (secret: receipts only; {len(current)} current, {len(p.ballots) - len(current)} superseded)")
            rows = [[b.entry.on, b.receipt[:16], "" if b.entry.seq in current else "superseded"] for b in p.ballots]
            click.echo(table(rows, ["on", "receipt", ""]))
        else:
            click.echo("Ballots (open)")
            rows = [
                [b.entry.on, b.member, b.choice, b.reason, b.receipt[:16], "" if b.entry.seq in current else "superseded"]
                for b in p.ballots
            ]
            click.echo(table(rows, ["on", "member", "choice", "reason", "receipt", ""]))
    for c in p.comments:
        click.echo(f"Comment by {c.data['member']} on {c.on}: {c.data['text']}")
    if p.result is not None:
        r = p.result.data
        click.echo("")
        click.echo(f"Result ({r['stage']}, {p.result.on}): {r['outcome'].replace('_', ' ')}: {r['reason']}")
        c = r["counts"]
        click.echo(_counts_text(c) + f"; {c['eligible']} eligible, quorum {r['quorum_needed']}")
        for who, why in r["dropped"].items():
            click.echo(f"Not counted: {who} ({why})")
        if r.get("ratification_until"):
            click.echo(f"Absent members ({', '.join(r['absent'])}) may ratify or object through {r['ratification_until']}.")
        if r.get("statement"):
            click.echo(f"Statement: {r['statement']}")
    if p.effect is not None:
        e = p.effect.data
        click.echo(f"Effect: {e['summary']}" if e["applied"] else f"Effect NOT applied: {e['reason']}")
    for st in p.statements:
        click.echo(f"Statement by {st.data['author']} on {st.on}: {st.data['text']}")


@proposal.command("close")
@click.argument("proposal_id")
@click.option("--statement", default="", help="An outcome statement to keep beside the engine's result.")
@click.pass_context
def proposal_close(ctx: click.Context, proposal_id: str, statement: str) -> None:
    """Count and decide; refused before the deadline unless the outcome is already certain."""
    from engine.books.output import write_text
    from engine.governance.decisions import close

    books = open_books(ctx)
    p = close(books, proposal_id, statement)
    r = p.result.data
    c = r["counts"]
    stage = "provisionally " if r["stage"] == "provisional" else ""
    click.echo(f"{p.label} {stage}{r['outcome'].replace('_', ' ')}: {r['reason']}")
    click.echo(_counts_text(c) + f" ({c['eligible']} eligible)")
    if r.get("ratification_until"):
        click.echo(f"Absent members ({', '.join(r['absent'])}) may ratify or object through {r['ratification_until']}; silence ratifies.")
    if p.effect is not None:
        e = p.effect.data
        click.echo(f"Effect: {e['summary']}" if e["applied"] else f"Passed but NOT applied: {e['reason']}")
        if e["applied"] and p.matter.value == "end_parent":
            checklist = books.journal.require(e["entries"][0]).data["checklist"]
            path = write_text(books.folder / f"transition-{p.label}.md", checklist)
            click.echo(f"Transition checklist: {path}")


@proposal.command("comment")
@click.argument("proposal_id")
@click.option("--member", "member_id", required=True, help="The member commenting (asks for their credential).")
@click.option("--text", required=True)
@click.pass_context
def proposal_comment(ctx: click.Context, proposal_id: str, member_id: str, text: str) -> None:
    """Comment on a proposal as a member (a recused member may comment but not vote)."""
    from engine.governance.credentials import check
    from engine.governance.proposals import comment

    books = open_books(ctx)
    check(books, member_id, _credential(member_id))
    entry = comment(books, proposal_id, member_id, text)
    click.echo(f"Comment recorded (journal entry {entry.seq}).")


@proposal.command("statement")
@click.argument("proposal_id")
@click.option("--text", required=True, help="The statement.")
@click.option("--by", "by", default=None, help="The member making it (asks for their credential); default: the administrator.")
@click.pass_context
def proposal_statement(ctx: click.Context, proposal_id: str, text: str, by: str | None) -> None:
    """Add an outcome statement beside a proposal's result (the engine's result stands as counted)."""
    from engine.governance.credentials import check
    from engine.governance.decisions import add_statement
    from engine.governance.proposals import ADMINISTRATOR

    books = open_books(ctx)
    if by is not None:
        check(books, by, _credential(by))
    entry = add_statement(books, proposal_id, by or ADMINISTRATOR, text)
    click.echo(f"Statement recorded (journal entry {entry.seq}).")


@proposal.command("second-reading")
@click.argument("proposal_id")
@click.option("--deadline", type=DATE, default=None, help="Last day of voting (default: the rule's voting period).")
@click.pass_context
def proposal_second_reading(ctx: click.Context, proposal_id: str, deadline: date | None) -> None:
    """Open the second reading of a proposal that passed its first (after the cooling-off period)."""
    from engine.governance.proposals import open_second_reading

    books = open_books(ctx)
    p = open_second_reading(books, proposal_id, deadline=deadline)
    click.echo(f"Opened {p.label}: {p.title}; voting {p.voting_opens} to {p.deadline}.")


@main.group()
def vote() -> None:
    """Ballots, cast by members as themselves."""


@vote.command("cast")
@click.argument("proposal_id")
@click.option("--member", "member_id", required=True, help="Your member id (asks for your credential, or reads COOP_CREDENTIAL).")
@click.option("--choice", type=click.Choice(["yes", "no", "abstain", "stand_aside", "block"]), required=True)
@click.option("--reason", default="", help="Why (required for a block).")
@click.pass_context
def vote_cast(ctx: click.Context, proposal_id: str, member_id: str, choice: str, reason: str) -> None:
    """Cast or change your ballot; the latest before close counts, earlier ones stay on the record."""
    from engine.governance.ballots import cast

    books = open_books(ctx)
    p, entry = cast(books, proposal_id, member_id, choice, _credential(member_id), reason)
    what = "Ratification response" if entry.data["phase"] == "ratification" else "Ballot"
    changed = " (replaces your earlier ballot)" if "supersedes" in entry.data else ""
    click.echo(f"{what} recorded on {p.label}{changed}. Receipt: {entry.hash}")
    click.echo("Keep the receipt; 'coop audit receipt RECEIPT' checks it is in the record.")


@audit.command("receipt")
@click.argument("receipt")
@json_option
@click.pass_context
def audit_receipt(ctx: click.Context, receipt: str, as_json: bool) -> None:
    """Check that a ballot receipt is in the record (exit 1 if not)."""
    from engine.audit.verify import receipt as check_receipt

    books = open_books(ctx)
    found = check_receipt(books, receipt)
    if as_json:
        emit_json(found.data)
    else:
        click.echo(found.message)
    if not found.found:
        ctx.exit(1)


# --- documents: the manual, agreements and templates ------------------------------


def _documents_out(books: Books, out: Path | None) -> Path:
    return out if out is not None else books.folder / "documents"


def _pdf(paths: list[Path]) -> None:
    from engine.documents.pdf import MISSING, to_pdf

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
    from engine.documents.manual import publish_version
    from engine.documents.versions import versions

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
    from engine.documents.manual import publish_redline

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
    from engine.documents.versions import versions

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
    from engine.documents.contracts import issue

    if everyone == bool(providers):
        raise UserError("name providers or give --all (not both)", field="PROVIDER", expected="ids such as mara-quist, or --all")
    books = open_books(ctx)
    # Each co-op model issues its own member agreement under the same command.
    if books.federation.model == "flat_pay" and kind == "agreement":
        ctx.invoke(agreement_issue, members=providers, everyone=everyone, on=on, out=out)
        return
    if books.federation.model == "session_split" and kind == "agreement":
        ctx.invoke(member_agreement, member_ids=providers, everyone=everyone, on=on, out=out)
        return
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
    from engine.documents.contracts import status

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
    from engine.documents.contracts import sign

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
    from engine.documents.templates import check_all

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
    from engine.documents.contracts import render_sample
    from engine.documents.templates import registry

    known = registry()
    for name in names:
        if name not in known:
            raise UserError(f"no template '{name}'", field="NAME", expected=", ".join(known))
    written = [render_sample(name, out) for name in names or known]
    for md, docx in written:
        click.echo(f"  {md}\n  {docx}")
    if pdf:
        _pdf([docx for _, docx in written])


# --- fees, ledger, cycle close, statements (the fee engine) ---------------------------------


def _cycle(books: Books, text: str | None, field: str = "CYCLE") -> Any:
    from engine.books.cycles import cycle_containing, parse_cycle

    if text is None:
        return cycle_containing(today(), books.federation.cycle)
    return parse_cycle(text, books.federation.cycle, field)


def _month(text: str | None, field: str) -> Any:
    from engine.books.cycles import Month

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
    from engine.ledger.fees import settings

    for s in settings(books):
        if s.seq > seq:
            was = f" (was {money(s.old, books)})" if s.old is not None else ""
            click.echo(f"Fee for cycle {s.cycle} re-evaluated from {s.from_month}: {money(s.amount, books)}{was}.")


def _pm(value: Any) -> str:
    from engine.books.money import fraction_text

    return fraction_text(value, 3)


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
    from engine.ledger.fees import recalc

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
    from engine.ledger.fees import schedule, settings

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
@click.option("--on", "on", type=DATE, default=None, help="Issue date (default: today).")
@out_option
@pdf_option
@json_option
@click.pass_context
def fees_notices(ctx: click.Context, cycle_id: str, on: date | None, out: Path | None, pdf: bool, as_json: bool) -> None:
    """Issue a fee notice (Markdown and DOCX) to each provider for each time CYCLE's fee was set or re-evaluated."""
    from engine.documents.notices import fee_notices, issue
    from engine.ledger.fees import settings

    books = open_books(ctx)
    c = _cycle(books, cycle_id)
    day = on or today()
    done = issue(books, fee_notices(books, c, day), _documents_out(books, out), day)
    if as_json:
        emit_json([_issued_json(d) for d in done])
    else:
        _issued_summary(done)
        rows: dict[int, list[Any]] = {}
        for d in done:
            f = d.figures
            row = rows.setdefault(f["setting"], [f["from_month"], money(f["fee"], books), 0])
            row[2] += 1
        reasons = {s.seq: s.reason for s in settings(books, c)}
        body = [[*r, reasons[seq]] for seq, r in rows.items()]
        click.echo(table(body, ["from", "new fee", "notices", "why"], {1: "right", 2: "right"}))
    if pdf:
        _pdf([d.docx for d in done])


def _issued_json(d: Any) -> dict[str, Any]:
    paths = {"docx": str(d.docx), "markdown": str(d.markdown)}
    return {"provider": d.provider, "kind": d.kind, **paths, "sha256": d.sha256, "recorded": d.recorded, **d.figures}


def _issued_summary(done: list[Any]) -> None:
    """Where the documents went, in a line or two: the demo and a treasurer want the folder, not every file."""
    folders = sorted({str(d.docx.parent) for d in done})
    fresh = sum(d.recorded for d in done)
    kinds: dict[str, int] = {}
    for d in done:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    names = {"fee-notice": "fee notice", "cycle-statement": "cycle statement", "settlement": "settlement letter"}
    what = ", ".join(f"{n} {names.get(k, k)}{'s' if n != 1 else ''}" for k, n in sorted(kinds.items()))
    click.echo(f"Issued {what} (Markdown and DOCX) in {', '.join(folders)}")
    click.echo(f"  {fresh} recorded in the journal, {len(done) - fresh} unchanged since last issued; listed in register.csv and .json")


@fees.command("rules")
@as_of_option
@click.pass_context
def fees_rules(ctx: click.Context, as_of: date | None) -> None:
    """The fee rules in force, in words, from the same data the engine runs on."""
    from engine.ledger.fees import rules_text

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
    from engine.ledger.accounts import provider_balances, record_payment

    books = open_books(ctx, write=True)
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
    from engine.ledger.accounts import record_payout

    books = open_books(ctx, write=True)
    entry = record_payout(books, provider_id, amount, on, ref, correction)
    click.echo(f"Paid {money(amount, books)} to {provider_id} on {on} (journal entry {entry.seq}).")


@payment.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def payment_import(ctx: click.Context, csv_file: Path) -> None:
    """Record many payments from a CSV (provider,amount,on,ref), all or none."""
    from engine.ledger.accounts import import_payments

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
    from engine.ledger.accounts import record_expense

    books = open_books(ctx, write=True)
    entry = record_expense(
        books, line_id, amount, on, receipt=receipt, vendor=vendor, for_month=_month(for_month, "--for-month"), correction=correction
    )
    click.echo(f"Expense of {money(amount, books)} on {line_id} for cycle {entry.data['cycle']} (journal entry {entry.seq}).")


@expense.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def expense_import(ctx: click.Context, csv_file: Path) -> None:
    """Record many expenses from a CSV (line,amount,on,vendor,receipt), all or none."""
    from engine.ledger.accounts import import_expenses

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
    from engine.ledger.closing import close, settle

    books = open_books(ctx, write=not dry_run)
    if books.federation.model == "session_split":  # the same close, shown as the quarter's payout
        ctx.invoke(payout_quarter, quarter_id=cycle_id, on=on, dry_run=dry_run, as_json=as_json)
        return
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
        [f"kept by {books.federation.keeper}", money(result.profit, books)],
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
@click.argument("targets", nargs=-1, metavar="PROVIDER CYCLE | --all CYCLE")
@click.option("--all", "everyone", is_flag=True, help="Issue the statement of every provider who was a member in CYCLE.")
@click.option("--issue", "issue_docs", is_flag=True, help="Issue it: Markdown and DOCX in BOOKS/documents/statements/CYCLE, recorded.")
@click.option("--on", "on", type=DATE, default=None, help="Issue date (default: today).")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as CSV.")
@click.option("--md", "md_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the document as Markdown.")
@click.option("--docx", "docx_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the document as DOCX.")
@out_option
@pdf_option
@json_option
@click.pass_context
def statement(
    ctx: click.Context,
    targets: tuple[str, ...],
    everyone: bool,
    issue_docs: bool,
    on: date | None,
    csv_file: Path | None,
    md_file: Path | None,
    docx_file: Path | None,
    out: Path | None,
    pdf: bool,
    as_json: bool,
) -> None:
    """PROVIDER's statement for CYCLE: charges, payments, arrears, refund, balance.

    A provider who left gets their departure settlement letter once the cycle
    has closed. --issue (or --all, for everyone in the cycle) writes the
    documents and records them in the journal.
    """
    from dataclasses import asdict

    from engine.books.output import write_bytes, write_text
    from engine.documents.notices import issue, render, statement_document, statement_documents
    from engine.documents.statements import statement as build
    from engine.documents.statements import statement_csv, summary_rows

    books = open_books(ctx)
    day = on or today()
    if everyone:
        if len(targets) != 1:
            raise UserError("with --all give only the cycle", field="CYCLE", expected="e.g. coop statement --all 2027-01")
        if csv_file or md_file or docx_file:
            raise UserError("--csv, --md and --docx write one provider's statement; --all issues every one", field="--all")
        c = _cycle(books, targets[0])
        done = issue(books, statement_documents(books, c, day), _documents_out(books, out), day)
        if as_json:
            emit_json([_issued_json(d) for d in done])
        else:
            _issued_summary(done)
        if pdf:
            _pdf([d.docx for d in done])
        return
    if len(targets) != 2:
        raise UserError("give a provider and a cycle", field="PROVIDER CYCLE", expected="e.g. 'mara-quist 2027-01', or '--all 2027-01'")
    provider_id, cycle_id = targets
    c = _cycle(books, cycle_id)
    s = build(books, provider_id, c)
    doc = statement_document(books, provider_id, c, day) if md_file or docx_file or issue_docs else None
    if csv_file:
        write_text(csv_file, statement_csv(s))
    if doc is not None and (md_file or docx_file):
        markdown, docx = render(doc, books.federation.currency)
        if md_file:
            write_text(md_file, markdown)
        if docx_file:
            write_bytes(docx_file, docx)
    done = issue(books, [doc], _documents_out(books, out), day) if doc is not None and issue_docs else []
    if as_json:
        emit_json({**asdict(s), "summary": dict(summary_rows(s)), "issued": [_issued_json(d) for d in done]})
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
    for d in done:
        what = "settlement letter" if d.kind == "settlement" else "statement"
        state = "recorded in the journal" if d.recorded else "unchanged since last issued"
        click.echo(f"Issued the {what} ({state}):\n  {d.markdown}\n  {d.docx}")
    if pdf:
        _pdf([d.docx for d in done] or ([docx_file] if docx_file else []))


@main.group()
def report() -> None:
    """Reports any provider may see."""


@report.command("transparency")
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as CSV.")
@click.option("--md", "md_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as Markdown.")
@click.option("--docx", "docx_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as DOCX.")
@json_option
@click.pass_context
def report_transparency(
    ctx: click.Context, cycle_id: str, csv_file: Path | None, md_file: Path | None, docx_file: Path | None, as_json: bool
) -> None:
    """Budget against actual, fees, surplus or deficit and refunds for CYCLE."""
    from dataclasses import asdict

    from engine.books.output import write_bytes, write_text
    from engine.documents.statements import result_rows, transparency, transparency_csv, transparency_docx, transparency_markdown

    books = open_books(ctx)
    c = _cycle(books, cycle_id)
    t = transparency(books, c)
    if csv_file:
        write_text(csv_file, transparency_csv(t))
    if md_file:
        write_text(md_file, transparency_markdown(t))
    if docx_file:
        write_bytes(docx_file, transparency_docx(t, books.federation.parent.legal_name, c.last_day))
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
    from engine.ledger.accounts import trial_balance

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
    from engine.ledger.accounts import provider_balances

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
    from engine.books.roster import require
    from engine.ledger.accounts import transactions

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
    from engine.ledger.accounts import record_write_off

    books = open_books(ctx)
    entry = record_write_off(books, provider_id, amount, on, reason, correction)
    click.echo(f"Wrote off {money(amount, books)} owed by {provider_id} (journal entry {entry.seq}).")


# --- flat_pay model: hours, unplanned leave, capital accounts, reminders, statements ------------


@main.group()
def hours() -> None:
    """Hours worked (flat_pay model): record, import, list. The log is open to every member."""


@hours.command("record")
@click.argument("member_id", metavar="MEMBER")
@click.argument("amount", metavar="HOURS")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month the hours were worked.")
@click.option("--kind", type=click.Choice(["clinical", "admin", "other"]), default="clinical", show_default=True)
@click.pass_context
def hours_record(ctx: click.Context, member_id: str, amount: str, month: str, kind: str) -> None:
    """Log MEMBER's HOURS for a month; every hour pays the rate in force for that month."""
    from engine.books.parameters import in_force
    from engine.models.flat_pay.hours import parse_hours, parse_month, record
    from engine.models.flat_pay.pay import hourly_rate, pay_for_hours

    books = open_books(ctx)
    m, h = parse_month(month), parse_hours(amount)
    e = record(books, member_id, h, m, kind)
    rate = hourly_rate(in_force(books), m)
    pay = money(pay_for_hours(h, rate), books)
    click.echo(f"Recorded {h} {kind} hours for {member_id} in {m} (entry {e.seq}): {pay} at {money(rate, books)}/h")
    click.echo(f"Paid by {_payer_name(books, kind)}")


def _payer_name(books: Any, kind: str) -> str:
    """The legal name of the entity that pays work of ``kind`` (engine.pay.PAID_BY)."""
    from engine.books.parameters import in_force
    from engine.models.flat_pay.pay import MANAGEMENT, payer_of

    if payer_of(kind) == MANAGEMENT:
        return f"{books.federation.holder} (the management entity)"
    return f"{in_force(books).clinical_entity} (the clinical entity)"


@hours.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def hours_import(ctx: click.Context, csv_file: Path) -> None:
    """Log hours from a CSV (member, month, hours, kind): every row, or none."""
    from decimal import Decimal

    from engine.models.flat_pay.hours import import_csv

    books = open_books(ctx)
    entries = import_csv(books, csv_file)
    total = sum((Decimal(e.data["hours"]) for e in entries), Decimal(0))
    click.echo(f"Recorded {len(entries)} hours records ({total} hours) from {csv_file}")


@hours.command("list")
@click.option("--month", default=None, metavar="YYYY-MM", help="Only this month.")
@click.option("--member", "member_id", default=None, help="Only this member.")
@json_option
@click.pass_context
def hours_list(ctx: click.Context, month: str | None, member_id: str | None, as_json: bool) -> None:
    """Everyone's hours and pay, month by month: shared with all members, for transparency."""
    from engine.books.parameters import in_force
    from engine.models.flat_pay.hours import parse_month, records
    from engine.models.flat_pay.pay import hourly_rate, pay_for_hours, payer_of

    books = open_books(ctx)
    wanted = parse_month(month) if month else None
    params = in_force(books)
    rows = [r for r in records(books) if (wanted is None or r.month == wanted) and (member_id is None or r.member == member_id)]
    rows.sort(key=lambda r: (r.month, r.member, r.seq))
    out = []
    for r in rows:
        rate = hourly_rate(params, r.month)
        out.append(
            {
                "entry": r.seq,
                "month": str(r.month),
                "member": r.member,
                "kind": r.kind,
                "paid_by": payer_of(r.kind),
                "hours": str(r.hours),
                "rate": rate,
                "pay": pay_for_hours(r.hours, rate),
            }
        )
    if as_json:
        emit_json(out)
        return
    if not out:
        click.echo("No hours recorded" + (f" for {wanted}" if wanted else "") + ".")
        return
    click.echo(
        table(
            [[o["month"], o["member"], o["kind"], o["paid_by"], o["hours"], money(o["rate"], books), money(o["pay"], books)] for o in out],
            ["month", "member", "kind", "paid by", "hours", "rate", "pay"],
            {4: "right", 5: "right", 6: "right"},
        )
    )
    from decimal import Decimal

    click.echo(f"Total: {sum((Decimal(o['hours']) for o in out), Decimal(0))} hours, {money(sum(o['pay'] for o in out), books)}")


@main.group()
def leave() -> None:
    """Time off: unplanned leave paid per day (flat_pay model); extended leave owing only rent (retention model)."""


@leave.command("unplanned")
@click.argument("member_id", metavar="MEMBER")
@click.option("--days", type=int, required=True, help="Days of unplanned leave.")
@click.option("--on", "on", type=DATE, required=True, help="First day of the leave.")
@click.option("--return", "returns", type=DATE, required=True, help="Projected return date (required: keep the collective informed).")
@click.option(
    "--kind", default="clinical", show_default=True, help="The work it replaces: clinical (paid by the clinical entity), admin or other."
)
@click.pass_context
def leave_unplanned(ctx: click.Context, member_id: str, days: int, on: date, returns: date, kind: str) -> None:
    """Record MEMBER's unplanned leave; each day pays the unplanned leave day pay, from the entity whose work it replaces."""
    from engine.books.cycles import Month
    from engine.books.parameters import in_force
    from engine.models.flat_pay.leave import record_unplanned
    from engine.models.flat_pay.pay import unplanned_leave_day_pay

    books = open_books(ctx)
    e = record_unplanned(books, member_id, days, on, returns, kind)
    day_pay = unplanned_leave_day_pay(in_force(books), Month.of(on).first)
    click.echo(f"Recorded {days} day(s) of unplanned leave for {member_id} from {on}, back {returns} (entry {e.seq})")
    click.echo(f"Leave pay: {days} x {money(day_pay, books)} = {money(days * day_pay, books)}, paid by {_payer_name(books, kind)}")


@leave.command("list")
@json_option
@click.pass_context
def leave_list(ctx: click.Context, as_json: bool) -> None:
    """Every leave recorded: unplanned days with their pay, or extended leaves."""
    books = open_books(ctx)
    if books.federation.model == "retention":
        _extended_leave_list(books, as_json)
        return
    from engine.books.cycles import Month
    from engine.books.parameters import in_force
    from engine.models.flat_pay.leave import records
    from engine.models.flat_pay.pay import payer_of, unplanned_leave_day_pay

    params = in_force(books)
    out = []
    for r in records(books):
        day_pay = unplanned_leave_day_pay(params, Month.of(r.on).first)
        out.append(
            {
                "entry": r.seq,
                "member": r.member,
                "on": r.on.isoformat(),
                "days": r.days,
                "return": r.returns.isoformat(),
                "kind": r.kind,
                "paid_by": payer_of(r.kind),
                "day_pay": day_pay,
                "pay": r.days * day_pay,
            }
        )
    if as_json:
        emit_json(out)
        return
    rows = [
        [o["member"], o["on"], o["days"], o["return"], o["kind"], o["paid_by"], money(o["day_pay"], books), money(o["pay"], books)]
        for o in out
    ]
    click.echo(
        table(
            rows,
            ["member", "from", "days", "projected return", "work", "paid by", "day pay", "pay"],
            {2: "right", 6: "right", 7: "right"},
        )
        if rows
        else "No unplanned leave recorded."
    )


@main.group()
def capital() -> None:
    """The management entity's year close and members' internal capital accounts (flat_pay model)."""


@capital.command("close")
@click.argument("year", metavar="YEAR")
@click.option("--on", "on", type=DATE, default=None, help="Date of the close (default: today).")
@click.option("--dry-run", is_flag=True, help="Show the close without recording it.")
@json_option
@click.pass_context
def capital_close(ctx: click.Context, year: str, on: date | None, dry_run: bool, as_json: bool) -> None:
    """Close YEAR: its surplus to owners' capital accounts by hours (a deficit is carried forward); pay out leavers."""
    from engine.books.parameters import in_force
    from engine.models.flat_pay.management import close_year, parse_year

    books = open_books(ctx)
    fig = close_year(books, parse_year(books, year), on or today(), dry_run)
    if as_json:
        emit_json(fig.as_json())
        return
    s = fig.settlement
    click.echo(f"{'Dry run: ' if dry_run else ''}Year {fig.cycle.label} of {books.federation.holder}")
    rows = [
        [f"Management fees received from {in_force(books).clinical_entity}", money(fig.income, books)],
        ["Pay for administrative and other hours", money(-fig.pay, books)],
        ["Unplanned leave pay (administrative and other work)", money(-fig.leave_pay, books)],
        ["Shared expenses", money(-fig.expenses, books)],
        ["Brought forward", money(fig.brought_forward, books)],
        ["Result", money(s.result, books)],
    ]
    click.echo(table(rows, ["", "amount"], {1: "right"}))
    clinical = money(fig.clinical_pay + fig.clinical_leave_pay, books)
    click.echo(f"(Clinical hours and leave from clinical work, {clinical}, were paid by {in_force(books).clinical_entity}.)")
    if s.allocations:
        total = sum(fig.owner_hours.values())
        click.echo("")
        click.echo(f"Surplus allocated to capital accounts by all hours worked, clinical or not ({total} owner hours):")
        arows = [
            [m, fig.owner_hours[m], money(a, books), money(fig.payouts.get(m, 0), books) if m in fig.payouts else ""]
            for m, a in sorted(s.allocations.items())
        ]
        click.echo(table(arows, ["member", "hours", "allocated", "paid out (left)"], {1: "right", 2: "right", 3: "right"}))
    else:
        why = "a deficit" if s.result < 0 else "no owner hours to weigh it by" if s.result > 0 else "nothing"
        click.echo(f"Nothing allocated ({why}); {money(s.carried_forward, books)} carried forward to the next year.")
    for m, p in fig.payouts.items():
        if m not in s.allocations:
            click.echo(f"Paid out to {m} (left): {money(p, books)}")
    if not fig.hours.keys() <= fig.owner_hours.keys():
        click.echo(
            "Not yet member-owners at the year's end (no allocation): " + ", ".join(sorted(fig.hours.keys() - fig.owner_hours.keys()))
        )


@capital.command("accounts")
@as_of_option
@json_option
@click.pass_context
def capital_accounts(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """Each member's internal capital account balance."""
    from engine.models.flat_pay.management import balances

    books = open_books(ctx)
    b = balances(books, as_of or today())
    if as_json:
        emit_json(b)
        return
    if not b:
        click.echo("No capital allocated yet (accounts start at zero; a year's close allocates its surplus).")
        return
    click.echo(table([[m, money(v, books)] for m, v in b.items()], ["member", "balance"], {1: "right"}))


@main.command("annual-statement")
@click.argument("member_id", metavar="MEMBER")
@click.argument("year", metavar="YEAR")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as CSV.")
@click.option("--md", "md_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as Markdown.")
@click.option("--docx", "docx_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as DOCX.")
@json_option
@click.pass_context
def annual_statement_cmd(
    ctx: click.Context, member_id: str, year: str, csv_file: Path | None, md_file: Path | None, docx_file: Path | None, as_json: bool
) -> None:
    """MEMBER's statement for YEAR (flat_pay model): hours and pay by month, leave, capital account."""
    from engine.books.output import write_bytes, write_text
    from engine.models.flat_pay.management import parse_year
    from engine.models.flat_pay.statements import statement as build
    from engine.models.flat_pay.statements import to_csv, to_markdown

    books = open_books(ctx)
    s = build(books, member_id, parse_year(books, year))
    text = to_markdown(s, books.federation.holder, books.federation.currency)
    if csv_file:
        write_text(csv_file, to_csv(s))
    if md_file:
        write_text(md_file, text)
    if docx_file:
        from engine.documents.typesetting import DocMeta, to_docx

        meta = DocMeta(
            title=f"Annual statement {s.cycle.label}: {s.name}",
            footer=f"{books.federation.holder} · Annual statement {s.cycle.label} · {s.name}",
            issued=s.cycle.last_day,
            author=books.federation.holder,
            subject=books.federation.name,
        )
        write_bytes(docx_file, to_docx(text, meta))
    if as_json:
        emit_json(s.as_json())
        return
    click.echo(f"Annual statement {s.cycle.label}: {s.name} ({s.member})")
    rows = [
        [
            str(m.month),
            m.payer,
            m.hours,
            money(m.rate, books),
            money(m.hours_pay, books),
            m.leave_days,
            money(m.leave_pay, books),
            money(m.total, books),
        ]
        for m in s.months
    ]
    total = money(s.hours_pay + s.leave_pay, books)
    rows.append(["year", "", s.hours, "", money(s.hours_pay, books), s.leave_days, money(s.leave_pay, books), total])
    heads = ["month", "paid by", "hours", "rate", "hours pay", "leave days", "leave pay", "total"]
    click.echo(table(rows, heads, {i: "right" for i in range(2, 8)}))
    for payer, name in s.entity_names.items():
        click.echo(f"Paid by {name} ({payer} entity): {money(s.paid_by(payer), books)}")
    if s.closed:
        amounts = (s.opening_balance, s.allocation, s.payout, s.closing_balance)
        o, a, p, c = (money(x, books) for x in amounts)
        click.echo(f"Capital account: opening {o}, allocated {a}, paid out {p}, closing {c}")
    else:
        click.echo(f"Capital account: {money(s.opening_balance, books)} (the year is not closed yet)")


@main.command()
@as_of_option
@click.option("--within", "within_days", type=click.IntRange(0, 3660), default=120, show_default=True, help="Days ahead to look.")
@json_option
@click.pass_context
def reminders(ctx: click.Context, as_of: date | None, within_days: int, as_json: bool) -> None:
    """Upcoming events (flat_pay model): the annual meeting, membership proposals due, years to close."""
    from engine.models.flat_pay.reminders import upcoming

    books = open_books(ctx)
    found = upcoming(books, as_of or today(), within_days)
    if as_json:
        emit_json([r.as_json() for r in found])
        return
    if not found:
        click.echo(f"Nothing due in the next {within_days} days.")
        return
    click.echo(table([[r.on.isoformat(), r.text] for r in found], ["on", "reminder"]))


@propose.command("low-rate")
@click.option("--client", required=True, help="The client's reference in the clinical records (never their name).")
@click.option("--member", "member_id", required=True, help="The clinician who sees the client.")
@click.option("--rate", type=MONEY, required=True, help="The proposed rate per session.")
@click.option("--text", required=True, help="Why: what the client can pay, and for how long.")
@_propose_options
def propose_low_rate(
    ctx: click.Context, client: str, member_id: str, rate: int, text: str, title: str | None, by: str | None, deadline: date | None
) -> None:
    """Propose seeing a client at a very low rate (the collective's approval, by consensus)."""
    from engine.books.money import cents_to_decimal_text

    data = {"client": client, "member": member_id, "rate": rate, "text": text}
    _open(ctx, "low_rate", data, title, f"Low rate for client {client}: {cents_to_decimal_text(rate)} a session", by, deadline)


@main.command("low-rates")
@json_option
@click.pass_context
def low_rates(ctx: click.Context, as_json: bool) -> None:
    """Very low client rates the collective approved (client references, not names)."""
    from engine.governance.outcomes import LOW_RATE_APPROVED

    books = open_books(ctx)
    found = [{"on": e.on, **e.data} for e in books.journal.entries([LOW_RATE_APPROVED])]
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("No low rates approved.")
        return
    rows = [[f["on"], f["client"], f["member"], money(f["rate"], books), f["label"], f["reason"]] for f in found]
    click.echo(table(rows, ["approved", "client", "clinician", "rate", "proposal", "why"], {3: "right"}))


@main.group()
def agreement() -> None:
    """Member agreements (flat_pay model), stated from the same data as the manual."""


@agreement.command("issue")
@click.argument("members", nargs=-1)
@click.option("--all", "everyone", is_flag=True, help="Every member active on the issue date.")
@click.option("--on", "on", type=DATE, default=None, help="Issue date (default: today); sets the rate and manual version stated.")
@out_option
@click.pass_context
def agreement_issue(ctx: click.Context, members: tuple[str, ...], everyone: bool, on: date | None, out: Path | None) -> None:
    """Issue a member agreement (Markdown and DOCX) to each MEMBER (or --all); sign with 'coop contracts signed'."""
    from engine.models.flat_pay.documents import issue_agreements

    if everyone == bool(members):
        raise UserError("name members or give --all (not both)", field="MEMBER", expected="ids such as juno-pike, or --all")
    books = open_books(ctx)
    done = issue_agreements(books, None if everyone else list(members), on or today(), _documents_out(books, out))
    fresh = sum(d.recorded for d in done)
    folder = done[0].docx.parent
    click.echo(f"Issued {len(done)} member agreement(s) in {folder} ({fresh} recorded, {len(done) - fresh} unchanged)")


# --- session split co-op: sessions, quarterly payouts, commitments, annual statements, member agreements ---


@main.group()
def session() -> None:
    """Sessions of the session split co-op: each fee split between clinician and co-op."""


@session.command("record")
@click.argument("member_id", metavar="MEMBER")
@click.argument("fee", type=MONEY)
@click.option("--on", "on", type=DATE, required=True, help="Date the session's fee was received.")
@click.option("--ref", default="", help="Your own reference for the session (no client details).")
@correction_option
@click.pass_context
def session_record(ctx: click.Context, member_id: str, fee: int, on: date, ref: str, correction: str | None) -> None:
    """Record a session's FEE held by MEMBER; the split in force that day is applied."""
    from engine.models.session_split.sessions import record_session

    books = open_books(ctx)
    e = record_session(books, member_id, fee, on, ref, correction)
    d = e.data
    click.echo(
        f"Session S-{d['number']} of {money(fee, books)} by {member_id} on {on}: "
        f"{money(d['clinician'], books)} to the clinician, {money(d['coop'], books)} to the co-op "
        f"(split {d['share']}; journal entry {e.seq})."
    )


@session.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def session_import(ctx: click.Context, csv_file: Path) -> None:
    """Record many sessions from a CSV (member,fee,on,ref): every row or none."""
    from engine.models.session_split.sessions import import_sessions

    books = open_books(ctx)
    done = import_sessions(books, csv_file)
    fees, clin, coop = (sum(getattr(s, k) for s in done) for k in ("fee", "clinician", "coop"))
    click.echo(
        f"Recorded {len(done)} sessions from {csv_file.name}: fees {money(fees, books)}, "
        f"{money(clin, books)} to clinicians, {money(coop, books)} to the co-op."
    )


@session.command("list")
@click.option("--member", "member_id", default=None, help="Only this member's sessions.")
@click.option("--quarter", "quarter_id", default=None, metavar="QUARTER", help="Only this quarter (e.g. 2027-04).")
@json_option
@click.pass_context
def session_list(ctx: click.Context, member_id: str | None, quarter_id: str | None, as_json: bool) -> None:
    """Recorded sessions with their split, and the totals."""
    from engine.models.session_split.sessions import require_model, sessions

    books = open_books(ctx)
    require_model(books)
    q = _cycle(books, quarter_id, "--quarter") if quarter_id else None
    rows = sessions(books, q.first_day if q else None, q.last_day if q else None, member_id)
    if as_json:
        emit_json(
            [
                {
                    "id": s.id,
                    "member": s.member,
                    "on": s.on,
                    "fee": s.fee,
                    "clinician": s.clinician,
                    "coop": s.coop,
                    "share": s.share,
                    "ref": s.ref,
                }
                for s in rows
            ]
        )
        return
    body = [
        [s.id, s.on.isoformat(), s.member, money(s.fee, books), money(s.clinician, books), money(s.coop, books), s.share, s.ref]
        for s in rows
    ]
    body.append(["total", "", "", *(money(sum(getattr(s, k) for s in rows), books) for k in ("fee", "clinician", "coop")), "", ""])
    click.echo(table(body, ["session", "on", "member", "fee", "clinician", "co-op", "split", "ref"], {3: "right", 4: "right", 5: "right"}))


@main.group()
def payout() -> None:
    """Quarterly payouts of the session split co-op's surplus to its member-owners."""


@payout.command("quarter")
@click.argument("quarter_id", metavar="QUARTER")
@click.option("--on", "on", type=DATE, default=None, help="Date of the close (default: today).")
@click.option("--dry-run", is_flag=True, help="Show the payout without recording it.")
@json_option
@click.pass_context
def payout_quarter(ctx: click.Context, quarter_id: str, on: date | None, dry_run: bool, as_json: bool) -> None:
    """Close QUARTER: pay its surplus out to the member-owners, or carry its deficit to the next quarter."""
    from engine.ledger.closing import close, settle
    from engine.models.session_split.payouts import PAYOUT_BASIS_WORDS
    from engine.models.session_split.sessions import require_model

    books = open_books(ctx)
    require_model(books)
    q = _cycle(books, quarter_id, "QUARTER")
    day = on or today()
    result = settle(books, q, day) if dry_run else close(books, q, day)[0]
    if as_json:
        emit_json({**result.as_data(), "on": result.on.isoformat(), "seq": result.seq, "recorded": not dry_run})
        return
    click.echo(f"{'Would close' if dry_run else 'Closed'} quarter {q.label} on {day}.")
    rows = [
        ["co-op's shares of sessions", money(result.charged, books)],
        ["brought forward", money(result.brought_forward, books)],
        ["expenses paid", money(-result.expenses, books)],
        ["committed by vote", money(-result.committed, books)],
        ["surplus (deficit)", money(result.surplus, books)],
        ["paid out to member-owners", money(-result.refunded, books)],
        ["carried to the next quarter", money(-result.carried_forward, books)],
        ["left over (always zero)", money(result.profit, books)],
    ]
    click.echo(table(rows, ["", "amount"], {1: "right"}))
    if result.refunded:
        click.echo(f"\nPaid out {PAYOUT_BASIS_WORDS[result.basis]}:")
        prow = [[pid, result.months.get(pid, ""), money(r, books)] for pid, r in result.refunds.items()]
        click.echo(table(prow, ["member", "share", "payout"], {2: "right"}))


@payout.command("commitments")
@json_option
@click.pass_context
def payout_commitments(ctx: click.Context, as_json: bool) -> None:
    """Amounts committed from the surplus by surplus-use votes."""
    from engine.models.session_split.payouts import as_json as commitment_json
    from engine.models.session_split.payouts import commitments, spent_on
    from engine.models.session_split.sessions import require_model

    books = open_books(ctx)
    require_model(books)
    found = commitments(books)
    if as_json:
        emit_json([commitment_json(c) for c in found])
        return
    rows = [
        [c.proposal, c.on.isoformat(), c.quarter, c.member or "", money(c.amount, books), money(spent_on(books, c.proposal), books), c.text]
        for c in found
    ]
    click.echo(table(rows, ["vote", "on", "quarter", "member", "committed", "spent", "for"], {4: "right", 5: "right"}))


@member.command("statement")
@click.argument("member_id", metavar="MEMBER")
@click.argument("year", type=int)
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as CSV.")
@click.option("--md", "md_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as Markdown.")
@click.option("--docx", "docx_file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write it as DOCX.")
@json_option
@click.pass_context
def member_statement(
    ctx: click.Context, member_id: str, year: int, csv_file: Path | None, md_file: Path | None, docx_file: Path | None, as_json: bool
) -> None:
    """MEMBER's annual statement for YEAR: sessions, fees, their share, their contribution, quarterly payouts."""
    from dataclasses import asdict

    from engine.books.output import write_bytes, write_text
    from engine.models.session_split.statements import (
        HEADERS,
        annual_statement,
        statement_csv,
        statement_docx,
        statement_markdown,
        summary_rows,
        table_rows,
    )

    books = open_books(ctx)
    s = annual_statement(books, member_id, year)
    if csv_file:
        write_text(csv_file, statement_csv(s))
    if md_file:
        write_text(md_file, statement_markdown(s))
    if docx_file:
        write_bytes(docx_file, statement_docx(s))
    if as_json:
        emit_json({**asdict(s), "summary": dict(summary_rows(s))})
        return
    click.echo(f"Annual statement {year}: {s.name} ({s.member}), {s.coop}")
    click.echo(table(table_rows(s), HEADERS, {i: "right" for i in range(1, 6)}))
    click.echo("")
    click.echo(table([[k, money(v, books)] for k, v in summary_rows(s)], ["", "amount"], {1: "right"}))


@member.command("agreement")
@click.argument("member_ids", nargs=-1, metavar="[MEMBER]...")
@click.option("--all", "everyone", is_flag=True, help="Every member active on the issue date.")
@click.option("--on", "on", type=DATE, default=None, help="Issue date (default: today); sets the split and budget stated.")
@out_option
@click.pass_context
def member_agreement(ctx: click.Context, member_ids: tuple[str, ...], everyone: bool, on: date | None, out: Path | None) -> None:
    """Issue the session split co-op's member agreement (Markdown and DOCX) to MEMBERs (or --all), recorded in the journal."""
    from engine.models.session_split.documents import issue_agreements

    if everyone == bool(member_ids):
        raise UserError("name members or give --all (not both)", field="MEMBER", expected="ids such as ana-ruiz, or --all")
    books = open_books(ctx)
    done = issue_agreements(books, list(member_ids) or None, on or today(), _documents_out(books, out))
    for d in done:
        click.echo(f"Issued the member agreement for {d.member}: {d.markdown} and {d.docx.name} (journal entry {d.seq})")


@payout.command("spend")
@click.argument("proposal_id", metavar="PROPOSAL")
@click.argument("amount", type=MONEY)
@click.option("--on", "on", type=DATE, required=True, help="Date paid.")
@click.option("--receipt", required=True, help="Invoice or receipt reference.")
@click.option("--vendor", default="", help="Who was paid (e.g. the training institute).")
@click.pass_context
def payout_spend(ctx: click.Context, proposal_id: str, amount: int, on: date, receipt: str, vendor: str) -> None:
    """Pay (part of) what a passed surplus-use PROPOSAL committed, e.g. the training invoice."""
    from engine.models.session_split.payouts import spend, spent_on

    books = open_books(ctx)
    e = spend(books, proposal_id, amount, on, receipt, vendor)
    label = e.data["proposal"]
    so_far = money(spent_on(books, label), books)
    click.echo(f"Paid {money(amount, books)} of {label}'s commitment on {on} (journal entry {e.seq}); {so_far} spent so far.")


@payout.command("members")
@click.option("--on", "on", type=DATE, required=True, help="Date paid.")
@click.option("--ref", default="", help="Transfer reference.")
@click.pass_context
def payout_members(ctx: click.Context, on: date, ref: str) -> None:
    """Pay every member what the co-op owes them on a date (session shares and payouts), all or none."""
    from engine.models.session_split.payouts import pay_members

    books = open_books(ctx)
    paid = pay_members(books, on, ref)
    if not paid:
        click.echo(f"Nothing is owed to any member on {on}.")
        return
    click.echo(table([[pid, money(a, books)] for pid, a in paid.items()], ["member", "paid"], {1: "right"}))
    click.echo(f"Paid {len(paid)} members {money(sum(paid.values()), books)} on {on}.")


# --- end session split co-op ---


# --- retention model: revenue, probation, extended leave, annual statements ----------------


@main.group()
def revenue() -> None:
    """Retention model: members' revenue (each keeps it, less the probation levy) and annual statements."""


@revenue.command("record")
@click.argument("member_id", metavar="MEMBER")
@click.argument("amount", type=MONEY)
@click.option("--month", required=True, help="The month the services were provided, YYYY-MM.")
@click.option("--note", default="", help="Anything worth keeping with it.")
@click.pass_context
def revenue_record(ctx: click.Context, member_id: str, amount: int, month: str, note: str) -> None:
    """Record MEMBER's revenue for a month; in probation, the co-op's share is split off."""
    from engine.models.retention.revenue import parse_month, record_revenue

    books = open_books(ctx)
    e = record_revenue(books, member_id, amount, parse_month(month), note)
    levy = e.data["levy"]
    tail = f"; {money(levy, books)} to the co-op (probation), {money(e.data['kept'], books)} kept" if levy else ", all kept"
    click.echo(f"Recorded {money(amount, books)} for {member_id} in {month}{tail} (journal entry {e.seq}).")


@revenue.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def revenue_import(ctx: click.Context, csv_file: Path) -> None:
    """Record every row of a CSV (member, month, amount[, note]), or none if any row is wrong."""
    from engine.models.retention.revenue import import_revenue

    books = open_books(ctx)
    n, total = import_revenue(books, csv_file)
    click.echo(f"Recorded {n} revenues totalling {money(total, books)}.")


@revenue.command("list")
@click.option("--member", "member_id", default=None)
@as_of_option
@json_option
@click.pass_context
def revenue_list(ctx: click.Context, member_id: str | None, as_of: date | None, as_json: bool) -> None:
    """Recorded revenues, with the probation levy and the part kept."""
    from engine.models.retention.revenue import revenues

    books = open_books(ctx)
    rs = revenues(books, as_of or today(), member_id)
    if as_json:
        emit_json(
            [
                {
                    "seq": r.seq,
                    "on": r.on.isoformat(),
                    "member": r.provider,
                    "month": str(r.month),
                    "amount": r.amount,
                    "levy": r.levy,
                    "kept": r.kept,
                }
                for r in rs
            ]
        )
        return
    rows = [[r.seq, str(r.month), r.provider, money(r.amount, books), money(r.levy, books), money(r.kept, books), r.note] for r in rs]
    click.echo(table(rows, ["entry", "month", "member", "revenue", "co-op levy", "kept", "note"], {3: "right", 4: "right", 5: "right"}))


@revenue.command("statement")
@click.argument("member_id", metavar="MEMBER")
@click.option("--year", type=int, required=True)
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--md", "md_file", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--docx", "docx_file", type=click.Path(dir_okay=False, path_type=Path), default=None)
@json_option
@click.pass_context
def revenue_statement(
    ctx: click.Context, member_id: str, year: int, csv_file: Path | None, md_file: Path | None, docx_file: Path | None, as_json: bool
) -> None:
    """MEMBER's annual statement: revenue, levy, retained share, expenses, leave, rent covered, net kept."""
    from engine.books.output import write_bytes, write_text
    from engine.models.retention.revenue import STATEMENT_COLUMNS, STATEMENT_HEADINGS, annual_statement, statement_csv, statement_markdown

    books = open_books(ctx)
    s = annual_statement(books, member_id, year)
    if as_json:
        emit_json({"member": s.member, "year": s.year, "summary": {k: v for k, v in s.rows()}})
        return
    rows = [[str(r.month), r.status, *(money(getattr(r, c), books) for c in STATEMENT_COLUMNS)] for r in s.months]
    rows.append(["total", "", *(money(s.total(c), books) for c in STATEMENT_COLUMNS)])
    headers = ["month", "status", *(h.lower() for h in STATEMENT_HEADINGS)]
    click.echo(f"{s.name} ({s.member}), {s.year}")
    click.echo(table(rows, headers, {i: "right" for i in range(2, len(headers))}))
    if csv_file:
        click.echo(f"Wrote {write_text(csv_file, statement_csv(s))}")
    if md_file:
        click.echo(f"Wrote {write_text(md_file, statement_markdown(s))}")
    if docx_file:
        from engine.models.retention.revenue import statement_docx

        click.echo(f"Wrote {write_bytes(docx_file, statement_docx(s))}")


@revenue.command("statements")
@click.option("--year", type=int, required=True)
@out_option
@click.pass_context
def revenue_statements(ctx: click.Context, year: int, out: Path | None) -> None:
    """Every member's annual statement for a year: CSV, Markdown and DOCX each (default folder BOOKS/documents/statements)."""
    from engine.models.retention.revenue import write_statements

    books = open_books(ctx)
    folder = _documents_out(books, out) / "statements" / str(year)
    done = write_statements(books, year, folder)
    rows = [
        [
            s.member,
            money(s.total("revenue"), books),
            money(s.total("levy"), books),
            money(s.total("expenses"), books),
            money(s.net_kept, books),
        ]
        for s, _ in done
    ]
    click.echo(table(rows, ["member", "revenue", "co-op levy", "expenses", "net kept"], {1: "right", 2: "right", 3: "right", 4: "right"}))
    click.echo(f"Wrote {len(done)} statements (CSV, Markdown, DOCX) in {folder}")


@leave.command("start")
@click.argument("member_id", metavar="MEMBER")
@click.option("--from", "start", type=DATE, required=True, help="First day of the leave.")
@click.option("--until", type=DATE, required=True, help="Last day of the leave (at most leave_max_months after --from).")
@click.option("--kind", type=click.Choice(["disability", "family"]), required=True)
@click.pass_context
def leave_start(ctx: click.Context, member_id: str, start: date, until: date, kind: str) -> None:
    """Record MEMBER's extended leave; the fee is re-evaluated in the same transaction."""
    from engine.models.retention.revenue import start_leave

    books = open_books(ctx)
    e, plans = start_leave(books, member_id, kind, start, until)
    click.echo(f"{member_id} is on {kind} leave from {start} until {until} (journal entry {e.seq}); owes only a share of rent.")
    for p in plans:
        click.echo(f"Fee for {p.cycle.id} from {p.from_month}: {money(p.amount, books)} (was {money(p.old or 0, books)}).")


@leave.command("end")
@click.argument("member_id", metavar="MEMBER")
@click.option("--on", "on", type=DATE, required=True, help="The last day of the leave (the member is back the day after).")
@click.pass_context
def leave_end(ctx: click.Context, member_id: str, on: date) -> None:
    """End MEMBER's extended leave early; the fee is re-evaluated in the same transaction."""
    from engine.models.retention.revenue import end_leave

    books = open_books(ctx)
    e, plans = end_leave(books, member_id, on)
    click.echo(f"{member_id}'s leave ends on {on} (journal entry {e.seq}); a full share again from the next month that starts after it.")
    for p in plans:
        click.echo(f"Fee for {p.cycle.id} from {p.from_month}: {money(p.amount, books)} (was {money(p.old or 0, books)}).")


def _extended_leave_list(books: Books, as_json: bool) -> None:
    """Every extended leave recorded (retention model)."""
    from engine.models.retention.revenue import leaves

    ls = leaves(books)
    if as_json:
        emit_json([{"member": lv.provider, "kind": lv.kind, "from": lv.start.isoformat(), "until": lv.until.isoformat()} for lv in ls])
        return
    click.echo(
        table([[lv.provider, lv.kind, lv.start.isoformat(), lv.until.isoformat()] for lv in ls], ["member", "kind", "from", "until"])
    )


@main.command("owners")
@as_of_option
@json_option
@click.pass_context
def owners_cmd(ctx: click.Context, as_of: date | None, as_json: bool) -> None:
    """Retention model: each active member, owner or in probation, and when the membership decision is due."""
    from engine.models.retention.revenue import member_statuses

    books = open_books(ctx)
    rows = member_statuses(books, as_of or today())
    if as_json:
        emit_json(rows)
        return
    click.echo(
        table(
            [[r["member"], r["status"], r["since"], r["decision_due"] or ""] for r in rows], ["member", "status", "since", "decision due"]
        )
    )


@main.command("due")
@click.pass_context
def due_cmd(ctx: click.Context) -> None:
    """Open every proposal whose date has come (retention: membership at the end of probation). Run daily."""
    from engine.models.retention.revenue import open_due

    books = open_books(ctx)
    opened = open_due(books)
    for p, end in opened:
        late = (p.opened_on - end).days
        click.echo(f"Opened {p.label}: {p.title} (due {end}{f', {late} days late' if late else ''}).")
        click.echo(f"Rule: {p.rule.describe()}")
        click.echo(f"Voting is open through {p.deadline}; {len(p.eligible or ())} owners may vote.")
    if not opened:
        click.echo("Nothing is due.")


# --- end retention -------------------------------------------------------------------------


# --- demo -------------------------------------------------------------------------


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("coop-demo"))
@click.option(
    "--model",
    type=click.Choice(["federation", "retention", "flat_pay", "session_split"]),
    default="federation",
    show_default=True,
    help="Which co-op model's year to run.",
)
def demo(folder: Path, model: str) -> None:
    """Found a sample co-op in FOLDER (default ./coop-demo) and run a year of every capability."""
    from engine.books.founding import create_demo_books
    from engine.models.federation.demo import script

    founding_text, steps = script(model)
    create_demo_books(folder, founding_text())
    kind = "federation" if model == "federation" else f"{model.replace('_', ' ')} co-op"
    click.secho(f"Founded a sample {kind} in {folder}", bold=True)
    for step in steps:
        click.echo("")
        click.secho(step.say, bold=True)
        if step.prepare is not None:
            step.prepare(folder)
        args = [a.replace("{books}", str(folder)) for a in step.args]
        env = "".join(f"{k}={_quote(v)} " for k, v in step.env.items())
        click.secho(f"$ {env}coop " + " ".join(_quote(a) for a in args), fg="cyan")
        with _environment(step.env):
            main.main(["--books", str(folder), *args], standalone_mode=False)
    click.echo("")
    click.secho(f"Done. The books are in {folder}; try 'coop --books {folder} status'.", bold=True)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for one demo step (its date, a member's credential), then restore them."""
    import os

    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


# --- hostile input (to move into terminal/) ---


def _another_batch(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    from engine.books.imports import ANOTHER_BATCH

    ANOTHER_BATCH.set(bool(value))
    return value


for _import_command in (provider_import, payment_import, expense_import, hours_import, session_import, revenue_import):
    _import_command.params.append(
        click.Option(
            ["--another-batch"],
            is_flag=True,
            expose_value=False,
            callback=_another_batch,
            help="The same file was imported before and these rows really are a second batch: record them again.",
        )
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
