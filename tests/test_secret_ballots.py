"""Secret ballots that name no member: a pseudonym per proposal, a key outside the journal, a recount that still holds."""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from authenticator import SoftAuthenticator
from click.testing import Result
from conftest import _enrol, at, ok

from engine.audit.anchors import export, verify_bundle
from engine.audit.verify import verify
from engine.books.folder import Books, open_books
from engine.books.journal import canonical, entry_hash
from engine.errors import BooksError, UserError
from engine.governance import invitations, proxies, pseudonyms
from engine.governance.ballots import cast
from engine.governance.decisions import close
from engine.governance.passkeys import assertion_options, ballot_challenge, begin_registration, finish_registration, relying_party
from engine.governance.proposals import BALLOT, load

Coop = Callable[..., Result]
MEMBERS = ["rowan-ellery", "mara-quist", "teo-abernathy", "imani-castell", "noor-haddad", "wes-okafor"]
VOTERS = MEMBERS[:5]  # wes-okafor is the provider concerned, recused


def secret(member: str) -> str:
    return f"pass-{member}-2027"


def terminate(coop: Coop, day: str = "2027-02-01") -> None:
    ok(
        coop(
            "propose", "termination", "wes-okafor", "--last-day", "2027-04-30", "--grounds", "manual_failure",
            "--statement", "Repeatedly missed the documentation deadlines in section 4", env=at(day),
        )
    )  # fmt: skip


@pytest.fixture
def books(coop: Coop, books_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Books]:
    """A termination (secret, two thirds of the eligible) open for voting on 1 March; every member holds a credential."""
    for m in MEMBERS:
        ok(_enrol(coop, m, env=at("2027-01-04", m)))
    terminate(coop)
    monkeypatch.setenv("COOP_NOW", "2027-03-01T09:00:00")
    b = open_books(books_dir)
    yield b
    b.close()


def ballots(books: Books) -> list:
    return books.journal.entries([BALLOT])


def test_opening_a_secret_vote_writes_its_key_outside_the_journal_and_commits_only_its_hash(books: Books) -> None:
    p = load(books, "P-1")
    path = pseudonyms.key_path(books, "P-1")
    key = bytes.fromhex(path.read_text())
    assert p.opened.data[pseudonyms.KEY_FIELD] == hashlib.sha256(key).hexdigest()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((books.folder / "secrets").stat().st_mode) == 0o700
    assert key.hex() not in "".join(e.data_text for e in books.journal.entries())


def _pairs_recovered(listing: list[dict]) -> list[tuple[str, str]]:
    """The attack on the public listing: guess every (member, choice) of each ballot and compare the entry's hash."""
    found = []
    for row in listing:
        if row["kind"] != BALLOT:
            continue
        for member in MEMBERS:
            for choice in ("yes", "no", "abstain"):
                for extra in ({}, {"attestation": {"by": "server"}}):
                    data = {"member": member, "choice": choice, "reason": "", "phase": row["data"]["phase"], **extra}
                    prev = row.get("prev_hash") or _prev[row["seq"]]
                    if entry_hash(prev, row["seq"], row["kind"], row["on"], row["recorded_at"], canonical(data), row["ref"]) == row["hash"]:
                        found.append((member, choice))
    return found


_prev: dict[int, str] = {}


def _listing(coop: Coop, books: Books) -> list[dict]:
    _prev.clear()
    _prev.update({e.seq: e.prev_hash for e in books.journal.entries(include_voided=True)})  # also in any bundle
    return json.loads(ok(coop("journal", "list", "--json", env=at("2027-03-02"))).output)


