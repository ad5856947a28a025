"""The one YAML writer of the tool (ruamel.yaml round trip) and how a file is replaced on disk.

Every module that writes a record — a new SOP event (:mod:`.events`), an update from Excel
(:mod:`.records`) — renders through :func:`round_trip` and :func:`dump`, so quotes, comments and
long lines are treated alike everywhere, and replaces files with :func:`replace_file`: the new
bytes go to a hidden temporary file in the same folder, are flushed to disk, get the old file's
permissions and then take its place in one rename. A reader sees the old file or the new one,
never a half-written one, and a crash leaves at most a hidden ``.<name>.*.tmp`` behind.
"""

from __future__ import annotations

import io
import os
import secrets
import stat
import sys
from pathlib import Path

from ruamel.yaml import YAML

Indent = tuple[int, int, int]  # (mapping indent, sequence indent, dash offset)


def round_trip(indent: Indent | None = None, explicit_start: bool = False) -> YAML:
    """A round-trip ruamel.yaml instance: keeps quotes and comments and never re-wraps a line."""
    y = YAML()
    y.preserve_quotes = True
    y.width = sys.maxsize
    if indent is not None:
        y.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    y.explicit_start = explicit_start
    return y


def dump(y: YAML, tree) -> str:
    buf = io.StringIO()
    y.dump(tree, buf)
    return buf.getvalue()


def temp_path(path: Path) -> Path:
    """A new hidden name beside ``path`` (the catalog walk ignores names starting with '.')."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def write_new(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a file that must not exist yet and flush it to disk. Without ``mode`` the
    file gets the permissions any new file gets here (0666 less the umask)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def file_mode(path: Path) -> int | None:
    """The permission bits of an existing file (None if there is none)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def sync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the system allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


def replace_file(path: str | Path, data: bytes) -> None:
    """Put ``data`` at ``path`` atomically, keeping the permissions of the file it replaces."""
    path = Path(path)
    tmp = temp_path(path)
    try:
        write_new(tmp, data, file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    sync_dir(path.parent)
