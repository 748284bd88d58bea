"""Closing a cycle: the surplus refunded, a deficit carried or assessed, and nothing left over.

surplus = fees charged + brought forward - written off - shared expenses paid for the cycle

A surplus is split by :func:`engine.allocation.allocate` over the members
charged in the cycle, weighted by the months they were charged (or one each,
under the ``per_head`` refund basis), with the odd cents rotated by the cycle
id. A refund is a credit to the provider's account, so it settles their
arrears first and the rest is owed to them. A deficit is carried into the
next cycle's budget, or assessed at once over the same weights.

The parent makes no profit: fees charged + assessed + brought forward -
written off - expenses - refunds - carried forward must be exactly zero,
and :func:`close` refuses to record a close for which it is not. Once a
``cycle.closed`` entry exists, money entries dated in that cycle are refused
unless recorded as an explicit correction.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from functools import cached_property
from typing import Any

from engine.books.allocation import allocate
from engine.books.config import CycleSpec
from engine.books.cycles import Cycle, Month, cycle_containing
from engine.books.folder import Books
from engine.books.journal import LIVE, Entry
from engine.books.money import format_cents
from engine.errors import UserError
from engine.ledger import accounts as ledger
from engine.ledger import fees
from engine.models.registry import of as model_of

CLOSED = "cycle.closed"


@dataclass(frozen=True)
class Terms:
    """What a close shares out when a model's income is not fees (a co-op's share of sessions, say)."""

    income: int
    committed: int
    weights: dict[str, int]
    shares: dict[str, str]
    """Each owner's weight in words (days as owner, or one share)."""
    basis: str
    distribution: str
    """The ledger account the shares are posted to (a federation's close posts refunds)."""


@dataclass(frozen=True)
class Close:
    """A cycle's settlement, as recorded (or about to be) in its ``cycle.closed`` entry."""

    cycle: str
    on: date
    charged: int
    assessed: int
    brought_forward: int
    written_off: int
    expenses: int
    surplus: int
    basis: str
    deficit_policy: str
    refunds: dict[str, int]
    assessments: dict[str, int]
    carried_forward: int
    arrears_before: dict[str, int] = field(default_factory=dict)
    months: dict[str, str] = field(default_factory=dict)
    seq: int | None = None
    committed: int = 0
    """Amounts members committed by vote against this cycle's surplus (session split: a surplus use)."""
    distribution: str = "refunds"
    """The ledger account the surplus is paid to: a federation's over-collection is refunded; a split co-op's profit is paid out."""

    def cycle_obj(self, spec: CycleSpec) -> Cycle:
        return cycle_containing(Month(int(self.cycle[:4]), int(self.cycle[5:])).first, spec)

    @cached_property
    def refunded(self) -> int:
        """Summed once per close: every statement of a cycle states it, so summing it per statement is quadratic."""
        return sum(self.refunds.values())

    @cached_property
    def months_total(self) -> Fraction:
        """The months charged to everyone, the denominator of each provider's share (summed once, like :attr:`refunded`)."""
        return sum((Fraction(v) for v in self.months.values()), Fraction(0))

    @property
    def profit(self) -> int:
        """What the parent would keep: must be zero."""
        return (
            self.charged
            + self.assessed
            + self.brought_forward
            - self.written_off
            - self.expenses
            - self.committed
            - self.refunded
            - self.carried_forward
        )

    @property
    def carried_text(self) -> str:
        """How the carried amount reads to people: a deficit to collect, or a surplus kept for later."""
        if self.carried_forward < 0:
            return "deficit carried into the next cycle's budget"
        return "surplus carried to the next cycle" if self.carried_forward else "carried forward"

    def netted(self, pid: str) -> int:
        """The part of a provider's refund that settled arrears they had."""
        return min(self.refunds.get(pid, 0), max(0, self.arrears_before.get(pid, 0) + self.assessments.get(pid, 0)))

    def as_data(self) -> dict[str, Any]:
        return {
            "cycle": self.cycle,
            "charged": self.charged,
            "assessed": self.assessed,
            "brought_forward": self.brought_forward,
            "written_off": self.written_off,
            "expenses": self.expenses,
            "surplus": self.surplus,
            "basis": self.basis,
            "deficit_policy": self.deficit_policy,
            "refunds": self.refunds,
            "assessments": self.assessments,
            "carried_forward": self.carried_forward,
            "arrears_before": self.arrears_before,
            "months": self.months,
            # Only a model with commitments and payouts records these, so a federation's close reads as before.
            **({"committed": self.committed, "distribution": self.distribution} if self.distribution != "refunds" else {}),
        }


