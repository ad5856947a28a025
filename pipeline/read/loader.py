"""Files → documents: a strict, safe YAML reader that remembers the line of every value.

Three readers agree on what they accept (property tests hold them to it): a line reader for
records in plain block style (nearly all of them), libyaml's C composer for other valid YAML,
and an event reader with an explicit stack that names every problem. None recurses in Python,
expands an alias or constructs an arbitrary tag. Plain scalars follow YAML 1.2 rules, stricter
than PyYAML's 1.1: ``01111`` stays the string ``"01111"``, ``no`` stays ``"no"`` and dates
stay strings (the JSON Schemas check their format).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..codes import SatudataError

try:  # libyaml is the fast path; the pure-Python parser gives the same events
    from yaml import CSafeLoader as _Loader
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _CParser(Reader, Scanner, Parser, Composer):
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


MAX_BYTES = 1024 * 1024
"""A single metadata record is a few kilobytes; anything above 1 MiB is not a record."""
MAX_DEPTH = 32

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9]*)?\.[0-9]+([eE][-+]?[0-9]+)?|[-+]?(0|[1-9][0-9]*)[eE][-+]?[0-9]+")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NOT_TEXT = frozenset("0123456789+-.~nNtTfF")  # first characters of plain scalars that may not be text
_STD = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null")}

Path_ = tuple  # a location inside a document: keys and list indices


class LoadError(SatudataError):
    """A file that cannot be read as a metadata record, with a message for the person who wrote it."""

    def __init__(self, kode: str, pesan: str, saran: str, baris: int | None = None):
        super().__init__(pesan, saran, kode=kode)
        self.baris = baris


@dataclass
class Document:
    """Parsed YAML data plus the 1-based line of every key and item. The lines may be worked
    out only when first asked for (``relines``): most records have no finding to place."""

    data: Any
    lines: dict[Path_, int] | None = field(default_factory=dict)
    relines: Callable[[], dict[Path_, int]] | None = field(default=None, compare=False, repr=False)

    def line(self, path: Path_) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        if self.lines is None:
            try:
                self.lines = self.relines() if self.relines is not None else {}
            except LoadError:  # the file changed underneath since it was checked
                self.lines = {}
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


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


def _scalar(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        return resolve_plain(event.value) if event.implicit[0] else event.value
    if tag == _STD + "str":
        return event.value
    if tag in _PLAIN_TAGS:
        return resolve_plain(event.value)
    raise LoadError(
        "yaml-tag",
        f"Tag YAML '{tag}' tidak didukung.",
        "Hapus tag tersebut; tulis nilainya sebagai teks atau angka biasa.",
        event.start_mark.line + 1,
    )


def _where(mark) -> int | None:
    return mark.line + 1 if mark is not None else None


def parse(text: str) -> Document:
    """Parse one YAML document. Raises :class:`LoadError` with a line number on any problem.

    Records laid out in plain block style are read line by line (:func:`_indented`). Other
    documents are composed by libyaml in C; walking its node graph costs far less than handling
    each event in Python. Anything unusual (an alias, a tag, a duplicate or merge key, deep
    nesting, a syntax error) is handed to the event reader, which says precisely what and where."""
    try:
        return _indented(text)
    except _Unusual:
        pass
    if sum(map(text.count, "[{-:?")) > _C_DEPTH:  # libyaml's composer recurses in C: bound it
        return parse_events(text)
    try:
        return _compose(text)
    except (_Unusual, yaml.YAMLError):
        return parse_events(text)


# Every level of nesting starts a collection, which takes one of '[{-:?'; so a text with fewer
# of them than this cannot nest deeper (≈ 12,000 levels overflow an 8 MiB C stack).
_C_DEPTH = 2000


class _Unusual(Exception):
    """The fast path met something the event reader must judge."""


_PLAIN = "plain"  # the tag given to untagged plain scalars: they may be numbers, booleans, null


class _Composer(_CParser):
    def resolve(self, kind, value, implicit):
        return _PLAIN if kind is yaml.ScalarNode and implicit[0] else None

    def descend_resolver(self, parent, index):
        pass

    def ascend_resolver(self):
        pass


def _compose(text: str) -> Document:
    if "&" in text:  # an anchor, perhaps for an alias: the composer would share the node silently
        raise _Unusual
    node = _Composer(text).get_single_node()
    lines: dict[Path_, int] = {}
    if node is None:
        return Document(None, lines)
    lines[()] = node.start_mark.line + 1
    if node.__class__ is yaml.ScalarNode:
        return Document(_scalar_node(node), lines)
    return Document(_build(node, (), lines, 0), lines)


_Scalar = yaml.ScalarNode


def _scalar_node(node) -> Any:
    value = node.value
    if node.tag is _PLAIN:
        return resolve_plain(value)
    if node.tag is None:  # quoted, or the non-specific tag '!'
        return value
    raise _Unusual


def _build(node, path: Path_, lines: dict, depth: int) -> Any:
    """Data and lines of a collection node; scalars are read in place (most nodes are)."""
    if node.tag is not None or depth >= MAX_DEPTH:
        raise _Unusual
    if node.__class__ is yaml.SequenceNode:
        out: list = []
        for item in node.value:
            child = path + (len(out),)
            lines[child] = item.start_mark.line + 1
            out.append(_scalar_node(item) if item.__class__ is _Scalar else _build(item, child, lines, depth + 1))
        return out
    data: dict = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key_node.__class__ is not _Scalar or key_node.tag not in (_PLAIN, None) or key in data or key == "<<":
            raise _Unusual
        child = path + (key,)
        lines[child] = key_node.start_mark.line + 1
        if value_node.__class__ is _Scalar:
            data[key] = _scalar_node(value_node)
        else:
            data[key] = _build(value_node, child, lines, depth + 1)
    return data


# --- records in block style, read line by line ----------------------------------------------

# Characters YAML reads as printable text and nothing else (no tab, CR, NEL, LS, PS or BOM)
_SAFE_TEXT = re.compile(r"[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +|$)")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_BLOCK = {">": (" ", "\n"), ">-": (" ", ""), "|": ("\n", "\n"), "|-": ("\n", "")}  # joiner, end


def _plain(text: str) -> str:
    """Plain text that cannot be mistaken for YAML structure; anything else is unusual."""
    if text[0] in _INDICATORS or ": " in text or text[-1] == ":" or " #" in text:
        raise _Unusual
    return text


def _quoted(value: str) -> str:
    """A one-line quoted value without escapes."""
    inner = value[1:-1]
    if len(value) < 2 or value[-1] != value[0] or value[0] == "'" and "'" in inner.replace("''", ""):
        raise _Unusual
    if value[0] == "'":
        return inner.replace("''", "'")
    if '"' in inner or "\\" in inner:
        raise _Unusual
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

    def close(self, total: int) -> None:
        if self.block is None:
            self.container[self.key] = resolve_plain(" ".join(self.parts))
        elif not self.parts:  # an empty block: rare enough to leave to libyaml
            raise _Unusual
        else:  # clipped blocks end with the break of their last line, if it has one
            self.container[self.key] = self.block[0].join(self.parts) + (self.block[1] if self.last < total else "")


def _indented(text: str) -> Document:
    """Records as people and our writers lay them out: block mappings and sequences, one-line
    values (plain, or quoted without escapes), plain text folded over indented lines and simple
    block text (``>``, ``>-``, ``|``, ``|-``). Anything else raises :class:`_Unusual`, for
    libyaml to read; a property test keeps this reader in agreement with the event reader."""
    if not _SAFE_TEXT.fullmatch(text):
        raise _Unusual
    rows = text.split("\n")
    total = len(rows)
    lines: dict[Path_, int] = {}
    stack: list[_Frame] = []
    pending: tuple[_Frame, str] | None = None  # a key whose value starts on a later line
    open_text: _Text | None = None
    plain: tuple | None = None  # a one-line plain value that may go on: (owner, container, key, text)
    started = False

    def key_line(frame: _Frame, depth: int, content: str, number: int) -> None:
        nonlocal pending, open_text, plain
        match = _KEY.match(content)
        if match is None or frame.indent != depth or match[1] in frame.container:
            raise _Unusual
        key = match[1]
        lines[frame.path + (key,)] = number
        value = content[match.end() :]
        frame.container[key] = None
        if not value:
            pending = (frame, key)
        elif value in _BLOCK:
            open_text = _Text(depth, frame.container, key, [], _BLOCK[value])
        elif value[0] in "\"'":
            frame.container[key] = _quoted(value)
        else:
            frame.container[key] = resolve_plain(_plain(value))
            plain = (depth, frame.container, key, value)

    for number, line in enumerate(rows, 1):
        content = line.lstrip(" ")
        depth = len(line) - len(content)
        if open_text is not None and open_text.block is not None:
            block = open_text
            if content and depth > block.owner and (depth == block.indent or not block.indent):
                block.indent = depth
                block.last = number
                block.parts.append(line[depth:])  # trailing spaces belong to the text
                continue
            if not block.parts or depth > block.indent or block.owner < depth < block.indent:
                raise _Unusual  # empty, more indented or oddly indented: libyaml's to judge
        content = content.rstrip(" ")
        if not content or content[0] == "#":  # blank or comment: text cannot go on after it
            if open_text is not None:
                open_text.close(total)
                open_text = None
            plain = None
            continue
        if plain is not None:
            if depth > plain[0]:  # the plain value goes on over this line
                open_text = _Text(plain[0], plain[1], plain[2], [plain[3], _plain(content)])
                plain = None
                continue
            plain = None
        if open_text is not None:
            if depth > open_text.owner and open_text.block is None:  # plain text goes on
                open_text.parts.append(_plain(content))
                continue
            open_text.close(total)
            open_text = None
        if len(stack) >= MAX_DEPTH:
            raise _Unusual
        if content == "---" and not started:
            started = True
            continue
        started = True
        item = content[:2] == "- " or content == "-"
        if pending is not None:
            frame, key = pending
            pending = None
            if item and depth >= frame.indent or not item and depth > frame.indent:
                if item:
                    child = _Frame(depth, [], frame.path + (key,))
                elif _KEY.match(content):
                    child = _Frame(depth, {}, frame.path + (key,))
                else:  # the value is text starting on this line
                    open_text = _Text(frame.indent, frame.container, key, [_plain(content)])
                    continue
                frame.container[key] = child.container
                stack.append(child)
        if not stack:  # the document's first line: a mapping at the margin
            if item or depth:
                raise _Unusual
            stack.append(_Frame(0, {}, ()))
            lines[()] = number
        while stack[-1].indent > depth or not item and stack[-1].indent == depth and type(stack[-1].container) is list:
            stack.pop()
            if not stack:
                raise _Unusual
        frame = stack[-1]
        if not item:
            if type(frame.container) is not dict:
                raise _Unusual
            key_line(frame, depth, content, number)
            continue
        if type(frame.container) is not list or frame.indent != depth:
            raise _Unusual
        value = content[2:].lstrip(" ")
        if not value or value in _BLOCK or value[:2] == "- " or value == "-":
            raise _Unusual
        path = frame.path + (len(frame.container),)
        lines[path] = number
        if _KEY.match(value):  # a mapping starts on the dash's line
            child = _Frame(len(line) - len(value), {}, path)
            frame.container.append(child.container)
            stack.append(child)
            key_line(child, child.indent, value, number)
        else:
            frame.container.append(_scalar_text(value))
    if open_text is not None:
        open_text.close(total)
    if started and not stack:  # '---' and nothing else
        raise _Unusual
    return Document(stack[0].container if stack else None, lines)


def parse_events(text: str) -> Document:
    """:func:`parse` from libyaml's events, one at a time: slower, but it names every problem."""
    lines: dict[Path_, int] = {}
    # Each frame: [container, path, pending_key (mappings), keys_seen (mappings)]
    stack: list[list] = []
    root: Any = None
    documents = 0

    def attach(value: Any, line: int) -> tuple:
        nonlocal root
        if not stack:
            root = value
            lines[()] = line
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child = path + (len(container),)
            container.append(value)
            lines[child] = line
            return child
        if frame[2] is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise LoadError(
                    "yaml-kunci-kompleks",
                    "Kunci (nama isian) berupa daftar atau objek tidak didukung.",
                    "Tulis nama isian sebagai teks biasa sebelum tanda titik dua.",
                    line,
                )
            key = value
            if key in frame[3]:
                raise LoadError(
                    "yaml-kunci-ganda",
                    f"Isian '{key}' ditulis dua kali (pertama di baris {frame[3][key]}).",
                    "Hapus salah satu; YAML hanya menyimpan satu nilai per isian.",
                    line,
                )
            if key == "<<":
                raise LoadError(
                    "yaml-gabung",
                    "Kunci gabungan YAML '<<' tidak didukung.",
                    "Tulis setiap isian secara lengkap.",
                    line,
                )
            frame[3][key] = line
            frame[2] = key
            return _NO_KEY
        key = frame[2]
        frame[2] = _NO_KEY
        child = path + (key,)
        container[key] = value
        lines[child] = frame[3][key]
        return child

    try:
        get_event = _Loader(text).get_event
        while True:
            event = get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if stack and stack[-1][2] is _NO_KEY and isinstance(stack[-1][0], dict):
                    if event.tag is not None and event.tag != "!":
                        _scalar(event)  # rejects unsupported tags on keys too
                    value = event.value  # keys keep their exact text: `2025:` is the key "2025"
                else:
                    value = _scalar(event)
                attach(value, event.start_mark.line + 1)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                _check_tag(event)
                if len(stack) >= MAX_DEPTH:
                    raise _too_deep(event.start_mark.line + 1)
                container: Any = {} if kind is yaml.MappingStartEvent else []
                path = attach(container, event.start_mark.line + 1)
                stack.append([container, path, _NO_KEY, {}])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
            elif kind is yaml.AliasEvent:
                raise LoadError(
                    "yaml-alias",
                    f"Alias YAML '*{event.anchor}' tidak didukung.",
                    "Salin nilainya secara lengkap di tempat ini; alias (& dan *) tidak diizinkan.",
                    event.start_mark.line + 1,
                )
            elif kind is yaml.StreamEndEvent or event is None:
                break
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise LoadError(
                        "yaml-banyak-dokumen",
                        "Berkas berisi lebih dari satu dokumen YAML (pemisah '---').",
                        "Satu berkas hanya untuk satu rekaman; pindahkan rekaman lain ke berkas sendiri.",
                        event.start_mark.line + 1,
                    )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if (exc.problem or "").startswith("exceeded maximum nesting depth"):  # libyaml's own limit
            raise _too_deep(_where(mark)) from None
        raise LoadError(
            "yaml-sintaks",
            f"YAML tidak dapat dibaca: {_problem(exc.problem or exc.context)}.",
            "Periksa indentasi (gunakan spasi, bukan tab), tanda titik dua setelah nama isian, "
            "dan tanda kutip yang belum ditutup di sekitar baris ini.",
            _where(mark),
        ) from None
    except yaml.YAMLError as exc:  # e.g. a reader error without a mark
        raise LoadError("yaml-sintaks", f"YAML tidak dapat dibaca: {exc}.", "Periksa isi berkas.") from None
    return Document(root, lines)


