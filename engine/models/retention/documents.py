"""The retention co-op's own manual and member agreement, written from the data the engine runs on.

The sections in ``manual/retention/`` and ``contracts/retention_member_agreement.md.j2``
see only the models below; every figure in them (the probation share and its worked
example, the months, the rent share, each matter's decision rule) is read from the
books as of the version's date, so changing a parameter by vote changes the text.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from engine.books.budget import lines_on
from engine.books.cycles import Cycle
from engine.books.folder import Books
from engine.books.money import fraction_text
from engine.books.parameters import in_force
from engine.books.roster import active
from engine.books.rules import DecisionRule, Matter
from engine.documents.data import (
    BudgetRow,
    CycleView,
    DocModel,
    EntityView,
    LegalTerms,
    ManualRef,
    ManualVersionView,
    PolicyView,
    ProviderParty,
    RuleView,
    TerminationTerms,
    fraction_words,
    number_words,
)
from engine.documents.manual import cycle_view, entity_view, member_words, rule_views, version_view
from engine.documents.pipeline import AgreementSpec, ModelDocuments
from engine.documents.samples import sample_legal
from engine.documents.statements import Movement
from engine.documents.templates import TemplateSpec, long_date
from engine.documents.terms import legal_terms
from engine.governance import versions as mv
from engine.governance.proposals import rules_in_force
from engine.ledger.fee_quote import monthly_fee
from engine.ledger.fees import DEFICIT_WORDS, JOINER_WORDS, LEAVER_WORDS, REFUND_WORDS
from engine.models.retention.model import MODEL

TITLE = MODEL.manual_title
EXAMPLE_REVENUE = 800_000
"""The worked example the manual gives for the probation levy: $8,000.00 of revenue in a month."""


class RetentionRuleBook(DocModel):
    """The retention model's matters, each with its rule in words."""

    onboarding: RuleView
    membership: RuleView
    termination: RuleView
    budget_change: RuleView
    parameter_change: RuleView
    rent_cover: RuleView
    manual_amendment: RuleView
    rule_change: RuleView
    general: RuleView


class RetentionTerms(DocModel):
    """The model's money and membership figures in force on a date."""

    probation_months_words: str
    coop_share_words: str
    keep_share_words: str
    coop_percent: str
    example_revenue: int
    example_levy: int
    example_kept: int
    leave_max_months_words: str
    leave_kinds: str
    owed_categories: str
    owed_monthly: int
    owed_share: int | None
    rent_cover_max_months_words: str


class RetentionManualContext(DocModel):
    """Everything the retention co-op's manual may state."""

    title: str
    federation_name: str
    entity: EntityView
    founded: date
    version: ManualVersionView
    cycle: CycleView
    policies: PolicyView
    rules: RetentionRuleBook
    rule_table: list[RuleView]
    budget: list[BudgetRow]
    budget_total: int
    fee: int | None
    member_count: int
    terms: RetentionTerms


class RetentionAgreementData(DocModel):
    """The member agreement: the member's side, and the co-op's terms from the same data as the manual."""

    federation_name: str
    entity: EntityView
    provider: ProviderParty
    issued: date
    manual: ManualRef
    fee: int
    member_count: int
    budget: list[BudgetRow]
    budget_total: int
    fee_from_start: date | None = None
    """A joiner's start when after the issue date: the share, budget and count are as they stand from that day."""
    terms: RetentionTerms
    membership_decided: str
    rent_cover_decided: str
    termination: TerminationTerms
    leaver_charging: str
    refund_basis: str
    legal: LegalTerms


def _percent(f: Fraction) -> str:
    return f"{fraction_text(f * 100, 2)}%"


