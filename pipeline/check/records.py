"""Records → findings that need one file only: schema, code lists and the activity's own rules.

These are cached per file (``engine``). Only what a JSON Schema cannot express (dates, the year
in the folder name) is written here in Python; everything else comes from ``schemas/``.
"""

from __future__ import annotations

from ..codes import GALAT, PERINGATAN, Finding
from ..contract.schema import RecordSchema, Schemas
from ..read.catalog import Record, data_at
from .alur import alur_findings
from .messages import at, choices, fmt, schema_findings

TITLE_PREFIXES = ("jumlah", "laporan", "database", "data ", "belanja")


def record_findings(record: Record, schemas: Schemas) -> list[Finding]:
    """Findings that depend on this one file only (so they can be cached per file)."""
    if record.doc is None or not isinstance(record.doc.data, dict):
        return []
    rs = schemas[record.kind]
    out = schema_findings(record, rs)
    out.extend(codelist_findings(record, rs, schemas))
    if record.kind == "kegiatan":
        out.extend(activity_findings(record, rs))
        out.extend(alur_findings(record, rs, schemas.sop))
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
    title = data.get("judul_kegiatan")
    if isinstance(title, str) and title.lower().startswith(TITLE_PREFIXES):
        out.append(
            at(
                record,
                rs,
                ("judul_kegiatan",),
                "judul-awalan",
                "Judul kegiatan diawali kata yang oleh BPS dinilai keliru (Jumlah, Laporan, Database, Data, Belanja).",
                "Awali judul dengan cara pengumpulan data, misalnya 'Kompilasi Produk Administrasi …' atau 'Survei …'.",
                PERINGATAN,
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