_NO_KEY = object()


def _too_deep(line: int | None) -> LoadError:
    return LoadError(
        "yaml-terlalu-dalam",
        f"Struktur bersarang lebih dari {MAX_DEPTH} tingkat.",
        "Periksa tanda kurung atau indentasi; rekaman metadata tidak sedalam ini.",
        line,
    )


# libyaml's problems, in words an OPD operator can act on
_PROBLEMS = {
    "found character that cannot start any token": "ada karakter yang tidak boleh mengawali nilai (misalnya tab, '@' atau '`')",
    "mapping values are not allowed": "ada tanda titik dua (:) di tempat yang salah; beri tanda kutip pada teks yang memuat ': '",
    "did not find expected key": "indentasi tidak konsisten dengan baris sebelumnya",
    "did not find expected node content": "nilai tidak ditemukan; mungkin kurung atau tanda kutip tidak lengkap",
    "could not find expected ':'": "tanda titik dua (:) setelah nama isian tidak ditemukan",
    "found unexpected end of stream": "berkas berakhir sebelum tanda kutip atau kurung ditutup",
    "did not find expected '-' indicator": "indentasi butir daftar ('- ') tidak konsisten",
    "found a tab character that violates indentation": "indentasi memakai karakter tab",
}


def _problem(text: str | None) -> str:
    text = text or "struktur tidak dikenali"
    for english, indonesian in _PROBLEMS.items():
        if text.startswith(english):
            return indonesian
    return text


