"""A software authenticator: what a browser and a security key do for a passkey, without either.

It makes an EC P-256 key, answers ``navigator.credentials.create`` options
with a "none" attestation and ``navigator.credentials.get`` options with a
signed assertion, in the JSON a browser posts (base64url fields). Tests of
the engine and of the portal use it to sign as a member would.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

FLAG_UP, FLAG_UV, FLAG_AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftAuthenticator:
    """One passkey for one relying party; ``sign_count`` rises with every assertion (as a security key's does)."""

    def __init__(self, origin: str, rp_id: str, *, counting: bool = True) -> None:
        self.origin = origin
        self.rp_id = rp_id
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.sign_count = 0
        self.counting = counting
        self.user_handle: bytes | None = None

    def _auth_data(self, flags: int, extra: bytes = b"") -> bytes:
        rp_hash = hashlib.sha256(self.rp_id.encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.sign_count) + extra

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}).encode()

    def cose_key(self) -> bytes:
        n = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: n.x.to_bytes(32, "big"), -3: n.y.to_bytes(32, "big")})

    def register(self, options_json: str) -> str:
        """The browser's answer to ``navigator.credentials.create(options)``, as JSON."""
        options: dict[str, Any] = json.loads(options_json)
        if options["rp"]["id"] != self.rp_id:
            raise ValueError(f"options for relying party {options['rp']['id']}, not {self.rp_id}")
        excluded = {c["id"] for c in options.get("excludeCredentials", [])}
        if b64url(self.credential_id) in excluded:
            raise ValueError("this authenticator is already registered (excludeCredentials)")
        self.user_handle = unb64url(options["user"]["id"])
        attested = b"\x00" * 16 + struct.pack(">H", len(self.credential_id)) + self.credential_id + self.cose_key()
        auth_data = self._auth_data(FLAG_UP | FLAG_UV | FLAG_AT, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return json.dumps(
            {
                "id": b64url(self.credential_id),
                "rawId": b64url(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(self._client_data("webauthn.create", options["challenge"])),
                    "attestationObject": b64url(attestation),
                    "transports": ["internal"],
                },
                "clientExtensionResults": {},
            }
        )

    def assert_(self, options_json: str) -> str:
        """The browser's answer to ``navigator.credentials.get(options)``, as JSON."""
        options: dict[str, Any] = json.loads(options_json)
        allowed = {c["id"] for c in options.get("allowCredentials", [])}
        if allowed and b64url(self.credential_id) not in allowed:
            raise ValueError("this authenticator's credential is not among those allowed")
        if self.counting:
            self.sign_count += 1
        auth_data = self._auth_data(FLAG_UP | FLAG_UV)
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps(
            {
                "id": b64url(self.credential_id),
                "rawId": b64url(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "authenticatorData": b64url(auth_data),
                    "signature": b64url(signature),
                    "userHandle": b64url(self.user_handle) if self.user_handle else None,
                },
                "clientExtensionResults": {},
            }
        )
