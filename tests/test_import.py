"""`satudata import`: cells → YAML records, through real workbooks and the real command."""

from __future__ import annotations

import datetime
import difflib
import json
import shutil
import zipfile

import openpyxl
import pytest
from conftest import ACTIVITY, REPO, SURVEI, VARIABEL, CatalogBuilder, writable
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsxtools import add_row, clear_rows, column, edit, export, find_row, import_, run, snapshot

from pipeline.edit.records import new_text
from pipeline.read.catalog import load_catalog
from pipeline.read.loader import load

KEG = {"opd": "dinkes", "kegiatan": "2025-profil-kesehatan"}
VAR = KEG | {"slug": "jumlah-kelahiran-hidup"}
SAMPLE_KEG = "metadata/dinkes/2025-profil-kesehatan/kegiatan.yaml"


def data(root, kind="kegiatan", ident="dinkes/2025-profil-kesehatan"):
    return load_catalog(root).get(kind, ident).data


@pytest.fixture
def sample(tmp_path):
    """The real Dinkes folder of the sample catalog (comments, folded text, SOP log)."""
    root = tmp_path / "katalog"
    shutil.copytree(REPO / "metadata/dinkes", root / "metadata/dinkes")
    return root


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


# --- updating existing records ------------------------------------------------------------------


def test_one_changed_cell_changes_one_line_and_keeps_comments_and_alur(sample, tmp_path):
    before = (sample / SAMPLE_KEG).read_text()
    alur = load(sample / SAMPLE_KEG).data["alur"]
    xlsx = export(sample, tmp_path / "dinkes.xlsx")
    edit(xlsx, "MS-Keg", KEG, "desain_kegiatan.frekuensi", "Semesteran")
    result = import_(xlsx, sample)
    assert result.exit_code == 0, result.output
    assert f"diubah   {SAMPLE_KEG}: 4.2 Jika" in result.output
    after = (sample / SAMPLE_KEG).read_text()
    assert changed_lines(before, after) == ["-  frekuensi: Tahunan", "+  frekuensi: Semesteran"]
    assert load(sample / SAMPLE_KEG).data["alur"] == alur


def test_new_value_goes_to_its_form_position_and_codes_stay_text(sample, tmp_path):
    before = (sample / SAMPLE_KEG).read_text()
    xlsx = export(sample, tmp_path / "dinkes.xlsx")
    edit(xlsx, "MS-Keg", KEG, "kode_kegiatan", "0123")
    edit(xlsx, "MS-Keg", KEG, "penanggung_jawab.eselon_1", "Sekretariat Daerah")
    assert import_(xlsx, sample).exit_code == 0
    after = (sample / SAMPLE_KEG).read_text()
    assert changed_lines(before, after) == ['+kode_kegiatan: "0123"', "+  eselon_1: Sekretariat Daerah"]
    assert after.index("kode_kegiatan") < after.index("jenis_statistik")
    assert data(sample)["kode_kegiatan"] == "0123"


def test_clearing_cells_removes_fields_but_not_the_comments_around_them(sample, tmp_path):
    path = sample / SAMPLE_KEG
    text = path.read_text()
    path.write_text(text.replace("    telepon: 0812", "    # telepon genggam, boleh dikosongkan\n    telepon: 0812"))
    before = path.read_text()
    xlsx = export(sample, tmp_path / "dinkes.xlsx")
    edit(xlsx, "MS-Keg", KEG, "pengolahan_analisis.tingkat_penyajian", "Kabupaten/Kota; Kecamatan")
    edit(xlsx, "MS-Keg", KEG, "pengolahan_analisis.tingkat_penyajian_lainnya", None)
    edit(xlsx, "MS-Keg", KEG, "penanggung_jawab.teknis.telepon", None)
    result = import_(xlsx, sample)
    assert result.exit_code == 0, result.output
    after = path.read_text()
    stored = data(sample)
    assert stored["pengolahan_analisis"]["tingkat_penyajian"] == ["Kabupaten/Kota", "Kecamatan"]
    assert "tingkat_penyajian_lainnya" not in stored["pengolahan_analisis"]
    assert "telepon" not in stored["penanggung_jawab"]["teknis"]
    comments = [line.strip() for line in before.splitlines() if line.strip().startswith("#")]
    gone = [c for c in comments if c not in after]
    assert gone == ["# telepon genggam, boleh dikosongkan"]
    assert after.index("# Blok IV. Desain Kegiatan") < after.index("desain_kegiatan:")
    assert after.index("# Blok VIII. Diseminasi Hasil") < after.index("diseminasi:")


