"""``coop demo --model session_split``: a year of a three-member co-op that splits each session 70/30.

Three invented pre-licensed clinicians found the co-op; every month they
hold sessions, the co-op pays its licensing, supervision, software and
state fees from its 30%, and each quarter what is left is paid out to them.
During the year they vote to contract a new supervisor, to send one of them
to EMDR training from the surplus, to induct a fourth member, and to change
their software. The year ends with each member's annual statement.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from engine.demo.files import EXPENSE_HEADER, csv_text, expense_line, monthly_expenses
from engine.demo.founding import BudgetLine, Person, founding
from engine.demo.steps import Step, credential_steps, enrol, imported, on, onboarding, outputs, propose, vote, votes

FOUNDED = date(2027, 1, 1)
ENTITY = {"legal_name": "Cedar Mesa Counseling Cooperative LLC", "structure": "LLC"}

MEMBERS = [
    Person("ines-marlow", "Ines Marlow", "LPCC associate 10482 (supervised)", "ines@cedarmesa.example"),
    Person("dario-flint", "Dario Flint", "LMSW 22917 (supervised)", "dario@cedarmesa.example"),
    Person("kay-oyelaran", "Kay Oyelaran", "LMHC associate 30551 (supervised)", "kay@cedarmesa.example"),
]
NEWCOMER = Person("rafa-quell", "Rafa Quell", "LMSW 23340 (supervised)", "rafa@cedarmesa.example", ENTITY["legal_name"], "2027-08-01")

BUDGET = [
    BudgetLine("licensing", "Licensing and renewal fees", "licensing", 15000, "State counseling and social work boards", False),
    BudgetLine("supervision", "Contracted clinical supervision", "supervision", 90000, "Dr. Alma Verity, LPCC-S", False),
    BudgetLine("software", "Therapy software (records and telehealth)", "software", 18000, "Saltbush Health Software", False),
    BudgetLine("state-fees", "State fees (registration and filings)", "state_fees", 6000, "State revenue and corporations offices", False),
]
SUPERVISION_FROM_MARCH = 105000
SOFTWARE_FROM_OCTOBER = 15000


def founding_text() -> str:
    return founding("Cedar Mesa Counseling Co-Op", FOUNDED, MEMBERS, BUDGET, ENTITY["legal_name"], entity=ENTITY, model="session_split")


def year() -> tuple[Callable[[], str], list[Step]]:
    """The session split co-op's demo year, as the registry names it."""
    return founding_text, STEPS


# --- a quarter's sessions and expenses, written as the CSVs the co-op would import ------------


def _members_on(day: date) -> list[str]:
    ids = [m.id for m in MEMBERS]
    return [*ids, NEWCOMER.id] if day.isoformat() >= NEWCOMER.start else ids


def _weekdays(year: int, month: int) -> list[date]:
    day, out = date(year, month, 1), []
    while day.month == month:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def session_rows(year: int, month: int) -> list[tuple[str, int, date, str]]:
    """Each member's sessions in a month: most at $120, some at a $90 sliding-scale rate, fewer in December."""
    rows = []
    days = _weekdays(year, month)
    for i, member in enumerate(_members_on(date(year, month, 1))):
        count = 30 + (month * 7 + i * 5) % 11 - (8 if month == 12 else 0)
        for n in range(count):
            fee = 9000 if n % 6 == 5 else 12000
            rows.append((member, fee, days[(n + i) % len(days)], f"{member[:3]}-{year}{month:02d}-{n + 1:02d}"))
    return sorted(rows, key=lambda r: (r[2], r[0], r[3]))


def _sessions(quarter: str) -> str:
    from engine.models.session_split.sessions import write_sessions_csv

    year, first = int(quarter[:4]), int(quarter[5:])
    return write_sessions_csv([r for m in range(first, first + 3) for r in session_rows(year, m)])


EXTRA_EXPENSES = {"2027-10": [("licensing", 42000, "2027-11-12", "BOARD-RENEW-2027", "licence renewals for four members")]}


