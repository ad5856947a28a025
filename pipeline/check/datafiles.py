"""Optional data files of an activity, checked against its own MS-Var records.

``metadata/<opd>/<tahun-slug>/data/*.csv``: each column is a variable of the activity, named by
the variable's slug (its file name). The Frictionless Table Schema of a file is derived from
those MS-Var records — type from *Tipe Data*, allowed codes from *Klasifikasi Isian* or the
code list it cites — and the file is validated with Frictionless. Nothing is declared twice.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from ..codes import GALAT, Finding
from ..contract.schema import Schemas
from ..read.catalog import Record

TYPES = {"Integer": "integer", "Float": "number", "Numerik": "number", "Karakter": "string", "String": "string",
         "Tanggal": "date", "Array": "string"}  # fmt: skip
MESSAGES = {
    "type-error": "Nilai '{cell}' bukan {type} seperti Tipe Data variabel ini.",
    "constraint-error": "Nilai '{cell}' bukan kode yang ada di Klasifikasi Isian variabel ini.",
    "extra-cell": "Baris ini punya lebih banyak sel daripada judul kolom.",
    "missing-cell": "Baris ini punya lebih sedikit sel daripada judul kolom.",
    "blank-row": "Baris kosong.",
    "encoding-error": "Berkas tidak dapat dibaca sampai akhir: ada bagian yang bukan teks UTF-8.",
}
# Frictionless error types reported under another code; any type not named here or in MESSAGES
# (none is reachable with the baseline checks) falls back to data-tidak-sesuai.
CODES = {"encoding-error": "data-tidak-terbaca"}
TYPE_WORDS = {"integer": "bilangan bulat", "number": "angka", "date": "tanggal (TTTT-BB-HH)", "string": "teks"}


def field_for(variable: Record, schemas: Schemas) -> dict:
    """The Frictionless field of one MS-Var record."""
    data = variable.data
    kind = TYPES.get(data.get("tipe_data"), "string")
    field = {"name": variable.slug, "type": kind, "title": str(data.get("nama", variable.slug))}
    codes = [str(i["kode"]) for i in data.get("klasifikasi_isian") or [] if isinstance(i, dict) and "kode" in i]
    if not codes and data.get("klasifikasi_referensi") in schemas.codelists:
        codes = schemas.codelists[data["klasifikasi_referensi"]].values()
    if codes:
        field["type"] = "string"  # codes keep leading zeros
        field["constraints"] = {"enum": codes}
    return field


def table_schema(variables: list[Record], schemas: Schemas) -> dict:
    """The Table Schema derived from all variables of an activity."""
    return {"fields": [field_for(v, schemas) for v in sorted(variables, key=lambda r: r.slug)]}


def data_files(root: Path, activity: Record) -> list[str]:
    """The activity's data/*.csv files; symbolic links are never followed (the walk reports them)."""
    folder = os.path.join(root, os.path.dirname(activity.path), "data")
    if os.path.islink(folder) or not os.path.isdir(folder):
        return []
    with os.scandir(folder) as entries:
        names = [e.name for e in entries if e.name.endswith(".csv") and e.is_file(follow_symlinks=False)]
    return sorted(f"{os.path.dirname(activity.path)}/data/{name}" for name in names)


def data_findings(root: Path, activity: Record, variables: list[Record], schemas: Schemas) -> list[Finding]:
    """Every data/*.csv of ``activity`` against the Table Schema of its ``variables``."""
    files = data_files(root, activity)
    if not files:
        return []
    schema = table_schema(variables, schemas)
    return [f for rel in files for f in check_file(root, rel, schema)]


def _finding(rel, kode, pesan, saran, baris=None, lokasi=None, label=None) -> Finding:
    return Finding(kode, GALAT, rel, pesan, saran, baris, lokasi, None, label, "Data")


def check_file(root: Path, rel: str, schema: dict) -> list[Finding]:
    from frictionless import Resource, Schema  # heavy: imported only when there are data files

    path = Path(root) / rel
    fields = {f["name"]: f for f in schema["fields"]}
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return [_finding(rel, "data-tidak-terbaca", "Berkas data bukan CSV UTF-8 yang dapat dibaca.",
                         "Simpan ulang sebagai CSV (UTF-8, pemisah koma).")]  # fmt: skip
    header = [h.strip() for h in header]
    if not any(header):
        return [_finding(rel, "data-kosong", "Berkas data kosong: baris pertama harus berisi judul kolom.",
                         "Tulis slug variabel sebagai judul kolom di baris pertama, atau hapus berkasnya.", 1)]  # fmt: skip
    labels = _label_findings(rel, header)
    if labels:
        return labels
    unknown = [h for h in header if h not in fields]
    if unknown:
        return [_finding(rel, "data-kolom-tak-dikenal", f"Kolom '{h}' bukan slug variabel (MS-Var) kegiatan ini.",
                         "Judul kolom adalah nama berkas variabel tanpa .yaml; yang ada: " + ", ".join(fields) + ".",
                         1, h) for h in unknown]  # fmt: skip
    used = Schema.from_descriptor({"fields": [fields[h] for h in header]})
    # relative path + basepath: Frictionless refuses absolute paths as unsafe
    report = Resource(path=path.name, basepath=str(path.parent), schema=used, format="csv", encoding="utf-8").validate()
    out = []
    for task in report.tasks:
        for error in task.errors:
            label = getattr(error, "field_name", None) or getattr(error, "label", None)
            title = fields.get(label, {}).get("title") if label else None
            cell = getattr(error, "cell", "")
            ftype = fields.get(label, {}).get("type", "string") if label else "string"
            text = MESSAGES.get(error.type, "Frictionless melaporkan '{kind}': {note}")
            kode = CODES.get(error.type) or (f"data-{error.type}" if error.type in MESSAGES else "data-tidak-sesuai")
            out.append(_finding(
                rel, kode,
                text.format(cell=cell, type=TYPE_WORDS.get(ftype, ftype), label=label, note=error.note, kind=error.type),
                "Perbaiki selnya di berkas CSV, atau perbaiki Tipe Data/Klasifikasi Isian di MS-Var variabel tersebut.",
                getattr(error, "row_number", None), label, title,
            ))  # fmt: skip
    return out


def _label_findings(rel: str, header: list[str]) -> list[Finding]:
    """Blank and repeated column titles, which Frictionless cannot even build a schema for."""
    out = [
        _finding(
            rel,
            "data-blank-label",
            f"Kolom ke-{i} tanpa judul.",
            "Tulis slug variabel di atas kolom ini, atau hapus kolomnya.",
            1,
            f"kolom {i}",
        )
        for i, h in enumerate(header, 1)
        if not h
    ]
    for h in sorted({h for h in header if h and header.count(h) > 1}):
        out.append(_finding(rel, "data-duplicate-label", f"Judul kolom '{h}' ditulis {header.count(h)} kali.",
                            "Hapus kolom yang berulang; satu kolom untuk satu variabel.", 1, h))  # fmt: skip
    return out
