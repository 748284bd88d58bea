"""Which commands fit the books at hand.

``coop --help`` inside a model's books lists the shared commands and that
model's own; a command of another model is refused in one line. Deciding
that must stay as cheap as ``--help`` itself, so the model is read from the
``model:`` line of federation.yaml, without building the validated config:
the command that then runs reports anything wrong with the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import click

FOUNDING_FILE = "federation.yaml"
"""engine.books.config.FILENAME, named again here so start-up need not import pydantic (a test keeps them equal)."""
JOURNAL_FILE = "journal.sqlite3"
"""engine.books.journal.FILENAME, likewise without sqlite3."""

_MODEL_LINE = re.compile(r"""^model:\s*["']?([A-Za-z_-]+)""", re.M)


def books_folder(given: Path | None, cwd: Path | None = None) -> Path | None:
    """The books a command would open: ``--books``, else the nearest federation at or above the current folder."""
    if given is not None:
        return given
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / FOUNDING_FILE).is_file() and (folder / JOURNAL_FILE).is_file():
            return folder
    return None


def books_model(given: Path | None, cwd: Path | None = None) -> str | None:
    """The model the books run on, or None when there are no readable books here (then every command is listed)."""
    folder = books_folder(given, cwd)
    if folder is None:
        return None
    try:
        text = (folder / FOUNDING_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = _MODEL_LINE.search(text)
    from engine.models.registry import names, normalise

    name = normalise(found.group(1)) if found else names()[0]  # a file without 'model:' is a federation, as the config reads it
    return name if name in names() else None


def fits(command: str, model: str | None) -> bool:
    """Whether a top-level command belongs on these books: shared, or one of the model's own (any command without books)."""
    if model is None:
        return True
    from engine.models.registry import owner_of

    owners = owner_of(command)
    return not owners or model in {m.name for m in owners}


def refusal(command: str, model: str) -> str:
    """The one line for a command of another model: whose it is, and what these books are."""
    from engine.models.registry import get, owner_of

    owners = owner_of(command)
    names = " and ".join(m.name for m in owners)
    kinds = " or a ".join(m.kind for m in owners)
    plural = "s" if len(owners) > 1 else ""
    where = f"its commands belong to the {names} model{plural} and run only in a {kinds}"
    return f"'{command}' cannot run here: {where}; these books are a {get(model).kind}"


def books_arg(args: Sequence[str]) -> Path | None:
    """``--books`` from the raw command line, read before click parses it: ``--help`` is answered before options are stored."""
    words = list(args)
    for i, word in enumerate(words):
        if word == "--books" and i + 1 < len(words):
            return Path(words[i + 1])
        if word.startswith("--books="):
            return Path(word.partition("=")[2])
        if not word.startswith("-"):
            return None  # the command's own arguments begin here
    return None


def hand_over(ctx: click.Context, model: str, shared: str) -> bool:
    """Run the model's own command in place of a shared one (``cycle close`` is a quarter's payout); False if it has none.

    The own command takes the shared one's options by name, so a hand-over
    passes exactly what the user typed.
    """
    from engine.models.registry import get

    path = get(model).replaces.get(shared)
    if path is None:
        return False
    own: click.Command | None = ctx.find_root().command
    for word in path.split():
        own = own.get_command(ctx, word) if isinstance(own, click.Group) else None
    if own is None:
        raise LookupError(f"the {model} model hands '{shared}' to '{path}', which is not a command")
    ctx.invoke(own, **{p.name: ctx.params[p.name] for p in own.params if p.name in ctx.params})
    return True