def _paid(line: str, monthly: int, day: date) -> int:
    """Each line at the amount in force after the votes: the new supervisor from March, the new software from October."""
    if line == "supervision" and day.month >= 3:
        return SUPERVISION_FROM_MARCH
    return SOFTWARE_FROM_OCTOBER if line == "software" and day.month >= 10 else monthly


def _expenses(quarter: str) -> str:
    """Each line's monthly cost paid on the 20th; plus one-offs."""
    year, first = int(quarter[:4]), int(quarter[5:])
    rows = monthly_expenses(BUDGET, year, range(first, first + 3), _paid, tag=4)
    rows += [expense_line(line, amount, on, receipt) for line, amount, on, receipt, _ in EXTRA_EXPENSES.get(quarter, [])]
    return csv_text(EXPENSE_HEADER, rows)


def _quarter(quarter: str, last_day: str, say_sessions: str, say_expenses: str) -> list[Step]:
    return [
        imported(last_day, say_sessions, "session", f"sessions-{quarter}.csv", _sessions(quarter)),
        imported(last_day, say_expenses, "expense", f"expenses-{quarter}.csv", _expenses(quarter)),
    ]


def _close(quarter: str, on_day: str, say: str, payday: str) -> list[Step]:
    """The quarter's close, then payday: each member is paid their 70% shares and their payout."""
    return [
        on(on_day, say, "payout", "quarter", quarter, "--on", on_day),
        on(
            payday,
            "Payday: each member is paid what the co-op owes them, their shares of the quarter's sessions and their payout:",
            *("payout", "members", "--on", payday, "--ref", f"pay {quarter}"),
        ),
    ]


def _statement(member: Person) -> Step:
    stem = f"{{books}}/statement-{member.id}-2027"
    return on(
        "2028-01-07", f"{member.name}'s annual statement:", "member", "statement", member.id, "2027", *outputs(stem, "csv", "md", "docx")
    )


_IDS = [m.id for m in MEMBERS]

