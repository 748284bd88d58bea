"""The federation's demo year: ``coop demo`` (the default model).

Six invented practices found a federation around a parent practice that
employs the shared staff. In the year a seventh provider is voted in, the
manual is amended (the first ballot fails quorum, the second passes), a
consensus matter is blocked, the administrator's hours go up, a provider
leaves, one provider pays June late, and both fee cycles close: the first
refunds a surplus, the second carries a deficit into the next fee. Each fee
notice goes out the day its fee is set, before the first month it governs is
charged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from engine.demo import script as script  # kept for `coop demo` until it asks engine.demo itself
from engine.demo.files import EXPENSE_HEADER, csv_text, expense_line, monthly_expenses, units
from engine.demo.founding import BudgetLine, Person, founding
from engine.demo.steps import Step, credential_steps, enrol, imported, on, onboarding, propose, vote, votes

FOUNDED = date(2027, 1, 1)

PARENT = {
    "legal_name": "Juniper Street Counseling PLLC",
    "principal": "Rowan Ellery",
    "principal_id": "rowan-ellery",
    "address": "418 Juniper Street, Suite 2, Fairhaven, OR 97400",
    "entity_type": "professional limited liability company",
    "formed_in": "Oregon",
}


PROVIDERS = [
    Person("rowan-ellery", "Rowan Ellery", "LPC-40117", "rowan@juniperstreet.example", "Juniper Street Counseling PLLC"),
    Person("mara-quist", "Mara Quist", "LMFT-22815", "mara@quistfamily.example", "Quist Family Therapy LLC"),
    Person("teo-abernathy", "Teo Abernathy", "LCSW-31904", "teo@abernathy.example", "Abernathy Psychotherapy PLLC"),
    Person("imani-castell", "Imani Castell", "LPC-40562", "imani@castell.example", "Castell Counseling Services LLC"),
    Person("noor-haddad", "Noor Haddad", "LCSW-32288", "noor@haddadtherapy.example", "Haddad Trauma Therapy PLLC"),
    Person("wes-okafor", "Wes Okafor", "LMHC-18830", "wes@okaformb.example", "Okafor Mind & Body LLC"),
]
NEWCOMER = Person("lena-marsh", "Lena Marsh", "LPC-41290", "lena@marshcounseling.example", "Marsh Counseling LLC", "2027-03-01")

BUDGET = [
    BudgetLine("software", "Practice-management and telehealth software", "software", 39000, "Ledgerleaf Health Systems", False),
    BudgetLine("admin", "Part-time administrator (20 h/week)", "admin_staff", 260000, "Payroll via Commonwealth Payroll Co-op", True),
    BudgetLine("bookkeeping", "Bookkeeping", "bookkeeping", 35000, "Tally Cooperative Bookkeepers", True),
    BudgetLine("insurance", "Group professional liability insurance", "insurance", 30000, "Harborline Mutual", False),
    BudgetLine("ce-fund", "Continuing-education fund", "education", 24000, "Held by the parent for CE events", False),
]


def founding_text() -> str:
    """The demo federation's ``federation.yaml``."""
    return founding(
        "Juniper Street Therapy Co-Op", FOUNDED, PROVIDERS, BUDGET, parent=PARENT, own_practices=True, client_records=("software",)
    )


def year() -> tuple[Callable[[], str], list[Step]]:
    """The federation's demo year, as the registry names it."""
    return founding_text, STEPS


# --- the fee engine's year ----------------------------------------------------------------

LATE_PAYER = "teo-abernathy"
"""Misses June's fee: the July refund settles part of it, and he pays the rest in July."""

EXTRA_EXPENSES = {
    "2027-01": [],
    "2027-07": [("insurance", 45000, "2027-10-20", "HM-2027-ADJ", "premium adjustment after the annual review")],
}
"""One-off costs beyond the monthly lines: the second half-year overspends, so its deficit is carried forward."""

CE_SPENDING = {"2027-01": [("2027-02-26", 60000), ("2027-05-21", 45000)], "2027-07": [("2027-09-24", 72000), ("2027-11-19", 72000)]}
"""The continuing-education fund is spent on events, not monthly: the first half-year underspends it."""


