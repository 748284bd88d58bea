"""The two entities' money in the flat-pay model, and the management entity's year-end close.

The co-op is two entities (the case study's PLLC and MSO). The clinical
entity (the ``clinical_entity`` parameter), which only a licensed
professional may own, receives what clients and insurers pay; it pays each
clinician for their clinical hours at the flat rate, and for unplanned leave
from clinical work, and it pays the management entity the monthly
management fee. The management entity (``entity`` in federation.yaml),
owned equally by the member-owners, receives the fee and pays the
administrative and other hours (and leave from that work) at the same rate,
and the shared budget's expenses. Which entity pays which hours is
:data:`engine.pay.PAID_BY`. Only the management entity's surplus belongs to
the members; it is allocated to their capital accounts by every hour they
worked, clinical or not (patronage).

Both sides are postings in the one double-entry ledger (:mod:`engine.ledger`),
derived from the journal like the federation's fee charges. The clinical
entity's own books (client billing, its bank account) are kept outside coop;
the ledger shows only its payments to members and its fee, each balanced by
``clinical:client_revenue``, the client revenue those payments were made from:

``cash``                            the management entity's account
``income:management_fees``          the fee, received on the 1st of each month
``expense:pay``                     non-clinical hours x the month's rate, paid on the month's last day
``expense:leave_pay``               unplanned leave from non-clinical work, paid on the leave's first day
``expense:LINE``                    shared expenses recorded against budget lines
``surplus_allocated``               a year's surplus moved to members' capital accounts
``capital:ID``                      a member's internal capital account (credit: held for them)
``carried_forward``, ``brought_forward``   a year's result carried into the next
``clinical:expense:management_fee`` the same fee, as the clinical entity's cost
``clinical:expense:pay``            clinical hours x the month's rate, paid on the month's last day
``clinical:expense:leave_pay``      unplanned leave from clinical work, paid on the leave's first day
``clinical:client_revenue``         the client revenue the clinical entity paid these from

The year is the model's cycle (12 months). Its close allocates the
management entity's result (fees - non-clinical pay - expenses + what was
brought forward) to the capital accounts of the member-owners in
proportion to all the hours each worked in the year, through
:func:`engine.allocation.allocate`. A deficit, or a surplus with no owner
hours to weigh it by, is never allocated: it is carried forward whole and
offsets the next year's result first (no capital account is ever charged).
A member who leaves is paid out their whole account at the close of the
year they leave in, in the close's own transaction, so their last year's
share (unknown until the year closes) is included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from engine.books.cycles import Cycle, Month, cycle_containing, parse_cycle
from engine.books.folder import Books
from engine.errors import UserError
from engine.ledger.capital import allocate_surplus
from engine.models.flat_pay.patronage import terms as patronage_terms

CLOSED = "capital.year_closed"
REVENUE = "clinical:client_revenue"
"""The clinical entity's client revenue, as far as coop sees it: what its payments were made from."""


# --- the pure rule ---------------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    result: int
    """Income - costs + brought forward."""
    allocations: dict[str, int]
    carried_forward: int


def settle(income: int, costs: int, brought_forward: int, owner_hours: Mapping[str, Decimal], year: int) -> Settlement:
    """Split a year's result: a surplus to owners by hours, else carried forward whole.

    income = costs + sum(allocations) + carried_forward - brought_forward, to the cent.
    """
    result = income - costs + brought_forward
    weighed = {m: h for m, h in owner_hours.items() if h > 0}
    if result <= 0 or not weighed:
        return Settlement(result, {}, result)
    return Settlement(result, allocate_surplus(result, weighed, year), 0)


# --- a year's figures from the books ------------------------------------------------------


@dataclass
class YearFigures:
    cycle: Cycle
    income: int
    """The management fees received (the clinical entity's fee)."""
    pay: int
    """The management entity's pay for non-clinical hours."""
    leave_pay: int
    """The management entity's pay for unplanned leave from non-clinical work."""
    expenses: int
    brought_forward: int
    hours: dict[str, Decimal]
    """Every worker's hours in the year, clinical or not (the patronage measure)."""
    owner_hours: dict[str, Decimal]
    """The hours that weigh the allocation: those of members who are owners by the year's last day."""
    settlement: Settlement
    payouts: dict[str, int] = field(default_factory=dict)
    clinical_pay: int = 0
    """What the clinical entity paid for clinical hours in the year (not the management entity's cost)."""
    clinical_leave_pay: int = 0
    patronage: dict[str, Any] = field(default_factory=dict)
    """Each allocation's cash part and when it is due (engine.models.flat_pay.patronage.terms)."""

    @property
    def costs(self) -> int:
        return self.pay + self.leave_pay + self.expenses

    @property
    def year(self) -> int:
        return self.cycle.first_day.year

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.cycle.id,
            "income": self.income,
            "pay": self.pay,
            "leave_pay": self.leave_pay,
            "expenses": self.expenses,
            "brought_forward": self.brought_forward,
            "result": self.settlement.result,
            "hours": {m: str(h) for m, h in sorted(self.hours.items())},
            "owner_hours": {m: str(h) for m, h in sorted(self.owner_hours.items())},
            "allocations": dict(sorted(self.settlement.allocations.items())),
            "carried_forward": self.settlement.carried_forward,
            "payouts": dict(sorted(self.payouts.items())),
            "clinical": {"pay": self.clinical_pay, "leave_pay": self.clinical_leave_pay, "management_fee": self.income},
            **self.patronage,
        }


