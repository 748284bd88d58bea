"""The flat-pay co-op's demo year: one hourly rate for all labour, consensus, capital accounts.

An invented co-op modelled on the case study: six workers (four clinicians
full- or part-time, a part-time administrator paid the same rate, and a
clinician who starts a month after the founding), a management entity all
members own, and a clinical practice that pays it the preset's monthly
management fee ($5,000, the case study's figure). The clinical practice pays
clinical hours; the management entity pays the administrator's hours (its
main cost), a clinician's occasional bookkeeping review and the shared
expenses, and its surplus goes to the capital accounts by all hours worked.
The steps run in date order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from engine.demo.files import EXPENSE_HEADER, csv_text, monthly_expenses
from engine.demo.founding import BudgetLine, Person, founding
from engine.demo.steps import Step, credential_steps, enrol, imported, on, outputs, propose, vote, votes

FOUNDED = date(2027, 1, 1)
ENTITY = {"legal_name": "Fernhollow Collective LLC", "structure": "LLC"}
CLINICAL = "Fernhollow Psychological Services PLLC"

WORKERS = [
    # id, name, licence, start, monthly hours (first half, second half), kind
    ("wren-alder", "Wren Alder", "PsyD-0417", "2027-01-01", (150, 150), "clinical"),
    ("sol-marin", "Sol Marin", "LCSW-5521", "2027-01-01", (140, 140), "clinical"),
    ("juno-pike", "Juno Pike", "LMSW-8830", "2027-01-01", (140, 136), "clinical"),
    ("tamsin-reyes", "Tamsin Reyes", "LMSW-9102", "2027-01-01", (80, 80), "clinical"),
    ("kit-oduya", "Kit Oduya", "n/a (administrator)", "2027-01-01", (60, 60), "admin"),
    ("ines-vale", "Ines Vale", "LMSW-9977", "2027-02-01", (100, 120), "clinical"),
]
LEAVER, LEFT_ON = "tamsin-reyes", date(2027, 10, 31)
MEMBERS = [w[0] for w in WORKERS]
FOUNDERS = [w[0] for w in WORKERS if w[3] == FOUNDED.isoformat()]

BUDGET = [
    BudgetLine("software", "Practice-management and telehealth software", "software", 42000, "Ledgerleaf Health Systems", False),
    BudgetLine("bookkeeping", "Bookkeeping", "bookkeeping", 30000, "Tally Cooperative Bookkeepers", True),
    BudgetLine("insurance", "Professional liability insurance", "insurance", 26000, "Harborline Mutual", False),
]


def founding_text() -> str:
    people = [
        Person(i, n, lic, f"{i}@fernhollow.example", CLINICAL if kind == "clinical" else ENTITY["legal_name"], start)
        for i, n, lic, start, _, kind in WORKERS
    ]
    text = founding("Fernhollow Collective", FOUNDED, people, BUDGET, entity=ENTITY, model="flat_pay")
    return text.replace("clinical_entity: the clinical practice", f"clinical_entity: {CLINICAL}", 1)


def year() -> tuple[Callable[[], str], list[Step]]:
    """The flat-pay co-op's demo year, as the registry names it."""
    return founding_text, STEPS


def _hours(months: range, half: int) -> str:
    """Each worker's monthly hours (Kit's January is recorded by hand in the demo, so it is left out here)."""
    rows = []
    for month in months:
        first = date(2027, month, 1)
        for wid, _, _, start, per_month, kind in WORKERS:
            if first < date.fromisoformat(start) or (wid == LEAVER and first > LEFT_ON) or (wid == "kit-oduya" and month == 1):
                continue
            hours = per_month[half] - (4 if wid == "sol-marin" and month == 3 else 0)  # Sol's leave week
            rows.append(f"{wid},2027-{month:02d},{hours},{kind}")
        if month in (4, 10):
            rows.append(f"wren-alder,2027-{month:02d},6.5,admin")  # quarterly bookkeeping review: work is work
    return csv_text("member,month,hours,kind", rows)


_STATEMENT = "{books}/documents/statement-wren-alder-2027"