def _payments(cycle_id: str) -> Callable[[Path], str]:
    """Every provider pays each month's charge on the 5th (the late payer misses June, then clears it in July)."""

    def text(folder: Path) -> str:
        from engine.books.cycles import parse_cycle
        from engine.books.folder import open_books
        from engine.ledger.accounts import provider_balances
        from engine.ledger.fees import charges

        books = open_books(folder)
        try:
            cycle = parse_cycle(cycle_id, books.federation.cycle)
            rows = []
            owed = provider_balances(books, cycle.first_day - timedelta(days=1))
            if owed.get(LATE_PAYER, 0) > 0:
                rows.append(f"{LATE_PAYER},{units(owed[LATE_PAYER])},{cycle.first_day.replace(day=12)},arrears")
            for pid, row in sorted(charges(books, cycle).items()):
                for month, amount in zip(cycle.months, row, strict=True):
                    if amount and not (pid == LATE_PAYER and month.month == 6):
                        rows.append(f"{pid},{units(amount)},{month.first.replace(day=5)},fee {month}")
        finally:
            books.close()
        return csv_text("provider,amount,on,ref", rows)

    return text


def _paid(line: str, monthly: int, day: date) -> int | None:
    """The administrator's raise from April; the CE fund is not paid monthly."""
    if line == "ce-fund":
        return None
    return 286000 if line == "admin" and day >= date(2027, 4, 1) else monthly


def _expenses(cycle_id: str) -> str:
    """Each monthly line is paid on the 20th; the CE fund by event; plus any one-off costs."""
    year, first = int(cycle_id[:4]), int(cycle_id[5:])
    rows = monthly_expenses(BUDGET, year, range(first, first + 6), _paid)
    rows += [
        expense_line("ce-fund", amount, on, f"CE-{on.replace('-', '')}", "Riverbend Training Cooperative")
        for on, amount in CE_SPENDING[cycle_id]
    ]
    rows += [expense_line(line, amount, on, receipt) for line, amount, on, receipt, _ in EXTRA_EXPENSES[cycle_id]]
    return csv_text(EXPENSE_HEADER, rows)


# --- governance ----------------------------------------------------------------------

AMENDED_SECTION = "cooperation"
"""The manual section the demo amends (section 9 of the default manual)."""

AMENDED_TEXT = resources.files("manual").joinpath("demo", "cooperation_v2.md").read_text(encoding="utf-8")
"""The amended section: asks for cooperative quotes before any shared purchase."""

COOPERATION_V2 = AMENDED_TEXT

_AMENDMENT = ("propose", "manual-amendment", "--section", f"{AMENDED_SECTION}={{books}}/{AMENDED_SECTION}-v2.md")


def _write_amendment(folder: Path) -> None:
    """The proposed section text, as a member would hand it in: a file beside the books."""
    from engine.books.output import write_text

    write_text(folder / f"{AMENDED_SECTION}-v2.md", AMENDED_TEXT)


CREDENTIAL_STEPS = credential_steps(
    [p.id for p in PROVIDERS], "2027-01-04", "Each member sets their own voting credential (only a salted scrypt hash is kept):"
)

GOVERNANCE_STEPS: list[Step] = [
    onboarding(
        "2027-02-01",
        "A member proposes onboarding a new provider from 1 March (majority of votes cast, quorum half):",
        NEWCOMER,
        "mara-quist",
    ),
    *votes("2027-02-02", "P-1", ["rowan-ellery", "mara-quist"]),
    vote("2027-02-03", "P-1", "teo-abernathy", "no", "I would like to meet her first"),
    *votes("2027-02-03", "P-1", ["teo-abernathy", "imani-castell"]),
    vote("2027-02-04", "P-1", "noor-haddad", "no", "We are growing too fast"),
    on(
        "2027-02-05",
        "One member has not voted, but no ballot can change the outcome now, so it closes early; she joins:",
        *("proposal", "close", "P-1"),
    ),
    on(
        "2027-02-05",
        "Her joining re-sets the fee from March; everyone charged it hears before March is charged:",
        *("fees", "notices", "2027-01", "--from", "2027-03"),
    ),
    on("2027-02-05", "The ballots are open on this matter (a changed ballot stays on the record):", "proposal", "show", "P-1"),
    *enrol("2027-03-01", "lena-marsh", "The new member is invited, and sets her own credential:"),
    on(
        "2027-03-01",
        "A manual amendment (two thirds of votes cast, quorum half):",
        *_AMENDMENT,
        *("--summary", "Prefer cooperative vendors", "--deadline", "2027-03-14"),
        prepare=_write_amendment,
    ),
    *votes("2027-03-03", "P-2", ["mara-quist", "lena-marsh"]),
    on("2027-03-15", "Only 2 of 7 voted: no quorum, which is no decision (not a rejection):", "proposal", "close", "P-2"),
    on("2027-03-16", "The amendment is put again:", *_AMENDMENT, "--summary", "Prefer cooperative vendors"),
    *votes("2027-03-17", "P-3", ["rowan-ellery", "mara-quist", "teo-abernathy", "imani-castell", "lena-marsh"]),
    vote("2027-03-17", "P-3", "noor-haddad", "no", "The cost comparison is too vague"),
    on(
        "2027-03-18",
        "Five of seven said yes: two thirds is certain, so it closes and manual version 2 is adopted:",
        "proposal",
        "close",
        "P-3",
    ),
]
"""Governance: credentials, an onboarding vote, a manual amendment that fails quorum and then passes."""

