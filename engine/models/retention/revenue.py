"""The retention model: members keep what they earn, less an equal share of the shared expenses.

Money. The co-op's billing collects what clients pay a member (billing is one of the shared
expenses), so a recorded revenue enters the co-op's cash and is credited to the member's
account; the member's monthly charge is the fee engine's equal share of the budget (rent,
bills, accounting, billing), and a payout pays the member the rest. During probation a
share of each revenue (``probation_coop_share``) is split off by :func:`allocate` and goes
to the co-op's reserve instead (``income:probation_levy``). The levy is the co-op's own
money: it is not part of the fee cycle's result, so it is not refunded with a surplus.

Probation. A member who joins after founding is a probationer: not yet an owner, they do
not vote. On the day their first ``probation_months`` end, the membership proposal is due:
``coop due`` (run daily by the administrator, e.g. from cron) opens it; the rule is full
consensus of the owners. Passing it makes them an owner from the decision (a ``member.owner``
entry); failing it leaves them in probation, levy and all, until a later proposal passes.
The levy applies to the revenue of every month that ends before they become an owner.

Leave. Extended leave (disability or family) of at most ``leave_max_months`` records a
charging basis (see :mod:`engine.fees`): in each month whose first day falls within the
leave, the member owes an equal share of the ``leave_owes_categories`` only (rent); the
others' shares cover the rest. A passed ``rent_cover`` proposal records a basis owing
nothing for up to ``rent_cover_max_months``: the co-op bears that rent. No paid time off.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from engine.books import clock
from engine.books.allocation import allocate
from engine.books.cycles import Month
from engine.books.folder import Books
from engine.books.ids import member_id
from engine.books.journal import LIVE, Entry, Writer, between
from engine.books.money import parse_cents
from engine.books.parameters import in_force
from engine.books.roster import Membership, memberships, require
from engine.errors import UserError
from engine.ledger import fees
from engine.models.retention.parameters import RetentionParameters

REVENUE = "revenue.recorded"
OWNER = "member.owner"
LEAVE = "leave.started"
LEAVE_ENDED = "leave.ended"
LEVY_ACCOUNT = "income:probation_levy"
LEAVE_KINDS = ("disability", "family")


def params(books: Books, on: date | None = None) -> RetentionParameters:
    if books.federation.model != "retention":
        raise UserError(f"this is a {books.federation.model} co-op; revenue, probation and leave belong to the retention model")
    found = in_force(books, on)
    assert isinstance(found, RetentionParameters)
    return found


def parse_month(text: str, field: str = "--month") -> Month:
    try:
        y, m = text.strip().split("-")
        return Month(int(y), int(m)) if len(y) == 4 and 1 <= int(m) <= 12 else _bad_month(text, field)
    except ValueError:
        return _bad_month(text, field)


def _bad_month(text: str, field: str) -> Month:
    raise UserError(f"'{text}' is not a month", field=field, expected="a month written YYYY-MM, e.g. 2027-03")


# --- ownership and probation -------------------------------------------------------------


def owners_since(books: Books, as_of: date = date.max) -> dict[str, date]:
    """When each owner became one: founders from their start, others from their membership decision."""
    out = {p.id: p.start for p in books.federation.providers}
    for e in books.journal.entries([OWNER], until=as_of):
        out.setdefault(e.data["provider"], e.date)
    return out


def is_owner(books: Books, provider: str, on: date, known: dict[str, date] | None = None) -> bool:
    since = (owners_since(books) if known is None else known).get(provider)
    return since is not None and since <= on


def probation_end(books: Books, m: Membership) -> date:
    """The day the probation period ends and the membership decision is due (start + probation_months)."""
    months = params(books, m.start).probation_months.at(m.start)
    first = Month.of(m.start).plus(months)
    return date(first.year, first.month, min(m.start.day, first.days))


def probationers(books: Books, on: date) -> list[str]:
    """Active members who are not (yet) owners: they do not vote."""
    known = owners_since(books, on)
    return sorted(m.id for m in memberships(books, on).values() if m.active_on(on) and not is_owner(books, m.id, on, known))


def non_voters(books: Books, on: date) -> dict[str, str]:
    """Probationers are not yet owners, so they do not vote."""
    return {m: "in probation: not yet a member-owner; may comment but not vote" for m in probationers(books, on)}


def member_statuses(books: Books, on: date) -> list[dict[str, Any]]:
    """Each active member on ``on``: owner (since when) or in probation (since joining; decision due when)."""
    params(books, on)
    known = owners_since(books, on)
    out = []
    for m in sorted(memberships(books, on).values(), key=lambda m: m.id):
        if not m.active_on(on):
            continue
        owner = is_owner(books, m.id, on, known)
        out.append(
            {
                "member": m.id,
                "status": "owner" if owner else "probation",
                "since": (known[m.id] if owner else m.start).isoformat(),
                "decision_due": None if owner else probation_end(books, m).isoformat(),
            }
        )
    return out


def due_memberships(books: Books, on: date) -> list[tuple[Membership, date]]:
    """Probationers whose decision date has come and who have no membership proposal yet."""
    from engine.books.rules import Matter
    from engine.governance.proposals import all_proposals

    asked = {p.fields.subject() for p in all_proposals(books) if p.matter == Matter.membership}
    out = []
    for pid in probationers(books, on):
        m = memberships(books, on)[pid]
        end = probation_end(books, m)
        if end <= on and pid not in asked:
            out.append((m, end))
    return out


def open_due(books: Books) -> list[tuple[Any, date]]:
    """``coop due``: open each membership proposal whose date has come (idempotent; each in its own transaction)."""
    from engine.books.rules import Matter
    from engine.governance.proposals import open_proposal

    if books.federation.model != "retention":
        return []
    today = clock.today()
    opened = []
    for m, end in due_memberships(books, today):
        text = f"{m.provider.name} completed probation on {end}; the owners decide by full consensus whether they become a member-owner."
        p = open_proposal(
            books,
            Matter.membership,
            {"text": text, "member": m.id},
            title=f"Membership: {m.provider.name} ({m.id}) becomes a member-owner",
        )
        opened.append((p, end))
    return opened


def admit(w: Writer, books: Books, member: str, proposal: int, on: date) -> Entry:
    """A passed membership proposal: the probationer is an owner from the decision."""
    return w.append(OWNER, on, {"provider": member, "proposal": proposal})


def check_admission(books: Books, member: str | None, on: date) -> str | None:
    """Why a membership decision cannot apply (None: it can)."""
    if member is None:
        return "a membership proposal names the member (--member)"
    m = memberships(books, date.max).get(member)
    if m is None:
        return f"unknown member '{member}'"
    if is_owner(books, member, on):
        return f"{member} is already a member-owner"
    if not m.active_on(on) and on >= m.start:
        return f"{member} is no longer a member"
    return None


# --- revenue and the probation levy ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Revenue:
    seq: int
    on: date
    provider: str
    month: Month
    amount: int
    levy: int
    note: str

    @property
    def kept(self) -> int:
        return self.amount - self.levy


def split(amount: int, share: Fraction, rotation: str) -> tuple[int, int]:
    """(kept, levy): ``amount`` split by largest remainder; an exact half cent goes by ``rotation``."""
    parts = allocate(amount, {"member": share.denominator - share.numerator, "coop": share.numerator}, rotation)
    return parts["member"], parts["coop"]


def _checked_revenue(books: Books, provider: str, amount: int, month: Month, on: date, owners: dict[str, date]) -> int:
    """The levy on one revenue, after checking it may be recorded."""
    from engine.ledger.closing import require_open

    params(books)  # refuses outside the retention model
    if amount <= 0:
        raise UserError("the amount must be more than zero", field="AMOUNT", expected="an amount such as 8000.00")
    m = require(books, provider, "MEMBER")
    if month.last < m.start or (m.end is not None and month.first > m.end):
        raise UserError(f"{provider} was not a member in {month}", field="--month", expected=f"a month from {Month.of(m.start)}")
    if month.first > on:
        raise UserError(f"{month} has not begun on {on}", field="--month", expected="this month or an earlier one")
    require_open(books, on, "record revenue")
    if is_owner(books, provider, month.last, owners):
        return 0
    share = params(books, month.first).probation_coop_share.at(month.first)
    return split(amount, share, f"revenue:{provider}:{month}")[1]


def _append_revenue(w: Writer, provider: str, amount: int, month: Month, levy: int, note: str, on: date) -> Entry:
    data = {"provider": provider, "month": str(month), "amount": amount, "levy": levy, "kept": amount - levy, "note": note}
    return w.append(REVENUE, on, data)


def record_revenue(books: Books, provider: str, amount: int, month: Month, note: str = "") -> Entry:
    """``coop revenue record``: one member's revenue for a month; the levy split off if in probation."""
    on = clock.today()
    owners = owners_since(books)
    levy = _checked_revenue(books, provider, amount, month, on, owners)
    with books.transaction() as w:
        return _append_revenue(w, provider, amount, month, levy, note.strip(), on)


