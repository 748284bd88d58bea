"""Secret ballots that name no member: a per-proposal key, kept outside the journal, turns a member into a pseudonym.

When a proposal whose rule is secret opens, a random key is written to
``secrets/ballot-keys/P-n.key`` in the books folder (owner-only, written to a
temporary name and renamed); the opening entry records only the key's
SHA-256. A ballot entry then holds ``HMAC-SHA256(key, member)`` and the
choice, never the member: reading the journal, a bundle or the hashes of its
entries, a member can count the ballots and find their own (the receipt
shows their pseudonym) but cannot tell whose any other ballot is, because
trying every (member, choice) pair needs the key.

What the entry would otherwise say about who cast it (a proxy holder, a
passkey's signature, which would name its owner to anyone who checks it
against the registered keys) goes to a sidecar file beside the key,
``secrets/ballots/P-n/RECEIPT.json``, whose SHA-256 the entry records. The
parent's machine, which holds this folder, can link pseudonyms to members
and checks everything; a bundle cannot, and says so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from engine.books.folder import Books
from engine.books.journal import Entry, canonical
from engine.books.output import write_bytes
from engine.errors import BooksError

SECRETS = "secrets"
KEY_FIELD = "ballot_key_sha256"
"""In a secret proposal's opening entry: the SHA-256 of its ballot key; its presence is what makes its ballots pseudonymous."""


def key_path(books: Books, label: str) -> Path:
    return books.folder / SECRETS / "ballot-keys" / f"{label}.key"


def sidecar_path(books: Books, label: str, receipt: str) -> Path:
    return books.folder / SECRETS / "ballots" / label / f"{receipt}.json"


def _private(books: Books, folder: Path) -> None:
    """The secrets folder and every folder under it on the way to ``folder``: the owner's alone."""
    folder.mkdir(parents=True, exist_ok=True)
    top = books.folder / SECRETS
    for f in [folder, *folder.relative_to(top).parents]:
        (top / f.relative_to(top) if f.is_absolute() else top / f).chmod(0o700)


def new_key(books: Books, label: str) -> str:
    """Write a fresh key for proposal ``label`` and return its SHA-256 (what the opening entry records).

    Called inside the opening's transaction: if the opening does not commit, the
    number is still free and the next opening of it overwrites this key.
    """
    key = os.urandom(32)
    path = key_path(books, label)
    _private(books, path.parent)
    write_bytes(path, key.hex().encode("ascii"))  # mkstemp makes it 0600; renamed into place whole
    return hashlib.sha256(key).hexdigest()


def pseudonymous(opened: Entry) -> bool:
    return KEY_FIELD in opened.data


def key(books: Books, opened: Entry, label: str) -> bytes | None:
    """The proposal's ballot key, or None where the secrets folder is not (a bundle, another machine).

    A key that does not match the SHA-256 recorded at opening is refused: a swapped key would re-name every ballot.
    """
    path = key_path(books, label)
    try:
        found = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raise BooksError(f"the ballot key of {label} cannot be read", file=path) from None
    if hashlib.sha256(found).hexdigest() != opened.data[KEY_FIELD]:
        raise BooksError(f"the ballot key of {label} is not the one recorded when it opened (entry {opened.seq})", file=path)
    return found


def required_key(books: Books, opened: Entry, label: str) -> bytes:
    found = key(books, opened, label)
    if found is None:
        path = key_path(books, label)
        raise BooksError(f"the ballot key of {label} is missing, so its secret ballots cannot be cast or counted", file=path)
    return found


def pseudonym(secret_key: bytes, member: str) -> str:
    return hmac.new(secret_key, member.encode("utf-8"), hashlib.sha256).hexdigest()


def names(secret_key: bytes, members: list[str] | tuple[str, ...]) -> dict[str, str]:
    """member -> pseudonym, for every member given."""
    return {m: pseudonym(secret_key, m) for m in members}


def write_sidecar(books: Books, label: str, receipt: str, data: dict[str, Any]) -> None:
    path = sidecar_path(books, label, receipt)
    _private(books, path.parent)
    write_bytes(path, canonical(data).encode("utf-8"))


def sidecar_digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()


def read_sidecar(books: Books, label: str, entry: Entry) -> dict[str, Any] | None:
    """What a pseudonymous ballot keeps outside the journal, or None if the secrets folder is not here.

    Raises BooksError when the file is there but is not the one the entry sealed.
    """
    path = sidecar_path(books, label, entry.hash)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    data: dict[str, Any] = json.loads(text)
    if sidecar_digest(data) != entry.data.get("sealed"):
        raise BooksError(f"the secret ballot at entry {entry.seq} does not match the file kept beside its key", file=path)
    return data
