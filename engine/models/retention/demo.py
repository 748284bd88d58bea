"""The retention co-op's demo year: ``coop demo --model retention``.

Six invented founding owners and one new member who joins in February on
probation: a tenth of her revenue goes to the co-op until the owners admit
her by full consensus when her six months are up (``coop due`` opens that
proposal on the day). One owner takes family leave from March and owes only
her share of rent; in May the owners vote to cover that too. Revenue is
recorded every month, both fee cycles close, and every member gets an
annual statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from engine.demo.files import EXPENSE_HEADER, csv_text, monthly_expenses, units
from engine.demo.founding import BudgetLine, Person, founding
from engine.demo.steps import Step, credential_steps, enrol, imported, on, onboarding, outputs, propose, votes

FOUNDED = date(2027, 1, 1)
ENTITY = {"legal_name": "Larkspur Collective Therapy LLC", "structure": "LLC"}
FOUNDERS = [
    Person("odile-brandt", "Odile Brandt", "LPC-50211", "odile@larkspur.example"),
    Person("jun-takeda", "Jun Takeda", "LCSW-61930", "jun@larkspur.example"),
    Person("maren-solberg", "Maren Solberg", "LMFT-24410", "maren@larkspur.example"),
    Person("femi-adeyemi", "Femi Adeyemi", "LPC-50377", "femi@larkspur.example"),
    Person("ines-carvalho", "Ines Carvalho", "LICSW-70125", "ines@larkspur.example"),
    Person("pavel-roth", "Pavel Roth", "LCSW-61988", "pavel@larkspur.example"),
]
NEWCOMER = Person("kit-moreau", "Kit Moreau", "LMHC-33120", "kit@larkspur.example", ENTITY["legal_name"], "2027-02-01")
ON_LEAVE = "maren-solberg"
BUDGET = [
    BudgetLine("rent", "Office rent (five rooms)", "rent", 420000, "Cedar Row Properties", False),
    BudgetLine("bills", "Utilities, internet and phones", "other", 63000, "City utilities and Northwire", False),
    BudgetLine("accounting", "Accounting", "bookkeeping", 45000, "Tally Cooperative Bookkeepers", False),
    BudgetLine("billing", "Insurance billing service", "other", 147000, "Clearclaim Billing Co-op", True),
]
"""Rent, bills, accounting and billing: $6,750.00 a month; rent alone is $4,200.00 ($600.00 a share over seven)."""

OWNERS = [f.id for f in FOUNDERS]
MONTHLY_REVENUE = {
    "odile-brandt": 910000,
    "jun-takeda": 640000,
    "maren-solberg": 720000,
    "femi-adeyemi": 385000,
    "ines-carvalho": 1025000,
    "pavel-roth": 512000,
    "kit-moreau": 800000,
}
"""What each member bills in a month they work (Femi works two days a week; the seed: work as much as you want)."""


def founding_text() -> str:
    return founding("Larkspur Collective", FOUNDED, FOUNDERS, BUDGET, ENTITY["legal_name"], entity=ENTITY, model="retention")


def year() -> tuple[Callable[[], str], list[Step]]:
    """The retention co-op's demo year, as the registry names it."""
    return founding_text, STEPS


def _not_working(member: str, month: int) -> bool:
    """Kit joins in February; Maren is on leave March to August; March's revenue for Kit is recorded on its own."""
    return (member == NEWCOMER.id and month in (1, 3)) or (member == ON_LEAVE and 3 <= month <= 8)


def _revenue(months: Iterable[int]) -> str:
    """Each working member's revenue for ``months`` of 2027, a little more each month."""
    rows = [
        f"{member},2027-{m:02d},{units(amount + 1000 * m)},billing run"
        for m in months
        for member, amount in MONTHLY_REVENUE.items()
        if not _not_working(member, m)
    ]
    return csv_text("member,month,amount,note", rows)


def _paid(line: str, monthly: int, day: date) -> int:
    """The billing service charged less than budgeted in the first half-year."""
    return monthly - 12000 if line == "billing" and day.month <= 6 else monthly


def _expenses(months: Iterable[int]) -> str:
    return csv_text(EXPENSE_HEADER, monthly_expenses(BUDGET, 2027, months, _paid))


FIRST_HALF = range(1, 7)
SECOND_HALF = range(7, 13)
_KIT = NEWCOMER.id

