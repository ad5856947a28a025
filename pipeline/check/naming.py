"""Records → warnings about names and concepts, the mistakes BPS lists when it reviews Indah entries.

Source: BPS Provinsi Riau, *Metadata Statistik (MS-Keg, MS-Ind, MS-Var)*, 26 July 2023 (the
"kesalahan" slides of the 2023 evaluation of Indah records), and the Romantik review checklist
(BPS, *Panduan Pemeriksaan Rekomendasi Kegiatan Statistik*), as summarised in the project's
standards note. Every check is a warning: the reviewer decides.

- MS-Keg title: not opened by a word BPS found wrong (Jumlah, Kunjungan, Laporan, Database,
  Verifikasi Data, Informasi, Belanja Bahan, Peningkatan, Data); names its collection method and
  not another one; no year in the title of a recurring activity.
- MS-Var/MS-Ind name: not an abbreviation ("nama variabel tidak disingkat"); an indicator is a
  computed value, not a classification ("Jenis Kelamin itu merupakan Variabel bukan Indikator").
- Konsep: a short phrase, the idea behind the data; not the definition copied, not a dash.
- MS-Ind formula: a Word equation pasted as text cannot be read by Indah.
"""

from __future__ import annotations

import re

from ..codes import PERINGATAN, Finding
from ..contract.schema import RecordSchema
from ..read.catalog import Record, data_at
from .messages import at

TITLE_PREFIXES = (
    "jumlah ",
    "kunjungan ",
    "laporan ",
    "database ",
    "verifikasi data ",
    "informasi ",
    "belanja ",
    "peningkatan ",
    "data ",
)
"""Title openings BPS found wrong, as lower-case prefixes (the web editor checks the same list)."""
METHOD_WORDS = {
    "Survei": ("survei", "survey"),
    "Pencacahan Lengkap": ("pencacahan lengkap", "sensus", "pendataan"),
    "Kompilasi Produk Administrasi": ("kompilasi",),
}
NOT_INDICATORS = ("jenis", "kelompok", "nama", "alamat", "kode", "tanggal", "nomor")
YEAR = r"\b(19|20)\d\d\b"
WORD_EQUATION = ((0x1D400, 0x1D7FF), (0x2061, 0x2064))  # code points: math letters, invisible operators
KONSEP_MAX = 150
_YEAR = re.compile(YEAR)
_TOKEN = re.compile(r"[a-z0-9]+")
_BRACKETS = re.compile(r"\([^)]*\)")
_WORDLIKE = re.compile(r"\w")
_WORD_EQUATION = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in WORD_EQUATION) + "]")


def browser_rules() -> dict:
    """The word lists and limits of these checks, for the web editor's checker (publish/editor.py)."""
    return {
        "awalan_judul": list(TITLE_PREFIXES),
        "cara": {method: list(words) for method, words in METHOD_WORDS.items()},
        "bukan_indikator": list(NOT_INDICATORS),
        "tahun": YEAR,
        "rumus_word": [list(r) for r in WORD_EQUATION],
        "konsep_maks": KONSEP_MAX,
    }


def _words(text: str) -> str:
    return " " + " ".join(_TOKEN.findall(text.casefold())) + " "


def _names(text: str, phrases) -> list[str]:
    words = _words(text)
    return [p for p in phrases if f" {p} " in words]


def naming_findings(record: Record, rs: RecordSchema) -> list[Finding]:
    if record.kind == "kegiatan":
        return title_findings(record, rs)
    if record.kind in ("variabel", "indikator"):
        return name_findings(record, rs) + concept_findings(record, rs)
    return []


def title_findings(record: Record, rs: RecordSchema) -> list[Finding]:
    data = record.data
    title = data.get("judul_kegiatan")
    if not isinstance(title, str) or not title.strip():
        return []
    out = []
    where = ("judul_kegiatan",)
    opening = next((p for p in TITLE_PREFIXES if title.lower().startswith(p)), None)
    if opening:
        out.append(at(record, rs, where, "judul-awalan",
                      f"Judul kegiatan diawali '{opening.strip().capitalize()}', awalan yang oleh BPS dinilai keliru "
                      "(Jumlah, Kunjungan, Laporan, Database, Verifikasi Data, Informasi, Belanja Bahan, Peningkatan, Data).",
                      "Awali judul dengan cara pengumpulan data, misalnya 'Kompilasi Produk Administrasi …' atau 'Survei …'.",
                      PERINGATAN))  # fmt: skip
    method = data.get("cara_pengumpulan_data")
    if method in METHOD_WORDS:
        others = [m for m, words in METHOD_WORDS.items() if m != method and _names(title, words)]
        if others:
            out.append(at(record, rs, where, "judul-cara",
                          f"Judul menyebut '{others[0]}', padahal cara pengumpulan datanya '{method}'.",
                          "Samakan judul dengan cara pengumpulan data, atau perbaiki isian Cara Pengumpulan Data.",
                          PERINGATAN))  # fmt: skip
        elif not _names(title, METHOD_WORDS[method]):
            out.append(at(record, rs, where, "judul-cara",
                          f"Judul tidak menyebut cara pengumpulan datanya ('{method}'); judul minimal memuat cara "
                          "pengumpulan data, komponen utama, cakupan wilayah dan periode.",
                          f"Tulis judul misalnya '{method} {title.strip()}'.", PERINGATAN))  # fmt: skip
    recurring = data_at(data, ("desain_kegiatan", "kegiatan_dilakukan")) == "Berulang"
    year = _YEAR.search(title)
    if recurring and year:
        out.append(at(record, rs, where, "judul-tahun",
                      f"Judul kegiatan berulang memuat tahun ({year.group()}).",
                      "Hapus tahun dari judul: tahun pelaksanaan sudah dicatat di isian Tahun dan nama folder.",
                      PERINGATAN))  # fmt: skip
    return out


