"""``coop member``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from engine.errors import UserError
from terminal.params import DATE, MEMBER, credential, json_option, open_books, out_option, today
from terminal.present import emit_json, emit_table, money
from terminal.recorded import add, records


@click.group()
def member() -> None:
    """Members as voters: their voting credentials."""


@member.group("credential")
def member_credential() -> None:
    """A member's voting credential (kept only as a salted scrypt hash)."""


@member.command("invite")
@click.argument("member_id", type=MEMBER)
@click.option("--days", type=int, default=14, show_default=True, help="How long the invitation stays valid.")
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write the code to FILE for delivery by hand."
)
@click.option(
    "--mail/--no-mail",
    "by_mail",
    default=None,
    help="Mail the link and code to the member (default: when they have an address and 'mail:' is set).",
)
@records
@click.pass_context
def member_invite(ctx: click.Context, member_id: str, days: int, out: Path | None, by_mail: bool | None) -> None:
    """Invite MEMBER_ID to set their own credential: a one-time code, shown once or mailed; only its hash is kept."""
    from engine.books import mail as settings
    from engine.books.output import write_text
    from engine.governance.invitations import invite
    from engine.mail import messages

    books = open_books(ctx, write=True)
    address = messages.recipient(books, member_id)
    mailing = settings.of(books) is not None and address is not None and out is None
    if by_mail and out is not None:
        raise UserError("--mail and --out both deliver the code; give one", field="--mail")
    if by_mail and settings.of(books) is None:
        raise UserError("no mail server is set", field="--mail", expected="a 'mail:' block in federation.yaml, or --no-mail")
    if by_mail and address is None:
        raise UserError(f"{member_id} has no email address on file", field="--mail", expected="--no-mail, to hand the code over")
    entry, code = invite(books, member_id, days)
    expires = entry.data["expires"]
    queued = None
    if mailing if by_mail is None else by_mail:
        try:
            with books.transaction() as w:
                queued = messages.invitation(w, books, member_id, code)
        except UserError as exc:  # the invitation is recorded: its code must still reach the member
            click.echo(f"coop: warning: the invitation could not be queued for mail ({exc}); hand the code over instead.", err=True)
    shown = None if out is not None or queued is not None else code  # a mailed or filed code is not printed again
    add(ctx, member=member_id, expires=expires, invitation=shown, written_to=str(out) if out else None)
    if queued is not None:
        click.echo(
            f"Invitation for {member_id} (journal entry {entry.seq}), valid until {expires}, "
            f"queued for {queued.data['to']} (mail {queued.seq}); 'coop mail send' sends it."
        )
    elif out is not None:
        write_text(out, f"{code}\n")
        click.echo(f"Invitation for {member_id} written to {out} (journal entry {entry.seq}); valid until {expires}.")
    else:
        click.echo(f"Invitation for {member_id} (journal entry {entry.seq}), valid until {expires}. Give this code to them alone:")
        click.echo(code)


@member_credential.command("set")
@click.argument("member_id", type=MEMBER)
@click.option("--invitation", default=None, help="The invitation code (or COOP_INVITATION; or --invitation-file).")
@click.option("--invitation-file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="A file holding the code.")
@records
@click.pass_context
def member_credential_set(ctx: click.Context, member_id: str, invitation: str | None, invitation_file: Path | None) -> None:
    """Set MEMBER_ID's credential (typed by the member; COOP_CREDENTIAL for scripts).

    A first credential, or one replacing a lost credential, needs the member's
    invitation; replacing a credential otherwise needs the current one
    (COOP_OLD_CREDENTIAL, or typed).
    """
    import os

    from engine.governance.credentials import current, set_credential

    if invitation is None and invitation_file is not None:
        try:
            invitation = invitation_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            raise UserError("cannot read the invitation code", file=invitation_file) from None
    invitation = invitation or os.environ.pop("COOP_INVITATION", None)
    books = open_books(ctx)
    has = current(books, member_id) is not None
    if invitation is None and not has:
        invitation = click.prompt(f"Invitation code for {member_id}", hide_input=True) if _interactive() else None
    old = credential(member_id, env="COOP_OLD_CREDENTIAL") if has and invitation is None else None
    new = credential(member_id, confirm=True)
    open_books(ctx, write=True)  # asked first, then locked: nobody waits on a person typing
    entry = set_credential(books, member_id, new, old, invitation)
    verb = "replaced" if entry.data["replaces"] else "set"
    click.echo(f"Voting credential for {member_id} {verb} (journal entry {entry.seq}; only a salted hash is kept).")


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()


@member.command("statement")
@click.argument("member_id", type=MEMBER, metavar="MEMBER")
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
        t = s.totals
        summary = {"fees": t.fees, "clinician_share": t.clinician, "coop_share": t.coop, "payouts": t.payout or 0}
        summary |= {"paid_out": s.paid_out, "owed_at_end": s.owed_at_end}
        emit_json({**asdict(s), "currency": books.federation.currency, "summary": summary})
        return
    click.echo(f"Annual statement {year}: {s.name} ({s.member}), {s.coop}")
    emit_table(table_rows(s), HEADERS, {i: "right" for i in range(1, 6)})
    click.echo("")
    emit_table([[k, money(v, books)] for k, v in summary_rows(s)], ["", "amount"], {1: "right"})


@member.command("agreement")
@click.argument("ids", type=MEMBER, nargs=-1, metavar="[MEMBER]...")
@click.option("--all", "everyone", is_flag=True, help="Every member active on the issue date.")
@click.option("--on", "on", type=DATE, default=None, help="Issue date (default: today); sets the split and budget stated.")
@out_option
@records
@click.pass_context
def member_agreement(ctx: click.Context, ids: tuple[str, ...], everyone: bool, on: date | None, out: Path | None) -> None:
    """Issue the session split co-op's member agreement (Markdown and DOCX) to MEMBERs (or --all), recorded in the journal."""
    from engine.books.naming import documents_folder
    from engine.models.session_split.documents import issue_agreements

    if everyone == bool(ids):
        raise UserError("name members or give --all (not both)", field="MEMBER", expected="ids such as ana-ruiz, or --all")
    books = open_books(ctx, write=True)
    done = issue_agreements(books, list(ids) or None, on or today(), documents_folder(books, out))
    for d in done:
        click.echo(f"Issued the member agreement for {d.member}: {d.markdown} and {d.docx.name} (journal entry {d.seq})")
