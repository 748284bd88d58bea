"""Text fit for a document: nothing XML 1.0 forbids reaches a DOCX.

Word refuses to open a file holding a control character such as ``\\x0b``
(a vertical tab pasted from a spreadsheet) or ``\\uffff``, so one bad
provider name used to break every agreement in a batch. Names are refused
at the door (see ``config.Text``); whatever else arrives is cleaned here,
each forbidden character shown as U+FFFD so the replacement is visible in
the document rather than silent.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""What XML 1.0 does not allow in a document (tab, newline and carriage return are allowed)."""


def forbidden(text: str) -> list[str]:
    """The forbidden characters in ``text``, written as escapes (``\\x0b``) for an error message."""
    return sorted({f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" for c in _FORBIDDEN.findall(text)})


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by U+FFFD; unchanged (same object) when clean."""
    return _FORBIDDEN.sub(REPLACEMENT, text) if _FORBIDDEN.search(text) else text
