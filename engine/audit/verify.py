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
from datetime import date
from typing import Any

from engine.books.folder import Books, file_digest, latest_seal
from engine.books.journal import GENESIS, Journal, entry_hash
from engine.errors import UserError


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
    if report.ok:
        check_votes(books, report)
        check_rules(books, report)
    return report


def check_rules(books: Books, report: Report) -> None:
    """Decision rules change only by vote: federation.yaml must still state the recorded ones."""
    from engine.governance.proposals import check_rules_unchanged

    try:
        check_rules_unchanged(books)
    except UserError as exc:
        report.problems.append(exc.message)


def check_votes(books: Books, report: Report) -> None:
    """Every ballot is a valid receipt from an eligible member; every result matches a recount."""
    from engine.books.roster import memberships
    from engine.governance.decisions import recount
    from engine.governance.proposals import all_proposals, check_seal
    from engine.governance.proxies import proxies

    credential_from = {}
    for seq, member in books.journal.conn.execute(
        "SELECT seq, json_extract(data, '$.member') FROM entries WHERE kind = 'member.credential_set' ORDER BY seq"
    ):
        credential_from.setdefault(member, seq)
    proxies_by_seq = {x.seq: x for x in proxies(books)}
    for p in all_proposals(books):
        broken = check_seal(p)
        if broken:
            report.problems.append(broken)
        for b in p.ballots:
            where = f"ballot {b.receipt[:12]} (entry {b.entry.seq}) on {p.label}"
            if p.frozen is None or b.entry.seq < p.frozen.seq:
                report.problems.append(f"{where}: cast before voting opened")
            elif b.member not in (p.eligible or ()):
                report.problems.append(f"{where}: {b.member} was not eligible")
            elif credential_from.get(b.cast_by or b.member, b.entry.seq) >= b.entry.seq:
                report.problems.append(f"{where}: {b.cast_by or b.member} had no credential when it was cast")
            if b.proxy is not None:
                given = proxies_by_seq.get(b.proxy)
                if given is None or given.grantor != b.member or given.holder != b.cast_by or not given.in_force(before=b.entry.seq):
                    report.problems.append(f"{where}: cast by {b.cast_by} for {b.member} without an accepted proxy in force")
                elif not given.covers(p.label, b.entry.date):
                    report.problems.append(f"{where}: proxy {b.proxy} does not cover {p.label} on {b.entry.on}")
            if p.results and b.phase == "voting" and b.entry.seq > p.results[0].seq:
                report.problems.append(f"{where}: cast after the vote closed")
            elif b.phase == "voting" and b.entry.date > p.deadline:
                report.problems.append(f"{where}: cast after the deadline {p.deadline}")
        everyone = memberships(books, date.max)
        left_at = {
            member: seq
            for seq, member in books.journal.conn.execute(
                "SELECT seq, json_extract(data, '$.provider') FROM entries WHERE kind = 'provider.left' ORDER BY seq"
            )
        }
        for r in p.results:
            if r.data["outcome"] == "reopened":
                continue
            end = min(p.deadline, date.fromisoformat(r.data["closed_on"]))
            for member in r.data["dropped"]:
                left = everyone[member].end if member in everyone else None
                if left is None or left >= end:
                    report.problems.append(f"{p.label}: the result at entry {r.seq} drops {member}, who did not leave during the vote")
                own = [b.entry.seq for b in p.ballots if b.member == member and b.entry.seq < r.seq and left and b.entry.date > left]
                if own and left_at.get(member, 0) > min(own):
                    report.problems.append(
                        f"{p.label}: the result at entry {r.seq} drops {member}'s ballot (entry {min(own)}) because of a departure "
                        f"recorded afterwards (entry {left_at[member]}) and dated before it: eligibility was rewritten after the vote"
                    )
            again = recount(p, r.data["dropped"], before=r.seq)
            if (
                again.counted != r.data["ballots"]
                or again.tally.outcome != r.data["outcome"]
                or again.tally.counts.as_json() != r.data["counts"]
            ):
                report.problems.append(
                    f"{p.label}: the result at entry {r.seq} ({r.data['outcome']}) does not match a recount "
                    f"of its ballots ({again.tally.outcome}, {again.tally.counts.as_json()})"
                )


@dataclass(frozen=True)
class ReceiptCheck:
    found: bool
    message: str
    data: dict[str, Any]


def receipt(books: Books, digest: str) -> ReceiptCheck:
    """Is this ballot in the record, and does the chain up to the head still hold it?

    The choice is shown only for open ballots; for secret ones the voter
    learns that their ballot is there, counted or superseded, and nothing else.
    """
    from engine.governance.proposals import all_proposals

    digest = digest.strip().lower()
    if len(digest) < 12 or any(c not in "0123456789abcdef" for c in digest):
        raise UserError("a receipt is the hex hash printed when the ballot was cast", field="RECEIPT", expected="at least 12 hex digits")
    rows = books.journal.conn.execute("SELECT seq, hash FROM entries WHERE hash LIKE ?", (digest + "%",)).fetchall()
    if len(rows) > 1:
        raise UserError("more than one entry starts with that; give more of the receipt", field="RECEIPT")
    chain = Report()
    check_chain(books.journal, chain)
    if not rows:
        return ReceiptCheck(False, "NOT FOUND: no ballot with this receipt is in the record", {"found": False, "chain_ok": chain.ok})
    seq, full = rows[0]
    for p in all_proposals(books):
        for b in p.ballots:
            if b.entry.seq != seq:
                continue
            current = p.current_ballots(b.phase).get(b.member)
            final = p.result
            state = "superseded by a later ballot" if current is not None and current.entry.seq != seq else "current"
            if final is not None and b.phase == "voting":
                counted = seq in final.data["ballots"].values()
                state = "counted in the result" if counted else ("superseded" if state != "current" else "not counted (see the result)")
            data = {
                "found": True,
                "receipt": full,
                "entry": seq,
                "proposal": p.label,
                "title": p.title,
                "cast_on": b.entry.on,
                "state": state,
                "chain_ok": chain.ok,
                "choice": None if p.rule.secret else b.choice,
                "member": None if p.rule.secret else b.member,
            }
            shown = "" if p.rule.secret else f" by {b.member}: {b.choice}"
            text = f"FOUND: ballot on {p.label} ({p.title}) cast {b.entry.on}{shown}, entry {seq}; {state}"
            if not chain.ok:
                text += "; WARNING: the journal's chain is broken: " + chain.problems[0]
            return ReceiptCheck(True, text, data)
    return ReceiptCheck(False, f"entry {seq} has this hash but is not a ballot", {"found": False, "entry": seq, "chain_ok": chain.ok})
