"""A body typeset from remembered pieces is the body typeset whole, byte for byte, whatever came before it.

The pieces (blocks, table shapes, cells) are remembered across documents, so
each test typesets documents that share text but differ in what a piece's bytes
depend on (bold or not, header or not, a short table or a long one, a column's
width, the page's orientation) one after another, and compares each with the
whole typesetting. A piece remembered under too coarse a key would hand the
second document the first one's bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.documents import pieces, samples
from engine.documents.contracts import document_meta, render_markdown
from engine.documents.data import AccountItem, StatementMonth
from engine.documents.templates import registry
from engine.documents.typesetting import DocMeta, typeset

META = DocMeta("Statement", "Statement · Practice · Issued 5 July 2027", date(2027, 7, 5), "Parent LLC", "S", "\u27eajournal-anchor\u27eb")


@pytest.fixture
def whole(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Typesetting with no pieces: every document parsed and written whole, as before pieces were remembered."""

    def typeset_whole(markdown: str, meta: DocMeta) -> list[tuple[str, bytes]]:
        with monkeypatch.context() as m:
            m.setattr(pieces, "plan", lambda text: None)
            return typeset(markdown, meta)

    yield typeset_whole


def _same(markdowns: list[str], whole: Any, meta: DocMeta = META) -> None:
    """Each document, typeset from pieces after the ones before it, is its whole typesetting."""
    for markdown in markdowns:
        assert pieces.plan(markdown) is not None, "this document is meant to be typeset from pieces"
        assert typeset(markdown, meta) == whole(markdown, meta), markdown


def _notices() -> list[tuple[str, Any]]:
    """Statements, settlement letters and fee notices that share most words and differ in shape."""
    spec = registry()
    notice, statement, letter = samples.fee_notice(), samples.cycle_statement(), samples.settlement()
    month = StatementMonth(month="January 2027", fee=58000, charged=58000, paid=58000)
    many = [month.model_copy(update={"paid": 1000 * k}) for k in range(20)]
    docs = [
        ("fee-notice", notice),
        ("fee-notice", notice.model_copy(update={"charged_before_notice": [], "previous_cycle_open": None, "previous_fee": None})),
        ("fee-notice", notice.model_copy(update={"charged_before_notice": ["July 2027", "August 2027"]})),
        ("cycle-statement", statement),
        ("cycle-statement", statement.model_copy(update={"months": [month], "closed": False, "result": []})),
        ("cycle-statement", statement.model_copy(update={"months": many})),
        ("settlement", letter),
        ("settlement", letter.model_copy(update={"items": [AccountItem(description="Payments received", amount=-290000)], "balance": 0})),
    ]
    return [(render_markdown(spec[kind], data.model_dump(), "USD"), document_meta(spec[kind], data)) for kind, data in docs]


def test_notices_statements_and_letters_from_pieces_are_their_whole_typesetting(whole: Any) -> None:
    done = _notices()
    for markdown, meta in done + done[::-1]:
        assert pieces.plan(markdown) is not None
        assert typeset(markdown, meta) == whole(markdown, meta)


def test_a_late_notice_and_an_on_time_one_do_not_share_their_first_lines(whole: Any) -> None:
    (late, meta), (on_time, _), (later, _) = _notices()[:3]
    assert "This notice is late" in late and "This notice is late" not in on_time
    for markdown in (late, on_time, later, late):
        assert typeset(markdown, meta) == whole(markdown, meta)
    assert typeset(late, meta) != typeset(on_time, meta)


ROW = "| January 2027 | $580.00 | $580.00 |"
HEAD = "| Month | Charged | Paid |\n|---|---:|---:|"


def test_one_row_and_many_rows_of_the_same_cells_are_each_their_own_table(whole: Any) -> None:
    """Rows of a short table keep together and a long table's header is shaded: the same cell is other bytes in each."""
    short, long = f"{HEAD}\n{ROW}\n", f"{HEAD}\n" + f"{ROW}\n" * 20
    _same([short, long, short, f"{HEAD}\n" + f"{ROW}\n" * 16, f"{HEAD}\n" + f"{ROW}\n" * 17], whole)


def test_the_same_words_bold_plain_as_a_header_or_code_are_each_their_own_cell(whole: Any) -> None:
    _same(
        [
            "| Total | $1.00 |\n|---|---:|\n| Total | $1.00 |\n",
            "| **Total** | $1.00 |\n|---|---:|\n| **Total** | **$1.00** |\n",
            "| `Total` | $1.00 |\n|---|---:|\n| *Total* | $1.00 |\n",
            "| Total | $1.00 |\n|:-:|---|\n| Total | $1.00 |\n",
        ],
        whole,
    )


