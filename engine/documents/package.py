"""A DOCX package as zip bytes: written with fixed times and modes, so the same parts are the same bytes.

Kept apart from the typesetter so the batch paths (agreements filled from a
compiled template, anchors stamped into issued documents) can re-zip parts
without python-docx.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import date


def write_zip(parts: Iterable[tuple[str, bytes]], on: date) -> bytes:
    stamp = (max(on.year, 1980), on.month, on.day, 0, 0, 0)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name, blob in parts:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            out.writestr(info, blob)
    return buf.getvalue()


def docx_parts(data: bytes) -> list[tuple[str, bytes]]:
    """A DOCX's zip entries in order: the compiled form the batch path fills in."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]
