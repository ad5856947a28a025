"""Schemas ⇄ Excel: the workbook layout, writing records into it, and reading cells back.

Everything about the workbook is derived from the JSON Schemas and code lists: one sheet per
form (``OPD``, ``MS-Keg``, ``MS-Var``, ``MS-Ind``) with one record per row and one column per
field in form order (nested objects flattened into dotted keys), plus one sheet per list of
objects (``MS-Keg 3.3 Jadwal``, ``MS-Keg 3.4 Variabel``, ``MS-Keg 4.5 Wilayah``,
``MS-Var 9 Klasifikasi``) with one item per row, keyed by the record's identity columns.
Row 1 holds the form number and Indonesian label, row 2 the machine key that the import reads.
``Petunjuk`` explains every column; the hidden ``Daftar`` sheet feeds the dropdowns.

Cell encoding (what :func:`export_content` writes and :func:`convert` reads back):

- text is written as an explicit string cell, never a formula; text that Excel would treat as a
  formula (``= + - @``, tab, CR) also gets Excel's quote prefix. Characters XML cannot carry and
  literal ``_xHHHH_`` sequences use Excel's own ``_xHHHH_`` escape, so any text round-trips;
- lists of text (multi-choice, dates, names) are joined with ``"; "``; a list whose items would
  not survive that (a ``;`` inside an item, surrounding spaces, empty items) is written as a
  JSON array ``["a; b", "c"]``;
- numbers are numeric cells (an integral float is formatted ``0.0`` so it stays a float);
  integers beyond 2^53 are written as text;
- dates stay text ``TTTT-BB`` or ``TTTT-BB-HH``; a date cell typed in Excel is read back in the
  same shape (month only when the cell's format shows no day).
"""

from __future__ import annotations

import datetime
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..codes import GALAT, PERINGATAN, Finding, SatudataError
from ..contract.schema import Field, RecordSchema, Schemas
from ..layout import ACTIVITY_DIR, KINDS, SLUG
from ..read.catalog import Catalog, Record, data_at

