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
from pathlib import Path

from engine.books.presets import render_founding
from engine.models.federation.demo import DEMO_TERMS, Step, _at, budget_rows, credential_steps

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
    ("software", "Practice-management and telehealth software", "software", 42000, "Ledgerleaf Health Systems", False),
    ("bookkeeping", "Bookkeeping", "bookkeeping", 30000, "Tally Cooperative Bookkeepers", True),
    ("insurance", "Professional liability insurance", "insurance", 26000, "Harborline Mutual", False),
]


def founding_text() -> str:
    text = render_founding(
        name="Fernhollow Collective",
        founded=FOUNDED,
        entity={**ENTITY, "address": "27 Commons Way, Fairhaven, OR 97400", "formed_in": "Oregon"},
        terms=DEMO_TERMS,
        model="flat_pay",
        providers=[
            {
                "id": i,
                "name": n,
                "practice": CLINICAL if kind == "clinical" else ENTITY["legal_name"],
                "licence": lic,
                "email": f"{i}@fernhollow.example",
                "start": start,
            }
            for i, n, lic, start, _, kind in WORKERS
        ],
        budget=budget_rows(BUDGET, FOUNDED),
    )
    return text.replace("clinical_entity: the clinical practice", f"clinical_entity: {CLINICAL}", 1)


def _hours_file(name: str, months: range, half: int) -> Callable[[Path], None]:
    """Each worker's monthly hours (Kit's January is recorded by hand in the demo, so it is left out here)."""

    def prepare(folder: Path) -> None:
        from engine.books.output import write_text

        lines = ["member,month,hours,kind"]
        for month in months:
            first = date(2027, month, 1)
            for wid, _, _, start, per_month, kind in WORKERS:
                if first < date.fromisoformat(start) or (wid == LEAVER and first > LEFT_ON) or (wid == "kit-oduya" and month == 1):
                    continue
                hours = per_month[half] - (4 if wid == "sol-marin" and month == 3 else 0)  # Sol's leave week
                lines.append(f"{wid},2027-{month:02d},{hours},{kind}")
            if month in (4, 10):
                lines.append(f"wren-alder,2027-{month:02d},6.5,admin")  # quarterly bookkeeping review: work is work
        write_text(folder / name, "\n".join(lines) + "\n")

    return prepare


def _expenses_file(folder: Path) -> None:
    from engine.books.money import cents_to_decimal_text
    from engine.books.output import write_text

    lines = ["line,amount,on,vendor,receipt"]
    for month in range(1, 13):
        for line_id, _, _, monthly, _, _ in BUDGET:
            lines.append(f"{line_id},{cents_to_decimal_text(monthly)},2027-{month:02d}-20,,{line_id[:3].upper()}-2027{month:02d}")
    write_text(folder / "expenses-2027.csv", "\n".join(lines) + "\n")


def _vote(day: str, proposal: str, member: str, choice: str = "yes", reason: str = "") -> Step:
    args = ("vote", "cast", proposal, "--member", member, "--choice", choice) + (("--reason", reason) if reason else ())
    return Step(f"{day}: {member} votes {choice.replace('_', ' ')}:", args, _at(day, member))


