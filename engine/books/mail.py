"""The ``mail:`` block of federation.yaml: which server sends the co-op's mail, and when reminders go.

The block is validated as strictly as the rest of the founding file (unknown
keys refused, each mistake one line naming the field). The password is never
written in the file: it comes from ``COOP_SMTP_PASSWORD`` when the message is
sent, so a copy of the books never carries it. This module imports nothing of
the books, because the founding file's own model is built from it.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from engine.errors import UserError

if TYPE_CHECKING:
    from engine.books.folder import Books

PASSWORD_ENV = "COOP_SMTP_PASSWORD"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
"""Servers on this machine: the only ones a password may be given to without encryption."""

_ADDRESS = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+$")
_HOST = re.compile(r"^[A-Za-z0-9.:\-\[\]]{1,253}$")


def address(value: str) -> str:
    """One plain address: a header holding two, or a line break, would send the message somewhere else."""
    if not _ADDRESS.match(value):
        raise ValueError("an email address such as name@example.org")
    return value


def _host(value: str) -> str:
    if not _HOST.match(value):
        raise ValueError("a host name or address such as smtp.example.org")
    return value


Address = Annotated[str, AfterValidator(address)]


class MailSettings(BaseModel):
    """How the co-op sends mail; absent from federation.yaml, mail is queued but not sent."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    host: Annotated[str, AfterValidator(_host)]
    port: int = Field(ge=1, le=65535)
    sender: Address = Field(alias="from", description="the address the co-op's mail comes from")
    tls: Literal["none", "starttls", "ssl"] = "starttls"
    username: Annotated[str, Field(min_length=1, pattern=r"^\S+$")] | None = None
    remind_days_before: int = Field(
        default=2, ge=0, le=60, description="days before a vote's deadline that members who have not voted are reminded"
    )

    @model_validator(mode="before")
    @classmethod
    def _no_password_here(cls, data: Any) -> Any:
        """A password in the founding file would be sealed into every copy of the books."""
        if isinstance(data, dict) and "password" in data:
            raise ValueError(f"the password is never written in federation.yaml: set {PASSWORD_ENV} in the environment")
        return data

    @model_validator(mode="after")
    def _no_clear_password(self) -> MailSettings:
        if self.username is not None and self.tls == "none" and self.host not in LOCAL_HOSTS:
            raise ValueError("a login with tls: none would send the password unencrypted; use starttls or ssl")
        return self


def of(books: Books) -> MailSettings | None:
    """The books' mail settings, or None when mail is off."""
    return books.federation.mail


def password(settings: MailSettings) -> str | None:
    """The server's password from the environment, when the settings log in; asked for only then.

    A missing one is the user's to fix before anything is sent or recorded.
    """
    if settings.username is None:
        return None
    value = os.environ.get(PASSWORD_ENV)
    if not value:
        raise UserError(
            f"the mail server login ({settings.username}) needs its password",
            field=PASSWORD_ENV,
            expected=f"{PASSWORD_ENV} set for this command",
        )
    return value


def portal_url(books: Books) -> str:
    """Where members open their links: ``portal: {url: ...}`` in federation.yaml, else a portal on this machine."""
    from engine.books.portal import url_of

    return url_of(books)
