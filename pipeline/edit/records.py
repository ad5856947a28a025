"""Records → YAML text: write new record files and update existing ones in place.

Existing files are round-tripped through ruamel.yaml, so comments, quoting, blank lines and
every field the update does not touch stay as they were. Updates are a list of operations
(set a value at a path, delete a path) computed by the caller; keys added to a mapping are
inserted in form order. A comment that sits between two fields belongs to the field *after* it
(a block heading such as ``# Blok II``), so when a field is inserted, replaced or deleted the
comment that followed it is moved along and stays in front of the same next field.

Whatever is written is read back with the strict loader (:mod:`pipeline.loader`) and must equal
the intended data exactly; otherwise :class:`WriteError` is raised and nothing is written.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)
from ruamel.yaml.tokens import CommentToken

from ..codes import SatudataError
from ..read.loader import LoadError, parse, resolve_plain
from .writer import dump, round_trip

# (mapping indent, sequence indent, dash offset): the sample catalog's style first, then PyYAML's
INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 5, 2))
NEW_FILE_INDENT = INDENTS[0]
FOLD_WIDTH = 96  # long prose in new values is folded near this column, like the sample catalog
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_DIGITS = re.compile(r"[0-9]+")
_BREAKS = "\x85\u2028\u2029\ufeff"  # YAML line breaks and the byte-order mark

Op = tuple  # ("set", path, value) | ("del", path)


class WriteError(SatudataError):
    """The YAML text could not be produced faithfully (the caller reports it and writes nothing)."""

    kode = "sunting-gagal"


# --- values → ruamel nodes -----------------------------------------------------------------


def _folded(value: str) -> FoldedScalarString | None:
    """Long prose as a folded block (``>-``) wrapped near :data:`FOLD_WIDTH`, like hand-written files."""
    if len(value) <= FOLD_WIDTH or value != value.strip() or "  " in value or not value.isprintable():
        return None
    folds, start, space = [], 0, None
    for i, ch in enumerate(value):
        if ch == " ":
            space = i
        if i - start >= FOLD_WIDTH and space is not None and space > start:
            folds.append(space)
            start, space = space + 1, None
    if not folds:
        return None
    node = FoldedScalarString(value)
    node.fold_pos = folds
    return node


def _scalar(value: Any, block: bool = True) -> Any:
    """A Python value as a ruamel scalar that the strict loader reads back as the same value."""
    if not isinstance(value, str):
        return value
    if not value.replace("\n", "").isprintable() or any(c in value for c in _BREAKS):
        return DoubleQuotedScalarString(value)  # escapes (\t, \x85, \u2028 …) only survive in double quotes
    if block and "\n" in value:
        return LiteralScalarString(value)  # read back and checked; plain quoting is the fallback
    if block and (folded := _folded(value)) is not None:
        return folded
    if _DATE.fullmatch(value):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            day = None
        if day is not None and day.isoformat() == value:
            return day  # written unquoted like the hand-written files; the loader keeps it as text
    resolved = resolve_plain(value)
    if not (isinstance(resolved, str) and resolved == value) or _DIGITS.fullmatch(value):
        return DoubleQuotedScalarString(value)  # '12', 'true', '~' and codes such as "01111" stay text
    return value


def to_node(value: Any, block: bool = True) -> Any:
    """Plain data (dicts, lists, scalars) → ruamel round-trip containers and styled scalars."""
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = to_node(v, block)
        return node
    if isinstance(value, list):
        seq = CommentedSeq()
        seq.extend(to_node(v, block) for v in value)
        return seq
    return _scalar(value, block)


# --- comments that follow a value ----------------------------------------------------------


def _tail_slot(container, key):
    """Where ruamel keeps the comment that follows ``container[key]``: its deepest last entry."""
    node = container[key]
    while isinstance(node, (CommentedMap, CommentedSeq)) and len(node):
        container = node
        key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        node = node[key]
    return container, key


def _index(container) -> int:
    return 0 if isinstance(container, CommentedSeq) else 2


def _is_block(value) -> bool:
    return isinstance(value, (LiteralScalarString, FoldedScalarString))


def _take_tail(container, key) -> str | None:
    """Remove and return the comment lines that follow ``container[key]``.

    The value's own end-of-line comment stays. The lines come back with their indentation
    written out and without the newline that ends the value's line.
    """
    c, k = _tail_slot(container, key)
    entry = c.ca.items.get(k)
    i = _index(c)
    if not entry or len(entry) <= i or entry[i] is None:
        return None
    token = entry[i]
    value = token.value
    if _is_block(c[k]) or value.startswith("#"):  # after a block scalar the lines start right away
        column = token.start_mark.column if value.startswith("#") and token.start_mark is not None else 0
        entry[i] = None
        return " " * column + value
    cut = value.find("\n")
    eol, rest = (value, "") if cut < 0 else (value[:cut], value[cut + 1 :])
    if eol.strip():  # an end-of-line comment stays with its own value
        token.value = eol + "\n"
    else:
        entry[i] = None
    return rest or None


def _put_tail(container, key, text: str | None) -> None:
    """Attach comment lines (from :func:`_take_tail`) after ``container[key]``."""
    if not text:
        return
    c, k = _tail_slot(container, key)
    i = _index(c)
    entry = c.ca.items.setdefault(k, [None, None, None, None])
    while len(entry) < 4:
        entry.append(None)
    old = entry[i]
    if old is not None and old.value.strip():
        old.value = old.value.rstrip("\n") + "\n" + text  # after an end-of-line comment already there
        return
    if _is_block(c[k]):
        stripped = text.lstrip(" ")
        column = len(text) - len(stripped) if stripped.startswith("#") else 0
        entry[i] = CommentToken(stripped if stripped.startswith("#") else text, CommentMark(column))
    else:
        entry[i] = CommentToken("\n" + text, CommentMark(0))


# --- operations on the ruamel tree ---------------------------------------------------------


def _position(mapping: CommentedMap, key: str, order: Sequence[str]) -> int:
    """Insertion index for ``key``: after the last present key that comes before it in form order."""
    if key not in order:
        return len(mapping)
    rank = order.index(key)
    keys = list(mapping)
    pos = 0
    for i, k in enumerate(keys):
        if k in order and order.index(k) < rank:
            pos = i + 1
    return pos


def _styled_like(node: Any, like: Any) -> None:
    """Give ``node`` the flow style (``[a, b]``) that ``like`` has, where both have that shape.

    The file's own style wins: a list written ``peran: [opd]`` stays on one line when it is replaced,
    and a new entry beside such entries is written the same way. Only lists of one-line scalars."""
    if isinstance(node, CommentedSeq) and isinstance(like, CommentedSeq):
        if like.fa.flow_style() and all(isinstance(v, (str, int, float)) and "\n" not in str(v) for v in node):
            node.fa.set_flow_style()
    elif isinstance(node, CommentedMap) and isinstance(like, CommentedMap):
        for key in node:
            if key in like:
                _styled_like(node[key], like[key])


def _set(tree: CommentedMap, path: tuple, value: Any, order: Callable[[tuple], Sequence[str]], block: bool) -> None:
    parent = tree
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    node = to_node(value, block)
    if key in parent:
        _styled_like(node, parent[key])
        tail = _take_tail(parent, key)
        parent[key] = node
        _put_tail(parent, key, tail)
        return
    pos = _position(parent, key, order(path[:-1]))
    keys = list(parent)
    if keys:
        _styled_like(node, parent[keys[pos - 1] if pos > 0 else keys[0]])  # like its neighbour
    tail = _take_tail(parent, keys[pos - 1]) if pos > 0 else None
    parent.insert(pos, key, node)
    _put_tail(parent, key, tail)


def _delete(tree: CommentedMap, path: tuple) -> None:
    parent = tree
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    keys = list(parent)
    pos = keys.index(key)
    tail = _take_tail(parent, key)
    if pos > 0:
        _take_tail(parent, keys[pos - 1])  # the heading in front of the deleted field goes with it
    del parent[key]
    parent.ca.items.pop(key, None)
    if pos > 0:
        _put_tail(parent, keys[pos - 1], tail)
    elif tail and tail.strip() and len(parent):
        lines = tail.rstrip("\n").split("\n")
        indent = next((len(ln) - len(ln.lstrip(" ")) for ln in lines if ln.strip()), 0)
        text = "\n".join(ln.strip()[1:].strip() if ln.strip().startswith("#") else "" for ln in lines)
        parent.yaml_set_comment_before_after_key(list(parent)[0], before=text, indent=indent)


# --- whole files ----------------------------------------------------------------------------


def _verify(text: str, expected: dict) -> None:
    try:
        data = parse(text).data
    except LoadError as exc:
        raise WriteError(f"hasil penulisan tidak dapat dibaca ulang: {exc.pesan}") from None
    if not same(data, expected):
        raise WriteError("hasil penulisan tidak sama dengan data yang dimaksud")


def same(a: Any, b: Any) -> bool:
    """Deep equality that tells 1 from True and '1' from 1 (but not 5 from 5.0)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def new_text(data: dict) -> str:
    """The YAML text of a new record file (keys in the order given)."""
    for block in (True, False):
        text = dump(round_trip(NEW_FILE_INDENT), to_node(data, block))
        try:
            _verify(text, data)
        except WriteError:
            if block:
                continue
            raise
        return text
    raise AssertionError("unreachable")  # pragma: no cover


