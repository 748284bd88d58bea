"""PDF copies of DOCX documents, when LibreOffice is installed.

PDF is a convenience for reading and printing; the DOCX (and its SHA-256)
stays the document of record, because LibreOffice's PDF output is not
byte-stable from one version to the next.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from engine.books.output import write_bytes

MISSING = "PDF skipped: LibreOffice ('soffice') is not installed; the DOCX and Markdown were written"
NO_FONT = (
    "PDF pages may break differently: neither Calibri nor its metric twin Carlito is installed "
    "(Debian/Ubuntu: apt-get install fonts-crosextra-carlito)"
)


def converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def font_available() -> bool | None:
    """Whether LibreOffice will set the documents in Calibri or Carlito (same widths, so the same line and page breaks).

    ``None`` when fontconfig's ``fc-match`` is not there to ask. Carlito is
    what fontconfig's metric aliases substitute for Calibri, and the
    reference document names it as Calibri's alternative.
    """
    from engine.documents.reference import BODY_FONT, FALLBACK_FONT

    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    found = subprocess.run([fc_match, "-f", "%{family}", BODY_FONT], capture_output=True, text=True, timeout=30).stdout
    return any(name in found for name in (BODY_FONT, FALLBACK_FONT))


def to_pdf(documents: list[Path], timeout: int = 600) -> list[Path] | None:
    """Convert DOCX files to PDFs beside them; ``None`` when LibreOffice is missing.

    One LibreOffice run for the whole list (starting it costs seconds), with a
    throwaway profile so a desktop session's open LibreOffice does not block it.
    """
    program = converter()
    if program is None:
        return None
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="coop-pdf-") as tmp:
        profile = Path(tmp) / "profile"
        outdir = Path(tmp) / "out"
        cmd = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", str(outdir)]
        subprocess.run([*cmd, *map(str, documents)], check=True, timeout=timeout, capture_output=True)
        written = []
        for doc in documents:
            made = outdir / (doc.stem + ".pdf")
            written.append(write_bytes(doc.with_suffix(".pdf"), made.read_bytes()))
        return written
