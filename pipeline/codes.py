"""Findings and the registry of their codes: what the tool can say, in words a person can act on.

Like frictionless' errors, every finding has a stable ``kode`` (for tools, tests and the docs)
and an Indonesian message (for people): which file and line, which form item, what is wrong and
how to fix it. Every code is registered here once, with its default severity, the area it
belongs to, what it means and the usual fix; a :class:`Finding` with a code that is not
registered cannot be made. ``docs/kode-temuan.md`` is generated from this table
(``satudata kode --perbarui``); rules written in the schemas as ``x-aturan`` are one family,
``aturan-<id>``, documented from the schemas themselves.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

GALAT = "galat"
PERINGATAN = "peringatan"
LEVELS = (GALAT, PERINGATAN)

# Exit codes of every satudata command
EXIT_OK = 0  # nothing to report (warnings may have been printed)
EXIT_FINDINGS = 1  # the input has errors (findings of level galat), or the request was refused
EXIT_USAGE = 2  # the command was called wrongly (click's own exit code for usage errors)
EXIT_ENVIRONMENT = 3  # the machine or repository failed: git, disk, permissions, a port in use


@dataclass(frozen=True)
class Code:
    kode: str
    tingkat: str  # default severity: galat | peringatan
    bidang: str  # the area: one of AREAS
    arti: str  # what it means, one line
    saran: str  # the usual fix


AREAS = (
    "Berkas", "Katalog", "Skema", "Aturan", "Daftar kode", "Kegiatan", "Antarrekaman", "Data", "Alur SOP", "Peran", "PR",
    "Excel", "Indah", "Portal", "Lingkungan",
)  # fmt: skip
"""The areas, in the order the reference (docs/kode-temuan.md) lists them."""


class UnregisteredCode(LookupError):
    """A finding was made with a code that is not in :data:`REGISTRY` (a programming error)."""


REGISTRY: dict[str, Code] = {}
FAMILIES: dict[str, Code] = {}  # prefix → description of a family of codes defined elsewhere
EMITTED: set[str] = set()  # codes of every finding made in this process (for the test suite)


def register(kode: str, tingkat: str, bidang: str, arti: str, saran: str) -> Code:
    if kode in REGISTRY:
        raise ValueError(f"code {kode!r} registered twice")
    if tingkat not in LEVELS or bidang not in AREAS:
        raise ValueError(f"{kode}: severity {tingkat!r} or area {bidang!r}")
    code = REGISTRY[kode] = Code(kode, tingkat, bidang, arti, saran)
    return code


def family(prefix: str, tingkat: str, bidang: str, arti: str, saran: str) -> Code:
    """A family of codes ``<prefix><id>`` whose members are defined elsewhere (``aturan-``: the schemas)."""
    code = FAMILIES[prefix] = Code(prefix + "*", tingkat, bidang, arti, saran)
    return code


def lookup(kode: str) -> Code:
    """The registered code, or the family it belongs to; raises :class:`UnregisteredCode`."""
    code = REGISTRY.get(kode)
    if code is not None:
        return code
    for prefix, fam in FAMILIES.items():
        if kode.startswith(prefix) and len(kode) > len(prefix):
            return fam
    raise UnregisteredCode(kode)


@dataclass(frozen=True)
class Finding:
    kode: str
    tingkat: str  # galat | peringatan
    berkas: str
    pesan: str
    saran: str
    baris: int | None = None
    lokasi: str | None = None  # dotted field path inside the record
    nomor: str | None = None  # form item number, e.g. "4.2" or "Kolom 15"
    label: str | None = None  # the item's Indonesian label
    formulir: str | None = None  # MS-Keg, MS-Var, MS-Ind, OPD

    def __post_init__(self) -> None:
        lookup(self.kode)
        if self.tingkat not in LEVELS:
            raise ValueError(f"{self.kode}: severity {self.tingkat!r}")
        EMITTED.add(self.kode)

    def __reduce__(self):
        # Findings made in worker processes or read back from the cache are checked and counted too.
        return (Finding, tuple(getattr(self, f) for f in self.__dataclass_fields__))

    @property
    def is_error(self) -> bool:
        return self.tingkat == GALAT

    def sort_key(self):
        return (self.berkas, self.baris or 0, self.lokasi or "", self.kode)

    def to_dict(self) -> dict:
        return asdict(self)

    def where(self) -> str:
        return f"{self.berkas}:{self.baris}" if self.baris else self.berkas

    def item(self) -> str:
        """'MS-Keg 4.2 Frekuensi Penyelenggaraan' (or whatever part of that is known)."""
        parts = [p for p in (self.formulir, self.nomor, self.label) if p]
        return " ".join(parts)


class SatudataError(Exception):
    """A failure a person can act on, as the command line reports it: a registered code, an Indonesian
    message and fix, and the exit code of its kind (1: the input or request is refused, 2: the command
    was called wrongly, 3: the environment failed, such as git or the disk).

    Subclasses name their default ``kode`` and ``keluar``; the command line prints any of them
    without a traceback."""

    kode = "satudata-internal"
    keluar = EXIT_FINDINGS

    def __init__(self, pesan: str, saran: str | None = None, *, kode: str | None = None):
        super().__init__(pesan)
        self.kode = kode or type(self).kode
        self.pesan = pesan
        self.saran = saran if saran is not None else lookup(self.kode).saran
        EMITTED.add(self.kode)


# The JSON Schema keywords that fail with a code of their own (skema-<keyword>) are those the bundled
# schemas use outside x-aturan rules (tests/test_codes.py keeps the two in step); a failure inside a
# rule takes the rule's code. required and additionalProperties are named by what they mean.
SCHEMA_KEYWORD_CODES = {"required": "skema-wajib", "additionalProperties": "skema-isian-tak-dikenal"}


def schema_code(keyword: str | None) -> str:
    """The code for a failed JSON Schema keyword (``None`` for a ``false`` subschema). Keywords without
    a code of their own, which a catalog's own schemas may use, share ``skema-lain``."""
    code = SCHEMA_KEYWORD_CODES.get(keyword, f"skema-{keyword}") if keyword else "skema-lain"
    return code if code in REGISTRY else "skema-lain"


