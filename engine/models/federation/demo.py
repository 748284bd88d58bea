"""The sample federation and the demo script.

``coop demo`` is the product's main job end to end: it founds a sample
federation of six invented practices and runs every capability, printing
each command as a user would type it. Each capability adds its steps here,
so the script stays one readable list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from engine.books.presets import render_founding

FOUNDED = date(2027, 1, 1)

PARENT = {
    "legal_name": "Juniper Street Counseling PLLC",
    "principal": "Rowan Ellery",
    "principal_id": "rowan-ellery",
    "address": "418 Juniper Street, Suite 2, Fairhaven, OR 97400",
    "entity_type": "professional limited liability company",
    "formed_in": "Oregon",
}

DEMO_TERMS = {
    "governing_law": "the State of Oregon",
    "venue": "the circuit court for Lane County, Oregon",
    "disputes": [
        {"step": "talk", "days": 21},
        {"step": "mediation", "days": 45, "by": "Willamette Community Mediation"},
        {"step": "arbitration", "days": 0, "by": "a single arbitrator the parties choose together"},
    ],
    "payment": {"due_day": 5, "method": "bank transfer to the shared account named in writing", "grace_days": 10, "settle_within_days": 30},
    "insurance": [
        {"who": "holder", "cover": "general liability insurance for the shared office and services", "minimum": "1000000.00"},
        {"who": "holder", "cover": "cyber liability insurance for the shared software", "minimum": "500000.00"},
        {"who": "signer", "cover": "professional liability insurance for their own clinical work", "minimum": "1000000.00"},
    ],
    "liability_cap_months": 12,
    "withdrawal_notice_days": 120,
    "breach_notice_days": 5,
}
"""Invented agreement terms for the demo books (no real firm's wording)."""

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
            {
                "id": i,
                "name": n,
                "practice": p,
                "licence": lic,
                "email": e,
                "start": FOUNDED.isoformat(),
                "address": f"{100 + 10 * k} Alder Row, Fairhaven, OR 97400",
                "entity_type": "professional limited liability company" if p.endswith("PLLC") else "limited liability company",
                "formed_in": "Oregon",
            }
            for k, (i, n, p, lic, e) in enumerate(PROVIDERS)
        ],
        budget=[{**b, "client_records": b["id"] == "software"} for b in budget_rows(BUDGET, FOUNDED)],
        terms=DEMO_TERMS,
    )


@dataclass(frozen=True)
class Step:
    """One thing the demo does: a sentence for people, then a coop command."""

    say: str
    args: tuple[str, ...]
    """The command's arguments; ``{books}`` stands for the demo's books folder."""
    env: dict[str, str] = field(default_factory=dict)
    """Environment for this step only: COOP_NOW dates it, COOP_CREDENTIAL is a member's vote."""
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

        from engine.books.cycles import parse_cycle
        from engine.books.folder import open_books
        from engine.books.output import write_text
        from engine.ledger.accounts import provider_balances
        from engine.ledger.fees import charges

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
        from engine.books.output import write_text

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
    from engine.books.money import cents_to_decimal_text

    return cents_to_decimal_text(cents)


# --- governance ----------------------------------------------------------------------


def _at(day: str, member: str | None = None) -> dict[str, str]:
    """A step dated ``day``; with ``member``, that member's demo credential (the vote still checks it)."""
    env = {"COOP_NOW": f"{day}T09:00:00"}
    if member is not None:
        env["COOP_CREDENTIAL"] = f"demo-{member}-secret"
    return env


def _vote(day: str, proposal: str, member: str, choice: str, reason: str = "") -> Step:
    args = ("vote", "cast", proposal, "--member", member, "--choice", choice) + (("--reason", reason) if reason else ())
    return Step(f"{day}: {member} votes {choice.replace('_', ' ')}:", args, _at(day, member))


AMENDED_SECTION = "cooperation"
"""The manual section the demo amends (section 9 of the default manual)."""

AMENDED_TEXT = resources.files("manual").joinpath("demo", "cooperation_v2.md").read_text(encoding="utf-8")
"""The amended section: asks for cooperative quotes before any shared purchase."""

_MEMBERS = [p[0] for p in PROVIDERS]


def _write_amendment(folder: Path) -> None:
    """The proposed section text, as a member would hand it in: a file beside the books."""
    from engine.books.output import write_text

    write_text(folder / f"{AMENDED_SECTION}-v2.md", AMENDED_TEXT)


