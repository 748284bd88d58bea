"""A DOCX package as zip bytes: written with fixed times and modes, so the same parts are the same bytes.

Kept apart from the typesetter so the batch paths (agreements filled from a
compiled template, anchors stamped into issued documents) can re-zip parts
without python-docx.

The archive is assembled here rather than by :mod:`zipfile`, byte for byte
as ``zipfile`` writes it (tests hold the two together), so that a part seen
before is not compressed again: most of a document's parts (styles, theme,
fonts, numbering) are the same in every document of a batch, and deflating
them again for each of ten thousand documents was half the cost of writing
one. Only what changes is compressed.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20
"""What ``zipfile`` writes as the version needed and made by for a deflated entry."""
_ATTR = 0o644 << 16
_DEFLATED = zipfile.ZIP_DEFLATED
_LIMIT = (1 << 31) - 1
"""Past this a part or the archive needs ZIP64; those (never a document's) go through ``zipfile`` itself."""


@lru_cache(maxsize=256)
def _deflated(blob: bytes) -> tuple[bytes, int]:
    """A part's compressed bytes and CRC, as ``zipfile`` makes them; remembered, so a part met again costs a lookup.

    Keyed by the bytes themselves (a hit compares them whole), so a cached
    entry can never stand for different content.
    """
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return packer.compress(blob) + packer.flush(), zlib.crc32(blob)


def write_zip(parts: Iterable[tuple[str, bytes]], on: date) -> bytes:
    """The parts zipped in order, dated ``on`` (midnight), mode 0644: what ``zipfile.ZipFile.writestr`` gives, byte for byte."""
    parts = list(parts)
    if sum(len(blob) for _, blob in parts) > _LIMIT:
        return _write_zip_slow(parts, on)
    stamp = (max(on.year, 1980), on.month, on.day)
    dosdate = (stamp[0] - 1980) << 9 | stamp[1] << 5 | stamp[2]
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, blob in parts:
        data, crc = _deflated(blob)
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800
        header = _LOCAL.pack(b"PK\003\004", _VERSION, 0, flags, _DEFLATED, 0, dosdate, crc, len(data), len(blob), len(encoded), 0)
        out += (header, encoded, data)
        sizes = (crc, len(data), len(blob), len(encoded))
        entry = _CENTRAL.pack(b"PK\001\002", _VERSION, 0, _VERSION, 0, flags, _DEFLATED, 0, dosdate, *sizes, 0, 0, 0, 0, _ATTR, offset)
        central.append(entry + encoded)
        offset += len(header) + len(encoded) + len(data)
    directory = b"".join(central)
    out += (directory, _END.pack(b"PK\005\006", 0, 0, len(central), len(central), len(directory), offset, 0))
    return b"".join(out)


def _write_zip_slow(parts: Iterable[tuple[str, bytes]], on: date) -> bytes:
    """``zipfile`` itself: the reference :func:`write_zip` matches, and the writer for archives past ZIP64's limit."""
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
