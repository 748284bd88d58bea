"""Member and provider ids: one form, however they were typed.

People type ``P1`` in one place and ``p1`` in another and mean one member.
Ids are folded to lower case where they enter (federation.yaml, a command's
arguments, an import file's cells), so the engine compares them as stored
and never has to fold them itself.
"""

from __future__ import annotations


def member_id(text: str) -> str:
    """The stored form of a member or provider id as typed: trimmed and in lower case."""
    return text.strip().lower()
