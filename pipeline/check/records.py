"""Records → findings that need one file only: schema, code lists and the activity's own rules.

These are cached per file (``engine``). Only what a JSON Schema cannot express (dates, the year
in the folder name) is written here in Python; everything else comes from ``schemas/``.
"""

from __future__ import annotations

import functools
import re

from ..codes import GALAT, PERINGATAN, Finding
from ..contract.schema import RecordSchema, Schemas
from ..read.catalog import Record, data_at
from .alur import alur_findings
from .messages import at, choices, fmt, schema_findings
from .naming import naming_findings


def record_findings(record: Record, schemas: Schemas) -> list[Finding]:
    """Findings that depend on this one file only (so they can be cached per file)."""
    if record.doc is None or not isinstance(record.doc.data, dict):
        return []
    rs = schemas[record.kind]
    out = schema_findings(record, rs)
    out.extend(codelist_findings(record, rs, schemas))
    out.extend(naming_findings(record, rs))
    out.extend(option_findings(record, rs))
    if record.kind == "kegiatan":
        out.extend(activity_findings(record, rs))
        out.extend(coverage_findings(record, rs, schemas))
        out.extend(alur_findings(record, rs, schemas.sop))
    return out


# --- options: form versions and 'Lainnya' ---------------------------------------------------


