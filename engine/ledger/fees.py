"""Setting the monthly fee: an equal share of the agreed budget, re-evaluated when staffing changes.

The fee for a cycle is what is still to be collected for it divided by the
provider-months still to be charged, rounded *up* to the cent so rounding
never leaves the group short; whatever that over-collects is refunded at
close. "Still to be collected" is the cycle's budget (every month, as now
recorded), plus a deficit brought forward from the previous cycle (or less a
surplus carried), less what the months before the change were charged. At
the start of a cycle nothing has been charged yet, so this is simply the
cycle's budget over its provider-months. Re-evaluating from a later month
the same way keeps the cycle balanced however often staffing changes.

Charges are never stored: each month's charge is derived from the fee in
force, the provider's membership and the dated joiner/leaver policies, so a
correction to any of those corrects the charges with it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from engine.books import roster_table
from engine.books.budget import version_on, versions
from engine.books.config import BudgetLine
from engine.books.cycles import Cycle, Month, cycle_containing
from engine.books.folder import Books
from engine.books.journal import LIVE, Writer
from engine.books.money import format_cents
from engine.books.roster import JOINED, LEFT
from engine.errors import UserError
from engine.models.registry import of as model_of

FEE_SET = "fee.set"

STAFFING_CATEGORIES = frozenset({"admin_staff", "admin_pay"})
"""Budget lines whose change re-evaluates the fee mid-cycle (an approved staffing or pay change)."""

JOINER_MONTH: dict[str, str] = {"first_full_month": "none", "joining_month": "full", "prorate_days": "prorate"}
"""How a joiner's partial first month is charged, by ``joiner_charging`` policy."""

LEAVER_MONTH: dict[str, str] = {"through_leaving_month": "full", "last_full_month": "none", "prorate_days": "prorate"}
"""How a leaver's partial last month is charged, by ``leaver_charging`` policy."""


# --- who is charged, and how much of a month -----------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """A provider's membership, first day to last day inclusive (``end`` None: still a member)."""

    provider: str
    start: date
    end: date | None

    def covers(self, first: date, last: date) -> bool:
        return self.start <= first and (self.end is None or self.end >= last)


def spans(books: Books) -> dict[str, Span]:
    """Every provider's membership, read in bulk: the roster's fold (:func:`engine.books.roster.memberships`)
    cut to ids and dates, at half its cost, for the fee and balance paths that read nothing else."""
    out = {p.id: Span(p.id, p.start, None) for p in books.federation.providers}
    conn = books.journal.conn
    rows = conn.execute(_SPANS if roster_table.usable(conn) else _SPANS_FOLD)
    for kind, on, pid in rows:
        if kind == JOINED:
            out[pid] = Span(pid, date.fromisoformat(on), None)
        elif pid in out:
            old = out[pid]
            out[pid] = Span(old.provider, old.start, date.fromisoformat(on))
    return out


_SPANS = f"SELECT kind, on_date, provider FROM {roster_table.TABLE} WHERE {LIVE} ORDER BY seq"
_SPANS_FOLD = (
    f"SELECT kind, on_date, CASE kind WHEN '{JOINED}' THEN json_extract(data, '$.provider.id') ELSE json_extract(data, '$.provider') END "
    f"FROM entries WHERE kind IN ('{JOINED}', '{LEFT}') AND {LIVE} ORDER BY seq"
)
"""The same, for books without the roster table (see :func:`engine.books.roster_table.usable`)."""


def month_weight(span: Span, month: Month, joiner: str, leaver: str) -> Fraction:
    """The share of ``month``'s fee this member is charged: 0, 1, or days/days-in-month.

    A full month is always 1. A partial month is decided by the joiner
    policy (if they started after the 1st) and the leaver policy (if they
    left before the month's end); "none" from either wins, then "prorate".
    """
    first, last = month.first, month.last
    if span.start > last or (span.end is not None and span.end < first):
        return Fraction(0)
    if span.covers(first, last):
        return Fraction(1)
    modes = []
    if span.start > first:
        modes.append(JOINER_MONTH[joiner])
    if span.end is not None and span.end < last:
        modes.append(LEAVER_MONTH[leaver])
    if "none" in modes:
        return Fraction(0)
    if "prorate" in modes:
        days = (min(span.end or last, last) - max(span.start, first)).days + 1
        return Fraction(days, month.days)
    return Fraction(1)


