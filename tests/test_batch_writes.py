"""The batch writer's shortcuts keep their promises: the zip is zipfile's, byte for byte; a staged file never writes through to the published one."""

from __future__ import annotations

import os
import random
import stat
import zlib
from datetime import date
from pathlib import Path

import pytest

from engine.books.output import Staged, write_bytes
from engine.documents import package
from engine.documents.package import docx_parts, write_zip
from engine.documents.reference import reference_bytes


def test_the_zip_is_what_zipfile_writes_byte_for_byte() -> None:
    rng = random.Random(15)
    cases = [docx_parts(reference_bytes())]
    for _ in range(60):
        names = [f"word/é{i}.xml" if rng.random() < 0.2 else f"part{i}" for i in range(rng.randrange(0, 7))]
        cases.append(
            [(n, rng.randbytes(rng.randrange(0, 4000)) if rng.random() < 0.5 else b"<w:t>x</w:t>" * rng.randrange(0, 5000)) for n in names]
        )
    for parts in cases:
        for on in (date(2027, 1, 5), date(1975, 6, 1), date(2099, 12, 31)):
            assert write_zip(parts, on) == package._write_zip_slow(parts, on)


def test_a_part_met_again_is_not_compressed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    parts = docx_parts(reference_bytes())
    write_zip(parts, date(2027, 1, 5))
    calls = []
    real = zlib.compressobj
    monkeypatch.setattr(zlib, "compressobj", lambda *a: calls.append(a) or real(*a))
    write_zip([*parts, ("word/new.xml", b"<changed/>")], date(2027, 2, 5))
    assert len(calls) == 1  # only the changed part


def test_a_staged_file_replaces_the_published_one_without_touching_it(tmp_path: Path) -> None:
    folder = tmp_path / "documents" / "batch"
    published = write_bytes(folder / "a.docx", b"old bytes")
    stage = Staged(tmp_path)
    staged = stage.write_bytes(folder / "a.docx", b"new bytes")  # the twin held a hard link to the published file
    assert staged.read_bytes() == b"new bytes"
    assert published.read_bytes() == b"old bytes"
    assert stat.S_IMODE(os.stat(staged).st_mode) == 0o600
    stage.discard()
    assert published.read_bytes() == b"old bytes" and not staged.exists()