def test_guessing_every_member_and_choice_against_the_journal_recovers_nothing(books: Books, coop: Coop) -> None:
    for m, choice in zip(VOTERS, ["yes", "no", "yes", "abstain", "yes"], strict=True):
        cast(books, "P-1", m, choice, secret(m))
    assert _pairs_recovered(_listing(coop, books)) == []
    raw = [e for e in ballots(books)]
    assert len(raw) == 5 and all("member" not in e.data and "cast_by" not in e.data for e in raw)
    for e in raw:  # not even with the full entries of a bundle
        assert not any(m in e.data_text for m in MEMBERS)
        for m in MEMBERS:
            guess = {**{k: v for k, v in e.data.items() if k != "pseudonym"}, "member": m}
            assert entry_hash(e.prev_hash, e.seq, e.kind, e.on, e.recorded_at, canonical(guess), e.ref) != e.hash
            assert e.data["pseudonym"] not in (hashlib.sha256(m.encode()).hexdigest(), hashlib.sha256(f"P-1{m}".encode()).hexdigest())


def test_the_same_guess_does_recover_an_open_ballot(books: Books, coop: Coop) -> None:
    """The attack above is real: on an open vote, where entries name members, it finds each one."""
    ok(coop("propose", "general", "--title", "A picnic", "--text", "Shall we?", env=at("2027-03-01")))
    cast(books, "P-2", "mara-quist", "no", secret("mara-quist"))
    assert _pairs_recovered(_listing(coop, books)) == [("mara-quist", "no")]


def test_one_current_ballot_per_member_still_holds(books: Books, coop: Coop) -> None:
    _, first = cast(books, "P-1", "mara-quist", "yes", secret("mara-quist"))
    _, second = cast(books, "P-1", "mara-quist", "no", secret("mara-quist"))
    assert second.data["pseudonym"] == first.data["pseudonym"] and second.data["supersedes"] == first.seq
    p = load(books, "P-1")
    assert [b.entry.seq for b in p.current_ballots().values()] == [second.seq]
    out = ok(coop("vote", "cast", "P-1", "--member", "teo-abernathy", "--choice", "yes", env=at("2027-03-01", "teo-abernathy"))).output
    assert "the record names you only as " in out
    with pytest.raises(UserError, match="is recused from P-1"):
        cast(books, "P-1", "wes-okafor", "no", secret("wes-okafor"))


def test_who_voted_is_listed_only_after_close_and_never_how(books: Books, coop: Coop, monkeypatch: pytest.MonkeyPatch) -> None:
    for m in VOTERS[:4]:
        cast(books, "P-1", m, "yes", secret(m))
    before = json.dumps(_listing(coop, books)) + ok(coop("proposal", "show", "P-1", "--json", env=at("2027-03-02"))).output
    mentioned = {m for m in VOTERS if f'"{m}"' in before}
    assert mentioned == set(VOTERS)  # the electorate is public; who of it voted is not
    assert '"voted"' not in before
    monkeypatch.setenv("COOP_NOW", "2027-03-16T09:00:00")
    p = close(books, "P-1")
    assert p.result is not None and p.result.data["voted"] == sorted(VOTERS[:4])
    assert set(p.result.data["ballots"]) == {b.member for b in p.ballots}  # counted by pseudonym
    shown = json.loads(ok(coop("proposal", "show", "P-1", "--json", env=at("2027-03-16"))).output)["result"]
    assert shown["voted"] == sorted(VOTERS[:4]) and "ballots" not in shown
    assert (
        "Voted (who, not how): imani-castell, mara-quist, rowan-ellery, teo-abernathy"
        in ok(coop("proposal", "show", "P-1", env=at("2027-03-16"))).output
    )


