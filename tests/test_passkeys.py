"""Passkeys: registered from an invitation, ballots a member's own device signs, checked offline by audit verify."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from authenticator import SoftAuthenticator, b64url, unb64url
from click.testing import Result
from conftest import _enrol, at, ok

from engine.audit.verify import verify
from engine.books.folder import Books, open_books
from engine.errors import UserError
from engine.governance import invitations
from engine.governance.ballots import cast
from engine.governance.decisions import close
from engine.governance.passkeys import (
    REGISTERED,
    assertion_options,
    ballot_challenge,
    begin_registration,
    finish_registration,
    relying_party,
)

Coop = Callable[..., Result]
SERVER_VOTERS = ["teo-abernathy", "imani-castell"]


@pytest.fixture
def voting(coop: Coop, books_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Books]:
    """P-1 (an onboarding, majority of votes cast) open for voting on 2 February; two members hold credentials."""
    for m in SERVER_VOTERS:
        ok(_enrol(coop, m, env=at("2027-01-04", m)))
    ok(
        coop(
            "propose", "onboarding", "lena-marsh", "--name", "Lena Marsh", "--practice", "Marsh Counseling LLC",
            "--licence", "LPC-41290", "--email", "lena@marsh.example", "--start", "2027-03-01", env=at("2027-02-01"),
        )
    )  # fmt: skip
    monkeypatch.setenv("COOP_NOW", "2027-02-02T09:00:00")
    books = open_books(books_dir)
    yield books
    books.close()


def register(books: Books, member: str, *, invitation: str | None = None, secret: str | None = None) -> SoftAuthenticator:
    rp = relying_party(books)
    device = SoftAuthenticator(rp.origin, rp.id)
    if invitation is None and secret is None:
        invitation = invitations.invite(books, member)[1]
    options, challenge = begin_registration(books, member)
    finish_registration(books, member, device.register(options), challenge, invitation=invitation, secret=secret)
    return device


def signed(books: Books, device: SoftAuthenticator, member: str, choice: str, reason: str = "", for_member: str | None = None) -> str:
    challenge = ballot_challenge(books, "P-1", member, choice, reason, for_member)
    return device.assert_(assertion_options(books, member, challenge))


def passkey_vote(books: Books, device: SoftAuthenticator, member: str, choice: str, for_member: str | None = None):
    return cast(books, "P-1", member, choice, None, for_member=for_member, assertion=signed(books, device, member, choice, "", for_member))


def count(books: Books) -> int:
    return books.journal.head()[0]


def test_a_passkey_is_registered_from_an_invitation_and_its_public_key_alone_is_journaled(voting: Books) -> None:
    entry, code = invitations.invite(voting, "rowan-ellery")
    device = register(voting, "rowan-ellery", invitation=code)
    e = voting.journal.entries([REGISTERED])[-1]
    assert e.data["member"] == "rowan-ellery" and e.data["invitation"] == entry.seq
    assert unb64url(e.data["credential_id"]) == device.credential_id
    assert unb64url(e.data["public_key"]) == device.cose_key()
    assert (e.data["rp_id"], e.data["origin"]) == ("localhost", "http://localhost:8000")
    assert code not in e.data_text and invitations.digest(code) not in e.data_text
    options = json.loads(begin_registration(voting, "rowan-ellery")[0])
    assert [c["id"] for c in options["excludeCredentials"]] == [b64url(device.credential_id)]
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert [a["alg"] for a in options["pubKeyCredParams"]] == [-7, -257]


def test_an_invitation_opens_one_credential_or_one_passkey_not_both(voting: Books, coop: Coop) -> None:
    _, code = invitations.invite(voting, "rowan-ellery")
    register(voting, "rowan-ellery", invitation=code)
    with pytest.raises(UserError, match="already used"):
        register(voting, "rowan-ellery", invitation=code)
    before = count(voting)
    out = coop("member", "credential", "set", "rowan-ellery", "--invitation", code, env=at("2027-02-02", "rowan-ellery"))
    assert out.exit_code == 2 and "already used" in out.output
    assert count(voting) == before


def test_a_second_passkey_needs_the_credential_or_a_new_invitation(voting: Books) -> None:
    register(voting, "teo-abernathy", secret="pass-teo-abernathy-2027")
    rp = relying_party(voting)
    options, challenge = begin_registration(voting, "teo-abernathy")
    with pytest.raises(UserError, match="invitation code or their current credential"):
        finish_registration(voting, "teo-abernathy", SoftAuthenticator(rp.origin, rp.id).register(options), challenge)
    with pytest.raises(UserError, match="wrong credential"):
        register(voting, "teo-abernathy", secret="not-teo's-secret")


def test_a_passkey_made_for_another_site_is_refused(voting: Books) -> None:
    options, challenge = begin_registration(voting, "rowan-ellery")
    elsewhere = SoftAuthenticator("https://phish.example", "localhost")
    code = invitations.invite(voting, "rowan-ellery")[1]
    with pytest.raises(UserError, match="could not be verified"):
        finish_registration(voting, "rowan-ellery", elsewhere.register(options), challenge, invitation=code)
    assert not voting.journal.entries([REGISTERED])


def test_a_passkey_ballot_counts_verifies_and_is_shown_apart_from_server_attested_ones(
    voting: Books, coop: Coop, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = register(voting, "rowan-ellery")
    _, entry = passkey_vote(voting, device, "rowan-ellery", "yes")
    a = entry.data["attestation"]
    assert a["by"] == "passkey" and a["credential_id"] == b64url(device.credential_id) and a["sign_count"] == 1
    assert entry.data["member"] == "rowan-ellery" and entry.data["head"]["seq"] < entry.seq
    for m in SERVER_VOTERS:
        _, e = cast(voting, "P-1", m, "yes", f"pass-{m}-2027")
        assert e.data["attestation"] == {"by": "server"}
    report = verify(voting)
    assert report.ok, report.problems
    assert report.attested == {"passkey": 1, "server": 2}
    out = ok(coop("audit", "verify", env=at("2027-02-02"))).output
    assert "Ballots: 1 passkey-signed, 2 server-attested" in out
    monkeypatch.setenv("COOP_NOW", "2027-02-15T09:00:00")
    close(voting, "P-1")
    p = ok(coop("proposal", "show", "P-1", env=at("2027-02-15"))).output
    assert "Ballots counted: 1 signed with a passkey, 2 attested by the server" in p
    assert json.loads(ok(coop("proposal", "show", "P-1", "--json", env=at("2027-02-15"))).output)["result"]["attested"] == {
        "passkey": 1,
        "server": 2,
    }
    assert verify(voting).ok


@pytest.mark.parametrize("forgery", ["choice", "signature", "client_data"])
def test_a_passkey_ballot_altered_in_the_journal_fails_verify_naming_its_entry(
    voting: Books, rewrite_chain: Callable[..., None], forgery: str
) -> None:
    device = register(voting, "rowan-ellery")
    _, entry = passkey_vote(voting, device, "rowan-ellery", "no")
    data = entry.data
    if forgery == "choice":
        data["choice"] = "yes"
    elif forgery == "signature":
        sig = bytearray(unb64url(data["attestation"]["signature"]))
        sig[-1] ^= 1
        data["attestation"]["signature"] = b64url(bytes(sig))
    else:
        client = json.loads(unb64url(data["attestation"]["client_data_json"]))
        client["origin"] = "https://elsewhere.example"
        data["attestation"]["client_data_json"] = b64url(json.dumps(client).encode())
    rewrite_chain(voting.folder, entry.seq, data)
    books = open_books(voting.folder)
    report = verify(books)
    books.close()
    assert not report.ok
    assert any(f"(entry {entry.seq})" in p and "passkey" in p for p in report.problems), report.problems


def test_a_replayed_assertion_is_refused_and_nothing_is_written(voting: Books) -> None:
    device = register(voting, "rowan-ellery")
    assertion = signed(voting, device, "rowan-ellery", "yes")
    cast(voting, "P-1", "rowan-ellery", "yes", None, assertion=assertion)
    before = count(voting)
    with pytest.raises(UserError, match="does not match this ballot as the books stand now"):
        cast(voting, "P-1", "rowan-ellery", "yes", None, assertion=assertion)
    with pytest.raises(UserError, match="does not match"):  # the same signature offered for another choice
        cast(voting, "P-1", "rowan-ellery", "no", None, assertion=assertion)
    assert count(voting) == before


def test_a_signature_for_one_ballot_does_not_cast_another(voting: Books) -> None:
    device = register(voting, "rowan-ellery")
    assertion = signed(voting, device, "rowan-ellery", "yes")
    with pytest.raises(UserError, match="does not match"):
        cast(voting, "P-1", "rowan-ellery", "no", None, assertion=assertion)


def test_a_passkey_ballot_for_someone_elses_member_id_is_refused(voting: Books) -> None:
    rowan = register(voting, "rowan-ellery")
    register(voting, "mara-quist")
    challenge = ballot_challenge(voting, "P-1", "mara-quist", "no")
    assertion = rowan.assert_(assertion_options(voting, "rowan-ellery", challenge))
    before = count(voting)
    with pytest.raises(UserError, match="not one of mara-quist's"):
        cast(voting, "P-1", "mara-quist", "no", None, assertion=assertion)
    assert count(voting) == before


def test_a_credential_and_an_assertion_together_are_refused(voting: Books) -> None:
    device = register(voting, "teo-abernathy", secret="pass-teo-abernathy-2027")
    with pytest.raises(UserError, match="not both"):
        cast(voting, "P-1", "teo-abernathy", "yes", "pass-teo-abernathy-2027", assertion=signed(voting, device, "teo-abernathy", "yes"))


def test_the_challenge_is_the_same_for_the_same_state_and_changes_with_the_head(voting: Books) -> None:
    first = ballot_challenge(voting, "P-1", "teo-abernathy", "yes")
    assert ballot_challenge(voting, "P-1", "teo-abernathy", "yes") == first and len(first) == 32
    assert ballot_challenge(voting, "P-1", "teo-abernathy", "no") != first
    cast(voting, "P-1", "imani-castell", "yes", "pass-imani-castell-2027")
    assert ballot_challenge(voting, "P-1", "teo-abernathy", "yes") != first


def test_a_counter_that_goes_back_is_refused(voting: Books) -> None:
    device = register(voting, "rowan-ellery")
    passkey_vote(voting, device, "rowan-ellery", "yes")
    device.sign_count = 0  # a cloned authenticator, say: its counter is behind the one on record
    with pytest.raises(UserError, match="sign count"):
        passkey_vote(voting, device, "rowan-ellery", "no")


def test_a_portal_url_with_a_path_is_refused(tmp_path: Path) -> None:
    from engine.books.portal import Portal

    assert Portal(url="https://coop.example.org:8443/").url == "https://coop.example.org:8443"
    for bad in ("ftp://coop.example.org", "https://coop.example.org/vote", "coop.example.org"):
        with pytest.raises(ValueError):
            Portal(url=bad)


def test_a_provider_signs_their_agreement_with_a_passkey_and_verify_checks_it(
    voting: Books, coop: Coop, rewrite_chain: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.documents.contracts import ISSUED
    from engine.documents.signatures import sign, signing_challenge

    monkeypatch.setenv("COOP_NOW", "2027-01-15T09:00:00")
    ok(coop("contracts", "issue", "mara-quist", "--on", "2027-01-15", env=at("2027-01-15")))
    issued = voting.journal.entries([ISSUED])[-1]
    device = register(voting, "mara-quist")
    digest = issued.data["sha256"]
    with pytest.raises(UserError, match="not the SHA-256"):
        sign(voting, "mara-quist", issued.date, "agreement", name="Mara Quist", document_sha256="0" * 64)
    challenge = signing_challenge(voting, "mara-quist", "agreement", digest, "Mara Quist")
    assertion = device.assert_(assertion_options(voting, "mara-quist", challenge))
    with pytest.raises(UserError, match="does not match"):  # the signature covers the name signed with
        sign(voting, "mara-quist", issued.date, "agreement", name="Someone Else", document_sha256=digest, assertion=assertion)
    entry = sign(voting, "mara-quist", issued.date, "agreement", name="Mara Quist", document_sha256=digest, assertion=assertion)
    assert entry.data["attestation"]["by"] == "passkey" and entry.data["name"] == "Mara Quist"
    report = verify(voting)
    assert report.ok, report.problems
    assert report.signatures == {"passkey": 1, "server": 0}
    status = json.loads(ok(coop("contracts", "status", "--json", env=at("2027-01-15"))).output)["providers"]
    row = next(r for r in status if r["provider"] == "mara-quist")
    assert (row["signed_sha256"], row["attested"]) == (digest, "passkey")
    assert f"{digest[:12]} (passkey)" in ok(coop("contracts", "status", env=at("2027-01-15"))).output
    rewrite_chain(voting.folder, entry.seq, {**entry.data, "name": "Someone Else"})
    books = open_books(voting.folder)
    problems = verify(books).problems
    books.close()
    assert any(f"(entry {entry.seq})" in p and "not what the passkey signed" in p for p in problems), problems