def _chosen(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@functools.cache
def _option_fields(rs: RecordSchema) -> tuple:
    """The fields :func:`option_findings` looks at: options tied to a form version, or a 'Lainnya' text."""
    paths = {f.path for f in rs.fields()}
    return tuple(
        f
        for f in rs.fields()
        if f.options and (f.schema.get("x-versi-pilihan") or f.path[:-1] + (f.key + "_lainnya",) in paths)
    )


def option_findings(record: Record, rs: RecordSchema) -> list[Finding]:
    """An option that is not on the form version the record says it copies (``x-versi-pilihan``),
    and a 'Lainnya (sebutkan)' text that names one of the field's own options."""
    data = record.data
    version = data.get("versi_formulir")
    out = []
    for fld in _option_fields(rs):
        value = data_at(data, fld.path)
        if value is None:
            continue
        versions = fld.schema.get("x-versi-pilihan") or {}
        for option in _chosen(value):
            if isinstance(version, str) and option in versions and version not in versions[option]:
                out.append(_version_finding(record, rs, fld, option, version))
        other = data_at(data, fld.path[:-1] + (fld.key + "_lainnya",))
        if isinstance(other, str) and "Lainnya" in _chosen(value):
            named = _named_option(other, [o for o in fld.options if o != "Lainnya"])
            if named:
                out.append(
                    at(record, rs, fld.path[:-1] + (fld.key + "_lainnya",), "lainnya-sama",
                       f"Uraian 'Lainnya' ({fmt(other)}) adalah pilihan '{named}' yang tersedia pada isian ini.",
                       f"Pilih '{named}' dan hapus 'Lainnya' beserta uraiannya, kecuali ada cara lain yang belum tercakup.",
                       PERINGATAN)
                )  # fmt: skip
    return out


def _version_finding(record: Record, rs: RecordSchema, fld, option: str, version: str) -> Finding:
    code = fld.codes.get(option)
    there = [
        o for o, vs in (fld.schema.get("x-versi-pilihan") or {}).items() if version in vs and fld.codes.get(o) == code
    ]
    meaning = f"; di sana kode {code} berarti '{there[0]}'" if there and code is not None else ""
    return at(
        record,
        rs,
        fld.path,
        "versi-pilihan",
        f"Pilihan '{option}' tidak ada pada formulir {version} (versi_formulir){meaning}.",
        "Periksa kode yang ditulis pada formulir aslinya, atau perbaiki versi_formulir.",
        PERINGATAN,
    )


def _named_option(text: str, options: list[str]) -> str | None:
    """The option a free text is: the same words, or the abbreviation in its brackets (PAPI …)."""
    words = set(re.findall(r"[a-z0-9]+", text.casefold()))
    folded = " ".join(re.findall(r"[a-z0-9]+", text.casefold()))
    for option in options:
        plain = " ".join(re.findall(r"[a-z0-9]+", option.casefold()))
        short = re.findall(r"\(([^)]+)\)", option)
        if folded == plain or any(s.casefold() in words for s in short):
            return option
    return None


def coverage_findings(record: Record, rs: RecordSchema, schemas: Schemas) -> list[Finding]:
    """4.5 written as a count ('Riau, 12 Kabupaten/Kota'): not more than the province has."""
    rows = data_at(record.data, ("desain_kegiatan", "wilayah_kegiatan"))
    if not isinstance(rows, list) or "wilayah" not in schemas.codelists:
        return []
    out = []
    regions = schemas.codelists["wilayah"]
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not isinstance(row.get("jumlah_kabupaten_kota"), int):
            continue
        province = row.get("provinsi")
        count = sum(1 for r in regions.rows if r.get("tingkat") == "kabupaten" and r.get("induk") == province)
        if count and row["jumlah_kabupaten_kota"] > count:
            name = regions.lookup().get(province, {}).get("nama", province)
            out.append(
                at(record, rs, ("desain_kegiatan", "wilayah_kegiatan", i, "jumlah_kabupaten_kota"), "wilayah-jumlah",
                   f"Provinsi {name} memiliki {count} kabupaten/kota menurut {regions.path}, bukan {row['jumlah_kabupaten_kota']}.",
                   f"Periksa jumlahnya, atau tambahkan kabupaten/kota baru ke {regions.local_path or 'daftar kode lokal'}.",
                   PERINGATAN)
            )  # fmt: skip
    return out


# --- code lists ----------------------------------------------------------------------------


def codelist_findings(record: Record, rs: RecordSchema, schemas: Schemas) -> list[Finding]:
    out = []
    for path, value, ref in rs.coded_values(record.data):
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            continue
        if ref["daftar"] == "@daftar":
            names = sorted(schemas.codelists)
            if value not in names:
                out.append(
                    at(
                        record,
                        rs,
                        path,
                        "kode-daftar-tak-dikenal",
                        f"Daftar kode {fmt(value)} tidak ada di schemas/kode.",
                        choices(names, value),
                    )
                )
            continue
        cl = schemas.codelists[ref["daftar"]]
        if str(value) in schemas.allowed(ref["daftar"], ref.get("kolom"), ref.get("tingkat")):
            continue
        allowed = cl.values(ref.get("kolom"), ref.get("tingkat"))
        tingkat = PERINGATAN if ref.get("peringatan") else GALAT
        hint = choices(allowed, str(value)) if len(allowed) <= 30 else f"Lihat {cl.path} untuk kode yang sah."
        if tingkat == PERINGATAN:
            hint = f"Gunakan nilai dari {cl.path}, atau usulkan tambahan ke Walidata. " + hint
        level = f" tingkat {ref['tingkat']}" if ref.get("tingkat") else ""
        out.append(
            at(
                record,
                rs,
                path,
                "kode-tidak-dikenal",
                f"Nilai {fmt(value)} tidak ada di daftar kode {cl.title}{level}.",
                hint,
                tingkat,
            )
        )
    if record.kind == "variabel":
        out.extend(_classification_findings(record, rs, schemas))
    return out


def _classification_findings(record: Record, rs: RecordSchema, schemas: Schemas) -> list[Finding]:
    """MS-Var column 9: codes written out must exist in the code list the variable cites."""
    data = record.data
    cl = schemas.codelists.get(data.get("klasifikasi_referensi") or "")
    items = data.get("klasifikasi_isian")
    if cl is None or not isinstance(items, list):
        return []
    known = cl.lookup()
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "kode" not in item:
            continue
        kode = str(item["kode"])
        if kode not in known:
            out.append(
                at(
                    record,
                    rs,
                    ("klasifikasi_isian", i, "kode"),
                    "kode-klasifikasi",
                    f"Kode {fmt(kode)} tidak ada di daftar {cl.title} ({cl.path}).",
                    'Periksa kodenya; kode berawalan nol ditulis dalam tanda kutip, misalnya "01111".',
                )
            )
    return out


# --- one activity --------------------------------------------------------------------------


def _bound(value: str, end: bool) -> str:
    """'2025-03' → '2025-03-01' (start) or '2025-03-31' (end-ish) for ordering."""
    return value if len(value) == 10 else value + ("-31" if end else "-01")


def _earlier(a: str, b: str) -> bool:
    """Is date ``a`` before ``b``? A month without a day is compared at month level."""
    day_a, day_b = _bound(a, False), _bound(b, False)
    if len(a) == 7 or len(b) == 7:
        return day_a[:7] < day_b[:7]
    return day_a < day_b


def activity_findings(record: Record, rs: RecordSchema) -> list[Finding]:
    """Checks of one activity that need nothing but its own file."""
    data = record.data
    out = []
    dir_year = record.slug.split("-", 1)[0]
    if isinstance(data.get("tahun"), int) and str(data["tahun"]) != dir_year:
        out.append(
            at(
                record,
                rs,
                ("tahun",),
                "tahun-folder",
                f"Tahun {data['tahun']} tidak sama dengan tahun pada nama folder ({dir_year}).",
                f"Samakan isian tahun dengan nama folder, atau ganti nama folder menjadi {data['tahun']}-…",
            )
        )
    jadwal = data_at(data, ("perencanaan", "jadwal"))
    if isinstance(jadwal, dict):
        starts = []
        for phase, ranges in jadwal.items():
            if not isinstance(ranges, list):
                continue
            for i, r in enumerate(ranges):
                if not (isinstance(r, dict) and isinstance(r.get("awal"), str) and isinstance(r.get("akhir"), str)):
                    continue
                if _bound(r["awal"], False) > _bound(r["akhir"], True):
                    out.append(
                        at(
                            record,
                            rs,
                            ("perencanaan", "jadwal", phase, i, "akhir"),
                            "jadwal-terbalik",
                            f"Akhir ({r['akhir']}) lebih awal daripada awal ({r['awal']}).",
                            "Tukar atau perbaiki tanggal awal dan akhir.",
                        )
                    )
            firsts = [r["awal"] for r in ranges if isinstance(r, dict) and isinstance(r.get("awal"), str)]
            if firsts:
                starts.append((phase, min(firsts, key=lambda d: _bound(d, False))))
        for (prev, p_start), (phase, start) in zip(starts, starts[1:], strict=False):
            if _earlier(start, p_start):
                out.append(
                    at(
                        record,
                        rs,
                        ("perencanaan", "jadwal", phase),
                        "jadwal-urutan",
                        f"Fase ini dimulai ({start[:7]}) sebelum fase sebelumnya '{prev}' ({p_start[:7]}).",
                        "Susun jadwal mengikuti urutan proses bisnis: perencanaan, desain, pengumpulan, pengolahan, analisis, diseminasi, evaluasi.",
                        PERINGATAN,
                    )
                )
    return out