HELP_SHEET = "Petunjuk"
LISTS_SHEET = "Daftar"
FIRST_ROW = 3  # row 1: labels, row 2: machine keys
TEMPLATE_ROWS = 1000  # rows that get dropdowns in an empty template
MAX_CELL = 32767  # Excel's limit on the characters in one cell
MAX_ROWS = 100_000
MAX_BYTES = 50 * 1024 * 1024
DANGER = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel (or a CSV reader) treat text as a formula."""

RECORD_IDS = {
    "opd": ("opd",),
    "kegiatan": ("opd", "kegiatan"),
    "variabel": ("opd", "kegiatan", "slug"),
    "indikator": ("opd", "kegiatan", "slug"),
}
ID_INFO = {
    "opd": ("OPD (folder)", "Nama folder OPD di metadata/: huruf kecil, angka dan tanda hubung, misalnya dinkes."),
    "kegiatan": (
        "Kegiatan (folder TAHUN-slug)",
        "Nama folder kegiatan: tahun, tanda hubung, lalu nama singkat, misalnya 2025-profil-kesehatan.",
    ),
    "slug": (
        "Slug (nama berkas)",
        "Nama berkas tanpa .yaml: huruf kecil, angka dan tanda hubung, misalnya jumlah-kelahiran-hidup.",
    ),
    "fase": ("Fase", "Fase proses bisnis statistik; pilih dari daftar. Satu baris untuk setiap rentang waktu."),
}
ID_PATTERNS = {"opd": SLUG, "kegiatan": ACTIVITY_DIR, "slug": SLUG}

KIND_WORDS = {
    "id": "identitas",
    "text": "teks",
    "choice": "pilihan (satu)",
    "code": "kode dari daftar",
    "multi": "pilihan ganda (pisahkan dengan ;)",
    "list": "daftar (pisahkan dengan ;)",
    "dates": "daftar tanggal TTTT-BB-HH (pisahkan dengan ;)",
    "date": "tanggal TTTT-BB atau TTTT-BB-HH",
    "integer": "bilangan bulat",
    "number": "angka (desimal dengan titik)",
    "mixed": "teks atau bilangan bulat",
}

_FILL_MAIN = PatternFill("solid", fgColor="DCE6F1")
_FILL_CHILD = PatternFill("solid", fgColor="E2EFDA")
_FILL_ID = PatternFill("solid", fgColor="FFF2CC")
_KEY_FONT = Font(italic=True, size=8, color="808080")
_HEAD_FONT = Font(bold=True)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


# --- layout --------------------------------------------------------------------------------


def _types(schema: dict) -> set[str]:
    t = schema.get("type")
    return set(t) if isinstance(t, list) else {t} if t else set()


def _date_shape(pattern: str | None) -> tuple[bool, bool]:
    """Does a text pattern accept a month ('2025-03') and/or a day ('2025-03-15')?"""
    if not pattern:
        return False, False
    try:
        rx = re.compile(pattern)
    except re.error:  # pragma: no cover - schemas are tested
        return False, False

    def accepts(text: str) -> bool:
        return rx.search(text) is not None

    if accepts("teks"):
        return False, False
    return accepts("2025-03") and not accepts("2025-03x"), accepts("2025-03-15") and not accepts("2025-03-15x")


@dataclass(frozen=True)
class Column:
    """One column of a sheet: an identity column or a field (path relative to the row's object)."""

    key: str
    path: tuple[str, ...]
    field: Field | None = None
    required: bool = False
    choices: tuple[str, ...] = ()  # identity 'fase': the phase headings

    @property
    def identity(self) -> bool:
        return self.field is None

    @property
    def schema(self) -> dict:
        return self.field.schema if self.field else {}

    @property
    def items(self) -> dict:
        return self.schema.get("items") or {}

    @cached_property  # asked for every cell written or read; the schema does not change
    def kind(self) -> str:
        if self.identity:
            return "id"
        types = _types(self.schema)
        if "array" in types:
            if self.items.get("enum"):
                return "multi"
            return "dates" if any(_date_shape(self.items.get("pattern"))) else "list"
        if types == {"string", "integer"}:
            return "mixed"
        if types == {"integer"}:
            return "integer"
        if types == {"number"}:
            return "number"
        if self.schema.get("enum"):
            return "choice"
        if self.field.daftar_kode:
            return "code"
        if any(_date_shape(self.schema.get("pattern"))):
            return "date"
        return "text"

    @property
    def is_list(self) -> bool:
        return self.kind in ("multi", "list", "dates")

    @property
    def trim(self) -> bool:
        """Surrounding spaces cannot be meant (codes, options, dates, numbers): strip them."""
        return self.kind not in ("text", "list", "mixed") or bool(
            self.schema.get("pattern") or self.items.get("pattern")
        )

    def date_shape(self) -> tuple[bool, bool]:
        return _date_shape(self.items.get("pattern") if self.is_list else self.schema.get("pattern"))

    @property
    def heading(self) -> str:
        if self.identity:
            return ID_INFO[self.key][0]
        return self.field.heading()

    @property
    def nomor(self) -> str | None:
        return self.field.nomor if self.field else None

    @property
    def label(self) -> str:
        return self.field.label if self.field else ID_INFO[self.key][0]

    @property
    def options(self) -> list[str]:
        if self.identity:
            return list(self.choices)
        return self.field.options

    def help(self, schemas: Schemas) -> str:
        """The help text of this column, in Indonesian, from the schema."""
        if self.identity:
            text = ID_INFO[self.key][1]
            if self.choices:
                text += " Pilihan: " + "; ".join(self.choices) + "."
            return text
        parts = [self.field.bantuan] if self.field.bantuan else []
        kind = self.kind
        if kind == "multi":
            parts.append(
                "Boleh lebih dari satu: pisahkan dengan titik koma (;). Pilihan: " + "; ".join(self.options) + "."
            )
        elif kind == "choice":
            parts.append("Pilih salah satu: " + "; ".join(self.options) + ".")
        elif kind in ("list", "dates"):
            parts.append("Beberapa butir dipisah titik koma (;).")
        values = code_values(self, schemas)
        if kind == "code" and values is not None and len(values[1]) <= 60:
            parts.append("Pilihan: " + "; ".join(values[1]) + ".")
        elif kind == "code" and values is not None:
            parts.append(f"Pilih dari daftar kode {values[0]}.")
        if self.field.contoh:
            parts.append(f"Contoh: {self.field.contoh}.")
        return " ".join(p.strip() for p in parts if p)


@dataclass(frozen=True)
class Sheet:
    """A sheet of the workbook: a form (one record per row) or a list of objects (one item per row)."""

    name: str
    kind: str  # the record kind: opd | kegiatan | variabel | indikator
    form: str  # OPD, MS-Keg, MS-Var, MS-Ind
    columns: tuple[Column, ...]
    array: tuple[str, ...] = ()  # child sheets: path of the list (or of the object grouping lists)
    phases: tuple[Field, ...] = ()  # grouped lists (jadwal): one per phase

    @property
    def is_main(self) -> bool:
        return not self.array

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns if c.identity)

    @property
    def data_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.identity)

    def phase(self, text: str) -> Field | None:
        """The phase named by a cell: its heading, label or key (case and spaces ignored)."""
        want = " ".join(str(text).split()).casefold()
        for p in self.phases:
            if want in (p.heading().casefold(), p.label.casefold(), p.key.casefold()):
                return p
        return None


