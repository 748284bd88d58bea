"""Properties of the money: no cent created or lost, whatever happens in whatever order."""

from __future__ import annotations

import contextlib
import tempfile
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.books.allocation import allocate
from engine.books.budget import set_line
from engine.books.cycles import Month, cycle_containing
from engine.books.folder import Books, open_books
from engine.books.founding import create_books
from engine.books.roster import join, leave
from engine.documents import notices
from engine.errors import UserError
from engine.ledger import accounts as ledger
from engine.ledger import closing, fees
from engine.models.federation.demo import founding_text

weights_st = st.dictionaries(st.text("abcdefghij", min_size=1, max_size=4), st.integers(0, 50), min_size=1, max_size=12)


@given(st.integers(-(10**9), 10**9), weights_st, st.text(max_size=8), st.randoms())
def test_allocate_sums_exactly_within_a_cent_and_ignores_order(total: int, weights: dict[str, int], rotation: str, rnd) -> None:  # type: ignore[no-untyped-def]
    if sum(weights.values()) == 0:
        weights = {**weights, "z": 1}
    parts = allocate(total, weights, rotation)
    assert sum(parts.values()) == total
    wsum = sum(weights.values())
    for k, w in weights.items():
        assert abs(Fraction(parts[k]) - Fraction(total * w, wsum)) < 1
        if w == 0:
            assert parts[k] == 0
    keys = list(weights)
    rnd.shuffle(keys)
    assert allocate(total, {k: weights[k] for k in keys}, rotation) == parts


def test_leftover_cent_rotates_between_cycles() -> None:
    weights = {p: 1 for p in ("a", "b", "c", "d", "e", "f")}
    winners = {
        k for cycle in ("2027-01", "2027-07", "2028-01", "2028-07", "2029-01") for k, v in allocate(7, weights, cycle).items() if v == 2
    }
    assert len(winners) > 1


# --- any sequence of joins, leaves, budget changes, payments, expenses and closes ---------------------

START = date(2027, 1, 1)
PROVIDERS = ["rowan-ellery", "mara-quist", "teo-abernathy", "imani-castell", "noor-haddad", "wes-okafor"]

day_st = st.integers(0, 364).map(lambda n: START + timedelta(days=n))
op_st = st.one_of(
    st.tuples(st.just("join"), day_st, st.integers(0, 3)),
    st.tuples(st.just("leave"), day_st, st.integers(0, 9)),
    st.tuples(st.just("budget"), day_st, st.sampled_from(["admin", "software", "admin_pay_line"]), st.integers(0, 400000)),
    st.tuples(st.just("pay"), day_st, st.integers(0, 9), st.integers(1, 120000)),
    st.tuples(st.just("expense"), day_st, st.sampled_from(["admin", "software", "insurance"]), st.integers(1, 3000000)),
    st.tuples(st.just("write_off"), day_st, st.integers(0, 9), st.integers(1, 100)),
    st.tuples(st.just("payout"), day_st, st.integers(0, 9), st.integers(1, 100)),
)
policy_st = st.fixed_dictionaries(
    {
        "joiner_charging": st.sampled_from(["first_full_month", "joining_month", "prorate_days"]),
        "leaver_charging": st.sampled_from(["through_leaving_month", "last_full_month", "prorate_days"]),
        "refund_basis": st.sampled_from(["months", "per_head"]),
        "deficit": st.sampled_from(["carry_forward", "assess"]),
        "months": st.sampled_from([1, 3, 6]),
    }
)


def _books(folder: Path, policy: dict[str, object]) -> Books:
    text = founding_text().replace("months: 6 ", f"months: {policy['months']} ")
    for key, default in (
        ("joiner_charging", "first_full_month"),
        ("leaver_charging", "through_leaving_month"),
        ("refund_basis", "months"),
        ("deficit", "carry_forward"),
    ):
        text = text.replace(f"{key}: {default}", f"{key}: {policy[key]}")
    create_books(folder, text=text)
    return open_books(folder)


