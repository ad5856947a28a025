"""A workbook file → rows per record, with findings for everything structural (not cell values).

Sheets are matched to the layout by name and columns by the machine key in row 2, so columns may
be moved, hidden or deleted; unknown sheets and columns with data are reported, never ignored.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..codes import GALAT, Finding
from ..layout import suggest_name
from .cells import CellError, convert, read_content, short
from .layout import FIRST_ROW, HELP_SHEET, ID_INFO, ID_PATTERNS, LISTS_SHEET, RECORD_IDS, Column, Layout, Sheet

MAX_ROWS = 100_000
MAX_CELLS = 5_000_000  # in one sheet: a catalog of 10,000 activities is about 1.5 million
MAX_BYTES = 50 * 1024 * 1024  # the .xlsx file
MAX_UNPACKED = 512 * 1024 * 1024  # its parts unpacked (an .xlsx is a zip: 50 MB can hold gigabytes)
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class CellRef:
    sheet: str
    row: int
    column: int

    @property
    def letter(self) -> str:
        return get_column_letter(self.column)

    @property
    def ref(self) -> str:
        return f"{self.letter}{self.row}"


@dataclass
class Row:
    """One data row: the content and cell of every known column present in the sheet."""

    sheet: Sheet
    row: int
    cells: dict[str, tuple[Any, CellRef]]
    positions: dict[str, int]  # column key → column number in this sheet

    def content(self, key: str) -> Any:
        return self.cells[key][0] if key in self.cells else None

    def ref(self, key: str) -> CellRef:
        if key in self.cells:
            return self.cells[key][1]
        return CellRef(self.sheet.name, self.row, self.positions.get(key, 1))


@dataclass
class RecordRows:
    kind: str
    ident: str
    main: Row
    items: dict[str, list[Row]] = field(default_factory=dict)  # child sheet name → rows, in sheet order


@dataclass
class WorkbookData:
    name: str
    records: list[RecordRows] = field(default_factory=list)
    sheets: set[str] = field(default_factory=set)  # layout sheets found
    columns: dict[str, set[str]] = field(default_factory=dict)  # sheet → column keys found
    findings: list[Finding] = field(default_factory=list)
    libreoffice: bool = False  # saved by LibreOffice (see read_content)

    def record(self, kind: str, ident: str) -> RecordRows | None:
        return next((r for r in self.records if r.kind == kind and r.ident == ident), None)


def cell_finding(book: str, ref: CellRef, kode: str, pesan: str, saran: str, column: Column | None, form: str):
    where = f"Lembar {ref.sheet}, baris {ref.row}, kolom {ref.letter}"
    return Finding(
        kode=kode,
        tingkat=GALAT,
        berkas=f"{book} › {ref.sheet}",
        baris=ref.row,
        lokasi=ref.ref,
        nomor=column.nomor if column else None,
        label=column.label if column else None,
        formulir=form,
        pesan=f"{where}: {pesan}",
        saran=saran,
    )


def _book_finding(book: str, kode: str, pesan: str, saran: str) -> Finding:
    return Finding(kode=kode, tingkat=GALAT, berkas=book, pesan=pesan, saran=saran)


def _application(path: Path) -> str:
    """The program that last saved the workbook (docProps/app.xml), or ''."""
    try:
        with zipfile.ZipFile(path) as z:
            text = z.read("docProps/app.xml").decode("utf-8", "replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return ""
    found = re.search(r"<Application>([^<]*)</Application>", text)
    return found.group(1).strip() if found else ""


def read_workbook(path: Path, layout: Layout) -> WorkbookData:
    """Read every known sheet; structural problems (not cell values) become findings."""
    data = WorkbookData(path.name)
    wb = _open(path, data)
    if wb is None:
        return data
    by_key: dict[tuple[str, str], RecordRows] = {}
    children: list[Row] = []
    for ws in wb.worksheets:
        if ws.title in (HELP_SHEET, LISTS_SHEET):
            continue
        sheet = layout.sheet(ws.title)
        if sheet is None:
            _unknown_sheet(ws, layout, data)
            continue
        rows = _read_sheet(ws, sheet, data)
        if rows is None:
            continue
        data.sheets.add(sheet.name)
        if sheet.is_main:
            _add_records(rows, by_key, data)
        else:
            children.extend(rows)
    for row in children:
        _attach(row, by_key, layout, data)
    data.records = list(by_key.values())
    return data


def _open(path: Path, data: WorkbookData):
    """The loaded workbook, or None with a finding saying why it cannot be read."""
    book = data.name
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            data.findings.append(
                _book_finding(
                    book,
                    "excel-terlalu-besar",
                    f"Berkas berukuran {size:,} byte, melebihi batas {MAX_BYTES:,} byte.".replace(",", "."),
                    "Periksa isinya; templat metadata satu kabupaten jauh lebih kecil.",
                )
            )
            return None
        if not _prescan(path, data):
            return None
        wb = load_workbook(path, data_only=False)
        data.libreoffice = _application(path).startswith("LibreOffice")
    except Exception as exc:  # openpyxl raises many kinds of errors for damaged or foreign files
        data.findings.append(
            _book_finding(
                book,
                "excel-tidak-terbaca",
                f"Berkas tidak dapat dibaca sebagai buku kerja Excel .xlsx ({type(exc).__name__}).",
                "Simpan ulang dari Excel/LibreOffice sebagai 'Excel Workbook (.xlsx)'; format .xls lama dan "
                "berkas berpassword tidak didukung.",
            )
        )
        return None
    return wb


def _sheet_titles(z: zipfile.ZipFile) -> dict[str, str]:
    """Part name of each worksheet (``xl/worksheets/sheet1.xml``) → its title, from the workbook's index."""
    try:
        names = {i.filename: i for i in z.infolist()}
        parts = [names.get("xl/workbook.xml"), names.get("xl/_rels/workbook.xml.rels")]
        if None in parts or any(p.file_size > 10 * 1024 * 1024 for p in parts):
            return {}
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (ElementTree.ParseError, KeyError, OSError, zipfile.BadZipFile):
        return {}
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet"):
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            part = target.get(rid, "").lstrip("/")
            out[part if part.startswith("xl/") else f"xl/{part}"] = sheet.get("name", "?")
    return out


