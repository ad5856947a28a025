"""Files → documents: a strict, safe YAML reader that remembers the line of every value.

Three readers agree on what they accept (property tests hold them to it): a line reader for
records in plain block style (nearly all of them; :mod:`pipeline.read.yamllines`), libyaml's C
composer for other valid YAML,
and an event reader with an explicit stack that names every problem. None recurses in Python,
expands an alias or constructs an arbitrary tag. Plain scalars follow YAML 1.2 rules, stricter
than PyYAML's 1.1: ``01111`` stays the string ``"01111"``, ``no`` stays ``"no"`` and dates
stay strings (the JSON Schemas check their format).

Files are opened without following a symbolic link (``O_NOFOLLOW``): a record that is a link
is refused (``tautan-simbolik``), so nothing outside the catalog is read through one.
"""

from __future__ import annotations

import errno
import os
import re
import stat
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


from . import yamllines
from .yamllines import Path_, resolve_plain
from .yamllines import Unusual as _Unusual

MAX_BYTES = 1024 * 1024
"""A single metadata record is a few kilobytes; anything above 1 MiB is not a record."""
MAX_DEPTH = 32

_STD = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null")}


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


# What XML 1.0 and HTML cannot carry (the portal, the feed, DDI, XLSX): C0 and C1 controls but tab,
# line feed and carriage return, DEL, and noncharacters. libyaml refuses them raw; only a
# double-quoted escape ("\v", "\x00", "\uFFFE", "\N") can write one.
UNWRITABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
    + "]"
)


def _unwritable(char: str, line: int | None) -> LoadError:
    return LoadError(
        "yaml-karakter",
        f"Teks memuat karakter U+{ord(char):04X} (karakter kendali atau bukan-karakter Unicode), yang tidak "
        "dapat ditampilkan portal maupun ditulis ke ekspor XML dan Excel.",
        "Hapus karakter itu (biasanya ikut tersalin dari PDF atau Word); di teks bertanda kutip ganda, "
        "hapus escape seperti \\v, \\0, \\x0b atau \\uFFFE.",
        line,
    )


def _scalar(event: yaml.ScalarEvent) -> Any:
    if event.style == '"' and (bad := UNWRITABLE.search(event.value)):
        raise _unwritable(bad.group(), event.start_mark.line + 1)
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

    Records laid out in plain block style are read line by line (:mod:`.yamllines`). Other
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


def _indented(text: str) -> Document:
    """A record in plain block style, read line by line; raises ``_Unusual`` for anything else."""
    data, lines = yamllines.read(text, MAX_DEPTH)
    return Document(data, lines)


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
    if node.style == '"' and UNWRITABLE.search(value):
        raise _Unusual  # the event reader says where
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
        if key_node.style == '"' and UNWRITABLE.search(key):
            raise _Unusual
        child = path + (key,)
        lines[child] = key_node.start_mark.line + 1
        if value_node.__class__ is _Scalar:
            data[key] = _scalar_node(value_node)
        else:
            data[key] = _build(value_node, child, lines, depth + 1)
    return data


def parse_events(text: str) -> Document:
    """:func:`parse` from libyaml's events, one at a time: slower, but it names every problem."""
    reader = _EventReader()
    try:
        reader.read(_Loader(text).get_event)
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
    except yaml.reader.ReaderError as exc:  # a raw control character: no mark; libyaml's position counts bytes
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        at = text.find(char)  # the reader stops at its first occurrence
        line = text.count("\n", 0, at) + 1 if at >= 0 else None
        if UNWRITABLE.fullmatch(char):
            raise _unwritable(char, line) from None
        raise LoadError("yaml-sintaks", f"YAML tidak dapat dibaca: {exc}.", "Periksa isi berkas.", line) from None
    except yaml.YAMLError as exc:  # e.g. a reader error without a mark
        raise LoadError("yaml-sintaks", f"YAML tidak dapat dibaca: {exc}.", "Periksa isi berkas.") from None
    return Document(reader.root, reader.lines)