def finding(
    kode: str, berkas: str, pesan: str, saran: str | None = None, tingkat: str | None = None, **where
) -> Finding:
    """A finding of a registered code; severity and fix default to the registry's."""
    code = lookup(kode)
    return Finding(kode, tingkat or code.tingkat, berkas, pesan, saran if saran is not None else code.saran, **where)


# --- the registry ---------------------------------------------------------------------------
_ = register

# Reading files (pipeline.read.loader)
_(
    "berkas-terlalu-besar",
    GALAT,
    "Berkas",
    "Berkas melebihi 1 MiB; satu rekaman metadata jauh lebih kecil.",
    "Pecah atau periksa isi berkas.",
)
_(
    "berkas-biner",
    GALAT,
    "Berkas",
    "Berkas berisi data biner, bukan teks YAML.",
    "Simpan rekaman sebagai teks YAML (.yaml).",
)
_("berkas-bukan-utf8", GALAT, "Berkas", "Berkas bukan teks UTF-8.", "Simpan ulang berkas dengan encoding UTF-8.")
_("berkas-tidak-terbaca", GALAT, "Berkas", "Berkas tidak dapat dibaca dari disk.", "Periksa izin berkas.")
_(
    "yaml-sintaks",
    GALAT,
    "Berkas",
    "YAML tidak dapat dibaca (indentasi, titik dua, tanda kutip).",
    "Periksa indentasi dan tanda kutip di sekitar baris yang disebut.",
)
_(
    "yaml-tag",
    GALAT,
    "Berkas",
    "Tag YAML (!!python, !ref …) tidak didukung.",
    "Hapus tag; tulis nilainya sebagai teks atau angka biasa.",
)
_(
    "yaml-karakter",
    GALAT,
    "Berkas",
    "Teks memuat karakter kendali (U+0000–U+001F selain tab dan baris baru, U+007F–U+009F) atau bukan-karakter "
    "Unicode (U+FFFE, U+FFFF …), yang tidak dapat ditampilkan portal maupun ditulis ke XML dan Excel.",
    "Hapus karakter itu (biasanya ikut tersalin dari PDF atau Word), atau escape-nya (\\v, \\0, \\x0b, \\uFFFE) "
    "di teks bertanda kutip ganda.",
)
_("yaml-alias", GALAT, "Berkas", "Alias YAML (& dan *) tidak didukung.", "Salin nilainya secara lengkap.")
_("yaml-gabung", GALAT, "Berkas", "Kunci gabungan YAML '<<' tidak didukung.", "Tulis setiap isian secara lengkap.")
_("yaml-kunci-ganda", GALAT, "Berkas", "Satu isian ditulis dua kali.", "Hapus salah satu.")
_(
    "yaml-kunci-kompleks",
    GALAT,
    "Berkas",
    "Nama isian berupa daftar atau objek.",
    "Tulis nama isian sebagai teks biasa.",
)
_(
    "yaml-banyak-dokumen",
    GALAT,
    "Berkas",
    "Berkas berisi lebih dari satu dokumen YAML.",
    "Satu berkas untuk satu rekaman.",
)
_("yaml-terlalu-dalam", GALAT, "Berkas", "Struktur bersarang terlalu dalam.", "Periksa tanda kurung atau indentasi.")
_(
    "yaml-bukan-objek",
    GALAT,
    "Berkas",
    "Isi berkas bukan kumpulan isian 'nama: nilai'.",
    "Tulis rekaman sebagai pasangan nama isian dan nilai.",
)

# The catalog tree (pipeline.read.catalog)
_(
    "katalog-tidak-ada",
    GALAT,
    "Katalog",
    "Folder metadata/ tidak ditemukan.",
    "Jalankan perintah dari folder katalog, atau sebutkan foldernya.",
)
_("berkas-ekstensi", GALAT, "Katalog", "Berkas berakhiran .yml tidak dibaca.", "Ganti akhiran menjadi .yaml.")
_(
    "berkas-tak-dikenal",
    PERINGATAN,
    "Katalog",
    "Berkas atau folder di tempat yang tidak dikenal; diabaikan.",
    "Pindahkan atau hapus; lihat susunan folder di README.",
)
_("opd-tidak-ada", GALAT, "Katalog", "Folder OPD tanpa opd.yaml.", "Buat opd.yaml berisi identitas OPD.")
_(
    "kegiatan-tidak-ada",
    GALAT,
    "Katalog",
    "Folder kegiatan tanpa kegiatan.yaml.",
    "Buat kegiatan.yaml (MS-Keg) atau hapus foldernya.",
)
_(
    "slug-tidak-sah",
    GALAT,
    "Katalog",
    "Nama folder atau berkas bukan slug (a-z, 0-9, tanda hubung).",
    "Ganti nama sesuai saran.",
)
_(
    "tautan-simbolik",
    GALAT,
    "Katalog",
    "Tautan simbolik (symlink) di katalog ditolak dan tidak diikuti: bisa menunjuk ke luar repositori.",
    "Ganti tautan dengan berkas atau folder sebenarnya, atau hapus tautannya (git rm JALUR).",
)
_(
    "di-luar-katalog",
    GALAT,
    "Katalog",
    "Jalur yang disebut berada di luar folder katalog; tidak dibaca maupun ditulis.",
    "Sebutkan berkas di dalam folder katalog.",
)
_(
    "cache-di-katalog",
    PERINGATAN,
    "Katalog",
    "Folder .satudata-cache/ di dalam katalog diabaikan; cache pemeriksaan disimpan di luar repositori.",
    "Hapus folder itu; jika ikut di-commit: git rm -r --cached .satudata-cache lalu commit.",
)

