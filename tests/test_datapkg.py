"""Optional data/ files of an activity, checked with Frictionless against its MS-Var records."""

from __future__ import annotations

from conftest import ACTIVITY, VARIABEL

from pipeline.check.engine import validate_catalog
from pipeline.contract.schema import Schemas

DATA = f"{ACTIVITY}/data/kelahiran.csv"


def add_variables(catalog):
    catalog.write(f"{ACTIVITY}/variabel/kecamatan.yaml", VARIABEL | {
        "nama": "Kecamatan", "tipe_data": "Karakter", "klasifikasi_referensi": "wilayah",
        "klasifikasi_isian": [{"kode": "3514010", "nilai": "Purwodadi"}, {"kode": "3514020", "nilai": "Tutur"}]})  # fmt: skip


def test_valid_data_file_passes(catalog):
    add_variables(catalog)
    catalog.text(DATA, "kecamatan,jumlah-kelahiran-hidup\n3514010,120\n3514020,98\n")
    assert catalog.findings() == []


def test_cells_are_checked_against_type_and_codes(catalog):
    add_variables(catalog)
    catalog.text(DATA, "kecamatan,jumlah-kelahiran-hidup\n3514010,120\n3514999,sembilan\n")
    hits = {(f.kode, f.baris, f.lokasi) for f in catalog.findings()}
    assert hits == {("data-constraint-error", 3, "kecamatan"), ("data-type-error", 3, "jumlah-kelahiran-hidup")}
    (f,) = [f for f in catalog.findings() if f.kode == "data-type-error"]
    assert f.berkas == DATA and f.label == "Jumlah kelahiran hidup" and "bilangan bulat" in f.pesan


def test_columns_must_be_variables_of_the_activity(catalog):
    catalog.text(DATA, "kecamatan,jumlah-kelahiran-hidup\nx,1\n")
    (f,) = catalog.findings()
    assert (f.kode, f.lokasi, f.baris) == ("data-kolom-tak-dikenal", "kecamatan", 1)


def test_data_changes_are_seen_through_the_cache(catalog):
    add_variables(catalog)
    schemas = Schemas.find(catalog.root)
    catalog.text(DATA, "kecamatan,jumlah-kelahiran-hidup\n3514010,120\n")
    assert validate_catalog(catalog.root, schemas).findings == []
    catalog.text(DATA, "kecamatan,jumlah-kelahiran-hidup\n3514010,banyak\n")
    assert [f.kode for f in validate_catalog(catalog.root, schemas).findings] == ["data-type-error"]
