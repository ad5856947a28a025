"""Appending an event to ``alur.riwayat`` without disturbing anything else in ``kegiatan.yaml``.

ruamel.yaml parses the file (with the position of every node) and renders the new event; the
event's lines are then inserted right after the last existing event, at its indentation. Every
other byte of the file — comments, quotes, blank lines, key order, long lines, the indentation
style of other lists — stays exactly as it was, so the pull request shows only the new lines.

When there is no block list to extend (no ``alur``, an empty ``riwayat: []``, flow style), the
file is round-tripped through ruamel.yaml instead, which keeps comments and quotes. Either way
the result is read back with the strict loader and must equal the old data plus the event.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..read.loader import LoadError, decode, load, parse
from .writer import dump, replace_file, round_trip

KEY_ORDER = (
    "langkah",
    "akhir",
    "waktu",
    "peran",
    "aktor",
    "catatan",
    "nomor_surat",
    "tanggal_surat",
    "indah",
    "sumber",
    "pr",
    "commit",
)


def _render(event: dict) -> list[str]:
    """The event as YAML mapping lines (no indentation), rendered by ruamel.yaml."""
    y = round_trip()
    node = CommentedMap()
    for key in KEY_ORDER:
        if key not in event or event[key] is None:
            continue
        value = event[key]
        if key == "waktu":  # a ruamel timestamp keeps the ISO text and stays unquoted
            value = y.load(f"w: {value}")["w"]
        elif key == "tanggal_surat":
            value = date.fromisoformat(value)
        node[key] = value
    return dump(y, node).splitlines()


def _get(mapping: MappingNode, key: str) -> Node | None:
    for k, v in mapping.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return v
    return None


def _last_leaf(node: Node) -> Node:
    while isinstance(node, (MappingNode, SequenceNode)) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    return node


def _seq_indent(root: Node) -> int:
    """How far this file indents a block list under its key (0 for PyYAML's '- ' under the key)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            for k, v in node.value:
                if isinstance(v, SequenceNode) and not v.flow_style and v.value:
                    return max(0, v.start_mark.column - k.start_mark.column)
                stack.append(v)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return 2


def _map_indent(root: MappingNode) -> int:
    """Indentation of nested mappings in this file (2 unless the file shows otherwise)."""
    for _, value in root.value:
        if isinstance(value, MappingNode) and not value.flow_style and value.value:
            return value.start_mark.column or 2
    return 2


def _item_lines(event: dict, dash: int, content: int, newline: str) -> list[str]:
    rendered = _render(event)
    first = " " * dash + "-" + " " * (content - dash - 1) + rendered[0] + newline
    return [first] + [" " * content + line + newline for line in rendered[1:]]


def _splice(text: str, event: dict) -> tuple[str, int] | None:
    """Insert the event's lines into the text; None when the file's shape needs a round trip.

    Handles the two common shapes: a non-empty block ``riwayat`` (insert after its last item)
    and a file without ``alur`` (append a new ``alur`` block at the end of the file).
    """
    root = round_trip().compose(text)
    if not isinstance(root, MappingNode) or root.flow_style:
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    alur = _get(root, "alur")
    if alur is None and not any(isinstance(k, ScalarNode) and k.value == "alur" for k, _ in root.value):
        indent = _map_indent(root)
        dash = indent + _seq_indent(root)
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        block = ["alur:" + newline, " " * indent + "riwayat:" + newline]
        block += _item_lines(event, dash, dash + 2, newline)
        return "".join(lines + block), len(lines) + 3
    if not isinstance(alur, MappingNode) or alur.flow_style:
        return None
    seq = _get(alur, "riwayat")
    if not isinstance(seq, SequenceNode) or seq.flow_style or not seq.value:
        return None
    dash = seq.start_mark.column
    first = seq.value[0]
    content = first.start_mark.column if isinstance(first, MappingNode) and not first.flow_style else dash + 2
    content = max(content, dash + 2)
    end = _last_leaf(seq.value[-1]).end_mark
    at = end.line + (1 if end.column > 0 else 0)
    if at >= len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    return "".join(lines[:at] + _item_lines(event, dash, content, newline) + lines[at:]), at + 1


def _roundtrip(text: str, event: dict) -> str:
    root = round_trip().compose(text)
    offset = _seq_indent(root) if root is not None else 2
    y = round_trip((2, offset + 2, offset))
    data = y.load(text)
    if data is None:
        data = CommentedMap()
    alur = data.get("alur")
    if not isinstance(alur, dict):
        alur = data["alur"] = CommentedMap()
    items = alur.get("riwayat")
    if not isinstance(items, list) or not items:
        items = alur["riwayat"] = CommentedSeq()
    else:
        items.fa.set_block_style()
    entry = CommentedMap()
    for k, v in y.load("\n".join(_render(event))).items():
        entry[k] = v
    items.append(entry)
    return dump(y, data)


def append_event(path: str | Path, event: dict) -> int | None:
    """Append ``event`` to ``alur.riwayat`` of the kegiatan.yaml at ``path``; return its line.

    Raises :class:`~pipeline.loader.LoadError` if the file cannot be read or the edit would
    change anything but the log (the file is then left untouched).
    """
    path = Path(path)
    before = load(path)
    if not isinstance(before.data, dict):
        raise LoadError("yaml-bukan-objek", "Isi berkas bukan kumpulan isian 'nama: nilai'.", "Periksa berkasnya.", 1)
    text = decode(path.read_bytes())
    spliced = _splice(text, event)
    new_text, line = spliced if spliced else (_roundtrip(text, event), None)
    after = parse(new_text)
    expected = _with_event(before.data, event)
    if after.data != expected:
        raise LoadError(
            "sunting-gagal",
            "Peristiwa tidak dapat ditambahkan tanpa mengubah isi lain berkas ini.",
            "Tambahkan peristiwa secara manual di akhir alur.riwayat, lalu jalankan satudata validate.",
        )
    if line is None:
        line = after.line(("alur", "riwayat", len(expected["alur"]["riwayat"]) - 1))
    replace_file(path, new_text.encode("utf-8"))  # the record keeps its own permissions
    return line


@contextmanager
def locked(path: str | Path, timeout: float = 60.0) -> Iterator[None]:
    """Hold an exclusive lock on the record at ``path`` while it is read, checked and rewritten,
    so two runs on one file take turns instead of one losing the other's event.

    POSIX: ``flock`` on the file itself; after waiting, the lock is taken again if the file was
    replaced meanwhile (the other run's rename). Elsewhere: a ``.<name>.kunci`` file made with
    ``O_EXCL`` next to the record. Raises ``TimeoutError`` if the lock is not had in ``timeout``."""
    path = Path(path)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        fcntl = None
    deadline = time.monotonic() + timeout
    if fcntl is None:  # pragma: no cover - Windows
        marker = path.with_name(f".{path.name}.kunci")
        while True:
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                break
            except FileExistsError:
                if time.monotonic() > deadline:
                    raise TimeoutError(str(marker)) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            marker.unlink(missing_ok=True)
        return
    while True:
        fd = os.open(path, os.O_RDONLY)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(str(path)) from None
                    time.sleep(0.05)
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                yield
                return
        finally:
            os.close(fd)  # releases the lock


def _with_event(data: dict, event: dict) -> dict:
    expected = dict(data)
    alur = dict(expected.get("alur") or {}) if isinstance(expected.get("alur"), dict) else {}
    old = alur.get("riwayat") if isinstance(alur.get("riwayat"), list) else []
    alur["riwayat"] = [*old, {k: event[k] for k in KEY_ORDER if event.get(k) is not None}]
    expected["alur"] = alur
    return expected
