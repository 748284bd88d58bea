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

from collections.abc import Callable
from datetime import date
from pathlib import Path

from engine.books.presets import render_founding
from engine.models.federation.demo import DEMO_TERMS, Step, _at, _vote, credential_steps

FOUNDED = date(2027, 1, 1)
ENTITY = {"legal_name": "Larkspur Collective Therapy LLC", "structure": "LLC"}
FOUNDERS = [
    ("odile-brandt", "Odile Brandt", "LPC-50211"),
    ("jun-takeda", "Jun Takeda", "LCSW-61930"),
    ("maren-solberg", "Maren Solberg", "LMFT-24410"),
    ("femi-adeyemi", "Femi Adeyemi", "LPC-50377"),
    ("ines-carvalho", "Ines Carvalho", "LICSW-70125"),
    ("pavel-roth", "Pavel Roth", "LCSW-61988"),
]
NEWCOMER = ("kit-moreau", "Kit Moreau", "LMHC-33120")
ON_LEAVE = "maren-solberg"
BUDGET = [
    ("rent", "Office rent (five rooms)", "rent", 420000, "Cedar Row Properties"),
    ("bills", "Utilities, internet and phones", "other", 63000, "City utilities and Northwire"),
    ("accounting", "Accounting", "bookkeeping", 45000, "Tally Cooperative Bookkeepers"),
    ("billing", "Insurance billing service", "other", 147000, "Clearclaim Billing Co-op"),
]
"""Rent, bills, accounting and billing: $6,750.00 a month; rent alone is $4,200.00 ($600.00 a share over seven)."""

MEMBERS = [f[0] for f in FOUNDERS] + [NEWCOMER[0]]
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
    return render_founding(
        name="Larkspur Collective",
        founded=FOUNDED,
        entity={**ENTITY, "address": "27 Commons Way, Fairhaven, OR 97400", "formed_in": "Oregon"},
        terms=DEMO_TERMS,
        model="retention",
        providers=[
            {
                "id": i,
                "name": n,
                "practice": "Larkspur Collective Therapy LLC",
                "licence": lic,
                "email": f"{i.split('-')[0]}@larkspur.example",
                "start": FOUNDED.isoformat(),
            }
            for i, n, lic in FOUNDERS
        ],
        budget=[
            {
                "id": i,
                "name": n,
                "category": c,
                "monthly": m,
                "vendor": v,
                "cooperative_vendor": "Co-op" in v,
                "effective": "2027-01-01",
                "until": None,
            }
            for i, n, c, m, v in BUDGET
        ],
    )


def _revenue_file(name: str, months: list[int], skip: Callable[[str, int], bool]) -> Callable[[Path], None]:
    """A CSV of each working member's revenue for ``months`` of 2027 (the newcomer from February)."""

    def prepare(folder: Path) -> None:
        from engine.books.money import cents_to_decimal_text
        from engine.books.output import write_text

        lines = ["member,month,amount,note"]
        for m in months:
            for member, amount in MONTHLY_REVENUE.items():
                if not skip(member, m):
                    lines.append(f"{member},2027-{m:02d},{cents_to_decimal_text(amount + 1000 * m)},billing run")
        write_text(folder / name, "\n".join(lines) + "\n")

    return prepare


def _not_working(member: str, month: int) -> bool:
    """Kit joins in February; Maren is on leave March to August; March's revenue for Kit is recorded on its own."""
    return (member == NEWCOMER[0] and month == 1) or (member == ON_LEAVE and 3 <= month <= 8) or (member == NEWCOMER[0] and month == 3)


def _expenses_file(name: str, months: list[int]) -> Callable[[Path], None]:
    """Each line paid on the 20th; the billing service charged less than budgeted in the first half-year."""

    def prepare(folder: Path) -> None:
        from engine.books.money import cents_to_decimal_text
        from engine.books.output import write_text

        lines = ["line,amount,on,vendor,receipt"]
        for m in months:
            for line_id, _, _, monthly, _ in BUDGET:
                amount = monthly - 12000 if line_id == "billing" and m <= 6 else monthly
                lines.append(f"{line_id},{cents_to_decimal_text(amount)},2027-{m:02d}-20,,{line_id[:3].upper()}-2027{m:02d}")
        write_text(folder / name, "\n".join(lines) + "\n")

    return prepare