@dataclass
class Layout:
    schemas: Schemas
    sheets: list[Sheet]

    def main(self, kind: str) -> Sheet:
        return next(s for s in self.sheets if s.kind == kind and s.is_main)

    def children(self, kind: str) -> list[Sheet]:
        return [s for s in self.sheets if s.kind == kind and not s.is_main]

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)

    def leaves(self, kind: str) -> list[tuple[tuple[str, ...], Column | Sheet]]:
        """Every value the workbook holds for a record, in form order: (path, column or child sheet).

        A grouped sheet contributes one leaf per phase (``perencanaan.jadwal.desain`` …).
        """
        order = {f.path: i for i, f in enumerate(self.schemas[kind].fields())}
        out: list[tuple[tuple[str, ...], Column | Sheet]] = [(c.path, c) for c in self.main(kind).data_columns]
        for sheet in self.children(kind):
            if sheet.phases:
                out.extend((p.path, sheet) for p in sheet.phases)
            else:
                out.append((sheet.array, sheet))
        return sorted(out, key=lambda leaf: order.get(leaf[0], len(order)))


def _grouped(schema: dict) -> bool:
    """An object whose properties are all lists of the same kind of object (3.3 jadwal)."""
    props = list((schema.get("properties") or {}).values())
    if len(props) < 2:
        return False
    items = [p.get("items") or {} for p in props]
    return all(
        p.get("type") == "array" and i.get("type") == "object" for p, i in zip(props, items, strict=True)
    ) and all(json.dumps(i, sort_keys=True) == json.dumps(items[0], sort_keys=True) for i in items)


def _sheet_name(form: str, fld: Field) -> str:
    number = (fld.nomor or "").removeprefix("Kolom ").strip()
    word = fld.key.split("_")[0].capitalize()
    return " ".join(p for p in (form, number, word) if p)[:31]


def _columns(node: dict, record_prefix: tuple, rel_prefix: tuple, required: bool, form: str, kind: str, ids, children):
    """Columns for the properties of ``node``; lists of objects become child sheets."""
    out = []
    need = set(node.get("required") or [])
    for key, sub in (node.get("properties") or {}).items():
        if not record_prefix and sub.get("x-alur"):
            continue
        fld = Field(record_prefix + (key,), sub)
        rel = rel_prefix + (key,)
        req = required and key in need
        items = sub.get("items") or {}
        if sub.get("type") == "object" and _grouped(sub):
            item = next(iter(sub["properties"].values()))["items"]
            phases = tuple(Field(fld.path + (k,), p) for k, p in sub["properties"].items())
            fase = Column("fase", (), choices=tuple(p.heading() for p in phases))
            cols = _columns(item, fld.path, (), True, form, kind, ids, None)
            children.append(Sheet(_sheet_name(form, fld), kind, form, (*ids, fase, *cols), fld.path, phases))
        elif sub.get("type") == "object":
            out.extend(_columns(sub, fld.path, rel, req, form, kind, ids, children))
        elif sub.get("type") == "array" and items.get("type") == "object":
            if children is None:
                raise ValueError(f"{form}: daftar bertingkat di {'.'.join(fld.path)} tidak dapat dibuat lembarnya")
            cols = _columns(items, fld.path, (), True, form, kind, ids, None)
            children.append(Sheet(_sheet_name(form, fld), kind, form, (*ids, *cols), fld.path))
        else:
            out.append(Column(".".join(rel), rel, fld, req))
    return out


def build_layout(schemas: Schemas) -> Layout:
    sheets: list[Sheet] = []
    for kind in KINDS:
        rs: RecordSchema = schemas[kind]
        ids = tuple(Column(k, ()) for k in RECORD_IDS[kind])
        children: list[Sheet] = []
        cols = _columns(rs.schema, (), (), True, rs.form, kind, ids, children)
        sheets.append(Sheet(rs.form, kind, rs.form, (*ids, *cols)))
        sheets.extend(children)
    names = [s.name for s in sheets] + [HELP_SHEET, LISTS_SHEET]
    if len(set(names)) != len(names):  # pragma: no cover - guarded by tests
        raise ValueError(f"nama lembar ganda: {names}")
    return Layout(schemas, sheets)