REVENUE_COLUMNS = ("member", "month", "amount", "note")


def import_revenue(books: Books, path: Path) -> tuple[int, int]:
    """A CSV of revenues (member, month, amount[, note]): every row recorded, or none (first bad row named)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            rows = list(reader)
    except FileNotFoundError:
        raise UserError("file not found", file=path) from None
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", file=path) from None
    missing = [c for c in REVENUE_COLUMNS[:3] if c not in header]
    if missing:
        raise UserError(f"missing column {', '.join(missing)}", file=path, line=1, expected="columns member, month, amount[, note]")
    on = clock.today()
    owners = owners_since(books)
    ready = []
    for i, row in enumerate(rows, start=2):
        try:
            amount = parse_cents(row["amount"] or "")
        except (ValueError, ArithmeticError):
            raise UserError(f"'{row['amount']}' is not an amount", file=path, line=i, field="amount", expected="e.g. 8000.00") from None
        try:
            month = parse_month(row["month"] or "", "month")
            levy = _checked_revenue(books, member_id(row["member"] or ""), amount, month, on, owners)
        except UserError as exc:
            raise UserError(exc.message, file=path, line=i, field=exc.field, expected=exc.expected) from None
        ready.append((member_id(row["member"] or ""), amount, month, levy, (row.get("note") or "").strip()))
    with books.transaction() as w:
        for provider, amount, month, levy, note in ready:
            _append_revenue(w, provider, amount, month, levy, note, on)
    return len(ready), sum(r[1] for r in ready)


def revenues(books: Books, until: date | None = None, provider: str | None = None) -> list[Revenue]:
    bounds, args = between(None, until)
    sql = f"SELECT seq, on_date, data FROM entries WHERE kind = ? AND {LIVE}{bounds}"
    args = [REVENUE, *args]
    out = []
    for seq, on, text in books.journal.conn.execute(sql + " ORDER BY seq", args):
        d = json.loads(text)
        if provider in (None, d["provider"]):
            out.append(Revenue(seq, date.fromisoformat(on), d["provider"], parse_month(d["month"]), d["amount"], d["levy"], d["note"]))
    return out


def kept_through(books: Books, as_of: date) -> dict[str, int]:
    """What each member's revenue credited to their account up to ``as_of`` (revenue less levy)."""
    out: dict[str, int] = defaultdict(int)
    for r in revenues(books, as_of):
        out[r.provider] += r.kept
    return dict(out)


