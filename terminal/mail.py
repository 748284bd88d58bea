"""``coop mail``: the outbox and sending it."""

from __future__ import annotations

import click

from engine.errors import UserError
from terminal.params import json_option, open_books, today
from terminal.present import emit_json, emit_table


@click.group()
def mail() -> None:
    """Mail to members: what is queued, and sending it through the server in federation.yaml's 'mail:'."""


@mail.command("send")
@click.pass_context
def mail_send(ctx: click.Context) -> None:
    """Queue what is due (notices, reminders, results, receipts, documents), then send the outbox. Run from cron."""
    from engine.books import mail as settings
    from engine.mail import delivery, due, outbox

    books = open_books(ctx, write=True)
    config = settings.of(books)
    if config is not None:
        settings.password(config)  # a missing password is said before anything is queued or sent
    settled = due.settle_report(books, today())
    skipped = f"; {settled.skipped} not queued: no email address on file" if settled.skipped else ""
    click.echo(f"Queued {settled.queued} message(s){skipped}.")
    if config is None:
        waiting = sum(1 for m in outbox.messages(books) if m.retryable)
        click.echo(f"No mail server is set ('mail:' in federation.yaml): {waiting} message(s) wait in the outbox.")
        return
    done = delivery.flush(books)
    sent = [e for e in done if e.kind == outbox.SENT]
    failed = [e for e in done if e.kind == outbox.FAILED]
    click.echo(f"Sent {len(sent)}, failed {len(failed)}.")
    if failed:
        raise UserError(f"{len(failed)} message(s) not sent (recorded; tried again next time): {failed[-1].data['reason']}", field="mail")


@mail.command("list")
@click.option("--member", default=None, help="Only this member's messages.")
@json_option
@click.pass_context
def mail_list(ctx: click.Context, member: str | None, as_json: bool) -> None:
    """Every message in the outbox: to whom, what, and where it stands (never a body)."""
    from engine.mail.outbox import messages

    rows = messages(open_books(ctx), member=member)
    if as_json:
        emit_json([m.row() for m in rows])
        return
    if not rows:
        click.echo("The outbox is empty.")
        return
    body = [[m.seq, m.entry.on, m.to, m.subject, m.kind, m.state, m.attempts, m.reason] for m in rows]
    emit_table(body, ["#", "queued", "to", "subject", "kind", "state", "tries", "last reason"], {0: "right", 6: "right"})
