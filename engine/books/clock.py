"""Today's date and the current time, in one place.

``COOP_NOW`` (an ISO date-time, e.g. ``2027-03-01T09:00:00``) pins the clock,
so a scripted run or a test replays byte for byte.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def now() -> datetime:
    pinned = os.environ.get("COOP_NOW")
    if pinned:
        moment = datetime.fromisoformat(pinned)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC).replace(microsecond=0)


def today() -> date:
    return now().date()