def credential_steps(members: list[str], day: str, say: str = "Each member sets their own voting credential:") -> list[Step]:
    """Each member setting their own credential on ``day`` (every model's demo starts with these)."""
    return [Step(say if i == 0 else f"... and {m}:", ("member", "credential", "set", m), _at(day, m)) for i, m in enumerate(members)]


def budget_rows(budget: list[tuple[str, str, str, int, str, bool]], founded: date) -> list[dict[str, object]]:
    """A demo's budget lines ``(id, name, category, cents, vendor, co-op vendor)`` as the founding template takes them."""
    return [
        {
            "id": i,
            "name": n,
            "category": c,
            "monthly": m,
            "vendor": v,
            "cooperative_vendor": coop,
            "effective": founded.isoformat(),
            "until": None,
        }
        for i, n, c, m, v, coop in budget
    ]


CREDENTIAL_STEPS = credential_steps(
    _MEMBERS, "2027-01-04", "Each member sets their own voting credential (only a salted scrypt hash is kept):"
)

GOVERNANCE_STEPS: list[Step] = [
    Step(
        "A member proposes onboarding a new provider from 1 March (majority of votes cast, quorum half):",
        (
            "propose",
            "onboarding",
            "lena-marsh",
            "--name",
            "Lena Marsh",
            "--practice",
            "Marsh Counseling LLC",
            "--licence",
            "LPC-41290",
            "--email",
            "lena@marshcounseling.example",
            "--start",
            "2027-03-01",
            "--by",
            "mara-quist",
        ),
        _at("2027-02-01", "mara-quist"),
    ),
    _vote("2027-02-02", "P-1", "rowan-ellery", "yes"),
    _vote("2027-02-02", "P-1", "mara-quist", "yes"),
    _vote("2027-02-03", "P-1", "teo-abernathy", "no", "I would like to meet her first"),
    _vote("2027-02-03", "P-1", "teo-abernathy", "yes"),
    _vote("2027-02-03", "P-1", "imani-castell", "yes"),
    _vote("2027-02-04", "P-1", "noor-haddad", "no", "We are growing too fast"),
    Step(
        "One member has not voted, but no ballot can change the outcome now, so it closes early; she joins:",
        ("proposal", "close", "P-1"),
        _at("2027-02-05"),
    ),
    Step("The ballots are open on this matter (a changed ballot stays on the record):", ("proposal", "show", "P-1"), _at("2027-02-05")),
    Step("The new member sets her credential:", ("member", "credential", "set", "lena-marsh"), _at("2027-03-01", "lena-marsh")),
    Step(
        "A manual amendment (two thirds of votes cast, quorum half):",
        (
            "propose",
            "manual-amendment",
            "--section",
            f"{AMENDED_SECTION}={{books}}/{AMENDED_SECTION}-v2.md",
            "--summary",
            "Prefer cooperative vendors",
            "--deadline",
            "2027-03-14",
        ),
        _at("2027-03-01"),
        _write_amendment,
    ),
    _vote("2027-03-03", "P-2", "mara-quist", "yes"),
    _vote("2027-03-03", "P-2", "lena-marsh", "yes"),
    Step("Only 2 of 7 voted: no quorum, which is no decision (not a rejection):", ("proposal", "close", "P-2"), _at("2027-03-15")),
    Step(
        "The amendment is put again:",
        (
            "propose",
            "manual-amendment",
            "--section",
            f"{AMENDED_SECTION}={{books}}/{AMENDED_SECTION}-v2.md",
            "--summary",
            "Prefer cooperative vendors",
        ),
        _at("2027-03-16"),
    ),
    *(_vote("2027-03-17", "P-3", m, "yes") for m in ("rowan-ellery", "mara-quist", "teo-abernathy", "imani-castell", "lena-marsh")),
    _vote("2027-03-17", "P-3", "noor-haddad", "no", "The cost comparison is too vague"),
    Step(
        "Five of seven said yes: two thirds is certain, so it closes and manual version 2 is adopted:",
        ("proposal", "close", "P-3"),
        _at("2027-03-18"),
    ),
]
"""Governance: credentials, an onboarding vote, a manual amendment that fails quorum and then passes."""

