"""A redline between two Markdown documents: what a member reads before signing again.

Blocks (paragraphs, headings, list items, table rows) are aligned with
``difflib`` from the standard library; a changed block is then diffed word
by word, so a changed figure shows as one struck and one inserted word, not
a whole paragraph. Insertions become ``<ins>…</ins>`` and deletions
``<del>…</del>``: Markdown readers show them, and the typesetter turns them
into underlined and struck-through runs in the DOCX.

Markup is kept intact: a heading's ``##``, a list marker and a table's
pipes stay outside the tags, and ``**bold phrases**`` and ``code`` spans
are compared as single words so emphasis is never split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

_LIST = re.compile(r"^(\s*(?:[-*+]|\d+\.)\s+)")
_HEADING = re.compile(r"^(#{1,6}\s+)")
_WORDS = re.compile(r"\*\*[^*\n]+\*\*|`[^`\n]+`|\s+|[^\s]+")
SHORT = 2
"""Unchanged runs of at most this many words between two changes are shown as changed."""
SIMILAR = 0.4
"""Below this word similarity a changed block reads better as deleted then inserted whole."""


@dataclass(frozen=True)
class Unit:
    sep: str
    text: str

    @property
    def kind(self) -> str:
        if self.text.startswith("|"):
            return "separator" if set(self.text) <= set("|-: ") else "row"
        if self.text.startswith("<!--"):
            return "directive"
        if _HEADING.match(self.text):
            return "heading"
        if _LIST.match(self.text):
            return "item"
        return "paragraph"


def units(markdown: str) -> list[Unit]:
    """Split a document into diffable blocks, each remembering what separated it from the last."""
    out: list[Unit] = []
    para: list[str] = []
    sep = ""
    blank = False

    def flush() -> None:
        nonlocal sep
        if para:
            out.append(Unit(sep, "\n".join(para)))
            para.clear()
            sep = "\n"

    for line in markdown.split("\n"):
        if not line.strip():
            flush()
            blank = True
            continue
        if blank and out:
            sep = "\n\n"
        blank = False
        if line.startswith(("|", "#", "<!--")) or _LIST.match(line):
            flush()
            out.append(Unit(sep, line))
            sep = "\n"
        else:
            para.append(line)
    flush()
    return out


def _prefix(text: str) -> tuple[str, str]:
    match = _HEADING.match(text) or _LIST.match(text)
    return (match[1], text[match.end() :]) if match else ("", text)


def _wrap(tag: str, text: str) -> str:
    if not text.strip():
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}<{tag}>{text.strip()}</{tag}>{trail}"


def _cells(row: str) -> list[str]:
    return row.strip().strip("|").split("|")


def _row(cells: list[str]) -> str:
    return "|" + "|".join(cells) + "|"


def whole(unit: Unit, tag: str) -> str:
    """A block entirely inserted or deleted."""
    if unit.kind == "row":
        return _row([_wrap(tag, c) for c in _cells(unit.text)])
    if unit.kind in ("separator", "directive"):
        return unit.text
    prefix, rest = _prefix(unit.text)
    return prefix + _wrap(tag, rest)


def words(old: str, new: str) -> str:
    """Word-level redline of one block against its new version.

    Short runs of unchanged words between two changes ("was", "on the") are
    folded into the change, so a rewritten sentence reads as one struck
    phrase and one inserted phrase rather than alternating fragments.
    """
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    segments: list[list[Any]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        segments.append([op == "equal", a[i1:i2], b[j1:j2]])
    for k in range(1, len(segments) - 1):
        seg = segments[k]
        if seg[0] and not segments[k - 1][0] and not segments[k + 1][0] and sum(1 for t in seg[2] if t.strip()) <= SHORT:
            seg[0] = False
    merged: list[list[Any]] = []
    for seg in segments:
        if merged and not seg[0] and not merged[-1][0]:
            merged[-1][1] = merged[-1][1] + seg[1]
            merged[-1][2] = merged[-1][2] + seg[2]
        else:
            merged.append(seg)
    out = []
    for equal, olds, news in merged:
        if equal:
            out.append("".join(news))
            continue
        deleted, inserted = "".join(olds), "".join(news)
        if deleted.strip():
            out.append(_wrap("del", deleted))
        if inserted.strip():
            if deleted.strip() and not out[-1].endswith(" "):
                out.append(" ")
            out.append(_wrap("ins", inserted))
        elif not deleted.strip():
            out.append(inserted)
    return "".join(out)


def _similar(a: Unit, b: Unit) -> bool:
    if a.kind != b.kind or _prefix(a.text)[0].strip("0123456789. ") != _prefix(b.text)[0].strip("0123456789. "):
        return False
    if a.kind == "separator":
        return True
    if a.kind == "row":
        return len(_cells(a.text)) == len(_cells(b.text))
    return SequenceMatcher(None, _WORDS.findall(a.text), _WORDS.findall(b.text), autojunk=False).ratio() >= SIMILAR


def changed(old: Unit, new: Unit) -> str:
    if new.kind in ("separator", "directive"):
        return new.text
    if new.kind == "row":
        if len(_cells(old.text)) != len(_cells(new.text)):
            return whole(old, "del") + "\n" + whole(new, "ins")
        return _row([words(x, y) for x, y in zip(_cells(old.text), _cells(new.text), strict=True)])
    (_, r_old), (p_new, r_new) = _prefix(old.text), _prefix(new.text)
    return p_new + words(r_old, r_new)


@dataclass(frozen=True)
class Redline:
    markdown: str
    inserted: int
    deleted: int
    changed: int


def identity(u: Unit) -> str:
    """What a block is, for aligning: a table row is its first cell (the rule, the line, the month), anything else its text.

    Rows are matched by identity, not position, so a row whose figures changed
    is one changed row and a row that only moved is not a change at all.
    """
    if u.kind == "row":
        return "row:" + _cells(u.text)[0].strip()
    return u.text


def redline(old: str, new: str) -> Redline:
    """The new document with what changed since the old one marked."""
    a, b = units(old), units(new)
    out: list[str] = []
    counts = {"ins": 0, "del": 0, "chg": 0}

    def emit(sep: str, text: str) -> None:
        # A block that opened its own document opens no longer once something precedes it.
        out.append(((sep or "\n\n") if out else "") + text)

    matcher = SequenceMatcher(None, [identity(u) for u in a], [identity(u) for u in b], autojunk=False)
    opcodes = matcher.get_opcodes()
    # A row deleted in one place and inserted in another is a move: shown once, where it now stands.
    gone = {identity(u): u for op, i1, i2, _, _ in opcodes if op != "equal" for u in a[i1:i2] if u.kind == "row"}
    moved = {identity(u): gone[identity(u)] for op, _, _, j1, j2 in opcodes if op != "equal" for u in b[j1:j2] if identity(u) in gone}
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            for o, u in zip(a[i1:i2], b[j1:j2], strict=True):
                if o.text == u.text:
                    emit(u.sep, u.text)
                else:
                    emit(u.sep, changed(o, u))
                    counts["chg"] += 1
            continue
        olds, news = [u for u in a[i1:i2] if identity(u) not in moved], list(b[j1:j2])
        if any(identity(u) in moved for u in news):
            # Rows in their new order: a moved row as it stands, a changed one against its old self, the rest inserted.
            for u in news:
                was = moved.get(identity(u))
                if was is not None:
                    emit(u.sep, u.text if was.text == u.text else changed(was, u))
                    counts["chg"] += was.text != u.text
                elif olds and _similar(olds[0], u):
                    emit(u.sep, changed(olds.pop(0), u))
                    counts["chg"] += 1
                else:
                    emit(u.sep, whole(u, "ins"))
                    counts["ins"] += u.kind not in ("directive", "separator")
            news = []
        while olds and news and _similar(olds[0], news[0]):
            o, n = olds.pop(0), news.pop(0)
            emit(n.sep, changed(o, n))
            counts["chg"] += 1
        for u in olds:
            if u.kind != "directive":
                emit(u.sep, whole(u, "del"))
                counts["del"] += u.kind != "separator"
        for u in news:
            emit(u.sep, whole(u, "ins"))
            counts["ins"] += u.kind not in ("directive", "separator")
    return Redline("".join(out) + "\n", counts["ins"], counts["del"], counts["chg"])
