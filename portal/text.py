"""Markdown to HTML for the pages: member text stays text.

Raw HTML in Markdown is off, so nothing a member writes becomes markup;
the only tags let back in are the redline's own <ins> and <del>, which the
engine writes and which carry no attributes.
"""

from __future__ import annotations

import re
from datetime import date

from markdown_it import MarkdownIt
from markupsafe import Markup

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_MARKS = {"&lt;ins&gt;": "<ins>", "&lt;/ins&gt;": "</ins>", "&lt;del&gt;": "<del>", "&lt;/del&gt;": "</del>"}


_DIRECTIVE = re.compile(r"^<!--.*-->\s*$", re.MULTILINE)
_HEADING = re.compile(r"^#{1,3} ", re.MULTILINE)


def html(markdown: str) -> Markup:
    out = _MD.render(_DIRECTIVE.sub("", markdown))  # typesetting directives (table of contents, page breaks) are for the DOCX
    for escaped, tag in _MARKS.items():
        out = out.replace(escaped, tag)
    return Markup(out)


def changed_parts(marked: str) -> str:
    """Only the sections of a redline that change, each whole under its heading: what a member reads before voting."""
    starts = [m.start() for m in _HEADING.finditer(marked)]
    parts = [marked[a:b] for a, b in zip([0, *starts], [*starts, len(marked)], strict=True) if marked[a:b].strip()]
    kept = [part for part in parts if "<ins>" in part or "<del>" in part]
    return "\n\n".join(kept) if kept else marked


def days_left(deadline: date, today: date, opens: date | None = None) -> str:
    """A deadline in words, as a member reads it on a phone."""
    if opens is not None and today < opens:
        n = (opens - today).days
        return f"voting opens {'tomorrow' if n == 1 else f'in {n} days'}"
    n = (deadline - today).days + 1  # voting runs to the end of the deadline day
    if n <= 0:
        return f"voting ended on {deadline:%-d %B %Y}"
    if n == 1:
        return "closes tonight"
    return f"closes in {n} days"
