"""Proposals: what members are asked to decide, and where each one stands.

A proposal is a ``proposal.opened`` journal entry; its id is a running
number (``P-3`` is the third proposal ever opened), short enough to type. Everything after it (the frozen electorate, ballots,
comments, the result, the effect) is a later entry that refers to it, so a
proposal's state is always derived from the record, never stored beside it.

The opening entry carries a snapshot of the decision rule in force that day,
so a proposal is decided under the rules it was opened under, even if a
rule change passes while it is open (and a rule change can never lower the
threshold that decides itself).

Matter kinds are data: each has a pydantic model of its own fields here and
an effect in :mod:`engine.outcomes`; adding a kind adds one entry to each.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from engine.books import clock
from engine.books.config import Identifier, Provider, Text
from engine.books.folder import Books
from engine.books.journal import Entry, Writer, canonical
from engine.books.roster import active, memberships
from engine.books.rules import DecisionRule, Matter
from engine.errors import UserError
from engine.models.registry import of as model_of

OPENED = "proposal.opened"
VOTING_OPENED = "proposal.voting_opened"
COMMENT = "proposal.comment"
RESULT = "proposal.result"
EFFECT = "proposal.effect"
STATEMENT = "proposal.statement"
BALLOT = "ballot.cast"
RULE_SET = "governance.rule_set"
RULES_RECORDED = "governance.rules_recorded"
ADMINISTRATOR = "administrator"


# --- each kind's own fields ---------------------------------------------------------


class Fields(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def subject(self) -> str | None:
        """The member this proposal concerns (recused under a 'subject' rule)."""
        return None


class OnboardingFields(Fields):
    provider: Provider


class TerminationFields(Fields):
    provider: Identifier
    last_day: date
    grounds: Literal["refusal", "manual_failure"] = Field(description="refusal to follow the manual, or excessive failure to")
    statement: Text = Field(description="the written grounds the provider is given notice of")

    def subject(self) -> str | None:
        return self.provider


class BudgetFields(Fields):
    """Admin staffing, admin pay and budget changes: a new dated version of one budget line."""

    line: Identifier
    effective: date
    changes: dict[str, Any]


class ManualFields(Fields):
    summary: Text
    changes: dict[Identifier, Text] = Field(min_length=1, description="section id -> the section's new Markdown")
    effective: date | None = None


class EndParentFields(Fields):
    successor: Text = Field(description="who administers the shared accounts after the parent")
    effective: date


class RuleChangeFields(Fields):
    matter: Matter
    changes: dict[str, Any] = Field(min_length=1)
    effective: date | None = None

    @field_validator("changes")
    @classmethod
    def _known_fields(cls, changes: dict[str, Any]) -> dict[str, Any]:
        unknown = set(changes) - set(DecisionRule.model_fields)
        if unknown:
            raise ValueError(f"unknown rule fields {', '.join(sorted(unknown))} (known: {', '.join(DecisionRule.model_fields)})")
        return changes


class GeneralFields(Fields):
    text: Text


class ParameterFields(Fields):
    """A new value for one of the model's dated parameters, from a date."""

    name: Identifier
    value: Text = Field(description="as it would be written in federation.yaml, e.g. 45.50 or 3/4")
    effective: date


class DecisionFields(Fields):
    """A decision the engine records but does not carry out itself (software, supervisor, a low rate...).

    ``member`` names the member it concerns, if any (recused where the rule says so);
    ``amount`` is what it commits, if anything.
    """

    text: Text
    member: Identifier | None = None
    amount: Annotated[int, Field(ge=0)] | None = Field(default=None, description="cents")
    vendor: Text | None = Field(default=None, description="who is contracted (software, supervisor)")

    def subject(self) -> str | None:
        return self.member


# --- a very low client rate, approved by the collective --------------------------------


class LowRateFields(Fields):
    """Seeing a client at a very low rate: which client (a reference, never a name), who sees them, at what rate."""

    client: Text = Field(description="the client's reference in the clinical records, not their name")
    member: Identifier = Field(description="the clinician who sees the client")
    rate: Annotated[int, Field(gt=0)] = Field(description="cents per session")
    text: Text = Field(description="why: what the client can pay, and for how long")

    def subject(self) -> str | None:
        return self.member


