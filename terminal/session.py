"""``coop session``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from terminal.params import AMOUNT_ARGUMENTS, DATE, MEMBER, MONEY, another_batch_option, correction_option, json_option, open_books
from terminal.present import emit_json, emit_table, money
from terminal.recorded import records


@click.group()
def session() -> None:
    """Sessions of the session split co-op: each fee split between clinician and co-op."""


@session.command("record", context_settings=AMOUNT_ARGUMENTS)
@click.argument("member_id", type=MEMBER, metavar="MEMBER")
@click.argument("fee", type=MONEY)
@click.option("--on", "on", type=DATE, required=True, help="Date the session's fee was received.")
@click.option("--ref", default="", help="Your own reference for the session (no client details).")
@correction_option
@records
@click.pass_context
def session_record(ctx: click.Context, member_id: str, fee: int, on: date, ref: str, correction: str | None) -> None:
    """Record a session's FEE held by MEMBER; the split in force that day is applied."""
    from engine.models.session_split.sessions import record_session

    books = open_books(ctx, write=True)
    e = record_session(books, member_id, fee, on, ref, correction)
    d = e.data
    click.echo(
        f"Session S-{d['number']} of {money(fee, books)} by {member_id} on {on}: "
        f"{money(d['clinician'], books)} to the clinician, {money(d['coop'], books)} to the co-op "
        f"(split {d['share']}; journal entry {e.seq})."
    )


@session.command("import")
@another_batch_option
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@records
@click.pass_context
def session_import(ctx: click.Context, csv_file: Path) -> None:
    """Record many sessions from a CSV (member,fee,on,ref): every row or none."""
    from engine.models.session_split.sessions import import_sessions

    books = open_books(ctx, write=True)
    done = import_sessions(books, csv_file)
    fees, clin, coop = (sum(getattr(s, k) for s in done) for k in ("fee", "clinician", "coop"))
    click.echo(
        f"Recorded {len(done)} sessions from {csv_file.name}: fees {money(fees, books)}, "
        f"{money(clin, books)} to clinicians, {money(coop, books)} to the co-op."
    )


@session.command("list")
@click.option("--member", "member_id", type=MEMBER, default=None, help="Only this member's sessions.")
@click.option("--quarter", "quarter_id", default=None, metavar="QUARTER", help="Only this quarter (e.g. 2027-04).")
@json_option
@click.pass_context
def session_list(ctx: click.Context, member_id: str | None, quarter_id: str | None, as_json: bool) -> None:
    """Recorded sessions with their split, and the totals."""
    from engine.models.session_split.views import sessions_in

    books = open_books(ctx)
    rows = sessions_in(books, quarter_id, member_id)
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
    emit_table(body, ["session", "on", "member", "fee", "clinician", "co-op", "split", "ref"], {3: "right", 4: "right", 5: "right"})
