"""Every validation rule, each with a record that breaks it and one that satisfies it."""

from __future__ import annotations

import copy

import pytest
from conftest import ACTIVITY, INDIKATOR, KOMPROMIN, SURVEI, VARIABEL

DELETE = object()


def edit(base: dict, **changes) -> dict:
    """Copy ``base`` and apply dotted-path changes: edit(d, **{"a.b": 1, "c": DELETE})."""
    data = copy.deepcopy(base)
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node = data
        for p in parents:
            node = node.setdefault(p, {})
        if value is DELETE:
            node.pop(last, None)
        else:
            node[last] = value
    return data


KEG = f"{ACTIVITY}/kegiatan.yaml"
VAR = f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml"
IND = f"{ACTIVITY}/indikator/angka-kematian-bayi.yaml"
CAPI = ["Computer-assisted Personal Interviewing (CAPI)"]
PETUGAS = [
    "pengumpulan_data.petugas",
    "pengumpulan_data.pendidikan_petugas",
    "pengumpulan_data.jumlah_petugas",
    "pengumpulan_data.pelatihan_petugas",
]

# (rule id, file, record that satisfies the rule, record that breaks it, finding code, level)
CASES = [
    ("R1 survei needs Blok V", KEG, SURVEI, edit(SURVEI, desain_sampel=DELETE), "aturan-R1", "galat"),
    (
        "R1 Blok V only for survei",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, desain_sampel=SURVEI["desain_sampel"]),
        "aturan-R1",
        "galat",
    ),
    (
        "R2 probabilitas needs 5.4-5.6",
        KEG,
        SURVEI,
        edit(SURVEI, **{"desain_sampel.kerangka_sampel": DELETE}),
        "aturan-R2",
        "galat",
    ),
    (
        "R2 method must match 5.2",
        KEG,
        edit(
            SURVEI,
            **{
                "desain_sampel.metode_pemilihan_sampel": "Sampel Nonprobabilitas",
                "desain_sampel.metode_sampel": "Quota Sampling",
                "desain_sampel.kerangka_sampel": DELETE,
                "desain_sampel.fraksi_sampel": DELETE,
                "desain_sampel.sampling_error": DELETE,
            },
        ),
        edit(SURVEI, **{"desain_sampel.metode_sampel": "Quota Sampling"}),
        "aturan-R2",
        "galat",
    ),
    (
        "R2 nonprobabilitas has no 5.4",
        KEG,
        SURVEI,
        edit(
            SURVEI,
            **{
                "desain_sampel.metode_pemilihan_sampel": "Sampel Nonprobabilitas",
                "desain_sampel.metode_sampel": "Quota Sampling",
            },
        ),
        "aturan-R2",
        "galat",
    ),
    (
        "R3 berulang needs 4.2",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"desain_kegiatan.frekuensi": DELETE}),
        "aturan-R3",
        "galat",
    ),
    (
        "R3 sekali has no 4.2",
        KEG,
        edit(KOMPROMIN, **{"desain_kegiatan.kegiatan_dilakukan": "Hanya Sekali", "desain_kegiatan.frekuensi": DELETE}),
        edit(KOMPROMIN, **{"desain_kegiatan.kegiatan_dilakukan": "Hanya Sekali"}),
        "aturan-R3",
        "galat",
    ),
    (
        "R4 sebagian needs 4.5",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"desain_kegiatan.wilayah_kegiatan": DELETE}),
        "aturan-R4",
        "galat",
    ),
    (
        "R4 seluruh has no 4.5",
        KEG,
        edit(
            KOMPROMIN,
            **{
                "desain_kegiatan.cakupan_wilayah": "Seluruh Wilayah Indonesia",
                "desain_kegiatan.wilayah_kegiatan": DELETE,
            },
        ),
        edit(KOMPROMIN, **{"desain_kegiatan.cakupan_wilayah": "Seluruh Wilayah Indonesia"}),
        "aturan-R4",
        "galat",
    ),
    (
        "R5 CAPI needs 6.4-6.7",
        KEG,
        SURVEI,
        edit(SURVEI, **{"pengumpulan_data.pelatihan_petugas": DELETE}),
        "aturan-R5",
        "galat",
    ),
    (
        "R5 no PAPI/CAPI/CATI has no 6.4",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"pengumpulan_data.petugas": "Mitra/Tenaga Kontrak"}),
        "aturan-R5",
        "galat",
    ),
    (
        "R6 Lainnya needs sebutkan",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"desain_kegiatan.unit_pengumpulan_data_lainnya": DELETE}),
        "aturan-R6",
        "galat",
    ),
    (
        "R6 sebutkan only with Lainnya",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"desain_kegiatan.metode_pengumpulan_data_lainnya": "Rapat"}),
        "aturan-R6",
        "galat",
    ),
    (
        "R7 published product needs a release date",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"diseminasi.rilis": {}}),
        "aturan-R7",
        "galat",
    ),
    (
        "R7 release date only for published product",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"diseminasi.rilis.tercetak": ["2025-11-01"]}),
        "aturan-R7",
        "galat",
    ),
    ("R8 Ya needs identitas", KEG, SURVEI, edit(SURVEI, identitas_rekomendasi=DELETE), "aturan-R8", "galat"),
    (
        "R8 Tidak has no identitas",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, identitas_rekomendasi="K-25.3514.001"),
        "aturan-R8",
        "galat",
    ),
    (
        "R8 survei identitas starts with V",
        KEG,
        SURVEI,
        edit(SURVEI, identitas_rekomendasi="K-25.3514.004"),
        "aturan-R8",
        "galat",
    ),
    (
        "R8 kompromin identitas starts with K",
        KEG,
        edit(KOMPROMIN, rekomendasi_bps="Ya", identitas_rekomendasi="K-25.3514.001"),
        edit(KOMPROMIN, rekomendasi_bps="Ya", identitas_rekomendasi="V-25.3514.001"),
        "aturan-R8",
        "galat",
    ),
    ("R8 identitas format", KEG, SURVEI, edit(SURVEI, identitas_rekomendasi="V-2025.3514.4"), "skema-pattern", "galat"),
    (
        "R9 survei without recommendation warns",
        KEG,
        SURVEI,
        edit(SURVEI, rekomendasi_bps="Tidak", identitas_rekomendasi=DELETE),
        "aturan-R9",
        "peringatan",
    ),
    (
        "R10 kompromin uses data sekunder",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"desain_kegiatan.metode_pengumpulan_data": ["Wawancara"]}),
        "aturan-R10",
        "galat",
    ),
    (
        "R10 kompromin is not inferensia",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"pengolahan_analisis.metode_analisis": "Inferensia"}),
        "aturan-R10",
        "galat",
    ),
    (
        "R11 inferensia survei needs probabilitas",
        KEG,
        edit(SURVEI, **{"pengolahan_analisis.metode_analisis": "Deskriptif dan Inferensia"}),
        edit(
            SURVEI,
            **{
                "pengolahan_analisis.metode_analisis": "Inferensia",
                "desain_sampel.metode_pemilihan_sampel": "Sampel Nonprobabilitas",
                "desain_sampel.metode_sampel": "Quota Sampling",
                "desain_sampel.kerangka_sampel": DELETE,
                "desain_sampel.fraksi_sampel": DELETE,
                "desain_sampel.sampling_error": DELETE,
            },
        ),
        "aturan-R11",
        "galat",
    ),
    (
        "R12 validasi expected",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"pengolahan_analisis.tahapan_pengolahan.validasi": "Tidak"}),
        "aturan-R12",
        "peringatan",
    ),
    (
        "R12 some product public",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"diseminasi.produk.digital": "Tidak", "diseminasi.rilis": DELETE}),
        "aturan-R12",
        "peringatan",
    ),
    (
        "R14 komposit needs components",
        IND,
        edit(
            INDIKATOR,
            komposit="Ya",
            variabel_pembangun=DELETE,
            publikasi_ketersediaan="IPM Kabupaten Pasuruan",
            indikator_pembangun=["angka-kematian-bayi-2"],
        ),
        edit(INDIKATOR, komposit="Ya"),
        "aturan-R14",
        "galat",
    ),
    (
        "R14 non-komposit needs variables",
        IND,
        INDIKATOR,
        edit(INDIKATOR, variabel_pembangun=DELETE),
        "aturan-R14",
        "galat",
    ),
    (
        "R15 catalog variables are slugs",
        IND,
        edit(INDIKATOR, kegiatan_penghasil="Sakernas, BPS", variabel_pembangun=["Jumlah pengangguran"]),
        edit(INDIKATOR, variabel_pembangun=["Jumlah pengangguran"]),
        "aturan-R15",
        "galat",
    ),
    (
        "R16 OPD runs statistik sektoral",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, jenis_statistik="Statistik Dasar"),
        "aturan-R16",
        "galat",
    ),
    ("required field", VAR, VARIABEL, edit(VARIABEL, definisi=DELETE), "skema-wajib", "galat"),
    ("option names only", VAR, VARIABEL, edit(VARIABEL, tipe_data="integer"), "skema-enum", "galat"),
    ("unknown field", VAR, VARIABEL, edit(VARIABEL, definsi="typo"), "skema-isian-tak-dikenal", "galat"),
    ("type", KEG, KOMPROMIN, edit(KOMPROMIN, tahun="2025"), "skema-type", "galat"),
    (
        "sektor code list",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, sektor_kegiatan="Kesehatan Masyarakat"),
        "kode-tidak-dikenal",
        "galat",
    ),
    (
        "wilayah code list",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"desain_kegiatan.wilayah_kegiatan": [{"provinsi": "35", "kabupaten_kota": "3599"}]}),
        "kode-tidak-dikenal",
        "galat",
    ),
    (
        "wilayah level",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"desain_kegiatan.wilayah_kegiatan": [{"provinsi": "3514"}]}),
        "kode-tidak-dikenal",
        "galat",
    ),
    ("satuan code list warns", VAR, VARIABEL, edit(VARIABEL, satuan="jiwa-jiwa"), "kode-tidak-dikenal", "peringatan"),
    (
        "klasifikasi list name",
        VAR,
        edit(VARIABEL, klasifikasi_referensi="kbli2020"),
        edit(VARIABEL, klasifikasi_referensi="kbli"),
        "kode-daftar-tak-dikenal",
        "galat",
    ),
    (
        "klasifikasi codes",
        VAR,
        edit(
            VARIABEL,
            klasifikasi_referensi="kbli2020",
            klasifikasi_isian=[{"kode": "01121", "nilai": "Pertanian Padi Hibrida"}],
        ),
        edit(
            VARIABEL,
            klasifikasi_referensi="kbli2020",
            klasifikasi_isian=[{"kode": "1121", "nilai": "Pertanian Padi Hibrida"}],
        ),
        "kode-klasifikasi",
        "galat",
    ),
    ("year matches folder", KEG, KOMPROMIN, edit(KOMPROMIN, tahun=2024), "tahun-folder", "galat"),
    (
        "schedule end after start",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"perencanaan.jadwal.desain": [{"awal": "2025-04-10", "akhir": "2025-03"}]}),
        "jadwal-terbalik",
        "galat",
    ),
    (
        "schedule follows business process",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, **{"perencanaan.jadwal.analisis": [{"awal": "2025-02", "akhir": "2025-06"}]}),
        "jadwal-urutan",
        "peringatan",
    ),
    (
        "title wording",
        KEG,
        KOMPROMIN,
        edit(KOMPROMIN, judul_kegiatan="Data Profil Kesehatan"),
        "judul-awalan",
        "peringatan",
    ),
    (
        "3.4 variables reported in MS-Var",
        KEG,
        KOMPROMIN,
        edit(
            KOMPROMIN,
            **{"perencanaan.variabel_dikumpulkan": [{"nama": "Jumlah bidan", "definisi": "d", "referensi_waktu": "t"}]},
        ),
        "msvar-tidak-ada",
        "galat",
    ),
    (
        "indicator variable reference",
        IND,
        INDIKATOR,
        edit(INDIKATOR, variabel_pembangun=["jumlah-kelahiran"]),
        "rujukan-variabel",
        "galat",
    ),
    (
        "cross-activity reference",
        IND,
        edit(INDIKATOR, variabel_pembangun=["dinkes/2025-profil-kesehatan/jumlah-kelahiran-hidup"]),
        edit(INDIKATOR, variabel_pembangun=["dinkes/2024-profil-kesehatan/jumlah-kelahiran-hidup"]),
        "rujukan-variabel",
        "galat",
    ),
]