# JSON Schema, one code per failing keyword (pipeline.check.messages; see SCHEMA_KEYWORD_CODES)
_("skema-wajib", GALAT, "Skema", "Isian wajib belum diisi.", "Isi isian tersebut sesuai petunjuk.")
_("skema-isian-tak-dikenal", GALAT, "Skema", "Nama isian tidak ada pada formulir.", "Periksa ejaan nama isian.")
_("skema-type", GALAT, "Skema", "Jenis nilai salah (teks, angka, daftar …).", "Tulis nilai dengan jenis yang diminta.")
_("skema-enum", GALAT, "Skema", "Nilai bukan salah satu pilihan yang sah.", "Pilih salah satu pilihan isian.")
_(
    "skema-pattern",
    GALAT,
    "Skema",
    "Format teks tidak sesuai (kode, tanggal, nomor).",
    "Ikuti contoh format pada petunjuk.",
)
_("skema-minLength", GALAT, "Skema", "Teks kosong.", "Isi teksnya atau hapus isian yang tidak wajib.")
_("skema-maxLength", GALAT, "Skema", "Teks terlalu panjang.", "Persingkat teksnya.")
_("skema-minItems", GALAT, "Skema", "Daftar kosong atau terlalu pendek.", "Tambahkan butir daftar.")
_("skema-uniqueItems", GALAT, "Skema", "Ada butir daftar yang ditulis dua kali.", "Hapus butir yang sama.")
_("skema-minimum", GALAT, "Skema", "Angka lebih kecil dari batas bawah.", "Periksa angkanya.")
_("skema-maximum", GALAT, "Skema", "Angka lebih besar dari batas atas.", "Periksa angkanya.")
_("skema-exclusiveMinimum", GALAT, "Skema", "Angka harus lebih besar dari batas bawah.", "Periksa angkanya.")
_("skema-minProperties", GALAT, "Skema", "Kumpulan isian kosong.", "Isi paling sedikit satu isian.")
_(
    "skema-lain",
    GALAT,
    "Skema",
    "Nilai tidak memenuhi aturan skema katalog sendiri yang kata kuncinya tidak dipakai skema bawaan.",
    "Periksa isian terhadap petunjuk pengisian; pesan menyebut kata kuncinya.",
)
_(
    "berkas-skema-rusak",
    GALAT,
    "Skema",
    "Berkas skema di schemas/ tidak dapat dibaca: bukan JSON yang sah, bukan objek, atau bukan JSON Schema 2020-12 yang sah.",
    "Perbaiki berkas yang disebut pesan (atau pulihkan dari git: git checkout -- schemas/); skema diubah hanya lewat PR Walidata.",
)
family(
    "aturan-",
    GALAT,
    "Aturan",
    "Aturan lintas isian Peraturan BPS 5/2020, ditulis di skema sebagai x-aturan (pesan dan saran ikut di sana).",
    "Lihat pesan aturan.",
)

# Code lists (pipeline.check.records)
_(
    "daftar-kode-rusak",
    GALAT,
    "Daftar kode",
    "schemas/kode/datapackage.json atau salah satu CSV-nya tidak dapat dibaca (bukan JSON/CSV UTF-8 yang sah, "
    "berkas hilang, atau kolom kunci tidak ada).",
    "Perbaiki berkas yang disebut pesan (atau pulihkan dari git: git checkout -- schemas/kode/).",
)
_(
    "kode-tidak-dikenal",
    GALAT,
    "Daftar kode",
    "Nilai tidak ada di daftar kode (schemas/kode/).",
    "Pilih kode dari daftar, atau usulkan tambahan ke Walidata.",
)
_(
    "kode-daftar-tak-dikenal",
    GALAT,
    "Daftar kode",
    "Nama daftar kode tidak ada di schemas/kode/.",
    "Pilih nama daftar yang ada.",
)
_(
    "kode-klasifikasi",
    GALAT,
    "Daftar kode",
    "Kode klasifikasi isian (MS-Var kolom 9) tidak ada di daftar yang dirujuk.",
    "Periksa kodenya; kode berawalan nol ditulis dalam tanda kutip.",
)
_(
    "kode-lokal-beda",
    PERINGATAN,
    "Daftar kode",
    "Baris daftar kode lokal menimpa baris daftar nasional dengan isi berbeda.",
    "Hapus baris lokal bila daftar nasional benar; biarkan bila wilayahnya memang berubah.",
)
_(
    "kode-lokal-induk",
    GALAT,
    "Daftar kode",
    "Baris daftar kode lokal merujuk kode induk yang tidak ada.",
    "Tambahkan baris induknya atau perbaiki kode induk.",
)

# One activity (pipeline.check.records)
_(
    "tahun-folder",
    GALAT,
    "Kegiatan",
    "Tahun MS-Keg tidak sama dengan tahun pada nama folder.",
    "Samakan tahun dengan nama folder.",
)
_(
    "judul-awalan",
    PERINGATAN,
    "Kegiatan",
    "Judul diawali kata yang dinilai keliru oleh BPS (Jumlah, Laporan, Data …).",
    "Awali judul dengan cara pengumpulan data.",
)
_(
    "jadwal-terbalik",
    GALAT,
    "Kegiatan",
    "Jadwal 3.3: akhir lebih awal daripada awal.",
    "Perbaiki tanggal awal dan akhir.",
)
_("jadwal-urutan", PERINGATAN, "Kegiatan", "Jadwal 3.3 tidak mengikuti urutan proses bisnis.", "Susun fase berurutan.")
_(
    "versi-pilihan",
    PERINGATAN,
    "Kegiatan",
    "Pilihan tidak ada pada versi formulir yang disebut versi_formulir.",
    "Periksa kode pada formulir aslinya atau perbaiki versi_formulir.",
)
_(
    "lainnya-sama",
    PERINGATAN,
    "Kegiatan",
    "Uraian 'Lainnya' adalah salah satu pilihan isian itu sendiri.",
    "Pilih pilihan tersebut dan hapus 'Lainnya'.",
)
_(
    "wilayah-jumlah",
    PERINGATAN,
    "Kegiatan",
    "Jumlah kabupaten/kota 4.5 melebihi jumlah di provinsi itu.",
    "Periksa jumlahnya atau tambahkan wilayah baru ke daftar lokal.",
)

