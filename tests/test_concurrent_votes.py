"""Members voting at the same moment from separate processes are all recorded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import processes
from click.testing import Result

from engine.audit.verify import verify
from engine.books.folder import open_books
from engine.governance.proposals import load

MEMBERS = ["rowan-ellery", "mara-quist", "teo-abernathy", "imani-castell", "noor-haddad", "wes-okafor"]


def test_simultaneous_ballots_from_separate_processes(coop: Callable[..., Result], books_dir: Path, enrol: Callable[..., Result]) -> None:
    for m in MEMBERS:
        assert enrol(coop, m, env={"COOP_NOW": "2027-01-04T09:00:00", "COOP_CREDENTIAL": f"pass-{m}"}).exit_code == 0
    opened = coop("propose", "general", "--text", "Shared intake form", env={"COOP_NOW": "2027-02-01T09:00:00"})
    assert opened.exit_code == 0, opened.output
    procs = []
    for m in MEMBERS:
        env = {"COOP_NOW": "2027-02-02T09:00:00", "COOP_CREDENTIAL": f"pass-{m}"}
        procs.append(processes.coop(books_dir, "vote", "cast", "P-1", "--member", m, "--choice", "yes", env=env))
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * len(MEMBERS), outputs
    books = open_books(books_dir)
    p = load(books, "P-1")
    assert sorted(b.member for b in p.ballots) == sorted(MEMBERS)
    assert p.frozen is not None and len(p.eligible or ()) == 6
    assert len([e for e in books.journal.entries(["proposal.voting_opened"])]) == 1
    assert verify(books).ok
    books.close()
