"""Member text is data, never code: amendment sections and overrides cannot reach Python."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from docx import Document

from engine.books.money import format_cents
from engine.documents import placeholders
from engine.documents.templates import environment
from engine.errors import UserError

Coop = Callable[..., Result]
AT = {"COOP_NOW": "2027-03-01T09:00:00"}

PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.popen('id > {marker}').read() }}",
    "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch {marker}') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ config.items() }}",
    "{{ request.application.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('touch {marker}').read() }}",
    "{{ joiner.__init__.__globals__.os.popen('touch {marker}') }}",
    "{{ namespace.__init__.__globals__.os.popen('touch {marker}') }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{% set x = 'touch {marker}' %}{{ x }}",
    "{% import os %}",
    "{% include '/etc/passwd' %}",
    "{{ 7*7 }}",
    "{{ fee.__class__ }}",
    "{{ _private }}",
    "{{ fee | attr('__class__') }}",
    "{{ federation_name | format('%s') }}",
    "{# a comment #}",
    "{{ fee }",
]


def _proposals(coop: Coop) -> list:
    return json.loads(coop("proposal", "list", "--json", env=AT).output)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_template_injection_in_an_amendment_is_refused_when_proposed(coop: Coop, tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "pwned"
    text = "Our fee stands.\n" + payload.replace("{marker}", str(marker)) + "\n"
    before = _proposals(coop)
    result = coop("propose", "manual-amendment", "--section-text", "cooperation", text, "--summary", "s", env=AT)
    assert result.exit_code == 2, result.output
    assert "template error" in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert not marker.exists()
    assert _proposals(coop) == before


def test_the_refusal_names_the_offending_token(coop: Coop) -> None:
    result = coop("propose", "manual-amendment", "--section-text", "cooperation", "A\nB {% if x %}", "--summary", "s", env=AT)
    assert result.exit_code == 2
    assert "'{% if x %}' is not a placeholder" in result.output
    result = coop("propose", "manual-amendment", "--section-text", "cooperation", "{{ fee.__class__ }}", "--summary", "s", env=AT)
    assert "'{{ fee.__class__ }}' is not a placeholder" in result.output
    result = coop("propose", "manual-amendment", "--section-text", "cooperation", "{{ fee | shout }}", "--summary", "s", env=AT)
    assert "'shout' is not a filter" in result.output


def test_placeholders_from_the_manual_data_still_work(coop: Coop, books_dir: Path) -> None:
    text = "The fee is {{ fee | money }} a month, set on {{ version.effective }}, for {{ federation_name }}. Vendors: {{ cooperative_vendors | joined }}.\n"
    result = coop("propose", "manual-amendment", "--section-text", "cooperation", text, "--summary", "s", env=AT)
    assert result.exit_code == 0, result.output


def test_values_are_text_even_when_they_look_like_markup() -> None:
    data = {"name": "{{ 7*7 }} <w:p> & *bold*", "fee": 12345}
    out = placeholders.render(
        "A {{ name }} pays {{ fee | money }}.",
        data,
        {"money": lambda c: format_cents(c, "USD")},
        lambda v: placeholders.plain(v, lambda s: s.replace("*", "\\*")),
        origin="t",
    )
    assert out == "A {{ 7\\*7 }} <w:p> & \\*bold\\* pays $123.45."


def test_a_group_needs_a_filter_and_unknown_names_are_refused() -> None:
    with pytest.raises(UserError, match="a group of values"):
        placeholders.render("{{ rules }}", {"rules": {"a": 1}}, {}, str, origin="t")
    with pytest.raises(UserError, match="'nope' is not in the manual's data"):
        placeholders.render("x\n\n{{ nope }}", {}, {}, str, origin="t")
    try:
        placeholders.render("x\n\n{{ nope }}", {}, {}, str, origin="t", first_line=10)
    except UserError as exc:
        assert exc.line == 12


def test_shipped_templates_render_in_a_sandbox() -> None:
    from jinja2.exceptions import SecurityError

    env = environment("USD")
    with pytest.raises(SecurityError):
        env.from_string("{{ cycler.__init__.__globals__.os.popen('true').read() }}").render()
    with pytest.raises(SecurityError):
        env.from_string("{{ items.append(1) }}").render(items=[])


@pytest.mark.parametrize(
    "name", ["<w:p>A</w:p> & ]]>", "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627", "Care \U0001f33f\U0001f9e0 & co"]
)
def test_a_document_from_hostile_text_opens(coop: Coop, books_dir: Path, name: str) -> None:
    result = coop(
        "provider",
        "join",
        "zed-one",
        "--name",
        name,
        "--practice",
        name,
        "--licence",
        "LPC-1",
        "--email",
        "z@e.example",
        "--on",
        "2027-02-01",
        env={"COOP_NOW": "2027-01-20T09:00:00"},
    )
    assert result.exit_code == 0, result.output
    result = coop("contracts", "issue", "zed-one", env={"COOP_NOW": "2027-01-20T09:00:00"})
    assert result.exit_code == 0, result.output
    [docx] = (books_dir / "documents").rglob("*zed-one*.docx")
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert name in text


def test_a_multi_line_text_adds_no_heading_or_rule() -> None:
    from markdown_it import MarkdownIt

    from engine.documents.templates import md_escape

    text = "We agree.\n# 9. Forged clause\nThe parent may keep a profit.\n===\n---"
    tokens = [t.type for t in MarkdownIt().parse(md_escape(text))]
    assert "heading_open" not in tokens and "hr" not in tokens
    assert md_escape("Room #4, Suite 2") == "Room #4, Suite 2"
