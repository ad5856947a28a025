"""Records → a workbook file: the template, a catalog export and the portal's public download.

``Petunjuk`` explains every column; the hidden ``Daftar`` sheet feeds the dropdowns.
"""

from __future__ import annotations

import gc
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..codes import PERINGATAN, Finding
from ..contract.schema import RecordSchema
from ..edit.writer import replace_file
from ..layout import KINDS
from ..read.catalog import Catalog, Record, data_at
from .cells import Unrepresentable, export_content, put, streamed_cell
from .layout import (
    FIRST_ROW,
    HELP_SHEET,
    KIND_WORDS,
    LISTS_SHEET,
    RECORD_IDS,
    TEMPLATE_ROWS,
    Column,
    Layout,
    Sheet,
    code_values,
)

_FILL_MAIN = PatternFill("solid", fgColor="DCE6F1")
_FILL_CHILD = PatternFill("solid", fgColor="E2EFDA")
_FILL_ID = PatternFill("solid", fgColor="FFF2CC")
_KEY_FONT = Font(italic=True, size=8, color="808080")
_HEAD_FONT = Font(bold=True)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def _identity(record: Record) -> dict[str, str]:
    return dict(zip(RECORD_IDS[record.kind], record.ident.split("/"), strict=True))


def item_rows(sheet: Sheet, value: Any) -> list[list[Any]]:
    """The rows (contents of the data columns) that a stored list of objects becomes. Raises Unrepresentable."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
        raise Unrepresentable("bukan daftar kumpulan isian")
    return [[export_content(c, data_at(item, c.path)) for c in sheet.data_columns] for item in value]


def _extra_keys(data: Any, node: dict, path: tuple, top: bool) -> Iterable[tuple]:
    """Keys present in ``data`` that the schema (and so the workbook) does not know."""
    if not isinstance(data, dict):
        return
    props = node.get("properties") or {}
    for key, value in data.items():
        if top and (props.get(key) or {}).get("x-alur"):
            continue
        if key not in props:
            yield path + (key,)
        elif props[key].get("type") == "object":
            yield from _extra_keys(value, props[key], path + (key,), False)
        elif props[key].get("type") == "array" and isinstance(value, list):
            for i, item in enumerate(value):
                yield from _extra_keys(item, props[key].get("items") or {}, path + (key, i), False)


@dataclass
class Exported:
    findings: list[Finding] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # sheet → data rows written
    origin: dict[str, list[str]] = field(default_factory=dict)  # sheet → the record (ident) of each data row


def _warn(record: Record, rs: RecordSchema, path: tuple, pesan: str, saran: str) -> Finding:
    fld = rs.nearest_field(path)
    return Finding(
        kode="excel-tak-terwakili",
        tingkat=PERINGATAN,
        berkas=record.path,
        baris=record.line(path),
        lokasi=".".join(map(str, path)) or None,
        nomor=fld.nomor if fld else None,
        label=fld.label if fld else None,
        formulir=rs.form,
        pesan=pesan,
        saran=saran,
    )


def record_rows(layout: Layout, record: Record) -> tuple[list, dict[str, list[list]], list[Finding]]:
    """A record → (main row contents, child sheet → item rows, warnings about values left out)."""
    rs = layout.schemas[record.kind]
    data = record.data
    ids = _identity(record)
    warnings: list[Finding] = []
    keep = "Nilai ini tetap tersimpan di berkas YAML selama selnya dibiarkan kosong saat impor."
    main = layout.main(record.kind)
    row = []
    for col in main.columns:
        if col.identity:
            row.append(ids[col.key])
            continue
        try:
            row.append(export_content(col, data_at(data, col.path)))
        except Unrepresentable as exc:
            row.append(None)
            warnings.append(_warn(record, rs, col.path, f"Nilai tidak dapat ditulis ke Excel: {exc}.", keep))
    children: dict[str, list[list]] = {}
    for sheet in layout.children(record.kind):
        rows = children.setdefault(sheet.name, [])
        group = data_at(data, sheet.array)
        if sheet.phases and group is not None and not isinstance(group, dict):
            warnings.append(
                _warn(record, rs, sheet.array, "Nilai tidak dapat ditulis ke Excel: bukan kumpulan isian.", keep)
            )
        parts = [(p.path, [p.heading()]) for p in sheet.phases] if sheet.phases else [(sheet.array, [])]
        for path, prefix in parts:
            try:
                items = item_rows(sheet, data_at(data, path))
            except Unrepresentable as exc:
                warnings.append(_warn(record, rs, path, f"Daftar tidak dapat ditulis ke Excel: {exc}.", keep))
                continue
            head = [ids[k] for k in RECORD_IDS[record.kind]]
            rows.extend(head + prefix + item for item in items)
    for path in _extra_keys(data, rs.schema, (), True):
        warnings.append(
            _warn(
                record,
                rs,
                path,
                f"Isian '{'.'.join(map(str, path))}' tidak dikenal formulir {rs.form} sehingga tidak ikut ke Excel.",
                "Isian ini tetap tersimpan di berkas YAML; perbaiki namanya di berkas bila salah ketik.",
            )
        )
    return row, children, warnings


def _width(column: Column) -> float:
    kind = column.kind
    if kind == "id":
        return 30 if column.key == "kegiatan" else 34 if column.key == "fase" else 18
    if kind in ("integer", "number"):
        return 12
    if kind == "numtext":
        return 24
    if kind in ("date",):
        return 14
    if kind in ("choice", "code", "multi"):
        longest = max((len(o) for o in column.options), default=10)
        return float(min(max(longest + 4, 14), 48 if kind == "multi" else 40))
    return 40


def _text_column(column: Column) -> bool:
    return column.kind not in ("integer", "number", "mixed", "numtext")


def _help_comment(column: Column, layout: Layout) -> Comment:
    text = column.heading + "\n\n" + column.help(layout.schemas, layout.region)
    if len(text) > 1500:
        text = text[:1497] + "…"
    comment = Comment(text, "satudata")
    comment.width = 320
    comment.height = min(60 + 16 * (len(text) // 45), 400)
    return comment


class _Lists:
    """The hidden 'Daftar' sheet: one column per dropdown list, shared between columns."""

    def __init__(self, ws):
        self.ws = ws
        self.refs: dict[tuple, str] = {}

    def ref(self, name: str, values: list[str]) -> str:
        key = tuple(values)
        if key not in self.refs:
            col = len(self.refs) + 1
            letter = get_column_letter(col)
            put(self.ws, 1, col, name, True)
            for i, value in enumerate(values, start=2):
                put(self.ws, i, col, value, True)
            self.refs[key] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
        return self.refs[key]


def _validation(column: Column, layout: Layout, lists: _Lists) -> DataValidation | None:
    spec = code_values(column, layout.schemas, layout.region)
    if spec is None or not spec[1]:
        return None
    name, values, strict = spec
    header = name if column.kind == "code" else column.key
    dv = DataValidation(type="list", formula1=lists.ref(header, values), allow_blank=True)
    if column.kind == "multi":
        dv.showErrorMessage = False  # several options are typed as text
        dv.showInputMessage = True
        dv.promptTitle = "Pilihan ganda"
        dv.prompt = "Pilih satu dari daftar, atau ketik beberapa pilihan dipisah titik koma (;)."
    else:
        dv.showErrorMessage = True
        dv.errorTitle = "Pilihan tidak sah"
        dv.error = "Pilih salah satu nilai dari daftar."
        if not strict:
            dv.errorStyle = "warning"
            dv.error = "Nilai ini tidak ada di daftar kode. Boleh dilanjutkan; Walidata akan memeriksanya."
    return dv


def _write_head(ws, sheet: Sheet, layout: Layout) -> None:
    """The two header rows (label with its help comment, machine key), column widths and formats, frozen panes."""
    fill = _FILL_MAIN if sheet.is_main else _FILL_CHILD
    for i, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        put(ws, 1, i, column.heading, True)  # a catalog may ship its own schemas: never a formula
        head = ws.cell(row=1, column=i)
        head.font = _HEAD_FONT
        head.fill = _FILL_ID if column.identity else fill
        head.alignment = _WRAP_TOP
        head.comment = _help_comment(column, layout)
        put(ws, 2, i, column.key, True)
        key = ws.cell(row=2, column=i)
        key.font = _KEY_FONT
        ws.column_dimensions[letter].width = _width(column)
        if _text_column(column):
            ws.column_dimensions[letter].number_format = "@"  # typed codes keep leading zeros
    ws.row_dimensions[1].height = 62  # four lines of a long label; the full text is in the comment
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=len(sheet.ids) + 1)


def _write_sheet(ws, sheet: Sheet, layout: Layout, lists: _Lists, rows: list[list]) -> None:
    _write_head(ws, sheet, layout)
    for r, values in enumerate(rows, start=FIRST_ROW):
        for c, (column, content) in enumerate(zip(sheet.columns, values, strict=True), start=1):
            put(ws, r, c, content, _text_column(column))  # one line per record: long text shows in the formula bar
    last = max(FIRST_ROW + TEMPLATE_ROWS - 1, FIRST_ROW + len(rows) + 199)
    for i, column in enumerate(sheet.columns, start=1):
        dv = _validation(column, layout, lists)
        if dv is not None:
            letter = get_column_letter(i)
            ws.add_data_validation(dv)
            dv.add(f"{letter}{FIRST_ROW}:{letter}{last}")


INSTRUCTIONS = (
    "Satu baris = satu rekaman: satu OPD, satu kegiatan (MS-Keg), satu variabel (MS-Var) atau satu indikator (MS-Ind).",
    "Baris 1 berisi nomor dan nama isian pada formulir (arahkan kursor ke judul kolom untuk petunjuknya); baris 2 "
    "berisi kunci mesin yang dibaca saat impor — jangan diubah atau dihapus.",
    "Kolom identitas (kuning) menentukan folder dan nama berkas: opd (misalnya dinkes), kegiatan (TAHUN-slug, "
    "misalnya 2025-profil-kesehatan) dan slug variabel/indikator. Gunakan huruf kecil, angka dan tanda hubung.",
    "Daftar bersarang diisi di lembar tersendiri, satu butir per baris, dengan kolom identitas yang sama: "
    "jadwal (3.3), variabel yang dikumpulkan (3.4), wilayah kegiatan (4.5) dan klasifikasi isian MS-Var (kolom 9).",
    "Pilihan ganda dan daftar ditulis dipisah titik koma, misalnya: Wawancara; Pengamatan (Observasi).",
    "Tanggal ditulis sebagai teks TTTT-BB atau TTTT-BB-HH, misalnya 2025-03 atau 2025-03-15. Kode berawalan nol "
    "(misalnya 01111) tetap utuh karena kolomnya berformat Teks.",
    "Sel kosong berarti isian tidak diisi. Riwayat langkah SOP (alur) tidak ada di sini dan tidak diubah oleh impor.",
    "Setelah selesai, simpan sebagai .xlsx lalu jalankan: satudata import NAMA-BERKAS.xlsx — setiap kesalahan "
    "disebut dengan lembar, baris dan kolomnya; tidak ada berkas yang ditulis sampai semua sel benar.",
)


def _write_help(ws, layout: Layout) -> None:
    ws.cell(row=1, column=1, value="Templat Metadata Statistik Sektoral (Satu Data Indonesia)").font = Font(
        bold=True, size=14
    )
    for i, line in enumerate(INSTRUCTIONS, start=2):
        ws.cell(row=i, column=1, value=f"{i - 1}.").alignment = _WRAP_TOP
        cell = ws.cell(row=i, column=2, value=line)
        cell.alignment = Alignment(wrap_text=False, vertical="top")
    top = len(INSTRUCTIONS) + 3
    heads = ("Lembar", "Kolom", "Kunci", "No.", "Isian", "Wajib", "Jenis isian", "Pilihan", "Petunjuk", "Contoh")
    for c, head in enumerate(heads, start=1):
        cell = ws.cell(row=top, column=c, value=head)
        cell.font = _HEAD_FONT
        cell.fill = _FILL_MAIN
    r = top + 1
    for sheet in layout.sheets:
        for i, column in enumerate(sheet.columns, start=1):
            spec = code_values(column, layout.schemas, layout.region)
            options = "; ".join(spec[1]) if spec and len(spec[1]) <= 60 else (spec[0] if spec else "")
            values = (
                sheet.name,
                get_column_letter(i),
                column.key,
                column.nomor or "",
                column.label,
                "Ya" if column.required or column.identity else "",
                KIND_WORDS[column.kind],
                options,
                column.help(layout.schemas, layout.region),
                (column.field.contoh or "") if column.field else "",
            )
            for c, value in enumerate(values, start=1):
                put(ws, r, c, value or None, True)
                ws.cell(row=r, column=c).alignment = _WRAP_TOP
            r += 1
    for letter, width in zip("ABCDEFGHIJ", (20, 7, 34, 9, 40, 7, 22, 40, 70, 22), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=top + 1, column=1)


def _catalog_rows(
    layout: Layout, catalog: Catalog, keep: Callable[[Record], bool] | None, findings: list[Finding]
) -> Iterator[tuple[str, list, str]]:
    """(sheet name, cell contents, record ident) of every row the catalog's records give, in record order."""
    for kind in KINDS:
        main = layout.main(kind).name
        for record in sorted(catalog.of(kind), key=lambda r: r.ident):
            if keep is not None and not keep(record):
                continue
            if record.doc is None or not isinstance(record.doc.data, dict):
                findings.append(
                    Finding(
                        kode="excel-tidak-terbaca",
                        tingkat=PERINGATAN,
                        berkas=record.path,
                        pesan="Berkas ini tidak dapat dibaca sehingga tidak ikut ke Excel.",
                        saran="Perbaiki berkasnya (satudata validate), lalu ekspor ulang.",
                    )
                )
                continue
            row, children, warnings = record_rows(layout, record)
            yield main, row, record.ident
            for name, items in children.items():
                for item in items:
                    yield name, item, record.ident
            findings.extend(warnings)


