"""Who is a member on a given date, derived from founding file and journal."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.books import roster_table
from engine.books.config import Provider
from engine.books.folder import Books
from engine.books.imports import read_rows
from engine.books.journal import LIVE, Entry, Writer, canonical
from engine.errors import UserError

JOINED = roster_table.JOINED
LEFT = roster_table.LEFT


@dataclass(frozen=True)
class Membership:
    """A provider's membership: from ``start`` through ``end`` (their last day) inclusive.

    A roster of 100,000 members is read on every command, and most commands
    need only ids, dates and names; so a member who joined through the journal
    keeps their recorded details as the JSON the join wrote (validated when it
    was written) and becomes a validated :class:`Provider` only when asked.
    """

    id: str
    start: date
    end: date | None = None
    reason: str | None = None
    joined_entry: int | None = None
    name: str = ""
    practice: str = ""
    founding: Provider | None = field(default=None, repr=False, compare=False)
    """The provider as federation.yaml names them, for a founding member."""
    recorded: str | None = field(default=None, repr=False)
    """The provider as their join entry recorded them (JSON), for everyone else."""

    @classmethod
    def of(cls, provider: Provider, joined_entry: int | None = None) -> Membership:
        p = provider
        return cls(p.id, p.start, joined_entry=joined_entry, name=p.name, practice=p.practice, founding=p)

    @cached_property
    def provider(self) -> Provider:
        if self.founding is not None:
            return self.founding
        assert self.recorded is not None
        return Provider.model_validate_json(self.recorded)

    def details(self) -> dict[str, Any]:
        """The provider's details as JSON data, as ``provider.model_dump(mode="json")`` gives them, without building the model."""
        if self.founding is not None:
            return self.founding.model_dump(mode="json")
        assert self.recorded is not None
        return {**_defaults(), **json.loads(self.recorded)}

    def leaving(self, last_day: date, reason: str | None) -> Membership:
        return replace(self, end=last_day, reason=reason)

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def status(self, day: date) -> str:
        if day < self.start:
            return "joining"
        return "active" if self.active_on(day) else "left"


@cache
def _defaults() -> dict[str, Any]:
    """What a join recorded before a field was added reads as (the field's default)."""
    return {name: f.default for name, f in Provider.model_fields.items() if not f.is_required()}


_FOLD = (
    f"SELECT seq, kind, on_date, CASE kind WHEN '{JOINED}' THEN json_extract(data, '$.provider.id') "
    "ELSE json_extract(data, '$.provider') END, "
    "json_extract(data, '$.provider.start'), json_extract(data, '$.provider.name'), json_extract(data, '$.provider.practice'), "
    f"json_extract(data, '$.provider'), json_extract(data, '$.reason') FROM entries WHERE kind IN ('{JOINED}', '{LEFT}') "
    f"AND on_date <= ? AND {LIVE}"
)
"""The roster's entries, their fields taken out by SQLite: for books whose roster table is not there (yet)."""
_READ = (
    f"SELECT seq, kind, on_date, provider, start, name, practice, details, reason FROM {roster_table.TABLE} WHERE on_date <= ? AND {LIVE}"
)
"""The same rows from the roster table, where those fields are columns: a third of the fold's time."""
_ONE_ENTRY = " AND instr(data, ?) AND ? IN (json_extract(data, '$.provider.id'), json_extract(data, '$.provider'))"
"""One provider's entries: a join records the provider (``$.provider.id``), a departure their id (``$.provider``).
``instr`` first passes over the rows that cannot name them (the writer spells every id one way) before any JSON is read."""
_ONE_ROW = " AND provider = ?"
_ORDER = " ORDER BY seq"


def memberships(books: Books, as_of: date) -> dict[str, Membership]:
    """Every provider known as of ``as_of`` (active, left, or due to start), by id.

    One query reads the roster's entries as the roster table holds them (or,
    in books without it, as SQLite takes them out of the entries), so no
    member's record is parsed unless someone reads it.
    """
    out: dict[str, Membership] = {p.id: Membership.of(p) for p in books.federation.providers}
    conn = books.journal.conn
    return _fold(out, conn.execute((_READ if roster_table.usable(conn) else _FOLD) + _ORDER, (as_of.isoformat(),)))


def membership(books: Books, provider_id: str, as_of: date = date.max) -> Membership | None:
    """One provider's membership, as :func:`memberships` gives it, folding only that provider's entries.

    A ballot or a credential check names one member: folding all 10,000 for
    each of 10,000 ballots would make a vote cost the square of the roster.
    """
    out = {p.id: Membership.of(p) for p in books.federation.providers if p.id == provider_id}
    conn = books.journal.conn
    if roster_table.usable(conn):
        rows = conn.execute(_READ + _ONE_ROW + _ORDER, (as_of.isoformat(), provider_id))
    else:
        rows = conn.execute(_FOLD + _ONE_ENTRY + _ORDER, (as_of.isoformat(), canonical(provider_id), provider_id))
    return _fold(out, rows).get(provider_id)


def _fold(out: dict[str, Membership], rows: Any) -> dict[str, Membership]:
    for seq, kind, on, pid, start, name, practice, recorded, reason in rows:
        if kind == JOINED:
            out[pid] = Membership(pid, date.fromisoformat(start), None, None, seq, name, practice, None, recorded)
        else:
            m = out.get(pid)
            if m is not None:
                out[m.id] = m.leaving(date.fromisoformat(on), reason)
    return out


