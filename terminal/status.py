"""``coop status``."""

from __future__ import annotations

from datetime import date

import click

from terminal.params import as_of_option, json_option, open_books, today
from terminal.present import emit_json, money, table


@click.command()
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
