"""Creating a federation's books: the founding file and an empty journal."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from engine.books import config, journal
from engine.books.output import write_text
from engine.books.presets import render_founding
from engine.errors import UserError

DEMO_MARKER = ".coop-demo"
PRIVATE_MODE = 0o600
"""Files in the books are the owner's alone: the journal, federation.yaml and every issued document."""


def create_books(folder: Path, *, text: str | None = None, **founding: Any) -> None:
    """Write ``federation.yaml`` and an empty journal into a new or empty folder."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UserError("folder is not empty; coop init only starts books in a new or empty folder", file=folder, field="FOLDER")
    folder.mkdir(parents=True, exist_ok=True)
    write_text(folder / config.FILENAME, text if text is not None else render_founding(**founding))
    # Owner-only, like every file engine.books.output writes (mkstemp's 0600): the journal holds ballots and
    # credential hashes. SQLite gives its -wal and -shm files the database file's mode.
    (folder / journal.FILENAME).touch(mode=PRIVATE_MODE, exist_ok=False)
    os.chmod(folder / journal.FILENAME, PRIVATE_MODE)
    journal.Journal.create(folder / journal.FILENAME).close()


def start_books(folder: Path, *, name: str, founded: date, model: str, parent_name: str, principal: str, entity: str) -> None:
    """``coop init``: new books for ``model``, held by a parent practice or by the co-op's own entity, as the model has it."""
    from engine.models.registry import get

    parent = {"legal_name": parent_name, "principal": principal}
    who: dict[str, Any] = {"parent": parent} if get(model).parent_practice else {"entity": {"legal_name": entity}}
    create_books(folder, name=name, founded=founded, model=model, **who)


def create_demo_books(folder: Path, text: str) -> None:
    """The demo's books; a folder from an earlier demo run is replaced, anything else refused.

    The refusal names what is there, so nobody loses real books to a demo
    run pointed at the wrong folder.
    """
    if folder.exists() and (folder / DEMO_MARKER).exists():
        shutil.rmtree(folder)
    elif folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        found = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else [folder.name]
        shown = ", ".join(found[:4]) + (f" and {len(found) - 4} more" if len(found) > 4 else "")
        raise UserError(
            f"is not a demo coop made (no {DEMO_MARKER}); running the demo here would replace {shown}; name a new or empty folder",
            file=folder,
            field="FOLDER",
        )
    create_books(folder, text=text)
    write_text(folder / DEMO_MARKER, "Made by 'coop demo'; running it again replaces this folder.\n")


def first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)
