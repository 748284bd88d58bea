"""``coop propose``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from engine.errors import UserError
from terminal.params import DATE, MEMBER, MONEY, books_as
from terminal.recorded import records


def _propose_options(f: Any) -> Any:
    f = click.option("--deadline", type=DATE, default=None, help="Last day of voting (default: the rule's voting period).")(f)
    f = click.option(
        "--by", "by", type=MEMBER, default=None, help="The proposing member (asks for their credential); default: the administrator."
    )(f)
    f = click.option("--title", default=None, help="A short title (default: made from the fields).")(f)
    return records(click.pass_context(f))


def _open(
    ctx: click.Context, matter: str, data: dict[str, Any], title: str | None, default_title: str, by: str | None, deadline: date | None
) -> None:
    from engine.books.rules import Matter
    from engine.governance.credentials import check
    from engine.governance.proposals import ADMINISTRATOR, open_proposal

    books, secret = books_as(ctx, by)
    if by is not None:
        check(books, by, secret)
    p = open_proposal(books, Matter(matter), data, title=title or default_title, proposer=by or ADMINISTRATOR, deadline=deadline)
    click.echo(f"Opened {p.label}: {p.title} ({matter.replace('_', ' ')})")
    click.echo(f"Rule: {p.rule.describe()}")
    if p.voting_opens > p.opened_on:
        click.echo(f"Voting opens {p.voting_opens} after the notice period and runs through {p.deadline}.")
    else:
        click.echo(f"Voting is open through {p.deadline}; {len(p.eligible or ())} members may vote.")
    for who, why in (p.recused or {}).items():
        click.echo(f"Recused: {who} ({why})")


@click.group()
def propose() -> None:
    """Open a proposal for the members to decide (one subcommand per kind of matter)."""


@propose.command("onboarding")
@click.argument("provider_id", type=MEMBER)
@click.option("--name", required=True)
@click.option("--practice", required=True, help="The provider's own practice's legal name.")
@click.option("--licence", required=True)
@click.option("--email", required=True)
@click.option("--start", type=DATE, required=True, help="First day of membership if approved.")
@_propose_options
def propose_onboarding(
    ctx: click.Context, provider_id: str, start: date, title: str | None, by: str | None, deadline: date | None, **kw: str
) -> None:
    """Propose onboarding a new provider."""
    data = {"provider": {"id": provider_id, "start": start, **kw}}
    _open(ctx, "onboarding", data, title, f"Onboard {kw['name']}", by, deadline)


@propose.command("termination")
@click.argument("provider_id", type=MEMBER)
@click.option("--last-day", type=DATE, required=True, help="The provider's last day if the termination passes.")
@click.option(
    "--grounds",
    type=click.Choice(["refusal", "manual_failure"]),
    required=True,
    help="Refusal to follow the manual, or excessive failure to.",
)
@click.option("--statement", required=True, help="The written grounds, given to the provider as notice.")
@_propose_options
def propose_termination(
    ctx: click.Context,
    provider_id: str,
    last_day: date,
    grounds: str,
    statement: str,
    title: str | None,
    by: str | None,
    deadline: date | None,
) -> None:
    """Propose terminating a provider's contract (they are recused, get notice and a response period)."""
    data = {"provider": provider_id, "last_day": last_day, "grounds": grounds, "statement": statement}
    _open(ctx, "termination", data, title, f"Terminate {provider_id}'s contract", by, deadline)


def _budget_command(matter: str, doc: str) -> None:
    @propose.command(matter.replace("_", "-"), help=doc)
    @click.argument("line_id")
    @click.option("--from", "effective", type=DATE, required=True, help="Date the change takes effect.")
    @click.option("--monthly", type=MONEY, default=None, help="New monthly amount.")
    @click.option("--until", type=DATE, default=None, help="Last day the line is in force.")
    @click.option("--name", default=None)
    @click.option("--category", default=None)
    @click.option("--vendor", default=None)
    @_propose_options
    def command(
        ctx: click.Context, line_id: str, effective: date, title: str | None, by: str | None, deadline: date | None, **changes: Any
    ) -> None:
        given = {k: v for k, v in changes.items() if v is not None}
        if not given:
            raise UserError("say what changes", field="--monthly", expected="--monthly, --until, --name, --category or --vendor")
        data = {"line": line_id, "effective": effective, "changes": given}
        _open(ctx, matter, data, title, f"{matter.replace('_', ' ').capitalize()}: {line_id} from {effective}", by, deadline)


_budget_command("admin_staffing", "Propose a change to admin staffing (a dated admin budget line).")


_budget_command("admin_pay", "Propose a change to admin pay (a dated admin budget line).")


_budget_command("budget_change", "Propose a change to any budget line (or a new line).")


@propose.command("manual-amendment")
@click.option("--section", "sections", multiple=True, metavar="ID=FILE", help="A manual section and the file with its new Markdown.")
@click.option("--section-text", "texts", multiple=True, nargs=2, metavar="ID TEXT", help="A manual section and its new Markdown, inline.")
@click.option("--summary", required=True, help="What the amendment changes, in a sentence.")
@click.option("--effective", type=DATE, default=None, help="Date the new version takes effect (default: the day it passes).")
@_propose_options
def propose_manual(
    ctx: click.Context,
    sections: tuple[str, ...],
    texts: tuple[tuple[str, str], ...],
    summary: str,
    effective: date | None,
    title: str | None,
    by: str | None,
    deadline: date | None,
) -> None:
    """Propose amending the Co-Op Procedures manual: new text for one or more sections."""
    if not sections and not texts:
        raise UserError("say which sections change", field="--section", expected="--section ID=FILE or --section-text ID TEXT")
    changes = dict(texts)
    for spec in sections:
        section, sep, path = spec.partition("=")
        if not sep:
            raise UserError(f"'{spec}' is not ID=FILE", field="--section")
        try:
            changes[section.strip()] = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(
                f"cannot read the section text: {exc.strerror if isinstance(exc, OSError) else 'not UTF-8'}", file=path
            ) from None
    _open(
        ctx,
        "manual_amendment",
        {"changes": changes, "summary": summary, "effective": effective},
        title,
        f"Amend the manual: {summary}",
        by,
        deadline,
    )


