"""The data each document is written from, as pydantic models.

Templates see only these models, so ``coop templates check`` can compare what
a template uses with what its model offers. The fee engine and governance map
their own results into these shapes (a fee notice, a settlement, a cycle
statement) without the templates knowing where the figures came from. Money
is integer cents throughout; templates format it with the ``money`` filter.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from pydantic import BaseModel, ConfigDict

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
_PARTS = {2: ("half", "halves"), 3: ("third", "thirds"), 4: ("quarter", "quarters"), 5: ("fifth", "fifths"), 6: ("sixth", "sixths")}
_PARTS.update({n: (w, w + "s") for n, w in {7: "seventh", 8: "eighth", 9: "ninth", 10: "tenth", 11: "eleventh", 12: "twelfth"}.items()})


def number_words(n: int) -> str:
    """Small counts in words, as a contract writes them ("six months"); larger ones as digits."""
    return _ONES[n] if 0 <= n < len(_ONES) else str(n)


def fraction_words(f: Fraction) -> str:
    """``2/3`` -> "two thirds", ``1/2`` -> "one half", ``1`` -> "all"; the manual never shows "2/3"."""
    if f == 1:
        return "all"
    if f == 0:
        return "none"
    if f.denominator in _PARTS and f.numerator < len(_ONES):
        one, many = _PARTS[f.denominator]
        return f"{_ONES[f.numerator]} {one if f.numerator == 1 else many}"
    return f"{f.numerator}/{f.denominator}"


class DocModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --- shared parts ----------------------------------------------------------------------


class ParentParty(DocModel):
    legal_name: str
    principal: str


class Addressee(DocModel):
    """Who a notice or statement is written to."""

    name: str
    practice: str


NOT_ON_FILE = "not on file"
"""What a party's address or entity type reads as until the books give it (a blank a lawyer sees at once)."""


class ProviderParty(DocModel):
    """The provider's side of an agreement: the only part that differs between providers' agreements."""

    name: str
    practice: str
    licence: str
    email: str
    start: date
    reference: str
    address: str = NOT_ON_FILE
    entity_type: str = NOT_ON_FILE
    formed_in: str = NOT_ON_FILE


class EntityView(DocModel):
    """The co-op's own legal entity, where a model has one instead of a parent practice."""

    legal_name: str
    structure: str


class BudgetRow(DocModel):
    name: str
    vendor: str
    monthly: int
    cooperative: bool


class ManualRef(DocModel):
    """The manual version a document refers to; its SHA-256 identifies the exact text."""

    version: int
    effective: date
    sha256: str


# --- the manual ------------------------------------------------------------------------


class RuleView(DocModel):
    """One decision rule in words, as the democratic-control chapter states it."""

    title: str
    decided: str
    threshold_words: str
    basis_words: str
    quorum_words: str
    notice_days: int
    response_days: int
    voting_days: int
    cooling_off_days: int
    ratification_days: int
    recusal: str
    second_reading: bool
    secret: bool


class RuleBook(DocModel):
    onboarding: RuleView
    admin_staffing: RuleView
    admin_pay: RuleView
    budget_change: RuleView
    manual_amendment: RuleView
    termination: RuleView
    end_parent: RuleView
    rule_change: RuleView
    general: RuleView
    # Matters of the other co-op models; absent from a federation's rule book.
    membership: RuleView | None = None
    parameter_change: RuleView | None = None
    rent_cover: RuleView | None = None
    low_rate: RuleView | None = None
    software: RuleView | None = None
    supervisor: RuleView | None = None
    surplus_use: RuleView | None = None


class CycleView(DocModel):
    months: int
    months_words: str
    start_month_name: str
    per_year_words: str


class PolicyView(DocModel):
    """The money policies in force on the version's date, in words."""

    joiner_charging: str
    leaver_charging: str
    refund_basis: str
    deficit: str


class ManualVersionView(DocModel):
    number: int
    effective: date
    summary: str
    proposal: str | None = None
    """The adopting proposal as members know it ("P-3"), never its journal entry number."""


class ManualContext(DocModel):
    """Everything the manual's sections may state; all of it comes from the books."""

    federation_name: str
    parent: ParentParty
    founded: date
    version: ManualVersionView
    cycle: CycleView
    policies: PolicyView
    rules: RuleBook
    rule_table: list[RuleView]
    budget: list[BudgetRow]
    budget_total: int
    fee: int | None
    provider_count: int
    ce_monthly: int
    cooperative_vendors: list[str]
    settle_within_days: int


# --- agreements and notices ------------------------------------------------------------


class FeeTerms(DocModel):
    monthly: int
    provider_count: int
    budget_total: int
    cycle_months_words: str
    refund_basis: str
    from_start: date | None = None
    """A joiner's start when after the issue date: the fee, budget and count are as they stand from that day."""


