"""The session split co-op's line in ``coop status``: no fee, each session's fee is split and the co-op's part pays the budget."""

from __future__ import annotations

from datetime import date

from engine.books.folder import Books
from engine.books.parameters import in_force
from engine.models.session_split.documents import percent


def status_lines(books: Books, on: date) -> list[str]:
    share = in_force(books).clinician_share.at(on)
    return [f"Each session's fee: {percent(share)} to the clinician, {percent(1 - share)} to the co-op; surplus paid out quarterly"]
