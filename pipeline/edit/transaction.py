"""Writing several record files all or nothing, through a journal that survives a crash.

:func:`write_all` stages every new file in ``.satudata-transaksi/`` at the catalog root (hidden,
outside ``metadata/``), keeps a hard link to every file it will replace, and only then writes
the journal ``jurnal.json`` naming them. That write is the point of no return: after it, the
staged files are renamed over their targets one by one, the journal is deleted, and the folder
with it. A process killed (or a disk that fills up) at any moment leaves either no journal —
nothing in ``metadata/`` was touched yet, or everything was — or a journal, and then
:func:`recover` puts every file back as it was (same bytes, same inode, same permissions),
removes the files and folders the import created, and deletes the journal. ``satudata import``
recovers before it does anything else, and ``satudata validate`` reports a journal left behind.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ..layout import TRANSACTION_DIR, TRANSACTION_JOURNAL
from .writer import file_mode, replace_file, sync_dir, write_new

FOLDER = TRANSACTION_DIR
JOURNAL = Path(TRANSACTION_JOURNAL).name


class Busy(Exception):
    """Another import is writing this catalog (its journal folder exists and is not ours)."""


def journal_path(root: Path) -> Path:
    return Path(root) / FOLDER / JOURNAL


def pending(root: Path) -> bool:
    """Whether an interrupted write left a journal behind (the catalog may be half updated)."""
    return journal_path(root).is_file()


def _missing_folders(root: Path, rels: list[str]) -> list[str]:
    """Folders (catalog-relative, parents first) that the files need and that do not exist yet."""
    out: list[str] = []
    for rel in rels:
        parts = Path(rel).parent.parts
        for i in range(1, len(parts) + 1):
            folder = Path(*parts[:i]).as_posix()
            if folder not in out and not (root / folder).is_dir():
                out.append(folder)
    return out


def _keep(target: Path, kept: Path) -> None:
    """A second name for the file about to be replaced (a hard link; a copy where links fail)."""
    try:
        os.link(target, kept)
    except OSError:
        shutil.copy2(target, kept)


def write_all(root: Path, files: list[tuple[str, bytes]]) -> None:
    """Write every (catalog-relative path, bytes) or none of them. Raises OSError (disk full,
    permissions …) after putting back whatever was already changed."""
    root = Path(root)
    stage = root / FOLDER
    try:
        stage.mkdir()
    except FileExistsError:
        raise Busy(str(stage)) from None
    try:
        entries = []
        for i, (rel, data) in enumerate(files):
            target = root / rel
            exists = target.is_file()
            write_new(stage / f"{i}.baru", data, file_mode(target))
            if exists:
                _keep(target, stage / f"{i}.lama")
            entries.append({"berkas": rel, "ada": exists, "baru": f"{i}.baru", "lama": f"{i}.lama" if exists else None})
        journal = {"versi": 1, "berkas": entries, "folder": _missing_folders(root, [rel for rel, _ in files])}
        sync_dir(stage)
        replace_file(stage / JOURNAL, json.dumps(journal, ensure_ascii=False, indent=1).encode("utf-8"))
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)  # no journal yet: nothing outside the stage changed
        raise
    try:
        for folder in journal["folder"]:
            (root / folder).mkdir()
        for entry in entries:
            os.replace(stage / entry["baru"], root / entry["berkas"])
            sync_dir((root / entry["berkas"]).parent)
    except BaseException:
        recover(root)
        raise
    _finish(stage)


def _finish(stage: Path) -> None:
    """The journal goes first: without it nothing is rolled back, so it is the end of the write."""
    (stage / JOURNAL).unlink()
    sync_dir(stage)
    shutil.rmtree(stage, ignore_errors=True)


def recover(root: Path) -> list[str]:
    """Undo an interrupted :func:`write_all`; returns the files put back or removed."""
    root = Path(root)
    stage = root / FOLDER
    journal_file = stage / JOURNAL
    if not journal_file.is_file():
        if stage.is_dir():
            shutil.rmtree(stage, ignore_errors=True)  # staged files only: nothing was replaced
        return []
    journal = json.loads(journal_file.read_text(encoding="utf-8"))
    restored = []
    for entry in reversed(journal["berkas"]):
        target = root / entry["berkas"]
        if entry["ada"]:
            kept = stage / entry["lama"]
            if kept.exists():
                os.replace(kept, target)
        elif target.is_file():
            target.unlink()
        restored.append(entry["berkas"])
        sync_dir(target.parent)
    for folder in reversed(journal["folder"]):
        try:
            (root / folder).rmdir()
        except OSError:  # not there, or not empty: something else lives in it now
            pass
    _finish(stage)
    return restored


class Lock:
    """An exclusive lock on writing the catalog, held for a whole import: an advisory lock on the
    catalog folder itself (no lock file is left behind), released by the system when the process
    ends, however it ends. Raises :class:`Busy` if another process holds it."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.fd: int | None = None

    def __enter__(self) -> Lock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory locks, one writer is assumed
            return self
        self.fd = os.open(self.root, os.O_RDONLY)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            self.fd = None
            raise Busy(str(self.root)) from None
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