class TerminationTerms(DocModel):
    """How the members may end an agreement for cause, from the termination rule."""

    decided: str
    notice_days: int
    response_days: int


class AgreementData(DocModel):
    """The provider services agreement."""

    federation_name: str
    parent: ParentParty
    provider: ProviderParty
    issued: date
    manual: ManualRef
    fee: FeeTerms
    budget: list[BudgetRow]
    termination: TerminationTerms
    leaver_charging: str
    end_parent_decided: str
    legal: LegalTerms


class AcknowledgmentData(DocModel):
    """A provider's acknowledgment of the manual version now in force (and the fee with it)."""

    federation_name: str
    parent: ParentParty
    provider: ProviderParty
    issued: date
    manual: ManualRef
    previous_version: int | None
    change_summary: str
    fee_monthly: int


class FeeNoticeData(DocModel):
    """A new monthly fee: at a cycle's start or after a staffing change, with the fee engine's working."""

    federation_name: str
    parent: ParentParty
    provider: Addressee
    issued: date
    effective: date
    cycle_label: str
    reason: str
    previous_fee: int | None
    fee: int
    cycle_budget: int
    """The whole cycle's shared budget, every month as now agreed."""
    brought_forward: int
    """From the previous cycle's close: positive a surplus kept, negative a deficit to collect."""
    already_charged: int
    """Charged for the cycle's months before ``effective`` (zero at the cycle's start)."""
    to_collect: int
    provider_months: str
    """Provider-months still to charge, as a number ("28", or "27.968" when a month is prorated)."""
    provider_count: int
    budget: list[BudgetRow]
    budget_total: int
    charged_before_notice: list[str] = []
    """Months (as "January 2027") charged at this fee before the notice's date: the notice says it is late."""
    previous_cycle_open: str | None = None
    """The previous cycle's label when it had not closed by the notice: its result comes later, as a fee from a later month."""


class AccountItem(DocModel):
    description: str
    amount: int
    """Signed cents as the provider's account counts them: positive is charged to the provider, negative credited."""


class SettlementData(DocModel):
    """The letter a provider who left receives at the close of their last cycle: the balance either way."""

    federation_name: str
    parent: ParentParty
    provider: Addressee
    issued: date
    cycle_label: str
    last_day: date
    items: list[AccountItem]
    balance: int
    """What the provider owes (negative: what is owed to them), the sum of ``items``."""
    pay_by: date


class StatementMonth(DocModel):
    month: str
    fee: int | None
    charged: int
    paid: int
    due: bool = True
    """False for a month of an open cycle not yet begun on the issue date: its charge reads "not yet due"."""


class ResultRow(DocModel):
    """One line of the cycle's shared result (charged, spent, surplus, refunded ...), as the close recorded it."""

    description: str
    amount: int


class CycleStatementData(DocModel):
    """A provider's statement for a cycle: fees, payments, their account, and the shared result at the close."""

    federation_name: str
    parent: ParentParty
    provider: Addressee
    issued: date
    cycle_label: str
    months: list[StatementMonth]
    fees_total: int
    paid_total: int
    items: list[AccountItem]
    arrears: int
    """Owed at the cycle's end before its close (negative: owed to the provider)."""
    balance: int
    """What the provider owes after the close (negative: owed to them), the sum of ``items``."""
    closed: bool
    result: list[ResultRow]


# --- the terms every agreement states ------------------------------------------------------------


class HolderDetails(DocModel):
    """Whoever holds the shared accounts (the parent, or the co-op's entity), as the parties table names it."""

    role: str
    """How the agreement calls them: "the parent" or "the co-op"."""
    legal_name: str
    entity_type: str
    formed_in: str
    address: str


class DisputeRung(DocModel):
    words: str
    """The step in words: "the parties talk it through", "mediation by ..."."""
    days: int
    last: bool


class Cover(DocModel):
    cover: str
    minimum: int | None


class LegalTerms(DocModel):
    """Governing law, disputes, payment, insurance, liability, notice and records: the same clauses in every model's agreement."""

    holder: HolderDetails
    signer_role: str
    """"the provider" or "the member"."""
    governing_law: str
    venue: str
    disputes: list[DisputeRung]
    due_day_words: str
    payment_method: str
    grace_days: int
    late_words: str
    deficit: str
    settle_within_days: int
    holder_insurance: list[Cover]
    signer_insurance: list[Cover]
    liability_cap_months: int
    withdrawal_notice_days: int
    signer_notice_words: str
    breach_notice_days: int
    client_record_services: list[str]
    """Shared services that hold clients' records; when any, a business associate agreement is issued too."""


class BusinessAssociateData(DocModel):
    """The business associate agreement between the holder and one signer's practice, when shared services hold client records."""

    coop_name: str
    signer_name: str
    provider: ProviderParty
    issued: date
    holder: HolderDetails
    governing_law: str
    breach_notice_days: int
    services: list[str]


AgreementData.model_rebuild()