# Names and concepts of an activity's records, as BPS reviews Indah entries (pipeline.check.naming)
_(
    "judul-cara",
    PERINGATAN,
    "Kegiatan",
    "Judul kegiatan tidak menyebut cara pengumpulan datanya, atau menyebut cara lain.",
    "Awali judul dengan cara pengumpulan data (Survei, Kompilasi Produk Administrasi …).",
)
_(
    "judul-tahun",
    PERINGATAN,
    "Kegiatan",
    "Judul kegiatan berulang memuat tahun.",
    "Hapus tahun dari judul; tahun dicatat di isian Tahun.",
)
_("nama-singkatan", PERINGATAN, "Kegiatan", "Nama variabel/indikator berupa singkatan.", "Tulis kepanjangannya.")
_(
    "indikator-bukan-ukuran",
    PERINGATAN,
    "Kegiatan",
    "Nama indikator tampak seperti variabel atau klasifikasi, bukan nilai hasil penghitungan.",
    "Laporkan sebagai MS-Var, atau beri nama nilai yang dihitung.",
)
_(
    "konsep-tidak-tepat",
    PERINGATAN,
    "Kegiatan",
    "Konsep bukan frasa singkat (kosong, sama dengan definisi, atau terlalu panjang).",
    "Tulis konsep SDSN atau samakan dengan nama.",
)
_(
    "rumus-word",
    PERINGATAN,
    "Kegiatan",
    "Metode/rumus memuat huruf rumus Word Equation yang tidak terbaca di Indah.",
    "Tulis rumus dalam LaTeX di isian rumus.",
)

# Across records (pipeline.check.groups)
_(
    "msvar-kosong",
    PERINGATAN,
    "Antarrekaman",
    "Kegiatan belum memiliki MS-Var.",
    "Tambahkan satu berkas variabel/<slug>.yaml per variabel.",
)
_(
    "msvar-tidak-ada",
    GALAT,
    "Antarrekaman",
    "Variabel 3.4 belum dilaporkan sebagai MS-Var.",
    "Buat berkas MS-Var dengan nama variabel yang sama persis.",
)
_(
    "nama-ganda",
    GALAT,
    "Antarrekaman",
    "Dua variabel atau indikator satu kegiatan bernama sama.",
    "Bedakan atau gabungkan.",
)
_(
    "judul-ganda",
    GALAT,
    "Antarrekaman",
    "Judul kegiatan sama dengan kegiatan lain OPD itu pada tahun yang sama.",
    "Gabungkan kedua folder.",
)
_(
    "duplikasi-opd-lain",
    PERINGATAN,
    "Antarrekaman",
    "Nama atau definisi mirip dengan rekaman OPD lain.",
    "Periksa apakah data sudah tersedia dari OPD tersebut.",
)
_(
    "rujukan-variabel",
    GALAT,
    "Antarrekaman",
    "Variabel pembangun indikator tidak ditemukan.",
    "Tulis slug berkas variabel yang ada.",
)
_(
    "rujukan-indikator",
    GALAT,
    "Antarrekaman",
    "Indikator pembangun tidak ditemukan.",
    "Tulis slug berkas indikator yang ada.",
)
_("rujukan-diri", GALAT, "Antarrekaman", "Indikator komposit tersusun dari dirinya sendiri.", "Hapus rujukan itu.")
_("rujukan-siklus", GALAT, "Antarrekaman", "Indikator komposit saling menyusun melingkar.", "Putus lingkarannya.")
_(
    "kalimat-pertanyaan-survei",
    GALAT,
    "Antarrekaman",
    "Variabel kegiatan survei tanpa Kalimat Pertanyaan (Kolom 11).",
    "Tulis kalimat pertanyaan kuesionernya.",
)

# Data files (pipeline.check.datafiles)
_(
    "data-tidak-terbaca",
    GALAT,
    "Data",
    "Berkas data bukan CSV UTF-8 yang dapat dibaca.",
    "Simpan ulang sebagai CSV UTF-8.",
)
_(
    "data-kolom-tak-dikenal",
    GALAT,
    "Data",
    "Judul kolom CSV bukan slug variabel kegiatan.",
    "Ganti judul kolom dengan slug variabel.",
)
_("data-type-error", GALAT, "Data", "Nilai sel tidak sesuai Tipe Data variabel.", "Perbaiki sel atau Tipe Data MS-Var.")
_(
    "data-constraint-error",
    GALAT,
    "Data",
    "Nilai sel bukan kode Klasifikasi Isian variabel.",
    "Perbaiki sel atau Klasifikasi Isian MS-Var.",
)
_("data-extra-cell", GALAT, "Data", "Baris lebih panjang daripada judul kolom.", "Perbaiki baris CSV.")
_("data-missing-cell", GALAT, "Data", "Baris lebih pendek daripada judul kolom.", "Perbaiki baris CSV.")
_("data-blank-row", GALAT, "Data", "Baris kosong di berkas data.", "Hapus baris kosong.")
_("data-duplicate-label", GALAT, "Data", "Judul kolom ditulis dua kali.", "Hapus salah satu kolom.")
_("data-blank-label", GALAT, "Data", "Kolom tanpa judul.", "Beri judul kolom.")
_(
    "data-kosong",
    GALAT,
    "Data",
    "Berkas data kosong, tanpa baris judul kolom.",
    "Tulis judul kolom atau hapus berkasnya.",
)
_(
    "data-tidak-sesuai",
    GALAT,
    "Data",
    "Frictionless melaporkan masalah lain pada berkas data (jenisnya disebut di pesan).",
    "Perbaiki berkas CSV sesuai pesan.",
)