FIELDS: dict[Matter, type[Fields]] = {
    Matter.onboarding: OnboardingFields,
    Matter.termination: TerminationFields,
    Matter.admin_staffing: BudgetFields,
    Matter.admin_pay: BudgetFields,
    Matter.budget_change: BudgetFields,
    Matter.manual_amendment: ManualFields,
    Matter.end_parent: EndParentFields,
    Matter.rule_change: RuleChangeFields,
    Matter.general: GeneralFields,
    Matter.parameter_change: ParameterFields,
    Matter.membership: DecisionFields,
    Matter.rent_cover: DecisionFields,
    Matter.low_rate: LowRateFields,
    Matter.software: DecisionFields,
    Matter.supervisor: DecisionFields,
    Matter.surplus_use: DecisionFields,
}


def parse_fields(matter: Matter, data: dict[str, Any]) -> Fields:
    try:
        return FIELDS[matter].model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = [str(p) for p in err["loc"] if p not in ("provider",) or len(err["loc"]) == 1]
        raise UserError(err["msg"].removeprefix("Value error, "), field="--" + "-".join(loc).replace("_", "-") if loc else None) from None


# --- rules in force -------------------------------------------------------------------


def _rules_json(rules: dict[Matter, DecisionRule]) -> dict[str, Any]:
    return {m.value: r.model_dump(mode="json") for m, r in sorted(rules.items())}


def recorded_rules(books: Books) -> Entry | None:
    """The founding decision rules as copied into the journal when the first proposal opened."""
    found = books.journal.entries([RULES_RECORDED])
    return found[0] if found else None


def check_rules_unchanged(books: Books) -> None:
    """Refuse to govern under decision rules edited in federation.yaml after they were recorded.

    Resealing the file (``coop audit seal``) accepts other edits on the
    record, but a decision rule changes only by a rule-change vote.
    """
    rec = recorded_rules(books)
    if rec is None:
        return
    now = _rules_json(books.federation.decision_rules)
    changed = sorted(m for m in set(now) | set(rec.data["rules"]) if now.get(m) != rec.data["rules"].get(m))
    if changed:
        raise UserError(
            f"the decision rules for {', '.join(changed)} in federation.yaml differ from those recorded at entry {rec.seq}; "
            "restore them: rules change only by 'coop propose rule-change'",
            file=books.config_path,
            field="decision_rules",
        )


def rules_in_force(books: Books, on: date) -> dict[Matter, DecisionRule]:
    """The founding rules, overlaid by every rule change adopted by vote up to ``on``."""
    rec = recorded_rules(books)
    if rec is None:
        rules = dict(books.federation.decision_rules)
    else:
        rules = {Matter(m): DecisionRule.model_validate(r) for m, r in rec.data["rules"].items()}
    changes = sorted(books.journal.entries([RULE_SET], until=on), key=lambda e: (e.on, e.seq))
    for e in changes:
        rules[Matter(e.data["matter"])] = DecisionRule.model_validate(e.data["rule"])
    return rules


# --- a proposal's state, derived from the journal ------------------------------------


@dataclass(frozen=True)
class Ballot:
    entry: Entry
    member: str
    choice: str
    reason: str
    phase: Literal["voting", "ratification"]
    proxy: int | None = None
    """The proxy (its ``proxy.given`` entry) this ballot was cast under, by another member; None: the member's own."""
    cast_by: str | None = None
    """Who cast it: the member, or the holder of their proxy."""
    pseudonymous: bool = False
    """A secret ballot naming no member: ``member`` is the voter's pseudonym (engine.governance.pseudonyms)."""

    @property
    def receipt(self) -> str:
        return self.entry.hash