def fee_months(books: Books, until: date) -> list[tuple[Month, int]]:
    """The management fee for each month from the founding month whose 1st is on or before ``until``."""
    from engine.books.parameters import in_force

    params = in_force(books)
    out = []
    m = Month.of(books.federation.founded)
    while m.first <= until:
        out.append((m, params.management_fee.at(m.first)))
        m = m.plus(1)
    return out


def parse_year(books: Books, text: str) -> Cycle:
    """A year by its number (``2027``), its id (``2027-01``) or any date in it."""
    spec = books.federation.cycle
    if text.strip().isdigit() and len(text.strip()) == 4:
        return cycle_containing(date(int(text), spec.start_month, 1), spec)
    return parse_cycle(text, spec, "YEAR")


def figures(books: Books, cycle: Cycle) -> YearFigures:
    """What the year's close would record, from the journal as it stands."""
    from engine.ledger.accounts import expenses_for
    from engine.models.flat_pay.hours import hours_by_month, pay_lines
    from engine.models.flat_pay.ownership import owners
    from engine.models.flat_pay.pay import MANAGEMENT

    months = cycle.months
    income = sum(fee for m, fee in fee_months(books, cycle.last_day) if cycle.contains(m.first))
    lines = pay_lines(books, months)
    hours: dict[str, Decimal] = defaultdict(Decimal)
    for (member, _), h in hours_by_month(books, months).items():
        hours[member] += h
    owned = owners(books, cycle.last_day)
    owner_hours = {m: h for m, h in hours.items() if m in owned}
    expenses = sum(e["amount"] for e in expenses_for(books, cycle))
    previous = closes(books).get(cycle.previous().id)
    brought = previous.data["carried_forward"] if previous else 0
    ours = [line for line in lines if line.payer == MANAGEMENT]
    theirs = [line for line in lines if line.payer != MANAGEMENT]
    pay = sum(line.hours_pay for line in ours)
    leave_pay = sum(line.leave_pay for line in ours)
    settlement = settle(income, pay + leave_pay + expenses, brought, owner_hours, cycle.first_day.year)
    out = YearFigures(cycle, income, pay, leave_pay, expenses, brought, dict(hours), owner_hours, settlement)
    out.payouts = _payouts(books, cycle, settlement.allocations)
    out.clinical_pay = sum(line.hours_pay for line in theirs)
    out.clinical_leave_pay = sum(line.leave_pay for line in theirs)
    out.patronage = patronage_terms(books, cycle, settlement.allocations, out.payouts)
    return out


def _payouts(books: Books, cycle: Cycle, allocations: dict[str, int]) -> dict[str, int]:
    """Every member who left by the year's last day is paid their whole account."""
    from engine.books.roster import memberships

    before = balances(books, date.max, before_year=cycle.id)  # every earlier year's allocation, less cash already paid
    out = {}
    for mid, m in memberships(books, date.max).items():
        if m.end is not None and m.end <= cycle.last_day:
            total = before.get(mid, 0) + allocations.get(mid, 0)
            if total > 0:
                out[mid] = total
    return dict(sorted(out.items()))


# --- closing -------------------------------------------------------------------------------


def closes(books: Books) -> dict[str, Any]:
    """The recorded closes by year id (a voided close is no close)."""
    return {e.data["year"]: e for e in books.journal.entries([CLOSED])}


def require_year_open(books: Books, day: date, what: str, field: str = "--on") -> None:
    if books.federation.model != "flat_pay":
        return
    cycle = cycle_containing(day, books.federation.cycle)
    done = closes(books).get(cycle.id)
    if done is not None:
        raise UserError(
            f"the year {cycle.label} was closed on {done.on} (journal entry {done.seq}); cannot {what} dated {day} in it",
            field=field,
            expected="a date in an open year",
        )


