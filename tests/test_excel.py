"""The workbook: layout from the schemas, the template, the export and lossless cell encoding."""

from __future__ import annotations

import re
import shutil
import time
import zipfile

import openpyxl
import pytest
from conftest import ACTIVITY, INDIKATOR, REPO, VARIABEL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsxtools import cells, edit, export, import_, run, snapshot

from pipeline.contract.schema import BUNDLED, Schemas
from pipeline.edit.records import same
from pipeline.excel.cells import decode_list, encode_list, escape_text, read_content, unescape_text
from pipeline.excel.layout import build_layout
from pipeline.read.catalog import load_catalog

SCHEMAS = Schemas(BUNDLED)
LAYOUT = build_layout(SCHEMAS)


# --- layout ------------------------------------------------------------------------------------


def _form_leaves(rs):
    """Every schema field that holds a value (not an object of fields), minus the SOP log."""
    out = set()
    for f in rs.fields():
        if f.path[0] in rs.workflow_keys or f.schema.get("type") == "object":
            continue
        out.add(f.path)
    return out


@pytest.mark.parametrize("kind", ["opd", "kegiatan", "variabel", "indikator"])
def test_every_form_field_is_one_column_in_form_order(kind):
    rs = SCHEMAS[kind]
    found = []
    main = LAYOUT.main(kind)
    found += [c.field.path for c in main.data_columns]
    for sheet in LAYOUT.children(kind):
        lists = [p.path for p in sheet.phases] or [sheet.array]  # a grouped sheet holds several lists
        found += lists
        found += [path + c.path for path in lists for c in sheet.data_columns]
    wanted = _form_leaves(rs)
    assert sorted(set(found)) == sorted(wanted)
    assert len(found) == len(set(found))
    order = [f.path for f in rs.fields()]
    main_paths = [c.field.path for c in main.data_columns]
    assert main_paths == sorted(main_paths, key=order.index)
    assert "alur" not in {p[0] for p in found}


def test_sheets_are_named_for_their_form_item_and_fit_excel():
    names = [s.name for s in LAYOUT.sheets]
    assert names == [
        "OPD",
        "MS-Keg",
        "MS-Keg 3.3 Jadwal",
        "MS-Keg 3.4 Variabel",
        "MS-Keg 4.5 Wilayah",
        "MS-Var",
        "MS-Var 9 Klasifikasi",
        "MS-Ind",
    ]
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert LAYOUT.sheet("MS-Keg 3.3 Jadwal").ids == ("opd", "kegiatan", "fase")
    assert LAYOUT.sheet("MS-Var").ids == ("opd", "kegiatan", "slug")


def test_no_option_contains_the_list_separator():
    # multi-choice cells are split on ';' — an option with ';' could not be chosen
    for sheet in LAYOUT.sheets:
        for c in sheet.columns:
            assert all(";" not in o for o in c.options), (sheet.name, c.key)


# --- template ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    out = tmp_path_factory.mktemp("tpl") / "templat.xlsx"
    result = run("template", REPO, "--keluar", out)
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out)


def _validation(ws, letter):
    for dv in ws.data_validations.dataValidation:
        if any(str(r).startswith(f"{letter}3:") for r in dv.sqref.ranges):
            return dv
    return None


def _list_values(wb, formula):
    sheet, ref = formula.split("!")
    return [c[0].value for c in wb[sheet][ref.replace("$", "")]]


def test_template_rows_one_and_two_are_label_and_key_with_help(template):
    ws = template["MS-Keg"]
    col = {c.value: c.column for c in ws[2]}
    freq = ws.cell(row=1, column=col["desain_kegiatan.frekuensi"])
    assert freq.value == '4.2 Jika "berulang" (R.4.1. berkode 2), Frekuensi Penyelenggaraan'
    assert "Pilih salah satu: Harian; Mingguan; Bulanan;" in freq.comment.text
    assert ws.cell(row=1, column=col["penyelenggara.instansi"]).value == "1.1 Instansi Penyelenggara"
    assert [c.value for c in ws[2]][:2] == ["opd", "kegiatan"]
    assert ws.freeze_panes == "C3"
    assert ws.column_dimensions["A"].number_format == "@"  # typed codes keep their leading zeros
    helps = template["Petunjuk"]
    rows = [[c.value for c in row] for row in helps.iter_rows()]
    multi = next(r for r in rows if r[2] == "desain_kegiatan.metode_pengumpulan_data")
    assert multi[:2] == ["MS-Keg", ws.cell(row=2, column=col["desain_kegiatan.metode_pengumpulan_data"]).column_letter]
    assert multi[6] == "pilihan ganda (pisahkan dengan ;)"
    assert "Wawancara; Mengisi Kuesioner Sendiri (Swacacah)" in multi[7]


