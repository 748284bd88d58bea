"""The session split co-op's own manual and member agreement, from the data the engine runs on.

The co-op has no parent practice and pays no federation fee: its manual
(``manual/session_split/``) and its member agreement
(``contracts/member_agreement_split.md.j2``) state its own rules. Every
figure in them (the share each session is split by, the worked example and
the tie rule's example, how a payout is shared, each matter's decision rule,
the budget and who is contracted) is computed here from the parameters in
force, the decision rules and the budget, so changing the share by vote
changes the text with it.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from engine.books.folder import Books
from engine.books.roster import Membership
from engine.books.rules import DecisionRule, Matter
from engine.documents.contracts import Issued
from engine.documents.data import (
    NOT_ON_FILE,
    BudgetRow,
    DocModel,
    EntityView,
    LegalTerms,
    ManualVersionView,
    RuleView,
    TerminationTerms,
    fraction_words,
    number_words,
)
from engine.documents.manual import entity_view, rule_views, version_view
from engine.documents.pipeline import AgreementSpec, ModelDocuments
from engine.documents.samples import sample_legal
from engine.documents.templates import TemplateSpec, long_date
from engine.documents.terms import legal_terms
from engine.governance import versions as mv
from engine.models.session_split.model import MODEL
from engine.models.session_split.payouts import PAYOUT_BASIS_WORDS
from engine.models.session_split.rules import RULES as SESSION_SPLIT_RULES
from engine.models.session_split.sessions import split_session, tie_example

EXAMPLE_FEE = 12000
"""The seed's own example: a $120 session."""

AGREEMENT_FILE = "member_agreement_split.md.j2"
DEFICIT = "carried by the co-op into the next quarter and made good from later shares, never charged to a member"


class QuarterView(DocModel):
    months_words: str
    start_months: str
    per_year_words: str


class SplitView(DocModel):
    """The split of a session's fee, in words and worked examples."""

    clinician_percent: str
    coop_percent: str
    clinician_words: str
    example_fee: int
    example_clinician: int
    example_coop: int
    tie_fee: int | None
    tie_clinician_high: int | None
    tie_coop_high: int | None


class SplitRuleBook(DocModel):
    onboarding: RuleView
    software: RuleView
    supervisor: RuleView
    surplus_use: RuleView
    budget_change: RuleView
    parameter_change: RuleView
    general: RuleView
    manual_amendment: RuleView
    termination: RuleView
    rule_change: RuleView


class SplitManualContext(DocModel):
    """Everything the session split co-op's manual states; all of it comes from the books."""

    manual_title: str
    coop_name: str
    entity: EntityView
    founded: date
    version: ManualVersionView
    quarter: QuarterView
    split: SplitView
    payout_basis: str
    rules: SplitRuleBook
    rule_table: list[RuleView]
    budget: list[BudgetRow]
    budget_total: int
    member_count: int
    supervisor: str | None
    software: str | None


class MemberParty(DocModel):
    name: str
    licence: str
    email: str
    start: date
    reference: str
    address: str


class MemberAgreementData(DocModel):
    """A member-owner's agreement with the co-op."""

    coop_name: str
    entity: EntityView
    member: MemberParty
    issued: date
    manual_version: int
    split: SplitView
    payout_basis: str
    quarter: QuarterView
    budget: list[BudgetRow]
    budget_total: int
    onboarding_decided: str
    surplus_use_decided: str
    termination: TerminationTerms
    amendment_decided: str
    legal: LegalTerms


# --- the data ----------------------------------------------------------------------------


def percent(share: Fraction) -> str:
    """``7/10`` -> ``70%`` (two decimals when the share is not a whole percent)."""
    p = share * 100
    if p.denominator == 1:
        return f"{p.numerator}%"
    return f"{(Decimal(p.numerator) / Decimal(p.denominator)).quantize(Decimal('0.01'))}%"


