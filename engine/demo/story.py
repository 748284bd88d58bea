"""How ``coop demo`` tells its year: a short story by default, every command with ``--verbose``.

A year is eighty-odd commands; a reader wants what happened, and where the
papers are. The story keeps the steps that begin something (a continuation
starts "..."; a ballot is one of several on a matter) and ends by counting
the documents by kind. Every command the demo prints is one a reader can
paste where they stand: it names the books folder as they typed it, and its
arguments are quoted for the shell.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from engine.demo.steps import Step

CONTINUES = "... "
"""A step saying this goes on from the one before: the story leaves it to the verbose run."""


def in_story(step: Step) -> bool:
    """Whether the short story tells this step: not a continuation, not one more ballot on a matter already told."""
    return not step.say.startswith(CONTINUES) and step.args[:2] != ("vote", "cast")


def command_line(step: Step, books: str) -> str:
    """The step as a shell line from where the reader stands: its date pinned, ``--books`` as typed, every argument quoted.

    A member's credential is never printed: pasted without it, the command asks the member to type theirs.
    """
    env = "".join(f"{k}={shlex.quote(v)} " for k, v in step.env.items() if k != "COOP_CREDENTIAL")
    args = [a.replace("{books}", books) for a in step.args]
    return f"{env}coop --books {shlex.quote(books)} " + " ".join(shlex.quote(a) for a in args)


def arguments(step: Step, books: str) -> list[str]:
    """The step's arguments with the books folder put in (what the runner passes, after ``--books``)."""
    return [a.replace("{books}", books) for a in step.args]


KINDS = {
    "agreements": "agreements",
    "manual": "manual versions",
    "notices": "fee notices",
    "statements": "statements and settlement letters",
    "governance": "governance papers",
    "reports": "reports",
}
"""The documents folder's subfolders, in words (a folder not named here is shown by its name)."""


def documents_by_kind(folder: Path) -> list[tuple[str, int]]:
    """How many documents (DOCX, each with its Markdown) the year left in each kind, and any written to named files."""
    out: list[tuple[str, int]] = []
    docs = folder / "documents"
    if docs.is_dir():
        for sub in sorted(p for p in docs.iterdir() if p.is_dir()):
            n = sum(1 for _ in sub.rglob("*.docx"))
            if n:
                out.append((KINDS.get(sub.name, sub.name), n))
        loose = sum(1 for _ in docs.glob("*.docx"))
        if loose:
            out.append(("documents written to named files", loose))
    named = sum(1 for _ in folder.glob("*.docx"))
    if named:
        out.append(("documents written to named files beside the books", named))
    return out