def code_values(column: Column, schemas: Schemas) -> tuple[str, list[str], bool] | None:
    """(list name, allowed values, strict) for a column with a dropdown, else None."""
    if column.identity:
        return ("fase", list(column.choices), True) if column.choices else None
    if column.kind in ("choice", "multi"):
        return ("pilihan", column.options, column.kind == "choice")
    ref = column.field.daftar_kode
    if not ref:
        return None
    if ref["daftar"] == "@daftar":
        return ("daftar kode", sorted(schemas.codelists), True)
    cl = schemas.codelists[ref["daftar"]]
    name = cl.title + (f" ({ref['tingkat']})" if ref.get("tingkat") else "")
    return (name, cl.values(ref.get("kolom"), ref.get("tingkat")), not ref.get("peringatan"))


# --- cell encoding -------------------------------------------------------------------------

_UNDERSCORE = re.compile(r"_(?=x[0-9A-Fa-f]{4})")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")  # not allowed in XML (CR is normalised away)
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def escape_text(text: str) -> str:
    """Text → cell text, using Excel's ``_xHHHH_`` escape for characters XML cannot hold."""
    text = _UNDERSCORE.sub("_x005F_", text)
    return _XML_BAD.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def unescape_text(text: str, only_illegal: bool = False) -> str:
    """Cell text → text. ``only_illegal``: decode only characters XML cannot hold (LibreOffice files)."""

    def one(m: re.Match) -> str:
        code = int(m.group(1), 16)
        if 0xD800 <= code <= 0xDFFF or (only_illegal and not _XML_BAD.match(chr(code))):
            return m.group(0)
        return chr(code)

    return _ESCAPED.sub(one, text)


def _plain_item(item: str, first: bool) -> bool:
    return bool(item) and item == item.strip() and ";" not in item and not (first and item.startswith("["))


def encode_list(items: list[str]) -> str:
    if all(_plain_item(item, i == 0) for i, item in enumerate(items)):
        return "; ".join(items)
    return json.dumps(items, ensure_ascii=False)


class CellError(SatudataError):
    """A cell whose content cannot become a value of its field."""

    def __init__(self, kode: str, pesan: str, saran: str):
        super().__init__(pesan, saran, kode=kode)


def decode_list(text: str) -> list[str]:
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except ValueError:
            items = None
        if not (isinstance(items, list) and all(isinstance(i, str) for i in items)):
            raise CellError(
                "excel-daftar",
                "Isian diawali '[' tetapi bukan daftar JSON teks yang sah.",
                'Tulis butir dipisah titik koma (a; b), atau daftar JSON lengkap seperti ["a; b", "c"].',
            )
        return items
    return [p.strip() for p in text.split(";") if p.strip()]


class Unrepresentable(Exception):
    """A stored value that has no cell form (it stays in the YAML file while its cell is left empty)."""


@dataclass(frozen=True)
class Formula:
    text: str


@dataclass(frozen=True)
class ExcelError:
    text: str


@dataclass(frozen=True)
class ExcelDate:
    value: datetime.date
    month_only: bool


_SAFE_INT = 2**53


def _fits(text: str) -> str:
    if len(escape_text(text)) > MAX_CELL:
        raise Unrepresentable(f"teks lebih dari {MAX_CELL:,} karakter".replace(",", "."))
    return text


def export_content(column: Column, value: Any) -> Any:
    """A stored value → the content of its cell (None = empty). Raises :class:`Unrepresentable`."""
    if value is None:
        return None
    if column.is_list:
        if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
            raise Unrepresentable("bukan daftar teks")
        return _fits(encode_list(value)) if value else None
    if isinstance(value, (dict, list)):
        raise Unrepresentable("berupa " + ("kumpulan isian" if isinstance(value, dict) else "daftar"))
    if isinstance(value, bool) or isinstance(value, float):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _SAFE_INT else str(value)
    if isinstance(value, str):
        return _fits(value) if value else None
    raise Unrepresentable(f"jenis nilai {type(value).__name__}")  # pragma: no cover - the loader makes no others


