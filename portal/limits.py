"""Sign-in attempts, counted per member and per address, in a sliding window.

The engine already pauses a member after five wrong credentials in a row
(journaled); this limit is the web's own, so that one address cannot try
many members, and a flood of attempts never reaches scrypt.
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

    def allow(self, member: str, address: str) -> bool:
        """Count one attempt; False when the member or the address is over its limit (the attempt is still counted)."""
        now = time.monotonic()
        with self._lock:
            ok = True
            for key, cap in ((f"m:{member}", self.per_member), (f"a:{address}", self.per_address)):
                seen = self._seen[key]
                while seen and seen[0] <= now - self.window_seconds:
                    seen.popleft()
                seen.append(now)
                ok = ok and len(seen) <= cap
            return ok

    def forget(self, member: str) -> None:
        """A successful sign-in clears the member's count (not the address's)."""
        with self._lock:
            self._seen.pop(f"m:{member}", None)
