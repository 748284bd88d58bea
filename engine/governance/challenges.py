"""What a passkey signs, apart from WebAuthn itself.

``coop audit verify`` and the signing pages recompute this hash for every
passkey entry; keeping it here means books with no passkey never load
WebAuthn and its cryptography (about 60 ms of every ``audit verify``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from engine.books.journal import canonical


def content_hash(content: dict[str, Any]) -> bytes:
    """The challenge a passkey signs: SHA-256 over the canonical JSON of what is being signed."""
    return hashlib.sha256(canonical(content).encode("utf-8")).digest()
