"""The tally as a pure function: hand-counted cases and properties."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from engine.books.rules import DecisionRule, Matter
from engine.governance.tally import Counts, Tally, ceil_share, certain, decide, evaluate, quorum_needed
from engine.models.federation.rules import RULES as DEFAULT_RULES

MAJORITY = DEFAULT_RULES[Matter.onboarding]
TWO_THIRDS_CAST = DEFAULT_RULES[Matter.manual_amendment]
TWO_THIRDS_ELIGIBLE = DEFAULT_RULES[Matter.termination]
CONSENSUS = DEFAULT_RULES[Matter.general]


def test_shares_round_up() -> None:
    assert ceil_share(Fraction(1, 2), 7) == 4
    assert ceil_share(Fraction(2, 3), 7) == 5
    assert ceil_share(Fraction(2, 3), 6) == 4
    assert ceil_share(Fraction(2, 3), 9) == 6
    assert quorum_needed(MAJORITY, 6) == 3


def test_majority_means_more_than_half_of_votes_cast() -> None:
    assert evaluate(MAJORITY, 6, ["yes", "yes", "no", "no"]).outcome == "failed"  # 2 of 4 is not more than half
    t = evaluate(MAJORITY, 6, ["yes", "yes", "yes", "no"])
    assert (t.outcome, t.yes_needed) == ("passed", 3)


def test_abstentions_make_quorum_but_not_the_threshold() -> None:
    # 6 eligible, quorum 3: one yes and two abstentions reach quorum, and 1 of 1 vote cast is yes.
    t = evaluate(MAJORITY, 6, ["yes", "abstain", "abstain"])
    assert t.outcome == "passed"
    assert t.counts.participants == 3 and t.counts.cast == 1
    # Without the abstentions there is no quorum: no decision, not a rejection.
    assert evaluate(MAJORITY, 6, ["yes"]).outcome == "no_quorum"


def test_two_thirds_of_votes_cast_and_of_eligible() -> None:
    assert evaluate(TWO_THIRDS_CAST, 7, ["yes"] * 4 + ["no"] * 2).outcome == "passed"  # 4 >= ceil(2/3*6)=4
    assert evaluate(TWO_THIRDS_CAST, 7, ["yes"] * 3 + ["no"] * 2).outcome == "failed"  # 3 < ceil(10/3)=4
    # Against all 7 eligible, 4 yes of 4 voting is not enough: 5 needed.
    t = evaluate(TWO_THIRDS_ELIGIBLE, 7, ["yes"] * 4)
    assert (t.outcome, t.yes_needed) == ("failed", 5)
    assert evaluate(TWO_THIRDS_ELIGIBLE, 7, ["yes"] * 5).outcome == "passed"


def test_consensus_block_and_stand_aside() -> None:
    assert evaluate(CONSENSUS, 6, ["yes", "yes", "stand_aside"]).outcome == "passed"
    blocked = evaluate(CONSENSUS, 6, ["yes", "yes", "yes", "yes", "yes", "block"])
    assert blocked.outcome == "failed" and "blocked" in blocked.reason
    assert evaluate(CONSENSUS, 6, ["yes", "yes", "no"]).outcome == "failed"
    assert evaluate(CONSENSUS, 6, ["stand_aside", "abstain", "stand_aside"]).outcome == "failed"  # nobody said yes
    assert evaluate(CONSENSUS, 6, ["yes", "yes"]).outcome == "no_quorum"


def test_unanimous() -> None:
    rule = DecisionRule(method="unanimous", basis="eligible")
    assert evaluate(rule, 3, ["yes", "yes", "abstain"]).outcome == "failed"
    assert evaluate(rule, 3, ["yes", "yes", "yes"]).outcome == "passed"
    cast = DecisionRule(method="unanimous", basis="votes_cast")
    assert evaluate(cast, 3, ["yes", "yes", "abstain"]).outcome == "passed"


def test_certainty() -> None:
    # 4 yes, 1 no, one member still to vote: even a no leaves 4 of 6, more than half.
    assert certain(MAJORITY, Counts(6, yes=4, no=1)) is not None
    # 3 yes, 2 no: a no from the last member ties it at 3-3, which fails.
    assert certain(MAJORITY, Counts(6, yes=3, no=2)) is None
    # Not yet at quorum and not decided: uncertain.
    assert certain(MAJORITY, Counts(6, yes=1)) is None
    # Consensus never closes early, even when everyone has voted yes.
    assert certain(CONSENSUS, Counts(6, yes=6)) is None


RULES = [MAJORITY, TWO_THIRDS_CAST, TWO_THIRDS_ELIGIBLE, DecisionRule(method="unanimous", basis="eligible")]


@given(
    rule=st.sampled_from(RULES),
    eligible=st.integers(1, 9),
    data=st.data(),
)
def test_a_certain_outcome_survives_every_remaining_ballot(rule: DecisionRule, eligible: int, data: st.DataObject) -> None:
    voted = data.draw(st.lists(st.sampled_from(["yes", "no", "abstain"]), max_size=eligible))
    rest = data.draw(
        st.lists(st.sampled_from(["yes", "no", "abstain", None]), min_size=eligible - len(voted), max_size=eligible - len(voted))
    )
    now = evaluate(rule, eligible, voted)
    sure = certain(rule, now.counts)
    final = evaluate(rule, eligible, voted + [c for c in rest if c is not None])
    if sure is not None:
        assert final.outcome == sure.outcome
    if len(voted) == eligible:
        assert sure is not None and sure.outcome == now.outcome


@given(st.lists(st.sampled_from(["yes", "no", "abstain"]), min_size=0, max_size=12), st.integers(0, 12))
def test_quorum_failure_is_never_a_rejection(choices: list[str], extra: int) -> None:
    eligible = len(choices) + extra
    t = decide(MAJORITY, Counts(eligible, choices.count("yes"), choices.count("no"), choices.count("abstain")))
    if len(choices) < quorum_needed(MAJORITY, eligible) or not choices:
        assert t.outcome == "no_quorum"
    else:
        assert t.outcome in ("passed", "failed")


def test_rules_describe_themselves_from_their_fields() -> None:
    assert TWO_THIRDS_ELIGIBLE.describe().startswith("supermajority: at least 2/3 of all eligible members must be yes (rounded up)")
    assert "voting opens after 14 days' notice and a 14-day response period" in TWO_THIRDS_ELIGIBLE.describe()
    assert "voting opens after 14 days' notice;" in DEFAULT_RULES[Matter.rule_change].describe()
    assert MAJORITY.describe().startswith("majority: more than 1/2 of the votes cast (yes and no) must be yes")


def _every_completion(rule: DecisionRule, counts: Counts) -> Tally | None:
    """The definition ``certain`` stands for: every way each outstanding member may vote or stay away."""
    now = decide(rule, counts)
    out = counts.eligible - counts.participants
    for y in range(out + 1):
        for n in range(out + 1 - y):
            for a in range(out + 1 - y - n):
                c = Counts(counts.eligible, counts.yes + y, counts.no + n, counts.abstain + a, counts.stand_aside, counts.block)
                if decide(rule, c).outcome != now.outcome:
                    return None
    return now


@given(
    rule=st.sampled_from([*RULES, DecisionRule(method="unanimous", basis="votes_cast"), DEFAULT_RULES[Matter.rule_change]]),
    eligible=st.integers(1, 14),
    data=st.data(),
)
def test_certainty_agrees_with_trying_every_completion(rule: DecisionRule, eligible: int, data: st.DataObject) -> None:
    voted = data.draw(st.lists(st.sampled_from(["yes", "no", "abstain"]), max_size=eligible))
    counts = evaluate(rule, eligible, voted).counts
    assert certain(rule, counts) == _every_completion(rule, counts)


def test_certainty_at_ten_thousand_members_is_one_pass() -> None:
    # Two thirds of all 10,000 said yes: decided whatever the other 3,333 do, found without trying every split of them.
    counts = Counts(10_000, yes=6_667)
    sure = certain(TWO_THIRDS_ELIGIBLE, counts)
    assert sure is not None and sure.outcome == "passed"
    assert certain(TWO_THIRDS_ELIGIBLE, Counts(10_000, yes=6_666)) is None
