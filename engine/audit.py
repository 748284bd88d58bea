"""Checking that the history was not edited.

The journal is a hash chain: :func:`verify` recomputes every entry's hash
from its stored content and its predecessor's hash, so a row changed,
removed or inserted by hand (even with the sqlite3 shell, triggers dropped)
is found, with the first entry where the chain breaks. The founding file is
sealed into the journal by the first write, so editing ``federation.yaml``
afterwards, to change a rule without a vote for example, is found too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.books import Books, file_digest, latest_seal
from engine.journal import GENESIS, Journal, entry_hash


@dataclass
class Report:
    entries: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_chain(journal: Journal, report: Report) -> None:
    prev = GENESIS
    expected_seq = 1
    cursor = journal.conn.execute("SELECT seq, kind, on_date, recorded_at, data, ref, prev_hash, hash FROM entries ORDER BY seq")
    for seq, kind, on, recorded_at, data, ref, prev_hash, digest in cursor:
        if seq != expected_seq:
            report.problems.append(f"entry {expected_seq} is missing: the journal jumps to {seq}")
            return
        if prev_hash != prev:
            report.problems.append(f"entry {seq}: does not follow entry {seq - 1} (its previous-hash differs)")
            return
        if entry_hash(prev, seq, kind, on, recorded_at, data, ref) != digest:
            report.problems.append(f"entry {seq} ({kind}, {on}): content does not match its hash; it was edited")
            return
        if ref is not None and not 0 < ref < seq:
            report.problems.append(f"entry {seq}: refers to entry {ref}, which is not an earlier entry")
            return
        prev = digest
        expected_seq += 1
        report.entries += 1
    report.head = prev


def check_seal(books: Books, report: Report) -> None:
    seal = latest_seal(books.journal)
    if seal is not None and seal[1] != file_digest(books):
        report.problems.append(
            f"federation.yaml was changed after it was sealed at entry {seal[0]}; "
            "changes after founding are journal entries (see 'coop audit seal')"
        )


def verify(books: Books) -> Report:
    report = Report()
    check_chain(books.journal, report)
    check_seal(books, report)
    return report
