"""The roster folded from the journal: what every command reads about who is a member."""

from __future__ import annotations

from datetime import date

import pytest

from engine.books import roster, roster_table
from engine.books.config import Provider
from engine.books.folder import Books

NEW = {
    "id": "ada-lind",
    "name": "Ada Lind",
    "practice": "Lind Therapy LLC",
    "licence": "LPC-1",
    "email": "ada@example.org",
    "start": "2027-02-01",
}


def test_a_joined_member_reads_as_the_validated_provider_their_join_recorded(books: Books) -> None:
    roster.join(books, {**NEW, "address": "1 Main St"})
    m = roster.memberships(books, date(2027, 3, 1))["ada-lind"]
    expected = Provider.model_validate({**NEW, "address": "1 Main St"})
    assert (m.id, m.start, m.name, m.practice, m.end) == ("ada-lind", date(2027, 2, 1), "Ada Lind", "Lind Therapy LLC", None)
    assert isinstance(m.provider, Provider) and m.provider == expected
    assert m.details() == expected.model_dump(mode="json")


def test_a_join_recorded_before_a_field_existed_reads_with_that_fields_default(books: Books) -> None:
    with books.transaction() as w:
        w.append(roster.JOINED, date(2027, 2, 1), {"provider": NEW})
    m = roster.memberships(books, date(2027, 3, 1))["ada-lind"]
    assert m.details() == Provider.model_validate(NEW).model_dump(mode="json")
    assert m.details()["address"] == "" and m.provider.entity_type == ""


def test_a_founding_member_and_a_departure_and_a_withdrawn_join(books: Books) -> None:
    founder = books.federation.providers[0]
    roster.leave(books, founder.id, date(2027, 4, 30), "moving away")
    entry = roster.join(books, NEW)
    with books.transaction() as w:
        w.append("correction.void", date(2027, 2, 2), {"reason": "entered in error"}, ref=entry.seq)
    everyone = roster.memberships(books, date(2027, 5, 1))
    left = everyone[founder.id]
    assert (left.end, left.reason, left.provider) == (date(2027, 4, 30), "moving away", founder)
    assert left.details() == founder.model_dump(mode="json")
    assert left.status(date(2027, 5, 1)) == "left" and left.status(date(2027, 4, 30)) == "active"
    assert "ada-lind" not in everyone
    assert founder.id in {
        m.id for m in roster.memberships(books, date(2027, 4, 29)).values() if m.end is None
    }  # dated after the day asked about


@pytest.mark.parametrize("table", [True, False], ids=["roster table", "entries only"])
def test_one_members_lookup_folds_as_the_whole_roster_does(books: Books, table: bool) -> None:
    """A ballot or a credential check asks about one member; the answer must be the one the whole roster gives."""
    founder = books.federation.providers[0]
    roster.leave(books, founder.id, date(2027, 4, 30), "moving away")
    withdrawn = roster.join(books, NEW)
    with books.transaction() as w:
        w.append("correction.void", date(2027, 2, 2), {"reason": "entered in error"}, ref=withdrawn.seq)
    roster.join(books, {**NEW, "id": "ada", "email": "a@example.org", "practice": "ada-lind counselling"})
    roster.leave(books, "ada", date(2027, 6, 30), "")
    if not table:  # books no write of this coop has touched since the table came: read from the entries
        books.journal.conn.execute(f"DROP TABLE {roster_table.TABLE}")
    assert roster_table.usable(books.journal.conn) is table
    ids = [p.id for p in books.federation.providers] + ["ada-lind", "ada", "nobody"]
    for day in (date(2027, 1, 1), date(2027, 2, 1), date(2027, 4, 30), date(2027, 5, 1), date(2027, 7, 1), date.max):
        everyone = roster.memberships(books, day)
        for pid in ids:
            assert roster.membership(books, pid, day) == everyone.get(pid), (pid, day)
    assert roster.membership(books, "ada").end == date(2027, 6, 30)
    assert roster.membership(books, "ada-lind") is None


def test_one_members_lookup_reads_the_roster_table_by_its_index(books: Books) -> None:
    """A ballot at 10,000 members must not scan every member's rows to find its voter's."""
    roster.join(books, NEW)
    assert roster_table.usable(books.journal.conn)
    plan = books.journal.conn.execute("EXPLAIN QUERY PLAN " + roster._READ + roster._ONE_ROW, ("9999-12-31", "ada-lind")).fetchall()
    assert any(f"INDEX {roster_table.TABLE}_provider" in row[-1] for row in plan), plan