def test_the_same_cell_in_columns_of_other_widths_and_on_a_turned_page(whole: Any) -> None:
    narrow = "| A | B |\n|---|---:|\n| Rent | $1.00 |\n"
    wide = "| A | B |\n|---|---:|\n| Rent for the whole of the cycle, every month of it, shared | $1.00 |\n"
    turned = narrow + "\n" + "| a | b | c | d | e | f | g | h |\n|--|--|--|--|--|--|--|--|\n| " + " | ".join(["$1,234,567.89"] * 8) + " |\n"
    _same([narrow, wide, turned, narrow, "Rent\n\n" + turned, "Rent\n"], whole)


def test_a_table_with_escapes_or_a_row_short_of_cells_is_typeset_as_written(whole: Any) -> None:
    _same(
        [
            "| A | B | C |\n|---|---|---|\n| x \\| y | z |\n| only one |\n",
            "| A | B | C |\n|---|---|---|\n| x | y | z |\n| only one |\n",
            "| A | B |\n|---|---|\n| x | y | extra |\n",
            "| A |\n|---|\n| x |\ntext after, in the table\n",
            "Text\n| A |\n|---|\n| x |\n",
        ],
        whole,
    )


@pytest.mark.parametrize(
    "markdown",
    [
        "- a list\n\n- loose\n",
        "1. one\n\n2. two\n",
        "<!-- toc -->\n\n## A\n",
        "Text <ins>new</ins>\n",
        "[x]\n\n[x]: https://example.org\n",
        "```\ncode\n\nmore\n```\n",
        "Para\n\n    indented code\n",
        "> quoted\n",
        "| A |\n|---|\n| <del>x</del> |\n",
    ],
)
def test_what_crosses_a_blank_line_or_carries_state_is_typeset_whole(markdown: str, whole: Any) -> None:
    assert pieces.plan(markdown) is None
    assert typeset(markdown, META) == whole(markdown, META)


WORD = st.sampled_from(
    ["fee", "the", "Total", "**Total**", "*it*", "`code`", "$646.67", "-$5.00", "78.1%", "a & b", "x\\*y", "<b>", "\\|", ""]
)
CELL = st.lists(WORD, max_size=3).map(" ".join)
LINE = st.lists(WORD, min_size=1, max_size=8).map(" ".join)


@st.composite
def tables(draw: st.DrawFn) -> str:
    ncols = draw(st.integers(1, 4))
    align = draw(st.lists(st.sampled_from(["---", ":--", "--:", ":-:"]), min_size=ncols, max_size=ncols))
    head = "| " + " | ".join(draw(st.lists(CELL, min_size=ncols, max_size=ncols))) + " |"
    rows = draw(st.lists(st.lists(CELL, min_size=max(1, ncols - 1), max_size=ncols + 1), max_size=18))
    return "\n".join([head, "|" + "|".join(align) + "|", *("| " + " | ".join(r) + " |" for r in rows)])


BLOCK = st.one_of(
    LINE, LINE.map(lambda t: "## " + t), LINE.map(lambda t: "# " + t), tables(), st.just("---"), LINE.map(lambda t: t + "\\\n" + t)
)
DOC = st.lists(BLOCK, min_size=1, max_size=6).map(lambda blocks: "\n\n".join(blocks) + "\n")


@given(st.lists(DOC, min_size=2, max_size=4))
@settings(max_examples=60, deadline=None)
def test_any_documents_in_a_row_from_pieces_are_their_whole_typesetting(docs: list[str]) -> None:
    with pytest.MonkeyPatch.context() as m:
        wholes = []
        m.setattr(pieces, "plan", lambda text: None)
        for markdown in docs:
            wholes.append(typeset(markdown, META))
    assert [typeset(markdown, META) for markdown in docs] == wholes


def test_documents_typeset_in_several_threads_at_once_are_their_whole_typesetting(whole: Any) -> None:
    """The portal typesets in a pool of threads: pieces made at the same time never take each other's bytes."""
    from concurrent.futures import ThreadPoolExecutor

    def document(k: int) -> str:
        rows = "\n".join(f"| Thread item {k}-{r} | ${k},{r:03d}.00 | **{k * r}** |" for r in range(12))
        return f"# Statement {k}\n\nTo Provider {k}, issued today\n\n| Item | Amount | Count |\n|---|---:|---:|\n{rows}\n"

    markdowns = [document(k) for k in range(48)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        typeset_at_once = list(pool.map(lambda m: typeset(m, META), markdowns))
    assert typeset_at_once == [whole(m, META) for m in markdowns]
