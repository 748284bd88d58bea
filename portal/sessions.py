"""Who is signed in, kept on the server: the browser holds only a random token.

The cookie carries nothing but the token; the store keeps its SHA-256, so
a memory dump of the store alone opens no session. A session starts
anonymous (it carries the CSRF token for the sign-in forms), gets a new
token when a member signs in (no session fixation), and expires after
``idle`` of no use or ``longest`` in all.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

COOKIE = "coop_session"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Session:
    csrf: str
    started: float
    seen: float
    member: str | None = None
    how: str | None = None
    """How the member signed in: credential, passkey or link (a link reaches the pages only)."""
    challenges: dict[str, bytes] = field(default_factory=dict)
    """WebAuthn challenges handed out, by what they are for ("register", "signin", "ballot", "sign")."""
    notice: str | None = None
    """One line to show on the next page (a receipt, a refusal), then forgotten."""

    def csrf_ok(self, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(self.csrf, str(sent))


@dataclass
class Sessions:
    idle: float = 30 * 60
    longest: float = 12 * 3600
    _by_digest: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        now = time.monotonic()
        session = Session(csrf=secrets.token_urlsafe(24), started=now, seen=now)
        with self._lock:
            self._sweep(now)
            self._by_digest[digest(token)] = session
        return token, session

    def find(self, token: str | None) -> Session | None:
        if not token:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._by_digest.get(digest(token))
            if session is None:
                return None
            if now - session.seen > self.idle or now - session.started > self.longest:
                del self._by_digest[digest(token)]
                return None
            session.seen = now
            return session

    def sign_in(self, old_token: str | None, member: str, how: str) -> tuple[str, Session]:
        """A fresh token for the signed-in member; the anonymous one stops working."""
        self.end(old_token)
        token, session = self.start()
        session.member, session.how = member, how
        return token, session

    def end(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._by_digest.pop(digest(token), None)

    def _sweep(self, now: float) -> None:
        stale = [k for k, s in self._by_digest.items() if now - s.seen > self.idle or now - s.started > self.longest]
        for k in stale:
            del self._by_digest[k]


@dataclass
class SigninLink:
    member: str
    code_digest: str
    expires: float
    tries: int = 0


@dataclass
class SigninLinks:
    """Mailed sign-in links: single use, short-lived, and useless without the code mailed with them.

    Opening the link only shows a form (a mail scanner that fetches links
    uses nothing up); the code typed into it signs in, once. Three wrong
    codes end the link.
    """

    minutes: float = 15
    tries: int = 3
    _links: dict[str, SigninLink] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, member: str) -> tuple[str, str]:
        token = secrets.token_urlsafe(24)
        code = f"{secrets.randbelow(1_000_000):06d}"
        with self._lock:
            self._links[digest(token)] = SigninLink(member, digest(code), time.monotonic() + self.minutes * 60)
        return token, code

    def known(self, token: str) -> bool:
        with self._lock:
            link = self._links.get(digest(token))
            return link is not None and time.monotonic() < link.expires

    def redeem(self, token: str, code: str) -> str | None:
        """The member the link signs in, once; None for an unknown, used, expired or wrongly coded link."""
        with self._lock:
            key = digest(token)
            link = self._links.get(key)
            if link is None or time.monotonic() >= link.expires:
                self._links.pop(key, None)
                return None
            if not hmac.compare_digest(link.code_digest, digest(code.strip())):
                link.tries += 1
                if link.tries >= self.tries:
                    del self._links[key]
                return None
            del self._links[key]
            return link.member