def _check_tag(event) -> None:
    if event.tag not in (None, "!", _STD + "map", _STD + "seq"):
        raise LoadError(
            "yaml-tag",
            f"Tag YAML '{event.tag}' tidak didukung.",
            "Hapus tag tersebut.",
            event.start_mark.line + 1,
        )


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise LoadError(
            "berkas-terlalu-besar",
            f"Berkas berukuran {size:,} byte, melebihi batas {MAX_BYTES:,} byte.".replace(",", "."),
            "Satu berkas hanya memuat satu rekaman metadata; pecah atau periksa isinya.",
        )


_UNICODE_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def _wide_encoding(raw: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when the bytes are text in one of them (with or without a byte-order mark)."""
    candidates = [name for bom, name in _UNICODE_BOMS if raw.startswith(bom)][:1]
    if not candidates and len(raw) >= 4 and raw[:4096].count(0) * 3 >= len(raw[:4096]):
        candidates = ["UTF-32", "UTF-16"]  # ASCII text in a wide encoding: every other (or 3 in 4) byte is 0
    for name in candidates:
        for codec in {"UTF-16": ("utf-16", "utf-16-le", "utf-16-be"), "UTF-32": ("utf-32", "utf-32-le", "utf-32-be")}[
            name
        ]:
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError:
                continue
            if all(c.isprintable() or c in "\r\n\t\ufeff" for c in text):
                return name
    return None


def decode(raw: bytes) -> str:
    """Bytes → text, rejecting oversized or binary data and anything that is not UTF-8 (naming
    the encoding when it is another Unicode one, as Notepad's 'Unicode' is UTF-16)."""
    check_size(len(raw))
    wide = _wide_encoding(raw)
    if wide is not None:
        raise LoadError(
            "berkas-bukan-utf8",
            f"Berkas disimpan sebagai {wide} ('Unicode'), bukan UTF-8.",
            "Simpan sebagai UTF-8: di Notepad pilih File → Save As → Encoding: UTF-8; di editor lain pilih "
            "encoding UTF-8 saat menyimpan.",
        )
    if b"\x00" in raw:
        raise LoadError(
            "berkas-biner",
            "Berkas berisi data biner, bukan teks YAML.",
            "Simpan rekaman sebagai teks YAML (.yaml); lampiran biner tidak disimpan di metadata/.",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise LoadError(
            "berkas-bukan-utf8",
            "Berkas bukan teks UTF-8 (mungkin disimpan sebagai ANSI/Windows-1252).",
            "Simpan sebagai UTF-8: di Notepad pilih File → Save As → Encoding: UTF-8.",
            line,
        ) from None


def load(path: str | Path) -> Document:
    """Read and parse one YAML file. Raises :class:`LoadError`."""
    path = Path(path)
    try:
        check_size(path.stat().st_size)  # before reading a huge file into memory
        raw = path.read_bytes()
    except OSError as exc:
        raise unreadable(exc) from None
    return parse(decode(raw))


def read_later(data: Any, path: str | Path) -> Document:
    """A document whose data is known (e.g. from a cache) and whose lines are read from
    ``path`` only if a finding asks for one."""
    return Document(data, None, lambda: load(path).lines)


def unreadable(exc: OSError) -> LoadError:
    return LoadError("berkas-tidak-terbaca", f"Berkas tidak dapat dibaca: {exc.strerror}.", "Periksa izin berkas.")