@pytest.mark.parametrize("rule,rel,good,bad,code,level", CASES, ids=[c[0] for c in CASES])
def test_rule(catalog, rule, rel, good, bad, code, level):
    catalog.write(rel, good)
    assert code not in catalog.codes(), f"{rule}: the satisfying record was flagged"
    catalog.write(rel, bad)
    hits = [f for f in catalog.findings() if f.kode == code]
    assert hits, f"{rule}: expected {code}"
    assert {f.tingkat for f in hits} == {level}
    for f in hits:
        assert f.berkas == rel and f.baris and f.pesan and f.saran


def test_base_catalog_is_clean(catalog):
    assert catalog.findings() == []


def test_survey_base_is_clean(catalog):
    catalog.write(f"{ACTIVITY}/kegiatan.yaml", SURVEI)
    assert catalog.findings() == []


def test_finding_names_form_item_and_line(catalog):
    catalog.write(KEG, edit(KOMPROMIN, **{"desain_kegiatan.frekuensi": DELETE}))
    (f,) = [f for f in catalog.findings() if f.kode == "aturan-R3"]
    assert (f.formulir, f.nomor, f.lokasi) == ("MS-Keg", "4.2", "desain_kegiatan.frekuensi")
    assert "Frekuensi Penyelenggaraan" in f.label
    lines = (catalog.root / KEG).read_text().splitlines()
    assert lines[f.baris - 1].startswith("desain_kegiatan:")


