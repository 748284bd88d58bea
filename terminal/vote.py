"""``coop vote``."""

from __future__ import annotations

import click

from terminal.params import MEMBER, books_as
from terminal.recorded import add, records


@click.group()
def vote() -> None:
    """Ballots, cast by members as themselves."""


@vote.command("cast")
@click.argument("proposal_id")
@click.option("--member", "member_id", type=MEMBER, required=True, help="Your member id (asks for a credential, or reads COOP_CREDENTIAL).")
@click.option("--choice", type=click.Choice(["yes", "no", "abstain", "stand_aside", "block"]), required=True)
@click.option("--reason", default="", help="Why (required for a block).")
@click.option("--for", "for_member", type=MEMBER, default=None, help="Cast the ballot of a member whose accepted proxy you hold.")
@records
@click.pass_context
def vote_cast(ctx: click.Context, proposal_id: str, member_id: str, choice: str, reason: str, for_member: str | None) -> None:
    """Cast or change your ballot; the latest before close counts, earlier ones stay on the record."""
    from engine.audit.anchors import Anchor
    from engine.documents.anchor import line
    from engine.governance.ballots import cast

    books, secret = books_as(ctx, member_id)
    p, entry = cast(books, proposal_id, member_id, choice, secret, reason, for_member)
    add(ctx, proposal=p.label, receipt=entry.hash)
    what = "Ratification response" if entry.data["phase"] == "ratification" else "Ballot"
    changed = " (replaces your earlier ballot)" if "supersedes" in entry.data else ""
    proxy = f" for {entry.data['member']} (proxy {entry.data['proxy']})" if "proxy" in entry.data else ""
    click.echo(f"{what}{proxy} recorded on {p.label}{changed}. Receipt: {entry.hash}")
    if "pseudonym" in entry.data:
        click.echo(f"Secret ballot: the record names you only as {entry.data['pseudonym']} (find it there; it is counted as yours).")
    click.echo("Keep the receipt; 'coop audit receipt RECEIPT' checks it is in the record.")
    click.echo(line(Anchor(entry.seq, entry.hash)))
