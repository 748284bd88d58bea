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
from pathlib import Path

from engine.books.presets import render_founding
from engine.models.federation.demo import DEMO_TERMS, Step, _at, _vote, budget_rows, credential_steps

FOUNDED = date(2027, 1, 1)
ENTITY = {"legal_name": "Cedar Mesa Counseling Cooperative LLC", "structure": "LLC"}

MEMBERS = [
    ("ines-marlow", "Ines Marlow", "LPCC associate 10482 (supervised)", "ines@cedarmesa.example"),
    ("dario-flint", "Dario Flint", "LMSW 22917 (supervised)", "dario@cedarmesa.example"),
    ("kay-oyelaran", "Kay Oyelaran", "LMHC associate 30551 (supervised)", "kay@cedarmesa.example"),
]
NEWCOMER = ("rafa-quell", "Rafa Quell", "LMSW 23340 (supervised)", "rafa@cedarmesa.example", date(2027, 8, 1))

BUDGET = [
    ("licensing", "Licensing and renewal fees", "licensing", 15000, "State counseling and social work boards", False),
    ("supervision", "Contracted clinical supervision", "supervision", 90000, "Dr. Alma Verity, LPCC-S", False),
    ("software", "Therapy software (records and telehealth)", "software", 18000, "Saltbush Health Software", False),
    ("state-fees", "State fees (registration and filings)", "state_fees", 6000, "State revenue and corporations offices", False),
]
SUPERVISION_FROM_MARCH = 105000
SOFTWARE_FROM_OCTOBER = 15000


def founding_text() -> str:
    return render_founding(
        name="Cedar Mesa Counseling Co-Op",
        founded=FOUNDED,
        entity={**ENTITY, "address": "27 Commons Way, Fairhaven, OR 97400", "formed_in": "Oregon"},
        terms=DEMO_TERMS,
        model="session_split",
        providers=[
            {"id": i, "name": n, "practice": ENTITY["legal_name"], "licence": lic, "email": e, "start": FOUNDED.isoformat()}
            for i, n, lic, e in MEMBERS
        ],
        budget=budget_rows(BUDGET, FOUNDED),
    )


# --- a quarter's sessions and expenses, written as the CSVs the co-op would import ------------


def _members_on(day: date) -> list[str]:
    ids = [m[0] for m in MEMBERS]
    return [*ids, NEWCOMER[0]] if day >= NEWCOMER[4] else ids


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


def _sessions_file(quarter: str) -> Callable[[Path], None]:
    def prepare(folder: Path) -> None:
        from engine.books.output import write_text
        from engine.models.session_split.sessions import write_sessions_csv

        year, first = int(quarter[:4]), int(quarter[5:])
        rows = [r for m in range(first, first + 3) for r in session_rows(year, m)]
        write_text(folder / f"sessions-{quarter}.csv", write_sessions_csv(rows))

    return prepare


EXTRA_EXPENSES = {"2027-10": [("licensing", 42000, "2027-11-12", "BOARD-RENEW-2027", "licence renewals for four members")]}


def _expenses_file(quarter: str) -> Callable[[Path], None]:
    """Each line's monthly cost paid on the 20th, at the amount in force after the votes; plus one-offs."""

    def prepare(folder: Path) -> None:
        from engine.books.money import cents_to_decimal_text
        from engine.books.output import write_text

        year, first = int(quarter[:4]), int(quarter[5:])
        lines = ["line,amount,on,vendor,receipt"]
        for month in range(first, first + 3):
            day = date(year, month, 20)
            for line_id, _, _, monthly, _, _ in BUDGET:
                if line_id == "supervision" and month >= 3:
                    monthly = SUPERVISION_FROM_MARCH
                if line_id == "software" and month >= 10:
                    monthly = SOFTWARE_FROM_OCTOBER
                lines.append(f"{line_id},{cents_to_decimal_text(monthly)},{day},,{line_id[:4].upper()}-{day:%Y%m}")
        for line_id, amount, on, receipt, _ in EXTRA_EXPENSES.get(quarter, []):
            lines.append(f"{line_id},{cents_to_decimal_text(amount)},{on},,{receipt}")
        write_text(folder / f"expenses-{quarter}.csv", "\n".join(lines) + "\n")

    return prepare