STEPS: list[Step] = [
    on("2027-01-01", "Seven therapists' co-op, an LLC; the six founders are its owners:", "status", "--as-of", "2027-01-01"),
    on("2027-01-01", "The rules the co-op runs on, from federation.yaml:", "parameters"),
    on(
        "2027-01-02",
        "The first cycle's charge: an equal share of rent, bills, accounting and billing ($6,750.00 over six owners):",
        *("fees", "recalc", "2027-01"),
    ),
    on(
        "2027-01-02",
        "The co-op's own handbook (version 1), as Markdown and DOCX, every figure from the data above:",
        "manual",
        "render",
        "1",
    ),
    on(
        "2027-01-02",
        "A member agreement for each owner, from the same data (Markdown and DOCX, recorded in the journal):",
        *("contracts", "issue", "--all", "--on", "2027-01-02"),
    ),
    *credential_steps(OWNERS, "2027-01-03", "Each owner sets a voting credential:"),
    onboarding(
        "2027-01-11",
        "The owners consider a new member from 1 February (consensus, absent members have 7 days to object):",
        *(NEWCOMER, "odile-brandt"),
    ),
    *votes("2027-01-12", "P-1", OWNERS),
    on("2027-01-26", "Everyone agreed: Kit joins on probation, and the charge is re-evaluated over seven:", "proposal", "close", "P-1"),
    on("2027-01-26", "Kit's member agreement states her probation:", "contracts", "issue", _KIT, "--on", "2027-01-26"),
    *enrol("2027-02-01", _KIT, "Kit is invited and sets her own credential:"),
    on(
        "2027-02-20",
        "Maren takes family leave from 1 March to 31 August: she owes only her share of rent, the others cover the rest:",
        *("leave", "start", ON_LEAVE, "--from", "2027-03-01", "--until", "2027-08-31", "--kind", "family"),
    ),
    imported("2027-03-05", "January and February's revenue, from the billing runs:", "revenue", "revenue-2027-q1.csv", _revenue([1, 2, 3])),
    on(
        "2027-04-02",
        "Kit records March's $8,000.00 herself: in probation, $800.00 goes to the co-op:",
        *("revenue", "record", _KIT, "8000.00", "--month", "2027-03", "--note", "March sessions"),
    ),
    propose(
        "2027-05-03",
        "Rent is a hardship for Maren; a member proposes that the co-op covers it:",
        *("rent-cover", "--member", ON_LEAVE, "--text", "Cover Maren's share of rent for the rest of her family leave"),
        by="jun-takeda",
    ),
    *votes("2027-05-04", "P-2", OWNERS),
    on(
        "2027-05-17",
        "Consensus: her rent share is covered from May through August; the charge is re-evaluated:",
        "proposal",
        "close",
        "P-2",
    ),
    on(
        "2027-05-17",
        "The charge month by month, and why it changed (Maren's leave months are charged her rent share, then nothing):",
        *("fees", "show", "2027-01"),
    ),
    imported("2027-07-02", "April to June's revenue:", "revenue", "revenue-2027-q2.csv", _revenue([4, 5, 6])),
    imported(
        "2027-06-30",
        "The first half-year's shared expenses (billing cost less than budgeted):",
        *("expense", "expenses-2027-h1.csv", _expenses(FIRST_HALF)),
    ),
    on("2027-07-01", "The second cycle's charge, set on 1 July:", "fees", "recalc", "2027-07"),
    on("2027-07-05", "Closing the first cycle refunds what was over-collected:", "cycle", "close", "2027-01", "--on", "2027-07-05"),
    on("2027-07-31", "Who is an owner, who is in probation, and when the decision is due:", "owners"),
    on("2027-07-31", "Nothing is due yet on 31 July:", "due"),
    on("2027-08-01", "On 1 August Kit's six months are up; the administrator's daily 'coop due' opens the membership decision:", "due"),
    on("2027-08-01", "Kit does not vote on her own membership:", "proposal", "show", "P-3"),
    *votes("2027-08-03", "P-3", OWNERS),
    on("2027-08-15", "Full consensus of the owners: Kit is a member-owner:", "proposal", "close", "P-3"),
    on("2027-08-16", "Running 'coop due' again opens nothing twice:", "due"),
    imported(
        "2028-01-03",
        "July to December's revenue (Kit's July still carries the levy; August on she keeps it all):",
        *("revenue", "revenue-2027-h2.csv", _revenue(SECOND_HALF)),
    ),
    imported("2027-12-31", "The second half-year's shared expenses:", "expense", "expenses-2027-h2.csv", _expenses(SECOND_HALF)),
    on("2028-01-05", "Closing the second cycle:", "cycle", "close", "2027-07", "--on", "2028-01-05"),
    on(
        "2028-01-05",
        "Kit's annual statement: probation levy, then owner:",
        *("revenue", "statement", _KIT, "--year", "2027", *outputs("{books}/statement-kit-2027", "md", "csv", "docx")),
    ),
    on(
        "2028-01-05",
        "Maren's annual statement: leave, rent share, then rent covered:",
        *("revenue", "statement", ON_LEAVE, "--year", "2027", *outputs("{books}/statement-maren-2027", "md")),
    ),
    on(
        "2028-01-05",
        "What the co-op owes each member now (their revenue less their charges; negative: owed to them):",
        *("ledger", "arrears", "--as-of", "2028-01-05"),
    ),
    on("2028-01-05", "Every member's annual statement, as CSV, Markdown and DOCX:", "revenue", "statements", "--year", "2027"),
    on(
        "2028-01-05",
        "The co-op pays Kit what it holds for her (a payout larger than that is refused):",
        *("payment", "payout", _KIT, "72674.01", "--on", "2028-01-05", "--ref", "2027 revenue less shares"),
    ),
    on(
        "2028-01-05",
        "Every transaction balances, so the accounts sum to zero (the levy sits in the co-op's own income):",
        *("ledger", "balances", "--as-of", "2028-01-05"),
    ),
    on("2028-01-05", "The history checks out:", "audit", "verify"),
]
