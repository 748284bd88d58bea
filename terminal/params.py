"""Click's side of the door: one-line errors, argument types, shared options, and opening the books."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from engine.errors import UserError

if TYPE_CHECKING:
    from engine.books.folder import Books


class Failure(click.ClickException):
    """A user's mistake, reported in one line with exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"coop: error: {self.format_message()}", err=True)


class CoopGroup(click.Group):
    """Reports every mistake in one line: click's usage errors included."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"coop: error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("coop: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise Failure(str(exc)) from None


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        from engine.books.clock import in_range, parse_date

        try:
            return in_range(value) if isinstance(value, date) else parse_date(str(value))
        except UserError as exc:
            self.fail(str(exc), param, ctx)


class MoneyType(click.ParamType):
    name = "AMOUNT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from engine.books.config import currency_of
        from engine.books.money import parse_cents

        root = ctx.find_root().obj if ctx else None
        try:
            return parse_cents(str(value), currency=currency_of(root.get("books") if root else None))
        except ValueError as exc:
            self.fail(f"{value!r} is not an amount (expected {exc})", param, ctx)


class ModelType(click.Choice):
    """A co-op model by name, as the registry knows them: ``flat-pay`` and ``flat_pay`` are one."""

    def __init__(self) -> None:
        from engine.models.registry import names

        super().__init__(list(names()))

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from engine.models.registry import normalise

        key = normalise(str(value))
        return key if key in self.choices else super().convert(value, param, ctx)


class MemberIdType(click.ParamType):
    """A member's or provider's id as typed: ``P1`` and ``p1`` are one member, passed on in its stored form."""

    name = "ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from engine.books.ids import member_id

        return member_id(str(value))


AMOUNT_ARGUMENTS = {"ignore_unknown_options": True}
"""For a command taking an amount argument: ``-5.00`` reaches the money check (and its own refusal), not click's option parser."""

DATE = DateType()


MONEY = MoneyType()

MEMBER = MemberIdType()


def open_books(ctx: click.Context, write: bool = False, keep: str | None = None) -> Books:
    """The books; a command that records anything passes ``write`` to hold the write lock before it reads.

    One invocation opens the books once: a command that hands over to another
    (``cycle close`` on a quarter) or that asks for a credential before it
    decides shares the same connection, and asking again with ``write`` takes
    the lock then, so nobody waits on a person typing.

    A command that writes first closes every vote whose time has come (see
    :func:`_settle`), all but ``keep``, the one it closes itself.
    """
    from engine.books.folder import open_books as _open

    def waiting() -> None:
        click.echo("coop: waiting for another command to finish writing to the books...", err=True)

    from terminal.recorded import SINCE

    books: Books | None = ctx.meta.get(_BOOKS)
    if books is None:
        books = _open(ctx.obj.get("books"), for_writing=write, on_wait=waiting)
        ctx.meta[_BOOKS] = books
        ctx.find_root().call_on_close(books.close)
    elif write:
        books.journal.lock(on_wait=waiting)
    if write and SETTLED not in ctx.meta:
        ctx.meta[SETTLED] = _settle(books, keep)
    if write and SINCE not in ctx.meta:  # the lock is held: whatever follows this entry, this command recorded
        ctx.meta[SINCE] = books.journal.head()[0]
    return books


def _settle(books: Books, keep: str | None) -> list[str]:
    """Close the votes the calendar has ended before a command records anything: no cron job is needed for correctness.

    Only a command that writes does this; a read never writes (it may be a
    member's own copy of the books), and shows such a vote as "voting ended".
    """
    from engine.governance.due import settle_before_writing

    return [p.label for p in settle_before_writing(books, keep)]  # recorded like any close (result, effect, decision record)


SETTLED = "coop.settled"
"""The labels of the votes this invocation closed because their time had come (see :func:`_settle`)."""


_BOOKS = "coop.books"
"""Where the invocation's open books are kept in click's context (shared by every context of one command line)."""


def today() -> date:
    from engine.books import clock

    return clock.today()


as_of_option = click.option("--as-of", "as_of", type=DATE, default=None, help="Show the books as they stood on this date (default: today).")


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table.")


out_option = click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder for the documents (default: BOOKS/documents)."
)


pdf_option = click.option("--pdf", is_flag=True, help="Also write PDFs (needs LibreOffice; skipped with a message without it).")


correction_option = click.option(
    "--correction", default=None, metavar="REASON", help="Record in a closed cycle, as an explicit correction."
)


def credential(member: str, confirm: bool = False, env: str = "COOP_CREDENTIAL") -> str:
    """The member's credential: from the environment for scripts, else typed with hidden input."""
    import os
    import sys

    value = os.environ.pop(env, None)  # read once: it must not outlive its use in the environment
    if value is not None:
        return value
    if sys.stdin is None or not sys.stdin.isatty():
        # No terminal (cron, ssh host cmd, a pipe): read what was piped, without getpass's echo warnings.
        lines = [(sys.stdin.readline() if sys.stdin else "").rstrip("\r\n") for _ in range(2 if confirm else 1)]
        if not lines[0]:
            raise UserError(f"no credential for {member}: no terminal to type it in", field=env, expected=f"{env} set for this command")
        if confirm and lines[1] != lines[0]:
            raise UserError("the two entries of the credential differ", field="credential")
        return lines[0]
    return str(click.prompt(f"Voting credential for {member}", hide_input=True, confirmation_prompt=confirm))


def books_as(ctx: click.Context, member: str | None) -> tuple[Books, str | None]:
    """The books and ``member``'s credential, asked first and then locked for writing: nobody waits on a person typing.

    ``member`` None is the administrator, who has no credential to give.
    """
    books = open_books(ctx)
    secret = credential(member) if member is not None else None
    open_books(ctx, write=True)
    return books, secret


def _another_batch(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    from engine.books.imports import ANOTHER_BATCH

    ANOTHER_BATCH.set(bool(value))
    return value


another_batch_option = click.option(
    "--another-batch",
    is_flag=True,
    expose_value=False,
    callback=_another_batch,
    help="The same file was imported before and these rows really are a second batch: record them again.",
)