def _style(text: str):
    """The indentation and document-start style that reproduces ``text`` exactly, if any does."""
    start = text.lstrip().startswith("---")
    best = None
    for indent in INDENTS:
        y = round_trip(indent, start)
        try:
            out = dump(y, y.load(text))
        except YAMLError:
            break
        if out == text:
            return indent, start
        score = sum(a != b for a, b in zip(out.splitlines(), text.splitlines(), strict=False))
        if best is None or score < best[0]:
            best = (score, indent)
    return (best[1] if best else NEW_FILE_INDENT), start


def updated_text(text: str, ops: list[Op], expected: dict, order: Callable[[tuple], Sequence[str]]) -> str:
    """``text`` with ``ops`` applied; comments and untouched values are kept.

    ``order(path)`` gives the form order of the keys of the mapping at ``path``.
    """
    crlf = "\r\n" in text
    if crlf:
        text = text.replace("\r\n", "\n")
    indent, start = _style(text)
    for block in (True, False):
        y = round_trip(indent, start)
        try:
            tree = y.load(text)
        except YAMLError as exc:
            raise WriteError(f"berkas tidak dapat dibaca ruamel.yaml: {exc}") from None
        if not isinstance(tree, CommentedMap):
            raise WriteError("isi berkas bukan kumpulan isian")
        for op in ops:
            if op[0] == "set":
                _set(tree, op[1], op[2], order, block)
            else:
                _delete(tree, op[1])
        out = dump(y, tree)
        try:
            _verify(out, expected)
        except WriteError:
            if block:
                continue
            raise
        return out.replace("\n", "\r\n") if crlf else out
    raise AssertionError("unreachable")  # pragma: no cover