@propose.command("end-parent")
@click.option("--successor", required=True, help="Who administers the shared accounts afterwards.")
@click.option("--effective", type=DATE, required=True, help="The handover date.")
@_propose_options
def propose_end_parent(
    ctx: click.Context, successor: str, effective: date, title: str | None, by: str | None, deadline: date | None
) -> None:
    """Propose ending the relationship with the parent practice (two readings)."""
    _open(
        ctx,
        "end_parent",
        {"successor": successor, "effective": effective},
        title,
        f"Go on without the parent; {successor} administers",
        by,
        deadline,
    )


@propose.command("rule-change")
@click.argument("matter")
@click.option("--set", "settings", multiple=True, required=True, metavar="FIELD=VALUE", help="e.g. threshold=3/4, quorum=2/3, secret=true")
@click.option("--effective", type=DATE, default=None, help="Date the new rule applies from (default: the day it passes).")
@_propose_options
def propose_rule_change(
    ctx: click.Context,
    matter: str,
    settings: tuple[str, ...],
    effective: date | None,
    title: str | None,
    by: str | None,
    deadline: date | None,
) -> None:
    """Propose changing the decision rule for MATTER (two readings)."""
    from engine.books.config import yaml_value

    changes: dict[str, Any] = {}
    for spec in settings:
        key, sep, value = spec.partition("=")
        if not sep:
            raise UserError(f"'{spec}' is not FIELD=VALUE", field="--set")
        changes[key.strip()] = value.strip() if key.strip() in ("threshold", "quorum") else yaml_value(value, f"--set {key.strip()}")
    _open(
        ctx, "rule_change", {"matter": matter, "changes": changes, "effective": effective}, title, f"Change the {matter} rule", by, deadline
    )


@propose.command("general")
@click.option("--text", required=True, help="What the members are asked to agree.")
@_propose_options
def propose_general(ctx: click.Context, text: str, title: str | None, by: str | None, deadline: date | None) -> None:
    """Propose any other decision (by consensus under the default rules)."""
    _open(ctx, "general", {"text": text}, title, text if len(text) <= 60 else text[:59] + "…", by, deadline)


@propose.command("parameter-change")
@click.argument("name")
@click.argument("value")
@click.option("--from", "effective", type=DATE, required=True, help="Date the new value takes effect.")
@_propose_options
def propose_parameter(
    ctx: click.Context, name: str, value: str, effective: date, title: str | None, by: str | None, deadline: date | None
) -> None:
    """Propose a new value for one of the model's dated parameters (e.g. hourly_rate 45.00)."""
    data = {"name": name, "value": value, "effective": effective}
    _open(ctx, "parameter_change", data, title, f"{name.replace('_', ' ')}: {value} from {effective}", by, deadline)


_DECISIONS = {
    "membership": "Propose admitting MEMBER as a full member-owner (after their first months).",
    "rent-cover": "Propose that the co-op covers MEMBER's share of rent during extended leave.",
    "software": "Propose choosing or changing the shared software.",
    "supervisor": "Propose which supervisor the co-op contracts.",
    "surplus-use": "Propose what the surplus goes to (e.g. a member's specialised training).",
}


def _decision_command(kind: str, doc: str) -> None:
    @propose.command(kind, help=doc)
    @click.option("--text", required=True, help="What the members are asked to decide.")
    @click.option("--member", type=MEMBER, default=None, help="The member it concerns, if any.")
    @click.option("--amount", type=MONEY, default=None, help="What it commits, if anything (a supervisor's or software's monthly cost).")
    @click.option("--vendor", default=None, help="Who is contracted (software, supervisor).")
    @_propose_options
    def command(
        ctx: click.Context,
        text: str,
        member: str | None,
        amount: int | None,
        vendor: str | None,
        title: str | None,
        by: str | None,
        deadline: date | None,
    ) -> None:
        data = {"text": text, "member": member, "amount": amount, "vendor": vendor}
        _open(ctx, kind.replace("-", "_"), data, title, text if len(text) <= 60 else text[:59] + "…", by, deadline)


for _kind, _doc in _DECISIONS.items():
    _decision_command(_kind, _doc)


@propose.command("low-rate")
@click.option("--client", required=True, help="The client's reference in the clinical records (never their name).")
@click.option("--member", "member_id", type=MEMBER, required=True, help="The clinician who sees the client.")
@click.option("--rate", type=MONEY, required=True, help="The proposed rate per session.")
@click.option("--text", required=True, help="Why: what the client can pay, and for how long.")
@_propose_options
def propose_low_rate(
    ctx: click.Context, client: str, member_id: str, rate: int, text: str, title: str | None, by: str | None, deadline: date | None
) -> None:
    """Propose seeing a client at a very low rate (the collective's approval, by consensus)."""
    from engine.books.money import cents_to_decimal_text

    data = {"client": client, "member": member_id, "rate": rate, "text": text}
    _open(ctx, "low_rate", data, title, f"Low rate for client {client}: {cents_to_decimal_text(rate)} a session", by, deadline)
