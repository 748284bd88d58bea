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
    "handover": "terminal.handover:handover",
    "hours": "terminal.hours:hours",
    "init": "terminal.init:init",
    "journal": "terminal.journal:journal",
    "leave": "terminal.leave:leave",
    "ledger": "terminal.ledger:ledger",
    "low-rates": "terminal.low_rates:low_rates",
    "mail": "terminal.mail:mail",
    "manual": "terminal.manual:manual",
    "member": "terminal.member:member",
    "owners": "terminal.owners:owners_cmd",
    "parameters": "terminal.parameters:parameters_cmd",
    "papers": "terminal.papers:papers",
    "payment": "terminal.payment:payment",
    "payout": "terminal.payout:payout",
    "proposal": "terminal.proposal:proposal",
    "provider": "terminal.provider:provider",
    "proxy": "terminal.proxy:proxy",
    "propose": "terminal.propose:propose",
    "reminders": "terminal.reminders:reminders",
    "report": "terminal.report:report",
    "revenue": "terminal.revenue:revenue",
    "serve": "terminal.serve:serve",
    "session": "terminal.session:session",
    "statement": "terminal.statement:statement",
    "status": "terminal.status:status",
    "templates": "terminal.templates:templates",
    "vote": "terminal.vote:vote",
    "year-end": "terminal.yearend:year_end",
}
"""Every top-level command and where it lives; a group's module is imported only when the group runs or is listed."""


class LazyGroup(CoopGroup):
    """The top-level group: commands found in :data:`COMMANDS`, imported on first use, and fitted to the books at hand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from terminal.fit import books_arg

        ctx.meta["coop.books_arg"] = books_arg(args)
        return super().parse_args(ctx, args)

    def books_model(self, ctx: click.Context) -> str | None:
        from terminal.fit import books_model

        return books_model(ctx.params.get("books") or ctx.meta.get("coop.books_arg"))

    def list_commands(self, ctx: click.Context) -> list[str]:
        from terminal.fit import fits

        model = self.books_model(ctx)
        return [name for name in sorted(COMMANDS) if fits(name, model)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        ref = COMMANDS.get(cmd_name)
        if ref is None:
            return None
        import importlib

        module, _, attr = ref.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        from terminal.fit import fits, refusal
        from terminal.params import Failure

        name, command, rest = super().resolve_command(ctx, args)
        model = self.books_model(ctx) if name is not None else None
        if name is not None and model is not None and not fits(name, model):
            raise Failure(refusal(name, model))
        return name, command, rest


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