CONSENSUS_STEPS: list[Step] = [
    Step(
        "A general matter, decided by consensus:",
        ("propose", "general", "--text", "Move the shared telehealth software to a cooperative vendor at renewal"),
        _at("2027-04-05"),
    ),
    _vote("2027-04-06", "P-4", "rowan-ellery", "yes"),
    _vote("2027-04-06", "P-4", "mara-quist", "yes"),
    _vote("2027-04-07", "P-4", "teo-abernathy", "stand_aside"),
    _vote("2027-04-07", "P-4", "imani-castell", "block", "Migrating client records mid-cycle puts care at risk; revisit in October"),
    Step("Consensus never closes early; after the deadline, one block defeats it:", ("proposal", "close", "P-4"), _at("2027-04-19")),
]
"""A consensus proposal, blocked with a reason."""


# --- documents and the year -----------------------------------------------------------

DOCUMENT_STEPS: list[Step] = [
    Step("The founding Co-Op Procedures manual (version 1), as Markdown and DOCX:", ("manual", "render", "1"), _at("2027-01-05")),
    Step(
        "A provider services agreement for every provider, with a register (each issuance is recorded in the journal):",
        ("contracts", "issue", "--all", "--on", "2027-01-05"),
        _at("2027-01-05"),
    ),
    Step(
        "The shared software holds clients' records, so each provider's practice also gets a business associate agreement:",
        ("contracts", "issue", "--all", "--kind", "business-associate", "--on", "2027-01-05"),
        _at("2027-01-05"),
    ),
    Step("Providers sign and return theirs:", ("contracts", "signed", "mara-quist", "--on", "2027-01-07"), _at("2027-01-07")),
    *(
        Step(f"... and {m}:", ("contracts", "signed", m, "--on", "2027-01-08"), _at("2027-01-08"))
        for m in ("rowan-ellery", "teo-abernathy", "imani-castell", "noor-haddad")
    ),
]
"""Documents at founding: the manual, an agreement per provider, signatures (one still outstanding)."""

COOPERATION_V2 = AMENDED_TEXT

REDLINE_STEPS: list[Step] = [
    Step("The amended manual (version 2):", ("manual", "render", "2"), _at("2027-03-20")),
    Step("The redline from version 1 to version 2:", ("manual", "diff", "1", "2"), _at("2027-03-20")),
    Step(
        "Acknowledgments of version 2 for every provider who signed an agreement:",
        ("contracts", "issue", "--all", "--kind", "acknowledgment", "--on", "2027-03-22"),
        _at("2027-03-22"),
    ),
    Step("Who has signed what, and who still needs to:", ("contracts", "status", "--as-of", "2027-03-22"), _at("2027-03-22")),
]
"""Run after the vote that adopts ``COOPERATION_V2`` as version 2."""

_FEES_SHOW = ("fees", "show", "2027-01")

ADMIN_CHANGE_STEPS: list[Step] = [
    Step(
        "The administrator's hours go up from 1 April (a dated budget change to admin staffing re-evaluates the fee):",
        (
            "budget",
            "set",
            "admin",
            "--monthly",
            "2860.00",
            "--name",
            "Part-time administrator (22 h/week)",
            "--from",
            "2027-04-01",
            "--note",
            "22 h/week from April",
        ),
        _at("2027-03-25"),
    ),
]
"""A staffing change recorded by the administrator after the members agreed it."""

