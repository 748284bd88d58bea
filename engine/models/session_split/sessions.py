"""Per-session split: each session's fee shared between clinician and co-op.

From the three-member co-op in the seeds: 70% of each session's fee to the
clinician, 30% to the co-op, which pays licensing, supervision, software and
state fees and pays out what is left to member-owners each quarter.

The split goes through :func:`engine.allocation.allocate`, so the two parts
always sum to the fee. When the two remainders tie exactly (a fee whose
split falls on half a cent, such as 70/30 of $0.05), the odd cent goes by
the allocation's rotation keyed to the session's own id: over many sessions
clinician and co-op each receive about half of such cents, and who received
one is reproducible from the session id alone.

A session is recorded when its fee reaches the co-op (a ``session.recorded``
entry). The entry keeps the fee and both parts as they were split that day,
so a later change of the share (a vote, from a date) never rewrites a
session already recorded. Sessions are numbered ``S-1``, ``S-2``... in the
order recorded; the number is the session id the tie rotation is keyed to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.books.allocation import allocate
from engine.errors import UserError

if TYPE_CHECKING:
    from engine.books.cycles import Cycle
    from engine.books.folder import Books
    from engine.books.journal import Entry

SESSION = "session.recorded"
MODEL = "session_split"
COLUMNS = ("member", "fee", "on", "ref")


def split_session(fee: int, clinician_share: Fraction, session_id: str) -> tuple[int, int]:
    """``(clinician, co-op)`` cents for a session fee of ``fee`` cents."""
    if not ties(fee, clinician_share):  # the rotation cannot matter, so the same fee always splits the same way
        return _split(fee, clinician_share.numerator, clinician_share.denominator, "")
    return _split(fee, clinician_share.numerator, clinician_share.denominator, session_id)


@lru_cache(maxsize=4096)
def _split(fee: int, num: int, den: int, session_id: str) -> tuple[int, int]:
    parts = allocate(fee, {"clinician": num, "coop": den - num}, rotation=f"session-{session_id}")
    return parts["clinician"], parts["coop"]


def ties(fee: int, clinician_share: Fraction) -> bool:
    """Whether ``fee`` splits to exactly half a cent each way, so the rotation decides the odd cent."""
    num, den = clinician_share.numerator, clinician_share.denominator
    a, b = fee * num % den, fee * (den - num) % den
    return a != 0 and a == b


def tie_example(clinician_share: Fraction, near: int = 12000) -> int | None:
    """The first fee from ``near`` cents up whose split ties (for the manual's example), if any can."""
    return next((fee for fee in range(near, near + 2 * clinician_share.denominator + 1) if ties(fee, clinician_share)), None)


def require_model(books: Books) -> None:
    if books.federation.model != MODEL:
        raise UserError(f"sessions are split only in a session split co-op; this one is the {books.federation.model} model", field="model")


# --- recording --------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    seq: int
    number: int
    member: str
    on: date
    fee: int
    clinician: int
    coop: int
    share: str
    ref: str

    @property
    def id(self) -> str:
        return f"S-{self.number}"


def _next_number(books: Books) -> int:
    """Session numbers are never reused, even for a voided session."""
    return books.journal.conn.execute("SELECT COUNT(*) FROM entries WHERE kind = ?", (SESSION,)).fetchone()[0] + 1


def _entry_data(number: int, member: str, fee: int, share: Fraction, ref: str) -> dict[str, Any]:
    clinician, coop = split_session(fee, share, f"S-{number}")
    return {
        "number": number,
        "member": member,
        "fee": fee,
        "clinician": clinician,
        "coop": coop,
        "share": f"{share.numerator}/{share.denominator}",
        "ref": ref,
    }


def _check_member(books: Books, member: str, on: date, known: dict[str, Any] | None = None, **where: Any) -> None:
    from engine.books.roster import memberships

    m = (known if known is not None else memberships(books, date.max)).get(member)
    if m is None:
        raise UserError(f"unknown member '{member}'", field=where.pop("field", "MEMBER"), **where)
    if not m.active_on(on):
        span = f"from {m.start}" + (f" to {m.end}" if m.end else "")
        raise UserError(f"{member} is not a member on {on} (member {span})", field=where.pop("field", "--on"), **where)


def record_session(books: Books, member: str, fee: int, on: date, ref: str = "", correction: str | None = None) -> Entry:
    """``coop session record``: a session's fee received, split between the clinician and the co-op."""
    from engine.books.parameters import in_force
    from engine.ledger.closing import require_open

    require_model(books)
    if fee <= 0:
        raise UserError("the fee must be more than zero", field="FEE", expected="an amount such as 120.00")
    _check_member(books, member, on)
    require_open(books, on, "record a session", correction)
    share = in_force(books).clinician_share.at(on)
    with books.transaction() as w:
        data = _entry_data(_next_number(books), member, fee, share, ref.strip())
        if correction:
            data["correction"] = correction
        return w.append(SESSION, on, data)


def import_sessions(books: Books, path: Path) -> list[Session]:
    """Sessions from a CSV (member, fee, on, ref) in one transaction: every row or none."""
    from engine.books.cycles import cycle_containing
    from engine.books.imports import cell_amount, cell_date, read_rows
    from engine.books.parameters import in_force
    from engine.ledger.closing import closed

    require_model(books)
    from engine.books.roster import memberships

    rows = read_rows(path, COLUMNS)
    known = memberships(books, date.max)
    params = in_force(books)
    done = set(closed(books))
    spec = books.federation.cycle
    parsed = []
    for line, row in enumerate(rows, start=2):
        member = (row["member"] or "").strip()
        fee = cell_amount(row["fee"] or "", path, line)
        on = cell_date(row["on"] or "", path, line)
        _check_member(books, member, on, known, file=path, line=line, field="member")
        quarter = cycle_containing(on, spec)
        if quarter.id in done:
            raise UserError(f"quarter {quarter.id} is closed", file=path, line=line, field="on", expected="a date in an open quarter")
        parsed.append((member, fee, on, (row["ref"] or "").strip()))
    out = []
    with books.transaction() as w:
        number = _next_number(books)
        for i, (member, fee, on, ref) in enumerate(parsed):
            data = _entry_data(number + i, member, fee, params.clinician_share.at(on), ref)
            out.append(_session(w.append(SESSION, on, data).seq, on, data))
    return out


# --- reading ----------------------------------------------------------------------------


def _session(seq: int, on: date, d: dict[str, Any]) -> Session:
    return Session(seq, d["number"], d["member"], on, d["fee"], d["clinician"], d["coop"], d["share"], d.get("ref", ""))


def sessions(books: Books, first: date | None = None, last: date | None = None, member: str | None = None) -> list[Session]:
    """Recorded sessions between two dates (inclusive), in date order."""
    from engine.books.journal import LIVE, between

    bounds, dates = between(first, last)
    sql = f"SELECT seq, on_date, data FROM entries WHERE kind = ? AND {LIVE}{bounds}"
    args: list[Any] = [SESSION, *dates]
    if member is not None:
        sql += " AND json_extract(data, '$.member') = ?"
        args.append(member)
    rows = books.journal.conn.execute(sql + " ORDER BY on_date, seq", args)
    return [_session(seq, date.fromisoformat(on), json.loads(d)) for seq, on, d in rows]


@dataclass(frozen=True)
class Totals:
    count: int
    fee: int
    clinician: int
    coop: int


def totals(books: Books, first: date | None = None, last: date | None = None) -> dict[str, Totals]:
    """Per member: sessions, fees and both shares between two dates, by one SQL aggregate (a quarter's close, a statement)."""
    from engine.books.journal import LIVE, between

    bounds, dates = between(first, last)
    sql = (
        "SELECT json_extract(data, '$.member'), COUNT(*), SUM(json_extract(data, '$.fee')), "
        "SUM(json_extract(data, '$.clinician')), SUM(json_extract(data, '$.coop')) FROM entries "
        f"WHERE kind = ? AND {LIVE}{bounds}"
    )
    rows = books.journal.conn.execute(sql + " GROUP BY 1", [SESSION, *dates])
    return {m: Totals(n, fee, clin, coop) for m, n, fee, clin, coop in rows}


def coop_income(books: Books, cycle: Cycle) -> int:
    """The co-op's shares of the sessions dated in ``cycle``: what its quarter has to spend."""
    return sum(t.coop for t in totals(books, cycle.first_day, cycle.last_day).values())


def clinician_credits(books: Books, until: date) -> dict[str, int]:
    """Each clinician's shares of sessions up to ``until``: owed to them until paid out."""
    return {m: t.clinician for m, t in totals(books, last=until).items()}


def write_sessions_csv(rows: list[tuple[str, int, date, str]]) -> str:
    """A sessions CSV as ``coop session import`` reads it (the demo writes its months with this)."""
    from engine.books.money import cents_to_decimal_text

    out = [",".join(COLUMNS)]
    out += [f"{m},{cents_to_decimal_text(fee)},{on.isoformat()},{ref}" for m, fee, on, ref in rows]
    return "\n".join(out) + "\n"