def closes(books: Books) -> dict[str, Close]:
    """Every recorded close, by cycle id."""
    rows = books.journal.conn.execute(
        f"SELECT seq, on_date, data FROM entries WHERE kind = ? AND {LIVE} ORDER BY seq",
        (CLOSED,),
    )
    out = {}
    for seq, on, text in rows:
        d = json.loads(text)
        out[d["cycle"]] = Close(on=date.fromisoformat(on), seq=seq, **d)
    return out


def closed(books: Books) -> dict[str, tuple[int, str, int]]:
    """Closed cycles by id: (entry, date closed, amount carried forward), without reading the refund lists."""
    rows = books.journal.conn.execute(
        "SELECT json_extract(data, '$.cycle'), seq, on_date, json_extract(data, '$.carried_forward') FROM entries "
        f"WHERE kind = ? AND {LIVE} ORDER BY seq",
        (CLOSED,),
    )
    return {cid: (seq, on, carried) for cid, seq, on, carried in rows}


def require_open(books: Books, day: date, what: str, correction: str | None = None, field: str = "--on") -> None:
    """Refuse to change a closed cycle, unless this is an explicit, journaled correction.

    ``field`` names what the user typed that put the change in the cycle (the refusal blames it, not an option the command lacks).
    """
    if not (correction and correction.strip()):
        try:
            model_of(books).call("require_open", books, day, what)
        except UserError as exc:  # the model's own closed period, blamed on what the user typed
            raise UserError(exc.message, field=field, expected=exc.expected) from None
    cycle = cycle_containing(day, books.federation.cycle)
    done = closed(books).get(cycle.id)
    if done is None:
        return
    if correction is not None and correction.strip():
        return
    raise UserError(
        f"cycle {cycle.id} was closed on {done[1]} (journal entry {done[0]}); cannot {what} dated {day} in it",
        field=field,
        expected="a date in an open cycle, or --correction REASON to record an explicit correction",
    )


def refund_weights(ws: dict[str, list[Fraction]], basis: str) -> tuple[dict[str, int], dict[str, str]]:
    """Integer weights for the split (months charged, scaled to whole numbers; or one per head).

    Full-cycle members share one weights row, so each distinct row is added
    up, scaled and spelled once: this runs over every member of a large federation.
    """
    rows: dict[int, Fraction] = {}
    for row in ws.values():
        if id(row) not in rows:
            rows[id(row)] = sum(row, Fraction(0))
    rows = {k: m for k, m in rows.items() if m > 0}
    scale = math.lcm(*{m.denominator for m in rows.values()}) if rows else 1
    ints = {k: 1 if basis == "per_head" else int(m * scale) for k, m in rows.items()}
    texts = {k: str(m) for k, m in rows.items()}
    charged = [(pid, id(row)) for pid, row in ws.items() if id(row) in rows]
    return {pid: ints[k] for pid, k in charged}, {pid: texts[k] for pid, k in charged}


