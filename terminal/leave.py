"""``coop leave``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import click

from terminal.params import DATE, MEMBER, json_option, open_books
from terminal.present import emit_json, emit_table, money, table
from terminal.recorded import records

if TYPE_CHECKING:
    pass


@click.group()
def leave() -> None:
    """Time off: unplanned leave paid per day (flat_pay model); extended leave owing only rent (retention model)."""


@leave.command("unplanned")
@click.argument("member_id", type=MEMBER, metavar="MEMBER")
@click.option("--days", type=int, required=True, help="Days of unplanned leave.")
@click.option("--on", "on", type=DATE, required=True, help="First day of the leave.")
@click.option("--return", "returns", type=DATE, required=True, help="Projected return date (required: keep the collective informed).")
@click.option(
    "--kind", default="clinical", show_default=True, help="The work it replaces: clinical (paid by the clinical entity), admin or other."
)
@records
@click.pass_context
def leave_unplanned(ctx: click.Context, member_id: str, days: int, on: date, returns: date, kind: str) -> None:
    """Record MEMBER's unplanned leave; each day pays the unplanned leave day pay, from the entity whose work it replaces."""
    from engine.models.flat_pay.views import record_unplanned_leave

    books = open_books(ctx, write=True)
    r = record_unplanned_leave(books, member_id, days, on, returns, kind)
    click.echo(f"Recorded {days} day(s) of unplanned leave for {member_id} from {on}, back {returns} (entry {r.entry.seq})")
    click.echo(f"Leave pay: {days} x {money(r.day_pay, books)} = {money(r.pay, books)}, paid by {r.payer}")


@leave.command("list")
@json_option
@click.pass_context
def leave_list(ctx: click.Context, as_json: bool) -> None:
    """Every leave recorded: unplanned days with their pay, or extended leaves."""
    from engine.models.registry import of

    books = open_books(ctx)
    model = of(books)
    if model.has("extended_leaves"):  # leave that owes only a share of rent
        _extended_leave_list(model.call("extended_leaves", books), as_json)
        return
    out = model.call("unplanned_leaves", books) or []  # days paid at the day pay
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


@leave.command("start")
@click.argument("member_id", type=MEMBER, metavar="MEMBER")
@click.option("--from", "start", type=DATE, required=True, help="First day of the leave.")
@click.option("--until", type=DATE, required=True, help="Last day of the leave (at most leave_max_months after --from).")
@click.option("--kind", type=click.Choice(["disability", "family"]), required=True)
@records
@click.pass_context
def leave_start(ctx: click.Context, member_id: str, start: date, until: date, kind: str) -> None:
    """Record MEMBER's extended leave; the fee is re-evaluated in the same transaction."""
    from engine.models.retention.revenue import start_leave

    books = open_books(ctx, write=True)
    e, plans = start_leave(books, member_id, kind, start, until)
    click.echo(f"{member_id} is on {kind} leave from {start} until {until} (journal entry {e.seq}); owes only a share of rent.")
    for p in plans:
        click.echo(f"Fee for {p.cycle.id} from {p.from_month}: {money(p.amount, books)} (was {money(p.old or 0, books)}).")


@leave.command("end")
@click.argument("member_id", type=MEMBER, metavar="MEMBER")
@click.option("--on", "on", type=DATE, required=True, help="The last day of the leave (the member is back the day after).")
@records
@click.pass_context
def leave_end(ctx: click.Context, member_id: str, on: date) -> None:
    """End MEMBER's extended leave early; the fee is re-evaluated in the same transaction."""
    from engine.models.retention.revenue import end_leave

    books = open_books(ctx, write=True)
    e, plans = end_leave(books, member_id, on)
    click.echo(f"{member_id}'s leave ends on {on} (journal entry {e.seq}); a full share again from the next month that starts after it.")
    for p in plans:
        click.echo(f"Fee for {p.cycle.id} from {p.from_month}: {money(p.amount, books)} (was {money(p.old or 0, books)}).")


def _extended_leave_list(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        emit_json(rows)
        return
    emit_table([[r["member"], r["kind"], r["from"], r["until"]] for r in rows], ["member", "kind", "from", "until"])
