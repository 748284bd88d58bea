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

from engine.books import roster_table
from engine.books.folder import Books, file_digest, latest_seal
from engine.books.journal import GENESIS, Journal, canonical, entry_hash
from engine.errors import UserError


@dataclass
class Report:
    entries: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)
    attested: dict[str, int] = field(default_factory=lambda: {"passkey": 0, "server": 0})
    """Ballots by how they were attested: signed by a member's passkey, checked by the server."""
    away: int = 0
    """Secret ballots whose signer and proxy are kept beside the ballot key, so checked only where the books' secrets folder is."""
    signatures: dict[str, int] = field(default_factory=lambda: {"passkey": 0, "server": 0})
    """Document signatures by how they were attested."""

    def summary(self) -> str:
        """What the ballot and signature checks covered, in one line."""
        a, s = self.attested, self.signatures
        line = f"Ballots: {a['passkey']} passkey-signed, {a['server']} server-attested"
        if self.away:
            line += f", {self.away} secret (signer checked only with the books' secrets folder)"
        return line + f". Signatures: {s['passkey']} passkey-signed, {s['server']} server-attested."

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


def check_roster_table(journal: Journal, report: Report) -> None:
    """The roster table, which every read of the roster trusts, must be what the journal says, row for row."""
    problem = roster_table.disagreement(journal.conn, canonical)
    if problem is not None:
        report.problems.append(problem)


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
    if report.ok:  # what is derived from the journal is checked against a journal that holds
        check_roster_table(books.journal, report)
        check_votes(books, report)
        check_signatures(books, report)
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
    from engine.governance.proposals import all_proposals, check_seal

    credential_from: dict[str, int] = {}
    for seq, member in books.journal.conn.execute(
        "SELECT seq, json_extract(data, '$.member') FROM entries WHERE kind IN ('member.credential_set', 'passkey.registered') ORDER BY seq"
    ):
        credential_from.setdefault(member, seq)
    everyone = memberships(books, date.max)
    left_at = {
        member: seq
        for seq, member in books.journal.conn.execute(
            "SELECT seq, json_extract(data, '$.provider') FROM entries WHERE kind = 'provider.left' ORDER BY seq"
        )
    }
    for p in all_proposals(books):
        broken = check_seal(p)
        if broken:
            report.problems.append(broken)
        keys = _keys(books, p, report)
        member_of = {k: m for m, k in keys.items()} if keys is not None else None
        latest: dict[tuple[str, str], int] = {}
        for b in p.ballots:
            where = f"ballot {b.receipt[:12]} (entry {b.entry.seq}) on {p.label}"
            before = latest.get((b.phase, b.member))
            if before is not None and b.entry.data.get("supersedes") != before:
                whose = "pseudonym" if b.pseudonymous else "member"
                report.problems.append(f"{where}: a second current ballot for the same {whose} (entry {before} is not superseded)")
            latest[(b.phase, b.member)] = b.entry.seq
            if p.pseudonymous and not b.pseudonymous:
                named = b.member in (p.eligible or ())
                report.problems.append(f"{where}: " + (f"names {b.member} on a secret ballot" if named else f"{b.member} was not eligible"))
            elif b.pseudonymous and member_of is None:  # a bundle, or another machine: whose it is cannot be told here
                if p.frozen is None or b.entry.seq < p.frozen.seq:
                    report.problems.append(f"{where}: cast before voting opened")
                report.away += 1
            elif (member := b.member if member_of is None else member_of.get(b.member)) is None:
                report.problems.append(f"{where}: its pseudonym is no eligible member's")
                continue
            else:
                _check_ballot(books, p, b, member, where, credential_from, report)
            if p.results and b.phase == "voting" and b.entry.seq > p.results[0].seq:
                report.problems.append(f"{where}: cast after the vote closed")
            elif b.phase == "voting" and b.entry.date > p.deadline:
                report.problems.append(f"{where}: cast after the deadline {p.deadline}")
        if p.pseudonymous and len({b.member for b in p.ballots if b.phase == "voting"}) > len(p.eligible or ()):
            report.problems.append(f"{p.label}: more pseudonyms voted than the {len(p.eligible or ())} eligible members")
        for r in p.results:
            if r.data["outcome"] == "reopened":
                continue
            _check_result(books, p, r, keys, everyone, left_at, report)


