"""Each activity's workbook (``metadata.xlsx``), cut from the public catalog workbook.

The catalog workbook (``api/katalog.xlsx``) holds every published record's rows under the same help
sheet, header rows, comments and styles that one activity's workbook has. Writing that fixed part again
for each activity made the per-activity workbooks most of a portal build (≈ 54 ms each), so the build
writes the catalog workbook once and :class:`CatalogWorkbook` copies it, keeping in each data sheet only
the rows of one activity's records (renumbered). Each file has the sheets, cells and cell formats of the
workbook the writer gives for those records alone; its style table is the catalog's (the same, or with the
styles of other activities' special cells, such as quoted formula text, as well)."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_ROW = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
_ROW_NUMBER = re.compile(rb'^(<row\b[^>]*?\br=")\d+(")')
_CELL_REF = re.compile(rb'(<c\b[^>]*?\br="[A-Z]+)\d+(")')
STAMP = (2000, 1, 1, 0, 0, 0)  # zip entry dates: the same catalog gives the same bytes


class _Sheet:
    """A worksheet's XML split around its data rows."""

    def __init__(self, xml: bytes, origin: list[str]):
        end = xml.rfind(b"</sheetData>")
        body_start = xml.index(b">", xml.index(b"<sheetData")) + 1 if end >= 0 else len(xml)
        rows = _ROW.findall(xml, body_start, end) if end >= 0 else []  # <sheetData/>: no rows at all
        head = len(rows) - len(origin)
        if head < 0:
            raise ValueError(f"{len(rows)} rows for {len(origin)} records")
        self.before = xml[:body_start] + b"".join(rows[:head])
        self.head = head
        self.rows: dict[str, list[bytes]] = {}  # record → its rows, in the sheet's order
        for ident, row in zip(origin, rows[head:], strict=True):
            self.rows.setdefault(ident, []).append(row)
        self.order = {ident: i for i, ident in enumerate(self.rows)}
        self.after = xml[end:] if end >= 0 else b""

    def cut(self, keep: set[str]) -> bytes:
        out = [self.before]
        number = self.head
        for ident in sorted(keep & self.order.keys(), key=self.order.__getitem__):
            for row in self.rows[ident]:
                number += 1
                n = b"%d" % number
                row = _ROW_NUMBER.sub(rb"\g<1>" + n + rb"\g<2>", row, count=1)
                out.append(_CELL_REF.sub(rb"\g<1>" + n + rb"\g<2>", row))
        out.append(self.after)
        return b"".join(out)


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → its part in the package (``xl/worksheets/sheet2.xml``)."""
    book = ElementTree.fromstring(parts["xl/workbook.xml"])
    rels = ElementTree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        out[sheet.get("name", "")] = path
    return out


class CatalogWorkbook:
    """The catalog workbook's parts, to cut the workbook of a set of records from.

    ``origin`` is the writer's record ident of each data row, per sheet (``Exported.origin``)."""

    def __init__(self, path: Path, origin: dict[str, list[str]]):
        with zipfile.ZipFile(path) as z:
            self.names = z.namelist()
            parts = {name: z.read(name) for name in self.names}
        where = _sheet_parts(parts)
        self.sheets = {where[name]: _Sheet(parts.pop(where[name]), idents) for name, idents in origin.items()}
        # the parts every cut shares (help sheet, styles, comments…), compressed once
        self.packed = {name: _Packed.of(data) for name, data in parts.items()}

    def write(self, out: Path, keep: set[str]) -> None:
        """A workbook at ``out`` holding the rows of the records in ``keep`` (idents) only."""
        entries = [(name, self.packed.get(name) or _Packed.of(self.sheets[name].cut(keep))) for name in self.names]
        out.write_bytes(_zip(entries))


@dataclass(frozen=True)
class _Packed:
    crc: int
    size: int
    data: bytes  # raw deflate

    @classmethod
    def of(cls, data: bytes) -> _Packed:
        z = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        return cls(zlib.crc32(data), len(data), z.compress(data) + z.flush())


_DOS_TIME, _DOS_DATE = 0, (STAMP[0] - 1980) << 9 | STAMP[1] << 5 | STAMP[2]


def _zip(entries: list[tuple[str, _Packed]]) -> bytes:
    """The zip archive :mod:`zipfile` writes for these entries (deflated, fixed dates), byte for byte, from
    parts compressed beforehand (``zipfile`` compresses every part again on each write)."""
    body, directory = [], []
    offset = 0
    for name, p in entries:
        raw = name.encode("utf-8")
        flags = 0x800 if not raw.isascii() else 0
        fields = (20, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, p.crc, len(p.data), p.size, len(raw))
        local = struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0)
        body += (local, raw, p.data)
        made_by, mode = 3 << 8 | 20, 0o600 << 16  # Unix, rw-------: what zipfile writes
        directory.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", made_by, *fields, 0, 0, 0, 0, mode, offset) + raw)
        offset += len(local) + len(raw) + len(p.data)
    listing = b"".join(directory)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(listing), offset, 0)
    return b"".join(body) + listing + end