def read_content(cell, libreoffice: bool = False) -> Any:
    """A cell → its content: text (unescaped), number, bool, :class:`ExcelDate`, formula or error.

    LibreOffice writes a literal ``_x0041_`` unescaped (Excel writes ``_x005F_x0041_``), so in its
    files only escapes of characters XML cannot carry are decoded.
    """
    if cell.data_type == "f":
        return Formula(str(cell.value))
    if cell.data_type == "e":
        return ExcelError(str(cell.value))
    value = cell.value
    if value is None:
        return None
    if isinstance(value, str):
        value = unescape_text(value, only_illegal=libreoffice)
        return value if value else None
    if isinstance(value, (datetime.datetime, datetime.date)):
        day = value.date() if isinstance(value, datetime.datetime) else value
        return ExcelDate(day, "d" not in (cell.number_format or "").lower())
    if isinstance(value, int) and not isinstance(value, bool) and "." in (cell.number_format or ""):
        return float(value)  # written as 5.0 with format 0.0
    return value


_INT_TEXT = re.compile(r"[-+]?\d+")
_NUM_TEXT = re.compile(r"[-+]?(\d+([.,]\d+)?|[.,]\d+)([eE][-+]?\d+)?")


def _date_text(column: Column, content: ExcelDate) -> str:
    month_ok, day_ok = column.date_shape()
    if (content.month_only and month_ok) or not day_ok:
        return content.value.strftime("%Y-%m")
    return content.value.isoformat()


def convert(column: Column, content: Any) -> Any:
    """Cell content → the stored value (None when empty). Raises :class:`CellError`."""
    if content is None:
        return None
    if isinstance(content, Formula):
        raise CellError(
            "excel-rumus",
            f"Sel berisi rumus Excel ({content.text[:40]}); rumus tidak dihitung saat impor.",
            "Tulis nilainya langsung. Bila teksnya memang diawali '=', ketik tanda petik (') di depannya.",
        )
    if isinstance(content, ExcelError):
        raise CellError("excel-galat-sel", f"Sel berisi galat Excel {content.text}.", "Ganti dengan nilai yang benar.")
    kind = column.kind
    if isinstance(content, str) and column.trim and kind not in ("multi", "list", "dates"):
        content = content.strip()
        if not content:
            return None
    if kind in ("multi", "list", "dates"):
        if isinstance(content, ExcelDate) and kind == "dates":
            return [_date_text(column, content)]
        if isinstance(content, bool) or not isinstance(content, (str, int, float)):
            raise _wrong(column, content)
        if not isinstance(content, str):
            content = _number_text(content)
        items = decode_list(content)
        return items or None
    if kind == "id":
        if isinstance(content, (int, float)) and not isinstance(content, bool):
            return _number_text(content)
        if not isinstance(content, str):
            raise _wrong(column, content)
        return content
    if kind == "integer":
        if isinstance(content, bool) or isinstance(content, ExcelDate):
            raise _wrong(column, content)
        if isinstance(content, float):
            if content.is_integer():
                return int(content)
            raise CellError("excel-bilangan", f"{content} bukan bilangan bulat.", "Tulis bilangan bulat tanpa koma.")
        if isinstance(content, str):
            if not _INT_TEXT.fullmatch(content):
                raise CellError(
                    "excel-bilangan",
                    f"'{_short(content)}' bukan bilangan bulat.",
                    "Tulis angka saja, tanpa satuan, spasi atau titik ribuan (misalnya 1500).",
                )
            return int(content)
        return content
    if kind == "number":
        if isinstance(content, bool) or isinstance(content, ExcelDate):
            raise _wrong(column, content)
        if isinstance(content, str):
            if not _NUM_TEXT.fullmatch(content):
                raise CellError(
                    "excel-angka",
                    f"'{_short(content)}' bukan angka.",
                    "Tulis angka saja, desimal dengan titik atau koma (misalnya 0.05), tanpa satuan atau titik ribuan.",
                )
            text = content.replace(",", ".")
            return int(text) if _INT_TEXT.fullmatch(text) else float(text)
        return content
    if kind == "mixed":
        if isinstance(content, bool) or isinstance(content, ExcelDate):
            raise _wrong(column, content)
        if isinstance(content, float):
            return int(content) if content.is_integer() else _number_text(content)
        return content
    if kind == "date":
        if isinstance(content, ExcelDate):
            return _date_text(column, content)
        if not isinstance(content, str):
            raise CellError(
                "excel-tanggal",
                f"Tanggal tertulis sebagai angka ({content}).",
                "Tulis tanggal sebagai teks TTTT-BB atau TTTT-BB-HH, misalnya 2025-03 atau 2025-03-15.",
            )
        return content
    # text, choice, code
    if isinstance(content, bool):
        yes_no = {True: "Ya", False: "Tidak"}[content]
        if yes_no in column.options:
            return yes_no
        raise _wrong(column, content)
    if isinstance(content, ExcelDate):
        raise CellError(
            "excel-jadi-tanggal",
            f"Excel mengubah isian ini menjadi tanggal ({content.value.isoformat()}).",
            "Format sel sebagai Teks (Format Cells → Text), lalu ketik ulang isiannya.",
        )
    if isinstance(content, (int, float)):
        return _number_text(content)
    return content


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) <= _SAFE_INT:
        return str(int(value))
    return str(value)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


