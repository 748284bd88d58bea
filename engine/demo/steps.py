"""The demo's unit, a :class:`Step`, and the step shapes every demo year repeats.

A step is data: what to tell the reader, the arguments of one ``coop``
command, the environment it runs under and, for an import, the file it
writes first. The builders here keep each model's year to one line a step
where it can be, so the year reads like the transcript it prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from engine.demo.founding import Person


@dataclass(frozen=True)
class Step:
    """One thing the demo does: a sentence for people, then a coop command."""

    say: str
    args: tuple[str, ...]
    """The command's arguments; ``{books}`` stands for the demo's books folder."""
    env: dict[str, str] = field(default_factory=dict)
    """Environment for this step only: COOP_NOW dates it, COOP_CREDENTIAL is a member's vote."""
    prepare: Callable[[Path], None] | None = None
    """Writes a file the command reads (e.g. a CSV of a half-year's payments) into the books folder."""


def environment(day: str, member: str | None = None) -> dict[str, str]:
    """A step dated ``day`` at nine in the morning; with ``member``, that member's demo credential (the vote still checks it)."""
    env = {"COOP_NOW": f"{day}T09:00:00"}
    if member is not None:
        env["COOP_CREDENTIAL"] = f"demo-{member}-secret"
    return env


def on(day: str, say: str, *args: str, member: str | None = None, prepare: Callable[[Path], None] | None = None) -> Step:
    """The common step: on ``day``, say ``say`` and run ``coop *args`` (as ``member``, when it needs their credential)."""
    return Step(say, args, environment(day, member), prepare)


def vote(day: str, proposal: str, member: str, choice: str = "yes", reason: str = "") -> Step:
    """A member's ballot, cast with their own credential; a reason only where they give one."""
    args = ("vote", "cast", proposal, "--member", member, "--choice", choice) + (("--reason", reason) if reason else ())
    return Step(f"{day}: {member} votes {choice.replace('_', ' ')}:", args, environment(day, member))


def votes(day: str, proposal: str, members: Iterable[str], choice: str = "yes") -> list[Step]:
    """Several members casting the same ballot on one day, each in turn."""
    return [vote(day, proposal, m, choice) for m in members]


def enrol(day: str, member: str, say: str) -> list[Step]:
    """The administrator invites ``member`` (the code goes to a file, as if handed over) and the member sets their credential with it."""
    code = f"{{books}}/invitations/{member}.txt"
    return [
        on(day, say, "member", "invite", member, "--out", code),
        Step(
            f"... and {member} sets their own credential with it:",
            ("member", "credential", "set", member, "--invitation-file", code),
            environment(day, member),
        ),
    ]


def credential_steps(
    members: Iterable[str], day: str, say: str = "Each member is invited and sets their own voting credential:"
) -> list[Step]:
    """Each member enrolling on ``day`` (every demo starts with these, before any vote)."""
    return [step for i, m in enumerate(members) for step in enrol(day, m, say if i == 0 else f"... {m} is invited:")]


def propose(day: str, say: str, kind: str, *args: str, by: str | None = None) -> Step:
    """A ``kind`` proposal; one put ``by`` a member names them and carries their credential (the vote checks it)."""
    return on(day, say, "propose", kind, *args, *(("--by", by) if by else ()), member=by)


def onboarding(day: str, say: str, newcomer: Person, by: str) -> Step:
    """``by`` proposing that ``newcomer`` join: the same facts the founding roster holds for everyone else."""
    facts = ("--name", newcomer.name, "--practice", newcomer.practice, "--licence", newcomer.licence, "--email", newcomer.email)
    return propose(day, say, "onboarding", newcomer.id, *facts, "--start", newcomer.start, by=by)


def imported(day: str, say: str, noun: str, name: str, text: str | Callable[[Path], str]) -> Step:
    """``coop <noun> import`` of the CSV ``name``, which the step writes into the books folder first.

    ``text`` is the file, or what makes it from the books as they stand
    (a payments file pays what the fee engine charged).
    """

    def prepare(folder: Path) -> None:
        from engine.books.output import write_text

        write_text(folder / name, text if isinstance(text, str) else text(folder))

    return Step(say, (noun, "import", f"{{books}}/{name}"), environment(day), prepare)


def outputs(stem: str, *kinds: str) -> tuple[str, ...]:
    """``--csv {stem}.csv --md {stem}.md ...`` in the order given: a document written to files a reader can find."""
    return tuple(a for kind in kinds for a in (f"--{kind}", f"{stem}.{kind}"))