class _EventReader:
    """Builds a document from parser events with an explicit stack of open collections, each
    frame ``[container, path, pending key (mappings), keys seen with their lines (mappings)]``."""

    def __init__(self):
        self.lines: dict[Path_, int] = {}
        self.stack: list[list] = []
        self.root: Any = None
        self.documents = 0

    def read(self, get_event) -> None:
        stack = self.stack
        while True:
            event = get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if stack and stack[-1][2] is _NO_KEY and isinstance(stack[-1][0], dict):
                    if (event.tag is not None and event.tag != "!") or event.style == '"':
                        _scalar(event)  # rejects unsupported tags and unwritable text on keys too
                    value = event.value  # keys keep their exact text: `2025:` is the key "2025"
                else:
                    value = _scalar(event)
                self.attach(value, event.start_mark.line + 1)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self.start(event, {} if kind is yaml.MappingStartEvent else [])
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
                return
            elif kind is yaml.DocumentStartEvent:
                self.document(event)

    def start(self, event, container) -> None:
        _check_tag(event)
        if len(self.stack) >= MAX_DEPTH:
            raise _too_deep(event.start_mark.line + 1)
        path = self.attach(container, event.start_mark.line + 1)
        self.stack.append([container, path, _NO_KEY, {}])

    def document(self, event) -> None:
        self.documents += 1
        if self.documents > 1:
            raise LoadError(
                "yaml-banyak-dokumen",
                "Berkas berisi lebih dari satu dokumen YAML (pemisah '---').",
                "Satu berkas hanya untuk satu rekaman; pindahkan rekaman lain ke berkas sendiri.",
                event.start_mark.line + 1,
            )

    def attach(self, value: Any, line: int) -> tuple:
        """Put ``value`` where the document is: the root, the next item, a key or its value."""
        if not self.stack:
            self.root = value
            self.lines[()] = line
            return ()
        frame = self.stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child = path + (len(container),)
            container.append(value)
            self.lines[child] = line
            return child
        if frame[2] is _NO_KEY:
            self.key(frame, value, line)
            return _NO_KEY
        key = frame[2]
        frame[2] = _NO_KEY
        child = path + (key,)
        container[key] = value
        self.lines[child] = frame[3][key]
        return child

    @staticmethod
    def key(frame: list, key: Any, line: int) -> None:
        if isinstance(key, (dict, list)):
            raise LoadError(
                "yaml-kunci-kompleks",
                "Kunci (nama isian) berupa daftar atau objek tidak didukung.",
                "Tulis nama isian sebagai teks biasa sebelum tanda titik dua.",
                line,
            )
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
    try:
        raw = read_bytes(path)
    except OSError as exc:
        raise unreadable(exc) from None
    return parse(decode(raw))


_OPEN = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # a FIFO must not block the reader


def read_bytes(path: str | Path, size: int | None = None) -> bytes:
    """The bytes of the regular file at ``path``, never through a symbolic link (``OSError``
    ELOOP); :class:`LoadError` if it is over :data:`MAX_BYTES`. ``size``, if known from a stat:
    one read of that size (a buffered read up to the limit allocated the whole megabyte each
    time: 22 vs 4 µs), then the rest, up to the limit plus one byte, if the file grew meanwhile."""
    fd = os.open(path, _OPEN)
    try:
        if size is None:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise OSError(errno.EINVAL, "bukan berkas biasa")
            check_size(st.st_size)  # before reading a huge file into memory
            size = st.st_size
        data = os.read(fd, size + 1)
        if len(data) > size:  # it grew since it was listed: read on, up to the limit
            while len(data) <= MAX_BYTES and (more := os.read(fd, MAX_BYTES + 1 - len(data))):
                data += more
        return data
    finally:
        os.close(fd)


def read_later(data: Any, path: str | Path) -> Document:
    """A document whose data is known (e.g. from a cache) and whose lines are read from
    ``path`` only if a finding asks for one."""
    return Document(data, None, lambda: load(path).lines)


def unreadable(exc: OSError) -> LoadError:
    if exc.errno == errno.ELOOP:  # opened with O_NOFOLLOW: the file is a symbolic link
        return link_refused()
    return LoadError("berkas-tidak-terbaca", f"Berkas tidak dapat dibaca: {exc.strerror}.", "Periksa izin berkas.")


def link_refused(target: str | None = None, rel: str | None = None) -> LoadError:
    """A symbolic link ``rel`` where a file or folder of the catalog should be (``target``: where
    it points, as the link says; what it points to is never read)."""
    to = f" ke {target}" if target else ""
    return LoadError(
        "tautan-simbolik",
        f"Ini tautan simbolik (symlink){to}; satudata tidak membaca atau menulis melalui tautan, "
        "karena tautan bisa menunjuk ke luar repositori.",
        "Ganti tautan dengan berkas atau folder sebenarnya (salin isinya ke tempat ini), "
        f"atau hapus tautannya: git rm {rel or '<jalur tautan>'}",
    )