def _n(number: int) -> str:
    """12345 → '12.345' (Indonesian thousands separator)."""
    return f"{number:,}".replace(",", ".")


def _count(stream, limit_rows: int, limit_cells: int) -> tuple[int, int]:
    """Rows and cells of a worksheet's XML, read in chunks; stops as soon as either limit is passed."""
    rows = cells = 0
    carry = b""
    while rows <= limit_rows and cells <= limit_cells:
        chunk = stream.read(_CHUNK)
        buf = carry + chunk
        end = len(buf) if not chunk else max(0, len(buf) - 64)  # a tag may straddle two chunks
        rows += sum(1 for m in _ROW_TAG.finditer(buf) if m.start() < end)
        cells += sum(1 for m in _CELL_TAG.finditer(buf) if m.start() < end)
        if not chunk:
            break
        carry = buf[end:]
    return rows, cells


def _prescan(path: Path, data: WorkbookData) -> bool:
    """Sizes checked while streaming, before openpyxl loads anything: the unpacked size of every
    part, then rows and cells of each worksheet, counted in its XML and stopped at the limit, so a
    workbook of 1.5 million rows is refused in seconds instead of after minutes and gigabytes."""
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return True  # not a zip: openpyxl says so in its own words
    with z:
        unpacked = sum(i.file_size for i in z.infolist())
        if unpacked > MAX_UNPACKED:
            data.findings.append(
                _book_finding(
                    data.name,
                    "excel-terlalu-besar",
                    f"Isi buku kerja berukuran {_n(unpacked)} byte setelah diurai, melebihi batas {_n(MAX_UNPACKED)} byte.",
                    "Periksa isinya; templat metadata satu kabupaten jauh lebih kecil.",
                )
            )
            return False
        titles = _sheet_titles(z)
        for info in z.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            with z.open(info) as stream:
                rows, cells = _count(stream, MAX_ROWS + FIRST_ROW, MAX_CELLS)
            title = titles.get(info.filename, info.filename)
            if rows > MAX_ROWS + FIRST_ROW or cells > MAX_CELLS:
                what = f"{_n(MAX_ROWS)} baris" if rows > MAX_ROWS + FIRST_ROW else f"{_n(MAX_CELLS)} sel"
                data.findings.append(
                    _book_finding(
                        data.name,
                        "excel-terlalu-banyak-baris",
                        f"Lembar {title} memiliki lebih dari {what} (dihitung sebelum buku kerja dibuka).",
                        f"Satu lembar paling banyak {_n(MAX_ROWS)} baris dan {_n(MAX_CELLS)} sel; hapus baris kosong di "
                        "bagian bawah, atau pecah impornya per OPD.",
                    )
                )
                return False
    return True


def _unknown_sheet(ws, layout: Layout, data: WorkbookData) -> None:
    """A sheet the layout does not know is reported when it holds data."""
    if ws.max_row < FIRST_ROW or all(c.value is None for row in ws.iter_rows(min_row=FIRST_ROW) for c in row):
        return
    data.findings.append(
        _book_finding(
            data.name,
            "excel-lembar-tak-dikenal",
            f"Lembar '{ws.title}' tidak dikenal; isinya tidak akan diimpor.",
            "Kembalikan nama lembar seperti pada templat ("
            + ", ".join(s.name for s in layout.sheets)
            + "), atau hapus lembar ini.",
        )
    )


