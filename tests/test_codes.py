"""The registry of finding codes: its generated reference, the schema keywords it names, the errors
that carry codes, and a test that makes each code nobody else's test makes."""

from __future__ import annotations

import json
import os
import shutil

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ACTIVITY, INDIKATOR, KOMPROMIN, REPO, ROLES, SURVEI, VARIABEL
from xlsxtools import column, export, find_row, import_, snapshot

from pipeline import codes
from pipeline.check.reference import markdown, rules
from pipeline.cli import main
from pipeline.contract.schema import BUNDLED, Schemas
from pipeline.edit.records import WriteError, new_text
from pipeline.read.loader import LoadError, load

DOC = REPO / "docs" / "kode-temuan.md"


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


# --- the reference ------------------------------------------------------------------------------


def test_the_committed_reference_is_current():
    assert DOC.read_text(encoding="utf-8") == markdown(Schemas(BUNDLED)), (
        "run: satudata kode --perbarui docs/kode-temuan.md"
    )


def test_the_reference_lists_every_code_and_every_rule_of_the_schemas():
    result = run("kode", "--format", "json", "--katalog", REPO)
    assert result.exit_code == 0, result.output
    listed = {e["kode"]: e for e in json.loads(result.output)}
    assert set(codes.REGISTRY) <= set(listed)
    assert {"aturan-R1", "aturan-R6", "aturan-R14", "aturan-P1"} <= set(listed)
    r6 = listed["aturan-R6"]
    assert r6["formulir"] == "MS-Keg" and r6["tingkat"] == "galat" and r6["saran"].count("\n") >= 2
    assert listed["aturan-R9"]["tingkat"] == "peringatan"  # x-tingkat
    text = run("kode", "--katalog", REPO).output
    assert "skema-enum  [galat; Skema]\n    Nilai bukan salah satu pilihan yang sah." in text


def test_perbarui_writes_the_page_once(tmp_path):
    page = tmp_path / "kode.md"
    first = run("kode", "--perbarui", page, "--katalog", REPO)
    assert first.exit_code == 0 and "diperbarui" in first.output
    assert page.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")
    again = run("kode", "--perbarui", page, "--katalog", REPO)
    assert again.exit_code == 0 and "sudah sesuai" in again.output


