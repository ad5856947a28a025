"""Schemas → the workbook layout: which sheets and columns a workbook has, and what each column holds.

Everything is derived from the JSON Schemas and code lists: one sheet per form (``OPD``,
``MS-Keg``, ``MS-Var``, ``MS-Ind``) with one record per row and one column per field in form
order (nested objects flattened into dotted keys), plus one sheet per list of objects
(``MS-Keg 3.3 Jadwal``, ``MS-Keg 3.4 Variabel``, ``MS-Keg 4.5 Wilayah``, ``MS-Var 9 Klasifikasi``)
with one item per row, keyed by the record's identity columns. Row 1 holds the form number and
Indonesian label, row 2 the machine key that the import reads.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..contract.config import config_path
from ..contract.schema import Field, RecordSchema, Schemas
from ..layout import ACTIVITY_DIR, KINDS, SLUG
from ..read.loader import LoadError, load

HELP_SHEET = "Petunjuk"
LISTS_SHEET = "Daftar"
FIRST_ROW = 3  # row 1: labels, row 2: machine keys
TEMPLATE_ROWS = 1000  # rows that get dropdowns in an empty template

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
    "numtext": "angka, atau teks seperti pada formulir",
}


def _types(schema: dict) -> set[str]:
    t = schema.get("type")
    return set(t) if isinstance(t, list) else {t} if t else set()


def _date_shape(pattern: str | None) -> tuple[bool, bool]:
    """Does a text pattern accept a month ('2025-03') and/or a day ('2025-03-15')? Only a pattern
    that also refuses a month 13 and a day 32 is one for dates (a phone pattern accepts '2025-13')."""
    if not pattern:
        return False, False
    try:
        rx = re.compile(pattern)
    except re.error:  # pragma: no cover - schemas are tested
        return False, False

    def accepts(text: str) -> bool:
        return rx.search(text) is not None

    if accepts("teks") or accepts("2025-13") or accepts("2025-03-32"):
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
        if types == {"string", "number"}:
            return "numtext"
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

    @cached_property
    def synonyms(self) -> dict[str, str]:
        """Option names of other form versions (``x-sinonim``, case ignored) → the option they are."""
        return {k.casefold(): v for k, v in (self.schema.get("x-sinonim") or {}).items()}

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

    def help(self, schemas: Schemas, region: str | None = None) -> str:
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
        values = code_values(self, schemas, region)
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
    region: str | None = None  # the catalog's own kode_wilayah: its kecamatan are the ones offered

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


def build_layout(schemas: Schemas, region: str | None = None) -> Layout:
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
    return Layout(schemas, sheets, region)


def catalog_region(root: Path) -> str | None:
    """``kode_wilayah`` of the catalog's katalog.yaml (None without one)."""
    try:
        data = load(config_path(root)).data
    except LoadError:
        return None
    code = data.get("kode_wilayah") if isinstance(data, dict) else None
    return code if isinstance(code, str) and code.isdigit() else None


def code_values(column: Column, schemas: Schemas, region: str | None = None) -> tuple[str, list[str], bool] | None:
    """(list name, allowed values, strict) for a column with a dropdown, else None. Of a list of
    regions only the kecamatan of the catalog's own ``region`` are offered (6,857 would not fit
    a dropdown, and a regency's data are about its own kecamatan)."""
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
    column_key, level = ref.get("kolom") or cl.key, ref.get("tingkat")
    values = [
        r[column_key]
        for r in cl.rows
        if (level is None or r.get("tingkat") == level)
        and (r.get("tingkat") != "kecamatan" or (region is not None and r[cl.key].startswith(region)))
    ]
    return (name, values, not ref.get("peringatan"))