def _add_records(rows: list[Row], by_key: dict[tuple[str, str], RecordRows], data: WorkbookData) -> None:
    """The rows of a form sheet become records; a record written twice is reported."""
    for row in rows:
        sheet = row.sheet
        ident = "/".join(row.content(k) for k in sheet.ids)
        if (sheet.kind, ident) in by_key:
            first = by_key[(sheet.kind, ident)].main.row
            data.findings.append(
                cell_finding(
                    data.name,
                    row.ref(sheet.ids[-1]),
                    "excel-ganda",
                    f"Rekaman {ident} sudah ada di baris {first}.",
                    "Satu rekaman hanya boleh satu baris; gabungkan kedua baris atau ubah identitasnya.",
                    None,
                    sheet.form,
                )
            )
            continue
        by_key[(sheet.kind, ident)] = RecordRows(sheet.kind, ident, row)


def _attach(row: Row, by_key: dict[tuple[str, str], RecordRows], layout: Layout, data: WorkbookData) -> None:
    """A list row joins the record its identity columns name (which must be on the form sheet)."""
    sheet = row.sheet
    ident = "/".join(row.content(k) for k in RECORD_IDS[sheet.kind])
    parent = by_key.get((sheet.kind, ident))
    if parent is not None:
        parent.items.setdefault(sheet.name, []).append(row)
        return
    main = layout.main(sheet.kind).name
    data.findings.append(
        cell_finding(
            data.name,
            row.ref(RECORD_IDS[sheet.kind][-1]),
            "excel-induk-tidak-ada",
            f"Rekaman {ident} tidak ada di lembar {main}.",
            f"Tambahkan barisnya di lembar {main}, atau perbaiki kolom identitas baris ini.",
            None,
            sheet.form,
        )
    )


@dataclass
class _Header:
    """Row 2 of a sheet: the known columns by position, and columns with an unknown key."""

    columns: dict[int, Column] = field(default_factory=dict)
    unknown: list[int] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # key → column number


def _merged(ws, sheet: Sheet, data: WorkbookData) -> bool:
    """Merged cells below the labels: Excel keeps only the top-left value, the others read as empty
    and would delete their fields, so the sheet is refused with the ranges to unmerge."""
    ranges = [r for r in ws.merged_cells.ranges if r.max_row >= 2]
    for cells in ranges:
        data.findings.append(
            cell_finding(
                data.name,
                CellRef(sheet.name, max(cells.min_row, 2), cells.min_col),
                "excel-sel-gabung",
                f"Sel {cells.coord} digabung (merge): hanya sel kiri atas yang berisi nilai; sel lainnya terbaca "
                "kosong, sehingga isian rekaman di baris itu akan terhapus.",
                "Pisahkan sel (Home → Merge & Center → Unmerge Cells), isi setiap sel, lalu impor ulang.",
                None,
                sheet.form,
            )
        )
    return bool(ranges)


def _read_header(ws, sheet: Sheet, data: WorkbookData) -> _Header:
    known = {c.key: c for c in sheet.columns}
    header = _Header()
    for cell in ws[2] if ws.max_row >= 2 else ():
        key = cell.value
        if key is None or (isinstance(key, str) and not key.strip()):
            continue
        key = str(key).strip()
        if key in header.seen:
            data.findings.append(
                cell_finding(
                    data.name,
                    CellRef(sheet.name, 2, cell.column),
                    "excel-kolom-ganda",
                    f"Kolom '{key}' muncul dua kali (juga di kolom {get_column_letter(header.seen[key])}).",
                    "Hapus salah satu kolom.",
                    None,
                    sheet.form,
                )
            )
            continue
        header.seen[key] = cell.column
        if key in known:
            header.columns[cell.column] = known[key]
        else:
            header.unknown.append(cell.column)
    return header


def _header_usable(header: _Header, sheet: Sheet, data: WorkbookData) -> bool:
    """The identity columns must be there, and a list sheet must have all its columns."""
    where = f"{data.name} › {sheet.name}"
    missing = [k for k in sheet.ids if k not in header.seen]
    if missing:
        data.findings.append(
            _book_finding(
                where,
                "excel-identitas-tidak-ada",
                f"Lembar {sheet.name} tidak memiliki kolom identitas {', '.join(missing)} di baris 2.",
                "Gunakan templat dari 'satudata template'; baris 2 berisi kunci kolom dan tidak boleh diubah.",
            )
        )
        return False
    lost = [c.key for c in sheet.data_columns if c.key not in header.seen]
    if lost and not sheet.is_main:  # items are rewritten whole: a missing column would empty that field
        data.findings.append(
            _book_finding(
                where,
                "excel-kolom-hilang",
                f"Lembar {sheet.name} tidak memiliki kolom {', '.join(lost)} di baris 2.",
                "Kembalikan kolomnya (buat ekspor atau templat baru); tanpa kolom itu isiannya akan terhapus.",
            )
        )
        return False
    return True


