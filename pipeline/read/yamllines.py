"""Text → data and lines, for YAML records in plain block style, read line by line.

Nearly every record is laid out as people and our writers lay it out: block mappings and
sequences, one-line values (plain, or quoted without escapes), plain text folded over indented
lines and simple block text (``>``, ``>-``, ``|``, ``|-``). :func:`read` takes exactly that and
raises :class:`Unusual` on anything else (flow collections, anchors, tags, escapes, odd
indentation), which :mod:`pipeline.read.loader` then hands to libyaml. Property tests in
``tests/test_loader.py`` hold this reader to the event reader: what it accepts, it reads the
same, line numbers included.

Plain scalars follow the YAML 1.2 core schema (:func:`resolve_plain`), as the other readers do.
"""

from __future__ import annotations

import re
from typing import Any

Path_ = tuple  # a location inside a document: keys and list indices

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9]*)?\.[0-9]+([eE][-+]?[0-9]+)?|[-+]?(0|[1-9][0-9]*)[eE][-+]?[0-9]+")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NOT_TEXT = frozenset("0123456789+-.~nNtTfF")  # first characters of plain scalars that may not be text


def resolve_plain(text: str) -> Any:
    """YAML 1.2 core-schema resolution of a plain scalar, keeping leading-zero codes as text."""
    if text and text[0] not in _NOT_TEXT:  # the common case: it cannot be anything but text
        return text
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


class Unusual(Exception):
    """The text is not in the plain block style this reader takes; another reader must judge it."""


# Characters YAML reads as printable text and nothing else (no tab, CR, NEL, LS, PS or BOM)
_SAFE_TEXT = re.compile(r"[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +|$)")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_BLOCK = {">": (" ", "\n"), ">-": (" ", ""), "|": ("\n", "\n"), "|-": ("\n", "")}  # joiner, end


def _plain(text: str) -> str:
    """Plain text that cannot be mistaken for YAML structure; anything else is unusual."""
    if text[0] in _INDICATORS or ": " in text or text[-1] == ":" or " #" in text:
        raise Unusual
    return text


def _quoted(value: str) -> str:
    """A one-line quoted value without escapes."""
    inner = value[1:-1]
    if len(value) < 2 or value[-1] != value[0] or value[0] == "'" and "'" in inner.replace("''", ""):
        raise Unusual
    if value[0] == "'":
        return inner.replace("''", "'")
    if '"' in inner or "\\" in inner:
        raise Unusual
    return inner


def _scalar_text(value: str) -> Any:
    return _quoted(value) if value[0] in "\"'" else resolve_plain(_plain(value))


class _Frame:
    """An open mapping (its keys start at ``indent``) or sequence (its dashes do)."""

    __slots__ = ("indent", "container", "path")

    def __init__(self, indent: int, container, path: Path_):
        self.indent, self.container, self.path = indent, container, path


class _Text:
    """Text still being read: plain text folded over lines, or a block scalar (``>``, ``|``)."""

    __slots__ = ("owner", "container", "key", "parts", "block", "indent", "last")

    def __init__(self, owner: int, container: dict, key: str, parts: list, block=None):
        self.owner, self.container, self.key, self.parts, self.block = owner, container, key, parts, block
        self.indent = self.last = 0

    def ends(self, depth: int) -> None:
        """A line that does not go on the block (``depth``: its indentation) ends it, unless it
        cannot: then the text is unusual."""
        if not self.parts or depth > self.indent or self.owner < depth < self.indent:
            raise Unusual  # empty, more indented or oddly indented: libyaml's to judge

    def close(self, total: int) -> None:
        if self.block is None:
            self.container[self.key] = resolve_plain(" ".join(self.parts))
        elif not self.parts:  # an empty block: rare enough to leave to libyaml
            raise Unusual
        else:  # clipped blocks end with the break of their last line, if it has one
            self.container[self.key] = self.block[0].join(self.parts) + (self.block[1] if self.last < total else "")


