"""What real, filled forms say is accepted; what BPS reviewers flag is warned.

Each case comes from a real form (the Dinas Perkebunan Provinsi Riau MS-Keg of 2022, the
Perban 5/2020 worked example SKJHI 2018) or from BPS's own list of mistakes in Indah entries
(BPS Provinsi Riau, "Metadata Statistik", 2023); see tests/data/disbun-riau-2022/SOURCE.md.
"""

from __future__ import annotations

import pytest
from conftest import ACTIVITY, INDIKATOR, KOMPROMIN, REPO, SURVEI, VARIABEL
from hypothesis import given
from hypothesis import strategies as st
from test_rules import DELETE, edit

from pipeline.check.messages import choices, closest
from pipeline.contract.dates import form_date
from pipeline.contract.schema import BUNDLED, Schemas
from pipeline.layout import ACTIVITY_DIR, KINDS, SLUG, suggest_name

KEG = f"{ACTIVITY}/kegiatan.yaml"
VAR = f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml"
IND = f"{ACTIVITY}/indikator/angka-kematian-bayi.yaml"
SCHEMAS = Schemas(BUNDLED)


def findings(catalog, rel, data):
    catalog.write(rel, data)
    return catalog.findings()


# --- accepted as the forms write it ------------------------------------------------------------

ACCEPTED = [
    ("8.2 month and year (Desember 2022)", KEG, edit(KOMPROMIN, **{"diseminasi.rilis.digital": ["2025-12"]})),
    (
        "8.2 several dates per product",
        KEG,
        edit(KOMPROMIN, **{"diseminasi.rilis.digital": ["2025-06", "2025-12-15"]}),
    ),
    ("5.3 code 5 of the 2020 form", KEG, edit(SURVEI, **{"desain_sampel.metode_sampel": "Multi Stage Sampling"})),
    (
        "5.3 code 5 of Indah/Romantik",
        KEG,
        edit(SURVEI, **{"desain_sampel.metode_sampel": "Probability Proportional to Size Sampling"}),
    ),
    ("5.6 written with a percent sign (SKJHI)", KEG, edit(SURVEI, **{"desain_sampel.sampling_error": "5%"})),
    ("5.6 written as text", KEG, edit(SURVEI, **{"desain_sampel.sampling_error": "0,05 pada α 5%"})),
    (
        "5.5 per stage as text",
        KEG,
        edit(SURVEI, **{"desain_sampel.fraksi_sampel": "tahap 1: 13/650; tahap 2: 20/8450"}),
    ),
    (
        "6.4 Lainnya of Romantik 2023",
        KEG,
        edit(SURVEI, **{"pengumpulan_data.petugas": "Lainnya", "pengumpulan_data.petugas_lainnya": "Relawan kader"}),
    ),
    (
        "4.5 a province and a count of kabupaten/kota",
        KEG,
        edit(KOMPROMIN, **{"desain_kegiatan.wilayah_kegiatan": [{"provinsi": "14", "jumlah_kabupaten_kota": 12}]}),
    ),
    ("no jenis_statistik (2020 form)", KEG, edit(KOMPROMIN, jenis_statistik=DELETE)),
    ("form version recorded", KEG, edit(KOMPROMIN, versi_formulir="Peraturan BPS 5/2020")),
    (
        "4.5 a region of another province",
        KEG,
        edit(KOMPROMIN, **{"desain_kegiatan.wilayah_kegiatan": [{"provinsi": "94", "kabupaten_kota": "9471"}]}),
    ),
    ("MS-Var id_sds", VAR, edit(VARIABEL, id_sds="SDS-0001234")),
    ("MS-Ind id_sds", IND, edit(INDIKATOR, id_sds="3fa85f64-5717-4562-b3fc-2c963f66afa6")),
]


