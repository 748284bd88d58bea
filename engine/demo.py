"""The sample federation and the demo script.

``coop demo`` is the product's main job end to end: it founds a sample
federation of six invented practices and runs every capability, printing
each command as a user would type it. Each capability adds its steps here,
so the script stays one readable list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources

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
    env: dict[str, str] = field(default_factory=dict)
    """Environment for this step only, e.g. COOP_NOW to date it, COOP_CREDENTIAL for a member's vote."""


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
"""The manual section the demo amends; its id must match one in manual/ once the documents exist."""

AMENDED_TEXT = """# Cooperation among cooperatives

When two vendors offer the same service at comparable cost and quality, the
federation prefers the cooperative vendor. The administrator lists the
cooperative alternatives whenever a budget line comes up for renewal.
"""

_MEMBERS = [p[0] for p in PROVIDERS]

GOVERNANCE_STEPS: list[Step] = [
    *(
        Step(
            "Each member sets their own voting credential (only a salted scrypt hash is kept):" if i == 0 else f"... and {m}:",
            ("member", "credential", "set", m),
            _at("2027-01-04", m),
        )
        for i, m in enumerate(_MEMBERS)
    ),
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
            "--section-text",
            AMENDED_SECTION,
            AMENDED_TEXT,
            "--summary",
            "Prefer cooperative vendors",
            "--deadline",
            "2027-03-14",
        ),
        _at("2027-03-01"),
    ),
    _vote("2027-03-03", "P-2", "mara-quist", "yes"),
    _vote("2027-03-03", "P-2", "lena-marsh", "yes"),
    Step("Only 2 of 7 voted: no quorum, which is no decision (not a rejection):", ("proposal", "close", "P-2"), _at("2027-03-15")),
    Step(
        "The amendment is put again:",
        (
            "propose",
            "manual-amendment",
            "--section-text",
            AMENDED_SECTION,
            AMENDED_TEXT,
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
    Step("Every proposal and where it stands:", ("proposal", "list"), _at("2027-04-19")),
]
"""Governance: an onboarding vote, an amendment that fails quorum then passes, a blocked consensus proposal."""

STEPS: list[Step] = [
    Step("The founding roster, budget and fee cycle:", ("status", "--as-of", "2027-01-01")),
    Step("Providers in the federation:", ("provider", "list", "--as-of", "2027-01-01")),
    *GOVERNANCE_STEPS,
    Step(
        "The administrator's hours go up from 1 April (a dated budget change):",
        ("budget", "set", "admin", "--monthly", "2860.00", "--from", "2027-04-01", "--note", "22 h/week from April"),
    ),
    Step(
        "A provider leaves on 31 May, which anyone may do at any time:",
        ("provider", "leave", "wes-okafor", "--on", "2027-05-31", "--reason", "Relocating out of state"),
    ),
    Step("The federation as of 1 June:", ("status", "--as-of", "2027-06-01")),
    Step("Everything that happened, in order:", ("journal", "list")),
    Step("The history checks out (a hash chain over every entry):", ("audit", "verify")),
]


# --- documents ------------------------------------------------------------------------

DOCUMENT_STEPS: list[Step] = [
    Step("The founding Co-Op Procedures manual (version 1), as Markdown and DOCX:", ("manual", "render", "1")),
    Step(
        "A provider services agreement for every provider active on 1 June, with a register (recorded in the journal):",
        ("contracts", "issue", "--all", "--on", "2027-06-01"),
    ),
    Step("Two providers sign and return theirs:", ("contracts", "signed", "mara-quist", "--on", "2027-06-03")),
    Step("And another:", ("contracts", "signed", "teo-abernathy", "--on", "2027-06-04")),
    Step("Who has signed what, and who still needs to:", ("contracts", "status", "--as-of", "2027-06-05")),
    Step("The manual's versions (v1's text and SHA-256 were fixed at the first issuance):", ("manual", "versions")),
]

COOPERATION_V2 = resources.files("manual").joinpath("demo", "cooperation_v2.md").read_text(encoding="utf-8")
"""The demo's amendment to section ``cooperation``: governance proposes it, and once the vote
passes ``manual_versions.adopt`` records it as version 2; then ``REDLINE_STEPS`` run."""

REDLINE_STEPS: list[Step] = [
    Step("The amended manual (version 2):", ("manual", "render", "2")),
    Step("The redline from version 1 to version 2:", ("manual", "diff", "1", "2")),
    Step(
        "Acknowledgments of version 2 for every provider:",
        ("contracts", "issue", "--all", "--kind", "acknowledgment", "--on", "2027-08-01"),
    ),
    Step("Who now needs to sign what:", ("contracts", "status", "--as-of", "2027-08-01")),
]
"""Run after the governance steps that adopt ``COOPERATION_V2`` (effective 1 August 2027)."""

STEPS += DOCUMENT_STEPS