def transactions(books: Books, until: date, provider: str | None = None) -> list[Any]:
    """Each revenue as a balanced ledger transaction: cash in, the member's part to them, the levy to the co-op."""
    from engine.ledger.accounts import Transaction

    out = []
    for r in revenues(books, until, provider):
        postings = [("cash", r.amount), (f"provider:{r.provider}", -r.kept)] + ([(LEVY_ACCOUNT, -r.levy)] if r.levy else [])
        out.append(Transaction(r.on, f"revenue for {r.month}" + (" less the probation levy" if r.levy else ""), tuple(postings), r.seq))
    return out


# --- extended leave and rent cover ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leave:
    seq: int
    provider: str
    kind: str
    start: date
    until: date

    @property
    def months(self) -> tuple[Month, Month] | None:
        """The first and last month charged on the leave basis: months whose first day falls in the leave."""
        first = Month.of(self.start) if self.start.day == 1 else Month.of(self.start).plus(1)
        last = Month.of(self.until)
        return (first, last) if first <= last else None


def leaves(books: Books) -> list[Leave]:
    """Every extended leave, each ending on its stated last day or on the day it was ended early."""
    out: dict[int, Leave] = {}
    for e in books.journal.entries([LEAVE, LEAVE_ENDED]):
        d = e.data
        if e.kind == LEAVE:
            out[e.seq] = Leave(e.seq, d["provider"], d["kind"], date.fromisoformat(d["from"]), date.fromisoformat(d["until"]))
        elif d["leave"] in out:
            lv = out[d["leave"]]
            out[lv.seq] = Leave(lv.seq, lv.provider, lv.kind, lv.start, date.fromisoformat(d["last_day"]))
    return list(out.values())