def test_audit_verify_recounts_by_pseudonym_with_and_without_the_key(books: Books, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for m, choice in zip(VOTERS, ["yes", "yes", "yes", "yes", "no"], strict=True):
        cast(books, "P-1", m, choice, secret(m))
    monkeypatch.setenv("COOP_NOW", "2027-03-16T09:00:00")
    assert close(books, "P-1").result.data["outcome"] == "passed"
    report = verify(books)
    assert report.ok, report.problems
    assert report.attested["server"] == 5 and report.away == 0
    export(books, tmp_path / "bundle.json")
    blind, _ = verify_bundle(tmp_path / "bundle.json", [])
    assert blind.ok, blind.problems
    assert blind.away == 5 and "5 secret (signer checked only with the books' secrets folder)" in blind.summary()


def test_audit_verify_fails_on_a_second_ballot_under_the_same_pseudonym(books: Books, tmp_path: Path) -> None:
    _, first = cast(books, "P-1", "mara-quist", "yes", secret("mara-quist"))
    with books.transaction() as w:  # what the holder of the database could append
        w.append(BALLOT, "2027-03-01", {k: v for k, v in first.data.items()}, ref=first.ref)
    report = verify(books)
    assert any("a second current ballot for the same pseudonym" in p for p in report.problems), report.problems
    export(books, tmp_path / "bundle.json")
    blind, _ = verify_bundle(tmp_path / "bundle.json", [])
    assert any("a second current ballot for the same pseudonym" in p for p in blind.problems)


def test_a_stuffed_ballot_under_a_made_up_pseudonym_fails_verify(books: Books) -> None:
    _, first = cast(books, "P-1", "mara-quist", "yes", secret("mara-quist"))
    with books.transaction() as w:
        w.append(BALLOT, "2027-03-01", {**first.data, "pseudonym": "ab" * 32}, ref=first.ref)
    assert any("its pseudonym is no eligible member's" in p for p in verify(books).problems)


def test_a_secret_vote_without_its_key_is_refused_in_one_line(books: Books) -> None:
    pseudonyms.key_path(books, "P-1").unlink()
    with pytest.raises(BooksError, match="ballot key of P-1 is missing"):
        cast(books, "P-1", "mara-quist", "yes", secret("mara-quist"))
    assert not ballots(books)


def test_a_passkey_signs_a_secret_ballot_without_the_journal_naming_its_owner(books: Books) -> None:
    rp = relying_party(books)
    device = SoftAuthenticator(rp.origin, rp.id)
    options, challenge = begin_registration(books, "noor-haddad")
    code = invitations.invite(books, "noor-haddad")[1]
    finish_registration(books, "noor-haddad", device.register(options), challenge, invitation=code)
    signed = ballot_challenge(books, "P-1", "noor-haddad", "no")
    _, entry = cast(books, "P-1", "noor-haddad", "no", None, assertion=device.assert_(assertion_options(books, "noor-haddad", signed)))
    assert set(entry.data) == {"pseudonym", "choice", "reason", "phase", "sealed"}
    kept = json.loads(pseudonyms.sidecar_path(books, "P-1", entry.hash).read_text())
    assert kept["attestation"]["by"] == "passkey" and kept["cast_by"] is None
    report = verify(books)
    assert report.ok, report.problems
    assert report.attested == {"passkey": 1, "server": 0}
    pseudonyms.sidecar_path(books, "P-1", entry.hash).write_text(json.dumps({**kept, "cast_by": "mara-quist"}))
    assert any("does not match the file kept beside its key" in p for p in verify(books).problems)


def test_a_proxy_casts_a_secret_ballot_named_by_the_grantors_pseudonym(books: Books, monkeypatch: pytest.MonkeyPatch) -> None:
    given = proxies.give(books, "imani-castell", "rowan-ellery", secret("imani-castell"), proposal="P-1")
    proxies.accept(books, given.seq, "rowan-ellery", secret("rowan-ellery"))
    _, entry = cast(books, "P-1", "rowan-ellery", "yes", secret("rowan-ellery"), for_member="imani-castell")
    key = pseudonyms.required_key(books, load(books, "P-1").opened, "P-1")
    assert entry.data["pseudonym"] == pseudonyms.pseudonym(key, "imani-castell")
    assert "rowan-ellery" not in entry.data_text and "proxy" not in entry.data
    _, again = cast(books, "P-1", "rowan-ellery", "no", secret("rowan-ellery"), for_member="imani-castell")
    assert again.data["supersedes"] == entry.seq  # the holder may change the ballot they cast
    assert verify(books).ok
    for m in ("mara-quist", "teo-abernathy", "noor-haddad"):
        cast(books, "P-1", m, "yes", secret(m))
    monkeypatch.setenv("COOP_NOW", "2027-03-16T09:00:00")
    result = close(books, "P-1").result
    assert result is not None and result.data["proxy_ballots"] == 1 and "imani-castell" in result.data["voted"]
    assert verify(books).ok
