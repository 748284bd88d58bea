"""The one place files are written: always to a temporary name, then renamed.

A crash mid-write leaves either the old file or the new one, never half of
one; ``os.replace`` is atomic on the same file system. A batch of documents
goes one step further (:func:`staged`): the whole folder appears at once,
and only once the journal says the batch was issued. Inside a batch's
hidden twin folder no one can see a half-written file, so each is written
in place and the whole batch is made durable once, just before its journal
entries commit, instead of one temporary name, fsync and rename per file.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Protocol

from engine.errors import UserError


def write_bytes(path: Path, data: bytes) -> Path:
    with _user_paths(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with _user_paths(path), os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@contextmanager
def _user_paths(path: Path) -> Iterator[None]:
    """A folder that is a file, read-only or full is the user's to fix: one line naming the path."""
    try:
        yield
    except (NotADirectoryError, FileExistsError):
        raise UserError("cannot be written: part of the path is a file, not a folder", file=path) from None
    except PermissionError:
        raise UserError("cannot be written (read-only or not yours)", file=path) from None
    except OSError as exc:
        raise UserError(f"cannot be written ({exc.strerror or exc})", file=path) from None


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


# --- batches: a folder of documents appears whole, after its journal entries commit ---------

STAGING = ".staging"
"""Under the books folder: one note per batch being published, so a kill mid-way is finished or undone."""