def joined_leave(books: Books, provider: str, start: date, until: date) -> tuple[date, date]:
    """The whole leave a span belongs to: leaves of one member back to back (one ends the day before the next starts) are one leave."""
    spans = sorted([(lv.start, lv.until) for lv in leaves(books) if lv.provider == provider] + [(start, until)])
    groups: list[list[date]] = []
    for first, last in spans:
        if groups and first <= groups[-1][1] + timedelta(days=1):
            groups[-1][1] = max(groups[-1][1], last)
        else:
            groups.append([first, last])
    whole = next(g for g in groups if g[0] <= start <= g[1])
    return whole[0], whole[1]


def covered_months(books: Books, provider: str, first: Month, last: Month) -> set[Month]:
    """The months of ``first``..``last`` already covered by rent-cover votes (a basis owing nothing)."""
    out: set[Month] = set()
    for e in books.journal.entries([fees.BASIS_SET]):
        d = e.data
        if d["provider"] != provider or d.get("categories") != []:
            continue
        m, end = _month(d["first"]), _month(d["last"])
        while m <= end:
            if first <= m <= last:
                out.add(m)
            m = m.plus(1)
    return out


def _month(text: str) -> Month:
    year, month = text.split("-")
    return Month(int(year), int(month))


def end_leave(books: Books, provider: str, last_day: date) -> tuple[Entry, list[fees.Plan]]:
    """``coop leave end``: the member is back early; from the first month after ``last_day`` they pay a full share again."""
    from engine.ledger.closing import require_open

    params(books, last_day)
    require(books, provider, "MEMBER")
    current = [lv for lv in leaves(books) if lv.provider == provider and lv.start <= last_day <= lv.until]
    if not current:
        raise UserError(f"{provider} is not on extended leave on {last_day}", field="--on")
    lv = current[0]
    if last_day == lv.until:
        raise UserError(f"{provider}'s leave already ends on {last_day}", field="--on")
    require_open(books, last_day, "end a leave")
    old = lv.months
    ended = Leave(lv.seq, provider, lv.kind, lv.start, last_day).months
    back = ended[1].plus(1) if ended is not None else (old[0] if old is not None else None)
    with books.transaction() as w:
        entry = w.append(LEAVE_ENDED, last_day, {"provider": provider, "leave": lv.seq, "last_day": last_day.isoformat()})
        plans: list[fees.Plan] = []
        if old is not None and back is not None and back <= old[1]:
            reason = f"{lv.kind} leave ended on {last_day}: a full share again from {back}"
            w.append(
                fees.BASIS_SET,
                last_day,
                {"provider": provider, "first": str(back), "last": str(old[1]), "categories": None, "reason": reason},
            )
            plans = fees.reevaluate(w, books, back.first, f"{provider} back from leave from {back}")
    return entry, plans


def _month_span_end(start: date, months: int) -> date:
    """The last day of a period of ``months`` months starting ``start``."""
    after = Month.of(start).plus(months)
    return date.fromordinal(date(after.year, after.month, min(start.day, after.days)).toordinal() - 1)


