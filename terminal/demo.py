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
