"""The flat-pay co-op's own manual and member agreement, stated from the data the engine runs on.

The manual's sections (``manual/flat_pay``) and the member agreement
(``contracts/flat_pay_member_agreement.md.j2``) read every figure from the
models here: the rate in force and its history, the leave day pay derived
from it, the management fee, the months before membership, the annual
meeting's month, and each matter's decision rule. A raise adopted by vote
therefore changes the next manual version and every agreement issued after
it, and nothing else has to be edited.
"""

from __future__ import annotations

import calendar
from datetime import date
from fractions import Fraction
from pathlib import Path

from engine.books.folder import Books
from engine.books.roster import Membership
from engine.books.rules import DecisionRule, Matter
from engine.documents.contracts import Issued, manual_ref
from engine.documents.data import NOT_ON_FILE, DocModel, LegalTerms, ManualRef, ManualVersionView, RuleView, fraction_words, number_words
from engine.documents.data import EntityView as SharedEntity
from engine.documents.manual import in_manual_order, version_view
from engine.documents.manual import rule_views as shared_rule_views
from engine.documents.pipeline import AgreementSpec, ModelDocuments
from engine.documents.samples import sample_legal
from engine.documents.templates import TemplateSpec, long_date
from engine.documents.terms import legal_terms
from engine.errors import UserError
from engine.governance import versions as mv
from engine.models.flat_pay.model import MODEL
from engine.models.flat_pay.pay import CLINICAL, MANAGEMENT

MANUAL_TITLE = MODEL.manual_title
AGREEMENT_TEMPLATE = "flat_pay_member_agreement.md.j2"
DEFICIT = "carried forward by the management entity to the next year, never charged to a member or their capital account"


class RateStep(DocModel):
    since: date
    rate: int


class PayTerms(DocModel):
    rate: int
    """Cents per hour, for every hour of labour, in force on the document's date."""
    rate_since: date
    history: list[RateStep]
    """Earlier rates, oldest first (hours worked then were paid at them)."""
    workday_hours: int
    leave_share_words: str
    leave_day_pay: int
    management_fee: int
    full_time_year: int
    """Forty hours a week for fifty-two weeks at the rate: the case study's yardstick."""


class EntityView(SharedEntity):
    clinical_entity: str
    clinical_work: str
    """The kinds of work the clinical entity pays, in words ("clinical"), from :data:`engine.pay.PAID_BY`."""
    management_work: str
    """The kinds of work the management entity pays ("administrative and other")."""


KIND_WORDS = {"clinical": "clinical", "admin": "administrative", "other": "other"}


def work_words(payer: str) -> str:
    """The kinds of hours ``payer`` pays, in words, from the one table that decides it."""
    from engine.models.flat_pay.pay import PAID_BY

    words = [KIND_WORDS[k] for k, p in PAID_BY.items() if p == payer]
    return " and ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " and " + words[-1]


class FlatPayRules(DocModel):
    """The rules the prose states in full; every matter's rule is in the table (``rule_table``)."""

    membership: RuleView
    termination: RuleView
    general: RuleView


class FlatPayRuleNames(DocModel):
    """Each matter's rule in a word or two ("consensus"), for prose; the rules table states it in full."""

    onboarding: str
    membership: str
    budget_change: str
    parameter_change: str
    low_rate: str
    manual_amendment: str
    rule_change: str
    termination: str
    general: str


_TITLES = {Matter.onboarding: "Welcoming a new worker", Matter.termination: "Ending a member's work for cause"}
"""This co-op's own words where the shared titles speak of providers."""


def short_text(rule: DecisionRule) -> str:
    if rule.method == "consensus":
        return "consensus"
    if rule.method == "unanimous":
        return "a unanimous vote"
    if rule.method == "majority":
        return "a majority vote"
    return f"a vote of at least {fraction_words(rule.threshold)}"


def rule_views(rules: dict[Matter, DecisionRule]) -> tuple[FlatPayRules, list[RuleView], FlatPayRuleNames]:
    views = shared_rule_views(rules, _TITLES, members=True)
    names = FlatPayRuleNames(**{m.value: short_text(r) for m, r in rules.items()})
    full = FlatPayRules(**{k: views[k] for k in FlatPayRules.model_fields})
    return full, list(views.values()), names


class FlatPayManualContext(DocModel):
    """Everything the flat-pay co-op's manual may state; all of it comes from the books."""

    manual_title: str
    federation_name: str
    entity: EntityView
    founded: date
    version: ManualVersionView
    pay: PayTerms
    membership_after_months: int
    membership_after_words: str
    annual_meeting_month_name: str
    year_start_month_name: str
    rules: FlatPayRules
    rule_table: list[RuleView]
    rule_names: FlatPayRuleNames
    member_count: int
    owner_count: int
    budget_total: int