def test_a_rule_of_a_catalogs_own_schema_is_listed(tmp_path):
    own = tmp_path / "schemas"
    shutil.copytree(BUNDLED, own)
    schema = json.loads((own / "variabel.schema.json").read_text(encoding="utf-8"))
    schema.setdefault("allOf", []).append(
        {"x-aturan": "D1", "x-pesan": "Aturan daerah.", "x-saran": "Ikuti aturan daerah.", "required": ["alias"]}
    )
    (own / "variabel.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (rule,) = [r for r in rules(Schemas(own)) if r.kode == "aturan-D1"]
    assert (rule.formulir, rule.arti, rule.saran) == ("MS-Var", "Aturan daerah.", "Ikuti aturan daerah.")


# --- JSON Schema keywords -------------------------------------------------------------------------

# Keywords that fail by themselves; the others (properties, items, allOf, if/then/else,
# propertyNames …) only pass on the failures of their subschemas.
ASSERTIONS = {
    "type", "enum", "const", "pattern", "format", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
    "contains", "minContains", "maxContains", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "minProperties", "maxProperties", "required", "dependentRequired", "additionalProperties",
    "unevaluatedProperties", "unevaluatedItems", "not", "oneOf", "anyOf",
}  # fmt: skip


def _keywords(node, in_rule: bool, out: set, parent: str | None = None) -> None:
    if isinstance(node, dict):
        in_rule = in_rule or "x-aturan" in node
        for key, value in node.items():
            if parent not in ("properties", "$defs") and key in ASSERTIONS and not in_rule:
                out.add(key)
            _keywords(value, in_rule, out, key)
    elif isinstance(node, list):
        for value in node:
            _keywords(value, in_rule, out)


def test_the_schema_keywords_with_codes_of_their_own_are_those_our_schemas_use():
    used: set[str] = set()
    for path in BUNDLED.glob("*.schema.json"):
        _keywords(json.loads(path.read_text(encoding="utf-8")), False, used)
    own = {codes.schema_code(k) for k in used}
    registered = {k for k in codes.REGISTRY if k.startswith("skema-")} - {"skema-lain"}
    assert "skema-lain" not in own, "register skema-<keyword> for " + ", ".join(
        k for k in used if codes.schema_code(k) == "skema-lain"
    )
    assert registered == own, "drop codes of keywords the bundled schemas no longer use"


SKEMA = [
    ("minLength", "kegiatan", KOMPROMIN | {"judul_kegiatan": ""}, "judul_kegiatan"),
    ("maxLength", "kegiatan", KOMPROMIN | {"judul_kegiatan": "Kompilasi " + "data " * 120}, "judul_kegiatan"),
    ("minItems", "variabel", VARIABEL | {"klasifikasi_isian": []}, "klasifikasi_isian"),
    ("uniqueItems", "indikator", INDIKATOR | {"klasifikasi_penyajian": ["Kecamatan"] * 2}, "klasifikasi_penyajian"),
    ("minimum", "kegiatan", KOMPROMIN | {"tahun": 1800}, "tahun"),
    ("maximum", "kegiatan", KOMPROMIN | {"tahun": 3000}, "tahun"),
    (
        "exclusiveMinimum",
        "kegiatan",
        SURVEI | {"desain_sampel": SURVEI["desain_sampel"] | {"fraksi_sampel": 0}},
        "desain_sampel.fraksi_sampel",
    ),
    ("minProperties", "roles", ROLES | {"akun": {}}, "akun"),
]
FILES = {
    "kegiatan": f"{ACTIVITY}/kegiatan.yaml",
    "variabel": f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml",
    "indikator": f"{ACTIVITY}/indikator/angka-kematian-bayi.yaml",
    "roles": "roles.yaml",
}


@pytest.mark.parametrize(("keyword", "kind", "data", "lokasi"), SKEMA, ids=[c[0] for c in SKEMA])
def test_each_schema_keyword_fails_with_its_own_code(catalog, keyword, kind, data, lokasi):
    catalog.write(FILES[kind], data)
    found = [f for f in catalog.findings() if f.kode == f"skema-{keyword}"]
    assert [(f.berkas, f.lokasi) for f in found] == [(FILES[kind], lokasi)]
    assert found[0].pesan and found[0].saran


def test_a_keyword_only_a_catalogs_own_schema_uses_is_skema_lain(catalog):
    own = catalog.root / "schemas"
    shutil.copytree(BUNDLED, own)
    schema = json.loads((own / "variabel.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["tipe_data"]["not"] = {"const": "Integer"}
    schema["properties"]["alias"] = {"type": "string", "title": "Alias", "maxProperties": 0, "format": "email"}
    (own / "variabel.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    catalog.write(FILES["variabel"], VARIABEL | {"alias": "JKH"})  # maxProperties and format pass on text
    catalog.schemas = Schemas.find(catalog.root)
    found = [(f.kode, f.lokasi, f.pesan) for f in catalog.findings()]
    assert found == [("skema-lain", "tipe_data", "Nilai 'Integer' tidak memenuhi aturan 'not'.")]


# --- findings nobody else makes -------------------------------------------------------------------


DATA = f"{ACTIVITY}/data/kelahiran.csv"
CSV = [
    ("data-blank-row", "jumlah-kelahiran-hidup\n1\n\n2\n", 3),
    ("data-extra-cell", "jumlah-kelahiran-hidup\n1,2\n", 2),
    ("data-missing-cell", "jumlah-kelahiran-hidup,kecamatan\n1\n", 2),
    ("data-duplicate-label", "jumlah-kelahiran-hidup,jumlah-kelahiran-hidup\n1,1\n", 1),
    ("data-blank-label", "jumlah-kelahiran-hidup,\n1,2\n", 1),
    ("data-kosong", "", 1),
    ("data-tidak-terbaca", b"jumlah-kelahiran-hidup\n" + b"1\n" * 20000 + b"\xff\xfe\n", None),
    ("data-tidak-terbaca", b"\xff\xfe\x00garbage", None),
]


@pytest.mark.parametrize(("kode", "content", "baris"), CSV, ids=[f"{c[0]}-{i}" for i, c in enumerate(CSV)])
def test_data_file_faults(catalog, kode, content, baris):
    catalog.write(f"{ACTIVITY}/variabel/kecamatan.yaml", VARIABEL | {"nama": "Kecamatan", "tipe_data": "Karakter"})
    catalog.text(DATA, content)
    found = [f for f in catalog.findings() if f.berkas == DATA]
    assert [(f.kode, f.baris) for f in found] == [(kode, baris)]


def test_an_activity_folder_without_its_form(catalog):
    catalog.write("metadata/dinkes/2025-tanpa-formulir/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL)
    assert "kegiatan-tidak-ada" in catalog.codes("galat")


def test_an_unreadable_file_is_a_finding_not_a_crash(catalog):
    path = catalog.root / FILES["variabel"]
    path.chmod(0)
    drop = os.geteuid() == 0  # root reads anything: read as an unprivileged user for this call
    try:
        if drop:
            os.seteuid(65534)
        with pytest.raises(LoadError) as caught:
            load(path)
    finally:
        if drop:
            os.seteuid(0)
        path.chmod(0o644)
    assert caught.value.kode == "berkas-tidak-terbaca" and "Permission denied" in caught.value.pesan


def test_a_value_yaml_cannot_write_back_faithfully_is_refused():
    with pytest.raises(WriteError) as caught:
        new_text({"nama": float("nan")})
    assert caught.value.kode == "sunting-gagal"


# --- errors of the command itself -----------------------------------------------------------------


def test_every_error_class_has_a_registered_code():
    from pipeline.excel.workbook import CellError  # noqa: F401  (imported: a subclass to check)
    from pipeline.publish.site import BuildError  # noqa: F401
    from pipeline.workflow.bootstrap import InitError  # noqa: F401

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = {sub.__name__: sub for sub in subclasses(codes.SatudataError)}
    expected = {
        "LoadError",
        "SopError",
        "GitError",
        "BadRevision",
        "BuildError",
        "InitError",
        "WriteError",
        "CellError",
    }
    assert expected <= set(found)
    for cls in found.values():
        assert cls.kode in codes.REGISTRY, cls
        assert cls.keluar in (codes.EXIT_FINDINGS, codes.EXIT_USAGE, codes.EXIT_ENVIRONMENT), cls


def test_an_error_of_the_tool_is_printed_with_its_code_and_exit_code(tmp_path):
    result = run("init", tmp_path / "baru", "--wilayah", "9999")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("GALAT [katalog-baru-gagal] Kode wilayah '9999' tidak ada")
    assert "Perbaikan: Pilih folder kosong" in result.output and "Traceback" not in result.output


def test_a_disk_failure_is_exit_3_with_the_path(portal, monkeypatch):
    blocked = portal.root / "keluar"
    blocked.write_text("sebuah berkas, bukan folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(portal.root), "--keluar", str(blocked / "site")])
    assert result.exit_code == 3, result.output
    assert f"GALAT [sistem-gagal] Sistem operasi menolak (sudah ada): {blocked}." in result.output
    assert "Traceback" not in result.output


def test_a_bug_reaches_the_user_as_a_message_not_a_traceback(catalog, monkeypatch):
    import pipeline.check.engine as engine

    def broken(*args, **kwargs):
        raise KeyError("mulai")

    monkeypatch.setattr(engine, "validate_catalog", broken)
    monkeypatch.delenv("SATUDATA_JEJAK")
    result = run("validate", catalog.root)
    assert result.exit_code == 3
    assert "GALAT [satudata-internal] Galat internal satudata (KeyError: 'mulai')." in result.output
    assert "SATUDATA_JEJAK=1" in result.output and "Traceback" not in result.output


# --- workbooks ----------------------------------------------------------------------------------

KEG = {"opd": "dinkes", "kegiatan": "2025-profil-kesehatan"}


def _set(sheet: str, key: str, value, *, row: int | None = None, data_type: str | None = None):
    def change(xlsx):
        wb = openpyxl.load_workbook(xlsx)
        ws = wb[sheet]
        cell = ws.cell(row=row or find_row(ws, **KEG), column=column(ws, key))
        cell.value = value
        if data_type:
            cell.data_type = data_type
        wb.save(xlsx)

    return change


def _rename_key(xlsx):  # a second column headed 'tahun'
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["MS-Keg"]
    ws.cell(row=2, column=column(ws, "judul_kegiatan")).value = "tahun"
    wb.save(xlsx)


def _long(xlsx):
    wb = openpyxl.load_workbook(xlsx)
    wb["MS-Var"].cell(row=100_002, column=1).value = "x"
    wb.save(xlsx)


WORKBOOKS = [
    ("excel-daftar", _set("MS-Ind", "variabel_pembangun", "[tidak ditutup", row=3, data_type="s")),
    ("excel-galat-sel", _set("MS-Keg", "judul_kegiatan", "#N/A", data_type="e")),
    ("excel-jenis", _set("MS-Keg", "tahun", True)),
    ("excel-kolom-ganda", _rename_key),
    ("excel-tanggal", _set("MS-Keg 3.3 Jadwal", "awal", 45000, row=3)),
    ("excel-terlalu-banyak-baris", _long),
    ("excel-terlalu-besar", lambda xlsx: os.truncate(xlsx, 51 * 1024 * 1024)),  # sparse: no 51 MB written
]


@pytest.mark.parametrize(("kode", "change"), WORKBOOKS, ids=[w[0] for w in WORKBOOKS])
def test_workbook_faults_are_refused_with_their_code(catalog, tmp_path, kode, change):
    catalog.write(FILES["kegiatan"], SURVEI)
    xlsx = export(catalog.root, tmp_path / "ekspor.xlsx")
    change(xlsx)
    before = snapshot(catalog.root)
    result = import_(xlsx, catalog.root)
    assert result.exit_code == 1, result.output
    assert f"[{kode}]" in result.output
    assert snapshot(catalog.root) == before


def test_the_reference_page_is_in_the_portal_at_both_widths(portal, tmp_path):
    from playwright.sync_api import expect, sync_playwright
    from webtools import CHROMIUM, CHROMIUM_ARGS, serve

    site = portal.build()
    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(url + "panduan/")
        page.get_by_role("link", name="Kode temuan").first.click()
        expect(page).to_have_url(url + "kode-temuan/")
        expect(page.locator("table code", has_text="aturan-R6")).to_have_count(1)
        page.screenshot(path=tmp_path / "kode-temuan-1366.png", full_page=True)
        page.set_viewport_size({"width": 360, "height": 800})
        page.goto(url + "kode-temuan/#aturan")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # tables scroll in their own box
        page.screenshot(path=tmp_path / "kode-temuan-360.png")
        browser.close()
