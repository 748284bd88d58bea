"""``coop fees``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from terminal.bulk import many_objects
from terminal.params import DATE, as_of_option, json_option, open_books, out_option, pdf_option, today
from terminal.present import emit_json, emit_table, issued_json, issued_summary, money, plan_text, pm, write_pdfs
from terminal.recorded import add, plan_json, records


@click.group()
def fees() -> None:
    """The monthly fee: set it, see it, send notices."""


@fees.command("recalc")
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--from", "from_month", default=None, metavar="YYYY-MM", help="Set it again from this month of the cycle.")
@click.option("--reason", default=None, help="Why (shown on the fee notice).")
@records
@click.pass_context
@many_objects
def fees_recalc(ctx: click.Context, cycle_id: str, from_month: str | None, reason: str | None) -> None:
    """Set CYCLE's fee: its budget over its provider-months, rounded up to the cent."""
    from engine.ledger.requests import recalc_fee

    books = open_books(ctx, write=True)
    cycle, plan, recorded = recalc_fee(books, cycle_id, from_month, reason)
    add(ctx, cycle=cycle.id, fee=plan_json(plan), changed=recorded)
    if recorded:
        click.echo(f"Fee for {cycle.label}: {plan_text(plan, books)}.")
    else:
        click.echo(f"Fee for {cycle.label} unchanged at {money(plan.amount, books)}.")


@fees.command("show")
@click.argument("cycle_id", metavar="[CYCLE]", required=False)
@json_option
@click.pass_context
def fees_show(ctx: click.Context, cycle_id: str | None, as_json: bool) -> None:
    """The fee in each month of a cycle (default: the current one) and why it changed."""
    from engine.ledger.requests import fee_schedule

    books = open_books(ctx)
    sched = fee_schedule(books, cycle_id)
    cycle, found, months = sched.cycle, sched.settings, sched.months
    if as_json:
        emit_json(
            {
                "cycle": cycle.id,
                "currency": books.federation.currency,
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
    emit_table(
        [[str(m), money(f, books) if f is not None else "not set"] for m, f in zip(cycle.months, months, strict=True)],
        ["month", "fee"],
        {1: "right"},
    )
    click.echo("")
    rows = [
        [
            str(s.from_month),
            money(s.amount, books),
            money(s.old, books) if s.old is not None else "",
            f"{money(s.to_collect, books)} / {pm(s.provider_months)}",
            s.reason,
        ]
        for s in found
    ]
    emit_table(rows, ["from", "fee", "before", "to collect / provider-months", "why"], {1: "right", 2: "right"})


@fees.command("notices")
@click.argument("cycle_id", metavar="CYCLE")
@click.option("--on", "on", type=DATE, default=None, help="Issue date (default: today).")
@click.option("--from", "from_month", default=None, metavar="YYYY-MM", help="Only the fee setting from this month (the one just set).")
@out_option
@pdf_option
@json_option
@click.pass_context
def fees_notices(
    ctx: click.Context, cycle_id: str, on: date | None, from_month: str | None, out: Path | None, pdf: bool, as_json: bool
) -> None:
    """Issue a fee notice (Markdown and DOCX) to each provider for each time CYCLE's fee was set or re-evaluated."""
    from engine.documents.requests import issue_fee_notices

    books = open_books(ctx, write=True)
    run = issue_fee_notices(books, cycle_id, on or today(), out, from_month)
    done = run.issued
    if run.warning:
        click.echo(run.warning, err=True)
    if as_json:
        emit_json([issued_json(d) for d in done])
    else:
        issued_summary(done)
        body = [[start, money(fee, books), count, why] for start, fee, count, why in run.settings]
        emit_table(body, ["from", "new fee", "notices", "why"], {1: "right", 2: "right"})
    if pdf:
        write_pdfs([d.docx for d in done])


@fees.command("rules")
@as_of_option
@click.pass_context
def fees_rules(ctx: click.Context, as_of: date | None) -> None:
    """The fee rules in force, in words, from the same data the engine runs on."""
    from engine.ledger.fees import rules_text

    books = open_books(ctx)
    for line in rules_text(books, as_of or today()):
        click.echo(f"- {line}")
