"""A date's budget validates only the versions in effect, yet is the budget every version validated gives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from click.testing import Result

from engine.books.budget import LINE_SET, lines_on, versions
from engine.books.config import BudgetLine
from engine.books.folder import Books, open_books


def _every_version_validated(books: Books, known_by: date) -> dict[str, list[BudgetLine]]:
    """The budget's versions as they were read before: every entry validated, sorted by date then entry."""
    found: dict[str, list[tuple[date, int, BudgetLine]]] = {}
    for line in books.federation.budget:
        found.setdefault(line.id, []).append((line.effective, 0, line))
    for e in books.journal.entries([LINE_SET], until=known_by):
        line = BudgetLine.model_validate(e.data["line"])
        found.setdefault(line.id, []).append((line.effective, e.seq, line))
    return {k: [v for _, _, v in sorted(vs, key=lambda t: (t[0], t[1]))] for k, vs in found.items()}


def _on(found: dict[str, list[BudgetLine]], day: date) -> list[BudgetLine]:
    out = []
    for vs in found.values():
        current = None
        for v in vs:
            if v.effective <= day:
                current = v
        if current is not None and (current.until is None or day <= current.until):
            out.append(current)
    return sorted(out, key=lambda line: (line.category, line.id))


def test_a_dates_budget_is_the_one_every_version_validated_gives(books_dir: Path, coop: Callable[..., Result]) -> None:
    for args in (
        ("admin", "--monthly", "2860", "--from", "2027-04-01"),
        ("admin", "--monthly", "2900", "--from", "2027-04-01"),
        ("admin", "--monthly", "3000", "--from", "2027-03-01", "--until", "2027-05-31"),
        ("coffee", "--monthly", "40", "--from", "2027-02-01", "--name", "Coffee", "--category", "other", "--vendor", "Roaster"),
    ):
        result = coop("budget", "set", *args)
        assert result.exit_code == 0, result.output
    books = open_books(books_dir)
    seq = max(v.seq for vs in versions(books).values() for v in vs)
    books.close()
    assert coop("journal", "void", str(seq), "--reason", "no coffee after all").exit_code == 0
    books = open_books(books_dir)
    day = date(2027, 1, 1)
    while day < date(2027, 9, 1):
        for known_by in (day, date(2027, 3, 15), date.max):
            assert lines_on(books, day, known_by=known_by) == _on(_every_version_validated(books, known_by), day), (day, known_by)
        day += timedelta(days=9)
    lazily = versions(books)
    assert sum(v.validated is not None and v.seq > 0 for vs in lazily.values() for v in vs) == 0, "nothing read, nothing validated"
    books.close()