def _collect_quietly() -> None:
    """openpyxl writes each sheet through a temporary file; when that write failed (disk full), the
    abandoned writers fail again as they are garbage-collected and Python prints their tracebacks at
    exit. Collect them now, without that noise: the error itself is reported by the caller."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _save(wb: Workbook, out: Path) -> None:
    """Build the file in memory, then put it at ``out`` in one rename: a full disk never leaves
    half a workbook there (nor a half-written zip that fails again when Python exits)."""
    wb.properties.creator = "satudata"
    wb.properties.title = "Metadata Statistik Sektoral"
    buffer = io.BytesIO()
    try:
        wb.save(buffer)
    except OSError as exc:
        error = exc.with_traceback(None)  # its frames hold openpyxl's abandoned sheet writers
        _collect_quietly()
        raise error from None
    out.parent.mkdir(parents=True, exist_ok=True)
    replace_file(out, buffer.getvalue())


def write_workbook(
    out: Path,
    layout: Layout,
    catalog: Catalog | None = None,
    keep: Callable[[Record], bool] | None = None,
) -> Exported:
    """Write the template (no catalog) or the catalog's records into ``out``."""
    result = Exported()
    rows: dict[str, list[list]] = {s.name: [] for s in layout.sheets}
    if catalog is not None:
        for name, row, _ in _catalog_rows(layout, catalog, keep, result.findings):
            rows[name].append(row)
    wb = Workbook()
    help_ws = wb.active
    help_ws.title = HELP_SHEET
    lists_ws = wb.create_sheet(LISTS_SHEET)
    lists = _Lists(lists_ws)
    for sheet in layout.sheets:
        ws = wb.create_sheet(sheet.name, index=len(wb.sheetnames) - 1)
        _write_sheet(ws, sheet, layout, lists, rows[sheet.name])
        result.rows[sheet.name] = len(rows[sheet.name])
    _write_help(help_ws, layout)
    lists_ws.sheet_state = "hidden"
    _save(wb, out)
    return result


