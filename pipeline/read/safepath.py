"""Paths inside the catalog: never through a symbolic link, never outside its root.

A catalog comes from pull requests, and a pull request can commit a symbolic link to any file
on the machine that checks it (``metadata/x/opd.yaml -> /etc/passwd``) or a folder link out of
the repository. Nothing reads or writes through one: the walk refuses links
(:mod:`pipeline.read.catalog`), files are opened with ``O_NOFOLLOW`` (:mod:`pipeline.read.loader`),
and a stage about to write into the catalog asks :func:`safe_path` first.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .loader import LoadError, link_refused


class UnsafePath(LoadError):
    """A path that leaves the catalog or goes through a symbolic link; ``kode`` says which
    (``di-luar-katalog`` or ``tautan-simbolik``), ``rel`` is the offending path."""

    def __init__(self, error: LoadError, rel: str):
        super().__init__(error.kode, error.pesan, error.saran)
        self.rel = rel


def safe_path(root: Path, path: str | Path) -> Path:
    """``path`` (relative to ``root``, or absolute) as an absolute path inside ``root``, once
    it is known that it does not leave ``root`` (``..``) and that no part of it below ``root``
    is a symbolic link. Parts that do not exist yet are fine (a file about to be written).
    Raises :class:`UnsafePath`."""
    given = Path(os.path.abspath(root))
    real = Path(os.path.realpath(root))
    full = Path(os.path.normpath(os.path.join(given, path)))  # an absolute ``path`` stays as it is
    for base in (given, real):
        try:
            rel = full.relative_to(base)
            break
        except ValueError:
            continue
    else:
        raise UnsafePath(_outside(str(path), str(given)), str(path))
    current = base
    for part in rel.parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            break  # nothing below a missing folder can be a link
        if stat.S_ISLNK(mode):
            where = current.relative_to(base).as_posix()
            raise UnsafePath(link_refused(os.readlink(current), where), where)
    return real / rel


def _outside(path: str, root: str) -> LoadError:
    return LoadError(
        "di-luar-katalog",
        f"Jalur '{path}' berada di luar folder katalog {root}.",
        "Sebutkan berkas di dalam folder katalog (misalnya metadata/OPD/TAHUN-kegiatan/kegiatan.yaml).",
    )