def test_clearing_a_required_list_is_refused_before_anything_is_written(sample, tmp_path):
    """The issue's case: emptied cells would delete mandatory fields; now the import says so and stops."""
    xlsx = export(sample, tmp_path / "dinkes.xlsx")
    edit(xlsx, "MS-Keg", KEG, "desain_kegiatan.frekuensi", "Semesteran")  # a valid change in the same import
    clear_rows(xlsx, "MS-Keg 3.4 Variabel", **KEG)
    before = snapshot(sample)
    result = import_(xlsx, sample)
    assert result.exit_code == 1
    assert "GALAT [skema-wajib] MS-Keg 3.4 Variabel (Karakteristik) yang Dikumpulkan" in result.output
    assert "Di Excel: lembar MS-Keg" in result.output
    assert "Tidak ada berkas yang ditulis: 1 galat pada rekaman yang akan ditulis." in result.output
    assert snapshot(sample) == before


def test_a_control_character_in_a_cell_is_named_at_its_cell_and_nothing_is_written(sample, tmp_path):
    """Excel keeps a vertical tab pasted from Word as _x000B_; no record may hold it (XML cannot)."""
    xlsx = export(sample, tmp_path / "dinkes.xlsx")
    ref = edit(xlsx, "MS-Keg", KEG, "judul_kegiatan", "Kompilasi Produk_x000B_Administrasi Profil Kesehatan")
    before = snapshot(sample)
    result = import_(xlsx, sample)
    assert result.exit_code == 1
    assert "GALAT [excel-karakter] MS-Keg Judul Kegiatan" in result.output
    assert f"kolom {ref.rstrip('0123456789')}: Sel memuat karakter kendali U+000B" in result.output
    assert snapshot(sample) == before


