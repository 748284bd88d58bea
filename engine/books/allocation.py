"""The one way money is split.

Every split in the product (refunds, assessments, a preset's percentages)
goes through :func:`allocate`, a largest-remainder allocation over integer
weights, so that:

* the parts sum exactly to the whole: no cent is created or lost;
* each part is within one cent of its exact share ``total * w / sum(w)``;
* a zero weight receives exactly zero;
* the result does not depend on the order the recipients are listed in.

Who receives a leftover cent when fractional remainders tie is decided by a
rotation: recipients are ordered by ``sha256(rotation + ":" + key)``. Keyed to
the cycle (or session, or quarter), the odd cent moves between members from
one split to the next instead of always going to the same person or to
whoever is listed first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping


def rotation_order(key: str, rotation: str) -> bytes:
    """The tie-break rank of ``key`` under ``rotation`` (smaller wins the cent)."""
    return hashlib.sha256(f"{rotation}:{key}".encode()).digest()


def allocate(total: int, weights: Mapping[str, int], rotation: str) -> dict[str, int]:
    """Split ``total`` cents over ``weights`` by largest remainder.

    A negative total (a deficit being assessed) is split as its magnitude
    and the parts negated, so rounding treats debts and credits alike.
    """
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must be zero or more")
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        if total != 0:
            raise ValueError("cannot split a non-zero amount over zero weight")
        return {k: 0 for k in weights}
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    parts: dict[str, int] = {}
    remainders: list[tuple[int, bytes, str]] = []
    for key, weight in weights.items():
        whole, rem = divmod(magnitude * weight, weight_sum)
        parts[key] = whole
        if rem:
            remainders.append((-rem, rotation_order(key, rotation), key))
    leftover = magnitude - sum(parts.values())
    remainders.sort()
    for _, _, key in remainders[:leftover]:
        parts[key] += 1
    return {k: sign * v for k, v in parts.items()}