def _wrong(column: Column, content: Any) -> CellError:
    what = {bool: "nilai benar/salah (TRUE/FALSE)", ExcelDate: "tanggal"}.get(type(content), type(content).__name__)
    want = KIND_WORDS[column.kind]
    return CellError("excel-jenis", f"Isian berupa {what}, padahal seharusnya {want}.", f"Tulis {want}.")


# --- writing a workbook --------------------------------------------------------------------


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


def _fill(cell: Cell, content: Any, text_format: bool) -> Cell:
    """Give a cell its content (not None): the one encoding of both writers."""
    if isinstance(content, str):
        cell.value = escape_text(content)
        cell.data_type = "s"  # openpyxl would otherwise turn '=…' into a formula
        if content.startswith(DANGER):
            cell.quotePrefix = True
        if text_format:
            cell.number_format = "@"
    else:
        cell.value = content
        if isinstance(content, float) and content.is_integer():
            cell.number_format = "0.0"
    return cell


def _put(ws, row: int, col: int, content: Any, text_format: bool) -> None:
    if content is not None:
        _fill(ws.cell(row=row, column=col), content, text_format)


def _streamed(ws, content: Any, text_format: bool) -> Any:
    """What a write-only row takes for a cell: the plain value where the cell needs no style of its own.

    Text stays a text cell (leading zeros kept) without the per-cell Text format, which the column already
    has (a styled cell costs more than its value to write); text Excel would treat as a formula, and an
    integral float, still go through :func:`_fill`."""
    if content is None or isinstance(content, (bool, int)):
        return content
    if isinstance(content, str) and not content.startswith(DANGER):
        return escape_text(content)
    if isinstance(content, float) and not content.is_integer():
        return content
    return _fill(WriteOnlyCell(ws), content, text_format)


def _width(column: Column) -> float:
    kind = column.kind
    if kind == "id":
        return 30 if column.key == "kegiatan" else 34 if column.key == "fase" else 18
    if kind in ("integer", "number"):
        return 12
    if kind in ("date",):
        return 14
    if kind in ("choice", "code", "multi"):
        longest = max((len(o) for o in column.options), default=10)
        return float(min(max(longest + 4, 14), 48 if kind == "multi" else 40))
    return 40


def _text_column(column: Column) -> bool:
    return column.kind not in ("integer", "number", "mixed")


def _help_comment(column: Column, schemas: Schemas) -> Comment:
    text = column.heading + "\n\n" + column.help(schemas)
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
            _put(self.ws, 1, col, name, True)
            for i, value in enumerate(values, start=2):
                _put(self.ws, i, col, value, True)
            self.refs[key] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
        return self.refs[key]


def _validation(column: Column, schemas: Schemas, lists: _Lists) -> DataValidation | None:
    spec = code_values(column, schemas)
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


def _write_head(ws, sheet: Sheet, schemas: Schemas) -> None:
    """The two header rows (label with its help comment, machine key), column widths and formats, frozen panes."""
    fill = _FILL_MAIN if sheet.is_main else _FILL_CHILD
    for i, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        _put(ws, 1, i, column.heading, True)  # a catalog may ship its own schemas: never a formula
        head = ws.cell(row=1, column=i)
        head.font = _HEAD_FONT
        head.fill = _FILL_ID if column.identity else fill
        head.alignment = _WRAP_TOP
        head.comment = _help_comment(column, schemas)
        _put(ws, 2, i, column.key, True)
        key = ws.cell(row=2, column=i)
        key.font = _KEY_FONT
        ws.column_dimensions[letter].width = _width(column)
        if _text_column(column):
            ws.column_dimensions[letter].number_format = "@"  # typed codes keep leading zeros
    ws.row_dimensions[1].height = 62  # four lines of a long label; the full text is in the comment
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=len(sheet.ids) + 1)