CONSENSUS_STEPS: list[Step] = [
    propose(
        "2027-04-05",
        "A general matter, decided by consensus:",
        *("general", "--text", "Move the shared telehealth software to a cooperative vendor at renewal"),
    ),
    *votes("2027-04-06", "P-4", ["rowan-ellery", "mara-quist"]),
    vote("2027-04-07", "P-4", "teo-abernathy", "stand_aside"),
    vote("2027-04-07", "P-4", "imani-castell", "block", "Migrating client records mid-cycle puts care at risk; revisit in October"),
    on("2027-04-19", "Consensus never closes early; after the deadline, one block defeats it:", "proposal", "close", "P-4"),
]
"""A consensus proposal, blocked with a reason."""


# --- documents and the year -----------------------------------------------------------

DOCUMENT_STEPS: list[Step] = [
    on("2027-01-05", "The founding Co-Op Procedures manual (version 1), as Markdown and DOCX:", "manual", "render", "1"),
    on(
        "2027-01-05",
        "A provider services agreement for every provider, with a register (each issuance is recorded in the journal):",
        *("contracts", "issue", "--all", "--on", "2027-01-05"),
    ),
    on(
        "2027-01-05",
        "The shared software holds clients' records, so each provider's practice also gets a business associate agreement:",
        *("contracts", "issue", "--all", "--kind", "business-associate", "--on", "2027-01-05"),
    ),
    on("2027-01-07", "Providers sign and return theirs:", "contracts", "signed", "mara-quist", "--on", "2027-01-07"),
    *(
        on("2027-01-08", f"... and {m}:", "contracts", "signed", m, "--on", "2027-01-08")
        for m in ("rowan-ellery", "teo-abernathy", "imani-castell", "noor-haddad")
    ),
]
"""Documents at founding: the manual, an agreement per provider, signatures (one still outstanding)."""

REDLINE_STEPS: list[Step] = [
    on("2027-03-20", "The amended manual (version 2):", "manual", "render", "2"),
    on("2027-03-20", "The redline from version 1 to version 2:", "manual", "diff", "1", "2"),
    on(
        "2027-03-22",
        "Acknowledgments of version 2 for every provider who signed an agreement:",
        *("contracts", "issue", "--all", "--kind", "acknowledgment", "--on", "2027-03-22"),
    ),
    on("2027-03-22", "Who has signed what, and who still needs to:", "contracts", "status", "--as-of", "2027-03-22"),
]
"""Run after the vote that adopts ``COOPERATION_V2`` as version 2."""

ADMIN_CHANGE_STEPS: list[Step] = [
    on(
        "2027-03-25",
        "The administrator's hours go up from 1 April (a dated budget change to admin staffing re-evaluates the fee):",
        *("budget", "set", "admin", "--monthly", "2860.00", "--name", "Part-time administrator (22 h/week)"),
        *("--from", "2027-04-01", "--note", "22 h/week from April"),
    ),
    on("2027-03-25", "... and the fee notices for April, sent the same day:", "fees", "notices", "2027-01", "--from", "2027-04"),
]
"""A staffing change recorded by the administrator after the members agreed it."""

_TRANSPARENCY = "{books}/documents/reports/transparency-2027-01"