@dataclass
class Proposal:
    opened: Entry
    number: int
    matter: Matter
    title: str
    fields: Fields
    rule: DecisionRule
    proposer: str
    voting_opens: date
    deadline: date
    reading: int
    first_reading: int | None
    eligible: tuple[str, ...] | None = None
    recused: dict[str, str] = field(default_factory=dict)
    frozen: Entry | None = None
    ballot_rows: list[Any] = field(default_factory=list, repr=False)
    """The ballots' journal rows, as read with the rest: made into :class:`Ballot` only when someone reads them."""
    comments: list[Entry] = field(default_factory=list)
    statements: list[Entry] = field(default_factory=list)
    results: list[Entry] = field(default_factory=list)
    effect: Entry | None = None

    @property
    def id(self) -> int:
        """The opening entry's journal number; every later entry refers to it."""
        return self.opened.seq

    @property
    def label(self) -> str:
        return f"P-{self.number}"

    @property
    def pseudonymous(self) -> bool:
        """Its ballots name pseudonyms, not members (a secret proposal opened with a ballot key)."""
        from engine.governance.pseudonyms import pseudonymous

        return pseudonymous(self.opened)

    @property
    def opened_on(self) -> date:
        return self.opened.date

    @property
    def result(self) -> Entry | None:
        return self.results[-1] if self.results else None

    @property
    def final(self) -> Entry | None:
        r = self.result
        return r if r is not None and r.data["stage"] == "final" else None

    @cached_property
    def ballots(self) -> list[Ballot]:
        """Every ballot, oldest first, superseded ones included."""
        return [_ballot(Entry(*row)) for row in self.ballot_rows]

    def current_ballot(self, voter: str, phase: str = "voting") -> Ballot | None:
        """``voter``'s latest ballot in ``phase``, without making every member's.

        A ballot being cast needs only its voter's previous one; reading all
        10,000 for each of 10,000 ballots would make a vote cost the square of
        the roster. The journal's writer spells every string one way
        (:func:`canonical`), so a row without that spelling holds no ballot of theirs.
        """
        if "ballots" in self.__dict__:
            return self.current_ballots(phase).get(voter)
        needle = canonical(voter)
        mine = [b for row in self.ballot_rows if needle in row[4] for b in (_ballot(Entry(*row)),) if b.member == voter]
        return next((b for b in reversed(mine) if b.phase == phase), None)

    def current_ballots(self, phase: str = "voting", before: int | None = None) -> dict[str, Ballot]:
        """Each member's latest ballot (earlier ones stay in the record, superseded)."""
        out: dict[str, Ballot] = {}
        for b in self.ballots:
            if b.phase == phase and (before is None or b.entry.seq < before):
                out[b.member] = b
        return out

    def status(self, on: date) -> str:
        r = self.result
        if r is not None:
            if r.data["stage"] == "provisional":
                return "provisional"
            outcome = str(r.data["outcome"])
            if outcome == "passed" and self.effect is not None and not self.effect.data["applied"]:
                return "passed, not applied"
            if outcome == "passed" and r.data.get("awaiting_second_reading"):
                return "passed first reading"
            return outcome.replace("_", " ")
        if on < self.voting_opens:
            return "notice"
        return "voting" if on <= self.deadline else "voting ended"


def parse_id(text: str) -> int:
    m = re.fullmatch(r"(?i)p-?(\d{1,18})|(\d{1,18})", text.strip())  # past 18 digits SQLite cannot hold it
    if not m:
        raise UserError(f"'{text}' is not a proposal id", field="PROPOSAL", expected="an id such as P-12")
    return int(m.group(1) or m.group(2))


def opening(books: Books, pid: int | str) -> Entry:
    """The entry that opened proposal ``P-n`` (or number ``n``); a clear error if there is none."""
    number = parse_id(pid) if isinstance(pid, str) else pid
    row = books.journal.conn.execute(
        "SELECT seq FROM entries WHERE kind = ? AND json_extract(data, '$.number') = ?", (OPENED, number)
    ).fetchone()
    opened = books.journal.entry(row[0]) if row else None
    if opened is None or opened.seq in books.journal.voided():
        raise UserError(f"no proposal P-{number}", field="PROPOSAL", expected="an id from 'coop proposal list'")
    return opened


def load(books: Books, pid: int | str) -> Proposal:
    """Proposal ``P-n`` (or number ``n``)."""
    opened = opening(books, pid)
    return _build(opened, books.journal.conn.execute(_REFS, (opened.seq,)).fetchall())


_REFS = "SELECT seq, kind, on_date, recorded_at, data, ref, prev_hash, hash FROM entries WHERE ref = ? ORDER BY seq"


