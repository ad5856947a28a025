"""Code lists: a valid Frictionless data package that the schemas can rely on."""

from __future__ import annotations

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