def split_view(share: Fraction) -> SplitView:
    clinician, coop = split_session(EXAMPLE_FEE, share, "example")
    tie = tie_example(share)
    num, den = share.numerator, share.denominator
    # A tie's odd cent falls either way: the manual states each side's part when it wins the cent.
    high = (-(-tie * num // den), -(-tie * (den - num) // den)) if tie is not None else None
    return SplitView(
        clinician_percent=percent(share),
        coop_percent=percent(1 - share),
        clinician_words=fraction_words(share),
        example_fee=EXAMPLE_FEE,
        example_clinician=clinician,
        example_coop=coop,
        tie_fee=tie,
        tie_clinician_high=high[0] if high else None,
        tie_coop_high=high[1] if high else None,
    )


def quarter_view(start_month: int, months: int) -> QuarterView:
    starts = sorted({(start_month - 1 + i * months) % 12 + 1 for i in range(12 // months)})
    names = [calendar.month_name[m] for m in starts]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return QuarterView(months_words=number_words(months), start_months=joined, per_year_words=number_words(12 // months))


TITLES = {
    Matter.onboarding: "Inducting a new member",
    Matter.budget_change: "Other changes to the budget",
    Matter.termination: "Ending a membership for cause",
}
"""Where the co-op's own words differ from the federation manual's titles for the same matter."""


def split_rules(rules: dict[Matter, DecisionRule]) -> tuple[SplitRuleBook, list[RuleView]]:
    views = rule_views(rules, TITLES, order=list(SESSION_SPLIT_RULES), members=True)
    return SplitRuleBook(**views), list(views.values())


def _vendor(rows: list[tuple[str, str]], category: str) -> str | None:
    found = [vendor for cat, vendor in rows if cat == category]
    return found[0] if found else None


def build_context(
    *,
    coop_name: str,
    entity: EntityView,
    founded: date,
    version: ManualVersionView,
    quarter: QuarterView,
    share: Fraction,
    payout_basis: str,
    rules: dict[Matter, DecisionRule],
    lines: list[tuple[str, BudgetRow]],
    member_count: int,
) -> SplitManualContext:
    """The manual's context from plain data (the books, or a sample)."""
    book, table = split_rules(rules)
    cats = [(cat, row.vendor) for cat, row in lines]
    return SplitManualContext(
        manual_title=MODEL.manual_title,
        coop_name=coop_name,
        entity=entity,
        founded=founded,
        version=version,
        quarter=quarter,
        split=split_view(share),
        payout_basis=PAYOUT_BASIS_WORDS[payout_basis],
        rules=book,
        rule_table=table,
        budget=[row for _, row in lines],
        budget_total=sum(row.monthly for _, row in lines),
        member_count=member_count,
        supervisor=_vendor(cats, "supervision"),
        software=_vendor(cats, "software"),
    )


def _lines(books: Books, on: date) -> list[tuple[str, BudgetRow]]:
    from engine.books.budget import lines_on

    return [
        (b.category, BudgetRow(name=b.name, vendor=b.vendor, monthly=b.monthly, cooperative=b.cooperative_vendor))
        for b in lines_on(books, on)
    ]


def manual_context(books: Books, number: int, effective: date, summary: str, proposal: str | None = None) -> SplitManualContext:
    """What version ``number`` of the co-op's manual states, as the books stood on its effective date."""
    from engine.books.parameters import in_force
    from engine.books.roster import active
    from engine.governance.proposals import rules_in_force

    fed = books.federation
    params = in_force(books, effective)
    return build_context(
        coop_name=fed.name,
        entity=entity_view(books),
        founded=fed.founded,
        version=version_view(number, effective, summary, proposal),
        quarter=quarter_view(fed.cycle.start_month, fed.cycle.months),
        share=params.clinician_share.at(effective),
        payout_basis=params.payout_basis.at(effective),
        rules=rules_in_force(books, effective),
        lines=_lines(books, effective),
        member_count=len(active(books, effective)),
    )


def sample_context() -> SplitManualContext:
    """A filled-in context for ``coop templates check``: the seed's figures, invented names."""
    row = BudgetRow(name="Contracted clinical supervision", vendor="Dr. Example Supervisor", monthly=60000, cooperative=False)
    soft = BudgetRow(name="Therapy software", vendor="Example EHR", monthly=9900, cooperative=True)
    return build_context(
        coop_name="Sample Split Co-Op",
        entity=EntityView(legal_name="Sample Split Co-Op LLC", structure="LLC"),
        founded=date(2027, 1, 1),
        version=ManualVersionView(number=1, effective=date(2027, 1, 1), summary="Founding version", proposal="P-3"),
        quarter=quarter_view(1, 3),
        share=Fraction(7, 10),
        payout_basis="days_as_owner",
        rules=dict(SESSION_SPLIT_RULES),
        lines=[("supervision", row), ("software", soft)],
        member_count=3,
    )


# --- the member agreement ------------------------------------------------------------------


def member_party(books: Books, m: Membership, on: date) -> MemberParty:
    return MemberParty(
        name=m.provider.name,
        licence=m.provider.licence,
        email=m.provider.email,
        start=m.start,
        reference=f"MEM-{on.isoformat()}-{m.id}",
        address=m.provider.address or NOT_ON_FILE,
    )


def agreement_data(books: Books, member: MemberParty, issued: date, manual: mv.Version) -> MemberAgreementData:
    ctx = manual_context(books, 1, issued, "agreement")
    return MemberAgreementData(
        coop_name=ctx.coop_name,
        entity=ctx.entity,
        member=member,
        issued=issued,
        manual_version=manual.number,
        split=ctx.split,
        payout_basis=ctx.payout_basis,
        quarter=ctx.quarter,
        budget=ctx.budget,
        budget_total=ctx.budget_total,
        onboarding_decided=ctx.rules.onboarding.decided,
        surplus_use_decided=ctx.rules.surplus_use.decided,
        termination=_termination(ctx.rules.termination),
        amendment_decided=ctx.rules.manual_amendment.decided,
        legal=legal_terms(books, issued, "the member", DEFICIT),
    )


def _termination(rule: RuleView) -> TerminationTerms:
    return TerminationTerms(decided=rule.decided, notice_days=rule.notice_days, response_days=rule.response_days)


def sample_agreement() -> MemberAgreementData:
    ctx = sample_context()
    return MemberAgreementData(
        coop_name=ctx.coop_name,
        entity=ctx.entity,
        member=MemberParty(
            name="Sam Sample",
            licence="LMSW-0001",
            email="sam@example.org",
            start=date(2027, 1, 1),
            reference="MEM-sample",
            address="2 Example Road, Springfield",
        ),
        issued=date(2027, 1, 5),
        manual_version=1,
        split=ctx.split,
        payout_basis=ctx.payout_basis,
        quarter=ctx.quarter,
        budget=ctx.budget,
        budget_total=ctx.budget_total,
        onboarding_decided=ctx.rules.onboarding.decided,
        surplus_use_decided=ctx.rules.surplus_use.decided,
        termination=_termination(ctx.rules.termination),
        amendment_decided=ctx.rules.manual_amendment.decided,
        legal=sample_legal("the member"),
    )


def issue_agreements(books: Books, member_ids: list[str] | None, on: date, out: Path) -> list[Issued]:
    """``coop member agreement``: one agreement per member (or every member active on ``on``), issued like every model's agreement."""
    from engine.documents.contracts import issue
    from engine.models.session_split.sessions import require_model

    require_model(books)
    return issue(books, member_ids or None, on, out).documents


def money_rules(books: Books, on: date) -> list[str]:
    """The co-op's money rules in force on ``on``, in words, from the manual's own data (``coop fees rules``)."""
    from engine.books.money import format_cents

    ctx = manual_context(books, 1, on, "rules")
    sp = ctx.split

    def m(cents: int) -> str:
        return format_cents(cents, books.federation.currency)

    out = [
        f"Each session's fee is split when it is received: {sp.clinician_percent} to the clinician, {sp.coop_percent} to the co-op "
        f"(a {m(sp.example_fee)} session: {m(sp.example_clinician)} and {m(sp.example_coop)}); the parts always add up to the fee.",
    ]
    if sp.tie_fee is not None and sp.tie_clinician_high is not None and sp.tie_coop_high is not None:
        out.append(
            f"A fee that splits to exactly half a cent each way (such as {m(sp.tie_fee)}) gives the odd cent to the clinician "
            f"({m(sp.tie_clinician_high)}) or the co-op ({m(sp.tie_coop_high)}) by a rotation keyed to the session's number."
        )
    out += [
        f"The co-op's share pays its budget: {m(ctx.budget_total)} a month on {on}.",
        f"Quarters of {ctx.quarter.months_words} months start in {ctx.quarter.start_months}. At each close the surplus "
        "(the co-op's shares of the quarter's sessions, plus or minus what was carried in, less expenses and amounts committed by vote) "
        f"is paid out to the member-owners {ctx.payout_basis}; a deficit is carried to the next quarter.",
        "Nothing is kept back: shares in, less expenses, commitments, payouts and the amount carried forward, is exactly zero.",
    ]
    return out


# --- what this model brings to the document pipeline --------------------------------------------

AGREEMENT = TemplateSpec(
    "session-split-agreement",
    AGREEMENT_FILE,
    MemberAgreementData,
    "Member agreement",
    sample_agreement,
    party="member",
    footer=lambda d: f"{d.member.reference} · {d.entity.legal_name} · Issued {long_date(d.issued)}",
    subject=lambda d: "member agreement",
)


def documents() -> ModelDocuments:
    return ModelDocuments(
        manual_context=manual_context,
        manual_sample=sample_context,
        agreement=AgreementSpec(
            template=AGREEMENT.name,
            data=lambda books, party, on, manual, fee, previous: agreement_data(books, party, on, manual),
            party=member_party,
            stem="member-agreement-{id}",
            dated=False,
            register=False,
            figure=lambda data: None,
            needs_fee=False,
        ),
        templates=lambda: [AGREEMENT],
    )