def _build(opened: Entry, rows: list[Any]) -> Proposal:
    d = opened.data
    matter = Matter(d["matter"])
    p = Proposal(
        opened=opened,
        number=d["number"],
        matter=matter,
        title=d["title"],
        fields=FIELDS[matter].model_validate(d["fields"]),
        rule=DecisionRule.model_validate(d["rule"]),
        proposer=d["proposer"],
        voting_opens=date.fromisoformat(d["voting_opens"]),
        deadline=date.fromisoformat(d["deadline"]),
        reading=d["reading"],
        first_reading=d.get("first_reading"),
    )
    for row in rows:
        if row[1] == BALLOT:  # read when someone asks (Proposal.ballots)
            p.ballot_rows.append(row)
            continue
        e = Entry(*row)
        data = e.data
        if e.kind == VOTING_OPENED:
            p.frozen, p.eligible, p.recused = e, tuple(data["eligible"]), dict(data["recused"])
        elif e.kind == COMMENT:
            p.comments.append(e)
        elif e.kind == STATEMENT:
            p.statements.append(e)
        elif e.kind == RESULT:
            p.results.append(e)
        elif e.kind == EFFECT:
            p.effect = e
    return p


def _ballot(e: Entry) -> Ballot:
    data = e.data
    voter, named = (data["member"], True) if "member" in data else (data["pseudonym"], False)
    return Ballot(e, voter, data["choice"], data.get("reason", ""), data["phase"], data.get("proxy"), data.get("cast_by"), not named)


def all_proposals(books: Books) -> list[Proposal]:
    voided = books.journal.voided()
    rows = books.journal.conn.execute(
        "SELECT r.seq, r.kind, r.on_date, r.recorded_at, r.data, r.ref, r.prev_hash, r.hash FROM entries r "
        "JOIN entries o ON o.seq = r.ref AND o.kind = ? ORDER BY r.seq",
        (OPENED,),
    ).fetchall()
    by_ref: dict[int, list[Any]] = {}
    for row in rows:
        by_ref.setdefault(row[5], []).append(row)
    return [_build(e, by_ref.get(e.seq, [])) for e in books.journal.entries([OPENED]) if e.seq not in voided]


# --- opening ---------------------------------------------------------------------------


def electorate(books: Books, p: Proposal) -> tuple[list[str], dict[str, str]]:
    """Who may vote: the active roster on the day voting opens, minus the recused (each with a reason)."""
    recused: dict[str, str] = {}
    subject = p.fields.subject()
    for who in p.rule.recuse:
        if who == "subject" and subject:
            recused[subject] = f"the provider this {p.matter.value.replace('_', ' ')} concerns; may comment but not vote"
        principal = books.federation.parent.principal_id if books.federation.parent else None
        if who == "principal" and principal:
            recused[principal] = "principal of the parent practice, which this decision concerns"
    members = sorted(m.id for m in active(books, p.voting_opens))
    # A co-op model may hold some members back from voting (in probation, say), each with its reason.
    waiting = model_of(books).call("non_voters", books, p.voting_opens) or {}
    recused.update({m: why for m, why in waiting.items() if m not in recused})
    return [m for m in members if m not in recused], {k: v for k, v in recused.items() if k in members}


def deciding(books: Books, p: Proposal) -> tuple[list[str], dict[str, str]]:
    """Who decides ``p``: the electorate frozen when voting opened, else who would if it opened on its date (with the recused)."""
    return (list(p.eligible), dict(p.recused)) if p.eligible is not None else electorate(books, p)


def seal(p: Proposal, eligible: list[str] | tuple[str, ...], recused: dict[str, str]) -> str:
    """The hash of what a vote is about and who decides it: the rule, the proposal's text and fields, the electorate.

    Recorded when voting opens and recomputed at close (as Apache STeVe seals
    an election), so a rule, a text or an electorate changed afterwards is
    caught instead of counted.
    """
    body = {
        "rule": p.opened.data["rule"],
        "title": p.title,
        "matter": p.matter.value,
        "fields": p.opened.data["fields"],
        "eligible": sorted(eligible),
        "recused": dict(sorted(recused.items())),
    }
    return hashlib.sha256(canonical(body).encode()).hexdigest()


def check_seal(p: Proposal) -> str | None:
    """Why the sealed vote no longer matches what is recorded, or None (books from before seals have none)."""
    if p.frozen is None or "seal" not in p.frozen.data:
        return None
    if seal(p, p.frozen.data["eligible"], p.frozen.data["recused"]) != p.frozen.data["seal"]:
        return f"{p.label}: the rule, text or electorate no longer matches the seal recorded when voting opened (entry {p.frozen.seq})"
    return None


