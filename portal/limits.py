"""Failed sign-in attempts, counted per member and per address, in a sliding window.

The engine already pauses a member after five wrong credentials in a row
(journaled); this limit is the web's own, so that one address cannot try
many members, and a flood of guesses never reaches scrypt. Only failures
count: fifty members signing in from one office address are not a flood.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field


@dataclass
class Limiter:
    per_member: int = 5
    per_address: int = 20
    window_seconds: float = 15 * 60
    _seen: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> deque[float]:
        seen = self._seen[key]
        while seen and seen[0] <= now - self.window_seconds:
            seen.popleft()
        return seen

    def allow(self, member: str, address: str) -> bool:
        """Whether another attempt may be made: neither the member nor the address is at its limit of failures."""
        now = time.monotonic()
        with self._lock:
            return len(self._recent(f"m:{member}", now)) < self.per_member and len(self._recent(f"a:{address}", now)) < self.per_address

    def failed(self, member: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(f"m:{member}", now).append(now)
            self._recent(f"a:{address}", now).append(now)

    def forget(self, member: str) -> None:
        """A successful sign-in clears the member's count (not the address's)."""
        with self._lock:
            self._seen.pop(f"m:{member}", None)
