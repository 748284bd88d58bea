"""The terminal's tables keep tabulate's "simple" layout exactly, at a fraction of its cost."""

from __future__ import annotations

from typing import Any

import tabulate as tabulate_module
from hypothesis import given
from hypothesis import strategies as st

from terminal.present import table

CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters="\x7f"), max_size=12),
)
ALIGN = st.sampled_from(["left", "right", "center"])


def _tabulate(rows: list[list[object]], headers: list[str], align: dict[int, str]) -> str:
    colalign = [align.get(i, "left") for i in range(len(headers))]
    return tabulate_module.tabulate(rows, headers=headers, tablefmt="simple", colalign=colalign, disable_numparse=True)


@given(
    st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(CELL, min_size=n, max_size=n), max_size=6),
            st.lists(st.text("abcdef XYZ", min_size=1, max_size=9), min_size=n, max_size=n),
            st.dictionaries(st.integers(0, n - 1), ALIGN),
        )
    )
)
def test_a_table_is_laid_out_as_tabulate_lays_it_out(case: tuple[list[list[object]], list[str], dict[int, str]]) -> None:
    rows, headers, align = case
    assert table(rows, headers, align) == _tabulate(rows, headers, align)


def test_a_row_wider_than_its_headings_and_a_cell_of_two_lines_match_too() -> None:
    assert table([["a", "bb", "c"]], ["h1", "h2"], {1: "right"}) == _tabulate([["a", "bb", "c"]], ["h1", "h2"], {1: "right"})
    rows = [["first\nsecond", "x"]]
    assert table(rows, ["h1", "h2"], {1: "right"}) == _tabulate(rows, ["h1", "h2"], {1: "right"})


def test_the_provider_table_reads_as_columns() -> None:
    out = table([["p1", "Ana Ruiz", None], ["p22", "Bo", "2027-01-01"]], ["id", "name", "since"], {2: "right"})
    assert out.splitlines() == [
        "id    name           since",
        "----  --------  ----------",
        "p1    Ana Ruiz",
        "p22   Bo        2027-01-01",
    ]


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30), st.dates()),
    lambda inner: st.one_of(st.lists(inner, max_size=6), st.dictionaries(st.text(max_size=8), inner, max_size=6)),
    max_leaves=40,
)


@given(JSON_VALUE, st.integers(1, 40))
def test_json_is_written_as_it_is_encoded_yet_reads_as_json_dumps(value: object, batch: int) -> None:
    """The streamed output is json.dumps' text, whatever the batch size at which it is written."""
    import json

    from click.testing import CliRunner

    import terminal.present as present

    expected = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    saved = present._WRITE_BATCH
    present._WRITE_BATCH = batch
    try:
        import click

        out = CliRunner().invoke(click.command()(lambda: present.emit_json(value)), []).output
    finally:
        present._WRITE_BATCH = saved
    assert out == expected


@given(st.lists(JSON_VALUE, max_size=8), st.integers(1, 40))
def test_a_json_list_written_item_by_item_reads_as_json_dumps_of_the_list(items: list[object], batch: int) -> None:
    import json

    import click
    from click.testing import CliRunner

    import terminal.present as present

    expected = json.dumps(items, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    saved = present._WRITE_BATCH
    present._WRITE_BATCH = batch
    try:
        out = CliRunner().invoke(click.command()(lambda: present.emit_json_list(iter(items))), []).output
    finally:
        present._WRITE_BATCH = saved
    assert out == expected


TABLE_CASE = st.integers(1, 5).flatmap(
    lambda n: st.tuples(
        st.lists(st.lists(st.one_of(CELL, st.just("two\nlines")), min_size=0, max_size=n + 1), max_size=6),
        st.lists(st.text("abcdef XYZ", min_size=1, max_size=9), min_size=n, max_size=n),
        st.dictionaries(st.integers(0, n - 1), ALIGN),
    )
)


@given(TABLE_CASE, st.integers(1, 40))
def test_a_table_written_line_by_line_is_the_text_echoing_the_whole_table_writes(
    case: tuple[list[list[object]], list[str], dict[int, str]], batch: int
) -> None:
    """Ragged rows, cells of two lines (laid out by tabulate) and any batch size: the same characters."""
    import click
    from click.testing import CliRunner

    import terminal.present as present

    rows, headers, align = case
    whole = CliRunner().invoke(click.command()(lambda: click.echo(table(rows, headers, align))), []).output
    saved = present._WRITE_BATCH
    present._WRITE_BATCH = batch
    try:
        streamed = CliRunner().invoke(click.command()(lambda: present.emit_table(rows, headers, align)), []).output
    finally:
        present._WRITE_BATCH = saved
    assert streamed == whole


FLAT_RECORD = st.dictionaries(
    st.text(max_size=8),
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30), st.dates(), st.floats(allow_nan=False)),
    max_size=9,
)


@given(st.lists(FLAT_RECORD, max_size=6))
def test_a_list_of_flat_records_written_directly_reads_as_json_dumps_of_the_list(items: list[dict[str, object]]) -> None:
    """Records of text, numbers, booleans and nulls are spelled without the encoder; a date or a float still goes through it."""
    import json

    import click
    from click.testing import CliRunner

    import terminal.present as present

    expected = json.dumps(items, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    out = CliRunner().invoke(click.command()(lambda: present.emit_json_list(iter(items))), []).output
    assert out == expected


@given(st.lists(st.integers(-(10**12), 10**12), max_size=20), st.sampled_from(["USD", "EUR", "GBP", "CHF"]))
def test_a_tables_money_formatter_spells_each_amount_as_money_does(amounts: list[int], currency: str) -> None:
    from types import SimpleNamespace

    from terminal.present import money, money_formatter

    books: Any = SimpleNamespace(federation=SimpleNamespace(currency=currency))
    spell = money_formatter(books)
    assert [spell(a) for a in amounts + amounts] == [money(a, books) for a in amounts + amounts]
