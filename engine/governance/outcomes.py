"""What a passed proposal changes, applied in the transaction that records the result.

Each kind checks everything it needs before it writes anything, so an
effect is applied whole or not at all: one that cannot apply (the provider
already left, the budget line is gone) leaves the proposal "passed, not
applied" with the reason. Roster and budget changes go through the same
writer-level functions the admin's own commands use (``roster.apply_join``,
``roster.apply_leave``, ``budget.apply_line``), so whatever those set off
(fee re-evaluation) happens the same way after a vote.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError

from engine.books import budget, holder, roster
from engine.books.config import BudgetLine
from engine.books.folder import Books
from engine.books.journal import Writer
from engine.books.money import cents_to_decimal_text
from engine.books.parameters import PARAMETER_SET, parse_value
from engine.books.rules import DecisionRule, Matter
from engine.errors import UserError
from engine.governance import versions as manual_versions
from engine.governance.proposals import (
    RULE_SET,
    BudgetFields,
    DecisionFields,
    EndParentFields,
    Fields,
    LowRateFields,
    ManualFields,
    OnboardingFields,
    ParameterFields,
    Proposal,
    RuleChangeFields,
    TerminationFields,
    rules_in_force,
)
from engine.models.registry import of as model_of

SETTLEMENT_OPENED = "settlement.opened"
SUCCESSOR_NAMED = holder.SUCCESSOR_NAMED
LOW_RATE_APPROVED = "low_rate.approved"


class NotApplicable(Exception):
    """A passed proposal whose effect can no longer apply; the reason is recorded."""


def _refuse(message: str, opening: bool, field: str | None = None) -> Exception:
    return UserError(message, field=field) if opening else NotApplicable(message)


# --- checks: at opening (as UserError) and again at decision (as NotApplicable) --------


def _check_onboarding(books: Books, f: OnboardingFields, on: date, opening: bool) -> None:
    p = f.provider
    if p.id in roster.memberships(books, date.max):
        raise _refuse(f"provider id '{p.id}' is already taken", opening, "--id")
    if p.start < books.federation.founded:
        raise _refuse(f"start {p.start} is before the founding date {books.federation.founded}", opening, "--start")


def _check_termination(books: Books, f: TerminationFields, on: date, opening: bool) -> None:
    try:
        roster.check_can_leave(books, f.provider, f.last_day, field="--last-day")
    except UserError as exc:
        raise _refuse(exc.message, opening, exc.field) from None  # PROVIDER for who, --last-day for when
    if not opening and f.last_day < on:
        raise NotApplicable(f"the stated last day {f.last_day} is before the decision on {on}")


def budget_line(books: Books, matter: Matter, f: BudgetFields, opening: bool) -> BudgetLine:
    """The new version of the line, built the way ``coop budget set`` builds one."""
    try:
        line = budget.next_version(books, f.line, f.effective, dict(f.changes))
    except UserError as exc:
        raise _refuse(exc.message, opening, exc.field) from None
    if matter in (Matter.admin_staffing, Matter.admin_pay) and line.category not in ("admin_staff", "admin_pay"):
        raise _refuse(f"line '{f.line}' is {line.category}, not admin staff or pay; propose a budget change instead", opening, "LINE")
    return line


def new_rule(books: Books, f: RuleChangeFields, on: date, opening: bool) -> DecisionRule:
    current = rules_in_force(books, on)[f.matter]
    try:
        return DecisionRule.model_validate({**current.model_dump(mode="json"), **f.changes})
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        raise _refuse(err["msg"].removeprefix("Value error, "), opening, "--set") from None


def check(books: Books, matter: Matter, fields: Fields, on: date) -> None:
    """Refuse at opening a proposal whose effect could not apply today."""
    _checks(books, matter, fields, on, opening=True)


def _checks(books: Books, matter: Matter, fields: Fields, on: date, opening: bool) -> Any:
    try:  # a matter the co-op model decides its own way (membership, say) is checked by the model
        model_of(books).call("check_effect", books, matter, fields, on)
    except UserError as exc:
        raise _refuse(exc.message, opening, exc.field) from None
    if isinstance(fields, OnboardingFields):
        _check_onboarding(books, fields, on, opening)
    elif isinstance(fields, TerminationFields):
        _check_termination(books, fields, on, opening)
    elif isinstance(fields, BudgetFields):
        return budget_line(books, matter, fields, opening)
    elif isinstance(fields, RuleChangeFields):
        return new_rule(books, fields, on, opening)
    elif isinstance(fields, ParameterFields):
        try:
            return parse_value(books.federation.parameters, fields.name, fields.value)
        except ValueError as exc:
            raise UserError(str(exc), field="NAME" if "not a dated parameter" in str(exc) else "VALUE") from None
    elif isinstance(fields, ManualFields) and opening:
        from engine.documents.manual import check_amendment

        check_amendment(books, fields.changes, fields.effective or on)
    elif isinstance(fields, DecisionFields) and matter in VENDOR_DECISIONS:
        return _check_vendor_decision(books, matter, fields, on, opening)
    return None


# --- session split: a surplus use commits an amount; software and supervisor contract a vendor ---

CONTRACTED = "vendor.contracted"
CONTRACTED_CATEGORY = {Matter.software: "software", Matter.supervisor: "supervision"}
CONTRACTED_NAME = {Matter.software: "Therapy software", Matter.supervisor: "Contracted clinical supervision"}
VENDOR_DECISIONS = (Matter.software, Matter.supervisor)
"""Choosing a vendor by vote: the budget line of that kind takes the chosen vendor from the decision's date."""