def test_enum_suggests_closest_option(catalog):
    catalog.write(VAR, edit(VARIABEL, tipe_data="Intger"))
    (f,) = [f for f in catalog.findings() if f.kode == "skema-enum"]
    assert "Mungkin maksud Anda 'Integer'" in f.saran and f.nomor == "Kolom 8"


def test_duplicate_variable_names(catalog):
    catalog.write(f"{ACTIVITY}/variabel/kelahiran-hidup.yaml", VARIABEL)
    assert "nama-ganda" in catalog.codes("galat")


def test_duplicate_activity_titles(catalog):
    catalog.write("metadata/dinkes/2025-profil-kesehatan-2/kegiatan.yaml", KOMPROMIN)
    assert "judul-ganda" in catalog.codes("galat")


def test_same_title_other_opd_warns(catalog):
    from conftest import OPD

    catalog.write("metadata/rsud-bangil/opd.yaml", OPD | {"nama": "RSUD Bangil", "singkatan": "RSUD"})
    catalog.write("metadata/rsud-bangil/2025-profil/kegiatan.yaml", KOMPROMIN)
    hits = [f for f in catalog.findings() if f.kode == "duplikasi-opd-lain"]
    assert hits and hits[0].tingkat == "peringatan"


def test_composite_indicator_references_and_cycles(catalog):
    def composite(parts):
        return edit(
            INDIKATOR,
            komposit="Ya",
            variabel_pembangun=DELETE,
            publikasi_ketersediaan="Publikasi",
            indikator_pembangun=parts,
        )

    catalog.write(f"{ACTIVITY}/indikator/a.yaml", composite(["b", "angka-kematian-bayi"]) | {"nama": "A"})
    catalog.write(f"{ACTIVITY}/indikator/b.yaml", composite(["angka-kematian-bayi"]) | {"nama": "B"})
    assert not catalog.codes() & {"rujukan-indikator", "rujukan-siklus"}
    catalog.write(f"{ACTIVITY}/indikator/b.yaml", composite(["a"]) | {"nama": "B"})
    (cycle,) = [f for f in catalog.findings() if f.kode == "rujukan-siklus"]
    assert (
        "dinkes/2025-profil-kesehatan/a → dinkes/2025-profil-kesehatan/b → dinkes/2025-profil-kesehatan/a"
        in cycle.pesan
    )
    catalog.write(f"{ACTIVITY}/indikator/b.yaml", composite(["b"]) | {"nama": "B"})
    assert "rujukan-diri" in catalog.codes()
    catalog.write(f"{ACTIVITY}/indikator/b.yaml", composite(["tidak-ada"]) | {"nama": "B"})
    assert "rujukan-indikator" in catalog.codes()


