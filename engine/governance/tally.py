"""Counting votes: a decision rule, the frozen electorate and the ballots in, an outcome out.

Pure functions with no access to the books, so the same code decides a
proposal at close and recounts it in ``coop audit verify``. Every threshold
is an exact fraction and every "share of" is rounded up explicitly: a
quorum of 1/2 of 7 members is 4, two thirds of 7 is 5.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any, Literal

from engine.books.rules import DecisionRule

Choice = Literal["yes", "no", "abstain", "stand_aside", "block"]
CHOICES: tuple[Choice, ...] = ("yes", "no", "abstain", "stand_aside", "block")
CONSENSUS_ONLY = frozenset({"stand_aside", "block"})
Outcome = Literal["passed", "failed", "no_quorum"]


def ceil_share(share: Fraction, whole: int) -> int:
    """The smallest whole number of members that is at least ``share`` of ``whole``."""
    return -(-share.numerator * whole // share.denominator)


@dataclass(frozen=True)
class Counts:
    eligible: int
    yes: int = 0
    no: int = 0
    abstain: int = 0
    stand_aside: int = 0
    block: int = 0

    @property
    def participants(self) -> int:
        """Everyone who cast a ballot: abstentions and stand-asides make quorum too."""
        return self.yes + self.no + self.abstain + self.stand_aside + self.block

    @property
    def cast(self) -> int:
        """Votes that count toward a threshold: yes and no only."""
        return self.yes + self.no

    def as_json(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Tally:
    outcome: Outcome
    counts: Counts
    quorum_needed: int
    yes_needed: int | None
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "counts": self.counts.as_json(),
            "quorum_needed": self.quorum_needed,
            "yes_needed": self.yes_needed,
            "reason": self.reason,
        }


def count(eligible: int, choices: Iterable[str]) -> Counts:
    c = Counter(choices)
    unknown = set(c) - set(CHOICES)
    if unknown:
        raise ValueError(f"unknown choices {sorted(unknown)}")
    return Counts(eligible, c["yes"], c["no"], c["abstain"], c["stand_aside"], c["block"])


def quorum_needed(rule: DecisionRule, eligible: int) -> int:
    return ceil_share(rule.quorum, eligible)


def yes_needed(rule: DecisionRule, counts: Counts) -> int | None:
    """Yes votes needed to pass, or None under consensus (which is about objections, not numbers)."""
    base = counts.cast if rule.basis == "votes_cast" else counts.eligible
    if rule.method == "consensus":
        return None
    if rule.method == "unanimous":
        return max(base, 1)
    if rule.method == "majority":  # strictly more than the threshold share
        return rule.threshold.numerator * base // rule.threshold.denominator + 1
    return max(ceil_share(rule.threshold, base), 1)


def decide(rule: DecisionRule, counts: Counts) -> Tally:
    """The outcome under ``rule``; quorum failure is "no decision", never a rejection."""
    q = quorum_needed(rule, counts.eligible)
    needed = yes_needed(rule, counts)
    if counts.participants < q or counts.participants == 0:
        return Tally("no_quorum", counts, q, needed, f"no quorum: {counts.participants} of {counts.eligible} took part, {q} needed")
    if rule.method == "consensus":
        if counts.block:
            return Tally("failed", counts, q, None, f"blocked by {counts.block} member{'s' * (counts.block > 1)}")
        if counts.no:
            return Tally("failed", counts, q, None, f"no consensus: {counts.no} voted no")
        if not counts.yes:
            return Tally("failed", counts, q, None, "no consensus: nobody voted yes")
        return Tally("passed", counts, q, None, f"consensus: {counts.yes} yes, no objection")
    base = "votes cast" if rule.basis == "votes_cast" else "eligible members"
    of = counts.cast if rule.basis == "votes_cast" else counts.eligible
    assert needed is not None
    verdict: Outcome = "passed" if counts.yes >= needed else "failed"
    return Tally(verdict, counts, q, needed, f"{counts.yes} yes of {of} {base}; {needed} needed")


def evaluate(rule: DecisionRule, eligible: int, choices: Iterable[str]) -> Tally:
    return decide(rule, count(eligible, choices))


def certain(rule: DecisionRule, counts: Counts) -> Tally | None:
    """The outcome if no ballot still to come can change it, else None.

    Only members who have not voted are varied: a member who has voted may
    still change their ballot until close, which is exactly what closing
    early ends. Never certain under consensus: anyone absent may still
    object, and consensus is about hearing them.
    """
    if rule.method == "consensus":
        return None
    outstanding = counts.eligible - counts.participants
    now = decide(rule, counts)
    if outstanding <= 0:
        return now
    # Each outstanding member votes yes, no, abstains or stays away; only the totals matter. For a
    # given number of further yes votes, passing needs no more no votes than some bound (yes needed
    # never falls as votes cast rise) and quorum needs enough participants, so three completions
    # cover every outcome: no one else takes part (the fewest participants: no quorum if any can
    # be), the rest abstain (the most participants, the fewest no: passed if any can be), and the
    # rest vote no (the most participants, the most no: failed if any can be). One pass over the
    # yes totals, not every split of the outstanding members: 10,000 members are 30,000 counts.
    for y in range(outstanding + 1):
        rest = outstanding - y
        for n, a in ((0, 0), (0, rest), (rest, 0)):
            c = Counts(counts.eligible, counts.yes + y, counts.no + n, counts.abstain + a, counts.stand_aside, counts.block)
            if decide(rule, c).outcome != now.outcome:
                return None
    return now