def close_year(books: Books, cycle: Cycle, on: date, dry_run: bool = False) -> YearFigures:
    """Close the year: allocate its surplus (or carry its deficit) and pay out leavers, in one entry."""
    from engine.models.flat_pay.hours import _require_model

    _require_model(books)
    done = closes(books)
    if cycle.id in done:
        raise UserError(f"the year {cycle.label} is already closed (journal entry {done[cycle.id].seq})", field="YEAR")
    if on <= cycle.last_day:
        raise UserError(f"the year {cycle.label} ends on {cycle.last_day}", field="--on", expected=f"a date after {cycle.last_day}")
    founded = cycle_containing(books.federation.founded, books.federation.cycle)
    if cycle < founded:
        raise UserError(f"the co-op was founded on {books.federation.founded}", field="YEAR", expected=f"{founded.id} or later")
    if cycle != founded and cycle.previous().id not in done:
        raise UserError(f"close the year {cycle.previous().label} first", field="YEAR", expected=cycle.previous().id)
    fig = figures(books, cycle)
    if not dry_run:  # the close and every member's notice of allocation, in one transaction
        from engine.documents.letters import issue
        from engine.models.flat_pay.patronage import notices

        data = fig.as_json()
        issue(books, notices(books, cycle, data, on), on, books.federation.holder, lambda w: w.append(CLOSED, on, data))
    return fig


def balances(books: Books, as_of: date, before_year: str | None = None) -> dict[str, int]:
    """Each member's internal capital account on ``as_of``: allocations less payouts and cash parts paid.

    ``before_year``: only the closes of earlier years count (what a member holds going into that year's close).
    """
    from engine.models.flat_pay.patronage import paid_entries

    out: dict[str, int] = defaultdict(int)
    for year, e in closes(books).items():
        if e.date <= as_of and (before_year is None or year < before_year):
            for m, a in e.data["allocations"].items():
                out[m] += a
            for m, p in e.data["payouts"].items():
                out[m] -= p
    for e in paid_entries(books, as_of):
        out[e.data["member"]] -= e.data["amount"]
    return dict(sorted(out.items()))


# --- ledger postings ---------------------------------------------------------------------------


def transactions(books: Books, until: date, provider_id: str | None = None) -> list[Any]:
    """Both entities' derived transactions dated on or before ``until`` (see the module doc).

    None of them is a provider's fee account, so asking for one provider's gets none.
    """
    if provider_id is not None:
        return []
    from engine.books.parameters import in_force
    from engine.ledger.accounts import Transaction
    from engine.models.flat_pay.hours import pay_lines
    from engine.models.flat_pay.leave import records as leave_records
    from engine.models.flat_pay.pay import MANAGEMENT, payer_of, unplanned_leave_day_pay

    def paid(payer: str, what: str, amount: int) -> tuple[tuple[str, int], ...]:
        if payer == MANAGEMENT:
            return ((f"expense:{what}", amount), ("cash", -amount))
        return ((f"clinical:expense:{what}", amount), (REVENUE, -amount))

    out: list[Transaction] = []
    for m, fee in fee_months(books, until):
        if fee:
            postings = (("clinical:expense:management_fee", fee), (REVENUE, -fee), ("cash", fee), ("income:management_fees", -fee))
            out.append(Transaction(m.first, f"management fee for {m}", postings))
    months = [m for m, _ in fee_months(books, until)]
    for line in pay_lines(books, months):
        if line.hours_pay and line.month.last <= until:
            memo = f"pay ({line.payer} entity): {line.member}, {line.hours} h in {line.month}"
            out.append(Transaction(line.month.last, memo, paid(line.payer, "pay", line.hours_pay)))
    params = in_force(books)
    for r in leave_records(books):
        if r.on <= until:
            p = r.days * unplanned_leave_day_pay(params, Month.of(r.on).first)
            memo = f"unplanned leave ({payer_of(r.kind)} entity): {r.member}, {r.days} day(s) from {r.on}"
            out.append(Transaction(r.on, memo, paid(payer_of(r.kind), "leave_pay", p), r.seq))
    spec = books.federation.cycle
    for e in closes(books).values():
        d = e.data
        cycle = parse_cycle(d["year"], spec)
        day = cycle.last_day
        if day > until:
            continue
        alloc = d["allocations"]
        if alloc:
            postings = (("surplus_allocated", sum(alloc.values())), *((f"capital:{m}", -a) for m, a in sorted(alloc.items()) if a))
            out.append(Transaction(day, f"{cycle.label} surplus to capital accounts by hours", postings, e.seq))
        if d["carried_forward"]:
            k = d["carried_forward"]
            out.append(Transaction(day, f"{cycle.label} result carried forward", (("carried_forward", k), ("brought_forward", -k)), e.seq))
        if e.date <= until:
            for m, p in sorted(d["payouts"].items()):
                out.append(Transaction(e.date, f"capital account paid out: {m} left", ((f"capital:{m}", p), ("cash", -p)), e.seq))
    from engine.models.flat_pay.patronage import paid_entries

    for e in paid_entries(books, until):
        m, p = e.data["member"], e.data["amount"]
        out.append(Transaction(e.date, f"cash part of {e.data['year']} patronage paid: {m}", ((f"capital:{m}", p), ("cash", -p)), e.seq))
    return out
