"""Sample data for every document model, for ``coop templates check`` and previews.

Invented names and round figures; the check renders each template with
these, so every branch a sample reaches is exercised before a real document
is ever issued.
"""

from __future__ import annotations

from datetime import date

from engine.books.rules import DecisionRule, Matter
from engine.documents.data import (
    AccountItem,
    AcknowledgmentData,
    Addressee,
    AgreementData,
    BudgetRow,
    BusinessAssociateData,
    Cover,
    CycleStatementData,
    CycleView,
    DisputeRung,
    FeeNoticeData,
    FeeTerms,
    HolderDetails,
    LegalTerms,
    ManualContext,
    ManualRef,
    ManualVersionView,
    ParentParty,
    PolicyView,
    ProviderParty,
    ResultRow,
    SettlementData,
    StatementMonth,
    TerminationTerms,
)

PARENT = ParentParty(legal_name="Alder Lane Counseling PLLC", principal="Sam Ortiz")
PROVIDER = ProviderParty(
    name="Jo Park",
    practice="Park & Field Therapy LLC",
    licence="LMFT-10001",
    email="jo@parkfield.example",
    start=date(2027, 1, 1),
    reference="AGR-2027-01-01-jo-park",
    address="12 Field Lane, Springfield",
    entity_type="professional limited liability company",
    formed_in="Illinois",
)
ADDRESSEE = Addressee(name=PROVIDER.name, practice=PROVIDER.practice)
BUDGET = [
    BudgetRow(name="Practice software", vendor="Example Health Software", monthly=40000, cooperative=False),
    BudgetRow(name="Administrator", vendor="Workers' Payroll Co-op", monthly=250000, cooperative=True),
]
MANUAL = ManualRef(version=2, effective=date(2027, 7, 1), sha256="0" * 64)
FEDERATION = "Alder Lane Therapy Co-Op"


def _rules() -> dict[Matter, DecisionRule]:
    """The federation's rules, the ones the sample documents state."""
    from engine.models.registry import get

    return get("federation").rules()


def business_associate() -> BusinessAssociateData:
    return BusinessAssociateData(
        coop_name=FEDERATION,
        signer_name=PROVIDER.name,
        provider=PROVIDER.model_copy(update={"reference": "BAA-2027-01-01-jo-park"}),
        issued=date(2027, 1, 1),
        holder=sample_legal("the provider").holder,
        governing_law="the State of Illinois",
        breach_notice_days=10,
        services=["Practice software (Example Health Software)"],
    )


def sample_legal(signer_role: str) -> LegalTerms:
    """Invented terms that reach every branch of the common clauses (a cover with a minimum, a named mediator)."""
    return LegalTerms(
        holder=HolderDetails(
            role="the parent",
            legal_name=PARENT.legal_name,
            entity_type="professional limited liability company",
            formed_in="Illinois",
            address="1 Alder Lane, Springfield",
        ),
        signer_role=signer_role,
        governing_law="the State of Illinois",
        venue="the circuit court of Sangamon County",
        disputes=[
            DisputeRung(words="the people concerned meet and try to settle it", days=30, last=False),
            DisputeRung(words="either party may refer it to mediation run by Example Mediation", days=60, last=False),
            DisputeRung(words="either party may bring it before the courts", days=0, last=True),
        ],
        due_day_words="5th",
        payment_method="bank transfer",
        grace_days=10,
        late_words="the parent sends a written reminder",
        deficit="carried into the next cycle's fee",
        settle_within_days=30,
        holder_insurance=[Cover(cover="general liability insurance", minimum=100_000_000)],
        signer_insurance=[Cover(cover="professional liability insurance", minimum=None)],
        liability_cap_months=12,
        withdrawal_notice_days=90,
        signer_notice_words="at any time",
        breach_notice_days=10,
        client_record_services=["Practice software (Example Health Software)"],
    )


def agreement() -> AgreementData:
    from engine.documents.manual import decided_text

    term = _rules()[Matter.termination]
    return AgreementData(
        federation_name=FEDERATION,
        parent=PARENT,
        provider=PROVIDER,
        issued=date(2027, 1, 1),
        manual=MANUAL,
        fee=FeeTerms(monthly=58000, provider_count=5, budget_total=290000, cycle_months_words="six", refund_basis="in equal shares"),
        budget=BUDGET,
        termination=TerminationTerms(decided=decided_text(term), notice_days=term.notice_days, response_days=term.response_days),
        leaver_charging="through the end of the month in which their last day falls",
        end_parent_decided=decided_text(_rules()[Matter.end_parent]),
        legal=sample_legal("the provider"),
    )