# The SOP log (pipeline.check.alur)
_(
    "alur-langkah-awal",
    GALAT,
    "Alur SOP",
    "Riwayat tidak dimulai dari langkah pembuka SOP.",
    "Tambahkan peristiwa langkah 1 di awal.",
)
_(
    "alur-transisi",
    GALAT,
    "Alur SOP",
    "Langkah tidak boleh langsung setelah langkah sebelumnya.",
    "Catat langkah yang boleh menurut SOP.",
)
_(
    "alur-survei-rekomendasi",
    GALAT,
    "Alur SOP",
    "Survei melaporkan metadata sebelum surat rekomendasi BPS.",
    "Catat langkah 2–6 lebih dulu.",
)
_(
    "alur-peran",
    GALAT,
    "Alur SOP",
    "Peran peristiwa bukan pelaksana langkah itu.",
    "Ubah peran menjadi pelaksana langkah.",
)
_(
    "alur-waktu-tidak-sah",
    GALAT,
    "Alur SOP",
    "Waktu peristiwa bukan tanggal dan jam dengan zona waktu.",
    "Tulis seperti 2025-02-03T09:00:00+07:00.",
)
_(
    "alur-waktu-mundur",
    GALAT,
    "Alur SOP",
    "Waktu peristiwa lebih awal daripada peristiwa sebelumnya.",
    "Periksa tanggal dan jamnya.",
)
_(
    "alur-surat-wajib",
    GALAT,
    "Alur SOP",
    "Langkah surat rekomendasi tanpa nomor atau tanggal surat.",
    "Salin nomor dan tanggal dari surat BPS.",
)
_(
    "alur-surat-awalan",
    GALAT,
    "Alur SOP",
    "Awalan nomor surat tidak sesuai cara pengumpulan data (V-/K-).",
    "Periksa nomor surat dan cara pengumpulan data.",
)
_(
    "alur-surat-identitas",
    PERINGATAN,
    "Alur SOP",
    "Surat rekomendasi terbit, tetapi MS-Keg belum mencantumkan identitasnya.",
    "Isi identitas_rekomendasi di MS-Keg.",
)
_("alur-surat-beda", GALAT, "Alur SOP", "Nomor surat berbeda dengan identitas rekomendasi MS-Keg.", "Samakan keduanya.")
_(
    "alur-akhir",
    GALAT,
    "Alur SOP",
    "Keadaan akhir (ditolak, dibatalkan) tidak dikenal atau tidak boleh setelah langkah sebelumnya.",
    "Lihat akhir di schemas/sop.yaml.",
)
_(
    "alur-waktu-masa-depan",
    GALAT,
    "Alur SOP",
    "Waktu peristiwa yang diketik lebih lambat daripada saat pemeriksaan atau commit yang menambahkannya.",
    "Tulis waktu langkah itu selesai, tidak di masa depan.",
)

# sop.yaml itself (pipeline.sop.definition; schema findings come from schemas/sop.schema.json)
_(
    "sop-langkah-tak-dikenal",
    GALAT,
    "Alur SOP",
    "sop.yaml merujuk nomor langkah yang tidak didefinisikan.",
    "Rujuk langkah yang ada, atau tambahkan langkahnya.",
)
_(
    "sop-langkah-ganda",
    GALAT,
    "Alur SOP",
    "Dua langkah di sop.yaml bernomor sama.",
    "Beri setiap langkah nomor berbeda.",
)
_(
    "sop-peran-tak-dikenal",
    GALAT,
    "Alur SOP",
    "Pelaksana langkah bukan peran di bagian peran sop.yaml.",
    "Tambahkan perannya atau pilih peran yang ada.",
)
_("sop-jam-kerja", GALAT, "Alur SOP", "Jam kerja selesai tidak setelah jam mulai.", "Perbaiki jam_kerja di sop.yaml.")

# The catalog's root files (pipeline.check.rootfiles)
_(
    "katalog-identitas-tidak-ada",
    PERINGATAN,
    "Katalog",
    "Katalog belum memiliki katalog.yaml.",
    "Buat katalog.yaml di akar katalog (lihat schemas/katalog.schema.json).",
)

# Roles (pipeline.check.rootfiles)
_(
    "peran-opd-tak-dikenal",
    GALAT,
    "Peran",
    "roles.yaml memberi peran untuk OPD yang foldernya tidak ada.",
    "Tulis slug folder OPD yang ada.",
)
_(
    "peran-pengelola",
    PERINGATAN,
    "Peran",
    "Pengelola di opd.yaml belum memegang peran opd untuk OPD itu.",
    "Tambahkan akunnya di roles.yaml.",
)

# Pull requests (pipeline.workflow.checkpr)
_(
    "pr-peran-tidak-ada",
    GALAT,
    "PR",
    "roles.yaml tidak ada atau tidak terbaca di cabang dasar.",
    "Walidata menambahkan roles.yaml di cabang utama.",
)
_("pr-opd-lain", GALAT, "PR", "Akun OPD mengubah berkas OPD lain.", "Pisahkan ke PR pengelola OPD tersebut.")
_(
    "pr-hapus-riwayat",
    GALAT,
    "PR",
    "Kegiatan yang punya riwayat dihapus oleh selain Walidata.",
    "Minta Walidata menghapusnya.",
)
_("pr-riwayat-dihapus", GALAT, "PR", "Peristiwa lama di alur.riwayat dihapus.", "Kembalikan peristiwa yang dihapus.")
_(
    "pr-riwayat-diubah",
    GALAT,
    "PR",
    "Peristiwa lama di alur.riwayat diubah.",
    "Kembalikan seperti di cabang dasar; koreksi dicatat sebagai peristiwa baru.",
)
_(
    "pr-akun-tak-dikenal",
    GALAT,
    "PR",
    "Akun pelaku tidak terdaftar di roles.yaml.",
    "Minta Walidata mendaftarkan akun Anda.",
)
_("pr-peran-aktor", GALAT, "PR", "Peran peristiwa baru bukan peran akun pelaku.", "Pemegang peran mencatatnya sendiri.")
_("pr-peran-opd", GALAT, "PR", "Akun OPD mencatat langkah untuk OPD lain.", "Langkah dicatat pengelola OPD itu.")
_("pr-aktor", GALAT, "PR", "aktor peristiwa bukan akun pelaku.", "Isi aktor dengan akun Anda sendiri.")
_(
    "pr-perlu-siklus-baru",
    GALAT,
    "PR",
    "Kegiatan yang sudah disetujui diubah isinya oleh akun yang PR-nya tidak membuka siklus pemeriksaan baru.",
    "Perubahan diajukan OPD pemiliknya (langkah 7) atau Walidata (langkah 8).",
)

