"""Where members reach the books in a browser: the ``portal:`` block of federation.yaml.

A passkey is bound to one web origin, so the relying party a member's
browser signs for (engine.governance.passkeys) comes from this URL and
nothing else: a passkey made for one address does not sign ballots for
another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, field_validator

if TYPE_CHECKING:
    from engine.books.folder import Books


class Portal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    url: str = "http://localhost:8000"

    @field_validator("url")
    @classmethod
    def _an_origin(cls, url: str) -> str:
        """An http or https address with a host and no path: passkeys are bound to the origin alone."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"'{url}' is not an http or https address such as https://coop.example.org")
        if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError(f"'{url}' has more than scheme, host and port; the portal is the whole site")
        try:
            parts.port  # noqa: B018 - a port that is not a number raises here
        except ValueError:
            raise ValueError(f"'{url}' has a port that is not a number") from None
        return url.strip().rstrip("/")


def url_of(books: Books) -> str:
    """Where members open the portal: the ``portal:`` URL, else a portal on this machine (the block's own default)."""
    return (books.federation.portal or Portal()).url