class MemberParty(DocModel):
    name: str
    id: str
    licence: str
    email: str
    start: date
    eligible_on: date
    owner: bool
    address: str


class MemberAgreementData(DocModel):
    co_op: str
    entity: EntityView
    member: MemberParty
    issued: date
    manual: ManualRef
    manual_title: str
    pay: PayTerms
    membership_after_months: int
    annual_meeting_month_name: str
    membership_decided: str
    membership_ratification_days: int
    low_rate_decided: str
    amendment_decided: str
    legal: LegalTerms


# --- building the data ----------------------------------------------------------------------


def pay_terms(books: Books, on: date) -> PayTerms:
    from engine.books.cycles import Month
    from engine.books.parameters import in_force
    from engine.models.flat_pay.pay import hourly_rate, unplanned_leave_day_pay

    params = in_force(books, on)
    dated = [(s.effective or books.federation.founded, s.value) for s in params.hourly_rate.steps]
    in_force_steps = [(d, r) for d, r in dated if d <= on]
    since = in_force_steps[-1][0] if in_force_steps else books.federation.founded
    share: Fraction = params.unplanned_leave_share.at(on)
    return PayTerms(
        rate=hourly_rate(params, Month.of(on)),
        rate_since=since,
        history=[RateStep(since=d, rate=r) for d, r in in_force_steps[:-1]],
        workday_hours=params.workday_hours.at(on),
        leave_share_words=fraction_words(share),
        leave_day_pay=unplanned_leave_day_pay(params, Month.of(on).first),
        management_fee=params.management_fee.at(on),
        full_time_year=hourly_rate(params, Month.of(on)) * 40 * 52,
    )


def _entity(books: Books, on: date) -> EntityView:
    from engine.books.parameters import in_force

    fed = books.federation
    assert fed.entity is not None
    return EntityView(
        legal_name=fed.entity.legal_name,
        structure=fed.entity.structure,
        clinical_entity=in_force(books, on).clinical_entity,
        clinical_work=work_words(CLINICAL),
        management_work=work_words(MANAGEMENT),
    )


def manual_context(books: Books, number: int, effective: date, summary: str, proposal: str | None = None) -> FlatPayManualContext:
    """What version ``number`` of the flat-pay manual states, as the books stood on its effective date."""
    from engine.books.budget import lines_on
    from engine.books.parameters import in_force
    from engine.books.roster import active
    from engine.governance.proposals import rules_in_force
    from engine.models.flat_pay.ownership import owners

    fed = books.federation
    params = in_force(books, effective)
    months = params.membership_after_months.at(effective)
    rules, table, names = rule_views(in_manual_order(books, rules_in_force(books, effective)))
    return FlatPayManualContext(
        manual_title=MANUAL_TITLE,
        federation_name=fed.name,
        entity=_entity(books, effective),
        founded=fed.founded,
        version=version_view(number, effective, summary, proposal),
        pay=pay_terms(books, effective),
        membership_after_months=months,
        membership_after_words=number_words(months),
        annual_meeting_month_name=calendar.month_name[params.annual_meeting_month],
        year_start_month_name=calendar.month_name[fed.cycle.start_month],
        rules=rules,
        rule_table=table,
        rule_names=names,
        member_count=len(active(books, effective)),
        owner_count=len(owners(books, effective)),
        budget_total=sum(b.monthly for b in lines_on(books, effective)),
    )


def member_party(books: Books, m: Membership, on: date) -> MemberParty:
    from engine.models.flat_pay.ownership import eligible_on, owners

    return MemberParty(
        name=m.provider.name,
        id=m.id,
        licence=m.provider.licence,
        email=m.provider.email,
        start=m.start,
        eligible_on=eligible_on(books, m),
        owner=m.id in owners(books, on),
        address=m.provider.address or NOT_ON_FILE,
    )


def agreement_data(books: Books, member: MemberParty, on: date, manual: mv.Version) -> MemberAgreementData:
    from engine.books.parameters import in_force
    from engine.documents.manual import decided_text
    from engine.governance.proposals import rules_in_force

    rules = rules_in_force(books, on)
    params = in_force(books, on)
    return MemberAgreementData(
        co_op=books.federation.name,
        entity=_entity(books, on),
        member=member,
        issued=on,
        manual=manual_ref(manual),
        manual_title=MANUAL_TITLE,
        pay=pay_terms(books, on),
        membership_after_months=params.membership_after_months.at(on),
        annual_meeting_month_name=calendar.month_name[params.annual_meeting_month],
        membership_decided=decided_text(rules[Matter.membership]),
        membership_ratification_days=rules[Matter.membership].ratification_days,
        low_rate_decided=decided_text(rules[Matter.low_rate]),
        amendment_decided=decided_text(rules[Matter.manual_amendment]),
        legal=legal_terms(books, on, "the member", DEFICIT),
    )