_(
    "pr-berkas-aturan",
    GALAT,
    "PR",
    "PR oleh akun bukan Walidata mengubah berkas aturan atau konfigurasi (di luar metadata/<opd>/).",
    "Hapus perubahan itu; aturan diubah Walidata dalam PR tersendiri.",
)
_(
    "pr-aturan-dan-rekaman",
    GALAT,
    "PR",
    "PR mengubah berkas aturan sekaligus rekaman metadata.",
    "Pisahkan menjadi PR aturan lalu PR rekaman.",
)
_(
    "pr-aturan-rusak",
    GALAT,
    "PR",
    "Skema atau daftar kode di cabang dasar atau di PR tidak dapat dibaca.",
    "Perbaiki schemas/ lewat PR Walidata.",
)
_(
    "pr-bukan-berkas-biasa",
    GALAT,
    "PR",
    "PR memuat tautan simbolik (symlink) atau submodul git.",
    "Ganti dengan isi berkas yang sebenarnya.",
)
_(
    "pr-langkah-forge",
    GALAT,
    "PR",
    "Peristiwa langkah yang disaksikan GitHub (tinjauan, penggabungan) diketik tangan.",
    "Hapus peristiwanya; tinjau atau gabungkan PR di GitHub.",
)
_(
    "pr-commit-penulis",
    GALAT,
    "PR",
    "Peristiwa ditambahkan oleh commit akun lain daripada akun yang namanya dicatat.",
    "Setiap orang mencatat langkahnya sendiri dalam PR-nya sendiri.",
)
_(
    "pr-commit-penulis-tak-dikenal",
    GALAT,
    "PR",
    "Penulis commit yang menambahkan peristiwa bukan e-mail akun mana pun di roles.yaml.",
    "Pakai e-mail akun Anda (noreply GitHub) atau daftarkan e-mailnya di roles.yaml.",
)
_(
    "pr-isian-diisi-oleh",
    GALAT,
    "PR",
    "Isian yang hanya diisi satu peran (x-diisi-oleh, misalnya R17 diisi BPS) diubah oleh akun lain.",
    "Kembalikan isian itu; pemegang perannya mengisi dalam PR sendiri.",
)
_(
    "pr-codeowners",
    GALAT,
    "PR",
    ".github/CODEOWNERS tidak sesuai dengan opd.yaml dan roles.yaml.",
    "Walidata menjalankan satudata codeowners.",
)

# The forge recorder and the publication check (pipeline.workflow.forge, forgehistory)
_(
    "forge-data-tidak-sah",
    GALAT,
    "PR",
    "Data GitHub (payload PR, tinjauan, isu) atau laporan JSON dari luar tidak dapat dipakai: bukan JSON, "
    "terlalu dalam atau terlalu besar, angka tak hingga, isian yang tidak ada atau berjenis salah.",
    "Berikan data dari API GitHub apa adanya (payload pull_request atau objek PR, daftar tinjauan, daftar isu) "
    "atau keluaran satudata --format json.",
)
_(
    "forge-commit-tidak-ada",
    GALAT,
    "PR",
    "Commit kepala atau dasar PR tidak ada di salinan repositori (cabang dihapus, PR dari fork); PR itu tidak dicatat.",
    "Ambil commit PR dengan git fetch origin refs/pull/NOMOR/head, lalu jalankan catat-forge lagi.",
)
_(
    "forge-folder-kerja",
    GALAT,
    "Lingkungan",
    "Berkas kegiatan di folder kerja berbeda dengan HEAD.",
    "Catat peristiwa forge pada checkout bersih.",
)

_(
    "terbit-bukan-pr",
    GALAT,
    "Portal",
    "Commit gabungan di main bukan penggabungan PR yang tercatat di GitHub, atau bukan kepala PR yang diperiksa.",
    "Gabungkan hanya lewat PR; kembalikan main ke commit yang sah.",
)
_(
    "terbit-gabungan-diubah",
    GALAT,
    "Portal",
    "Commit gabungan berisi perubahan yang tidak ada di PR maupun di main.",
    "Kembalikan penggabungan dan gabungkan PR lagi dengan tombol GitHub.",
)
_(
    "terbit-pr-gagal",
    GALAT,
    "Portal",
    "PR yang digabung ke main tidak lulus satudata check-pr.",
    "Kembalikan penggabungan itu dan perbaiki lewat PR baru.",
)
_(
    "terbit-commit-tak-sah",
    GALAT,
    "Portal",
    "Commit di main (selain commit akar) bukan penggabungan PR yang diperiksa dan bukan commit pencatat forge "
    "yang sah, apa pun yang diubahnya (metadata, skema, roles.yaml, docs/ …).",
    "Walidata mengembalikan (revert) commit itu lewat PR, lalu menyetel TERBIT_AWAL ke commit penggabungannya.",
)

# The PR comment from the check's artifact (pipeline.workflow.komentar)
_(
    "artefak-tidak-sah",
    GALAT,
    "PR",
    "Artefak laporan-pr bukan arsip yang ditulis Periksa PR (terlalu besar, bukan zip, berkas lain, JSON rusak).",
    "Jangan mengubah periksa-pr.yml di PR; jalankan ulang Periksa PR.",
)
_(
    "artefak-pr-tidak-cocok",
    GALAT,
    "PR",
    "Nomor PR atau commit kepala di artefak bukan PR dan commit run yang memicu komentar.",
    "Jangan mengubah periksa-pr.yml di PR; jalankan ulang Periksa PR untuk commit terbaru.",
)

