"""The retention co-op's records as any interface lists them."""

from __future__ import annotations

from typing import Any

from engine.books.folder import Books
from engine.models.retention.revenue import leaves


def extended_leave_rows(books: Books) -> list[dict[str, Any]]:
    """Every extended leave recorded, each to its stated last day or the day it ended early (the ``extended_leaves`` hook)."""
    return [{"member": lv.provider, "kind": lv.kind, "from": lv.start.isoformat(), "until": lv.until.isoformat()} for lv in leaves(books)]