def charge(fee: int, weight: Fraction) -> int:
    """A month's charge in cents; a prorated month rounds half a cent up."""
    if weight == 1:
        return fee
    return (2 * fee * weight.numerator + weight.denominator) // (2 * weight.denominator)


def weights(books: Books, cycle: Cycle, members: dict[str, Span] | None = None) -> dict[str, list[Fraction]]:
    """Each provider's share of each month's fee in ``cycle`` (only providers charged the fee at all).

    A month charged on a restricted basis (see :func:`fixed_charges`) is not a fee month.
    """
    return without_restricted(books, cycle, base_weights(books, cycle, members))


def base_weights(books: Books, cycle: Cycle, members: dict[str, Span] | None = None) -> dict[str, list[Fraction]]:
    """Each member's charged share of each month from membership and the joiner/leaver policies alone.

    Members with the same first and last day share one row, as full-cycle
    members share one: each distinct membership is weighed once, and whatever
    sums rows (provider-months, charges, refund weights) sums it once.
    """
    members = spans(books) if members is None else members
    policies = books.federation.policies
    months = cycle.months
    first, last = cycle.first_day, cycle.last_day
    full = [Fraction(1)] * len(months)
    out: dict[str, list[Fraction]] = {}
    shared: dict[tuple[date, date | None], list[Fraction] | None] = {}
    for pid, span in members.items():
        if span.covers(first, last):
            out[pid] = full
            continue
        if span.start > last or (span.end is not None and span.end < first):
            continue
        key = (span.start, span.end)
        if key not in shared:
            joiner = policies.joiner_charging.at(span.start)
            leaver = policies.leaver_charging.at(span.end or last)
            ws = [month_weight(span, m, joiner, leaver) for m in months]
            shared[key] = ws if any(ws) else None
        row = shared[key]
        if row is not None:
            out[pid] = row
    return out


# --- charging basis: members who owe only part of the budget (extended leave, say) ---
#
# A ``charge.basis`` entry says: from month F through month U, this member owes an equal share
# of these budget categories only (an empty list: nothing; the others cover it). Extended leave
# records one naming rent; a rent-cover vote records one naming none. Such a month is not a fee
# month: the member is charged exactly their share of the owed categories, and the fee, set
# over everyone else's provider-months, collects the rest of the budget.

BASIS_SET = "charge.basis"


@dataclass(frozen=True, slots=True)
class Basis:
    """One ``charge.basis`` entry: ``provider`` owes only ``categories`` from ``first`` through ``last``."""

    seq: int
    provider: str
    first: Month
    last: Month
    categories: frozenset[str] | None
    """None: a full share again (a leave ended early)."""
    reason: str


def bases(books: Books) -> list[Basis]:
    """Every charging basis in journal order (a later one wins for the months it covers)."""
    rows = books.journal.conn.execute(
        f"SELECT seq, data FROM entries WHERE kind = ? AND {LIVE} ORDER BY seq",
        (BASIS_SET,),
    )
    out = []
    for seq, text in rows:
        d = json.loads(text)
        first, last = (Month(int(t[:4]), int(t[5:7])) for t in (d["first"], d["last"]))
        cats = None if d["categories"] is None else frozenset(d["categories"])
        out.append(Basis(seq, d["provider"], first, last, cats, d.get("reason", "")))
    return out


def owed_categories(found: list[Basis], provider: str, month: Month) -> frozenset[str] | None:
    """The categories ``provider`` owes a share of in ``month`` (None: all of them)."""
    owed = None
    for b in found:
        if b.provider == provider and b.first <= month <= b.last:
            owed = b.categories
    return owed