def active(books: Books, on: date) -> list[Membership]:
    return [m for m in memberships(books, on).values() if m.active_on(on)]


def require(books: Books, provider_id: str, field: str = "PROVIDER") -> Membership:
    """The provider with this id, whenever they joined or left; a clear error if none."""
    found = membership(books, provider_id)
    if found is None:
        known = sorted(memberships(books, date.max))
        hint = f"known ids: {', '.join(known[:8])}{' ...' if len(known) > 8 else ''}" if known else "no providers yet"
        raise UserError(f"unknown provider '{provider_id}'", field=field, expected=hint)
    return found


# --- changes to the roster --------------------------------------------------------


def join(books: Books, data: dict[str, Any]) -> Entry:
    """Record a provider joining from ``data['start']``."""
    return join_many(books, [data])[0]


def join_many(books: Books, rows: list[dict[str, Any]], source: Path | None = None) -> list[Entry]:
    """Record several joins in one transaction: all of them, or none.

    With a ``source`` file, errors name its line (row ``i`` is on line ``i + 2``
    after the header); without one, they name the command's option.
    """
    known = set(memberships(books, date.max))
    providers = []
    for i, row in enumerate(rows):
        where: dict[str, Any] = {"file": source, "line": i + 2} if source else {}
        prefix = "" if source else "--"
        try:
            p = Provider.model_validate(row)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            field = prefix + ".".join(str(part) for part in err["loc"])
            raise UserError(err["msg"].removeprefix("Value error, "), field=field, **where) from None
        if p.id in known:
            raise UserError(f"provider id '{p.id}' is already taken", field=prefix + "id", expected="a new id", **where)
        if p.start < books.federation.founded:
            raise UserError(f"start {p.start} is before the founding date {books.federation.founded}", field=prefix + "start", **where)
        known.add(p.id)
        providers.append(p)
    with books.transaction() as w:
        entries = [apply_join(w, books, p, reevaluate_fee=len(providers) == 1) for p in providers]
        if len(providers) > 1:  # one re-evaluation for a whole import, not one per row
            from engine.ledger.fees import after_join

            first = min(providers, key=lambda p: p.start)
            after_join(w, books, first.start, f"{len(providers)} providers join from {first.start}")
        return entries


def apply_join(writer: Writer, books: Books, provider: Provider, *, reevaluate_fee: bool = True) -> Entry:
    """Append a validated join inside an open transaction.

    Every path that adds a member (the admin's record, an onboarding vote)
    comes through here, so whatever a join sets off happens the same way:
    the fee of a cycle already set is re-evaluated from the joining month.
    """
    from engine.ledger.fees import after_join

    entry = writer.append(JOINED, provider.start, {"provider": provider.model_dump(mode="json")})
    if reevaluate_fee:
        after_join(writer, books, provider.start, f"{provider.name} ({provider.id}) joins on {provider.start}")
    return entry


def apply_leave(writer: Writer, books: Books, provider_id: str, last_day: date, reason: str) -> Entry:
    """Append a departure inside an open transaction (a voluntary leave or a termination).

    The fee for the rest of a cycle already set is re-evaluated in the same transaction.
    """
    from engine.ledger.fees import after_leave

    entry = writer.append(LEFT, last_day, {"provider": provider_id, "reason": reason})
    after_leave(writer, books, provider_id, last_day)
    return entry


MEMBER_ACTS = ("ballot.cast", "proposal.comment")
"""Entries a member makes themselves: a departure cannot be dated before one of them."""


def check_can_leave(books: Books, provider_id: str, last_day: date, field: str = "--on") -> Membership:
    """Refuse a departure that cannot be recorded; ``field`` names the option the last day came from (a termination's --last-day)."""
    m = require(books, provider_id)
    if m.end is not None:
        raise UserError(f"{provider_id} already left on {m.end}", field="PROVIDER")
    if last_day < m.start:
        raise UserError(f"last day {last_day} is before {provider_id}'s start {m.start}", field=field)
    act = books.journal.conn.execute(
        f"SELECT seq, kind, on_date FROM entries WHERE kind IN ({','.join('?' * len(MEMBER_ACTS))}) "
        f"AND json_extract(data, '$.member') = ? AND on_date > ? AND {LIVE} ORDER BY on_date DESC LIMIT 1",
        (*MEMBER_ACTS, provider_id, last_day.isoformat()),
    ).fetchone()
    if act is not None:
        what = "voted" if act[1] == "ballot.cast" else "commented"
        raise UserError(
            f"{provider_id} {what} on {act[2]} (journal entry {act[0]}), after {last_day}: "
            "a departure cannot be dated before the member's own acts, which it would silently undo",
            field=field,
            expected=f"a last day on or after {act[2]}",
        )
    return m


def leave(books: Books, provider_id: str, last_day: date, reason: str) -> Entry:
    """Record a provider leaving; no vote or reason is needed."""
    check_can_leave(books, provider_id, last_day)
    with books.transaction() as w:
        return apply_leave(w, books, provider_id, last_day, reason)


CSV_COLUMNS = ("id", "name", "practice", "licence", "email", "start")


def import_csv(books: Books, path: Path) -> list[Entry]:
    """Joins from a CSV file with a header row of :data:`CSV_COLUMNS`."""
    rows = read_rows(path, CSV_COLUMNS)
    return join_many(books, rows, path)