def _read_sheet(ws, sheet: Sheet, data: WorkbookData) -> list[Row] | None:
    if ws.max_row > MAX_ROWS:
        data.findings.append(
            _book_finding(
                data.name,
                "excel-terlalu-banyak-baris",
                f"Lembar {sheet.name} memiliki {ws.max_row:,} baris.".replace(",", "."),
                f"Satu lembar paling banyak {MAX_ROWS:,} baris; hapus baris kosong di bagian bawah.".replace(",", "."),
            )
        )
        return None
    if _merged(ws, sheet, data):
        return None
    header = _read_header(ws, sheet, data)
    if not _header_usable(header, sheet, data):
        return None
    data.columns[sheet.name] = {c.key for c in header.columns.values()}
    positions = {c.key: i for i, c in header.columns.items()}
    rows: list[Row] = []
    reported: set[int] = set()
    for r, cells in enumerate(ws.iter_rows(min_row=FIRST_ROW), start=FIRST_ROW):
        contents = _row_contents(ws, sheet, r, cells, header, reported, data)
        data_keys = [k for k in contents if k not in sheet.ids and k != "fase"]
        if not contents or (not sheet.is_main and not data_keys):
            continue  # an empty row, or a list row with nothing but its identity
        row = Row(sheet, r, contents, positions)
        if _identity_ok(row, data):
            rows.append(row)
    return rows


def _row_contents(ws, sheet: Sheet, r: int, cells, header: _Header, reported: set[int], data: WorkbookData):
    """The contents of one row's known cells; data in a column with an unknown key is reported once."""
    contents: dict[str, tuple[Any, CellRef]] = {}
    for cell in cells:
        if cell.column in header.columns:
            content = read_content(cell, data.libreoffice)
            if content is not None:
                contents[header.columns[cell.column].key] = (content, CellRef(sheet.name, r, cell.column))
        elif cell.column in header.unknown and cell.value is not None and cell.column not in reported:
            reported.add(cell.column)
            key = ws.cell(row=2, column=cell.column).value
            data.findings.append(
                cell_finding(
                    data.name,
                    CellRef(sheet.name, r, cell.column),
                    "excel-kolom-tak-dikenal",
                    f"Kolom '{key}' tidak dikenal di lembar {sheet.name}; isinya tidak dapat diimpor.",
                    "Kembalikan kunci kolom di baris 2 seperti pada templat, atau pindahkan isinya ke kolom yang benar.",
                    None,
                    sheet.form,
                )
            )
    return contents


def _identity_ok(row: Row, data: WorkbookData) -> bool:
    sheet = row.sheet
    ok = True
    for key in sheet.ids:
        column = next(c for c in sheet.columns if c.key == key)
        content = row.content(key)
        ref = row.ref(key)
        try:
            value = convert(column, content)
        except CellError as exc:
            data.findings.append(cell_finding(data.name, ref, exc.kode, exc.pesan, exc.saran, None, sheet.form))
            ok = False
            continue
        if value is None:
            data.findings.append(
                cell_finding(
                    data.name,
                    ref,
                    "excel-identitas-kosong",
                    f"Kolom identitas '{key}' kosong.",
                    ID_INFO[key][1],
                    None,
                    sheet.form,
                )
            )
            ok = False
        elif key == "fase":
            phase = sheet.phase(value)
            if phase is None:
                data.findings.append(
                    cell_finding(
                        data.name,
                        ref,
                        "excel-fase",
                        f"Fase '{short(value)}' tidak dikenal.",
                        "Pilih salah satu: " + "; ".join(column.choices) + ".",
                        None,
                        sheet.form,
                    )
                )
                ok = False
            else:
                row.cells[key] = (phase.key, ref)
        elif not ID_PATTERNS[key].fullmatch(value):
            suggestion = suggest_name(value, key == "kegiatan")
            data.findings.append(
                cell_finding(
                    data.name,
                    ref,
                    "excel-identitas",
                    f"'{short(value)}' bukan {ID_INFO[key][0].lower()} yang sah.",
                    ID_INFO[key][1] + f" Misalnya '{suggestion}'.",
                    None,
                    sheet.form,
                )
            )
            ok = False
        else:
            row.cells[key] = (value, ref)
    return ok