def _write_sheet(ws, sheet: Sheet, schemas: Schemas, lists: _Lists, rows: list[list]) -> None:
    _write_head(ws, sheet, schemas)
    for r, values in enumerate(rows, start=FIRST_ROW):
        for c, (column, content) in enumerate(zip(sheet.columns, values, strict=True), start=1):
            _put(ws, r, c, content, _text_column(column))  # one line per record: long text shows in the formula bar
    last = max(FIRST_ROW + TEMPLATE_ROWS - 1, FIRST_ROW + len(rows) + 199)
    for i, column in enumerate(sheet.columns, start=1):
        dv = _validation(column, schemas, lists)
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
            spec = code_values(column, layout.schemas)
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
                column.help(layout.schemas),
                (column.field.contoh or "") if column.field else "",
            )
            for c, value in enumerate(values, start=1):
                _put(ws, r, c, value or None, True)
                ws.cell(row=r, column=c).alignment = _WRAP_TOP
            r += 1
    for letter, width in zip("ABCDEFGHIJ", (20, 7, 34, 9, 40, 7, 22, 40, 70, 22), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=top + 1, column=1)


def _catalog_rows(
    layout: Layout, catalog: Catalog, keep: Callable[[Record], bool] | None, findings: list[Finding]
) -> Iterator[tuple[str, list]]:
    """(sheet name, cell contents) of every row the catalog's records give, in record order."""
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
            yield main, row
            for name, items in children.items():
                for item in items:
                    yield name, item
            findings.extend(warnings)


def _save(wb: Workbook, out: Path) -> None:
    wb.properties.creator = "satudata"
    wb.properties.title = "Metadata Statistik Sektoral"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)


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
        for name, row in _catalog_rows(layout, catalog, keep, result.findings):
            rows[name].append(row)
    wb = Workbook()
    help_ws = wb.active
    help_ws.title = HELP_SHEET
    lists_ws = wb.create_sheet(LISTS_SHEET)
    lists = _Lists(lists_ws)
    for sheet in layout.sheets:
        ws = wb.create_sheet(sheet.name, index=len(wb.sheetnames) - 1)
        _write_sheet(ws, sheet, layout.schemas, lists, rows[sheet.name])
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
        _write_head(ws, sheet, layout.schemas)
        ws.flush()
        sheets[sheet.name] = (ws.ws, [_text_column(c) for c in sheet.columns])
        result.rows[sheet.name] = 0
    for name, values in _catalog_rows(layout, catalog, None, result.findings):
        ws, text = sheets[name]
        ws.append([_streamed(ws, v, t) for v, t in zip(values, text, strict=True)])
        result.rows[name] += 1
    _save(wb, out)
    return result


