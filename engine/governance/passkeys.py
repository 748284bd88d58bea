"""Passkeys (WebAuthn): a member's own device signs their ballot, so the parent's server cannot cast it for them.

A credential (engine.governance.credentials) is checked by the server, so
its ballots say only that the server saw it ("server-attested"). A passkey
signs a challenge that is the hash of the ballot's whole content and of the
journal's head at that moment; the signature, the authenticator's data and
the browser's client data are journaled with the ballot, and ``coop audit
verify`` checks them offline against the public key journaled when the
passkey was registered. A forged or altered passkey ballot fails that check
anywhere, on any member's computer; a replayed one is refused at cast time
because the head it signed is no longer the head.

Registering needs the member's invitation (single-use across credential and
passkey) or their current credential: an existing passkey alone is not
enough, because a registration carries no proof from it, so whoever runs the
server could otherwise add a passkey of their own to a member's name.

No web server lives here: the portal asks for options, hands them to the
browser, and passes its JSON answer back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from engine.books import clock
from engine.books.folder import Books
from engine.books.journal import Entry
from engine.books.portal import url_of
from engine.books.roster import require
from engine.errors import UserError

REGISTERED = "passkey.registered"
ALGORITHMS = [COSEAlgorithmIdentifier.ECDSA_SHA_256, COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256]
_BROKEN = (WebAuthnException, ValueError, KeyError, TypeError, AttributeError)
"""What a malformed or wrong browser answer raises inside py_webauthn: all of it is the sender's mistake."""


@dataclass(frozen=True)
class RelyingParty:
    id: str
    name: str
    origin: str


def relying_party(books: Books) -> RelyingParty:
    """The site passkeys are made for: the ``portal:`` URL's host and origin, and the federation's name."""
    parts = urlsplit(url_of(books))
    return RelyingParty(parts.hostname or "localhost", books.federation.name, f"{parts.scheme}://{parts.netloc}")


@dataclass(frozen=True)
class Passkey:
    member: str
    credential_id: str
    """base64url, as browsers spell it."""
    public_key: bytes
    """COSE, as the authenticator gave it at registration."""
    rp_id: str
    origin: str
    registered: Entry

    @classmethod
    def of(cls, e: Entry) -> Passkey:
        d = e.data
        return cls(d["member"], d["credential_id"], base64url_to_bytes(d["public_key"]), d["rp_id"], d["origin"], e)


def passkeys_of(books: Books, member: str) -> list[Passkey]:
    return [Passkey.of(e) for e in books.journal.entries([REGISTERED]) if e.data["member"] == member]


def find(books: Books, credential_id: str) -> Passkey | None:
    row = books.journal.conn.execute(
        "SELECT seq FROM entries WHERE kind = ? AND json_extract(data, '$.credential_id') = ? ORDER BY seq LIMIT 1",
        (REGISTERED, credential_id),
    ).fetchone()
    return Passkey.of(books.journal.require(row[0])) if row else None


def last_count(books: Books, credential_id: str) -> int:
    """The highest signature counter journaled for a passkey: a new assertion must exceed it (unless the authenticator keeps none)."""
    row = books.journal.conn.execute(
        "SELECT MAX(COALESCE(json_extract(data, '$.attestation.sign_count'), json_extract(data, '$.sign_count'))) FROM entries "
        "WHERE json_extract(data, '$.credential_id') = ? OR json_extract(data, '$.attestation.credential_id') = ?",
        (credential_id, credential_id),
    ).fetchone()
    return int(row[0] or 0)


def user_handle(member: str) -> bytes:
    """The member's WebAuthn user id: stable, and not their id in clear (authenticators may show or sync it)."""
    return hashlib.sha256(f"coop member {member}".encode()).digest()


def b64url(data: bytes) -> str:
    return bytes_to_base64url(data)


# --- registration ------------------------------------------------------------------------


def begin_registration(books: Books, member: str) -> tuple[str, bytes]:
    """Options for ``navigator.credentials.create`` (JSON) and the challenge the caller keeps until the answer comes."""
    m = require(books, member, field="MEMBER")
    rp = relying_party(books)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_name=member,
        user_id=user_handle(member),
        user_display_name=m.provider.name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(k.credential_id)) for k in passkeys_of(books, member)],
        supported_pub_key_algs=ALGORITHMS,
    )
    return options_to_json(options), options.challenge