def test_opd_folder_needs_opd_yaml(catalog):
    (catalog.root / "metadata/dinkes/opd.yaml").unlink()
    assert "opd-tidak-ada" in catalog.codes("galat")


def test_slugs(catalog):
    catalog.write("metadata/dinkes/2025-profil-kesehatan/variabel/Jumlah Bidan.yaml", VARIABEL)
    catalog.write("metadata/Dinas_Sosial/opd.yaml", {})
    catalog.write("metadata/dinkes/profil-2025/kegiatan.yaml", KOMPROMIN)
    slugs = [f for f in catalog.findings() if f.kode == "slug-tidak-sah"]
    assert {f.berkas for f in slugs} == {
        "metadata/dinkes/2025-profil-kesehatan/variabel/Jumlah Bidan.yaml",
        "metadata/Dinas_Sosial",
        "metadata/dinkes/profil-2025",
    }
    assert any("jumlah-bidan" in f.saran for f in slugs)


def test_yml_extension_and_stray_files(catalog):
    catalog.write(f"{ACTIVITY}/variabel/jumlah-bidan.yml", VARIABEL)
    catalog.text(f"{ACTIVITY}/catatan.txt", "draft")
    codes = {f.kode: f.tingkat for f in catalog.findings()}
    assert codes["berkas-ekstensi"] == "galat" and codes["berkas-tak-dikenal"] == "peringatan"