def _abbreviation(name: str) -> bool:
    """'PDRB', 'ASB', 'IPM 2024': only capitals and digits, once expansions in brackets are left out."""
    bare = _BRACKETS.sub("", name).strip() if "(" in name else name.strip()
    if len(bare) > 12 or any(c.islower() for c in bare):
        return False
    return any(c.isalpha() for c in bare)


def name_findings(record: Record, rs: RecordSchema) -> list[Finding]:
    name = record.data.get("nama")
    if not isinstance(name, str) or not name.strip():
        return []
    out = []
    what = "variabel" if record.kind == "variabel" else "indikator"
    if _abbreviation(name):
        out.append(at(record, rs, ("nama",), "nama-singkatan",
                      f"Nama {what} '{name.strip()}' berupa singkatan; BPS meminta nama {what} tidak disingkat agar tidak ambigu.",
                      "Tulis kepanjangannya, singkatan boleh di dalam kurung, misalnya 'Produk Domestik Regional Bruto (PDRB)'."
                      + (" Kode singkat ditulis di Alias (Kolom 3)." if what == "variabel" else ""),
                      PERINGATAN))  # fmt: skip
    if record.kind == "indikator":
        words = _words(name).split()
        presented = record.data.get("klasifikasi_penyajian")
        same = isinstance(presented, list) and any(isinstance(p, str) and _words(p) == _words(name) for p in presented)
        if (words and words[0] in NOT_INDICATORS) or same:
            out.append(at(record, rs, ("nama",), "indikator-bukan-ukuran",
                          f"'{name.strip()}' tampak seperti variabel atau klasifikasi, bukan indikator; indikator adalah "
                          "nilai hasil penghitungan (jumlah, rata-rata, persentase, rasio, indeks).",
                          "Laporkan sebagai MS-Var (atau Klasifikasi Penyajian), atau beri nama nilai yang dihitung, "
                          "misalnya 'Rasio Jenis Kelamin'.", PERINGATAN))  # fmt: skip
    return out


def concept_findings(record: Record, rs: RecordSchema) -> list[Finding]:
    data = record.data
    out = []
    konsep, definisi = data.get("konsep"), data.get("definisi")
    if isinstance(konsep, str) and konsep.strip():
        problem = None
        if not _WORDLIKE.search(konsep):
            problem = f"Konsep hanya berisi '{konsep.strip()}'."
        elif isinstance(definisi, str) and abs(len(konsep) - len(definisi)) <= 8 and _words(konsep) == _words(definisi):
            problem = "Konsep sama persis dengan definisi."
        elif len(konsep) > KONSEP_MAX:
            problem = f"Konsep terlalu panjang ({len(konsep)} karakter) untuk sebuah frasa."
        if problem:
            out.append(at(record, rs, ("konsep",), "konsep-tidak-tepat",
                          problem + " Konsep adalah ide yang mendasari data dan tujuan data diproduksi (Perpres 39/2019), "
                          "berupa frasa singkat.",
                          "Tulis konsep dari Standar Data Statistik Nasional bila ada, atau samakan dengan nama; "
                          "uraian panjang masuk Definisi.", PERINGATAN))  # fmt: skip
    formula = data.get("metode_perhitungan")
    if record.kind == "indikator" and isinstance(formula, str) and _WORD_EQUATION.search(formula):
        out.append(at(record, rs, ("metode_perhitungan",), "rumus-word",
                      "Metode/Rumus Penghitungan memuat huruf rumus dari Word Equation, yang tidak terbaca di Indah.",
                      "Uraikan cara menghitung dengan kata-kata, dan tulis rumusnya dalam LaTeX di isian rumus, "
                      "misalnya \\frac{a}{b} \\times 100.", PERINGATAN))  # fmt: skip
    return out