def finish_registration(
    books: Books, member: str, response_json: str, challenge: bytes, invitation: str | None = None, secret: str | None = None
) -> Entry:
    """Check the browser's answer and journal the passkey (its public key; nothing secret is ever journaled).

    Needs ``invitation`` (the member's one-time code, not yet used for a credential or a passkey)
    or ``secret`` (their current credential).
    """
    from engine.governance import credentials
    from engine.governance.invitations import redeemable

    require(books, member, field="MEMBER")
    if invitation is None and secret is None:
        raise UserError(
            f"registering a passkey for {member} needs their invitation code or their current credential",
            field="--invitation",
            expected=f"the code from 'coop member invite {member}'",
        )
    if invitation is None:
        credentials.check(books, member, secret)
    rp = relying_party(books)
    try:
        verified = verify_registration_response(
            credential=response_json,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            supported_pub_key_algs=ALGORITHMS,
        )
    except _BROKEN as exc:
        raise UserError(f"the passkey could not be verified: {_one_line(exc)}", field="passkey") from None
    credential_id = bytes_to_base64url(verified.credential_id)
    with books.transaction() as w:
        extra: dict[str, Any] = {}
        if invitation is not None:
            extra["invitation"] = redeemable(books, member, invitation, clock.today(), REGISTERED).seq
        known = find(books, credential_id)
        if known is not None:
            raise UserError(f"this passkey is already registered (journal entry {known.registered.seq})", field="passkey")
        data = {
            "member": member,
            "credential_id": credential_id,
            "public_key": bytes_to_base64url(verified.credential_public_key),
            "sign_count": verified.sign_count,
            "rp_id": rp.id,
            "origin": rp.origin,
            **extra,
        }
        return w.append(REGISTERED, clock.today(), data)


# --- signing -----------------------------------------------------------------------------


def ballot_challenge(books: Books, pid: str, member: str, choice: str, reason: str = "", for_member: str | None = None) -> bytes:
    """What ``member``'s passkey must sign to cast this ballot now (see engine.governance.ballots.challenge_now)."""
    from engine.governance.ballots import challenge_now

    return challenge_now(books, pid, member, choice, reason, for_member)


def assertion_options(books: Books, member: str, challenge: bytes) -> str:
    """Options for ``navigator.credentials.get``: sign ``challenge`` with one of the member's passkeys."""
    require(books, member, field="--member")
    keys = passkeys_of(books, member)
    if not keys:
        raise UserError(f"{member} has no passkey yet", field="--member", expected="a passkey registered with their invitation")
    options = generate_authentication_options(
        rp_id=relying_party(books).id,
        challenge=challenge,
        allow_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(k.credential_id)) for k in keys],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options)


def verify_assertion(books: Books, member: str, assertion_json: str, challenge: bytes) -> dict[str, Any]:
    """Check that one of ``member``'s passkeys signed ``challenge`` just now; the attestation to journal, or a one-line refusal."""
    try:
        parsed = parse_authentication_credential_json(assertion_json)
    except _BROKEN as exc:
        raise UserError(f"the passkey's answer could not be read: {_one_line(exc)}", field="assertion") from None
    credential_id = bytes_to_base64url(parsed.raw_id)
    key = find(books, credential_id)
    if key is None or key.member != member:
        raise UserError(f"that passkey is not one of {member}'s", field="assertion")
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=key.rp_id,
            expected_origin=key.origin,
            credential_public_key=key.public_key,
            credential_current_sign_count=last_count(books, credential_id),
        )
    except _BROKEN as exc:
        raise UserError(
            f"the passkey's signature does not match this ballot as the books stand now ({_one_line(exc)}); nothing was recorded",
            field="assertion",
        ) from None
    return {
        "by": "passkey",
        "credential_id": credential_id,
        "authenticator_data": bytes_to_base64url(parsed.response.authenticator_data),
        "client_data_json": bytes_to_base64url(parsed.response.client_data_json),
        "signature": bytes_to_base64url(parsed.response.signature),
        "sign_count": verified.new_sign_count,
    }


def check_attestation(books: Books, signer: str, attestation: dict[str, Any], challenge: bytes) -> str | None:
    """Why a journaled passkey signature does not hold (offline: only the journal is read), or None.

    Checks the signature over authenticatorData || SHA-256(clientDataJSON) with the public key
    journaled at registration, the client data's type, challenge and origin, and the rpIdHash.
    """
    key = find(books, attestation.get("credential_id", ""))
    if key is None:
        return "signed with a passkey that was never registered"
    if key.member != signer:
        return f"signed with {key.member}'s passkey, not {signer}'s"
    credential = {
        "id": key.credential_id,
        "rawId": key.credential_id,
        "type": "public-key",
        "response": {
            "clientDataJSON": attestation.get("client_data_json", ""),
            "authenticatorData": attestation.get("authenticator_data", ""),
            "signature": attestation.get("signature", ""),
        },
        "clientExtensionResults": {},
    }
    try:
        verify_authentication_response(
            credential=json.dumps(credential),
            expected_challenge=challenge,
            expected_rp_id=key.rp_id,
            expected_origin=key.origin,
            credential_public_key=key.public_key,
            credential_current_sign_count=0,
        )
    except _BROKEN as exc:
        return f"its passkey signature does not hold ({_one_line(exc)})"
    return None


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
