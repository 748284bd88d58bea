"""``coop proxy``."""

from __future__ import annotations

from datetime import date

import click

from terminal.params import DATE, MEMBER, books_as, json_option, open_books
from terminal.present import emit_json, emit_table
from terminal.recorded import records


@click.group()
def proxy() -> None:
    """Proxies: a member who cannot vote asks another member to vote for them (given, accepted, revocable)."""


@proxy.command("give")
@click.option("--member", "member_id", type=MEMBER, required=True, help="You, the member giving the proxy (asks for your credential).")
@click.option("--to", "holder", type=MEMBER, required=True, help="The member who will vote for you.")
@click.option("--proposal", default=None, help="For this proposal only (P-N) ...")
@click.option("--from", "first", type=DATE, default=None, help="... or for every vote from this date ...")
@click.option("--until", "last", type=DATE, default=None, help="... until this date.")
@records
@click.pass_context
def proxy_give(ctx: click.Context, member_id: str, holder: str, proposal: str | None, first: date | None, last: date | None) -> None:
    """Give another member your proxy; it counts once they accept it."""
    from engine.governance.proxies import give

    books, secret = books_as(ctx, member_id)
    entry = give(books, member_id, holder, secret, proposal=proposal, first=first, last=last)
    click.echo(f"Proxy {entry.seq} from {member_id} to {holder} recorded; {holder} accepts it with 'coop proxy accept {entry.seq}'.")


@proxy.command("accept")
@click.argument("number", type=int, metavar="PROXY")
@click.option("--member", "member_id", type=MEMBER, required=True, help="You, the holder (asks for your credential).")
@records
@click.pass_context
def proxy_accept(ctx: click.Context, number: int, member_id: str) -> None:
    """Accept a proxy given to you."""
    from engine.governance.proxies import accept

    books, secret = books_as(ctx, member_id)
    entry = accept(books, number, member_id, secret)
    click.echo(f"Proxy {number} accepted (journal entry {entry.seq}); vote with 'coop vote cast P-N --member {member_id} --for MEMBER'.")


@proxy.command("revoke")
@click.argument("number", type=int, metavar="PROXY")
@click.option("--member", "member_id", type=MEMBER, required=True, help="The giver or the holder (asks for your credential).")
@records
@click.pass_context
def proxy_revoke(ctx: click.Context, number: int, member_id: str) -> None:
    """End a proxy; ballots already cast under it stay as cast (the member's own ballot still overrides them)."""
    from engine.governance.proxies import revoke

    books, secret = books_as(ctx, member_id)
    entry = revoke(books, number, member_id, secret)
    click.echo(f"Proxy {number} revoked (journal entry {entry.seq}).")


@proxy.command("list")
@json_option
@click.pass_context
def proxy_list(ctx: click.Context, as_json: bool) -> None:
    """Every proxy: who for whom, for what, and whether it is in force."""
    from engine.governance.proxies import proxies

    rows = [
        {
            "proxy": p.seq,
            "grantor": p.grantor,
            "holder": p.holder,
            "for": p.proposal or f"{p.first or '…'} to {p.last or '…'}",
            "state": "revoked" if p.revoked else ("in force" if p.accepted else "awaiting acceptance"),
        }
        for p in proxies(open_books(ctx))
    ]
    if as_json:
        emit_json(rows)
    elif rows:
        emit_table([list(r.values()) for r in rows], ["proxy", "from", "to", "for", "state"])
    else:
        click.echo("No proxies.")