def test_merged_cells_that_empty_mandatory_fields_write_nothing(sample, tmp_path):
    """Merging cells in Excel keeps only the top-left value: the other rows' nama/alias/konsep vanish."""
    xlsx = export(sample, tmp_path / "dinkes.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["MS-Var"]
    for key in ("nama", "alias", "konsep"):
        letter = openpyxl.utils.get_column_letter(column(ws, key))
        ws.merge_cells(f"{letter}3:{letter}5")
    wb.save(xlsx)
    before = snapshot(sample)
    result = import_(xlsx, sample)
    assert result.exit_code == 1
    assert "[excel-sel-gabung]" in result.output and "MS-Var" in result.output
    assert snapshot(sample) == before


def test_a_missing_column_leaves_its_field_alone(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["MS-Var"]
    ws.delete_cols(column(ws, "definisi"))
    ws.cell(row=3, column=column(ws, "konsep")).value = "Kelahiran hidup (baru)"
    wb.save(xlsx)
    assert import_(xlsx, catalog.root).exit_code == 0
    stored = data(catalog.root, "variabel", "/".join(VAR.values()))
    assert stored["konsep"] == "Kelahiran hidup (baru)"
    assert stored["definisi"] == VARIABEL["definisi"]


def test_retyping_the_same_value_changes_nothing(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    edit(xlsx, "MS-Keg", KEG, "tahun", "2025", text=True)  # typed into a Text cell
    before = snapshot(catalog.root)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 0
    assert "4 rekaman tidak berubah" in result.output
    assert snapshot(catalog.root) == before


# --- cell conversion ---------------------------------------------------------------------------


def test_cells_are_converted_to_the_schema_types(catalog, tmp_path):
    catalog.write(f"{ACTIVITY}/kegiatan.yaml", SURVEI)
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    edit(xlsx, "MS-Keg", KEG, "pengumpulan_data.jumlah_petugas.enumerator", 12.0)
    edit(xlsx, "MS-Keg", KEG, "pengumpulan_data.jumlah_petugas.supervisor", "3", text=True)
    edit(xlsx, "MS-Keg", KEG, "desain_sampel.fraksi_sampel", "0,1", text=True)
    edit(xlsx, "MS-Keg", KEG, "desain_kegiatan.metode_pengumpulan_data", "Wawancara;Pengamatan (Observasi) ")
    edit(xlsx, "MS-Keg", KEG, "pengolahan_analisis.tahapan_pengolahan.penyandian", True)
    edit(xlsx, "MS-Keg", KEG, "diseminasi.rilis.digital", datetime.datetime(2025, 10, 2), number_format="dd/mm/yyyy")
    wb = openpyxl.load_workbook(xlsx)
    jadwal = wb["MS-Keg 3.3 Jadwal"]
    r = find_row(jadwal, opd="dinkes", fase="3.3.B.3 Pengumpulan Data")
    jadwal.cell(row=r, column=column(jadwal, "awal")).value = datetime.datetime(2025, 3, 1)
    jadwal.cell(row=r, column=column(jadwal, "awal")).number_format = "mmm-yy"
    jadwal.cell(row=r, column=column(jadwal, "akhir")).value = datetime.datetime(2025, 3, 20)
    jadwal.cell(row=r, column=column(jadwal, "akhir")).number_format = "yyyy-mm-dd"
    wb.save(xlsx)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 0, result.output
    stored = data(catalog.root)
    assert stored["pengumpulan_data"]["jumlah_petugas"] == {"supervisor": 3, "enumerator": 12}
    assert stored["desain_sampel"]["fraksi_sampel"] == 0.1
    assert stored["desain_kegiatan"]["metode_pengumpulan_data"] == ["Wawancara", "Pengamatan (Observasi)"]
    assert stored["pengolahan_analisis"]["tahapan_pengolahan"]["penyandian"] == "Ya"
    assert stored["diseminasi"]["rilis"]["digital"] == ["2025-10-02"]
    assert stored["perencanaan"]["jadwal"]["pengumpulan_data"] == [{"awal": "2025-03", "akhir": "2025-03-20"}]


def test_codes_keep_leading_zeros_and_numbers_typed_as_codes_become_text(catalog, tmp_path):
    catalog.write(
        f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml",
        VARIABEL | {"tipe_data": "Karakter", "klasifikasi_isian": [{"kode": "01", "nilai": "Laki-laki"}]},
    )
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    add_row(xlsx, "MS-Var 9 Klasifikasi", VAR | {"kode": 2, "nilai": "Perempuan"})
    edit(xlsx, "OPD", {"opd": "dinkes"}, "kode_wilayah", 3514)  # a number typed into a General cell
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 0, result.output
    stored = data(catalog.root, "variabel", "/".join(VAR.values()))
    assert stored["klasifikasi_isian"] == [{"kode": "01", "nilai": "Laki-laki"}, {"kode": 2, "nilai": "Perempuan"}]
    assert isinstance(stored["klasifikasi_isian"][0]["kode"], str)
    assert data(catalog.root, "opd", "dinkes")["kode_wilayah"] == "3514"


def test_a_code_outside_its_code_list_is_refused(catalog, tmp_path):
    catalog.write(
        f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml",
        VARIABEL | {"klasifikasi_referensi": "kbli2020", "klasifikasi_isian": [{"kode": "01111", "nilai": "Padi"}]},
    )
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    row = add_row(xlsx, "MS-Var 9 Klasifikasi", VAR | {"kode": 2, "nilai": "Dua"})
    before = snapshot(catalog.root)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert f"ekspor.xlsx › MS-Var 9 Klasifikasi:{row}: GALAT [kode-klasifikasi] MS-Var Kode (D{row})" in result.output
    assert "Kode '2' tidak ada di daftar KBLI 2020" in result.output
    assert snapshot(catalog.root) == before
    edit(xlsx, "MS-Var 9 Klasifikasi", VAR | {"nilai": "Dua"}, "kode", "01112", text=True)
    edit(xlsx, "MS-Var 9 Klasifikasi", VAR | {"kode": "01112"}, "nilai", "Jagung")
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 0, result.output
    stored = data(catalog.root, "variabel", "/".join(VAR.values()))
    assert stored["klasifikasi_isian"][1] == {"kode": "01112", "nilai": "Jagung"}


def test_bad_cells_are_reported_by_sheet_row_and_column_and_nothing_is_written(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    edit(xlsx, "MS-Var", VAR, "konsep", "Perubahan sah yang tidak boleh tertulis")
    tahun = edit(xlsx, "MS-Keg", KEG, "tahun", "dua ribu", text=True)
    freq = edit(xlsx, "MS-Keg", KEG, "desain_kegiatan.frekuensi", "Tahunann")
    multi = edit(xlsx, "MS-Keg", KEG, "desain_kegiatan.metode_pengumpulan_data", "Wawancara; Telepon")
    judul = edit(xlsx, "MS-Keg", KEG, "judul_kegiatan", datetime.datetime(2025, 1, 2))
    tipe = edit(xlsx, "MS-Var", VAR, "tipe_data", "Angka")
    wb = openpyxl.load_workbook(xlsx)
    jadwal = wb["MS-Keg 3.3 Jadwal"]
    jadwal.cell(row=3, column=column(jadwal, "akhir")).value = "2025-13"
    wb.save(xlsx)
    slug = add_row(xlsx, "MS-Ind", KEG | {"slug": "Angka Bayi", "nama": "Angka bayi"})
    before = snapshot(catalog.root)
    result = import_(xlsx, catalog.root)
    out = result.output
    assert result.exit_code == 1
    assert "Tidak ada berkas yang ditulis: 7 galat di buku kerja." in out
    assert f"ekspor.xlsx › MS-Keg:3: GALAT [excel-bilangan] MS-Keg Tahun ({tahun})" in out
    assert f"Lembar MS-Keg, baris 3, kolom {tahun[0]}: 'dua ribu' bukan bilangan bulat." in out
    assert f'[skema-enum] MS-Keg 4.2 Jika "berulang" (R.4.1. berkode 2), Frekuensi Penyelenggaraan ({freq})' in out
    assert "Mungkin maksud Anda 'Tahunan'?" in out
    assert f"[skema-enum] MS-Keg 4.6 Metode Pengumpulan Data ({multi})" in out
    assert f"[excel-jadi-tanggal] MS-Keg Judul Kegiatan ({judul})" in out
    assert "[skema-pattern] MS-Keg Akhir (E3)" in out
    assert f"ekspor.xlsx › MS-Var:3: GALAT [skema-enum] MS-Var Kolom 8 Tipe Data ({tipe})" in out
    assert f"ekspor.xlsx › MS-Ind:{slug}: GALAT [excel-identitas]" in out
    assert "Misalnya 'angka-bayi'." in out
    assert snapshot(catalog.root) == before


def test_a_text_column_that_excel_turned_into_a_date_is_refused(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    edit(xlsx, "MS-Var", VAR, "referensi_waktu", datetime.datetime(2025, 1, 1))
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert "Excel mengubah isian ini menjadi tanggal (2025-01-01)." in result.output
    assert "Format sel sebagai Teks" in result.output


# --- new records ---------------------------------------------------------------------------------


def test_last_years_activity_copied_in_excel_becomes_a_new_folder(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    for ws in wb.worksheets:
        if ws.title in ("Petunjuk", "Daftar"):
            continue
        for cell in ws["B"][2:] if ws.title != "OPD" else ():
            if cell.value == "2025-profil-kesehatan":
                cell.value = "2026-profil-kesehatan"
    wb["MS-Keg"].cell(row=3, column=column(wb["MS-Keg"], "tahun")).value = 2026
    wb.save(xlsx)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 0, result.output
    new = "metadata/dinkes/2026-profil-kesehatan"
    assert f"dibuat   {new}/kegiatan.yaml" in result.output
    assert f"dibuat   {new}/variabel/jumlah-kelahiran-hidup.yaml" in result.output
    assert f"dibuat   {new}/indikator/angka-kematian-bayi.yaml" in result.output
    old, copy = data(catalog.root), data(catalog.root, ident="dinkes/2026-profil-kesehatan")
    assert copy == old | {"tahun": 2026}
    assert "Pemeriksaan rekaman yang ditulis: 0 galat" in result.output


def test_an_incomplete_template_row_is_refused_with_every_missing_field(catalog, tmp_path):
    xlsx = tmp_path / "templat.xlsx"
    assert run("template", catalog.root, "--keluar", xlsx).exit_code == 0
    add_row(
        xlsx,
        "MS-Keg",
        {"opd": "dinkes", "kegiatan": "2026-survei-baru", "judul_kegiatan": "Survei Baru", "tahun": 2026},
    )
    add_row(
        xlsx,
        "MS-Keg 3.3 Jadwal",
        {"opd": "dinkes", "kegiatan": "2026-survei-baru", "fase": "Desain", "awal": "2026-01"},
    )
    before = snapshot(catalog.root)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert "GALAT [skema-wajib] MS-Keg Cara Pengumpulan Data" in result.output
    block = result.output.index("GALAT [skema-wajib] MS-Keg I Blok I. Penyelenggara")
    assert result.output[block:].split("\n")[3].strip().startswith("Di Excel: lembar MS-Keg, sel ")
    assert "Tidak ada berkas yang ditulis" in result.output
    assert snapshot(catalog.root) == before
    assert not (catalog.root / "metadata/dinkes/2026-survei-baru").exists()


def test_an_empty_template_imports_nothing(catalog, tmp_path):
    xlsx = tmp_path / "templat.xlsx"
    run("template", catalog.root, "--keluar", xlsx)
    before = snapshot(catalog.root)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 0
    assert "tidak ada baris data" in result.output
    assert snapshot(catalog.root) == before


# --- structure of the workbook --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "kode"),
    [
        (lambda x: add_row(x, "MS-Var", VAR | {"nama": "Lagi"}), "excel-ganda"),
        (
            lambda x: add_row(x, "MS-Keg 3.4 Variabel", {"opd": "dinkes", "kegiatan": "2025-lain", "nama": "X"}),
            "excel-induk-tidak-ada",
        ),
        (
            lambda x: add_row(x, "MS-Var", {"opd": "dinkes", "kegiatan": "2024-lain", "slug": "x", "nama": "X"}),
            "excel-induk-tidak-ada",
        ),
        (
            lambda x: add_row(x, "MS-Keg", {"opd": "dinsos", "kegiatan": "2025-bansos", "tahun": 2025}),
            "excel-induk-tidak-ada",
        ),
        (lambda x: add_row(x, "MS-Var", KEG | {"nama": "Tanpa slug"}), "excel-identitas-kosong"),
        (lambda x: add_row(x, "MS-Keg 3.3 Jadwal", KEG | {"fase": "Panen", "awal": "2025-01"}), "excel-fase"),
    ],
)
def test_rows_that_do_not_fit_the_catalog_are_refused(catalog, tmp_path, change, kode):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    change(xlsx)
    before = snapshot(catalog.root)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert f"[{kode}]" in result.output
    assert snapshot(catalog.root) == before


def test_unknown_sheets_and_columns_with_data_are_refused(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    wb.create_sheet("Catatan").cell(row=5, column=1, value="penting")
    ws = wb["MS-Keg"]
    extra = ws.max_column + 1
    ws.cell(row=2, column=extra, value="alur.riwayat")
    ws.cell(row=3, column=extra, value="langkah 11 disetujui")
    wb.save(xlsx)
    before = snapshot(catalog.root)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert "[excel-lembar-tak-dikenal]" in result.output and "Lembar 'Catatan' tidak dikenal" in result.output
    assert "Kolom 'alur.riwayat' tidak dikenal di lembar MS-Keg" in result.output
    assert snapshot(catalog.root) == before


def test_a_list_sheet_missing_a_column_is_refused_rather_than_emptying_that_field(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["MS-Keg 3.4 Variabel"]
    ws.delete_cols(column(ws, "definisi"))
    wb.save(xlsx)
    before = snapshot(catalog.root)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert "[excel-kolom-hilang]" in result.output
    assert "Lembar MS-Keg 3.4 Variabel tidak memiliki kolom definisi" in result.output
    assert snapshot(catalog.root) == before


def test_a_sheet_without_its_key_row_is_refused(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    wb["MS-Var"].delete_rows(2)
    wb.save(xlsx)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert "[excel-identitas-tidak-ada]" in result.output


@pytest.mark.parametrize("content", [b"bukan excel", b"PK\x03\x04rusak", b""])
def test_a_file_that_is_not_a_workbook_is_reported(catalog, tmp_path, content):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(content)
    before = snapshot(catalog.root)
    result = import_(bad, catalog.root)
    assert result.exit_code == 1
    assert "[excel-tidak-terbaca]" in result.output
    assert snapshot(catalog.root) == before


def test_an_unreadable_yaml_file_is_never_overwritten(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    broken = catalog.text(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", "nama: [tidak ditutup\n")
    edit(xlsx, "MS-Var", VAR, "konsep", "Baru")
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert "[excel-yaml-rusak]" in result.output
    assert broken.read_text() == "nama: [tidak ditutup\n"


def test_json_output_lists_what_was_written(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    edit(xlsx, "MS-Var", VAR, "konsep", "Kelahiran")
    result = import_(xlsx, catalog.root, "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 0
    assert report["ditulis"] is True
    assert report["diubah"] == [
        {"berkas": f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", "isian": ["Kolom 4 Konsep"]}
    ]
    assert report["tidak_berubah"] == 3


# --- property: any text survives export → import ----------------------------------------------------

TEXT_FIELDS = ("alias", "konsep", "definisi", "referensi_pemilihan", "aturan_validasi", "kalimat_pertanyaan")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({k: writable(st.text(min_size=1, max_size=80)).filter(bool) for k in TEXT_FIELDS}))
def test_any_text_in_a_record_survives_export_and_import(tmp_path_factory, values):
    root = tmp_path_factory.mktemp("asal")
    CatalogBuilder(root)
    path = root / ACTIVITY / "variabel/jumlah-kelahiran-hidup.yaml"
    record = VARIABEL | values
    path.write_text(new_text(record), encoding="utf-8")
    xlsx = export(root, root.parent / f"{root.name}.xlsx")
    target = tmp_path_factory.mktemp("tujuan")
    result = import_(xlsx, target)
    assert result.exit_code == 0, result.output
    assert data(target, "variabel", "/".join(VAR.values())) == record
    assert import_(xlsx, root).exit_code == 0
    assert path.read_text(encoding="utf-8") == new_text(record)


# --- sizes are checked while streaming, before the workbook is loaded ---------------------------------


def test_a_sheet_with_too_many_rows_is_refused_before_it_is_loaded(catalog, tmp_path):
    """The rows are counted in the sheet's XML as it streams: this sheet breaks off after 100,050
    rows, so loading it first (as the import did) fails with 'unreadable' instead."""
    from xlsxtools import raw_workbook

    def rows():
        yield ["Nama"]
        yield ["opd", "kegiatan", "slug", "nama"]
        for i in range(100_050):
            yield ["dinkes", "2025-profil-kesehatan", f"v{i}", f"Variabel {i}"]

    xlsx = raw_workbook(tmp_path / "besar.xlsx", {"MS-Var": rows()}, cut_short=True)
    with pytest.raises(Exception):  # noqa: B017 - whatever openpyxl raises for broken XML
        openpyxl.load_workbook(xlsx)
    before = snapshot(catalog.root)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert "[excel-terlalu-banyak-baris]" in result.output
    assert "Lembar MS-Var memiliki lebih dari 100.000 baris (dihitung sebelum buku kerja dibuka)." in result.output
    assert snapshot(catalog.root) == before


def test_a_workbook_that_unpacks_to_gigabytes_is_refused_unread(catalog, tmp_path):
    xlsx = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(520):
                fh.write(b" " * (1 << 20))
    assert xlsx.stat().st_size < 5 * 1024 * 1024  # small on disk
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert "[excel-terlalu-besar]" in result.output and "setelah diurai" in result.output


# --- cells as people type them from a paper form --------------------------------------------------


def test_cells_typed_from_a_paper_form_become_the_stored_values(catalog, tmp_path):
    catalog.write(f"{ACTIVITY}/kegiatan.yaml", SURVEI)
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    edit(xlsx, "MS-Keg", KEG, "diseminasi.rilis.digital", "Desember 2025; 15 Juni 2025")  # 8.2 as on the form
    edit(xlsx, "MS-Keg", KEG, "desain_sampel.sampling_error", "5%")
    edit(xlsx, "MS-Keg", KEG, "desain_sampel.fraksi_sampel", "0,05", text=True)
    edit(xlsx, "MS-Keg", KEG, "desain_kegiatan.sarana_pengumpulan_data", "Pencil-and-Paper Interviewing (PAPI)")
    edit(xlsx, "MS-Keg", KEG, "penyelenggara.telepon", "(0343) 744000")
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 0, result.output
    stored = data(catalog.root)
    assert stored["diseminasi"]["rilis"]["digital"] == ["2025-12", "2025-06-15"]
    assert stored["desain_sampel"]["sampling_error"] == "5%"
    assert stored["desain_sampel"]["fraksi_sampel"] == 0.05
    assert stored["desain_kegiatan"]["sarana_pengumpulan_data"] == ["Paper-assisted Personal Interviewing (PAPI)"]


def test_a_phone_number_typed_as_a_number_is_refused_not_taken_for_a_date(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    ref = edit(xlsx, "MS-Keg", KEG, "penyelenggara.faksimile", 343744001)  # typed into a General cell
    before = snapshot(catalog.root)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert f"[excel-telepon] MS-Keg 1.2 Faksimile ({ref})" in result.output
    assert "angka 0 di depan" in result.output and "Tanggal" not in result.output
    assert snapshot(catalog.root) == before


def test_an_activity_folder_suggestion_in_excel_is_a_valid_name(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    row = add_row(xlsx, "MS-Keg", {"opd": "dinkes", "kegiatan": "Survei PHBS 2026", "tahun": 2026})
    result = import_(xlsx, catalog.root)
    assert f"ekspor.xlsx › MS-Keg:{row}: GALAT [excel-identitas]" in result.output
    assert "Misalnya '2026-survei-phbs'." in result.output


def test_a_number_column_of_a_catalogs_own_schema_refuses_text(catalog, tmp_path):
    """The bundled forms take 5.5/5.6 as a number or as text; a catalog's own schema may keep a number."""
    shutil.copytree(REPO / "schemas", catalog.root / "schemas")
    path = catalog.root / "schemas/kegiatan.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    fraksi = schema["properties"]["desain_sampel"]["properties"]["fraksi_sampel"]
    fraksi["type"] = "number"
    del fraksi["minLength"]
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    catalog.write(f"{ACTIVITY}/kegiatan.yaml", SURVEI)
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    ref = edit(xlsx, "MS-Keg", KEG, "desain_sampel.fraksi_sampel", "lima persen", text=True)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert f"[excel-angka] MS-Keg 5.5 Fraksi Sampel Keseluruhan ({ref})" in result.output