class _Placed:
    """A write-only sheet that takes cells by position, as a normal one does, so that one piece of code
    places the header rows and the help sheet for both writers; :meth:`flush` appends them in row order."""

    def __init__(self, ws):
        self.ws = ws
        self.column_dimensions = ws.column_dimensions
        self.row_dimensions = ws.row_dimensions
        self.cells: dict[tuple[int, int], Cell] = {}

    def cell(self, row: int, column: int, value: Any = None) -> Cell:
        cell = self.cells.get((row, column))
        if cell is None:
            cell = self.cells[(row, column)] = Cell(self.ws, row=row, column=column)
        if value is not None:
            cell.value = value
        return cell

    @property
    def freeze_panes(self) -> str | None:
        return self.ws.freeze_panes

    @freeze_panes.setter
    def freeze_panes(self, cell: Cell) -> None:
        self.ws.freeze_panes = cell.coordinate

    def flush(self) -> None:
        """Append rows 1 to the last with something to write (a value, style or comment)."""
        used = [at for at, c in self.cells.items() if c.value is not None or c.has_style or c.comment]
        width = max((c for _, c in used), default=0)
        for r in range(1, max((r for r, _ in used), default=0) + 1):
            self.ws.append([self.cells.get((r, c)) for c in range(1, width + 1)])