STEPS: list[Step] = [
    Step(
        "The founding roster: five founders own the management entity from day one; Ines starts in February:",
        ("status", "--as-of", "2027-01-01"),
        _at("2027-01-01"),
    ),
    Step(
        "The dated parameters: $30 an hour before 2020, $40 from 2020; the $5,000 monthly management fee:",
        ("parameters",),
        _at("2027-01-01"),
    ),
    *credential_steps(FOUNDERS, "2027-01-04", "Each member sets their own voting credential:"),
    Step(
        "The co-op's manual (version 1), its own: two entities, no parent practice, no fees or refunds:",
        ("manual", "render", "1"),
        _at("2027-01-05"),
    ),
    Step(
        "A member agreement for every worker, from the same data:",
        ("agreement", "issue", "--all", "--on", "2027-01-05"),
        _at("2027-01-05"),
    ),
    Step("Ines starts in February and sets her credential:", ("member", "credential", "set", "ines-vale"), _at("2027-02-01", "ines-vale")),
    Step("... and receives her member agreement:", ("agreement", "issue", "ines-vale", "--on", "2027-02-01"), _at("2027-02-01")),
    Step(
        "Kit, the administrator, logs January's hours: an administrative hour pays the same as a clinical one,"
        " and the management entity pays it:",
        ("hours", "record", "kit-oduya", "60", "--month", "2027-01", "--kind", "admin"),
        _at("2027-02-01"),
    ),
    Step("What is coming up: the annual meeting in March:", ("reminders", "--as-of", "2027-02-15"), _at("2027-02-15")),
    Step("In March the status names the annual meeting as the next event:", ("status", "--as-of", "2027-03-01"), _at("2027-03-01")),
    Step(
        "Sol is ill and takes three days of unplanned leave from clinical work (the clinical entity pays it);"
        " the projected return date keeps everyone informed:",
        ("leave", "unplanned", "sol-marin", "--days", "3", "--on", "2027-03-08", "--return", "2027-03-11"),
        _at("2027-03-08"),
    ),
    Step(
        "Juno asks the collective to approve a very low rate for a client who lost work (consensus):",
        (
            "propose",
            "low-rate",
            "--client",
            "C-2027-014",
            "--member",
            "juno-pike",
            "--rate",
            "15.00",
            "--text",
            "Client out of work after an illness; $15 a session for three months",
            "--by",
            "juno-pike",
        ),
        _at("2027-04-05", "juno-pike"),
    ),
    *(_vote("2027-04-07", "P-1", m) for m in ("wren-alder", "sol-marin", "juno-pike", "kit-oduya")),
    _vote("2027-04-07", "P-1", "ines-vale", "stand_aside"),
    Step(
        "Tamsin missed the meeting: consensus is provisional until she is consulted (7 days):",
        ("proposal", "close", "P-1"),
        _at("2027-04-19"),
    ),
    Step(
        "She raises no objection, so after the window it is final and the rate is recorded:",
        ("proposal", "close", "P-1"),
        _at("2027-04-27"),
    ),
    Step("The approved low rates (a client reference, never a name):", ("low-rates",), _at("2027-04-27")),
    Step(
        "A raise to $42 an hour from July, proposed by consensus as a parameter change:",
        ("propose", "parameter-change", "hourly_rate", "42.00", "--from", "2027-07-01", "--by", "wren-alder"),
        _at("2027-06-01", "wren-alder"),
    ),
    *(_vote("2027-06-03", "P-2", m) for m in MEMBERS),
    Step("Everyone agreed; it passes after the deadline:", ("proposal", "close", "P-2"), _at("2027-06-15")),
    Step("The rate is now dated data: $42 from July, and the leave day pay follows it:", ("parameters",), _at("2027-06-15")),
    Step(
        "Half a year of everyone's hours, imported at once (all rows or none):",
        ("hours", "import", "{books}/hours-2027-h1.csv"),
        _at("2027-07-01"),
        _hours_file("hours-2027-h1.csv", range(1, 7), 0),
    ),
    Step(
        "June's hours, open to every member (transparency), each with the entity that pays it:",
        ("hours", "list", "--month", "2027-06"),
        _at("2027-07-02"),
    ),
    Step("Ines reaches six months on 1 August:", ("reminders", "--as-of", "2027-07-20"), _at("2027-07-20")),
    Step(
        "Her membership is proposed (no buy-in):",
        ("propose", "membership", "--member", "ines-vale", "--text", "Ines becomes a member-owner after six months", "--by", "sol-marin"),
        _at("2027-07-26", "sol-marin"),
    ),
    *(_vote("2027-07-28", "P-3", m) for m in MEMBERS if m != "ines-vale"),
    Step(
        "Consensus of every other member (Ines is recused on her own membership): she is an owner from the decision:",
        ("proposal", "close", "P-3"),
        _at("2027-08-09"),
    ),
    Step(
        "Kit misses a day of administrative work with a sick child: the management entity pays this leave day:",
        ("leave", "unplanned", "kit-oduya", "--days", "1", "--on", "2027-09-13", "--return", "2027-09-14", "--kind", "admin"),
        _at("2027-09-13"),
    ),
    Step(
        "Tamsin leaves at the end of October (anyone may leave at any time):",
        ("provider", "leave", LEAVER, "--on", LEFT_ON.isoformat(), "--reason", "Moving to another city"),
        _at("2027-10-01"),
    ),
    Step(
        "Juno's child-care crisis: two days of unplanned leave at the new day pay:",
        ("leave", "unplanned", "juno-pike", "--days", "2", "--on", "2027-11-15", "--return", "2027-11-17"),
        _at("2027-11-15"),
    ),
    Step(
        "The second half-year's hours:",
        ("hours", "import", "{books}/hours-2027-h2.csv"),
        _at("2028-01-03"),
        _hours_file("hours-2027-h2.csv", range(7, 13), 1),
    ),
    Step(
        "The year's shared expenses (software, bookkeeping, insurance), paid by the management entity:",
        ("expense", "import", "{books}/expenses-2027.csv"),
        _at("2028-01-03"),
        _expenses_file,
    ),
    Step("The year is over: the close is due:", ("reminders", "--as-of", "2028-01-05"), _at("2028-01-05")),
    Step(
        "Closing 2027: the management entity's surplus goes to the owners' capital accounts by all hours worked; Tamsin is paid out:",
        ("capital", "close", "2027", "--on", "2028-01-10"),
        _at("2028-01-10"),
    ),
    Step("The capital accounts after the close:", ("capital", "accounts"), _at("2028-01-10")),
    Step(
        "Tamsin's annual statement (her account paid out on leaving):",
        ("annual-statement", LEAVER, "2027"),
        _at("2028-01-10"),
    ),
    Step(
        "Kit's annual statement: every hour paid by the management entity:",
        ("annual-statement", "kit-oduya", "2027"),
        _at("2028-01-10"),
    ),
    Step(
        "Wren's annual statement, also as CSV, Markdown and DOCX: paid by both entities:",
        (
            "annual-statement",
            "wren-alder",
            "2027",
            "--csv",
            "{books}/documents/statement-wren-alder-2027.csv",
            "--md",
            "{books}/documents/statement-wren-alder-2027.md",
            "--docx",
            "{books}/documents/statement-wren-alder-2027.docx",
        ),
        _at("2028-01-10"),
    ),
    Step(
        "The ledger balances: every transaction sums to zero, the clinical entity's payments under clinical:",
        ("ledger", "balances", "--as-of", "2028-01-10"),
        _at("2028-01-10"),
    ),
    Step("The history checks out:", ("audit", "verify"), _at("2028-01-10")),
]
