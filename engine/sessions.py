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
"""

from __future__ import annotations

from fractions import Fraction

from engine.allocation import allocate


def split_session(fee: int, clinician_share: Fraction, session_id: str) -> tuple[int, int]:
    """``(clinician, co-op)`` cents for a session fee of ``fee`` cents."""
    parts = allocate(
        fee,
        {"clinician": clinician_share.numerator, "coop": clinician_share.denominator - clinician_share.numerator},
        rotation=f"session-{session_id}",
    )
    return parts["clinician"], parts["coop"]
