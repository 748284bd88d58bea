"""Internal capital accounts: a co-op's surplus held in each member's name.

In the flat-pay model the management entity's surplus for a year is
allocated to members' accounts in proportion to the hours each worked that
year (patronage), and a member who leaves is paid out their balance. Hours
are weighed in hundredths so the allocation stays integer and exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from engine.books.allocation import allocate


def hours_weight(hours: Decimal) -> int:
    """Hours as whole hundredths, the integer weight the allocation needs."""
    weight = hours * 100
    if weight != weight.to_integral_value() or weight < 0:
        raise ValueError(f"hours must be zero or more with at most two decimals, not {hours}")
    return int(weight)


def allocate_surplus(surplus: int, hours_by_member: Mapping[str, Decimal], year: int) -> dict[str, int]:
    """Each member's share of ``surplus`` cents by hours worked in ``year``."""
    weights = {m: hours_weight(h) for m, h in hours_by_member.items()}
    if sum(weights.values()) == 0:
        raise ValueError("no hours were worked, so there is nothing to weigh the surplus by")
    return allocate(surplus, weights, rotation=f"capital-{year}")


@dataclass(frozen=True)
class Movement:
    member: str
    amount: int
    """Positive: allocated to the account; negative: paid out of it."""
    why: str


def balances(movements: Iterable[Movement]) -> dict[str, int]:
    out: dict[str, int] = {}
    for m in movements:
        out[m.member] = out.get(m.member, 0) + m.amount
    return out