STEPS: list[Step] = [
    on(
        "2027-01-01",
        "The founding roster: five founders own the management entity from day one; Ines starts in February:",
        *("status", "--as-of", "2027-01-01"),
    ),
    on("2027-01-01", "The dated parameters: $30 an hour before 2020, $40 from 2020; the $5,000 monthly management fee:", "parameters"),
    *credential_steps(FOUNDERS, "2027-01-04", "Each member sets their own voting credential:"),
    on(
        "2027-01-05",
        "The co-op's manual (version 1), its own: two entities, no parent practice, no fees or refunds:",
        "manual",
        "render",
        "1",
    ),
    on("2027-01-05", "A member agreement for every worker, from the same data:", "agreement", "issue", "--all", "--on", "2027-01-05"),
    *enrol("2027-02-01", "ines-vale", "Ines starts in February; she is invited and sets her own credential:"),
    on("2027-02-01", "... and receives her member agreement:", "agreement", "issue", "ines-vale", "--on", "2027-02-01"),
    on(
        "2027-02-01",
        "Kit, the administrator, logs January's hours: an administrative hour pays the same as a clinical one,"
        " and the management entity pays it:",
        *("hours", "record", "kit-oduya", "60", "--month", "2027-01", "--kind", "admin"),
    ),
    on("2027-02-15", "What is coming up: the annual meeting in March:", "reminders", "--as-of", "2027-02-15"),
    on("2027-03-01", "In March the status names the annual meeting as the next event:", "status", "--as-of", "2027-03-01"),
    on(
        "2027-03-08",
        "Sol is ill and takes three days of unplanned leave from clinical work (the clinical entity pays it);"
        " the projected return date keeps everyone informed:",
        *("leave", "unplanned", "sol-marin", "--days", "3", "--on", "2027-03-08", "--return", "2027-03-11"),
    ),
    propose(
        "2027-04-05",
        "Juno asks the collective to approve a very low rate for a client who lost work (consensus):",
        *("low-rate", "--client", "C-2027-014", "--member", "juno-pike", "--rate", "15.00"),
        *("--text", "Client out of work after an illness; $15 a session for three months"),
        by="juno-pike",
    ),
    *votes("2027-04-07", "P-1", ["wren-alder", "sol-marin", "juno-pike", "kit-oduya"]),
    vote("2027-04-07", "P-1", "ines-vale", "stand_aside"),
    on("2027-04-19", "Tamsin missed the meeting: consensus is provisional until she is consulted (7 days):", "proposal", "close", "P-1"),
    on("2027-04-27", "She raises no objection, so after the window it is final and the rate is recorded:", "proposal", "close", "P-1"),
    on("2027-04-27", "The approved low rates (a client reference, never a name):", "low-rates"),
    propose(
        "2027-06-01",
        "A raise to $42 an hour from July, proposed by consensus as a parameter change:",
        *("parameter-change", "hourly_rate", "42.00", "--from", "2027-07-01"),
        by="wren-alder",
    ),
    *votes("2027-06-03", "P-2", MEMBERS),
    on("2027-06-15", "Everyone agreed; it passes after the deadline:", "proposal", "close", "P-2"),
    on("2027-06-15", "The rate is now dated data: $42 from July, and the leave day pay follows it:", "parameters"),
    imported(
        "2027-07-01",
        "Half a year of everyone's hours, imported at once (all rows or none):",
        "hours",
        "hours-2027-h1.csv",
        _hours(range(1, 7), 0),
    ),
    on(
        "2027-07-02",
        "June's hours, open to every member (transparency), each with the entity that pays it:",
        "hours",
        "list",
        "--month",
        "2027-06",
    ),
    on("2027-07-20", "Ines reaches six months on 1 August:", "reminders", "--as-of", "2027-07-20"),
    propose(
        "2027-07-26",
        "Her membership is proposed (no buy-in):",
        *("membership", "--member", "ines-vale", "--text", "Ines becomes a member-owner after six months"),
        by="sol-marin",
    ),
    *votes("2027-07-28", "P-3", [m for m in MEMBERS if m != "ines-vale"]),
    on(
        "2027-08-09",
        "Consensus of every other member (Ines is recused on her own membership): she is an owner from the decision:",
        *("proposal", "close", "P-3"),
    ),
    on(
        "2027-09-13",
        "Kit misses a day of administrative work with a sick child: the management entity pays this leave day:",
        *("leave", "unplanned", "kit-oduya", "--days", "1", "--on", "2027-09-13", "--return", "2027-09-14", "--kind", "admin"),
    ),
    on(
        "2027-10-01",
        "Tamsin leaves at the end of October (anyone may leave at any time):",
        *("provider", "leave", LEAVER, "--on", LEFT_ON.isoformat(), "--reason", "Moving to another city"),
    ),
    on(
        "2027-11-15",
        "Juno's child-care crisis: two days of unplanned leave at the new day pay:",
        *("leave", "unplanned", "juno-pike", "--days", "2", "--on", "2027-11-15", "--return", "2027-11-17"),
    ),
    imported("2028-01-03", "The second half-year's hours:", "hours", "hours-2027-h2.csv", _hours(range(7, 13), 1)),
    imported(
        "2028-01-03",
        "The year's shared expenses (software, bookkeeping, insurance), paid by the management entity:",
        *("expense", "expenses-2027.csv", csv_text(EXPENSE_HEADER, monthly_expenses(BUDGET, 2027, range(1, 13)))),
    ),
    on("2028-01-05", "The year is over: the close is due:", "reminders", "--as-of", "2028-01-05"),
    on(
        "2028-01-10",
        "Closing 2027: the management entity's surplus goes to the owners' capital accounts by all hours worked; Tamsin is paid out:",
        *("capital", "close", "2027", "--on", "2028-01-10"),
    ),
    on("2028-01-10", "The capital accounts after the close:", "capital", "accounts"),
    on("2028-01-10", "Tamsin's annual statement (her account paid out on leaving):", "annual-statement", LEAVER, "2027"),
    on("2028-01-10", "Kit's annual statement: every hour paid by the management entity:", "annual-statement", "kit-oduya", "2027"),
    on(
        "2028-01-10",
        "Wren's annual statement, also as CSV, Markdown and DOCX: paid by both entities:",
        *("annual-statement", "wren-alder", "2027", *outputs(_STATEMENT, "csv", "md", "docx")),
    ),
    on(
        "2028-01-10",
        "The ledger balances: every transaction sums to zero, the clinical entity's payments under clinical:",
        *("ledger", "balances", "--as-of", "2028-01-10"),
    ),
    on("2028-01-10", "The history checks out:", "audit", "verify"),
]