def _restricted(books: Books, cycle: Cycle) -> list[Basis]:
    return [b for b in bases(books) if b.first <= cycle.months[-1] and b.last >= cycle.start]


def without_restricted(books: Books, cycle: Cycle, ws: dict[str, list[Fraction]]) -> dict[str, list[Fraction]]:
    """``ws`` with every restricted member-month taken out of the fee (unchanged when there is none)."""
    found = _restricted(books, cycle)
    if not found:
        return ws
    out = dict(ws)
    for pid in ws:
        for i, m in enumerate(cycle.months):
            if out[pid][i] and owed_categories(found, pid, m) is not None:
                row = list(out[pid])  # a new row: full-cycle members share one list
                row[i] = Fraction(0)
                out[pid] = row
    return {pid: row for pid, row in out.items() if any(row)}


def fixed_charges(books: Books, cycle: Cycle, members: dict[str, Span] | None = None) -> dict[str, list[int]]:
    """What each restricted member owes in each month: an equal share of the categories they owe.

    Category ``c``'s monthly amount is shared by every member charged that month (by their
    membership weight, the leave member included), so a member on leave pays exactly the
    share of rent any member pays; the fee, over everyone else, collects the rest. Rounded
    half a cent up, like a prorated month; the cycle's close settles any cent.
    """
    found = _restricted(books, cycle)
    if not found:
        return {}
    base = base_weights(books, cycle, members)
    budget = cycle_budget(books, cycle)
    out: dict[str, list[int]] = {}
    for i, m in enumerate(cycle.months):
        heads = sum((row[i] for row in base.values()), Fraction(0))
        amounts: dict[str, int] = defaultdict(int)
        for line in budget[m]:
            amounts[line.category] += line.monthly
        for pid, row in base.items():
            owed = owed_categories(found, pid, m) if row[i] else None
            if owed is None:
                continue
            share = sum((Fraction(a) * row[i] / heads for c, a in amounts.items() if c in owed), Fraction(0))
            out.setdefault(pid, [0] * len(cycle.months))[i] = (2 * share.numerator + share.denominator) // (2 * share.denominator)
    return out


# --- end charging basis -----------------------------------------------------------------


def provider_months(ws: dict[str, list[Fraction]], index_from: int = 0) -> Fraction:
    """Provider-months charged from month ``index_from`` on (rows shared by full-cycle members are summed once)."""
    per_row: dict[int, Fraction] = {}
    count: dict[int, int] = {}
    for row in ws.values():
        key = id(row)
        if key not in per_row:
            per_row[key] = sum(row[index_from:], Fraction(0))
        count[key] = count.get(key, 0) + 1
    return sum((per_row[k] * n for k, n in count.items()), Fraction(0))


# --- the budget of a cycle ------------------------------------------------------------


def cycle_budget(books: Books, cycle: Cycle) -> dict[Month, list[BudgetLine]]:
    """The budget lines in force on the first of each month of ``cycle``, as now recorded."""
    found = versions(books)
    out: dict[Month, list[BudgetLine]] = {}
    for m in cycle.months:
        out[m] = [line for vs in found.values() if (line := version_on(vs, m.first)) is not None]
    return out


def month_totals(books: Books, cycle: Cycle) -> list[int]:
    return [sum(line.monthly for line in lines) for lines in cycle_budget(books, cycle).values()]


# --- fee settings -------------------------------------------------------------------


@dataclass(frozen=True)
class FeeSetting:
    """One ``fee.set`` entry: from ``from_month`` to the cycle's end, every provider pays ``amount``."""

    seq: int
    cycle: str
    from_month: Month
    amount: int
    old: int | None
    reason: str
    to_collect: int
    provider_months: Fraction
    budget: int = 0
    already_charged: int = 0
    brought_forward: int = 0

    @classmethod
    def of(cls, seq: int, data: dict[str, Any]) -> FeeSetting:
        y, m = data["from_month"].split("-")
        return cls(
            seq,
            data["cycle"],
            Month(int(y), int(m)),
            data["amount"],
            data.get("old"),
            data["reason"],
            data["basis"]["to_collect"],
            Fraction(data["basis"]["provider_months"]),
            data["basis"].get("budget", 0),
            data["basis"].get("already_charged", 0),
            data["basis"].get("brought_forward", 0),
        )