def _quarter(quarter: str, last_day: str, say_sessions: str, say_expenses: str) -> list[Step]:
    return [
        Step(say_sessions, ("session", "import", f"{{books}}/sessions-{quarter}.csv"), _at(last_day), _sessions_file(quarter)),
        Step(say_expenses, ("expense", "import", f"{{books}}/expenses-{quarter}.csv"), _at(last_day), _expenses_file(quarter)),
    ]


def _close(quarter: str, on: str, say: str, payday: str) -> list[Step]:
    """The quarter's close, then payday: each member is paid their 70% shares and their payout."""
    return [
        Step(say, ("payout", "quarter", quarter, "--on", on), _at(on)),
        Step(
            "Payday: each member is paid what the co-op owes them, their shares of the quarter's sessions and their payout:",
            ("payout", "members", "--on", payday, "--ref", f"pay {quarter}"),
            _at(payday),
        ),
    ]


_IDS = [m[0] for m in MEMBERS]

STEPS: list[Step] = [
    Step(
        "Three pre-licensed clinicians found the co-op: its members, budget and quarters:",
        ("status", "--as-of", "2027-01-01"),
        _at("2027-01-01"),
    ),
    Step("The split of each session is a dated parameter, changed only by vote:", ("parameters",), _at("2027-01-01")),
    *credential_steps(_IDS, "2027-01-02", "Each member sets their own voting credential:"),
    Step("The co-op's own manual (version 1), as Markdown and DOCX:", ("manual", "render", "1"), _at("2027-01-04")),
    Step(
        "A member agreement for each member-owner, from the same figures:",
        ("member", "agreement", "--all", "--on", "2027-01-04"),
        _at("2027-01-04"),
    ),
    Step(
        "The seed's own figures: a $120 session pays the clinician $84 and the co-op $36:",
        ("session", "record", "ines-marlow", "120.00", "--on", "2027-01-04", "--ref", "ine-opening"),
        _at("2027-01-04"),
    ),
    Step(
        "A fee that splits to half a cent each way: the rotation keyed to the session's number decides the odd cent:",
        ("session", "record", "dario-flint", "120.05", "--on", "2027-01-05", "--ref", "dar-late-fee"),
        _at("2027-01-05"),
    ),
    *_quarter(
        "2027-01",
        "2027-03-31",
        "January to March: every session, imported from a CSV (all rows or none):",
        "The quarter's expenses, each against its budget line:",
    ),
    Step(
        "Dario proposes contracting a new group supervisor from the decision date, at $1,050.00 a month:",
        (
            "propose",
            "supervisor",
            "--text",
            "Contract Dr. Nadia Orchard for weekly group and individual supervision",
            "--vendor",
            "Dr. Nadia Orchard, LCSW (supervisor)",
            "--amount",
            "1050.00",
            "--by",
            "dario-flint",
        ),
        _at("2027-02-22", "dario-flint"),
    ),
    _vote("2027-02-23", "P-1", "dario-flint", "yes"),
    _vote("2027-02-23", "P-1", "ines-marlow", "yes"),
    _vote("2027-02-24", "P-1", "kay-oyelaran", "no", "I would rather keep Dr. Verity until summer"),
    Step(
        "Two of three votes cast are yes (one member, one vote, majority): the supervision line changes:",
        ("proposal", "close", "P-1"),
        _at("2027-03-01"),
    ),
    Step("The budget now names the new supervisor:", ("budget", "list", "--as-of", "2027-03-01"), _at("2027-03-01")),
    *_close(
        "2027-01", "2027-04-05", "The first quarter closes: the co-op's share less expenses is paid out to its three owners:", "2027-04-06"
    ),
    *_quarter("2027-04", "2027-06-30", "April to June: the quarter's sessions:", "... and its expenses:"),
    Step(
        "Ines proposes sending Kay to EMDR basic training, paid from this quarter's surplus:",
        (
            "propose",
            "surplus-use",
            "--text",
            "Send Kay Oyelaran to EMDR basic training (weekends 1 and 2)",
            "--member",
            "kay-oyelaran",
            "--amount",
            "1850.00",
            "--by",
            "ines-marlow",
        ),
        _at("2027-05-10", "ines-marlow"),
    ),
    _vote("2027-05-11", "P-2", "ines-marlow", "yes"),
    _vote("2027-05-11", "P-2", "dario-flint", "yes"),
    _vote("2027-05-12", "P-2", "kay-oyelaran", "yes"),
    Step("Carried: $1,850.00 is committed against the quarter's surplus, in the ledger:", ("proposal", "close", "P-2"), _at("2027-05-12")),
    Step(
        "The training institute's invoice is paid from the commitment:",
        (
            "payout",
            "spend",
            "P-2",
            "1850.00",
            "--on",
            "2027-05-20",
            "--receipt",
            "EMDR-2027-0412",
            "--vendor",
            "Sandia EMDR Training Institute",
        ),
        _at("2027-05-20"),
    ),
    Step("What the members have committed from the surplus, and spent:", ("payout", "commitments"), _at("2027-05-20")),
    *_close("2027-04", "2027-07-06", "The second quarter closes: the training is taken out before the payout:", "2027-07-07"),
    Step(
        "Kay proposes inducting a fourth clinician from 1 August:",
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
            NEWCOMER[3],
            "--start",
            NEWCOMER[4].isoformat(),
            "--by",
            "kay-oyelaran",
        ),
        _at("2027-07-12", "kay-oyelaran"),
    ),
    *(_vote("2027-07-13", "P-3", m, "yes") for m in _IDS),
    Step("Every member voted yes: Rafa is inducted from 1 August:", ("proposal", "close", "P-3"), _at("2027-07-14")),
    Step("The new member sets his credential:", ("member", "credential", "set", NEWCOMER[0]), _at("2027-08-01", NEWCOMER[0])),
    Step("... and receives his member agreement:", ("member", "agreement", NEWCOMER[0], "--on", "2027-08-01"), _at("2027-08-01")),
    *_quarter("2027-07", "2027-09-30", "July to September: four members' sessions from August:", "... and the quarter's expenses:"),
    Step(
        "Rafa proposes moving to a cooperative records and telehealth platform at $150.00 a month:",
        (
            "propose",
            "software",
            "--text",
            "Move records and telehealth to the Commons Clinical platform (a cooperative) from October",
            "--vendor",
            "Commons Clinical Cooperative",
            "--amount",
            "150.00",
            "--by",
            "rafa-quell",
        ),
        _at("2027-09-27", "rafa-quell"),
    ),
    *(_vote("2027-09-28", "P-4", m, "yes") for m in ("rafa-quell", "ines-marlow")),
    _vote("2027-09-29", "P-4", "dario-flint", "abstain"),
    _vote("2027-09-29", "P-4", "kay-oyelaran", "no", "Migrating records mid-year is a risk"),
    Step("Two yes, one no, one abstention: a majority of the votes cast:", ("proposal", "close", "P-4"), _at("2027-10-01")),
    *_close("2027-07", "2027-10-05", "The third quarter closes: Rafa shares by his days as an owner (61 of 92):", "2027-10-06"),
    *_quarter(
        "2027-10",
        "2027-12-31",
        "October to December: fewer sessions over the holidays:",
        "... and the quarter's expenses, with four licence renewals:",
    ),
    *_close("2027-10", "2028-01-06", "The fourth quarter closes:", "2028-01-07"),
    Step(
        "Every session of the year is in the ledger; the accounts balance to zero:",
        ("ledger", "balances", "--as-of", "2028-01-07"),
        _at("2028-01-07"),
    ),
    *(
        Step(
            f"{name}'s annual statement:",
            (
                "member",
                "statement",
                mid,
                "2027",
                "--csv",
                f"{{books}}/statement-{mid}-2027.csv",
                "--md",
                f"{{books}}/statement-{mid}-2027.md",
                "--docx",
                f"{{books}}/statement-{mid}-2027.docx",
            ),
            _at("2028-01-07"),
        )
        for mid, name, *_ in [*MEMBERS, NEWCOMER]
    ),
    Step("Every proposal and where it stands:", ("proposal", "list"), _at("2028-01-07")),
    Step("The history checks out:", ("audit", "verify"), _at("2028-01-07")),
]
