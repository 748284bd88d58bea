"""Creating a federation's books: the founding file and an empty journal."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from engine.books import config, journal
from engine.books.output import write_text
from engine.books.presets import render_founding
from engine.errors import UserError

DEMO_MARKER = ".coop-demo"


def create_books(folder: Path, *, text: str | None = None, **founding: Any) -> None:
    """Write ``federation.yaml`` and an empty journal into a new or empty folder."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UserError("folder is not empty; coop init only starts books in a new or empty folder", file=folder, field="FOLDER")
    folder.mkdir(parents=True, exist_ok=True)
    write_text(folder / config.FILENAME, text if text is not None else render_founding(**founding))
    journal.Journal.create(folder / journal.FILENAME).close()


def start_books(folder: Path, *, name: str, founded: date, model: str, parent_name: str, principal: str, entity: str) -> None:
    """``coop init``: new books for ``model``, held by a parent practice or by the co-op's own entity, as the model has it."""
    from engine.models.registry import get

    parent = {"legal_name": parent_name, "principal": principal}
    who: dict[str, Any] = {"parent": parent} if get(model).parent_practice else {"entity": {"legal_name": entity}}
    create_books(folder, name=name, founded=founded, model=model, **who)


def create_demo_books(folder: Path, text: str) -> None:
    """The demo's books; a folder from an earlier demo run is replaced, anything else refused."""
    if folder.exists() and (folder / DEMO_MARKER).exists():
        shutil.rmtree(folder)
    create_books(folder, text=text)
    write_text(folder / DEMO_MARKER, "Made by 'coop demo'; running it again replaces this folder.\n")


def first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)
