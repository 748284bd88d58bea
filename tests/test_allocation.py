"""The one split function: exact, fair to the cent, order-blind, rotating."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.books.allocation import allocate

weights_st = st.dictionaries(st.text("abcdefghij", min_size=1, max_size=4), st.integers(0, 1000), min_size=1, max_size=30).filter(
    lambda w: sum(w.values()) > 0
)
total_st = st.integers(-10_000_000, 10_000_000)


@given(total_st, weights_st, st.text(max_size=8))
def test_parts_sum_exactly_to_the_whole(total: int, weights: dict[str, int], rotation: str) -> None:
    assert sum(allocate(total, weights, rotation).values()) == total


@given(total_st, weights_st, st.text(max_size=8))
def test_each_part_is_within_one_cent_of_its_exact_share(total: int, weights: dict[str, int], rotation: str) -> None:
    w_sum = sum(weights.values())
    for key, part in allocate(total, weights, rotation).items():
        assert abs(Fraction(part) - Fraction(total * weights[key], w_sum)) < 1


@given(total_st, weights_st, st.text(max_size=8))
def test_zero_weight_gets_zero(total: int, weights: dict[str, int], rotation: str) -> None:
    parts = allocate(total, weights, rotation)
    assert all(parts[k] == 0 for k, w in weights.items() if w == 0)


@given(total_st, weights_st, st.text(max_size=8), st.randoms())
def test_independent_of_input_order(total: int, weights: dict[str, int], rotation: str, rnd) -> None:  # type: ignore[no-untyped-def]
    items = list(weights.items())
    rnd.shuffle(items)
    assert allocate(total, dict(items), rotation) == allocate(total, weights, rotation)


@given(st.integers(0, 10_000_000), st.lists(st.text("xyz", min_size=1, max_size=5), min_size=2, max_size=20, unique=True))
def test_equal_weights_differ_by_at_most_one_cent(total: int, keys: list[str]) -> None:
    parts = allocate(total, dict.fromkeys(keys, 1), "2027-01").values()
    assert max(parts) - min(parts) <= 1


def test_hand_computed_split() -> None:
    # $100.00 over three equal members: 33.33 each and one leftover cent.
    parts = allocate(10000, {"ana": 1, "ben": 1, "cal": 1}, "2027-01")
    assert sorted(parts.values()) == [3333, 3333, 3334]
    # 70/30 of a $120 session is $84/$36 exactly.
    assert allocate(12000, {"clinician": 70, "coop": 30}, "s1") == {"clinician": 8400, "coop": 3600}
    # A deficit of $10.00 over months worked 6:3 is -6.67/-3.33.
    assert allocate(-1000, {"full": 6, "part": 3}, "2027-07") == {"full": -667, "part": -333}


def test_leftover_cent_rotates_with_the_cycle() -> None:
    """Over many cycles the odd cent does not always land on the same member."""
    winners = set()
    for year in range(2027, 2037):
        for half in ("01", "07"):
            parts = allocate(100, {"ana": 1, "ben": 1, "cal": 1}, f"{year}-{half}")
            winners.add(max(parts, key=lambda k: parts[k]))
    assert winners == {"ana", "ben", "cal"}


def test_rejects_negative_weights_and_empty_weight() -> None:
    with pytest.raises(ValueError):
        allocate(100, {"a": -1, "b": 2}, "r")
    with pytest.raises(ValueError):
        allocate(100, {"a": 0}, "r")
    assert allocate(0, {"a": 0}, "r") == {"a": 0}
