"""Builders for small, valid catalogs that individual tests then break in one place."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from pipeline import codes
from pipeline.check.catalog import check
from pipeline.check.reference import entries
from pipeline.contract.schema import BUNDLED, Schemas
from pipeline.read.catalog import load_catalog
from pipeline.read.loader import UNWRITABLE

REPO = Path(__file__).resolve().parent.parent


def writable(text):
    """A Hypothesis text strategy without what no record may hold (yaml-karakter: controls and
    noncharacters, which XML and HTML cannot carry)."""
    return text.map(lambda s: UNWRITABLE.sub("", s))


# A bug inside a command shows its traceback in tests; users get an Indonesian message instead.
os.environ.setdefault("SATUDATA_JEJAK", "1")


# --- every registered code is said by some test ---------------------------------------------------


# Safety nets no input can reach today; each stays listed here, with why, until a test reaches it.
UNREACHABLE = {
    "data-tidak-sesuai": "a Frictionless error type check_file does not map; none arises with the baseline checks",
    "excel-tulis": "import could not produce a record's YAML after reading it; only a file changed meanwhile does",
}


def pytest_sessionfinish(session, exitstatus):
    """A whole, passing run of the suite must have made a finding (or raised an error) of every
    registered code and every x-aturan rule; a code nobody can trigger is dead or untested."""
    config = session.config
    whole = config.args_source == pytest.Config.ArgsSource.TESTPATHS and not any(
        getattr(config.option, name, None) for name in ("keyword", "markexpr", "lf", "deselect", "collectonly")
    )
    if not whole or exitstatus != pytest.ExitCode.OK:
        return
    known = {e.kode for e in entries(Schemas(BUNDLED))}
    silent = sorted(known - codes.EMITTED - set(UNREACHABLE))
    stale = sorted(k for k in UNREACHABLE if k in codes.EMITTED or k not in known)
    if silent or stale:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_sep("=", "registered codes no test emitted", red=True)
        if silent:
            reporter.write_line(
                "Add a test that makes each of these findings, or drop the code from pipeline/codes.py:"
            )
            reporter.write_line("  " + "\n  ".join(silent))
        if stale:
            reporter.write_line(
                "Emitted or gone now: remove from UNREACHABLE in tests/conftest.py: " + ", ".join(stale)
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


OPD = {
    "nama": "Dinas Kesehatan Kabupaten Pasuruan",
    "singkatan": "Dinkes",
    "alamat": "Komplek Perkantoran Pemerintah Kabupaten Pasuruan, Jl. Raya Raci Km 9 Bangil",
    "email": "dinkes@pasuruankab.go.id",
    "kode_wilayah": "3514",
    "pengelola": ["dinkes-pasuruan"],
}


KATALOG = {
    "pemda": "Kabupaten Pasuruan",
    "kode_wilayah": "3514",
    "walidata": {
        "nama": "Dinas Komunikasi dan Informatika Kabupaten Pasuruan",
        "email": "diskominfo@pasuruankab.go.id",
    },
    "url_situs": "https://satudata.example.go.id/metadata/",
    "repositori": "diskominfo-pasuruan/katalog-metadata",
    "lisensi": {"nama": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
}


def _jadwal():
    months = ["01", "02", "03", "05", "06", "07", "09"]
    keys = [
        "perencanaan_kegiatan",
        "desain",
        "pengumpulan_data",
        "pengolahan_data",
        "analisis",
        "diseminasi_hasil",
        "evaluasi",
    ]
    return {k: [{"awal": f"2025-{m}", "akhir": f"2025-{m}"}] for k, m in zip(keys, months, strict=True)}


KOMPROMIN = {
    "judul_kegiatan": "Kompilasi Produk Administrasi Profil Kesehatan Kabupaten Pasuruan",
    "tahun": 2025,
    "jenis_statistik": "Statistik Sektoral",
    "cara_pengumpulan_data": "Kompilasi Produk Administrasi",
    "sektor_kegiatan": "Kesehatan",
    "rekomendasi_bps": "Tidak",
    "penyelenggara": {
        "instansi": "Dinas Kesehatan Kabupaten Pasuruan",
        "alamat": "Jl. Raya Raci Km 9 Bangil",
        "telepon": "(0343) 744000",
        "email": "dinkes@pasuruankab.go.id",
    },
    "penanggung_jawab": {
        "eselon_2": "Kepala Dinas Kesehatan",
        "teknis": {"nama": "Siti Aminah", "jabatan": "Kepala Bidang P2P", "email": "siti@example.org"},
    },
    "perencanaan": {
        "latar_belakang": "Profil kesehatan disusun setiap tahun.",
        "tujuan": "Menyediakan data kesehatan.",
        "jadwal": _jadwal(),
        "variabel_dikumpulkan": [
            {"nama": "Jumlah kelahiran hidup", "definisi": "Bayi lahir hidup.", "referensi_waktu": "Tahun lalu"}
        ],
    },
    "desain_kegiatan": {
        "kegiatan_dilakukan": "Berulang",
        "frekuensi": "Tahunan",
        "tipe_pengumpulan_data": "Cross Sectional",
        "cakupan_wilayah": "Sebagian Wilayah Indonesia",
        "wilayah_kegiatan": [{"provinsi": "35", "kabupaten_kota": "3514"}],
        "metode_pengumpulan_data": ["Pengumpulan Data Sekunder"],
        "sarana_pengumpulan_data": ["Lainnya"],
        "sarana_pengumpulan_data_lainnya": "Aplikasi pelaporan puskesmas",
        "unit_pengumpulan_data": ["Lainnya"],
        "unit_pengumpulan_data_lainnya": "Puskesmas",
    },
    "pengumpulan_data": {
        "uji_coba": "Tidak",
        "metode_pemeriksaan_kualitas": ["Supervisi"],
        "penyesuaian_nonrespon": "Tidak",
    },
    "pengolahan_analisis": {
        "tahapan_pengolahan": {"penyuntingan": "Ya", "penyandian": "Tidak", "entri_data": "Ya", "validasi": "Ya"},
        "metode_analisis": "Deskriptif",
        "unit_analisis": ["Lainnya"],
        "unit_analisis_lainnya": "Puskesmas",
        "tingkat_penyajian": ["Kabupaten/Kota", "Kecamatan"],
    },
    "diseminasi": {
        "produk": {"tercetak": "Tidak", "digital": "Ya", "data_mikro": "Tidak"},
        "rilis": {"digital": ["2025-10-01"]},
    },
}

SURVEI = copy.deepcopy(KOMPROMIN) | {
    "judul_kegiatan": "Survei Kepuasan Masyarakat terhadap Layanan Puskesmas Kabupaten Pasuruan",
    "cara_pengumpulan_data": "Survei",
    "rekomendasi_bps": "Ya",
    "identitas_rekomendasi": "V-25.3514.004",
    "desain_sampel": {
        "jenis_rancangan_sampel": "Single Stage/Phase",
        "metode_pemilihan_sampel": "Sampel Probabilitas",
        "metode_sampel": "Systematic Random Sampling",
        "kerangka_sampel": "List Frame",
        "fraksi_sampel": 0.05,
        "sampling_error": 5,
        "unit_sampel": "Pengguna layanan",
        "unit_observasi": "Pengguna layanan",
    },
}
SURVEI["desain_kegiatan"] = KOMPROMIN["desain_kegiatan"] | {
    "metode_pengumpulan_data": ["Wawancara"],
    "sarana_pengumpulan_data": ["Computer-assisted Personal Interviewing (CAPI)"],
    "unit_pengumpulan_data": ["Individu"],
}
del (
    SURVEI["desain_kegiatan"]["sarana_pengumpulan_data_lainnya"],
    SURVEI["desain_kegiatan"]["unit_pengumpulan_data_lainnya"],
)
SURVEI["pengumpulan_data"] = KOMPROMIN["pengumpulan_data"] | {
    "uji_coba": "Ya",
    "petugas": "Mitra/Tenaga Kontrak",
    "pendidikan_petugas": "SMA/SMK",
    "jumlah_petugas": {"supervisor": 2, "enumerator": 10},
    "pelatihan_petugas": "Ya",
}

VARIABEL = {
    "nama": "Jumlah kelahiran hidup",
    "konsep": "Kelahiran hidup",
    "definisi": "Kelahiran hidup adalah bayi yang lahir dengan tanda kehidupan.",
    "referensi_pemilihan": "Peraturan Menteri Kesehatan",
    "referensi_waktu": "Tahun lalu",
    "tipe_data": "Integer",
    "kalimat_pertanyaan": "Rincian 'Jumlah lahir hidup' pada laporan bulanan puskesmas.",
    "akses_umum": "Ya",
    "satuan": "jiwa",
}

INDIKATOR = {
    "nama": "Angka Kematian Bayi",
    "konsep": "Kematian bayi",
    "definisi": "Banyaknya kematian bayi berumur di bawah satu tahun per 1.000 kelahiran hidup.",
    "interpretasi": "Semakin tinggi nilainya, semakin buruk derajat kesehatan bayi.",
    "metode_perhitungan": "Kematian bayi dibagi kelahiran hidup dikali 1.000.",
    "rumus": r"\frac{D_0}{B} \times 1000",
    "ukuran": "Angka",
    "satuan": "per 1.000 kelahiran hidup",
    "klasifikasi_penyajian": ["Kecamatan"],
    "komposit": "Tidak",
    "variabel_pembangun": ["jumlah-kelahiran-hidup"],
    "level_estimasi": "Kecamatan",
    "akses_umum": "Ya",
}

ACTIVITY = "metadata/dinkes/2025-profil-kesehatan"


def write_yaml(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class CatalogBuilder:
    """A valid one-OPD catalog on disk; tests edit or add records, then call :meth:`findings`."""

    def __init__(self, root: Path):
        self.root = root
        self.schemas = Schemas(BUNDLED)
        write_yaml(root / "katalog.yaml", KATALOG)
        write_yaml(root / "metadata/dinkes/opd.yaml", OPD)
        write_yaml(root / ACTIVITY / "kegiatan.yaml", KOMPROMIN)
        write_yaml(root / ACTIVITY / "variabel/jumlah-kelahiran-hidup.yaml", VARIABEL)
        write_yaml(root / ACTIVITY / "indikator/angka-kematian-bayi.yaml", INDIKATOR)

    def write(self, rel: str, data) -> Path:
        return write_yaml(self.root / rel, data)

    def text(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def findings(self):
        return check(load_catalog(self.root), self.schemas)

    def codes(self, level: str | None = None):
        return {f.kode for f in self.findings() if level is None or f.tingkat == level}


@pytest.fixture(autouse=True)
def _own_validation_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own validation cache folder, never the user's ~/.cache, and runs the
    same locally and in CI (where the variable CI turns the cache off)."""
    monkeypatch.setenv("SATUDATA_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def sample(tmp_path) -> Path:
    """A copy of the shipped sample catalog (metadata/ and roles.yaml), to change at will."""
    root = tmp_path / "katalog"
    shutil.copytree(REPO / "metadata", root / "metadata")
    shutil.copy(REPO / "roles.yaml", root / "roles.yaml")
    return root


@pytest.fixture
def catalog(tmp_path) -> CatalogBuilder:
    return CatalogBuilder(tmp_path)


PERAN = {1: "opd", 2: "opd", 3: "walidata", 4: "opd", 5: "opd", 6: "bps", 7: "opd"}
PERAN |= {8: "walidata", 9: "bps", 10: "walidata", 11: "bps", 12: "walidata", 13: "opd"}
AKTOR = {"opd": "dinkes-pasuruan", "walidata": "walidata-pasuruan", "bps": "bps-kab-pasuruan"}


def ev(langkah: int, waktu: str, peran: str | None = None, **extra) -> dict:
    """One alur event; `waktu` may be '2025-02-03 09:00' (WIB is added)."""
    if "T" not in waktu:
        waktu = waktu.replace(" ", "T") + ":00+07:00"
    peran = peran or PERAN[langkah]
    return {"langkah": langkah, "waktu": waktu, "peran": peran, "aktor": AKTOR[peran], **extra}


def events(*steps, start_day=3):
    """An alur log with one event per step at 09:00, a day apart from 3 February 2025."""
    out = []
    for i, step in enumerate(steps):
        day = f"2025-02-{start_day + i:02d}"
        extra = {"nomor_surat": "V-25.3514.004", "tanggal_surat": day} if step == 6 else {}
        out.append(ev(step, f"{day} 09:00", catatan=f"Langkah {step}", **extra))
    return {"riwayat": out}


PUBLIC_ALUR = events(1, 7, 8, 9, 11)


class PortalBuilder(CatalogBuilder):
    """A catalog with the project's mkdocs.yml and docs/, one public and one draft activity."""

    def __init__(self, root: Path):
        super().__init__(root)
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        shutil.copytree(REPO / "docs", root / "docs")
        self.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"alur": PUBLIC_ALUR})
        draft = SURVEI | {"judul_kegiatan": "Survei Draf Rahasia Tahunan", "alur": events(1, 2, 3)}
        self.write("metadata/dinkes/2025-survei-draf/kegiatan.yaml", draft)
        self.write("metadata/dinkes/2025-survei-draf/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL)

    def build(self, *args, out="site"):
        from click.testing import CliRunner

        from pipeline.cli import main

        args = args if "--pada" in args else (*args, "--pada", "2025-03-03T00:00:00+07:00")
        result = CliRunner().invoke(main, ["build", str(self.root), "--keluar", str(self.root / out), *args])
        assert result.exit_code == 0, result.output
        return self.root / out


@pytest.fixture
def portal(tmp_path) -> PortalBuilder:
    return PortalBuilder(tmp_path)


# --- SOP workflow -------------------------------------------------------------------------------


def with_log(base: dict, *events: dict) -> dict:
    return copy.deepcopy(base) | {"alur": {"riwayat": list(events)}}


# A complete compilation log: 1 → 7 → 8 → 9 → 10 → 9 → 11 → 12 → 13
KOMPROMIN_LOG = [
    ev(1, "2025-02-03 09:00"),
    ev(7, "2025-02-03 10:00"),
    ev(8, "2025-02-04 09:00"),
    ev(9, "2025-02-05 09:00", catatan="Satuan AKI diperbaiki."),
    ev(10, "2025-02-05 11:00"),
    ev(9, "2025-02-06 09:00"),
    ev(11, "2025-02-06 09:10"),
    ev(12, "2025-02-07 09:00"),
    ev(13, "2025-02-10 09:00"),
]

# A survey up to approval: 1 → 2 → 3 (Walidata) → 3 (BPS) → 5 → 3 → 6 (letter) → 7 → 8 → 9 → 11
SURVEI_LOG = [
    ev(1, "2025-01-06 09:00"),
    ev(2, "2025-01-06 13:00"),
    ev(3, "2025-01-07 09:00"),
    ev(3, "2025-01-08 09:00", peran="bps"),
    ev(5, "2025-01-08 10:00"),
    ev(3, "2025-01-09 09:00", peran="bps"),
    ev(6, "2025-01-09 09:10", nomor_surat="V-25.3514.004", tanggal_surat="2025-01-09"),
    ev(7, "2025-01-10 09:00"),
    ev(8, "2025-01-10 10:00"),
    ev(9, "2025-01-13 09:00"),
    ev(11, "2025-01-13 10:00"),
]


ROLES = {
    "tim_walidata": ["walidata-pasuruan"],
    "akun": {
        "walidata-pasuruan": {"peran": ["walidata"]},
        "bps-kab-pasuruan": {"peran": ["bps"]},
        "dinkes-pasuruan": {"peran": ["opd"], "opd": ["dinkes"]},
        "dispendik-pasuruan": {"peran": ["opd"], "opd": ["dispendik"]},
    },
}
DISPENDIK = OPD | {
    "nama": "Dinas Pendidikan Kabupaten Pasuruan",
    "singkatan": "Dispendik",
    "email": "dispendik@pasuruankab.go.id",
    "pengelola": ["dispendik-pasuruan"],
}


def noreply(login: str) -> str:
    """The GitHub noreply address of an account (the id is made up; GitHub's are numbers too)."""
    return f"{sum(map(ord, login)) * 1000}+{login}@users.noreply.github.com"


class GitCatalog(CatalogBuilder):
    """A catalog in a real git repository (branch main, roles.yaml, two OPDs), for PR checks."""

    def __init__(self, root: Path):
        super().__init__(root)
        self.write("metadata/dispendik/opd.yaml", DISPENDIK)
        self.write("roles.yaml", ROLES)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Uji")
        self.git("config", "user.email", "uji@example.org")
        self.git("config", "commit.gpgsign", "false")
        self.commit("katalog awal")

    def git(self, *args: str, env: dict | None = None) -> str:
        proc = subprocess.run(
            ["git", "-C", str(self.root), *args],
            capture_output=True,
            text=True,
            check=True,
            env=None if env is None else os.environ | env,
        )
        return proc.stdout.strip()

    def commit(self, message: str, author: str | None = None, date: str | None = None) -> str:
        """Commit everything; ``author`` is a GitHub login (its noreply address is the e-mail)."""
        self.git("add", "-A")
        env = {}
        if author is not None:
            email = noreply(author)
            env |= {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email}
            env |= {"GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": email}
        if date is not None:
            env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        self.git("commit", "-q", "--allow-empty", "-m", message, env=env or None)
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str) -> None:
        self.git("checkout", "-q", "-b", name)


@pytest.fixture
def repo(tmp_path) -> GitCatalog:
    return GitCatalog(tmp_path / "katalog")