def freeze(w: Writer, books: Books, p: Proposal) -> None:
    """Record the electorate once voting has opened; later roster changes cannot alter it."""
    if p.frozen is not None:
        return
    eligible, recused = electorate(books, p)
    data = {"eligible": eligible, "recused": recused, "seal": seal(p, eligible, recused)}
    p.frozen = w.append(VOTING_OPENED, p.voting_opens, data, ref=p.id)
    p.eligible, p.recused = tuple(eligible), recused


def open_proposal(
    books: Books,
    matter: Matter,
    data: dict[str, Any],
    *,
    title: str,
    proposer: str = ADMINISTRATOR,
    deadline: date | None = None,
    first_reading: int | None = None,
) -> Proposal:
    """Open a proposal today under the rule in force today."""
    from engine.governance.outcomes import check
    from engine.governance.pseudonyms import KEY_FIELD, new_key

    today = clock.today()
    fields = parse_fields(matter, data)
    if not title.strip():
        raise UserError("a proposal needs a title", field="--title")
    with books.transaction() as w:
        check_rules_unchanged(books)
        if recorded_rules(books) is None:
            data = {"rules": _rules_json(books.federation.decision_rules), "source": "federation.yaml"}
            w.append(RULES_RECORDED, books.federation.founded, data)
        in_force = rules_in_force(books, today)
        if matter not in in_force:
            raise UserError(
                f"'{matter.value}' is not a matter for the {books.federation.model} model",
                field="KIND",
                expected=", ".join(m.value for m in in_force),
            )
        rule = in_force[matter]
        reading = 1
        earliest = today + timedelta(days=rule.notice_days + rule.response_days)
        number = books.journal.conn.execute("SELECT COUNT(*) FROM entries WHERE kind = ?", (OPENED,)).fetchone()[0] + 1
        if first_reading is not None:
            first = load(books, first_reading)
            rule, reading = first.rule, 2
            earliest = max(today, first.final.date + timedelta(days=rule.cooling_off_days)) if first.final else today
        check(books, matter, fields, today)
        voting_days = rule.voting_days
        end = deadline or earliest + timedelta(days=voting_days - 1)
        if end < earliest:
            raise UserError(f"the deadline {end} is before voting opens on {earliest}", field="--deadline")
        if subject := fields.subject():
            m = memberships(books, date.max).get(subject)
            if m is None:
                raise UserError(f"unknown provider '{subject}'", field="PROVIDER")
        entry = w.append(
            OPENED,
            today,
            {
                "number": number,
                "matter": matter.value,
                "title": title.strip(),
                "fields": fields.model_dump(mode="json", by_alias=True),
                "rule": rule.model_dump(mode="json"),
                "proposer": proposer,
                "voting_opens": earliest.isoformat(),
                "deadline": end.isoformat(),
                "reading": reading,
                "first_reading": first_reading,
                **({KEY_FIELD: new_key(books, f"P-{number}")} if rule.secret else {}),
            },
        )
        p = _build(entry, [])
        if p.voting_opens <= today:
            freeze(w, books, p)
    return p


def open_second_reading(books: Books, pid: int | str, proposer: str = ADMINISTRATOR, deadline: date | None = None) -> Proposal:
    first = load(books, pid)
    if not first.rule.second_reading:
        raise UserError(f"{first.label} needs no second reading", field="PROPOSAL")
    if first.reading != 1 or first.final is None or not first.final.data.get("awaiting_second_reading"):
        raise UserError(f"{first.label} has not passed a first reading", field="PROPOSAL")
    for other in all_proposals(books):
        if other.first_reading == first.number:
            raise UserError(f"{first.label} already has its second reading, {other.label}", field="PROPOSAL")
    return open_proposal(
        books,
        first.matter,
        first.fields.model_dump(mode="json", by_alias=True),
        title=f"{first.title} (second reading)",
        proposer=proposer,
        deadline=deadline,
        first_reading=first.number,
    )


def comment(books: Books, pid: str, member: str, text: str) -> Entry:
    """A member's comment, including a recused member's (the subject of a termination responds here)."""
    if not text.strip():
        raise UserError("a comment needs text", field="TEXT")
    with books.transaction() as w:
        p = load(books, pid)
        if member not in {m.id for m in active(books, clock.today())}:
            raise UserError(f"{member} is not an active member", field="--member")
        if p.final is not None:
            raise UserError(f"{p.label} is closed", field="PROPOSAL")
        return w.append(COMMENT, clock.today(), {"member": member, "text": text.strip()}, ref=p.id)