def settle(books: Books, cycle: Cycle, on: date) -> Close:
    """Work out a close without recording it (``coop cycle close --dry-run`` shows this)."""
    model = model_of(books)
    if model.no_cycle_close:
        raise UserError(model.no_cycle_close, field="CYCLE")
    done = closed(books)
    if cycle.id in done:
        raise UserError(f"cycle {cycle.id} is already closed (journal entry {done[cycle.id][0]})", field="CYCLE")
    if on <= cycle.last_day:
        raise UserError(
            f"cycle {cycle.id} runs until {cycle.last_day}; it can be closed after that",
            field="--on",
            expected=f"a date after {cycle.last_day}",
        )
    prev = cycle.previous()
    if prev.last_day >= books.federation.founded and prev.id not in done:
        raise UserError(f"close cycle {prev.id} first: its result is carried into {cycle.id}", field="CYCLE")
    policies = books.federation.policies
    members = fees.spans(books)
    expenses = sum(e["amount"] for e in ledger.expenses_for(books, cycle))
    brought = fees.brought_forward(books, cycle)
    committed, distribution = 0, "refunds"
    terms = model.call("cycle_terms", books, cycle)
    if terms is not None:  # a model whose income is not fees shares out its own terms
        charged, written_off, committed, distribution = terms.income, 0, terms.committed, terms.distribution
        basis, deficit_policy = terms.basis, "carry_forward"
        weights, months = terms.weights, terms.shares
    else:
        ws = fees.weights(books, cycle, members)
        charged = sum(sum(row) for row in fees.charges(books, cycle, ws).values())
        written_off = sum(ledger.sums_by_provider(books, ledger.WRITE_OFF, cycle.first_day, cycle.last_day).values())
        basis = policies.refund_basis.at(cycle.last_day)
        deficit_policy = policies.deficit.at(cycle.last_day)
        weights, months = refund_weights(ws, basis)
    surplus = charged + brought - written_off - expenses - committed
    rotation = f"close:{cycle.id}"
    refunds: dict[str, int] = {}
    assessments: dict[str, int] = {}
    carried = 0
    if not weights:
        carried = surplus  # nobody to refund or assess: the whole result moves to the next cycle
    elif surplus >= 0:
        refunds = allocate(surplus, weights, rotation)
    elif deficit_policy == "assess":
        assessments = allocate(-surplus, weights, rotation)
    else:
        carried = surplus
    arrears = ledger.provider_balances(books, cycle.last_day, members)
    before = {pid: arrears.get(pid, 0) for pid in sorted(set(refunds) | set(assessments))}
    result = Close(
        cycle=cycle.id,
        on=on,
        charged=charged,
        assessed=sum(assessments.values()),
        brought_forward=brought,
        written_off=written_off,
        expenses=expenses,
        surplus=surplus,
        basis=basis,
        deficit_policy=deficit_policy,
        refunds=dict(sorted(refunds.items())),
        assessments=dict(sorted(assessments.items())),
        carried_forward=carried,
        arrears_before=before,
        months=dict(sorted(months.items())),
        committed=committed,
        distribution=distribution,
    )
    if result.profit != 0:
        raise UserError(
            f"refusing to close {cycle.id}: {books.federation.holder} would keep {result.profit} cents "
            f"(charged {charged}, assessed {result.assessed}, brought forward {brought}, written off {written_off}, "
            f"expenses {expenses}, committed {committed}, {distribution} {result.refunded}, carried forward {carried})",
            field="CYCLE",
        )
    return result


def close(books: Books, cycle: Cycle, on: date) -> tuple[Close, Entry, list[fees.Plan]]:
    """``coop cycle close``: record the settlement; re-evaluate the next cycle's fee if a result was carried into it."""
    result = settle(books, cycle, on)
    with books.transaction() as w:
        entry = w.append(CLOSED, on, result.as_data())
        plans: list[fees.Plan] = []
        if result.carried_forward:
            kind = "deficit" if result.carried_forward < 0 else "surplus"
            amount = format_cents(abs(result.carried_forward), books.federation.currency)
            plans = fees.reevaluate(w, books, on, f"cycle {cycle.id} closed with a {kind} of {amount} carried forward")
    return replace(result, seq=entry.seq), entry, plans
