"""A catalog's own rule files (schemas/*.schema.json, schemas/kode/) that cannot be read are one
finding naming the file, before any record is judged: never an internal error, and nothing built."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from conftest import REPO

from pipeline.cli import main

BROKEN = {
    "bukan-json": ("kegiatan.schema.json", b"{rusak", "berkas-skema-rusak", "bukan JSON yang sah (baris 1, kolom 2)"),
    "bukan-utf8": ("variabel.schema.json", b"\xff\xfe{", "berkas-skema-rusak", "schemas/variabel.schema.json"),
    "bukan-objek": ("opd.schema.json", b"[1]", "berkas-skema-rusak", "harus objek JSON"),
    "terlalu-dalam": ("indikator.schema.json", b"[" * 100_000, "berkas-skema-rusak", "schemas/indikator.schema.json"),
    "bukan-json-schema": ("kegiatan.schema.json", b'{"type": 5}', "berkas-skema-rusak", "bukan JSON Schema 2020-12"),
    "pola-rusak": ("opd.schema.json", b'{"pattern": "("}', "berkas-skema-rusak", "bukan JSON Schema 2020-12"),
    "paket-bukan-json": ("kode/datapackage.json", b"{", "daftar-kode-rusak", "schemas/kode/datapackage.json"),
    "paket-tanpa-daftar": ("kode/datapackage.json", b'{"resources": {}}', "daftar-kode-rusak", "resources harus"),
    "paket-keluar-folder": (
        "kode/datapackage.json",
        b'{"resources": [{"name": "x", "path": "../../roles.yaml"}]}',
        "daftar-kode-rusak",
        "nama berkas CSV",
    ),
    "csv-bukan-utf8": ("kode/satuan.csv", b"\xff\xfekode\n", "daftar-kode-rusak", "bukan CSV UTF-8"),
    "csv-tanpa-kolom": ("kode/sektor.csv", b"kode,x\n01,a\n", "daftar-kode-rusak", "'nama'"),
    "csv-karakter": ("kode/sektor.csv", b"kode,nama\n1,\x0b\n", "daftar-kode-rusak", "baris 2: karakter kendali"),
    "csv-hilang": ("kode/wilayah-lokal.csv", None, "daftar-kode-rusak", "schemas/kode/wilayah-lokal.csv"),
}


@pytest.fixture
def own_rules(sample):
    shutil.copytree(REPO / "schemas", sample / "schemas")
    return sample


def _break(root, name, content):
    path = root / "schemas" / name
    if content is None:
        path.unlink()
    else:
        path.write_bytes(content)


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_rule_file_is_one_finding_naming_it(own_rules, case):
    name, content, code, words = BROKEN[case]
    _break(own_rules, name, content)
    result = CliRunner().invoke(main, ["validate", str(own_rules)])
    assert result.exit_code == 1, result.output
    assert f"GALAT [{code}]" in result.output and words in result.output
    assert "satudata-internal" not in result.output and "Traceback" not in result.output
    assert "Perbaikan:" in result.output


@pytest.mark.parametrize("case", ["bukan-json", "csv-tanpa-kolom"])
def test_build_refuses_broken_rules_and_writes_nothing(own_rules, tmp_path, case):
    name, content, code, _ = BROKEN[case]
    _break(own_rules, name, content)
    out = tmp_path / "situs"
    result = CliRunner().invoke(main, ["build", str(own_rules), "--keluar", str(out)])
    assert result.exit_code == 1 and f"[{code}]" in result.output, result.output
    assert not out.exists()


def test_the_shipped_rules_verify(own_rules):
    result = CliRunner().invoke(main, ["validate", str(own_rules)])
    assert "berkas-skema-rusak" not in result.output and "daftar-kode-rusak" not in result.output