def test_template_dropdowns_come_from_enums_and_code_lists(template):
    ws = template["MS-Keg"]
    col = {c.value: c.column_letter for c in ws[2]}
    jenis = _validation(ws, col["jenis_statistik"])
    assert _list_values(template, jenis.formula1) == SCHEMAS["kegiatan"].schema["properties"]["jenis_statistik"]["enum"]
    assert jenis.showErrorMessage
    sektor = _validation(ws, col["sektor_kegiatan"])
    assert _list_values(template, sektor.formula1) == SCHEMAS.codelists["sektor"].values("nama")
    multi = _validation(ws, col["desain_kegiatan.metode_pengumpulan_data"])
    assert not multi.showErrorMessage  # several options are typed, separated by ';'
    assert _validation(ws, col["judul_kegiatan"]) is None
    satuan = _validation(template["MS-Var"], {c.value: c.column_letter for c in template["MS-Var"][2]}["satuan"])
    assert satuan.errorStyle == "warning"  # the unit list is a recommendation
    assert template["Daftar"].sheet_state == "hidden"
    wilayah = template["MS-Keg 4.5 Wilayah"]
    prov = _validation(wilayah, {c.value: c.column_letter for c in wilayah[2]}["provinsi"])
    provinces = _list_values(template, prov.formula1)
    assert provinces == SCHEMAS.codelists["wilayah"].values(tingkat="provinsi") and len(provinces) == 34


def test_region_dropdowns_offer_only_the_catalogs_own_kecamatan(catalog, tmp_path):
    out = tmp_path / "templat.xlsx"
    assert run("template", catalog.root, "--keluar", out).exit_code == 0  # katalog.yaml: kode_wilayah 3514
    wb = openpyxl.load_workbook(out)
    ws = wb["OPD"]
    values = _list_values(wb, _validation(ws, {c.value: c.column_letter for c in ws[2]}["kode_wilayah"]).formula1)
    kecamatan = [v for v in values if len(v) == 7]
    assert len(kecamatan) == 24 and all(v.startswith("3514") for v in kecamatan)
    assert {"35", "3514", "3515", "94"} <= set(values) and len(values) == 34 + 514 + 24


def test_template_isi_is_the_export(catalog, tmp_path):
    filled = tmp_path / "isi.xlsx"
    assert run("template", catalog.root, "--isi", "--keluar", filled).exit_code == 0
    assert cells(filled) == cells(export(catalog.root, tmp_path / "ekspor.xlsx"))
    assert openpyxl.load_workbook(filled)["MS-Var"]["C3"].value == "jumlah-kelahiran-hidup"


def test_a_catalogs_own_schema_text_never_becomes_a_formula(catalog, tmp_path):
    shutil.copytree(BUNDLED, catalog.root / "schemas")
    path = catalog.root / "schemas/kegiatan.schema.json"
    path.write_text(path.read_text().replace('"title": "Judul Kegiatan"', '"title": "=1+1"'))
    out = tmp_path / "templat.xlsx"
    assert run("template", catalog.root, "--keluar", out).exit_code == 0
    cell = openpyxl.load_workbook(out)["MS-Keg"]["C1"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_template_needs_an_xlsx_name(tmp_path):
    result = run("template", REPO, "--keluar", tmp_path / "templat.csv")
    assert result.exit_code == 2
    assert "harus berakhiran .xlsx" in result.output


# --- cell encoding ----------------------------------------------------------------------------


def _through_xlsx(tmp_path, texts):
    from pipeline.excel.cells import put

    wb = openpyxl.Workbook()
    ws = wb.active
    for i, text in enumerate(texts, start=1):
        put(ws, i, 1, text, True)
    path = tmp_path / "sel.xlsx"
    wb.save(path)
    back = openpyxl.load_workbook(path).active
    return [read_content(back.cell(row=i, column=1)) for i in range(1, len(texts) + 1)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=1), min_size=1, max_size=8))