class _Reader:
    """The state of one document being read, fed one line at a time."""

    __slots__ = ("total", "max_depth", "lines", "stack", "pending", "text", "plain", "started")

    def __init__(self, total: int, max_depth: int):
        self.total = total
        self.max_depth = max_depth
        self.lines: dict[Path_, int] = {}
        self.stack: list[_Frame] = []
        self.pending: tuple[_Frame, str] | None = None  # a key whose value starts on a later line
        self.text: _Text | None = None
        self.plain: tuple | None = None  # a one-line plain value that may go on: (owner, container, key, text)
        self.started = False

    def read(self, rows: list[str]) -> None:
        stack, max_depth, started = self.stack, self.max_depth, False
        for number, line in enumerate(rows, 1):
            content = line.lstrip(" ")
            depth = len(line) - len(content)
            text = self.text
            if text is not None and text.block is not None:
                if content and depth > text.owner and (depth == text.indent or not text.indent):
                    text.indent = depth  # the block goes on
                    text.last = number
                    text.parts.append(line[depth:])  # trailing spaces belong to the text
                    continue
                text.ends(depth)
            content = content.rstrip(" ")
            if not content or content[0] == "#":  # blank or comment: text cannot go on after it
                if text is not None:
                    self._close_text()
                self.plain = None
                continue
            plain = self.plain
            if plain is not None:
                self.plain = None
                if depth > plain[0]:  # the one-line plain value goes on over this line
                    self.text = _Text(plain[0], plain[1], plain[2], [plain[3], _plain(content)])
                    continue
            if text is not None:
                if depth > text.owner and text.block is None:  # plain text goes on
                    text.parts.append(_plain(content))
                    continue
                self._close_text()
            if len(stack) >= max_depth:
                raise Unusual
            if content == "---" and not started and depth == 0:  # a marker only at column 0
                started = True
                continue
            started = True
            item = content[:2] == "- " or content == "-"
            if self.pending is not None and self._value_starts(content, depth, item):
                continue
            top = stack[-1] if stack else None
            if top is not None and top.indent == depth and (type(top.container) is list) is item:
                frame = top  # the line goes on the collection it is in (most lines)
            else:
                frame = self._frame_at(depth, item, number)
            if item:
                frame = self._item(frame, line, content, depth, number)
                if frame is None:  # a scalar item
                    continue
                content, depth = content[2:].lstrip(" "), frame.indent
            # a key line (its own, or the first of a mapping that starts on a dash's line)
            container = frame.container
            match = _KEY.match(content)
            if type(container) is not dict or match is None or frame.indent != depth or match[1] in container:
                raise Unusual
            key = match[1]
            self.lines[frame.path + (key,)] = number
            value = content[match.end() :]
            if not value:
                container[key] = None
                self.pending = (frame, key)
            elif value in _BLOCK:
                container[key] = None
                self.text = _Text(depth, container, key, [], _BLOCK[value])
            elif value[0] in "\"'":
                container[key] = _quoted(value)
            else:
                container[key] = resolve_plain(_plain(value))
                self.plain = (depth, container, key, value)
        self.started = started

    def finish(self) -> tuple[Any, dict[Path_, int]]:
        self._close_text()
        if self.started and not self.stack:  # '---' and nothing else
            raise Unusual
        return (self.stack[0].container if self.stack else None), self.lines

    def _close_text(self) -> None:
        if self.text is not None:
            self.text.close(self.total)
            self.text = None

    def _value_starts(self, content: str, depth: int, item: bool) -> bool:
        """The line after ``key:`` with nothing after it: a nested collection starts here (its
        frame is opened) or text that goes on over lines (then the line is taken)."""
        frame, key = self.pending
        self.pending = None
        if not (item and depth >= frame.indent or not item and depth > frame.indent):
            return False  # the key's value stays empty
        if item:
            child = _Frame(depth, [], frame.path + (key,))
        elif _KEY.match(content):
            child = _Frame(depth, {}, frame.path + (key,))
        else:  # the value is text starting on this line
            self.text = _Text(frame.indent, frame.container, key, [_plain(content)])
            return True
        frame.container[key] = child.container
        self.stack.append(child)
        return False

    def _frame_at(self, depth: int, item: bool, number: int) -> _Frame:
        """The open collection a line at ``depth`` belongs to, closing those it ends."""
        stack = self.stack
        if not stack:  # the document's first line: a mapping at the margin
            if item or depth:
                raise Unusual
            stack.append(_Frame(0, {}, ()))
            self.lines[()] = number
        while stack[-1].indent > depth or not item and stack[-1].indent == depth and type(stack[-1].container) is list:
            stack.pop()
            if not stack:
                raise Unusual
        return stack[-1]

    def _item(self, frame: _Frame, line: str, content: str, depth: int, number: int) -> _Frame | None:
        """``- value`` in the sequence ``frame``; or ``- key: value``, a mapping starting on the
        dash's line: then its frame, for the key to be read into."""
        if type(frame.container) is not list or frame.indent != depth:
            raise Unusual
        value = content[2:].lstrip(" ")
        if not value or value in _BLOCK or value[:2] == "- " or value == "-":
            raise Unusual
        path = frame.path + (len(frame.container),)
        self.lines[path] = number
        if not _KEY.match(value):
            frame.container.append(_scalar_text(value))
            return None
        child = _Frame(len(line) - len(value), {}, path)
        frame.container.append(child.container)
        self.stack.append(child)
        return child


def read(text: str, max_depth: int) -> tuple[Any, dict[Path_, int]]:
    """The data of ``text`` and the 1-based line of every key and item; raises :class:`Unusual`
    for anything but plain block style, or nesting ``max_depth`` deep."""
    if not _SAFE_TEXT.fullmatch(text):
        raise Unusual
    rows = text.split("\n")
    reader = _Reader(len(rows), max_depth)
    reader.read(rows)
    return reader.finish()