FIRST_HALF = [1, 2, 3, 4, 5, 6]
SECOND_HALF = [7, 8, 9, 10, 11, 12]

STEPS: list[Step] = [
    Step("Seven therapists' co-op, an LLC; the six founders are its owners:", ("status", "--as-of", "2027-01-01"), _at("2027-01-01")),
    Step("The rules the co-op runs on, from federation.yaml:", ("parameters",), _at("2027-01-01")),
    Step(
        "The first cycle's charge: an equal share of rent, bills, accounting and billing ($6,750.00 over six owners):",
        ("fees", "recalc", "2027-01"),
        _at("2027-01-02"),
    ),
    Step(
        "The co-op's own handbook (version 1), as Markdown and DOCX, every figure from the data above:",
        ("manual", "render", "1"),
        _at("2027-01-02"),
    ),
    Step(
        "A member agreement for each owner, from the same data (Markdown and DOCX, recorded in the journal):",
        ("contracts", "issue", "--all", "--on", "2027-01-02"),
        _at("2027-01-02"),
    ),
    *credential_steps(MEMBERS[:-1], "2027-01-03", "Each owner sets a voting credential:"),
    Step(
        "The owners consider a new member from 1 February (consensus, absent members have 7 days to object):",
        (
            "propose",
            "onboarding",
            NEWCOMER[0],
            "--name",
            NEWCOMER[1],
            "--practice",
            ENTITY["legal_name"],
            "--licence",
            NEWCOMER[2],
            "--email",
            "kit@larkspur.example",
            "--start",
            "2027-02-01",
            "--by",
            "odile-brandt",
        ),
        _at("2027-01-11", "odile-brandt"),
    ),
    *(_vote("2027-01-12", "P-1", m, "yes") for m in MEMBERS[:-1]),
    Step(
        "Everyone agreed: Kit joins on probation, and the charge is re-evaluated over seven:",
        ("proposal", "close", "P-1"),
        _at("2027-01-26"),
    ),
    Step("Kit's member agreement states her probation:", ("contracts", "issue", NEWCOMER[0], "--on", "2027-01-26"), _at("2027-01-26")),
    Step("Kit sets her credential:", ("member", "credential", "set", NEWCOMER[0]), _at("2027-02-01", NEWCOMER[0])),
    Step(
        "Maren takes family leave from 1 March to 31 August: she owes only her share of rent, the others cover the rest:",
        ("leave", "start", ON_LEAVE, "--from", "2027-03-01", "--until", "2027-08-31", "--kind", "family"),
        _at("2027-02-20"),
    ),
    Step(
        "January and February's revenue, from the billing runs:",
        ("revenue", "import", "{books}/revenue-2027-q1.csv"),
        _at("2027-03-05"),
        _revenue_file("revenue-2027-q1.csv", [1, 2, 3], _not_working),
    ),
    Step(
        "Kit records March's $8,000.00 herself: in probation, $800.00 goes to the co-op:",
        ("revenue", "record", NEWCOMER[0], "8000.00", "--month", "2027-03", "--note", "March sessions"),
        _at("2027-04-02"),
    ),
    Step(
        "Rent is a hardship for Maren; a member proposes that the co-op covers it:",
        (
            "propose",
            "rent-cover",
            "--member",
            ON_LEAVE,
            "--text",
            "Cover Maren's share of rent for the rest of her family leave",
            "--by",
            "jun-takeda",
        ),
        _at("2027-05-03", "jun-takeda"),
    ),
    *(_vote("2027-05-04", "P-2", m, "yes") for m in MEMBERS[:-1]),
    Step(
        "Consensus: her rent share is covered from May through August; the charge is re-evaluated:",
        ("proposal", "close", "P-2"),
        _at("2027-05-17"),
    ),
    Step(
        "The charge month by month, and why it changed (Maren's leave months are charged her rent share, then nothing):",
        ("fees", "show", "2027-01"),
        _at("2027-05-17"),
    ),
    Step(
        "April to June's revenue:",
        ("revenue", "import", "{books}/revenue-2027-q2.csv"),
        _at("2027-07-02"),
        _revenue_file("revenue-2027-q2.csv", [4, 5, 6], _not_working),
    ),
    Step(
        "The first half-year's shared expenses (billing cost less than budgeted):",
        ("expense", "import", "{books}/expenses-2027-h1.csv"),
        _at("2027-06-30"),
        _expenses_file("expenses-2027-h1.csv", FIRST_HALF),
    ),
    Step("The second cycle's charge, set on 1 July:", ("fees", "recalc", "2027-07"), _at("2027-07-01")),
    Step(
        "Closing the first cycle refunds what was over-collected:", ("cycle", "close", "2027-01", "--on", "2027-07-05"), _at("2027-07-05")
    ),
    Step("Who is an owner, who is in probation, and when the decision is due:", ("owners",), _at("2027-07-31")),
    Step("Nothing is due yet on 31 July:", ("due",), _at("2027-07-31")),
    Step(
        "On 1 August Kit's six months are up; the administrator's daily 'coop due' opens the membership decision:",
        ("due",),
        _at("2027-08-01"),
    ),
    Step("Kit does not vote on her own membership:", ("proposal", "show", "P-3"), _at("2027-08-01")),
    *(_vote("2027-08-03", "P-3", m, "yes") for m in MEMBERS[:-1]),
    Step("Full consensus of the owners: Kit is a member-owner:", ("proposal", "close", "P-3"), _at("2027-08-15")),
    Step("Running 'coop due' again opens nothing twice:", ("due",), _at("2027-08-16")),
    Step(
        "July to December's revenue (Kit's July still carries the levy; August on she keeps it all):",
        ("revenue", "import", "{books}/revenue-2027-h2.csv"),
        _at("2028-01-03"),
        _revenue_file("revenue-2027-h2.csv", SECOND_HALF, _not_working),
    ),
    Step(
        "The second half-year's shared expenses:",
        ("expense", "import", "{books}/expenses-2027-h2.csv"),
        _at("2027-12-31"),
        _expenses_file("expenses-2027-h2.csv", SECOND_HALF),
    ),
    Step("Closing the second cycle:", ("cycle", "close", "2027-07", "--on", "2028-01-05"), _at("2028-01-05")),
    Step(
        "Kit's annual statement: probation levy, then owner:",
        (
            "revenue",
            "statement",
            NEWCOMER[0],
            "--year",
            "2027",
            "--md",
            "{books}/statement-kit-2027.md",
            "--csv",
            "{books}/statement-kit-2027.csv",
            "--docx",
            "{books}/statement-kit-2027.docx",
        ),
        _at("2028-01-05"),
    ),
    Step(
        "Maren's annual statement: leave, rent share, then rent covered:",
        ("revenue", "statement", ON_LEAVE, "--year", "2027", "--md", "{books}/statement-maren-2027.md"),
        _at("2028-01-05"),
    ),
    Step(
        "What the co-op owes each member now (their revenue less their charges; negative: owed to them):",
        ("ledger", "arrears", "--as-of", "2028-01-05"),
        _at("2028-01-05"),
    ),
    Step("Every member's annual statement, as CSV, Markdown and DOCX:", ("revenue", "statements", "--year", "2027"), _at("2028-01-05")),
    Step(
        "The co-op pays Kit what it holds for her (a payout larger than that is refused):",
        ("payment", "payout", NEWCOMER[0], "72674.01", "--on", "2028-01-05", "--ref", "2027 revenue less shares"),
        _at("2028-01-05"),
    ),
    Step(
        "Every transaction balances, so the accounts sum to zero (the levy sits in the co-op's own income):",
        ("ledger", "balances", "--as-of", "2028-01-05"),
        _at("2028-01-05"),
    ),
    Step("The history checks out:", ("audit", "verify"), _at("2028-01-05")),
]