@pytest.mark.parametrize("case,rel,data", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_what_real_forms_write_is_accepted(catalog, case, rel, data):
    assert [f for f in findings(catalog, rel, data) if f.is_error] == []


# --- still refused, with a fix that works --------------------------------------------------------


def test_a_date_written_in_words_is_refused_with_the_value_to_write(catalog):
    (f,) = [f for f in findings(catalog, KEG, edit(KOMPROMIN, **{"diseminasi.rilis.digital": ["Desember 2025"]}))]
    assert (f.kode, f.nomor) == ("skema-pattern", "8.2")
    assert "'2025-12'" in f.saran


def test_margins_are_numbers_in_range_or_non_empty_text(catalog):
    for value, kode in ((0, "skema-exclusiveMinimum"), (101, "skema-maximum"), ("", "skema-minLength")):
        codes = {f.kode for f in findings(catalog, KEG, edit(SURVEI, **{"desain_sampel.sampling_error": value}))}
        assert kode in codes, value


def test_a_count_and_a_code_in_one_coverage_row_is_refused(catalog):
    row = {"provinsi": "35", "kabupaten_kota": "3514", "jumlah_kabupaten_kota": 1}
    codes = {f.kode for f in findings(catalog, KEG, edit(KOMPROMIN, **{"desain_kegiatan.wilayah_kegiatan": [row]}))}
    assert "aturan-R4" in codes


def test_a_count_larger_than_the_province_is_warned(catalog):
    row = {"provinsi": "14", "jumlah_kabupaten_kota": 13}  # Riau has 12 kabupaten/kota
    (f,) = findings(catalog, KEG, edit(KOMPROMIN, **{"desain_kegiatan.wilayah_kegiatan": [row]}))
    assert (f.kode, f.tingkat, f.nomor) == ("wilayah-jumlah", "peringatan", "4.5")
    assert "Riau memiliki 12 kabupaten/kota" in f.pesan


def test_lainnya_on_6_4_needs_its_text(catalog):
    codes = {f.kode for f in findings(catalog, KEG, edit(SURVEI, **{"pengumpulan_data.petugas": "Lainnya"}))}
    assert "aturan-R6" in codes


def test_an_opd_marking_statistik_dasar_is_an_error(catalog):
    (f,) = findings(catalog, KEG, edit(KOMPROMIN, jenis_statistik="Statistik Dasar"))
    assert (f.kode, f.tingkat) == ("aturan-R16", "galat")


def test_an_option_of_another_form_version_is_warned(catalog):
    data = edit(
        SURVEI,
        versi_formulir="Peraturan BPS 5/2020",
        **{"desain_sampel.metode_sampel": "Probability Proportional to Size Sampling"},
    )
    (f,) = findings(catalog, KEG, data)
    assert (f.kode, f.tingkat, f.nomor) == ("versi-pilihan", "peringatan", "5.3")
    assert "kode 5 berarti 'Multi Stage Sampling'" in f.pesan


def test_a_survey_variable_needs_its_question(catalog):
    catalog.write(VAR, edit(VARIABEL, kalimat_pertanyaan=DELETE))
    assert findings(catalog, KEG, KOMPROMIN) == []  # a compilation has no questionnaire
    (f,) = findings(catalog, KEG, SURVEI)
    assert (f.kode, f.berkas, f.nomor, f.tingkat) == ("kalimat-pertanyaan-survei", VAR, "Kolom 11", "galat")


def test_only_bps_fields_are_marked_for_bps():
    marked = [
        (kind, ".".join(f.path))
        for kind in KINDS
        for f in SCHEMAS[kind].fields()
        if f.schema.get("x-diisi-oleh") == "bps"
    ]
    assert marked == [("kegiatan", "kode_kegiatan"), ("indikator", "kode_kegiatan_penghasil")]


def test_jenis_statistik_defaults_to_statistik_sektoral():
    assert "jenis_statistik" not in SCHEMAS["kegiatan"].schema["required"]
    assert SCHEMAS["kegiatan"].schema["properties"]["jenis_statistik"]["default"] == "Statistik Sektoral"


def test_every_option_version_and_code_names_real_options():
    versions = SCHEMAS["kegiatan"].schema["properties"]["versi_formulir"]["enum"]
    for kind in KINDS:
        for f in SCHEMAS[kind].fields():
            for option, where in (f.schema.get("x-versi-pilihan") or {}).items():
                assert option in f.options and set(where) <= set(versions), f.path
            for version, codes in (f.schema.get("x-kode-versi") or {}).items():
                assert version in versions and set(codes) <= set(f.options), f.path
            for other, option in (f.schema.get("x-sinonim") or {}).items():
                assert option in f.options and other not in f.options, f.path


# --- the Indah naming checks (warnings) -------------------------------------------------------------

NAMING = [
    (
        "title opened by Verifikasi Data",
        KEG,
        edit(KOMPROMIN, judul_kegiatan="Verifikasi Data Profil Kesehatan"),
        "judul-awalan",
    ),
    (
        "title without its method",
        KEG,
        edit(KOMPROMIN, judul_kegiatan="Profil Kesehatan Kabupaten Pasuruan"),
        "judul-cara",
    ),
    (
        "title naming another method",
        KEG,
        edit(KOMPROMIN, judul_kegiatan="Survei Profil Kesehatan Kabupaten Pasuruan"),
        "judul-cara",
    ),
    (
        "year in a recurring title",
        KEG,
        edit(KOMPROMIN, judul_kegiatan="Kompilasi Produk Administrasi Profil Kesehatan 2025"),
        "judul-tahun",
    ),
    ("abbreviated variable name", VAR, edit(VARIABEL, nama="JKH"), "nama-singkatan"),
    ("a classification as indicator", IND, edit(INDIKATOR, nama="Jenis Kelamin"), "indikator-bukan-ukuran"),
    ("konsep is a dash", VAR, edit(VARIABEL, konsep="-"), "konsep-tidak-tepat"),
    ("konsep copies the definition", VAR, edit(VARIABEL, konsep=VARIABEL["definisi"]), "konsep-tidak-tepat"),
    ("Word equation in the formula", IND, edit(INDIKATOR, metode_perhitungan="𝐴𝐾𝐵 = 𝐷/𝐵 × 1000"), "rumus-word"),
    (
        "Lainnya that is an option",
        KEG,
        edit(
            KOMPROMIN,
            **{
                "pengolahan_analisis.tingkat_penyajian": ["Lainnya"],
                "pengolahan_analisis.tingkat_penyajian_lainnya": "Provinsi",
            },
        ),
        "lainnya-sama",
    ),
    (
        "Lainnya naming PAPI",
        KEG,
        edit(KOMPROMIN, **{"desain_kegiatan.sarana_pengumpulan_data_lainnya": "PAPI dan CAPI"}),
        "lainnya-sama",
    ),
]


@pytest.mark.parametrize("case,rel,data,code", NAMING, ids=[c[0] for c in NAMING])
def test_indah_naming_checks_warn(catalog, case, rel, data, code):
    assert code not in catalog.codes()
    hits = [f for f in findings(catalog, rel, data) if f.kode == code]
    assert hits and {f.tingkat for f in hits} == {"peringatan"}
    assert all(f.berkas == rel and f.baris and f.saran for f in hits)


def test_names_with_their_abbreviation_in_brackets_are_fine(catalog):
    good = edit(VARIABEL, nama="Luas Tanaman Belum Menghasilkan (TBM)")
    assert "nama-singkatan" not in {f.kode for f in findings(catalog, VAR, good)}
    assert "indikator-bukan-ukuran" not in {
        f.kode for f in findings(catalog, IND, edit(INDIKATOR, nama="Rasio Jenis Kelamin"))
    }


# --- suggestions are themselves valid ------------------------------------------------------------------


def test_menit_is_not_suggested_as_unit_but_typing_slips_are(catalog):
    (f,) = findings(catalog, VAR, edit(VARIABEL, satuan="menit"))
    assert f.kode == "kode-tidak-dikenal" and "Mungkin" not in f.saran
    assert closest("Tahunann", ["Harian", "Tahunan"]) == "Tahunan"
    assert closest("menit", ["unit", "jiwa"]) is None
    assert "Mungkin maksud Anda 'Integer'" in choices(["Integer", "Float"], "integer")


@given(st.text(max_size=40))
def test_a_slug_suggestion_is_always_a_valid_name(name):
    assert SLUG.fullmatch(suggest_name(name))
    assert ACTIVITY_DIR.fullmatch(suggest_name(name, activity=True))


def test_an_activity_folder_suggestion_keeps_its_year_in_front(catalog):
    catalog.write("metadata/dinkes/Survei PHBS 2026/kegiatan.yaml", KOMPROMIN | {"tahun": 2026})
    catalog.write("metadata/dinkes/survei-phbs/kegiatan.yaml", KOMPROMIN)
    slugs = {f.berkas: f.saran for f in catalog.findings() if f.kode == "slug-tidak-sah"}
    assert "'2026-survei-phbs'" in slugs["metadata/dinkes/Survei PHBS 2026"]
    suggested = slugs["metadata/dinkes/survei-phbs"].split("'")[1]
    assert ACTIVITY_DIR.fullmatch(suggested) and suggested.endswith("-survei-phbs")


def test_every_example_in_the_schemas_is_valid_for_its_field():
    import re

    from jsonschema import Draft202012Validator

    for kind in KINDS:
        for f in SCHEMAS[kind].fields():
            example = f.schema.get("x-contoh") or (f.schema.get("items") or {}).get("x-contoh")
            if not example:
                continue
            target = f.schema.get("items") if f.schema.get("type") == "array" else f.schema
            for text in example.split(" atau "):
                value = (
                    int(text)
                    if target.get("type") in ("integer", ["number", "string"]) and re.fullmatch(r"\d+", text)
                    else text
                )
                if target.get("type") == "number" or (
                    target.get("type") == ["number", "string"] and re.fullmatch(r"[\d.]+", text)
                ):
                    value = float(text)
                assert Draft202012Validator(target).is_valid(value), (kind, f.path, text)


@pytest.mark.parametrize(
    "text,iso",
    [
        ("Desember 2022", "2022-12"),
        ("5 Desember 2022", "2022-12-05"),
        ("Des. 2022", "2022-12"),
        ("12/2022", "2022-12"),
        ("05/12/2022", "2022-12-05"),
        ("Pebruari 2024", "2024-02"),
        ("31 Februari 2024", None),
        ("Semester 2022", None),
        ("-", None),
    ],
)
def test_dates_as_forms_write_them(text, iso):
    assert form_date(text) == iso


# --- a real, filled MS-Keg ----------------------------------------------------------------------------

DISBUN = REPO / "tests/data/disbun-riau-2022"


def test_the_filled_disbun_riau_form_validates_with_only_the_omissions_it_really_has(tmp_path):
    import json
    import shutil

    from xlsxtools import run

    root = tmp_path / "riau"
    shutil.copytree(DISBUN, root)
    result = run("validate", root, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    found = {(f["kode"], f["tingkat"], f["lokasi"]) for f in report["temuan"]}
    assert found == {
        ("msvar-kosong", "peringatan", None),
        ("judul-cara", "peringatan", "judul_kegiatan"),
        ("judul-tahun", "peringatan", "judul_kegiatan"),
        ("jadwal-urutan", "peringatan", "perencanaan.jadwal.pengumpulan_data"),
        ("lainnya-sama", "peringatan", "pengolahan_analisis.tingkat_penyajian_lainnya"),
    }


def test_the_portal_shows_the_default_jenis_statistik_of_a_2020_form(portal):
    import json

    from conftest import PUBLIC_ALUR

    portal.write(KEG, edit(KOMPROMIN, jenis_statistik=DELETE) | {"alur": PUBLIC_ALUR})
    site = portal.build()
    record = json.loads((site / "api/kegiatan/dinkes/2025-profil-kesehatan.json").read_text())
    assert record["ms_keg"]["jenis_statistik"] == "Statistik Sektoral"