def _check_vendor_decision(books: Books, matter: Matter, f: DecisionFields, on: date, opening: bool) -> BudgetLine | None:
    """A software or supervisor choice names the vendor.

    The chosen vendor becomes the vendor of the budget line of that kind from
    the decision's date (with ``amount`` as its new monthly cost, if given).
    """
    if f.vendor is None:
        raise _refuse(f"a {matter.value} decision names who is contracted", opening, "--vendor")
    category = CONTRACTED_CATEGORY[matter]
    current = [line for line in budget.lines_on(books, on) if line.category == category]
    if len(current) > 1:
        ids = ", ".join(line.id for line in current)
        raise _refuse(f"more than one {category} budget line is in force ({ids}); propose a budget change instead", opening, "--vendor")
    changes: dict[str, Any] = {"vendor": f.vendor}
    if f.amount is not None:
        changes["monthly"] = f.amount
    if not current:
        changes.update({"name": CONTRACTED_NAME[matter], "category": category})
    line_id = current[0].id if current else category
    return budget_line(books, Matter.budget_change, BudgetFields(line=line_id, effective=on, changes=changes), opening)


def _vendor_decision(w: Writer, books: Books, p: Proposal, f: DecisionFields, on: date, line: BudgetLine | None) -> dict[str, Any]:
    assert line is not None  # checked
    e = budget.apply_line(w, books, line, f"{p.matter.value} chosen by member vote ({p.label})")
    c = w.append(CONTRACTED, on, {"matter": p.matter.value, "vendor": f.vendor, "text": f.text, "line": line.id, "proposal": p.label})
    return {"summary": f"{f.vendor} contracted for {line.name.lower()} from {on}", "entries": [e.seq, c.seq]}


# --- effects ------------------------------------------------------------------------


def transition_checklist(books: Books, p: Proposal, f: EndParentFields) -> str:
    """What moves from the parent to the successor: one item per vendor account in the budget."""
    lines = budget.lines_on(books, f.effective, known_by=date.max)
    fed = books.federation
    out = [
        f"# Transition checklist: {fed.name}",
        "",
        f"Decided by proposal {p.label} ({p.title}). From {f.effective}, {f.successor} administers the shared",
        f"accounts in place of {holder.holder_on(books, f.effective - timedelta(days=1)).legal_name}.",
        "",
        "## Vendor accounts to transfer",
        "",
    ]
    for line in lines:
        coop = " (a cooperative vendor)" if line.cooperative_vendor else ""
        out.append(f"- [ ] {line.name}: move the account with {line.vendor}{coop} (budget line `{line.id}`, {line.category})")
    out += [
        "",
        "## Records",
        "",
        "- [ ] Hand over the books folder (federation.yaml and journal.sqlite3); run `coop audit verify` together",
        "- [ ] Settle the open fee cycle and refund any over-collection before the handover date",
        f"- [ ] Notify every member of the handover date, {f.effective}",
        "",
    ]
    return "\n".join(out)


def _onboard(w: Writer, books: Books, p: Proposal, f: OnboardingFields, on: date) -> dict[str, Any]:
    e = roster.apply_join(w, books, f.provider)
    return {"summary": f"{f.provider.name} ({f.provider.id}) joins on {f.provider.start}", "entries": [e.seq]}