# Editing files (pipeline.edit)
_(
    "sunting-gagal",
    GALAT,
    "Berkas",
    "Berkas tidak dapat disunting tanpa mengubah isi lainnya.",
    "Sunting secara manual, lalu jalankan satudata validate.",
)

# The next edition of an activity and onboarding (pipeline.workflow.salin, pipeline.workflow.onboarding)
_(
    "salin-sumber",
    GALAT,
    "Kegiatan",
    "Kegiatan sumber tidak ada atau tidak dapat dibaca.",
    "Sebutkan folder kegiatan yang ada, misalnya metadata/dinkes/2025-profil-kesehatan.",
)
_(
    "salin-tujuan-ada",
    GALAT,
    "Kegiatan",
    "Folder kegiatan tahun berikutnya sudah ada.",
    "Sunting folder yang sudah ada, atau pilih tahun lain dengan --tahun.",
)
_(
    "opd-sudah-ada",
    GALAT,
    "Katalog",
    "Folder OPD ini sudah ada.",
    "Pilih slug lain, atau tambahkan akun ke OPD yang ada dengan --akun saja.",
)
_("opd-isian", GALAT, "Katalog", "Isian OPD baru tidak sah.", "Perbaiki isian yang disebut, lalu ulangi perintahnya.")
_(
    "opd-akun-peran",
    GALAT,
    "Peran",
    "Akun sudah terdaftar dengan peran lain di roles.yaml.",
    "Akun Walidata atau BPS tidak dijadikan pengelola OPD; pakai akun lain.",
)

# Excel (pipeline.excel)
_(
    "excel-tidak-terbaca",
    GALAT,
    "Excel",
    "Berkas bukan buku kerja .xlsx yang dapat dibaca.",
    "Simpan ulang sebagai Excel Workbook (.xlsx).",
)
_("excel-terlalu-besar", GALAT, "Excel", "Buku kerja melebihi batas ukuran.", "Periksa isinya.")
_(
    "excel-terlalu-banyak-baris",
    GALAT,
    "Excel",
    "Lembar memiliki terlalu banyak baris.",
    "Hapus baris kosong di bagian bawah.",
)
_(
    "excel-lembar-tak-dikenal",
    PERINGATAN,
    "Excel",
    "Lembar tidak dikenal; isinya tidak diimpor.",
    "Kembalikan nama lembar seperti pada templat.",
)
_("excel-ganda", GALAT, "Excel", "Satu rekaman ditulis di dua baris.", "Gabungkan atau ubah identitasnya.")
_(
    "excel-induk-tidak-ada",
    GALAT,
    "Excel",
    "Baris merujuk OPD atau kegiatan yang tidak ada.",
    "Tambahkan barisnya atau perbaiki identitas.",
)
_("excel-kolom-ganda", GALAT, "Excel", "Satu kolom muncul dua kali.", "Hapus salah satu kolom.")
_(
    "excel-sel-gabung",
    GALAT,
    "Excel",
    "Sel digabung (merge): sel selain kiri atas terbaca kosong.",
    "Pisahkan sel (Unmerge) dan isi setiap sel.",
)
_(
    "excel-identitas-tidak-ada",
    GALAT,
    "Excel",
    "Lembar tanpa kolom identitas.",
    "Gunakan templat dari satudata template.",
)
_("excel-kolom-hilang", GALAT, "Excel", "Kolom isian hilang dari lembar.", "Kembalikan kolomnya.")
_(
    "excel-kolom-tak-dikenal",
    GALAT,
    "Excel",
    "Kunci kolom di baris 2 tidak dikenal.",
    "Kembalikan kunci kolom seperti pada templat.",
)
_("excel-identitas-kosong", GALAT, "Excel", "Kolom identitas kosong.", "Isi identitas rekaman.")
_("excel-identitas", GALAT, "Excel", "Identitas rekaman tidak sah.", "Ikuti aturan slug.")
_("excel-fase", GALAT, "Excel", "Fase jadwal 3.3 tidak dikenal.", "Pilih salah satu fase.")
_(
    "excel-daftar",
    GALAT,
    "Excel",
    "Isian diawali '[' tetapi bukan daftar JSON yang sah.",
    "Tulis butir dipisah titik koma.",
)
_("excel-rumus", GALAT, "Excel", "Sel berisi rumus Excel.", "Tulis nilainya langsung.")
_(
    "excel-karakter",
    GALAT,
    "Excel",
    "Sel memuat karakter kendali atau bukan-karakter Unicode (lihat yaml-karakter).",
    "Hapus karakter itu, misalnya dengan mengetik ulang teks selnya.",
)
_("excel-galat-sel", GALAT, "Excel", "Sel berisi galat Excel (#N/A, #REF! …).", "Ganti dengan nilai yang benar.")
_("excel-bilangan", GALAT, "Excel", "Sel bukan bilangan bulat.", "Tulis angka saja tanpa satuan.")
_("excel-angka", GALAT, "Excel", "Sel bukan angka.", "Tulis angka saja tanpa satuan.")
_(
    "excel-tanggal",
    GALAT,
    "Excel",
    "Tanggal tertulis sebagai angka.",
    "Tulis tanggal sebagai teks TTTT-BB atau TTTT-BB-HH.",
)
_(
    "excel-jadi-tanggal",
    GALAT,
    "Excel",
    "Excel mengubah isian menjadi tanggal.",
    "Format sel sebagai Teks, lalu ketik ulang.",
)
_("excel-jenis", GALAT, "Excel", "Jenis isian sel salah.", "Tulis jenis nilai yang diminta.")
_(
    "excel-telepon",
    GALAT,
    "Excel",
    "Nomor telepon/faksimile tertulis sebagai angka (angka 0 di depan hilang).",
    "Format sel sebagai Teks lalu ketik ulang nomornya.",
)
_(
    "excel-tak-terwakili",
    PERINGATAN,
    "Excel",
    "Nilai YAML tidak dapat ditampilkan di Excel (tetap aman di YAML).",
    "Sunting nilai itu langsung di YAML.",
)
_(
    "excel-yaml-rusak",
    GALAT,
    "Excel",
    "Berkas YAML yang akan diperbarui tidak dapat dibaca.",
    "Perbaiki berkas YAML dulu.",
)
_(
    "excel-tulis",
    GALAT,
    "Excel",
    "Berkas tidak dapat ditulis dengan aman.",
    "Periksa izin dan ruang disk, lalu impor ulang.",
)

