"""Passkeys through the portal's own routes: enrolment from an invitation, sign-in, a signed ballot, a signed agreement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from authenticator import SoftAuthenticator
from conftest import ok
from portal_client import Browser
from test_portal import MARA, TEO, head, invite, kinds, open_onboarding, secret, signed_in

ORIGIN = "http://testserver"


@pytest.fixture
def site(books_dir: Path) -> Path:
    """The books with the portal's address set to the test client's, which passkeys are bound to."""
    with (books_dir / "federation.yaml").open("a", encoding="utf-8") as f:
        f.write(f"\nportal:\n  url: {ORIGIN}\n")
    return books_dir


def enrol_passkey(site: Path, coop, member: str) -> tuple[Browser, SoftAuthenticator]:
    code = invite(coop, member)
    b, key = Browser(site), SoftAuthenticator(ORIGIN, "testserver")
    join = f"/join/{member}/{code}"
    options = b.json(join, f"{join}/passkey/options", {})
    assert options.status_code == 200, options.text
    r = b.json(join, f"{join}/passkey", {"credential": json.loads(key.register(options.text))})
    assert r.status_code == 200 and r.json() == {"next": "/"}, r.text
    return b, key


def passkey_ballot(b: Browser, key: SoftAuthenticator, label: str, choice: str) -> tuple[object, str]:
    page = f"/proposals/{label}"
    options = b.json(page, f"{page}/ballot/options", {"choice": choice, "reason": ""})
    assert options.status_code == 200, options.text
    answer = key.assert_(options.text)
    r = b.json(page, f"{page}/ballot/passkey", {"choice": choice, "reason": "", "credential": json.loads(answer)})
    return r, answer


def test_a_member_enrols_a_passkey_from_the_invitation_and_signs_in_with_it(site: Path, coop) -> None:
    b, key = enrol_passkey(site, coop, MARA)
    assert b.get("/").status_code == 200
    registered = kinds(site, "passkey.registered")
    assert [r["member"] for r in registered] == [MARA] and "invitation" in registered[0]
    fresh = Browser(site)
    options = fresh.json("/signin", "/signin/passkey/options", {"member": MARA})
    r = fresh.json("/signin", "/signin/passkey", {"credential": json.loads(key.assert_(options.text))})
    assert r.status_code == 200 and fresh.get("/").status_code == 200
    again = Browser(site)
    r = again.json("/signin", "/signin/passkey", {"credential": json.loads(key.assert_(options.text))})
    assert r.status_code == 400  # no sign-in was started in this browser: an old answer opens nothing


def test_a_passkey_ballot_is_signed_verified_and_cannot_be_replayed(site: Path, coop) -> None:
    ok(coop("member", "invite", TEO))
    for m in (TEO,):
        code = invite(coop, m)
        Browser(site).form(f"/join/{m}/{code}", f"/join/{m}/{code}", {"credential": secret(m), "again": secret(m)})
    teo = signed_in(site, TEO)
    open_onboarding(teo)
    mara, key = enrol_passkey(site, coop, MARA)
    page = mara.get("/proposals/P-1").text
    assert 'id="passkey-ballot"' in page
    r, answer = passkey_ballot(mara, key, "P-1", "yes")
    assert r.status_code == 200, r.text
    assert "Your ballot on P-1 is recorded" in mara.get("/proposals/P-1").text
    [ballot] = kinds(site, "ballot.cast")
    assert ballot["member"] == MARA and ballot["attestation"]["by"] == "passkey"
    before = head(site)
    replay = mara.json("/proposals/P-1", "/proposals/P-1/ballot/passkey", {"choice": "yes", "reason": "", "credential": json.loads(answer)})
    assert replay.status_code == 400 and "error" in replay.json()
    assert head(site) == before
    other = mara.json("/proposals/P-1", "/proposals/P-1/ballot/passkey", {"choice": "no", "reason": "", "credential": json.loads(answer)})
    assert other.status_code == 400 and head(site) == before  # a signature over "yes" does not cast "no"
    verified = ok(coop("audit", "verify")).output
    assert "1 passkey-signed" in verified, verified


def test_a_member_signs_their_agreement_with_a_passkey(site: Path, coop) -> None:
    mara, key = enrol_passkey(site, coop, MARA)
    ok(coop("contracts", "issue", "--all"))
    from engine.books.folder import open_books

    books = open_books(site)
    agreement = next(e for e in books.journal.entries(["contract.issued"]) if e.data["provider"] == MARA and e.data["kind"] == "agreement")
    books.close()
    page = f"/documents/{agreement.seq}/sign"
    options = mara.json(page, f"{page}/options", {"name": "Mara Quist"})
    assert options.status_code == 200, options.text
    r = mara.json(page, f"{page}/passkey", {"name": "Mara Quist", "credential": json.loads(key.assert_(options.text))})
    assert r.status_code == 200, r.text
    signed = kinds(site, "contract.signed")[-1]
    assert signed["provider"] == MARA and signed["sha256"] == agreement.data["sha256"]
    assert "passkey" in ok(coop("contracts", "status")).output
    assert "OK" in ok(coop("audit", "verify")).output
