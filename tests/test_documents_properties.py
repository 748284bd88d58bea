"""Properties: a redline loses nothing, and the batch path writes what the slow path writes."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.books.folder import Books
from engine.documents.contracts import agreement_data, compile_document, fill, render_document
from engine.documents.data import ProviderParty
from engine.documents.redline import redline
from engine.documents.templates import registry
from engine.governance import versions as mv

WORDS = st.sampled_from(["fee", "the", "members", "vote", "$646.67", "two", "thirds", "**bold phrase**", "quorum", "a", "of", "notice"])
PARAGRAPH = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)
BLOCK = st.one_of(
    PARAGRAPH,
    PARAGRAPH.map(lambda p: "## " + p),
    PARAGRAPH.map(lambda p: "- " + p),
)
DOC = st.lists(BLOCK, min_size=1, max_size=8).map(lambda blocks: "\n\n".join(blocks) + "\n")


def _side(marked: str, keep: str) -> str:
    drop = "del" if keep == "ins" else "ins"
    text = re.sub(rf"<{drop}>.*?</{drop}>", " ", marked, flags=re.S)
    text = text.replace(f"<{keep}>", "").replace(f"</{keep}>", "")
    return _norm(text)


def _norm(text: str) -> str:
    """The words, without block markers: a deleted heading keeps its ``##`` so it still renders as one."""
    return " ".join(w for w in text.split() if w not in ("##", "-"))


@given(DOC, DOC)
@settings(max_examples=200, deadline=None)
def test_a_redline_holds_both_versions(old: str, new: str) -> None:
    marked = redline(old, new).markdown
    assert _side(marked, "ins") == _norm(new)
    assert _side(marked, "del") == _norm(old)


TEXT = st.text(alphabet=st.sampled_from(list("abcXYZ &<>*_|[]`'\"#\\-.")), min_size=1, max_size=20).filter(
    lambda t: t.strip() == t and t.strip()
)


@given(name=TEXT, practice=TEXT)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_batch_fill_is_the_slow_render_byte_for_byte(books: Books, name: str, practice: str) -> None:
    on = date(2027, 1, 15)
    with books.transaction() as w:
        version = mv.record_founding(w, books)
    party = ProviderParty(name=name, practice=practice, licence="L-1", email="x@example.org", start=on, reference="AGR-x")
    spec = registry()["agreement"]
    first = agreement_data(books, party.model_copy(update={"name": "Someone Else"}), on, version, 64667)
    compiled = compile_document(spec, first, "USD")
    assert fill(compiled, party) == render_document(spec, agreement_data(books, party, on, version, 64667), "USD")