def write_public_workbook(out: Path, layout: Layout, catalog: Catalog) -> Exported:
    """The catalog's records for download from the portal: the sheets, columns, header rows and cells of
    :func:`write_workbook`, so the file still imports, without the dropdowns and their hidden ``Daftar``
    sheet (a publication is not filled in). openpyxl's write-only mode streams each row to disk instead of
    keeping a cell object per value; the normal mode is what made this export most of a portal build."""
    result = Exported()
    wb = Workbook(write_only=True)
    help_ws = _Placed(wb.create_sheet(HELP_SHEET))
    _write_help(help_ws, layout)
    help_ws.flush()
    sheets = {}
    for sheet in layout.sheets:
        ws = _Placed(wb.create_sheet(sheet.name))
        _write_head(ws, sheet, layout)
        ws.flush()
        sheets[sheet.name] = (ws.ws, [_text_column(c) for c in sheet.columns])
        result.rows[sheet.name] = 0
        result.origin[sheet.name] = []
    for name, values, ident in _catalog_rows(layout, catalog, None, result.findings):
        ws, text = sheets[name]
        ws.append([streamed_cell(ws, v, t) for v, t in zip(values, text, strict=True)])
        result.rows[name] += 1
        result.origin[name].append(ident)
    _save(wb, out)
    return result