def _keys(books: Books, p: Any, report: Report) -> dict[str, str] | None:
    """member -> pseudonym where the ballot key is here (None: ballots name members, or the key is not here)."""
    from engine.errors import BooksError
    from engine.governance.decisions import voter_keys

    try:
        return voter_keys(books, p, required=False)
    except BooksError as exc:
        report.problems.append(exc.message)
        return None


def _check_ballot(books: Books, p: Any, b: Any, member: str, where: str, credential_from: dict[str, int], report: Report) -> None:
    """Eligibility, credential, proxy and attestation of one ballot (a pseudonymous one needs the secrets folder for the last two)."""
    from engine.errors import BooksError
    from engine.governance import pseudonyms
    from engine.governance.proxies import proxies

    if p.frozen is None or b.entry.seq < p.frozen.seq:
        report.problems.append(f"{where}: cast before voting opened")
        return
    if member not in (p.eligible or ()):
        report.problems.append(f"{where}: {member} was not eligible")
        return
    cast_by, proxy, attestation = b.cast_by, b.proxy, b.entry.data.get("attestation", {"by": "server"})
    head, challenge = b.entry.data.get("head"), b.entry.data.get("challenge")
    if b.pseudonymous:
        try:
            kept = pseudonyms.read_sidecar(books, p.label, b.entry)
        except BooksError as exc:
            report.problems.append(f"{where}: {exc.message}")
            return
        if kept is None:
            report.problems.append(f"{where}: what it keeps beside the ballot key is missing")
            return
        cast_by, proxy, attestation = kept.get("cast_by"), kept.get("proxy"), kept["attestation"]
        head, challenge = kept.get("head"), kept.get("challenge")
    signer = cast_by or member
    report.attested[attestation["by"]] = report.attested.get(attestation["by"], 0) + 1
    if credential_from.get(signer, b.entry.seq) >= b.entry.seq:
        report.problems.append(f"{where}: {signer} had no credential when it was cast")
    if proxy is not None:
        given = {x.seq: x for x in proxies(books)}.get(proxy)
        if given is None or given.grantor != member or given.holder != cast_by or not given.in_force(before=b.entry.seq):
            report.problems.append(f"{where}: cast by {cast_by} for {member} without an accepted proxy in force")
        elif not given.covers(p.label, b.entry.date):
            report.problems.append(f"{where}: proxy {proxy} does not cover {p.label} on {b.entry.on}")
    if attestation["by"] == "passkey":
        why = passkey_problem(books, b.entry, head, challenge, lambda h: _ballot_challenge(p, b.entry, h), signer, attestation)
        if why:
            report.problems.append(f"{where}: {why}")


def check_signatures(books: Books, report: Report) -> None:
    """Every document signature a passkey made holds for the document, name and journal head it names."""
    from engine.documents.agreements import SIGNED
    from engine.documents.signatures import signing_content
    from engine.governance.challenges import content_hash

    for e in books.journal.entries([SIGNED]):
        attestation = e.data.get("attestation", {"by": "server"})
        report.signatures[attestation["by"]] = report.signatures.get(attestation["by"], 0) + 1
        if attestation["by"] != "passkey":
            continue
        where = f"signature of {e.data['document']} by {e.data['provider']} (entry {e.seq})"
        if e.data.get("document_sha256") != e.data["sha256"]:
            report.problems.append(f"{where}: signs a document other than the one issued")
        recompute = lambda h, e=e: content_hash(signing_content(e, h))  # noqa: E731
        why = passkey_problem(books, e, e.data.get("head"), e.data.get("challenge"), recompute, e.data["provider"], attestation)
        if why:
            report.problems.append(f"{where}: {why}")


def _ballot_challenge(p: Any, entry: Any, head: dict[str, Any]) -> bytes:
    from engine.governance.ballots import content_of
    from engine.governance.challenges import content_hash

    return content_hash(content_of(p, entry, head))


