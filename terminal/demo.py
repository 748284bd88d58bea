"""``coop demo``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from terminal.params import ModelType


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("coop-demo"))
@click.option(
    "--model",
    type=ModelType(),
    default="federation",
    show_default=True,
    help="Which co-op model's year to run.",
)
@click.option("--verbose", "-v", is_flag=True, help="Print every command as it runs, and what it printed.")
def demo(folder: Path, model: str, verbose: bool) -> None:
    """Found a sample co-op in FOLDER (default ./coop-demo) and run a year of every capability."""
    import io
    from contextlib import redirect_stdout

    from engine.books.founding import create_demo_books
    from engine.demo import script
    from engine.demo.story import arguments, command_line, documents_by_kind, in_story
    from engine.models.registry import get

    root = click.get_current_context().find_root().command
    books = str(folder)  # as the reader typed it: every command printed runs from where they stand
    founding_text, steps = script(model)
    create_demo_books(folder, founding_text())
    kind = get(model).kind
    click.secho(f"Founded a sample {kind} in {books}", bold=True)
    told = 0
    for step in steps:
        if verbose:
            click.echo("")
            click.secho(step.say, bold=True)
            click.secho(f"$ {command_line(step, books)}", fg="cyan")
        elif in_story(step):
            told += 1
            click.echo(f"{step.env['COOP_NOW'][:10]}  {step.say.rstrip(':')}")
        if step.prepare is not None:
            step.prepare(folder)
        with _environment(step.env):
            if verbose:
                root.main(["--books", books, *arguments(step, books)], standalone_mode=False)
            else:
                with redirect_stdout(io.StringIO()):
                    root.main(["--books", books, *arguments(step, books)], standalone_mode=False)
    click.echo("")
    if not verbose:
        click.echo(f"That was {told} of the year's {len(steps)} commands; 'coop demo {_quoted(books)} --verbose' prints every one.")
    click.secho(f"The documents are in {Path(books) / 'documents'}:", bold=True)
    for what, n in documents_by_kind(folder):
        click.echo(f"  {n:4d}  {what}")
    click.echo(f"Try: coop --books {_quoted(books)} status   (or: coop --books {_quoted(books)} audit verify)")
    _portal_hint(folder, steps[-1].env.get("COOP_NOW") if steps else None)


def _quoted(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def _portal_hint(folder: Path, now: str | None) -> None:
    """How to open the demo books in the members' portal, with a fresh invitation for one demo member to enrol by."""
    from engine.books.folder import open_books
    from engine.books.roster import active
    from engine.governance.invitations import invite

    with _environment({"COOP_NOW": now} if now else {}):
        books = open_books(folder, for_writing=True)
        try:
            from engine.books import clock

            member = active(books, clock.today())[0].id
            _entry, code = invite(books, member)
        finally:
            books.close()
    pinned = f"COOP_NOW={now} " if now else ""
    click.echo("")
    click.secho("The members' portal (the demo's year is pinned, so serve it on the demo's date):", bold=True)
    click.secho(f"$ {pinned}coop --books {_quoted(str(folder))} serve", fg="cyan")
    click.echo(f"Then open http://localhost:8000/join/{member}/{code} to enrol as {member} with a passkey or a credential.")


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for one demo step (its date, a member's credential), then restore them."""
    import os

    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