def test_any_text_survives_a_real_xlsx_file(tmp_path, texts):
    assert _through_xlsx(tmp_path, texts) == texts


def test_tricky_texts_survive_a_real_xlsx_file(tmp_path):
    texts = ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "a\r\nb", "_x0041_", "_x0041_x0042_", "a\x07b"]
    texts += ["'kutip", " spasi ", "01111", "1e3", "x" * 32767]
    assert _through_xlsx(tmp_path, texts) == texts


@given(st.text())
def test_escape_is_reversible(text):
    assert unescape_text(escape_text(text)) == text
    assert not re.search("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]", escape_text(text))


@given(st.lists(st.text()))
def test_lists_encode_reversibly(items):
    assert decode_list(encode_list(items)) == items


def test_simple_lists_are_written_with_semicolons():
    assert encode_list(["Wawancara", "Pengamatan (Observasi)"]) == "Wawancara; Pengamatan (Observasi)"
    assert encode_list(["a; b", "c"]) == '["a; b", "c"]'
    assert decode_list("Wawancara ;Pengamatan (Observasi);") == ["Wawancara", "Pengamatan (Observasi)"]


# --- export and round trip ---------------------------------------------------------------------


def _sample(tmp_path):
    root = tmp_path / "katalog"
    shutil.copytree(REPO / "metadata", root / "metadata")
    return root


def _data(root):
    return {k: r.data for k, r in load_catalog(root).records.items()}


def test_sample_catalog_round_trips_losslessly(tmp_path):
    root = _sample(tmp_path)
    before = snapshot(root)
    start = time.perf_counter()
    first = export(root, tmp_path / "pertama.xlsx")
    exported = time.perf_counter() - start
    # into a copy: nothing to change, so not one byte is written
    start = time.perf_counter()
    result = import_(first, root)
    imported = time.perf_counter() - start
    assert result.exit_code == 0, result.output
    assert "122 rekaman tidak berubah" in result.output
    assert snapshot(root) == before
    # into an empty folder: every record is recreated with the same data (the SOP log stays in git)
    empty = tmp_path / "kosong"
    result = import_(first, empty)
    assert result.exit_code == 0, result.output
    original, recreated = _data(root), _data(empty)
    assert len(original) == len(recreated) == 122
    for key, data in original.items():
        assert same({k: v for k, v in data.items() if k != "alur"}, recreated[key]), key
    # a second export of either catalog equals the first cell by cell
    assert cells(export(root, tmp_path / "kedua.xlsx")) == cells(first)
    assert cells(export(empty, tmp_path / "ketiga.xlsx")) == cells(first)
    print(f"\nekspor {exported:.2f} s, impor {imported:.2f} s untuk {len(original)} rekaman")


def test_formula_like_text_is_stored_as_text_and_restored(catalog, tmp_path):
    attack = "=cmd|' /C calc'!A0"
    catalog.write(
        f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml",
        VARIABEL | {"definisi": attack, "alias": "+62 343", "konsep": "-3 SD", "kalimat_pertanyaan": "@SUM(1)"},
    )
    before = snapshot(catalog.root)
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    with zipfile.ZipFile(xlsx) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in s or "<f " in s for s in sheets)  # not one formula in the whole workbook
    ws = openpyxl.load_workbook(xlsx)["MS-Var"]
    col = {c.value: c.column for c in ws[2]}
    cell = ws.cell(row=3, column=col["definisi"])
    assert (cell.value, cell.data_type, cell.quotePrefix) == (attack, "s", True)
    assert import_(xlsx, catalog.root).exit_code == 0
    assert snapshot(catalog.root) == before
    empty = tmp_path / "kosong"
    assert import_(xlsx, empty).exit_code == 0
    data = load_catalog(empty).get("variabel", "dinkes/2025-profil-kesehatan/jumlah-kelahiran-hidup").data
    assert (data["definisi"], data["alias"], data["konsep"], data["kalimat_pertanyaan"]) == (
        attack,
        "+62 343",
        "-3 SD",
        "@SUM(1)",
    )


