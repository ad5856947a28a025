"""Code lists: a valid Frictionless data package that the schemas can rely on."""

from __future__ import annotations

import json
import shutil

import pytest
from frictionless import Package

from pipeline.contract.schema import BUNDLED, Schemas
from pipeline.layout import KINDS


def validate(folder):
    return Package(str(folder / "datapackage.json")).validate()


def test_code_list_package_is_valid():
    report = validate(BUNDLED / "kode")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize(
    "resource,line,expected",
    [
        ("wilayah.csv", "3514010,Duplikat,kecamatan,3514,35.14.99", "primary-key"),
        ("wilayah.csv", "3514999,Tanpa Induk,kecamatan,3599,35.14.99", "foreign-key"),
        ("kbli2020.csv", "1111,Tanpa Nol,kelompok_x", "constraint-error"),
        ("sektor.csv", "23,Kesehatan", "unique-error"),
    ],
)
def test_broken_code_lists_are_caught(tmp_path, resource, line, expected):
    shutil.copytree(BUNDLED / "kode", tmp_path / "kode")
    with open(tmp_path / "kode" / resource, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
    report = validate(tmp_path / "kode")
    assert not report.valid
    assert expected in {e.type for task in report.tasks for e in task.errors}


def test_codes_are_read_as_text():
    lists = Schemas(BUNDLED).codelists
    assert "01121" in lists["kbli2020"].values()
    assert lists["wilayah"].lookup()["3514"]["nama"] == "Kabupaten Pasuruan"
    pasuruan = [k for k in lists["wilayah"].values(tingkat="kecamatan") if k.startswith("3514")]
    assert len(pasuruan) == 24  # the national list holds every kecamatan; these are the regency's own


def test_every_code_list_reference_resolves():
    schemas = Schemas(BUNDLED)
    refs = 0
    for kind in KINDS:
        for field in schemas[kind].fields():
            ref = field.daftar_kode
            if not ref or ref["daftar"] == "@daftar":
                continue
            refs += 1
            cl = schemas.codelists[ref["daftar"]]
            assert cl.values(ref.get("kolom"), ref.get("tingkat")), f"{kind}.{'.'.join(field.path)}"
    assert refs >= 5


def test_every_field_has_label_and_help():
    schemas = Schemas(BUNDLED)
    for kind in KINDS:
        for field in schemas[kind].fields():
            assert field.schema.get("title"), f"{kind}: {field.path} has no label"
            if field.schema.get("type") != "object":
                assert field.bantuan, f"{kind}: {field.path} has no help text"
            if field.options:
                assert set(field.codes) == set(field.options), f"{kind}: {field.path} form codes differ from options"


# --- national wilayah and the full KBLI 2020, made from their sources ------------------------------

SOURCE_SHA256 = {
    "wilayah-bps-kemendagri/provinsi.csv": "1427d7a6502df3fb13e25396c80919b4b2c24164ae5446549e0bba25ef3eaeb1",
    "wilayah-bps-kemendagri/kabkota.csv": "e174585339042675a5d255889cf6d37dc1d1ef001fb47d90f0af7bd597b78fe5",
    "wilayah-bps-kemendagri/kecamatan.csv": "e09a9efc2d294179ecf5e2fb750888ccf58b70fcf18a6fe021024948cdcb7c92",
    "kbli2020/kbli.json": "779a94e616101e3d553183f7d65334178c2ed5df1eeb9f852fb55aa3535cd89f",
}


def test_sources_are_kept_unmodified():
    import hashlib

    for rel, digest in SOURCE_SHA256.items():
        assert hashlib.sha256((BUNDLED / "kode" / "sumber" / rel).read_bytes()).hexdigest() == digest, rel


def test_committed_lists_are_what_their_sources_give():
    from pipeline.contract.sources import built

    for name, text in built().items():
        assert (BUNDLED / "kode" / name).read_text(encoding="utf-8") == text, name


def test_wilayah_covers_indonesia_with_the_kemendagri_bridge():
    wilayah = Schemas(BUNDLED).codelists["wilayah"]
    counts = {level: len(wilayah.values(tingkat=level)) for level in ("provinsi", "kabupaten", "kecamatan")}
    assert counts == {"provinsi": 34, "kabupaten": 514, "kecamatan": 6857}
    rows = wilayah.lookup()
    assert rows["3514040"]["nama"] == "Tosari" and rows["3514040"]["kode_kemendagri"] == "35.14.24"
    assert rows["94"]["nama"] == "Papua" and rows["94"]["kode_kemendagri"] == "91"  # BPS and Kemendagri differ
    assert rows["1101010"]["induk"] == "1101" and rows["1101"]["nama"] == "Kabupaten Simeulue"
    package = json.loads((BUNDLED / "kode" / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "wilayah")
    assert resource["x-vintage"]["bps"] == "2020 semester 2" and resource["sources"]


def test_kbli_2020_is_complete_with_its_hierarchy():
    kbli = Schemas(BUNDLED).codelists["kbli2020"]
    rows = kbli.lookup()
    order = ["kategori", "golongan_pokok", "golongan", "subgolongan", "kelompok"]
    counts = {level: len(kbli.values(tingkat=level)) for level in order}
    assert counts["kategori"] == 21 and counts["golongan_pokok"] == 88
    assert counts["golongan"] == 245 and counts["subgolongan"] == 567 and counts["kelompok"] >= 1790
    for row in kbli.rows:
        if row["tingkat"] == "kategori":
            assert row["induk"] == ""
        else:
            parent = rows[row["induk"]]
            assert order.index(parent["tingkat"]) == order.index(row["tingkat"]) - 1, row["kode"]
    assert rows["01121"]["judul"] == "PERTANIAN PADI HIBRIDA" and rows["99000"]["induk"] == "9900"


def test_a_catalog_adds_and_overrides_wilayah_rows_locally(catalog):
    from conftest import ACTIVITY, KOMPROMIN

    shutil.copytree(BUNDLED, catalog.root / "schemas")
    local = catalog.root / "schemas/kode/wilayah-lokal.csv"
    local.write_text(
        "kode,nama,tingkat,induk,kode_kemendagri\n"
        "95,Papua Selatan,provinsi,,93\n"
        "9501,Kabupaten Merauke,kabupaten,95,93.01\n"
        "3514,Kabupaten Pasuruan,kabupaten,35,35.14\n"
        "3515,Kabupaten Sidoarjo Raya,kabupaten,35,35.15\n"
        "3599999,Kecamatan Tanpa Induk,kecamatan,3599,35.99.99\n",
        encoding="utf-8",
    )
    area = [{"provinsi": "95", "kabupaten_kota": "9501"}]
    catalog.write(
        f"{ACTIVITY}/kegiatan.yaml",
        KOMPROMIN | {"desain_kegiatan": KOMPROMIN["desain_kegiatan"] | {"wilayah_kegiatan": area}},
    )
    from pipeline.check.catalog import check
    from pipeline.read.catalog import load_catalog

    found = {(f.kode, f.baris): f for f in check(load_catalog(catalog.root), Schemas.find(catalog.root))}
    assert set(found) == {("kode-lokal-beda", 5), ("kode-lokal-induk", 6)}  # 3514 agrees with the national row
    differ = found[("kode-lokal-beda", 5)]
    assert differ.berkas == "schemas/kode/wilayah-lokal.csv" and differ.tingkat == "peringatan"
    assert "nama 'Kabupaten Sidoarjo Raya' (nasional 'Kabupaten Sidoarjo')" in differ.pesan
    assert Schemas.find(catalog.root).codelists["wilayah"].lookup()["3515"]["nama"] == "Kabupaten Sidoarjo Raya"