def settings(books: Books, cycle: Cycle | None = None) -> list[FeeSetting]:
    """Fee settings in journal order, for one cycle or all."""
    rows = books.journal.conn.execute(
        f"SELECT seq, data FROM entries WHERE kind = ? AND {LIVE} ORDER BY seq",
        (FEE_SET,),
    )
    out = [FeeSetting.of(seq, json.loads(data)) for seq, data in rows]
    return [s for s in out if cycle is None or s.cycle == cycle.id]


def schedule(books: Books, cycle: Cycle, known: list[FeeSetting] | None = None) -> list[int | None]:
    """The fee in force in each month of ``cycle`` (None before any is set).

    The latest setting whose from-month is on or before a month governs it,
    so a re-evaluation from April leaves January to March as they were.
    """
    found = settings(books, cycle) if known is None else known
    out: list[int | None] = []
    for m in cycle.months:
        current = None
        for s in found:
            if s.from_month <= m:
                current = s.amount
        out.append(current)
    return out


def charges(books: Books, cycle: Cycle, ws: dict[str, list[Fraction]] | None = None) -> dict[str, list[int]]:
    """Each charged provider's charge for each month of ``cycle``, in cents."""
    ws = weights(books, cycle) if ws is None else ws
    fees = [f or 0 for f in schedule(books, cycle)]
    cache: dict[int, list[int]] = {}  # full-cycle members share one weights row, so one charges row
    out: dict[str, list[int]] = {}
    for pid, row in ws.items():
        got = cache.get(id(row))
        if got is None:
            got = cache[id(row)] = [charge(f, w) for f, w in zip(fees, row, strict=True)]
        out[pid] = got
    for pid, fixed in fixed_charges(books, cycle).items():  # restricted months: a share of the owed categories only
        row = out.get(pid, [0] * len(fixed))
        out[pid] = [a + b for a, b in zip(row, fixed, strict=True)]
    return out


def brought_forward(books: Books, cycle: Cycle) -> int:
    """What the previous cycle's close carried into this one (negative: a deficit to collect)."""
    from engine.ledger.closing import closed

    prev = closed(books).get(cycle.previous().id)
    return prev[2] if prev is not None else 0


@dataclass(frozen=True)
class Plan:
    """A fee worked out but not yet recorded, with the figures that explain it."""

    cycle: Cycle
    from_month: Month
    amount: int
    old: int | None
    to_collect: int
    provider_months: Fraction
    budget: int
    already_charged: int
    brought_forward: int


