"""The typesetter's bytes are pinned: a document issued before names the same SHA-256 when it is typeset again.

Issued documents are recorded by their DOCX's SHA-256 and reprinted only when
their bytes match (engine.documents.anchor), so a typesetter that wrote the same
pages in other bytes would make every document look changed and issue it again.
The figures below are the hashes python-docx's own calls gave when the typesetter
was built on them, for documents using every construct it handles: headings at
each level, emphasis, code, breaks, nested and numbered lists, fenced and indented
code, a rule, tracked changes in text, headings and cells, a table of contents
(with and without sections), a page break first, aligned and amount columns, a
table too wide for portrait, a signature block, a parties table, characters XML
escapes or forbids, footers with a tab, spaces around them or nothing at all.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from engine.documents.typesetting import DocMeta, to_docx

EVERYTHING = (
    "<!-- page-break -->\n\n# Title & <things>\n\n<!-- toc -->\n\n"
    "Intro *em* and **bold *both*** and `code **x**` and\nsoft break\\\nhard break.\n\n"
    "## Sec A\n\n1. one\n   - nested a\n   - nested b\n2. two\n\n   second para of two\n\n5. five\n\n"
    "```\ncode line 1\n\tcode tab\n```\n\n    indented code\n\n---\n\n"
    "## Sec <ins>new</ins><del>old</del>\n\nText with\ttab and  **lead** trail  \n\n"
    "| A | B | C |\n|:--|--:|:-:|\n| <ins>x</ins> | $1.00 | <del>gone</del> |\n| y | ($2.00) | 78.1% |\n\n"
    "<!-- signature-block -->\n\n| **Signature:** | **Date:** |\n|--:|:-:|\n| Name: | When |\n\n"
    "<!-- parties-table -->\n\n| | Parent | Provider |\n|--|--|--|\n| Name | P & Co | Q <x> |\n\n"
    "### h3\n\n#### h4\n\n##### h5\n"
)
NO_SECTIONS = "<!-- toc -->\n\n# Only title\n\nNo h2 here.\n"
WIDE = "| a | b | c | d | e | f | g | h |\n|--|--|--|--|--|--|--|--|\n| " + " | ".join(["$1,234,567.89"] * 8) + " |\n"
EMPTY = ""
SPACES = "Plain \u00a0nbsp\u00a0 end\u00a0\n\n- <ins>**bold ins**</ins> <del>*it del*</del>\n"

ESCAPED = DocMeta("T & <t>", "Footer & co", date(2027, 7, 10), "A&B", "S", "anchor \u27eax\u27eb")
NOTHING = DocMeta("", "", date(2026, 1, 1), "", "", "")
TAB_FOOTER = DocMeta("Wide", "F\twith tab", date(2027, 1, 1), "X", "", "\u27eajournal-anchor\u27eb")
SPACED_FOOTER = DocMeta("Empty", " spaced footer ", date(2027, 1, 1), "X")
FORBIDDEN = DocMeta("N", "F", date(2027, 1, 1), "X", "s\u000bub", "a\r\nb")

PINNED = [
    (EVERYTHING, ESCAPED, "5ced066fa716ef88d1304b8a69d72be665d7806adde036283e57ed5bd051b081"),
    (EVERYTHING, TAB_FOOTER, "9b82e943897e6076718e527ad451a3d34b03a07707185fe57849a344c7d5afa9"),
    (NO_SECTIONS, NOTHING, "4633b0681990aeaaaf1f668592e04528bac80f22fe3314b96f01fa5290aa20fd"),
    (WIDE, TAB_FOOTER, "598015206b32fa4d03f98f426d2335895f61502bc2cd5813107bb3867eccc5f6"),
    (WIDE, SPACED_FOOTER, "37fbe5341708275e56eff3f5a51e15dc171b0287644e4009773c1ed2a168ad10"),
    (EMPTY, SPACED_FOOTER, "dacd1468b3f3a28d7e4a662c62ffdc8134427fbadbdfd297fbdb5e24ed46cf0d"),
    (SPACES, FORBIDDEN, "228f39e24a51359f9eb08805ef292a88f5e14e4a31a6a3377140f1cb48740c05"),
]


@pytest.mark.parametrize(("markdown", "meta", "sha256"), PINNED, ids=[f"{k}" for k in range(len(PINNED))])
def test_a_document_typesets_to_the_bytes_it_always_had(markdown: str, meta: DocMeta, sha256: str) -> None:
    assert hashlib.sha256(to_docx(markdown, meta)).hexdigest() == sha256


def test_documents_typeset_in_any_order_give_the_same_bytes() -> None:
    """What one document leaves behind (a remembered skeleton, a measured width) never changes the next."""
    forward = [to_docx(m, meta) for m, meta, _ in PINNED]
    backward = [to_docx(m, meta) for m, meta, _ in reversed(PINNED)][::-1]
    assert forward == backward