STEPS: list[Step] = [
    on("2027-01-01", "Three pre-licensed clinicians found the co-op: its members, budget and quarters:", "status", "--as-of", "2027-01-01"),
    on("2027-01-01", "The split of each session is a dated parameter, changed only by vote:", "parameters"),
    *credential_steps(_IDS, "2027-01-02", "Each member sets their own voting credential:"),
    on("2027-01-04", "The co-op's own manual (version 1), as Markdown and DOCX:", "manual", "render", "1"),
    on(
        "2027-01-04",
        "A member agreement for each member-owner, from the same figures:",
        "member",
        "agreement",
        "--all",
        "--on",
        "2027-01-04",
    ),
    on(
        "2027-01-04",
        "The seed's own figures: a $120 session pays the clinician $84 and the co-op $36:",
        *("session", "record", "ines-marlow", "120.00", "--on", "2027-01-04", "--ref", "ine-opening"),
    ),
    on(
        "2027-01-05",
        "A fee that splits to half a cent each way: the rotation keyed to the session's number decides the odd cent:",
        *("session", "record", "dario-flint", "120.05", "--on", "2027-01-05", "--ref", "dar-late-fee"),
    ),
    *_quarter(
        "2027-01",
        "2027-03-31",
        "January to March: every session, imported from a CSV (all rows or none):",
        "The quarter's expenses, each against its budget line:",
    ),
    propose(
        "2027-02-22",
        "Dario proposes contracting a new group supervisor from the decision date, at $1,050.00 a month:",
        *("supervisor", "--text", "Contract Dr. Nadia Orchard for weekly group and individual supervision"),
        *("--vendor", "Dr. Nadia Orchard, LCSW (supervisor)", "--amount", "1050.00"),
        by="dario-flint",
    ),
    *votes("2027-02-23", "P-1", ["dario-flint", "ines-marlow"]),
    vote("2027-02-24", "P-1", "kay-oyelaran", "no", "I would rather keep Dr. Verity until summer"),
    on(
        "2027-03-01",
        "Two of three votes cast are yes (one member, one vote, majority): the supervision line changes:",
        *("proposal", "close", "P-1"),
    ),
    on("2027-03-01", "The budget now names the new supervisor:", "budget", "list", "--as-of", "2027-03-01"),
    *_close(
        "2027-01", "2027-04-05", "The first quarter closes: the co-op's share less expenses is paid out to its three owners:", "2027-04-06"
    ),
    *_quarter("2027-04", "2027-06-30", "April to June: the quarter's sessions:", "... and its expenses:"),
    propose(
        "2027-05-10",
        "Ines proposes sending Kay to EMDR basic training, paid from this quarter's surplus:",
        *("surplus-use", "--text", "Send Kay Oyelaran to EMDR basic training (weekends 1 and 2)"),
        *("--member", "kay-oyelaran", "--amount", "1850.00"),
        by="ines-marlow",
    ),
    *votes("2027-05-11", "P-2", ["ines-marlow", "dario-flint"]),
    vote("2027-05-12", "P-2", "kay-oyelaran"),
    on("2027-05-12", "Carried: $1,850.00 is committed against the quarter's surplus, in the ledger:", "proposal", "close", "P-2"),
    on(
        "2027-05-20",
        "The training institute's invoice is paid from the commitment:",
        *("payout", "spend", "P-2", "1850.00", "--on", "2027-05-20", "--receipt", "EMDR-2027-0412"),
        *("--vendor", "Sandia EMDR Training Institute"),
    ),
    on("2027-05-20", "What the members have committed from the surplus, and spent:", "payout", "commitments"),
    *_close("2027-04", "2027-07-06", "The second quarter closes: the training is taken out before the payout:", "2027-07-07"),
    onboarding("2027-07-12", "Kay proposes inducting a fourth clinician from 1 August:", NEWCOMER, "kay-oyelaran"),
    *votes("2027-07-13", "P-3", _IDS),
    on("2027-07-14", "Every member voted yes: Rafa is inducted from 1 August:", "proposal", "close", "P-3"),
    *enrol("2027-08-01", NEWCOMER.id, "The new member is invited, and sets his own credential:"),
    on("2027-08-01", "... and receives his member agreement:", "member", "agreement", NEWCOMER.id, "--on", "2027-08-01"),
    *_quarter("2027-07", "2027-09-30", "July to September: four members' sessions from August:", "... and the quarter's expenses:"),
    propose(
        "2027-09-27",
        "Rafa proposes moving to a cooperative records and telehealth platform at $150.00 a month:",
        *("software", "--text", "Move records and telehealth to the Commons Clinical platform (a cooperative) from October"),
        *("--vendor", "Commons Clinical Cooperative", "--amount", "150.00"),
        by="rafa-quell",
    ),
    *votes("2027-09-28", "P-4", ["rafa-quell", "ines-marlow"]),
    vote("2027-09-29", "P-4", "dario-flint", "abstain"),
    vote("2027-09-29", "P-4", "kay-oyelaran", "no", "Migrating records mid-year is a risk"),
    on("2027-10-01", "Two yes, one no, one abstention: a majority of the votes cast:", "proposal", "close", "P-4"),
    *_close("2027-07", "2027-10-05", "The third quarter closes: Rafa shares by his days as an owner (61 of 92):", "2027-10-06"),
    *_quarter(
        "2027-10",
        "2027-12-31",
        "October to December: fewer sessions over the holidays:",
        "... and the quarter's expenses, with four licence renewals:",
    ),
    *_close("2027-10", "2028-01-06", "The fourth quarter closes:", "2028-01-07"),
    on(
        "2028-01-07",
        "Every session of the year is in the ledger; the accounts balance to zero:",
        *("ledger", "balances", "--as-of", "2028-01-07"),
    ),
    *(_statement(m) for m in [*MEMBERS, NEWCOMER]),
    on("2028-01-07", "Every proposal and where it stands:", "proposal", "list"),
    on("2028-01-07", "The history checks out:", "audit", "verify"),
]