def plan(books: Books, cycle: Cycle, from_month: Month) -> Plan:
    """The fee from ``from_month`` to the end of ``cycle``: what is left to collect over provider-months left, rounded up."""
    months = cycle.months
    index = months.index(from_month)
    ws = weights(books, cycle)
    budget = sum(month_totals(books, cycle))
    carried = brought_forward(books, cycle)
    before = charges(books, cycle, ws) if index else {}
    already = sum(sum(row[:index]) for row in before.values())
    fixed = sum(sum(row[index:]) for row in fixed_charges(books, cycle).values())
    to_collect = max(0, budget - carried - already - fixed)
    pm = provider_months(ws, index)
    old = schedule(books, cycle)[index]
    if pm == 0:
        raise UserError(
            f"no provider is charged in {cycle.label} from {from_month}, so there is no one to share the budget",
            field="CYCLE",
            expected="at least one member in the cycle",
        )
    amount = -(-to_collect * pm.denominator // pm.numerator)  # ceil(to_collect / pm)
    return Plan(cycle, from_month, amount, old, to_collect, pm, budget, already, carried)


def record(w: Writer, books: Books, p: Plan, reason: str) -> Any:
    return w.append(
        FEE_SET,
        p.from_month.first,
        {
            "cycle": p.cycle.id,
            "from_month": str(p.from_month),
            "amount": p.amount,
            "old": p.old,
            "reason": reason,
            "basis": {
                "to_collect": p.to_collect,
                "provider_months": str(p.provider_months),
                "budget": p.budget,
                "already_charged": p.already_charged,
                "brought_forward": p.brought_forward,
            },
        },
    )


def recalc(books: Books, cycle: Cycle, from_month: Month | None = None, reason: str | None = None) -> tuple[Plan, bool]:
    """``coop fees recalc``: set the cycle's fee (at its start, or again from a month).

    Returns the plan and whether anything was recorded (an unchanged fee is not).
    """
    from engine.ledger.closing import require_open

    why = model_of(books).no_fee
    if why:
        raise UserError(why, field="CYCLE")
    require_open(books, cycle.first_day, "set its fee", field="CYCLE")
    existing = settings(books, cycle)
    if from_month is None:
        if existing:
            first = existing[0]
            raise UserError(
                f"the fee for {cycle.id} was already set "
                f"({format_cents(first.amount, books.federation.currency)} from {first.from_month}); "
                "it re-evaluates by itself when staffing changes, or use --from MONTH to set it again from a month",
                field="CYCLE",
            )
        from_month = cycle.start
    elif from_month not in cycle.months:
        raise UserError(f"{from_month} is not in cycle {cycle.label}", field="--from", expected="a month of the cycle")
    elif not existing:
        raise UserError(f"no fee is set for {cycle.id} yet; set it first with 'coop fees recalc {cycle.id}'", field="--from")
    p = plan(books, cycle, from_month)
    if existing and p.amount == p.old:
        return p, False
    why = reason or ("the start of the cycle" if not existing else "re-evaluated on request")
    with books.transaction() as w:
        record(w, books, p, why)
    return p, True


def reevaluate(w: Writer, books: Books, on: date, reason: str) -> list[Plan]:
    """Re-evaluate every open cycle with a fee set whose months include or follow ``on``'s month.

    Called inside the transaction that records a staffing change (a join, a
    leave, an admin staffing or pay line), whichever path recorded it: the
    treasurer's command or a vote's outcome. Only a cycle whose fee was set
    already is touched; one not yet set will count the change when it is.

    Months already charged (their first day has come) keep their fee: a
    change recorded late re-plans what is left, never what members were
    charged and told. Changing those is a correction (``fees recalc --from``).
    """
    from engine.books import clock
    from engine.ledger.closing import closed, require_open

    require_open(books, on, "change staffing")
    done = closed(books)
    month = max(Month.of(on), first_uncharged(clock.today()))
    cycles = sorted({s.cycle for s in settings(books)})
    spec = books.federation.cycle
    out = []
    for cid in cycles:
        cycle = cycle_containing(Month(int(cid[:4]), int(cid[5:])).first, spec)
        if cid in done or cycle.last_day < month.first:
            continue
        start = max(month, cycle.start)
        try:
            p = plan(books, cycle, start)
        except UserError:
            continue  # nobody left to charge: the fee stands and close settles the rest
        if p.amount != p.old:
            record(w, books, p, reason)
            out.append(p)
    return out


def first_uncharged(today: date) -> Month:
    """The first month not yet charged on ``today``: a month is charged on its first day."""
    return Month.of(today).plus(1)


def change_day(kind: str, on: date) -> date:
    """The first day a roster change affects: a join's start, or the day after a last day."""
    return on + timedelta(days=1) if kind == LEFT else on


def notices_for(books: Books, cycle: Cycle) -> list[tuple[FeeSetting, list[str]]]:
    """Each fee setting of ``cycle`` with the providers charged under it.

    A setting governs its months until a later one takes over, so a provider
    who joins in March hears of the March fee, not January's, which never
    applied to them; a setting overtaken before any of its months is sent to no one.
    """
    ws = weights(books, cycle)
    found = settings(books, cycle)
    out = []
    for k, s in enumerate(found):
        i = cycle.months.index(s.from_month)
        end = min([cycle.months.index(t.from_month) for t in found[k + 1 :]] + [cycle.length])
        out.append((s, sorted(pid for pid, row in ws.items() if any(row[i:end]))))
    return out


# --- hooks: every path that changes staffing comes through these -------------------------


def after_join(w: Writer, books: Books, start: date, reason: str) -> list[Plan]:
    """A join re-evaluates the fee from the month it starts (inside the join's transaction)."""
    from engine.ledger.closing import require_open

    require_open(books, start, "record a join")
    return reevaluate(w, books, start, reason)


def after_leave(w: Writer, books: Books, provider_id: str, last_day: date) -> list[Plan]:
    """A departure re-evaluates the fee from the day after the last day."""
    from engine.books.roster import require
    from engine.ledger.closing import require_open

    require_open(books, last_day, "record a departure")
    name = require(books, provider_id).provider.name
    return reevaluate(w, books, change_day(LEFT, last_day), f"{name} ({provider_id}) leaves (last day {last_day})")


def after_line(w: Writer, books: Books, line: BudgetLine) -> list[Plan]:
    """An admin staffing or pay line re-evaluates the fee; other budget changes wait for the next cycle."""
    from engine.ledger.closing import require_open

    require_open(books, line.effective, "change the budget", field="--from")
    if line.category not in STAFFING_CATEGORIES:
        return []
    return reevaluate(w, books, line.effective, f"{line.category.replace('_', ' ')} change: '{line.id}' from {line.effective}")


JOINER_WORDS = {
    "first_full_month": "from the first full calendar month of membership",
    "joining_month": "from the month in which they join, for the whole of that month",
    "prorate_days": "from the day they join, for the days of membership in that month",
}
"""How a joiner is charged, as it completes "pays the monthly fee ..." (manual, agreement, rules)."""

LEAVER_WORDS = {
    "through_leaving_month": "through the end of the month in which their last day falls",
    "last_full_month": "through their last full calendar month of membership",
    "prorate_days": "for the days of membership in their final month",
}
REFUND_WORDS = {
    "months": "in proportion to the months each provider was charged for in the cycle",
    "per_head": "in equal shares to every provider charged a fee in the cycle",
}
DEFICIT_WORDS = {
    "carry_forward": "carried into the next cycle's fee",
    "assess": "assessed at once, shared among the providers charged in the cycle on the same basis as a refund",
}


def rules_text(books: Books, on: date) -> list[str]:
    """The fee rules in force on ``on``, in words, from the same data the engine runs on (for the manual)."""
    own = model_of(books).call("fee_rules", books, on)
    if own is not None:  # a model with no fee states its own money rules
        return list(own)
    fed = books.federation
    p = fed.policies
    spec = fed.cycle
    starts = sorted({(spec.start_month - 1 + i * spec.months) % 12 + 1 for i in range(12 // spec.months)})
    month_names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    joiner = JOINER_WORDS[p.joiner_charging.at(on)]
    leaver = LEAVER_WORDS[p.leaver_charging.at(on)]
    basis = REFUND_WORDS[p.refund_basis.at(on)]
    deficit = DEFICIT_WORDS[p.deficit.at(on)]
    return [
        f"Fees run in cycles of {spec.months} month{'s' if spec.months > 1 else ''}, "
        f"starting in {_and([month_names[m - 1] for m in starts])}.",
        "At the start of a cycle every provider's monthly fee is set to the cycle's budget divided by the provider-months "
        "expected in it, rounded up to the cent.",
        "When a provider joins or leaves, or an admin staffing or pay change takes effect, the fee is re-evaluated from that "
        "month: what is left to collect for the cycle over the provider-months left, rounded up.",
        f"A provider who joins pays the monthly fee {joiner}; one who leaves pays it {leaver}.",
        f"At the cycle's close a surplus is refunded {basis}; a refund first settles that provider's arrears. A deficit is {deficit}.",
        "The parent makes no profit: fees charged, less expenses, refunds and amounts carried forward, is exactly zero.",
    ]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