def _terminate(w: Writer, books: Books, p: Proposal, f: TerminationFields, on: date) -> dict[str, Any]:
    reason = f"contract terminated by member vote ({p.label}): {f.grounds.replace('_', ' ')}"
    left = roster.apply_leave(w, books, f.provider, f.last_day, reason)
    settle = w.append(SETTLEMENT_OPENED, f.last_day, {"provider": f.provider, "last_day": f.last_day.isoformat(), "proposal": p.id})
    return {"summary": f"{f.provider}'s membership ends on {f.last_day}; settlement opened", "entries": [left.seq, settle.seq]}


def _manual(w: Writer, books: Books, p: Proposal, f: ManualFields, on: date) -> dict[str, Any]:
    e = manual_versions.adopt(w, books, changes=dict(f.changes), summary=f.summary, effective=f.effective or on, proposal=p.id)
    return {"summary": f"manual version {e.data['version']} adopted", "entries": [e.seq]}


def _end_parent(w: Writer, books: Books, p: Proposal, f: EndParentFields, on: date) -> dict[str, Any]:
    """The successor holds the accounts from the handover; each provider's agreement with the outgoing holder ends the day before.

    One ``parent.agreement_ended`` entry per provider active on the handover
    records the settlement with the outgoing holder: their balance on the
    last day, derived from the books when the settlement letter is issued
    (the handover may come after the vote, so it is not known yet).
    """
    last_day = f.effective - timedelta(days=1)
    outgoing = holder.holder_on(books, last_day)
    text = transition_checklist(books, p, f)
    data = {"successor": f.successor, "proposal": p.id, "label": p.label, "previous": outgoing.legal_name, "checklist": text}
    e = w.append(SUCCESSOR_NAMED, f.effective, data)
    ended = [
        w.append(
            holder.AGREEMENT_ENDED,
            f.effective,
            {"provider": m.id, "holder": outgoing.legal_name, "successor": f.successor, "last_day": last_day.isoformat(), "proposal": p.id},
        ).seq
        for m in sorted(roster.active(books, f.effective), key=lambda m: m.id)
    ]
    who = "the members jointly hold the shared accounts" if holder.is_joint(f.successor) else f"{f.successor} succeeds the parent"
    return {
        "summary": f"{who} from {f.effective}; {len(ended)} agreement(s) with {outgoing.legal_name} end on {last_day}; "
        "transition checklist written",
        "entries": [e.seq, *ended],
    }


def apply(w: Writer, books: Books, p: Proposal, on: date) -> dict[str, Any]:
    """Check, then write the effect of passed proposal ``p``; raise NotApplicable before any write."""
    f = p.fields
    prepared = _checks(books, p.matter, f, on, opening=False)
    if isinstance(f, OnboardingFields):
        return _onboard(w, books, p, f, on)
    if isinstance(f, TerminationFields):
        return _terminate(w, books, p, f, on)
    if isinstance(f, BudgetFields):
        e = budget.apply_line(w, books, prepared, f"{p.matter.value.replace('_', ' ')} by member vote ({p.label})")
        return {"summary": f"budget line {prepared.id} changes from {prepared.effective}", "entries": [e.seq]}
    if isinstance(f, ManualFields):
        return _manual(w, books, p, f, on)
    if isinstance(f, EndParentFields):
        return _end_parent(w, books, p, f, on)
    if isinstance(f, RuleChangeFields):
        effective = f.effective or on
        e = w.append(RULE_SET, effective, {"matter": f.matter.value, "rule": prepared.model_dump(mode="json"), "proposal": p.id})
        return {"summary": f"the {f.matter.value.replace('_', ' ')} rule changes from {effective}", "entries": [e.seq]}
    if isinstance(f, ParameterFields):
        e = w.append(PARAMETER_SET, f.effective, {"name": f.name, "value": f.value, "from": f.effective.isoformat(), "proposal": p.id})
        return {"summary": f"{f.name.replace('_', ' ')} is {f.value} from {f.effective}", "entries": [e.seq]}
    own = model_of(books).call("apply_effect", w, books, p, on)
    if own is not None:  # the co-op model's own effect (membership makes an owner, say)
        return own  # type: ignore[no-any-return]
    if isinstance(f, LowRateFields):
        data = {"client": f.client, "member": f.member, "rate": f.rate, "reason": f.text, "proposal": p.id, "label": p.label}
        e = w.append(LOW_RATE_APPROVED, on, data)
        return {"summary": f"{f.member} may see client {f.client} at {cents_to_decimal_text(f.rate)} a session", "entries": [e.seq]}
    if isinstance(f, DecisionFields) and p.matter in VENDOR_DECISIONS:
        return _vendor_decision(w, books, p, f, on, prepared)
    return {"summary": "decision recorded", "entries": []}
