"""The sample federation and the demo script.

``coop demo`` is the product's main job end to end: it founds a sample
federation of six invented practices and runs every capability, printing
each command as a user would type it. Each capability adds its steps here,
so the script stays one readable list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from engine.presets import render_founding

FOUNDED = date(2027, 1, 1)

PARENT = {
    "legal_name": "Juniper Street Counseling PLLC",
    "principal": "Rowan Ellery",
    "principal_id": "rowan-ellery",
}

PROVIDERS = [
    ("rowan-ellery", "Rowan Ellery", "Juniper Street Counseling PLLC", "LPC-40117", "rowan@juniperstreet.example"),
    ("mara-quist", "Mara Quist", "Quist Family Therapy LLC", "LMFT-22815", "mara@quistfamily.example"),
    ("teo-abernathy", "Teo Abernathy", "Abernathy Psychotherapy PLLC", "LCSW-31904", "teo@abernathy.example"),
    ("imani-castell", "Imani Castell", "Castell Counseling Services LLC", "LPC-40562", "imani@castell.example"),
    ("noor-haddad", "Noor Haddad", "Haddad Trauma Therapy PLLC", "LCSW-32288", "noor@haddadtherapy.example"),
    ("wes-okafor", "Wes Okafor", "Okafor Mind & Body LLC", "LMHC-18830", "wes@okaformb.example"),
]

BUDGET = [
    ("software", "Practice-management and telehealth software", "software", 39000, "Ledgerleaf Health Systems", False),
    ("admin", "Part-time administrator (20 h/week)", "admin_staff", 260000, "Payroll via Commonwealth Payroll Co-op", True),
    ("bookkeeping", "Bookkeeping", "bookkeeping", 35000, "Tally Cooperative Bookkeepers", True),
    ("insurance", "Group professional liability insurance", "insurance", 30000, "Harborline Mutual", False),
    ("ce-fund", "Continuing-education fund", "education", 24000, "Held by the parent for CE events", False),
]


def founding_text() -> str:
    """The demo federation's ``federation.yaml``."""
    return render_founding(
        name="Juniper Street Therapy Co-Op",
        founded=FOUNDED,
        parent=PARENT,
        providers=[
            {"id": i, "name": n, "practice": p, "licence": lic, "email": e, "start": FOUNDED.isoformat()} for i, n, p, lic, e in PROVIDERS
        ],
        budget=[
            {
                "id": i,
                "name": n,
                "category": c,
                "monthly": m,
                "vendor": v,
                "cooperative_vendor": coop,
                "effective": FOUNDED.isoformat(),
                "until": None,
            }
            for i, n, c, m, v, coop in BUDGET
        ],
    )


@dataclass(frozen=True)
class Step:
    """One thing the demo does: a sentence for people, then a coop command."""

    say: str
    args: tuple[str, ...]
    """The command's arguments; ``{books}`` stands for the demo's books folder."""
    prepare: Callable[[Path], None] | None = None
    """Writes a file the command reads (e.g. a CSV of a half-year's payments) into the books folder."""


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


def _payments_file(cycle_id: str) -> Callable[[Path], None]:
    """Every provider pays each month's charge on the 5th (the late payer misses June, then clears it in July)."""

    def prepare(folder: Path) -> None:
        from datetime import timedelta

        from engine.books import open_books
        from engine.cycles import parse_cycle
        from engine.fees import charges
        from engine.ledger import provider_balances
        from engine.output import write_text

        books = open_books(folder)
        try:
            cycle = parse_cycle(cycle_id, books.federation.cycle)
            lines = ["provider,amount,on,ref"]
            owed = provider_balances(books, cycle.first_day - timedelta(days=1))
            if owed.get(LATE_PAYER, 0) > 0:
                lines.append(f"{LATE_PAYER},{_units(owed[LATE_PAYER])},{cycle.first_day.replace(day=12)},arrears")
            for pid, row in sorted(charges(books, cycle).items()):
                for month, amount in zip(cycle.months, row, strict=True):
                    if amount and not (pid == LATE_PAYER and month.month == 6):
                        lines.append(f"{pid},{_units(amount)},{month.first.replace(day=5)},fee {month}")
        finally:
            books.close()
        write_text(folder / f"payments-{cycle_id}.csv", "\n".join(lines) + "\n")

    return prepare


