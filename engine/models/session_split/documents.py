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
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from engine.books.folder import Books
from engine.documents.data import BudgetRow, DocModel, ManualVersionView, RuleView, TerminationTerms, fraction_words, number_words
from engine.governance.rules import DecisionRule, Matter
from engine.models.session_split.payouts import PAYOUT_BASIS_WORDS
from engine.models.session_split.rules import RULES as SESSION_SPLIT_RULES
from engine.models.session_split.sessions import split_session, tie_example

EXAMPLE_FEE = 12000
"""The seed's own example: a $120 session."""

AGREEMENT_FILE = "member_agreement_split.md.j2"
ISSUED = "member_agreement.issued"


class EntityView(DocModel):
    legal_name: str
    structure: str


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
    from engine.documents.manual import rule_view

    views = {}
    for m in SESSION_SPLIT_RULES:
        if m in rules:
            v = rule_view(m, rules[m])
            recusal = "the member the matter concerns does not vote on it" if "subject" in rules[m].recuse else v.recusal
            views[m.value] = v.model_copy(update={"title": TITLES.get(m, v.title), "recusal": recusal})
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
    from engine.documents.manual import MODEL_TITLES

    book, table = split_rules(rules)
    cats = [(cat, row.vendor) for cat, row in lines]
    return SplitManualContext(
        manual_title=MODEL_TITLES["session_split"],
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


def _entity(books: Books) -> EntityView:
    e = books.federation.entity
    assert e is not None  # a non-federation model always names its entity
    return EntityView(legal_name=e.legal_name, structure=e.structure)


def manual_context(books: Books, number: int, effective: date, summary: str, proposal: int | None = None) -> SplitManualContext:
    """What version ``number`` of the co-op's manual states, as the books stood on its effective date."""
    from engine.books.parameters import in_force
    from engine.books.roster import active
    from engine.governance.proposals import rules_in_force

    fed = books.federation
    params = in_force(books, effective)
    return build_context(
        coop_name=fed.name,
        entity=_entity(books),
        founded=fed.founded,
        version=ManualVersionView(number=number, effective=effective, summary=summary, proposal=proposal),
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
        version=ManualVersionView(number=1, effective=date(2027, 1, 1), summary="Founding version", proposal=3),
        quarter=quarter_view(1, 3),
        share=Fraction(7, 10),
        payout_basis="days_as_owner",
        rules=dict(SESSION_SPLIT_RULES),
        lines=[("supervision", row), ("software", soft)],
        member_count=3,
    )


# --- the member agreement ------------------------------------------------------------------


def agreement_data(books: Books, member_id: str, issued: date) -> MemberAgreementData:
    from engine.books.roster import require
    from engine.documents.versions import in_force

    m = require(books, member_id, "MEMBER")
    ctx = manual_context(books, 1, issued, "agreement")
    return MemberAgreementData(
        coop_name=ctx.coop_name,
        entity=ctx.entity,
        member=MemberParty(
            name=m.provider.name,
            licence=m.provider.licence,
            email=m.provider.email,
            start=m.start,
            reference=f"MEM-{issued.isoformat()}-{member_id}",
        ),
        issued=issued,
        manual_version=in_force(books, issued).number,
        split=ctx.split,
        payout_basis=ctx.payout_basis,
        quarter=ctx.quarter,
        budget=ctx.budget,
        budget_total=ctx.budget_total,
        onboarding_decided=ctx.rules.onboarding.decided,
        surplus_use_decided=ctx.rules.surplus_use.decided,
        termination=_termination(ctx.rules.termination),
        amendment_decided=ctx.rules.manual_amendment.decided,
    )


def _termination(rule: RuleView) -> TerminationTerms:
    return TerminationTerms(decided=rule.decided, notice_days=rule.notice_days, response_days=rule.response_days)


def sample_agreement() -> MemberAgreementData:
    ctx = sample_context()
    return MemberAgreementData(
        coop_name=ctx.coop_name,
        entity=ctx.entity,
        member=MemberParty(name="Sam Sample", licence="LMSW-0001", email="sam@example.org", start=date(2027, 1, 1), reference="MEM-sample"),
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
    )


def render_agreement(data: MemberAgreementData, currency: str) -> tuple[str, bytes]:
    from engine.documents.manual import number_headings
    from engine.documents.templates import contract_source, environment, long_date
    from engine.documents.typesetting import DocMeta, to_docx

    markdown = number_headings(environment(currency).from_string(contract_source(AGREEMENT_FILE)).render(data.model_dump()))
    meta = DocMeta(
        title=f"Member agreement: {data.member.name}",
        footer=f"{data.member.reference} · {data.entity.legal_name} · Issued {long_date(data.issued)}",
        issued=data.issued,
        author=data.entity.legal_name,
        subject="member agreement",
    )
    return markdown, to_docx(markdown, meta)


@dataclass(frozen=True)
class IssuedAgreement:
    member: str
    markdown: Path
    docx: Path
    sha256: str
    seq: int


def issue_agreements(books: Books, member_ids: list[str] | None, on: date, out: Path) -> list[IssuedAgreement]:
    """``coop member agreement``: one agreement per member (or every member active on ``on``), recorded in the journal."""
    import hashlib

    from engine.books.output import write_bytes, write_text
    from engine.books.roster import active
    from engine.documents.versions import in_force, record_founding
    from engine.models.session_split.sessions import require_model

    require_model(books)
    ids = member_ids if member_ids else [m.id for m in active(books, on)]
    docs = []
    for mid in ids:
        data = agreement_data(books, mid, on)
        docs.append((mid, data, *render_agreement(data, books.federation.currency)))
    folder = out / "agreements"
    # Files first (each written whole, by rename), then one journal transaction recording them all.
    paths = [
        (write_text(folder / f"member-agreement-{mid}.md", md), write_bytes(folder / f"member-agreement-{mid}.docx", docx))
        for mid, _, md, docx in docs
    ]
    out_docs = []
    with books.transaction() as w:
        manual = in_force(books, on)
        if manual.sha256 is None:  # the first agreement fixes the founding manual's text, as a provider agreement does
            manual = record_founding(w, books)
        for (mid, data, _, docx), (md_path, docx_path) in zip(docs, paths, strict=True):
            digest = hashlib.sha256(docx).hexdigest()
            record = {"member": mid, "reference": data.member.reference, "sha256": digest, "manual_version": manual.number}
            e = w.append(ISSUED, on, {**record, "manual_sha256": manual.sha256})
            out_docs.append(IssuedAgreement(mid, md_path, docx_path, digest, e.seq))
    return out_docs


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