# Publishing (pipeline.cli.portal build --terbit)
_(
    "terbit-tanpa-url-situs",
    GALAT,
    "Katalog",
    "Portal yang akan diterbitkan tidak punya alamat publik (url_situs).",
    "Isi url_situs di katalog.yaml (atau --url-situs), agar semua tautan ekspor mutlak dan benar.",
)

# Indah v2 (pipeline.publish.indah)
_(
    "indah-berkas",
    GALAT,
    "Indah",
    "Berkas bukan ekspor Indah yang dapat dibaca.",
    "Unduh ulang ekspor dari Indah (JSON).",
)
_(
    "indah-tidak-ada",
    GALAT,
    "Indah",
    "Rekaman yang sudah disetujui di katalog tidak ada di Indah.",
    "Laporkan rekamannya di Indah (langkah 8).",
)
_(
    "indah-tidak-dikenal",
    PERINGATAN,
    "Indah",
    "Rekaman di Indah tidak ada di katalog.",
    "Tambahkan ke katalog atau periksa ejaan judul/nama.",
)
_(
    "indah-beda",
    PERINGATAN,
    "Indah",
    "Isian berbeda antara katalog dan Indah.",
    "Samakan isian di Indah atau di katalog.",
)
_(
    "indah-status",
    PERINGATAN,
    "Indah",
    "Disetujui di katalog, tetapi belum disetujui di Indah.",
    "Periksa status pemeriksaan di Indah.",
)
_(
    "indah-tanpa-padanan",
    PERINGATAN,
    "Indah",
    "Isian terisi yang tidak punya tempat di Indah v2 (x-indah di skema), sehingga tidak ikut export-indah.",
    "Lengkapi isian ini langsung di Indah setelah mengunggah berkasnya.",
)

# The tool's own failures (exceptions derived from SatudataError; pipeline.cli prints them)
_(
    "git-gagal",
    GALAT,
    "Lingkungan",
    "Perintah git gagal, tidak terpasang, atau folder bukan repositori git.",
    "Pasang git dan jalankan perintah di dalam repositori katalog; pesan git menyebut sebabnya.",
)
_(
    "git-revisi",
    GALAT,
    "Lingkungan",
    "Revisi git yang disebut (cabang, tag, commit) tidak ada.",
    "Sebutkan revisi yang ada, misalnya origin/main atau HEAD (lihat git log).",
)
_(
    "sop-tidak-sah",
    GALAT,
    "Alur SOP",
    "schemas/sop.yaml tidak sah, atau dokumen yang diperbarui dari SOP tidak memuat penandanya.",
    "Perbaiki bagian yang disebut pesan; lihat docs/alur-sop.md.",
)
_(
    "portal-gagal",
    GALAT,
    "Portal",
    "Portal tidak dapat dibangun (mkdocs.yml, docs/ atau tema).",
    "Perbaiki penyebab yang disebut pesan, lalu bangun ulang.",
)
_(
    "katalog-baru-gagal",
    GALAT,
    "Katalog",
    "Katalog baru tidak dapat dibuat (satudata init).",
    "Pilih folder kosong dan kode wilayah yang ada di schemas/kode/wilayah.csv.",
)
_(
    "sistem-gagal",
    GALAT,
    "Lingkungan",
    "Sistem operasi menolak: disk penuh, izin berkas, port terpakai, folder tidak ada.",
    "Periksa ruang disk, izin folder dan port, lalu ulangi perintahnya.",
)
_(
    "satudata-internal",
    GALAT,
    "Lingkungan",
    "Galat internal satudata (kesalahan program, bukan kesalahan isian).",
    "Laporkan ke pengelola satudata beserta perintahnya; SATUDATA_JEJAK=1 menampilkan jejak galatnya.",
)

# The machine (pipeline.edit.oserrors): exit code 3
_(
    "disk-penuh",
    GALAT,
    "Lingkungan",
    "Ruang disk habis (atau batas ukuran berkas tercapai) saat menulis.",
    "Kosongkan ruang disk atau pilih disk lain, lalu ulangi.",
)
_("izin-ditolak", GALAT, "Lingkungan", "Izin membaca atau menulis ditolak.", "Periksa izin folder, lalu ulangi.")
_("port-dipakai", GALAT, "Lingkungan", "Port jaringan sudah dipakai program lain.", "Pilih port lain (--port).")
_(
    "impor-terputus",
    GALAT,
    "Katalog",
    "Impor Excel terakhir terhenti di tengah penulisan; sebagian berkas mungkin sudah berubah.",
    "Jalankan satudata import --pulihkan untuk mengembalikan katalog seperti sebelum impor.",
)
_(
    "impor-dipulihkan",
    PERINGATAN,
    "Excel",
    "Impor yang terhenti sebelumnya dibatalkan; berkasnya dikembalikan seperti sebelum impor itu.",
    "Periksa berkas yang disebut, lalu impor ulang bila perlu.",
)
_("impor-sibuk", GALAT, "Excel", "Impor lain sedang menulis katalog ini.", "Tunggu sampai selesai, lalu ulangi.")
del _