FEE_YEAR_STEPS: list[Step] = [
    Step(
        "A provider leaves on 31 May, which anyone may do at any time, for any reason:",
        ("provider", "leave", "wes-okafor", "--on", "2027-05-31", "--reason", "Relocating out of state"),
        _at("2027-05-10"),
    ),
    Step("Each staffing change re-evaluated the fee for the rest of the cycle; month by month, and why:", _FEES_SHOW, _at("2027-05-10")),
    Step(
        "A fee notice for each provider and each fee setting (old fee, new fee, why, from when), as Markdown and DOCX:",
        ("fees", "notices", "2027-01"),
        _at("2027-05-10"),
    ),
    Step("The federation as of 1 June:", ("status", "--as-of", "2027-06-01"), _at("2027-06-01")),
    Step(
        "Half a year of fee payments (Teo misses June):",
        ("payment", "import", "{books}/payments-2027-01.csv"),
        _at("2027-06-30"),
        _payments_file("2027-01"),
    ),
    Step(
        "Half a year of shared expenses (the CE fund is underspent):",
        ("expense", "import", "{books}/expenses-2027-01.csv"),
        _at("2027-06-30"),
        _expenses_file("2027-01"),
    ),
    Step("The second cycle's fee, set on 1 July:", ("fees", "recalc", "2027-07"), _at("2027-07-01")),
    Step("... and its fee notices:", ("fees", "notices", "2027-07"), _at("2027-07-01")),
    Step(
        "Closing the first cycle refunds its surplus; Teo's refund goes to his arrears first:",
        ("cycle", "close", "2027-01", "--on", "2027-07-10"),
        _at("2027-07-10"),
    ),
    Step(
        "Every provider's statement for the first cycle (Wes, who left in May, gets his departure settlement letter):",
        ("statement", "--all", "2027-01"),
        _at("2027-07-10"),
    ),
    Step("Wes's final settlement, on screen:", ("statement", "wes-okafor", "2027-01"), _at("2027-07-10")),
    Step(
        "The refund owed to Wes is paid out:",
        ("payment", "payout", "wes-okafor", "50.00", "--on", "2027-07-15", "--ref", "refund 2027-01"),
        _at("2027-07-15"),
    ),
    Step(
        "What every provider may see about the first cycle (also as Markdown and DOCX):",
        (
            "report",
            "transparency",
            "2027-01",
            "--md",
            "{books}/documents/reports/transparency-2027-01.md",
            "--docx",
            "{books}/documents/reports/transparency-2027-01.docx",
        ),
        _at("2027-07-15"),
    ),
    Step(
        "The second half-year's payments (Teo clears his arrears):",
        ("payment", "import", "{books}/payments-2027-07.csv"),
        _at("2027-12-31"),
        _payments_file("2027-07"),
    ),
    Step(
        "The second half-year's expenses (an insurance adjustment overspends):",
        ("expense", "import", "{books}/expenses-2027-07.csv"),
        _at("2027-12-31"),
        _expenses_file("2027-07"),
    ),
    Step(
        "Closing the second cycle: its deficit is carried into the next cycle's budget:",
        ("cycle", "close", "2027-07", "--on", "2028-01-10"),
        _at("2028-01-10"),
    ),
    Step("Every provider's statement for the second cycle:", ("statement", "--all", "2027-07"), _at("2028-01-10")),
    Step("What every provider may see about the second cycle:", ("report", "transparency", "2027-07"), _at("2028-01-10")),
    Step("The next cycle's fee includes the deficit carried forward:", ("fees", "recalc", "2028-01"), _at("2028-01-10")),
    Step("... and the fee notices say so:", ("fees", "notices", "2028-01"), _at("2028-01-10")),
    Step(
        "The ledger balances: every transaction sums to zero, so the accounts do too:",
        ("ledger", "balances", "--as-of", "2028-01-10"),
        _at("2028-01-10"),
    ),
]
"""The fee engine's year: payments, expenses, both cycles closed, refunds, a deficit carried forward; notices and statements."""

STEPS: list[Step] = [
    Step("The founding roster, budget and fee cycle:", ("status", "--as-of", "2027-01-01"), _at("2027-01-01")),
    Step(
        "The first cycle's fee: the budget over the provider-months, rounded up to the cent:",
        ("fees", "recalc", "2027-01"),
        _at("2027-01-02"),
    ),
    *CREDENTIAL_STEPS,
    *DOCUMENT_STEPS,
    *GOVERNANCE_STEPS,
    *REDLINE_STEPS,
    *ADMIN_CHANGE_STEPS,
    *CONSENSUS_STEPS,
    *FEE_YEAR_STEPS,
    Step("Every proposal and where it stands:", ("proposal", "list"), _at("2028-01-10")),
    Step("The history checks out (a hash chain over every entry, every ballot recounted):", ("audit", "verify"), _at("2028-01-10")),
]


DEMO_MODULES = {
    "federation": "engine.models.federation.demo",
    "retention": "engine.models.retention.demo",
    "flat_pay": "engine.models.flat_pay.demo",
    "session_split": "engine.models.session_split.demo",
}
"""Each co-op model's demo: a module with ``founding_text()`` and ``STEPS``, one readable script each."""


def script(model: str) -> tuple[Callable[[], str], list[Step]]:
    """The founding file and the steps of ``model``'s demo year."""
    import importlib

    try:
        module = importlib.import_module(DEMO_MODULES[model])
    except ModuleNotFoundError:
        from engine.errors import UserError

        raise UserError(f"there is no demo for the {model} model yet", field="--model") from None
    return module.founding_text, module.STEPS