def acknowledgment() -> AcknowledgmentData:
    return AcknowledgmentData(
        federation_name=FEDERATION,
        parent=PARENT,
        provider=PROVIDER,
        issued=date(2027, 7, 1),
        manual=MANUAL,
        previous_version=1,
        change_summary="Prefer cooperative vendors for every shared purchase",
        fee_monthly=58000,
    )


def fee_notice() -> FeeNoticeData:
    return FeeNoticeData(
        federation_name=FEDERATION,
        parent=PARENT,
        provider=ADDRESSEE,
        issued=date(2027, 6, 15),
        effective=date(2027, 7, 1),
        cycle_label="2027-07 to 2027-12",
        reason="the start of the cycle: its budget over its provider-months",
        previous_fee=56000,
        fee=58400,
        cycle_budget=1740000,
        brought_forward=-12000,
        already_charged=0,
        to_collect=1752000,
        provider_months="30",
        provider_count=5,
        budget=BUDGET,
        budget_total=290000,
        charged_before_notice=["July 2027"],
        previous_cycle_open="2027-01 to 2027-06",
    )


def settlement() -> SettlementData:
    return SettlementData(
        federation_name=FEDERATION,
        parent=PARENT,
        provider=ADDRESSEE,
        issued=date(2027, 7, 10),
        cycle_label="2027-01 to 2027-06",
        last_day=date(2027, 5, 31),
        items=[
            AccountItem(description="Fees, January 2027 to May 2027", amount=290000),
            AccountItem(description="Payments received", amount=-290000),
            AccountItem(description="Your share of the cycle's surplus", amount=-1234),
        ],
        balance=-1234,
        pay_by=date(2027, 8, 9),
    )


def cycle_statement() -> CycleStatementData:
    months = [StatementMonth(month=f"2027-0{m}", fee=58000, charged=58000, paid=58000 if m < 6 else 0) for m in range(1, 7)]
    return CycleStatementData(
        federation_name=FEDERATION,
        parent=PARENT,
        provider=ADDRESSEE,
        issued=date(2027, 7, 5),
        cycle_label="2027-01 to 2027-06",
        months=months,
        fees_total=348000,
        paid_total=290000,
        items=[
            AccountItem(description="Fees, January 2027 to June 2027", amount=348000),
            AccountItem(description="Payments received", amount=-290000),
            AccountItem(description="Your share of the cycle's surplus", amount=-8000),
        ],
        arrears=58000,
        balance=50000,
        closed=True,
        result=[
            ResultRow(description="Fees charged to all providers", amount=1740000),
            ResultRow(description="Spent on shared services", amount=-1700000),
            ResultRow(description="Surplus refunded", amount=40000),
        ],
    )


def manual_context() -> ManualContext:
    from engine.documents.manual import RULE_TITLES, rule_view

    views = {m.value: rule_view(m, rule) for m, rule in _rules().items()}
    assert set(RULE_TITLES) == set(Matter)
    return ManualContext(
        federation_name=FEDERATION,
        parent=PARENT,
        founded=date(2027, 1, 1),
        version=ManualVersionView(number=2, effective=date(2027, 7, 1), summary="Prefer cooperative vendors", proposal="P-4"),
        cycle=CycleView(months=6, months_words="six", start_month_name="January", per_year_words="two"),
        policies=PolicyView(
            joiner_charging="from the first full calendar month of membership",
            leaver_charging="through the end of the month in which their last day falls",
            refund_basis="in proportion to the months each provider paid for in the cycle",
            deficit="carried into the next cycle's fee",
        ),
        rules=views,  # type: ignore[arg-type]
        rule_table=list(views.values()),
        budget=BUDGET,
        budget_total=290000,
        fee=58000,
        provider_count=5,
        ce_monthly=24000,
        cooperative_vendors=["Workers' Payroll Co-op"],
        settle_within_days=30,
    )
