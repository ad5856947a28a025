"""`satudata validate` end to end, through the real command."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner
from conftest import ACTIVITY, INDIKATOR, REPO, VARIABEL

from pipeline.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_clean_catalog_exits_zero(catalog):
    result = run("validate", str(catalog.root))
    assert result.exit_code == 0, result.output
    assert "1 OPD, 1 kegiatan, 1 variabel, 1 indikator: 0 galat, 0 peringatan" in result.output


def test_errors_name_file_line_item_and_fix(catalog):
    catalog.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"tipe_data": "Angka"})
    result = run("validate", str(catalog.root))
    assert result.exit_code == 1
    assert (
        f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml:6: GALAT [skema-enum] MS-Var Kolom 8 Tipe Data"
        in result.output
    )
    assert "Nilai 'Angka' bukan pilihan yang sah." in result.output
    assert "Perbaikan: Pilih salah satu: Integer; Float; Numerik" in result.output


def test_json_format(catalog):
    catalog.write(f"{ACTIVITY}/indikator/angka-kematian-bayi.yaml", INDIKATOR | {"variabel_pembangun": ["tidak-ada"]})
    result = run("validate", str(catalog.root), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ringkasan"]["galat"] == 1
    (finding,) = report["temuan"]
    assert finding["kode"] == "rujukan-variabel" and finding["nomor"] == "Kolom 15" and finding["baris"]


def test_path_limits_what_is_reported_not_what_is_read(catalog):
    catalog.write("metadata/dinkes/2025-profil-kesehatan/variabel/rusak.yaml", {"nama": "x"})
    other = catalog.root / ACTIVITY / "indikator"
    assert run("validate", str(other)).exit_code == 0  # references into variabel/ still resolve
    assert run("validate", str(catalog.root / ACTIVITY / "variabel")).exit_code == 1


def test_strict_fails_on_warnings(catalog):
    catalog.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"satuan": "bayi"})
    assert run("validate", str(catalog.root)).exit_code == 0
    assert run("validate", str(catalog.root), "--ketat").exit_code == 1


def test_broken_yaml_is_reported_not_raised(catalog):
    catalog.text(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", "nama: a\nnama: b\n")
    catalog.text(f"{ACTIVITY}/variabel/biner.yaml", b"\x00\x01\x02")
    result = run("validate", str(catalog.root), "--format", "json")
    codes = {f["kode"] for f in json.loads(result.output)["temuan"]}
    assert {"yaml-kunci-ganda", "berkas-biner"} <= codes


def test_a_control_character_that_xml_cannot_carry_is_refused_and_nothing_is_built(catalog, tmp_path):
    """Valid YAML (a double-quoted escape), but no feed, DDI codebook, workbook or page could hold it."""
    path = f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml"
    catalog.text(path, 'nama: "Jumlah kelahiran\\vhidup"\n' + catalog.root.joinpath(path).read_text().split("\n", 1)[1])
    result = run("validate", str(catalog.root))
    assert result.exit_code == 1
    assert f"{path}:1: GALAT [yaml-karakter]" in result.output
    assert "karakter U+000B" in result.output and "hapus escape seperti \\v" in result.output
    built = run("build", str(catalog.root), "--keluar", str(tmp_path / "site"))
    assert built.exit_code == 1 and not (tmp_path / "site").exists()


def test_missing_metadata_folder(tmp_path):
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1 and "Folder metadata/ tidak ditemukan" in result.output


def test_sample_catalog_is_valid():
    """The shipped Kabupaten Pasuruan catalog passes its own rules (through the console script)."""
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "validate", str(REPO), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(proc.stdout)
    assert proc.returncode == 0, [f for f in report["temuan"] if f["tingkat"] == "galat"]
    counts = report["ringkasan"]["rekaman"]
    assert counts["opd"] >= 5 and counts["kegiatan"] >= 8 and counts["variabel"] >= 30 and counts["indikator"] >= 10
