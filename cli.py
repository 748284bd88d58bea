"""The ``coop`` command: the terminal's door onto the engine.

This module only assembles the command groups of the ``terminal`` package.
Each group is imported when it is first named, and each command imports the
engine modules it needs, so ``coop --help`` answers at once. A user's mistake
arrives as :class:`engine.errors.UserError` and leaves as one line on stderr
with exit status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from terminal.params import CoopGroup

COMMANDS: dict[str, str] = {
    "agreement": "terminal.agreement:agreement",
    "annual-statement": "terminal.annual_statement:annual_statement_cmd",
    "audit": "terminal.audit:audit",
    "budget": "terminal.budget:budget",
    "capital": "terminal.capital:capital",
    "contracts": "terminal.contracts:contracts",
    "cycle": "terminal.cycle:cycle",
    "demo": "terminal.demo:demo",
    "due": "terminal.due:due_cmd",
    "expense": "terminal.expense:expense",
    "fees": "terminal.fees:fees",
    "hours": "terminal.hours:hours",
    "init": "terminal.init:init",
    "journal": "terminal.journal:journal",
    "leave": "terminal.leave:leave",
    "ledger": "terminal.ledger:ledger",
    "low-rates": "terminal.low_rates:low_rates",
    "manual": "terminal.manual:manual",
    "member": "terminal.member:member",
    "owners": "terminal.owners:owners_cmd",
    "parameters": "terminal.parameters:parameters_cmd",
    "payment": "terminal.payment:payment",
    "payout": "terminal.payout:payout",
    "proposal": "terminal.proposal:proposal",
    "provider": "terminal.provider:provider",
    "propose": "terminal.propose:propose",
    "reminders": "terminal.reminders:reminders",
    "report": "terminal.report:report",
    "revenue": "terminal.revenue:revenue",
    "session": "terminal.session:session",
    "statement": "terminal.statement:statement",
    "status": "terminal.status:status",
    "templates": "terminal.templates:templates",
    "vote": "terminal.vote:vote",
}
"""Every top-level command and where it lives; a group's module is imported only when the group runs or is listed."""


class LazyGroup(CoopGroup):
    """The top-level group: commands are found in :data:`COMMANDS` and imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        ref = COMMANDS.get(cmd_name)
        if ref is None:
            return None
        import importlib

        module, _, attr = ref.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--books",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The federation's folder (default: found from the current folder upwards).",
)
@click.version_option(package_name="coop")
@click.pass_context
def main(ctx: click.Context, books: Path | None) -> None:
    """Run a federation of independent therapy practices as a cooperative."""
    ctx.ensure_object(dict)
    ctx.obj["books"] = books


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