def test_a_formula_typed_in_excel_is_refused(catalog, tmp_path):
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    before = snapshot(catalog.root)
    ids = {"opd": "dinkes", "kegiatan": "2025-profil-kesehatan", "slug": "jumlah-kelahiran-hidup"}
    ref = edit(xlsx, "MS-Var", ids, "definisi", '=HYPERLINK("http://x")')
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1
    assert f"ekspor.xlsx › MS-Var:3: GALAT [excel-rumus] MS-Var Kolom 5 Definisi ({ref})" in result.output
    assert "ketik tanda petik (')" in result.output
    assert snapshot(catalog.root) == before
    edit(xlsx, "MS-Var", ids, "definisi", '=HYPERLINK("http://x")', text=True)  # what a Text cell holds
    assert import_(xlsx, catalog.root).exit_code == 0
    data = load_catalog(catalog.root).get("variabel", "dinkes/2025-profil-kesehatan/jumlah-kelahiran-hidup").data
    assert data["definisi"] == '=HYPERLINK("http://x")'


def test_values_the_workbook_cannot_show_are_reported_and_kept(catalog, tmp_path):
    odd = INDIKATOR | {"klasifikasi_penyajian": "Kecamatan", "catatan_internal": "jangan hilang"}
    catalog.write(f"{ACTIVITY}/indikator/angka-kematian-bayi.yaml", odd)
    before = snapshot(catalog.root)
    out = tmp_path / "ekspor.xlsx"
    result = run("export-xlsx", catalog.root, "--keluar", out)
    assert result.exit_code == 0
    assert "PERINGATAN [excel-tak-terwakili] MS-Ind Kolom 9 Klasifikasi Penyajian" in result.output
    assert "Isian 'catatan_internal' tidak dikenal formulir MS-Ind" in result.output
    assert import_(out, catalog.root).exit_code == 0
    assert snapshot(catalog.root) == before  # untouched cells leave the odd values alone


def test_export_of_one_opd_folder(tmp_path):
    root = _sample(tmp_path)
    xlsx = tmp_path / "dinkes.xlsx"
    assert run("export-xlsx", root / "metadata/dinkes", "--keluar", xlsx).exit_code == 0
    wb = openpyxl.load_workbook(xlsx)
    assert {c.value for c in wb["MS-Keg"]["A"][2:]} == {"dinkes"}
    assert [c.value for c in wb["OPD"]["A"][2:]] == ["dinkes"]
    assert wb["MS-Keg"].max_row == 2 + 3


def _rewrite(xlsx, changes):
    """Rewrite parts of an .xlsx (a zip) the way another program would save them."""
    with zipfile.ZipFile(xlsx) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for name, (old, new) in changes.items():
        parts[name] = parts[name].replace(old, new)
    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_libreoffice_files_keep_literal_escape_like_text(catalog, tmp_path):
    catalog.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"alias": "KODE_x0041_"})
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    with zipfile.ZipFile(xlsx) as z:
        sheet = next(n for n in z.namelist() if b"KODE_x005F_x0041_" in z.read(n))
    # LibreOffice writes the literal text unescaped, and names itself in docProps/app.xml
    _rewrite(xlsx, {sheet: (b"KODE_x005F_x0041_", b"KODE_x0041_")})
    saved_by_excel = cells(xlsx)
    assert ("KODE_x0041_", "s") in saved_by_excel.values()  # Excel would read this as 'KODEA'
    _rewrite(xlsx, {"docProps/app.xml": (b"Microsoft Excel Compatible / Openpyxl 3.1.5", b"LibreOffice/7.4.7.2")})
    before = snapshot(catalog.root)
    assert import_(xlsx, catalog.root).exit_code == 0
    assert snapshot(catalog.root) == before


def test_a_workbook_saved_again_by_libreoffice_imports_without_changes(tmp_path):
    import subprocess

    root = _sample(tmp_path)
    xlsx = export(root, tmp_path / "asli.xlsx")
    out = tmp_path / "libreoffice"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profil", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    before = snapshot(root)
    result = import_(out / "asli.xlsx", root)
    assert result.exit_code == 0, result.output
    assert "122 rekaman tidak berubah" in result.output
    assert snapshot(root) == before