def _apply(books: Books, op: tuple, ids: list[str]) -> None:  # type: ignore[type-arg]
    kind, day = op[0], op[1]
    try:
        if kind == "join":
            pid = f"new-{len(ids)}"
            join(books, {"id": pid, "name": f"New {len(ids)}", "practice": "P", "licence": "L", "email": "n@x.example", "start": day})
            ids.append(pid)
        elif kind == "leave":
            leave(books, ids[op[2] % len(ids)], day, "")
        elif kind == "budget":
            changes: dict[str, object] = {"monthly": op[3]}
            if op[2] == "admin_pay_line":
                changes |= {"name": "Admin raise", "category": "admin_pay", "vendor": "Payroll"}
            set_line(books, op[2], day, changes, "")
        elif kind == "pay":
            ledger.record_payment(books, ids[op[2] % len(ids)], op[3], day)
        elif kind in ("write_off", "payout"):  # a percentage of what is owed either way
            pid = ids[op[2] % len(ids)]
            balance = ledger.provider_balances(books, day).get(pid, 0)
            if kind == "write_off" and balance > 0:
                ledger.record_write_off(books, pid, max(1, balance * op[3] // 100), day, "hardship")
            elif kind == "payout" and balance < 0:
                ledger.record_payout(books, pid, max(1, -balance * op[3] // 100), day)
        else:
            ledger.record_expense(books, op[2], op[3], day, receipt="R")
    except UserError:
        pass  # e.g. leaving twice, or a date before a provider joined: refused, nothing changed


@settings(max_examples=40, deadline=None)
@given(policy_st, st.lists(op_st, max_size=25))
def test_no_cent_is_created_or_lost(policy: dict[str, object], ops: list[tuple]) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as tmp:
        books = _books(Path(tmp) / "b", policy)
        try:
            _run(books, sorted(ops, key=lambda o: o[1]))
        finally:
            books.close()


def _run(books: Books, ops: list[tuple]) -> None:  # type: ignore[type-arg]
    ids = list(PROVIDERS)
    spec = books.federation.cycle
    cycle = cycle_containing(START, spec)
    i = 0
    results: list[closing.Close] = []
    while cycle.first_day < START + timedelta(days=365):
        with contextlib.suppress(UserError):  # nobody to charge this cycle
            fees.recalc(books, cycle)
        while i < len(ops) and ops[i][1] <= cycle.last_day:
            _apply(books, ops[i], ids)
            i += 1
        result, _, _ = closing.close(books, cycle, cycle.last_day + timedelta(days=1))
        _check_close(books, cycle, result, results[-1] if results else None)
        _check_documents(books, cycle, result)
        results.append(result)
        cycle = cycle.next()
    # the group's whole history: what came in equals what went out plus what is carried into the future
    assert sum(r.charged + r.assessed - r.written_off - r.expenses - r.refunded for r in results) == results[-1].carried_forward
    end = results[-1].cycle_obj(spec).last_day
    tb = ledger.trial_balance(books, end)
    assert sum(tb.values()) == 0
    paid = sum(ledger.sums_by_provider(books, ledger.PAYMENT).values())
    paid_out = sum(ledger.sums_by_provider(books, ledger.PAYOUT).values())
    forgiven = sum(ledger.sums_by_provider(books, ledger.WRITE_OFF).values())
    assert forgiven == sum(r.written_off for r in results)
    spent = sum(sum(e["amount"] for e in ledger.expenses_for(books, r.cycle_obj(spec))) for r in results)
    assert tb.get("cash", 0) == paid - paid_out - spent
    owed = sum(v for k, v in tb.items() if k.startswith("provider:"))
    charged = sum(r.charged + r.assessed - r.refunded for r in results)
    assert owed == charged - paid - forgiven + paid_out
    assert sum(ledger.provider_balances(books, end).values()) == owed


def _check_close(books: Books, cycle, result: closing.Close, previous: closing.Close | None) -> None:  # type: ignore[no-untyped-def]
    assert result.profit == 0
    assert result.brought_forward == (previous.carried_forward if previous else 0)
    assert result.refunded == (result.surplus if result.refunds else 0)
    assert all(v >= 0 for v in result.refunds.values()) and all(v >= 0 for v in result.assessments.values())
    full = [
        pid
        for pid, row in fees.weights(books, cycle).items()
        if all(w == 1 for w in row)  # charged every month of the cycle
    ]
    for split in (result.refunds, result.assessments):
        shares = [split[p] for p in full if p in split]
        if shares:
            assert max(shares) - min(shares) <= 1
    assert all(Month.of(cycle.first_day) <= m for m in cycle.months)


def _check_documents(books: Books, cycle, result: closing.Close) -> None:  # type: ignore[no-untyped-def]
    """Every statement and settlement letter of the closed cycle states the ledger's balance and the close's share."""
    issued = result.on
    try:
        documents = notices.statement_documents(books, cycle, issued)
    except UserError:
        return  # nobody was a member in the cycle
    balances = ledger.provider_balances(books, cycle.last_day)
    for d in documents:
        assert sum(i.amount for i in d.data.items) == d.figures["balance"] == balances.get(d.provider, 0)  # type: ignore[union-attr]
        assert d.figures["refund"] == result.refunds.get(d.provider, 0)
        assert d.figures["assessment"] == result.assessments.get(d.provider, 0)