def test_activity_without_variables_warns(catalog):
    (catalog.root / VAR).unlink()
    catalog.write(IND, edit(INDIKATOR, kegiatan_penghasil="Sakernas", variabel_pembangun=["Jumlah pengangguran"]))
    catalog.write(
        KEG, edit(KOMPROMIN, **{"perencanaan.variabel_dikumpulkan": KOMPROMIN["perencanaan"]["variabel_dikumpulkan"]})
    )
    assert catalog.codes() == {"msvar-kosong"}


def test_month_only_start_is_not_before_a_day_in_that_month(catalog):
    jadwal = {
        "perencanaan.jadwal.pengumpulan_data": [{"awal": "2025-03-03", "akhir": "2025-03-20"}],
        "perencanaan.jadwal.pengolahan_data": [{"awal": "2025-03", "akhir": "2025-04"}],
    }
    catalog.write(KEG, edit(KOMPROMIN, **jadwal))
    assert "jadwal-urutan" not in catalog.codes()
    jadwal["perencanaan.jadwal.pengolahan_data"] = [{"awal": "2025-02", "akhir": "2025-04"}]
    catalog.write(KEG, edit(KOMPROMIN, **jadwal))
    assert "jadwal-urutan" in catalog.codes()


def test_path_traversal_in_references_is_rejected(catalog):
    catalog.write(IND, edit(INDIKATOR, variabel_pembangun=["../../../etc/passwd", "..%2F..%2Fetc"]))
    codes = catalog.codes("galat")
    assert "aturan-R15" in codes
    assert not any(f.berkas.startswith("..") for f in catalog.findings())


def test_similar_records_of_another_opd_warn(catalog):
    from conftest import OPD

    catalog.write("metadata/dinsos/opd.yaml", OPD | {"nama": "Dinas Sosial", "singkatan": "Dinsos"})
    other = "metadata/dinsos/2025-data-sosial"
    catalog.write(f"{other}/kegiatan.yaml", KOMPROMIN | {"judul_kegiatan": "Kompilasi Produk Administrasi Data Sosial"})
    # same significant words in another order, with different filler words
    catalog.write(
        f"{other}/variabel/kelahiran.yaml", VARIABEL | {"nama": "Banyaknya Kelahiran Hidup", "definisi": "Bayi."}
    )
    hits = [f for f in catalog.findings() if f.kode == "duplikasi-opd-lain"]
    assert [(f.berkas, f.lokasi, f.tingkat) for f in hits] == [
        (f"{other}/variabel/kelahiran.yaml", "nama", "peringatan")
    ]
    assert "metadata/dinkes/2025-profil-kesehatan/variabel/jumlah-kelahiran-hidup.yaml" in hits[0].pesan
    catalog.write(
        f"{other}/variabel/kelahiran.yaml", VARIABEL | {"nama": "Kelahiran bayi berat rendah", "definisi": "Bayi."}
    )
    assert "duplikasi-opd-lain" not in catalog.codes()
    # the same definition under another name is found too
    catalog.write(f"{other}/variabel/kelahiran.yaml", VARIABEL | {"nama": "Bayi lahir"})
    hits = [f for f in catalog.findings() if f.kode == "duplikasi-opd-lain"]
    assert [f.lokasi for f in hits] == ["definisi"]


def test_same_opd_records_are_not_duplicates_of_each_other(catalog):
    catalog.write("metadata/dinkes/2024-profil-kesehatan/kegiatan.yaml", KOMPROMIN | {"tahun": 2024})
    catalog.write("metadata/dinkes/2024-profil-kesehatan/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL)
    assert "duplikasi-opd-lain" not in catalog.codes()


def test_every_missing_required_field_is_reported(catalog):
    catalog.write(VAR, edit(VARIABEL, definisi=DELETE, konsep=DELETE, tipe_data=DELETE))
    hits = sorted(f.lokasi for f in catalog.findings() if f.kode == "skema-wajib")
    assert hits == ["definisi", "konsep", "tipe_data"]
