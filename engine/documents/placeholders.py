"""Text that members and the administrator write is data, never code.

An amendment's section text, a section the books override, a proposal text:
none of it is ever handed to a template engine. It may name the manual's
figures with a fixed placeholder grammar, ``{{ fee | money }}`` or
``{{ rules.termination.notice_days }}``: a dotted path of plain names that
must exist in the manual's data, then any of the registered filters. Nothing
else is read as markup: no statements, no calls, no attribute beyond the
data, no names starting with an underscore. Anything that looks like template
syntax but is not a placeholder is refused, naming the token, so an author
learns at proposal time rather than when the manual is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from engine.errors import UserError

_NAME = r"[a-z][a-z0-9_]*"
PLACEHOLDER = re.compile(rf"\{{\{{\s*({_NAME}(?:\.{_NAME})*)((?:\s*\|\s*{_NAME})*)\s*\}}\}}")
"""``{{ path.to.name | filter | filter }}``: the whole grammar."""
_MARKUP = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
"""Anything a template engine would read; outside a placeholder it is refused."""


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _token_at(text: str, index: int) -> str:
    end = text.find("\n", index)
    token = text[index : end if end != -1 else len(text)]
    return token if len(token) <= 40 else token[:37] + "..."


def _resolve(path: str, data: Mapping[str, Any]) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            raise KeyError(path)
        value = value[part]
    return value


def render(
    text: str,
    data: Mapping[str, Any],
    filters: Mapping[str, Callable[[Any], str]],
    finalize: Callable[[Any], str],
    *,
    origin: str,
    first_line: int = 1,
) -> str:
    """``text`` with each placeholder replaced by its value; a refusal names the token and its line."""

    def refuse(message: str, index: int) -> UserError:
        return UserError(
            f"template error: {message}",
            file=origin,
            line=first_line + _line_of(text, index) - 1,
            expected="plain text and {{ name }} placeholders from the manual's data, with filters " + ", ".join(sorted(filters)),
        )

    out: list[str] = []
    pos = 0
    for match in PLACEHOLDER.finditer(text):
        stray = _MARKUP.search(text, pos, match.start())
        if stray:
            raise refuse(f"'{_token_at(text, stray.start())}' is not a placeholder", stray.start())
        out.append(text[pos : match.start()])
        path, chain = match[1], [f.strip() for f in match[2].split("|") if f.strip()]
        try:
            value = _resolve(path, data)
        except KeyError:
            raise refuse(f"'{path}' is not in the manual's data", match.start()) from None
        for name in chain:
            if name not in filters:
                raise refuse(f"'{name}' is not a filter", match.start())
            value = filters[name](value)
        if isinstance(value, Mapping | list | tuple) and not chain:
            raise refuse(f"'{path}' is a group of values, not one", match.start())
        out.append(finalize(value))
        pos = match.end()
    stray = _MARKUP.search(text, pos)
    if stray:
        raise refuse(f"'{_token_at(text, stray.start())}' is not a placeholder", stray.start())
    out.append(text[pos:])
    return "".join(out)


def joined(values: Any) -> str:
    """A list in a sentence: ``A; B; C``, or ``none yet`` when there is nothing to list."""
    items = [str(v) for v in values] if isinstance(values, list | tuple) else [str(values)]
    return "; ".join(items) if items else "none yet"


def plain(value: Any, escape: Callable[[str], str]) -> str:
    """How a value prints in member text: strings escaped for Markdown, dates in words."""
    from engine.documents.templates import long_date

    if isinstance(value, str):
        return escape(value)
    if isinstance(value, date):
        return long_date(value)
    return str(value)
