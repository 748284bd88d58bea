"""Member and provider ids: one form, however they were typed.

People type ``P1`` in one place and ``p1`` in another and mean one member.
Ids are folded to lower case where they enter (federation.yaml, a command's
arguments, an import file's cells), so the engine compares them as stored
and never has to fold them itself.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def member_id(text: str) -> str:
    """The stored form of a member or provider id as typed: trimmed and in lower case."""
    return text.strip().lower()


def _id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError("an id of lower-case letters, digits, '-' or '_' (e.g. 'avery-lin')")
    return value


def _folded(value: Any) -> Any:
    return member_id(value) if isinstance(value, str) else value


Identifier = Annotated[str, AfterValidator(_id)]
"""An id in federation.yaml (a budget line, a section): written as it is stored."""
MemberId = Annotated[str, BeforeValidator(_folded), AfterValidator(_id)]
"""A provider's or member's id: ``P1`` in the file is stored as ``p1``, so both name one member."""
