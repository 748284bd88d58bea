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
def demo(folder: Path, model: str) -> None:
    """Found a sample co-op in FOLDER (default ./coop-demo) and run a year of every capability."""
    from engine.books.founding import create_demo_books
    from engine.demo import script
    from engine.models.registry import get

    root = click.get_current_context().find_root().command
    founding_text, steps = script(model)
    create_demo_books(folder, founding_text())
    kind = get(model).kind
    click.secho(f"Founded a sample {kind} in {folder}", bold=True)
    for step in steps:
        click.echo("")
        click.secho(step.say, bold=True)
        if step.prepare is not None:
            step.prepare(folder)
        args = [a.replace("{books}", str(folder)) for a in step.args]
        # A credential is never printed: pasted without it, the command asks the member to type theirs.
        env = "".join(f"{k}={_quote(v)} " for k, v in step.env.items() if k != "COOP_CREDENTIAL")
        click.secho(f"$ {env}coop " + " ".join(_quote(a) for a in args), fg="cyan")
        with _environment(step.env):
            root.main(["--books", str(folder), *args], standalone_mode=False)
    click.echo("")
    click.secho(f"Done. The books are in {folder}; try 'coop --books {folder} status'.", bold=True)
    _portal_hint(folder, steps[-1].env.get("COOP_NOW") if steps else None)


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
    click.secho(f"$ {pinned}coop serve --books {_quote(str(folder))}", fg="cyan")
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


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)