# --- issuing the member agreement ---------------------------------------------------------------


def issue_agreements(books: Books, member_ids: list[str] | None, on: date, out: Path) -> list[Issued]:
    """A member agreement per member (every active one when ``member_ids`` is None), issued like every model's agreement."""
    from engine.books.roster import active, require
    from engine.documents.contracts import issue

    if books.federation.model != MODEL.name:
        raise UserError("member agreements here are the flat_pay model's; use 'coop contracts issue'", field="model")
    for mid in member_ids or []:
        if not require(books, mid, "MEMBER").active_on(on):
            raise UserError(f"{mid} is not a member on {on}", field="MEMBER")
    if member_ids is None and not active(books, on):
        raise UserError(f"no members on {on}", field="--on")
    return issue(books, member_ids, on, out).documents


# --- samples for 'coop templates check' ------------------------------------------------------------


def _sample_rules() -> tuple[FlatPayRules, list[RuleView], FlatPayRuleNames]:
    from engine.models.flat_pay.rules import RULES as FLAT_PAY_RULES

    return rule_views(FLAT_PAY_RULES)


def _sample_pay() -> PayTerms:
    return PayTerms(
        rate=4000,
        rate_since=date(2020, 1, 1),
        history=[RateStep(since=date(2015, 1, 1), rate=3000)],
        workday_hours=8,
        leave_share_words="one half",
        leave_day_pay=16000,
        management_fee=500000,
        full_time_year=8320000,
    )


_ENTITY = EntityView(
    legal_name="Example Collective LLC",
    structure="LLC",
    clinical_entity="Example Psychological Services PLLC",
    clinical_work="clinical",
    management_work="administrative and other",
)


def sample_manual_context() -> FlatPayManualContext:
    rules, table, names = _sample_rules()
    return FlatPayManualContext(
        manual_title=MANUAL_TITLE,
        federation_name="Example Collective",
        entity=_ENTITY,
        founded=date(2027, 1, 1),
        version=ManualVersionView(number=2, effective=date(2027, 7, 1), summary="A raise", proposal="P-3"),
        pay=_sample_pay(),
        membership_after_months=6,
        membership_after_words="six",
        annual_meeting_month_name="March",
        year_start_month_name="January",
        rules=rules,
        rule_table=table,
        rule_names=names,
        member_count=6,
        owner_count=5,
        budget_total=98000,
    )


def sample_agreement() -> MemberAgreementData:
    from engine.documents.manual import decided_text
    from engine.models.flat_pay.rules import RULES as FLAT_PAY_RULES

    return MemberAgreementData(
        co_op="Example Collective",
        entity=_ENTITY,
        member=MemberParty(
            name="Ada Example",
            id="ada-example",
            licence="LMSW-1",
            email="ada@example.org",
            start=date(2027, 2, 1),
            eligible_on=date(2027, 8, 1),
            owner=False,
            address="1 Example Street, Springfield",
        ),
        issued=date(2027, 2, 1),
        manual=ManualRef(version=1, effective=date(2027, 1, 1), sha256="0" * 64),
        manual_title=MANUAL_TITLE,
        pay=_sample_pay(),
        membership_after_months=6,
        annual_meeting_month_name="March",
        membership_decided=decided_text(FLAT_PAY_RULES[Matter.membership]),
        membership_ratification_days=FLAT_PAY_RULES[Matter.membership].ratification_days,
        low_rate_decided=decided_text(FLAT_PAY_RULES[Matter.low_rate]),
        amendment_decided=decided_text(FLAT_PAY_RULES[Matter.manual_amendment]),
        legal=sample_legal("the member"),
    )


# --- what this model brings to the document pipeline --------------------------------------------

AGREEMENT = TemplateSpec(
    "flat-pay-agreement",
    AGREEMENT_TEMPLATE,
    MemberAgreementData,
    "Member agreement",
    sample_agreement,
    party="member",
    footer=lambda d: f"{d.co_op} · Member agreement · {d.member.name} · Issued {long_date(d.issued)}",
    subject=lambda d: d.co_op,
)


def documents() -> ModelDocuments:
    return ModelDocuments(
        manual_context=manual_context,
        manual_sample=sample_manual_context,
        agreement=AgreementSpec(
            template=AGREEMENT.name,
            data=lambda books, party, on, manual, fee, previous: agreement_data(books, party, on, manual),
            party=member_party,
            stem="{id}-member-agreement-v{version}",
            register=False,
            batch=False,  # whether the member is an owner already changes the text
            figure=lambda data: data.pay.rate,
            needs_fee=False,
        ),
        templates=lambda: [AGREEMENT],
    )