def _expenses_file(cycle_id: str) -> Callable[[Path], None]:
    """Each monthly line is paid on the 20th; the CE fund by event; plus any one-off costs."""

    def prepare(folder: Path) -> None:
        from engine.output import write_text

        year, month = int(cycle_id[:4]), int(cycle_id[5:])
        lines = ["line,amount,on,vendor,receipt"]
        for i in range(6):
            day = date(year, month + i, 20)
            for line_id, _, _, monthly, _, _ in BUDGET:
                amount = 286000 if line_id == "admin" and day >= date(2027, 4, 1) else monthly
                if line_id != "ce-fund":
                    lines.append(f"{line_id},{_units(amount)},{day},,{line_id[:3].upper()}-{day:%Y%m}")
        for on, amount in CE_SPENDING[cycle_id]:
            lines.append(f"ce-fund,{_units(amount)},{on},Riverbend Training Cooperative,CE-{on.replace('-', '')}")
        for line_id, amount, on, receipt, _ in EXTRA_EXPENSES[cycle_id]:
            lines.append(f"{line_id},{_units(amount)},{on},,{receipt}")
        write_text(folder / f"expenses-{cycle_id}.csv", "\n".join(lines) + "\n")

    return prepare


def _units(cents: int) -> str:
    from engine.money import cents_to_decimal_text

    return cents_to_decimal_text(cents)


_FEES_SHOW = ("fees", "show", "2027-01")

STEPS: list[Step] = [
    Step("The founding roster, budget and fee cycle:", ("status", "--as-of", "2027-01-01")),
    Step("Providers in the federation:", ("provider", "list", "--as-of", "2027-01-01")),
    Step(
        "The first cycle's fee: the budget over the provider-months, rounded up to the cent:",
        ("fees", "recalc", "2027-01"),
    ),
    Step(
        "A new provider joins on 1 March (recorded in the journal):",
        (
            "provider",
            "join",
            "lena-marsh",
            "--name",
            "Lena Marsh",
            "--practice",
            "Marsh Counseling LLC",
            "--licence",
            "LPC-41290",
            "--email",
            "lena@marshcounseling.example",
            "--on",
            "2027-03-01",
        ),
    ),
    Step(
        "The administrator's hours go up from 1 April (a dated budget change):",
        ("budget", "set", "admin", "--monthly", "2860.00", "--from", "2027-04-01", "--note", "22 h/week from April"),
    ),
    Step(
        "A provider leaves on 31 May, which anyone may do at any time:",
        ("provider", "leave", "wes-okafor", "--on", "2027-05-31", "--reason", "Relocating out of state"),
    ),
    Step("Each staffing change re-evaluated the fee for the rest of the cycle; month by month, and why:", _FEES_SHOW),
    Step("The federation as of 1 June:", ("status", "--as-of", "2027-06-01")),
    Step("Everything that happened so far, in order:", ("journal", "list")),
    Step(
        "Half a year of fee payments (Teo misses June):", ("payment", "import", "{books}/payments-2027-01.csv"), _payments_file("2027-01")
    ),
    Step(
        "Half a year of shared expenses (the CE fund is underspent):",
        ("expense", "import", "{books}/expenses-2027-01.csv"),
        _expenses_file("2027-01"),
    ),
    Step("The second cycle's fee, set on 1 July:", ("fees", "recalc", "2027-07")),
    Step(
        "Closing the first cycle refunds its surplus; Teo's refund goes to his arrears first:",
        ("cycle", "close", "2027-01", "--on", "2027-07-10"),
    ),
    Step("Wes left in May; his final settlement:", ("statement", "wes-okafor", "2027-01")),
    Step(
        "The refund owed to Wes is paid out:", ("payment", "payout", "wes-okafor", "50.00", "--on", "2027-07-15", "--ref", "refund 2027-01")
    ),
    Step("What every provider may see about the first cycle:", ("report", "transparency", "2027-01")),
    Step(
        "The second half-year's payments (Teo clears his arrears):",
        ("payment", "import", "{books}/payments-2027-07.csv"),
        _payments_file("2027-07"),
    ),
    Step(
        "The second half-year's expenses (an insurance adjustment overspends):",
        ("expense", "import", "{books}/expenses-2027-07.csv"),
        _expenses_file("2027-07"),
    ),
    Step(
        "Closing the second cycle: its deficit is carried into the next cycle's budget:",
        ("cycle", "close", "2027-07", "--on", "2028-01-10"),
    ),
    Step("What every provider may see about the second cycle:", ("report", "transparency", "2027-07")),
    Step("The next cycle's fee includes the deficit carried forward:", ("fees", "recalc", "2028-01")),
    Step("The ledger balances: every transaction sums to zero, so the accounts do too:", ("ledger", "balances", "--as-of", "2028-01-10")),
    Step("The history checks out (a hash chain over every entry):", ("audit", "verify")),
]