FEE_YEAR_STEPS: list[Step] = [
    on(
        "2027-05-10",
        "A provider leaves on 31 May, which anyone may do at any time, for any reason:",
        *("provider", "leave", "wes-okafor", "--on", "2027-05-31", "--reason", "Relocating out of state"),
    ),
    on(
        "2027-05-10",
        "Each staffing change re-evaluated the fee for the rest of the cycle; month by month, and why:",
        "fees",
        "show",
        "2027-01",
    ),
    on(
        "2027-05-10",
        "A fee notice for each provider charged the fee from June (old fee, new fee, why, from when), as Markdown and DOCX:",
        *("fees", "notices", "2027-01", "--from", "2027-06"),
    ),
    on("2027-06-01", "The federation as of 1 June:", "status", "--as-of", "2027-06-01"),
    imported("2027-06-30", "Half a year of fee payments (Teo misses June):", "payment", "payments-2027-01.csv", _payments("2027-01")),
    imported(
        "2027-06-30", "Half a year of shared expenses (the CE fund is underspent):", "expense", "expenses-2027-01.csv", _expenses("2027-01")
    ),
    on("2027-06-25", "The second cycle's fee, set before its first month is charged:", "fees", "recalc", "2027-07"),
    on("2027-06-25", "... and its fee notices:", "fees", "notices", "2027-07"),
    on(
        "2027-07-10",
        "Closing the first cycle refunds its surplus; Teo's refund goes to his arrears first:",
        *("cycle", "close", "2027-01", "--on", "2027-07-10"),
    ),
    on(
        "2027-07-10",
        "Every provider's statement for the first cycle (Wes, who left in May, gets his departure settlement letter):",
        *("statement", "--all", "2027-01"),
    ),
    on("2027-07-10", "Wes's final settlement, on screen:", "statement", "wes-okafor", "2027-01"),
    on(
        "2027-07-15",
        "The refund owed to Wes is paid out:",
        *("payment", "payout", "wes-okafor", "50.00", "--on", "2027-07-15", "--ref", "refund 2027-01"),
    ),
    on(
        "2027-07-15",
        "What every provider may see about the first cycle (also as Markdown and DOCX):",
        *("report", "transparency", "2027-01", "--md", f"{_TRANSPARENCY}.md", "--docx", f"{_TRANSPARENCY}.docx"),
    ),
    on(
        "2027-12-20",
        "The next cycle's fee, set before January is charged, on its budget alone (the second cycle has not closed):",
        *("fees", "recalc", "2028-01"),
    ),
    on("2027-12-20", "... and its fee notices, which say the second cycle's result comes later:", "fees", "notices", "2028-01"),
    imported(
        "2027-12-31", "The second half-year's payments (Teo clears his arrears):", "payment", "payments-2027-07.csv", _payments("2027-07")
    ),
    imported(
        "2027-12-31",
        "The second half-year's expenses (an insurance adjustment overspends):",
        *("expense", "expenses-2027-07.csv", _expenses("2027-07")),
    ),
    on(
        "2028-01-10",
        "Closing the second cycle: its deficit is carried into the next cycle, re-setting its fee from February:",
        *("cycle", "close", "2027-07", "--on", "2028-01-10"),
    ),
    on("2028-01-10", "Every provider's statement for the second cycle:", "statement", "--all", "2027-07"),
    on("2028-01-10", "What every provider may see about the second cycle:", "report", "transparency", "2027-07"),
    on("2028-01-10", "The fee from February includes the deficit carried forward:", "fees", "show", "2028-01"),
    on("2028-01-10", "... and its fee notices say so, before February is charged:", "fees", "notices", "2028-01", "--from", "2028-02"),
    on(
        "2028-01-10",
        "The ledger balances: every transaction sums to zero, so the accounts do too:",
        *("ledger", "balances", "--as-of", "2028-01-10"),
    ),
]
"""The fee engine's year: payments, expenses, both cycles closed, refunds, a deficit carried forward; notices and statements."""

STEPS: list[Step] = [
    on("2027-01-01", "The founding roster, budget and fee cycle:", "status", "--as-of", "2027-01-01"),
    on("2027-01-01", "The first cycle's fee: the budget over the provider-months, rounded up to the cent:", "fees", "recalc", "2027-01"),
    on("2027-01-01", "... and a fee notice to each provider, on the day before anything is charged:", "fees", "notices", "2027-01"),
    *CREDENTIAL_STEPS,
    *DOCUMENT_STEPS,
    *GOVERNANCE_STEPS,
    *REDLINE_STEPS,
    *ADMIN_CHANGE_STEPS,
    *CONSENSUS_STEPS,
    *FEE_YEAR_STEPS,
    on("2028-01-10", "Every proposal and where it stands:", "proposal", "list"),
    on("2028-01-10", "The history checks out (a hash chain over every entry, every ballot recounted):", "audit", "verify"),
]