class Staged:
    """The files of one batch of documents, written beside their final folders until the batch is recorded.

    Each final folder ``F`` gets a hidden twin ``.F.staging-TOKEN``; its
    current files are hard-linked in first, so the twin holds the folder as
    it will be. Only after the journal entries commit is each twin renamed
    into place: until then a kill leaves the old folder untouched, and the
    note left in the books folder lets the next command finish or discard it.
    """

    def __init__(self, books_folder: Path) -> None:
        self.notes = books_folder / STAGING
        self.token = f"{os.getpid()}-{os.urandom(4).hex()}"
        self.pairs: dict[Path, Path] = {}
        self.note: Path | None = None
        self.sealed = False
        self.written = False
        self._lock: int | None = None

    def at(self, final: Path) -> Path:
        """Where to write ``final`` now: the same name in its folder's staging twin."""
        folder = final.parent.absolute()
        stage = self.pairs.get(folder)
        if stage is None:
            with _user_paths(folder):
                stage = self._stage(folder)
        return stage / final.name

    def _stage(self, folder: Path) -> Path:
        _check_folder(folder)
        _sweep(folder, self.notes)
        stage = folder.parent / f".{folder.name}.staging-{self.token}"
        folder.parent.mkdir(parents=True, exist_ok=True)
        self.pairs[folder] = stage
        self._write_note(None)  # before the twin exists, so a kill from here on is found and undone
        if folder.is_dir():
            shutil.copytree(folder, stage, copy_function=_link)
        else:
            stage.mkdir()
        return stage

    def write_bytes(self, final: Path, data: bytes) -> Path:
        """Write ``final``'s bytes into its staging twin, in place; returns where they went.

        The twin is invisible until published, so a kill mid-write leaves a
        half file only in a folder that is discarded: no temporary name and
        rename are needed, and durability waits for :meth:`seal`, once for
        the batch. A name already in the twin is a hard link to the
        published file (see :meth:`_stage`): it is unlinked first, never
        written through, so the old folder keeps its bytes until the new one
        replaces it whole.
        """
        path = self.at(final)
        with _user_paths(path):
            with suppress(FileNotFoundError):
                os.unlink(path)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # the owner's alone, as mkstemp makes them
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        self.written = True
        return path

    def write_text(self, final: Path, text: str) -> Path:
        return self.write_bytes(final, text.encode("utf-8"))

    def seal(self, head: str) -> None:
        """Make the batch's files durable, then add to the note the journal head it commits as, just before the commit.

        One ``sync`` for the whole batch, not an fsync per file: the journal
        must never say a document was issued whose bytes a power cut could
        still lose, and once the entries commit, :func:`recover` publishes the
        twins as they are. (Linux's ``sync`` returns when the data is written;
        on ten thousand documents it costs a fraction of one fsync each.)
        """
        if self.pairs:
            if self.written:
                os.sync()
            self._write_note(head)
            self.sealed = True

    def _write_note(self, head: str | None) -> None:
        """The note lists every staging twin; ``head`` is None until the entries are about to commit.

        Its lock is held until the batch is published or discarded, so
        :func:`recover` in another command leaves a live batch alone.
        """
        if self._lock is None:
            self.notes.mkdir(exist_ok=True)
            self.note = self.notes / f"{self.token}.json"
            self._lock = os.open(self.notes / f"{self.token}.lock", os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        assert self.note is not None
        write_text(self.note, json.dumps({"head": head, "pairs": [[str(s), str(f)] for f, s in self.pairs.items()]}))

    def publish(self) -> None:
        for folder, stage in self.pairs.items():
            _publish(stage, folder)
        self._forget()

    def discard(self) -> None:
        for stage in self.pairs.values():
            shutil.rmtree(stage, ignore_errors=True)
        self._forget()

    def _forget(self) -> None:
        if self.note is not None:
            self.note.unlink(missing_ok=True)
            self.note.with_suffix(".lock").unlink(missing_ok=True)
            with suppress(OSError):  # another batch's note may be there
                self.notes.rmdir()
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


class _Journal(Protocol):
    path: Path

    def before_commit(self, hook: Callable[[str], None]) -> None: ...

    def by_hash(self, digest: str) -> object | None: ...


@contextmanager
def staged(journal: _Journal) -> Iterator[Staged]:
    """Write a batch through ``Staged.at`` inside this block, and its journal entries in a transaction inside it too.

    On leaving, the batch's folders move into place; on an error nothing moves.
    """
    batch = Staged(journal.path.parent)
    journal.before_commit(batch.seal)
    try:
        yield batch
    except BaseException:
        batch.discard()
        raise
    if batch.pairs and not batch.sealed:
        batch.discard()
        raise RuntimeError("a staged batch must record its entries in a journal transaction inside the block")
    batch.publish()


def recover(books_folder: Path, journal: _Journal) -> None:
    """Finish a batch killed after its entries committed; undo one killed before.

    Cheap when there is nothing to do (one missing folder). A batch whose
    owner is still running holds its note's lock and is left alone.
    """
    notes = books_folder / STAGING
    if not notes.is_dir():
        return
    tokens = sorted({p.name.lstrip(".").split(".", 1)[0] for p in notes.iterdir()})
    for token in tokens:
        note = notes / f"{token}.json"
        lock = os.open(notes / f"{token}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            try:
                plan = json.loads(note.read_text(encoding="utf-8"))
            except FileNotFoundError:
                plan = {"head": None, "pairs": []}  # killed before its first note: no staging folder yet
            committed = plan["head"] is not None and journal.by_hash(plan["head"]) is not None
            for stage, folder in plan["pairs"]:
                if committed:
                    _publish(Path(stage), Path(folder))
                else:
                    shutil.rmtree(stage, ignore_errors=True)
            for leftover in (note, *notes.glob(f".{token}.json.*.tmp"), notes / f"{token}.lock"):
                leftover.unlink(missing_ok=True)
        finally:
            os.close(lock)
    with suppress(OSError):
        notes.rmdir()


def _publish(stage: Path, folder: Path) -> None:
    """Rename the staging twin into place; safe to repeat after a kill at any step."""
    retired = folder.parent / f".{folder.name}.retired-{stage.name.rpartition('.staging-')[2]}"
    if stage.exists():
        if folder.exists() and not retired.exists():
            os.rename(folder, retired)
        os.rename(stage, folder)
    shutil.rmtree(retired, ignore_errors=True)


def _sweep(folder: Path, notes: Path) -> None:
    """Remove staging twins of ``folder`` left by a batch killed before it left its note."""
    pending = set()
    if notes.is_dir():
        for note in notes.glob("*.json"):
            try:
                pending.update(Path(s).name for s, _ in json.loads(note.read_text(encoding="utf-8"))["pairs"])
            except (OSError, ValueError, KeyError):
                continue
    if folder.parent.is_dir():
        for twin in folder.parent.glob(f".{folder.name}.staging-*"):
            if twin.name not in pending:
                shutil.rmtree(twin, ignore_errors=True)


def _check_folder(folder: Path) -> None:
    """A path that cannot hold documents is the user's to fix: one line naming it."""
    for part in (folder, *folder.parents):
        if part.exists():
            if not part.is_dir():
                raise UserError("is a file, not a folder", file=part, field="--out")
            if not os.access(part, os.W_OK):
                raise UserError("cannot be written to (read-only or not yours)", file=part, field="--out")
            return


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