def terms(books: Books, on: date) -> RetentionTerms:
    """The retention figures in force on ``on``."""
    from engine.models.retention.revenue import split

    p = in_force(books, on)
    share = p.probation_coop_share.at(on)
    months = p.probation_months.at(on)
    kept, levy = split(EXAMPLE_REVENUE, share, "manual-example")
    lines = lines_on(books, on)
    owed = sum(b.monthly for b in lines if b.category in p.leave_owes_categories)
    count = len(active(books, on))
    return RetentionTerms(
        probation_months_words=number_words(months),
        coop_share_words=fraction_words(share),
        keep_share_words=fraction_words(1 - share),
        coop_percent=_percent(share),
        example_revenue=EXAMPLE_REVENUE,
        example_levy=levy,
        example_kept=kept,
        leave_max_months_words=number_words(p.leave_max_months.at(on)),
        leave_kinds="disability or family",
        owed_categories=" and ".join(c.replace("_", " ") for c in p.leave_owes_categories),
        owed_monthly=owed,
        owed_share=-(-owed // count) if count else None,
        rent_cover_max_months_words=number_words(p.rent_cover_max_months.at(on)),
    )


TITLES = {
    Matter.membership: "Becoming an owner at the end of probation",
    Matter.onboarding: "Admitting a new member",
    Matter.termination: "Ending a membership for cause",
    Matter.budget_change: "Changing the shared expenses",
    Matter.parameter_change: "Changing a figure (a share, a number of months)",
    Matter.rent_cover: "Covering rent during extended leave",
    Matter.manual_amendment: "Amending this handbook",
    Matter.rule_change: "Changing a decision rule",
    Matter.general: "Other decisions the owners take together",
}
"""This co-op's words for its matters, in the order its handbook lists them."""


def rule_book(rules: dict[Matter, DecisionRule]) -> tuple[RetentionRuleBook, list[RuleView]]:
    views = rule_views(rules, TITLES, order=list(TITLES), members=True)
    return RetentionRuleBook(**views), list(views.values())


def manual_context(books: Books, number: int, effective: date, summary: str, proposal: str | None = None) -> RetentionManualContext:
    """What version ``number`` of the retention co-op's manual states, as the books stood on its date."""
    from engine.documents.manual import budget_rows

    fed = books.federation
    rules, table = rule_book(rules_in_force(books, effective))
    pol = fed.policies
    return RetentionManualContext(
        title=TITLE,
        federation_name=fed.name,
        entity=entity_view(books),
        founded=fed.founded,
        version=version_view(number, effective, summary, proposal),
        cycle=cycle_view(fed.cycle),
        policies=PolicyView(
            joiner_charging=member_words(JOINER_WORDS[pol.joiner_charging.at(effective)]),
            leaver_charging=member_words(LEAVER_WORDS[pol.leaver_charging.at(effective)]),
            refund_basis=member_words(REFUND_WORDS[pol.refund_basis.at(effective)]),
            deficit=member_words(DEFICIT_WORDS[pol.deficit.at(effective)]).replace("fee", "shares"),
        ),
        rules=rules,
        rule_table=table,
        budget=budget_rows(books, effective),
        budget_total=sum(b.monthly for b in lines_on(books, effective)),
        fee=monthly_fee(books, effective),
        member_count=len(active(books, effective)),
        terms=terms(books, effective),
    )


def agreement_data(books: Books, provider: ProviderParty, issued: date, manual: mv.Version, fee: int | None) -> RetentionAgreementData:
    """The member agreement's shared part (everything but the member), from the books on ``issued``."""
    from engine.documents.contracts import fee_day, manual_ref
    from engine.documents.manual import budget_rows, decided_text

    assert fee is not None  # the agreement states the fee: issuing refuses without one
    fed = books.federation
    rules = rules_in_force(books, issued)
    term = rules[Matter.termination]
    day = fee_day(issued, provider.start)
    lines = budget_rows(books, day)
    return RetentionAgreementData(
        federation_name=fed.name,
        entity=entity_view(books),
        provider=provider,
        issued=issued,
        manual=manual_ref(manual),
        fee=fee,
        member_count=len(active(books, day)),
        budget=lines,
        budget_total=sum(b.monthly for b in lines),
        fee_from_start=day if day > issued else None,
        terms=terms(books, issued),
        membership_decided=decided_text(rules[Matter.membership]),
        rent_cover_decided=decided_text(rules[Matter.rent_cover]),
        termination=TerminationTerms(decided=decided_text(term), notice_days=term.notice_days, response_days=term.response_days),
        leaver_charging=member_words(LEAVER_WORDS[fed.policies.leaver_charging.at(issued)]),
        refund_basis=member_words(REFUND_WORDS[fed.policies.refund_basis.at(issued)]),
        legal=legal_terms(
            books, issued, "the member", member_words(DEFICIT_WORDS[fed.policies.deficit.at(issued)]).replace("fee", "shares")
        ),
    )


# --- samples for `coop templates check` ---------------------------------------------------------


def _sample_terms() -> RetentionTerms:
    return RetentionTerms(
        probation_months_words="six",
        coop_share_words="one tenth",
        keep_share_words="nine tenths",
        coop_percent="10%",
        example_revenue=800_000,
        example_levy=80_000,
        example_kept=720_000,
        leave_max_months_words="six",
        leave_kinds="disability or family",
        owed_categories="rent",
        owed_monthly=420_000,
        owed_share=60_000,
        rent_cover_max_months_words="six",
    )


def _sample_budget() -> list[BudgetRow]:
    return [
        BudgetRow(name="Office rent", vendor="Cedar Row Properties", monthly=420_000, cooperative=False),
        BudgetRow(name="Billing service", vendor="Clearclaim Billing Co-op", monthly=147_000, cooperative=True),
    ]


def sample_context() -> RetentionManualContext:
    from engine.models.retention.rules import RULES as RETENTION_RULES

    book, table = rule_book(RETENTION_RULES)
    return RetentionManualContext(
        title=TITLE,
        federation_name="Sample Collective",
        entity=EntityView(legal_name="Sample Collective Therapy LLC", structure="LLC"),
        founded=date(2027, 1, 1),
        version=ManualVersionView(number=2, effective=date(2027, 7, 1), summary="Longer leave", proposal="P-3"),
        cycle=CycleView(months=6, months_words="six", start_month_name="January", per_year_words="two"),
        policies=PolicyView(
            joiner_charging=JOINER_WORDS["first_full_month"],
            leaver_charging=LEAVER_WORDS["through_leaving_month"],
            refund_basis=REFUND_WORDS["months"],
            deficit=DEFICIT_WORDS["carry_forward"],
        ),
        rules=book,
        rule_table=table,
        budget=_sample_budget(),
        budget_total=567_000,
        fee=81_000,
        member_count=7,
        terms=_sample_terms(),
    )


def sample_agreement() -> RetentionAgreementData:
    return RetentionAgreementData(
        federation_name="Sample Collective",
        entity=EntityView(legal_name="Sample Collective Therapy LLC", structure="LLC"),
        provider=ProviderParty(
            name="Sam Example",
            practice="Sample Collective Therapy LLC",
            licence="LPC-1",
            email="sam@example.org",
            start=date(2027, 2, 1),
            reference="AGR-2027-02-01-sam",
        ),
        issued=date(2027, 2, 1),
        manual=ManualRef(version=1, effective=date(2027, 1, 1), sha256="0" * 64),
        fee=81_000,
        member_count=7,
        budget=_sample_budget(),
        budget_total=567_000,
        terms=_sample_terms(),
        membership_decided="consensus",
        rent_cover_decided="consensus",
        termination=TerminationTerms(decided="consensus", notice_days=14, response_days=14),
        leaver_charging=LEAVER_WORDS["through_leaving_month"],
        refund_basis=REFUND_WORDS["months"],
        legal=sample_legal("the member"),
    )


# --- what this model brings to the document pipeline --------------------------------------------

AGREEMENT = TemplateSpec(
    "retention-agreement", "retention_member_agreement.md.j2", RetentionAgreementData, "Member agreement", sample_agreement
)


def statement_credits(books: Books, provider_id: str, cycle: Cycle) -> list[Movement]:
    """The member's kept revenue, collected by the co-op in the cycle: credited on their statement."""
    from engine.books.money import format_cents
    from engine.models.retention.revenue import REVENUE, revenues

    out = []
    for r in revenues(books, cycle.last_day, provider_id):
        if r.on >= cycle.first_day:
            levy = f", less {format_cents(r.levy, books.federation.currency)} to the co-op in probation" if r.levy else ""
            text = f"Revenue collected for you on {long_date(r.on)}: {r.month}{levy}"
            out.append(Movement(r.on.isoformat(), f"revenue for {r.month}{levy}", -r.kept, REVENUE, text))
    return out


def documents() -> ModelDocuments:
    from engine.documents.contracts import provider_party_for

    return ModelDocuments(
        manual_context=manual_context,
        manual_sample=sample_context,
        agreement=AgreementSpec(
            template=AGREEMENT.name,
            data=lambda books, party, on, manual, fee, previous: agreement_data(books, party, on, manual, fee),
            party=provider_party_for("agreement"),
            figure=lambda data: data.fee,
        ),
        templates=lambda: [AGREEMENT],
        statement_credits=statement_credits,
    )
