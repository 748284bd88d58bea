"""Errors a user can fix.

A user's mistake must never surface as a traceback: it becomes one line that
names the file, the field and what was expected, and the command exits with
status 2 having changed nothing. Everything else is a bug and may crash loudly.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A mistake in the user's input, reported as a single line."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        field: str | None = None,
        line: int | None = None,
        expected: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.field = field
        self.line = line
        self.expected = expected

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
        parts = [p for p in (where, self.field) if p]
        prefix = ": ".join(parts)
        text = self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return f"{prefix}: {text}" if prefix else text


class BooksError(UserError):
    """The books folder is missing, not a federation, or from a newer coop."""


class BusyError(UserError):
    """Another command holds the write lock for longer than a write will wait."""
