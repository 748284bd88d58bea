"""``coop leave``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from terminal.hours import payer_name
from terminal.params import DATE, json_option, open_books
from terminal.present import emit_json, money, table

if TYPE_CHECKING:
    from engine.books.folder import Books


@click.group()
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

    books = open_books(ctx, write=True)
    e = record_unplanned(books, member_id, days, on, returns, kind)
    day_pay = unplanned_leave_day_pay(in_force(books), Month.of(on).first)
    click.echo(f"Recorded {days} day(s) of unplanned leave for {member_id} from {on}, back {returns} (entry {e.seq})")
    click.echo(f"Leave pay: {days} x {money(day_pay, books)} = {money(days * day_pay, books)}, paid by {payer_name(books, kind)}")


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


@leave.command("start")
@click.argument("member_id", metavar="MEMBER")
@click.option("--from", "start", type=DATE, required=True, help="First day of the leave.")
@click.option("--until", type=DATE, required=True, help="Last day of the leave (at most leave_max_months after --from).")
@click.option("--kind", type=click.Choice(["disability", "family"]), required=True)
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
@click.argument("member_id", metavar="MEMBER")
@click.option("--on", "on", type=DATE, required=True, help="The last day of the leave (the member is back the day after).")
@click.pass_context
def leave_end(ctx: click.Context, member_id: str, on: date) -> None:
    """End MEMBER's extended leave early; the fee is re-evaluated in the same transaction."""
    from engine.models.retention.revenue import end_leave

    books = open_books(ctx, write=True)
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