# --- reading a workbook --------------------------------------------------------------------


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
    book = path.name
    data = WorkbookData(book)
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
            return data
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
        return data
    by_key: dict[tuple[str, str], RecordRows] = {}
    children: list[Row] = []
    for ws in wb.worksheets:
        sheet = layout.sheet(ws.title)
        if ws.title in (HELP_SHEET, LISTS_SHEET):
            continue
        if sheet is None:
            if ws.max_row >= FIRST_ROW and any(
                c.value is not None for row in ws.iter_rows(min_row=FIRST_ROW) for c in row
            ):
                data.findings.append(
                    _book_finding(
                        book,
                        "excel-lembar-tak-dikenal",
                        f"Lembar '{ws.title}' tidak dikenal; isinya tidak akan diimpor.",
                        "Kembalikan nama lembar seperti pada templat ("
                        + ", ".join(s.name for s in layout.sheets)
                        + "), atau hapus lembar ini.",
                    )
                )
            continue
        rows = _read_sheet(ws, sheet, data)
        if rows is None:
            continue
        data.sheets.add(sheet.name)
        if sheet.is_main:
            for row in rows:
                ident = "/".join(row.content(k) for k in sheet.ids)
                if (sheet.kind, ident) in by_key:
                    first = by_key[(sheet.kind, ident)].main.row
                    data.findings.append(
                        cell_finding(
                            book,
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
        else:
            children.extend(rows)
    for row in children:
        sheet = row.sheet
        ident = "/".join(row.content(k) for k in RECORD_IDS[sheet.kind])
        parent = by_key.get((sheet.kind, ident))
        if parent is None:
            main = layout.main(sheet.kind).name
            data.findings.append(
                cell_finding(
                    book,
                    row.ref(RECORD_IDS[sheet.kind][-1]),
                    "excel-induk-tidak-ada",
                    f"Rekaman {ident} tidak ada di lembar {main}.",
                    f"Tambahkan barisnya di lembar {main}, atau perbaiki kolom identitas baris ini.",
                    None,
                    sheet.form,
                )
            )
            continue
        parent.items.setdefault(sheet.name, []).append(row)
    data.records = list(by_key.values())
    return data


def _read_sheet(ws, sheet: Sheet, data: WorkbookData) -> list[Row] | None:
    book = data.name
    known = {c.key: c for c in sheet.columns}
    header: dict[int, Column] = {}
    seen: dict[str, int] = {}
    bad_columns: list[int] = []
    if ws.max_row > MAX_ROWS:
        data.findings.append(
            _book_finding(
                book,
                "excel-terlalu-banyak-baris",
                f"Lembar {sheet.name} memiliki {ws.max_row:,} baris.".replace(",", "."),
                f"Satu lembar paling banyak {MAX_ROWS:,} baris; hapus baris kosong di bagian bawah.".replace(",", "."),
            )
        )
        return None
    for cell in ws[2] if ws.max_row >= 2 else ():
        key = cell.value
        if key is None or (isinstance(key, str) and not key.strip()):
            continue
        key = str(key).strip()
        if key in seen:
            data.findings.append(
                cell_finding(
                    book,
                    CellRef(sheet.name, 2, cell.column),
                    "excel-kolom-ganda",
                    f"Kolom '{key}' muncul dua kali (juga di kolom {get_column_letter(seen[key])}).",
                    "Hapus salah satu kolom.",
                    None,
                    sheet.form,
                )
            )
            continue
        seen[key] = cell.column
        if key in known:
            header[cell.column] = known[key]
        else:
            bad_columns.append(cell.column)
    missing = [k for k in sheet.ids if k not in seen]
    if missing:
        data.findings.append(
            _book_finding(
                f"{book} › {sheet.name}",
                "excel-identitas-tidak-ada",
                f"Lembar {sheet.name} tidak memiliki kolom identitas {', '.join(missing)} di baris 2.",
                "Gunakan templat dari 'satudata template'; baris 2 berisi kunci kolom dan tidak boleh diubah.",
            )
        )
        return None
    lost = [c.key for c in sheet.data_columns if c.key not in seen]
    if lost and not sheet.is_main:  # items are rewritten whole: a missing column would empty that field
        data.findings.append(
            _book_finding(
                f"{book} › {sheet.name}",
                "excel-kolom-hilang",
                f"Lembar {sheet.name} tidak memiliki kolom {', '.join(lost)} di baris 2.",
                "Kembalikan kolomnya (buat ekspor atau templat baru); tanpa kolom itu isiannya akan terhapus.",
            )
        )
        return None
    data.columns[sheet.name] = {c.key for c in header.values()}
    rows: list[Row] = []
    reported_columns: set[int] = set()
    for r, cells in enumerate(ws.iter_rows(min_row=FIRST_ROW), start=FIRST_ROW):
        contents: dict[str, tuple[Any, CellRef]] = {}
        for cell in cells:
            if cell.column in header:
                content = read_content(cell, data.libreoffice)
                if content is not None:
                    contents[header[cell.column].key] = (content, CellRef(sheet.name, r, cell.column))
            elif cell.column in bad_columns and cell.value is not None and cell.column not in reported_columns:
                reported_columns.add(cell.column)
                key = ws.cell(row=2, column=cell.column).value
                data.findings.append(
                    cell_finding(
                        book,
                        CellRef(sheet.name, r, cell.column),
                        "excel-kolom-tak-dikenal",
                        f"Kolom '{key}' tidak dikenal di lembar {sheet.name}; isinya tidak dapat diimpor.",
                        "Kembalikan kunci kolom di baris 2 seperti pada templat, atau pindahkan isinya ke kolom yang benar.",
                        None,
                        sheet.form,
                    )
                )
        data_keys = [k for k in contents if k not in sheet.ids and k != "fase"]
        if not contents or (not sheet.is_main and not data_keys):
            continue  # an empty row, or a list row with nothing but its identity
        row = Row(sheet, r, contents, {c.key: i for i, c in header.items()})
        if _identity_ok(row, data):
            rows.append(row)
    return rows


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
                        f"Fase '{_short(value)}' tidak dikenal.",
                        "Pilih salah satu: " + "; ".join(column.choices) + ".",
                        None,
                        sheet.form,
                    )
                )
                ok = False
            else:
                row.cells[key] = (phase.key, ref)
        elif not ID_PATTERNS[key].fullmatch(value):
            suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
            data.findings.append(
                cell_finding(
                    data.name,
                    ref,
                    "excel-identitas",
                    f"'{_short(value)}' bukan {ID_INFO[key][0].lower()} yang sah.",
                    ID_INFO[key][1] + (f" Misalnya '{suggestion}'." if suggestion else ""),
                    None,
                    sheet.form,
                )
            )
            ok = False
        else:
            row.cells[key] = (value, ref)
    return ok