def passkey_problem(
    books: Books, entry: Any, head: Any, challenge: Any, recompute: Any, signer: str, attestation: dict[str, Any]
) -> str | None:
    """Why a passkey-signed entry does not hold, or None.

    The challenge must be the hash of the entry's own content and of the journal head named, that head
    must be the last entry before the one written with it (so the signature was for that state of the
    books), and the passkey's signature must hold with the public key journaled at registration.
    """
    from webauthn.helpers import bytes_to_base64url

    from engine.governance.passkeys import check_attestation

    if not isinstance(head, dict) or not isinstance(head.get("seq"), int):
        return "its passkey signature names no journal head"
    named = books.journal.entry(head["seq"]) if head["seq"] > 0 else None
    if (named.hash if named else GENESIS) != head.get("hash") or head["seq"] >= entry.seq:
        return f"its passkey signature names a journal head ({head['seq']}) that is not an earlier entry of this record"
    between = books.journal.conn.execute(
        "SELECT COUNT(*) FROM entries WHERE seq > ? AND seq < ? AND recorded_at != ?", (head["seq"], entry.seq, entry.recorded_at)
    ).fetchone()[0]
    if between:
        return f"its passkey signature was made when the journal ended at entry {head['seq']}, not when it was recorded"
    expected = recompute(head)
    if challenge != bytes_to_base64url(expected):
        return "its content is not what the passkey signed (the challenge differs from the hash of the entry)"
    return check_attestation(books, signer, attestation, expected)


def _check_result(
    books: Books, p: Any, r: Any, keys: dict[str, str] | None, everyone: dict[str, Any], left_at: dict[str, int], report: Report
) -> None:
    """A result's drops are real departures and its counts a recount of its ballots (blind to names where ballots are pseudonymous)."""
    from engine.governance.decisions import recount, voted

    end = min(p.deadline, date.fromisoformat(r.data["closed_on"]))
    for member in r.data["dropped"]:
        left = everyone[member].end if member in everyone else None
        if left is None or left >= end:
            report.problems.append(f"{p.label}: the result at entry {r.seq} drops {member}, who did not leave during the vote")
        filed = keys.get(member) if keys is not None else (None if p.pseudonymous else member)
        own = [b.entry.seq for b in p.ballots if b.member == filed and b.entry.seq < r.seq and left and b.entry.date > left]
        if own and left_at.get(member, 0) > min(own):
            report.problems.append(
                f"{p.label}: the result at entry {r.seq} drops {member}'s ballot (entry {min(own)}) because of a departure "
                f"recorded afterwards (entry {left_at[member]}) and dated before it: eligibility was rewritten after the vote"
            )
    if p.pseudonymous and keys is None:
        again = _blind_recount(p, r, report)
    else:
        again = recount(p, r.data["dropped"], before=r.seq, keys=keys)
        if keys is not None and r.data.get("voted") != voted(p, keys, again.counted):
            report.problems.append(f"{p.label}: the result at entry {r.seq} lists who voted wrongly")
    if again.counted != r.data["ballots"] or again.tally.outcome != r.data["outcome"] or again.tally.counts.as_json() != r.data["counts"]:
        report.problems.append(
            f"{p.label}: the result at entry {r.seq} ({r.data['outcome']}) does not match a recount "
            f"of its ballots ({again.tally.outcome}, {again.tally.counts.as_json()})"
        )


def _blind_recount(p: Any, r: Any, report: Report) -> Any:
    """A recount without the ballot key: one current ballot per pseudonym, no more of them than voters.

    Which pseudonyms belonged to members who left cannot be told here; the result names the ballots it
    counted, each must be its pseudonym's current one, and at most one uncounted per member dropped.
    """
    from engine.governance import tally
    from engine.governance.decisions import Recount

    current = p.current_ballots("voting", r.seq)
    counted = {k: seq for k, seq in r.data["ballots"].items() if k in current and current[k].entry.seq == seq}
    electorate = len(p.eligible or ()) - len(r.data["dropped"])
    if len(current) - len(counted) > len(r.data["dropped"]) or len(counted) > electorate:
        report.problems.append(f"{p.label}: the result at entry {r.seq} leaves out current ballots of members who did not leave")
    if len(r.data.get("voted", counted)) != len(counted):
        report.problems.append(f"{p.label}: the result at entry {r.seq} lists {len(r.data['voted'])} voters for {len(counted)} ballots")
    t = tally.evaluate(p.rule, electorate, [current[k].choice for k in counted])
    return Recount(t, dict(sorted(counted.items())))


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
                "pseudonym": b.member if b.pseudonymous else None,
            }
            shown = f" under pseudonym {b.member[:16]}" if b.pseudonymous else "" if p.rule.secret else f" by {b.member}: {b.choice}"
            text = f"FOUND: ballot on {p.label} ({p.title}) cast {b.entry.on}{shown}, entry {seq}; {state}"
            if not chain.ok:
                text += "; WARNING: the journal's chain is broken: " + chain.problems[0]
            return ReceiptCheck(True, text, data)
    return ReceiptCheck(False, f"entry {seq} has this hash but is not a ballot", {"found": False, "entry": seq, "chain_ok": chain.ok})