def start_leave(books: Books, provider: str, kind: str, start: date, until: date) -> tuple[Entry, list[fees.Plan]]:
    """``coop leave start``: record the leave and its charging basis, and re-evaluate the fee, together."""
    from engine.ledger.closing import require_open

    p = params(books, start)
    if kind not in LEAVE_KINDS:
        raise UserError(f"'{kind}' is not a kind of extended leave", field="--kind", expected=" or ".join(LEAVE_KINDS))
    m = require(books, provider, "MEMBER")
    if until < start:
        raise UserError(f"the leave ends ({until}) before it starts ({start})", field="--until", expected=f"a date from {start}")
    longest = p.leave_max_months.at(start)
    began, _ = joined_leave(books, provider, start, until)
    if until > _month_span_end(began, longest):
        joined = f" (it follows on from the leave that began {began}, so the two are one leave)" if began != start else ""
        raise UserError(
            f"extended leave lasts at most {longest} months: from {began}, until {_month_span_end(began, longest)} at the latest{joined}",
            field="--until",
            expected=f"a date up to {_month_span_end(began, longest)}",
        )
    if not m.active_on(start) or (m.end is not None and until > m.end):
        raise UserError(f"{provider} is not a member for the whole leave", field="--from")
    for other in leaves(books):
        if other.provider == provider and other.start <= until and start <= other.until:
            raise UserError(f"{provider} is already on leave from {other.start} until {other.until}", field="--from")
    require_open(books, start, "start a leave", field="--from")
    owes = sorted(p.leave_owes_categories)
    with books.transaction() as w:
        entry = w.append(LEAVE, start, {"provider": provider, "kind": kind, "from": start.isoformat(), "until": until.isoformat()})
        plans: list[fees.Plan] = []
        span = Leave(entry.seq, provider, kind, start, until).months
        if span is not None:
            reason = f"{kind} leave from {start} until {until}: owes a share of {', '.join(owes) or 'nothing'} only"
            w.append(
                fees.BASIS_SET,
                start,
                {"provider": provider, "first": str(span[0]), "last": str(span[1]), "categories": owes, "reason": reason},
            )
            plans = fees.reevaluate(w, books, span[0].first, f"{provider} on {kind} leave from {span[0]}")
    return entry, plans


def leave_on(books: Books, provider: str, month: Month) -> Leave | None:
    for lv in leaves(books):
        span = lv.months
        if lv.provider == provider and span is not None and span[0] <= month <= span[1]:
            return lv
    return None


def rent_cover_span(books: Books, member: str | None, on: date) -> tuple[Month, Month] | str:
    """The months a rent cover decided on ``on`` covers, or why it cannot apply."""
    if member is None:
        return "a rent cover names the member on leave (--member)"
    decided = Month.of(on)
    for lv in leaves(books):
        span = lv.months
        if lv.provider == member and span is not None and span[1] >= decided:
            began, ends = joined_leave(books, member, lv.start, lv.until)
            whole = Leave(lv.seq, member, lv.kind, began, ends).months or span
            most = params(books, on).rent_cover_max_months.at(on)
            done = covered_months(books, member, whole[0], whole[1])
            left = most - len(done)
            if left <= 0:
                return f"the co-op has already covered {len(done)} months of {member}'s rent during this leave, the most it may ({most})"
            first = max(whole[0], decided)
            while first in done:
                first = first.plus(1)
            if first > whole[1]:
                return f"every month of {member}'s leave from {decided} on is already covered"
            return first, min(whole[1], first.plus(left - 1))
    return f"{member} has no extended leave from {decided} on to cover"


def cover_rent(w: Writer, books: Books, member: str, proposal: str, on: date) -> tuple[Entry, list[fees.Plan]]:
    """A passed rent cover: the member owes nothing in the covered months; the co-op bears their rent share."""
    span = rent_cover_span(books, member, on)
    assert not isinstance(span, str)
    reason = f"rent covered by member vote ({proposal}) from {span[0]} through {span[1]}"
    e = w.append(fees.BASIS_SET, on, {"provider": member, "first": str(span[0]), "last": str(span[1]), "categories": [], "reason": reason})
    plans = fees.reevaluate(w, books, max(on, span[0].first), f"{member}'s rent covered from {span[0]}")
    return e, plans
