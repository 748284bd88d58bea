"""What a command recorded, as JSON for scripts: ``--json`` on every command that writes to the journal.

A script wants the entry numbers, the fee that was set, the ballot's
receipt, not the sentence a person reads. Every recording command gets the
same ``--json`` from :func:`records`: the command runs as usual (its sentences
go unprinted), and what it appended to the journal is printed instead, each
entry with its number, kind, date, hash and data. Money is integer cents
with the books' ``currency`` beside them, as in every other JSON coop prints.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from contextlib import redirect_stdout
from typing import Any

import click

JSON = "coop.recorded_json"
"""Set in click's context when ``--json`` was given to a recording command."""

SINCE = "coop.recorded_since"
"""The journal's last entry number when the command took the write lock: what follows it is what the command recorded."""

EXTRA = "coop.recorded_extra"
"""What the command adds to its JSON beside the entries (an invitation code, a receipt, a balance)."""

PRIVATE_KINDS = ("member.credential_set", "member.invited")
"""Entries whose data holds a salted hash: only the member they concern is printed."""


def records(f: Callable[..., Any]) -> Callable[..., Any]:
    """Give a recording command ``--json``: print what it recorded instead of its sentences."""

    @functools.wraps(f)
    def run(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        if not ctx.meta.get(JSON):
            return f(*args, **kwargs)
        with redirect_stdout(io.StringIO()):
            f(*args, **kwargs)
        emit_recorded(ctx)
        return None

    def remember(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
        ctx.meta[JSON] = bool(value)
        return value

    option = click.option(
        "--json", "as_json", is_flag=True, expose_value=False, callback=remember, help="Print what was recorded as JSON, for scripts."
    )
    return option(run)


def add(ctx: click.Context, **fields: Any) -> None:
    """Add ``fields`` to the command's JSON (ignored without ``--json``): what a script needs beyond the entries."""
    ctx.meta.setdefault(EXTRA, {}).update(fields)


def plan_json(plan: Any) -> dict[str, Any]:
    """A fee worked out (set, or unchanged): amount and working, in cents; provider-months as an exact fraction."""
    return {
        "cycle": plan.cycle.id,
        "from_month": str(plan.from_month),
        "amount": plan.amount,
        "old": plan.old,
        "to_collect": plan.to_collect,
        "provider_months": str(plan.provider_months),
        "budget": plan.budget,
        "already_charged": plan.already_charged,
        "brought_forward": plan.brought_forward,
    }


def entry_json(entry: Any) -> dict[str, Any]:
    data = entry.data
    if entry.kind in PRIVATE_KINDS:
        data = {k: v for k, v in data.items() if k == "member"}
    return {"seq": entry.seq, "kind": entry.kind, "on": entry.on, "hash": entry.hash, "data": data}


def recorded_json(ctx: click.Context) -> dict[str, Any]:
    """The command's result: the entries it appended (in order), the books' currency, and what it added."""
    from terminal.params import _BOOKS

    books = ctx.meta.get(_BOOKS)
    since = ctx.meta.get(SINCE)
    entries: list[dict[str, Any]] = []
    currency = None
    if books is not None:
        currency = books.federation.currency
        if since is not None:
            rows = books.journal.conn.execute("SELECT seq FROM entries WHERE seq > ? ORDER BY seq", (since,)).fetchall()
            entries = [entry_json(books.journal.require(seq)) for (seq,) in rows]
    command = ctx.command_path.split(" ", 1)[-1]
    return {"command": command, "currency": currency, "recorded": bool(entries), "entries": entries, **ctx.meta.get(EXTRA, {})}


def emit_recorded(ctx: click.Context) -> None:
    from terminal.present import emit_json

    emit_json(recorded_json(ctx))
