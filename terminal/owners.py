"""``coop owners``."""

from __future__ import annotations

from datetime import date

import click

from terminal.params import as_of_option, json_option, open_books, today
from terminal.present import emit_json, emit_table


@click.command("owners")
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
    emit_table(
        [[r["member"], r["status"], r["since"], r["decision_due"] or ""] for r in rows], ["member", "status", "since", "decision due"]
    )
