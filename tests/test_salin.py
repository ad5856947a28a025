"""`satudata salin`: the next edition of an activity, with its variables and indicators."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import REPO

from pipeline.cli import main
from pipeline.read.loader import load

SOURCE = "metadata/dinkes/2025-profil-kesehatan"
TARGET = "metadata/dinkes/2026-profil-kesehatan"


@pytest.fixture
def catalog(tmp_path):
    for name in ("metadata", "schemas"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "roles.yaml", tmp_path / "roles.yaml")
    return tmp_path


def test_copies_every_record_and_clears_what_belongs_to_one_year(catalog):
    result = CliRunner().invoke(main, ["salin", str(catalog / SOURCE)])
    assert result.exit_code == 0, result.output
    assert f"{TARGET}/ dibuat dari {SOURCE}/ (12 berkas)." in result.output
    assert "3.3 Rencana Jadwal Kegiatan; 8.2 Rencana Rilis Produk Kegiatan" in result.output
    old = sorted(p.relative_to(catalog / SOURCE) for p in (catalog / SOURCE).rglob("*.yaml"))
    new = sorted(p.relative_to(catalog / TARGET) for p in (catalog / TARGET).rglob("*.yaml"))
    assert old == new and len(new) == 12
    for rel in new:
        if rel.name != "kegiatan.yaml":  # variables and indicators carry over byte for byte
            assert (catalog / TARGET / rel).read_bytes() == (catalog / SOURCE / rel).read_bytes()
    before = load(catalog / SOURCE / "kegiatan.yaml").data
    after = load(catalog / TARGET / "kegiatan.yaml").data
    assert after["tahun"] == 2026 and "alur" not in after and "jadwal" not in after["perencanaan"]
    assert "rilis" not in after["diseminasi"]
    for key in ("judul_kegiatan", "penyelenggara", "desain_kegiatan", "pengolahan_analisis"):
        assert after[key] == before[key]
    text = (catalog / TARGET / "kegiatan.yaml").read_text(encoding="utf-8")
    assert "# Blok II. Penanggung Jawab" in text and "# Alur SOP" not in text  # comments kept, the log's heading gone

    # what is left to fill is what validate asks for
    result = CliRunner().invoke(main, ["validate", str(catalog / TARGET), "--format", "json", "--tanpa-cache"])
    found = {(f["kode"], f["lokasi"]) for f in json.loads(result.output)["temuan"]}
    assert found == {("skema-wajib", "perencanaan.jadwal"), ("aturan-R7", "diseminasi.rilis")}


def test_the_year_in_the_title_follows(catalog):
    path = catalog / "metadata/dinkes/2024-profil-kesehatan/kegiatan.yaml"
    text = path.read_text(encoding="utf-8")
    title = load(path).data["judul_kegiatan"]
    path.write_text(text.replace(title, title + " Tahun 2024"), encoding="utf-8")
    result = CliRunner().invoke(main, ["salin", str(path), "--tahun", "2027"])
    assert result.exit_code == 0, result.output
    copied = load(catalog / "metadata/dinkes/2027-profil-kesehatan/kegiatan.yaml").data
    assert copied["judul_kegiatan"] == title + " Tahun 2027" and copied["tahun"] == 2027


def test_refuses_an_existing_edition_and_writes_nothing(catalog):
    before = sorted(p for p in (catalog / "metadata").rglob("*"))
    result = CliRunner().invoke(main, ["salin", str(catalog / SOURCE), "--tahun", "2024"])
    assert result.exit_code == 1
    assert "[salin-tujuan-ada]" in result.output and "Tidak ada berkas yang ditulis." in result.output
    assert sorted(p for p in (catalog / "metadata").rglob("*")) == before


def test_refuses_what_is_not_an_activity(catalog):
    result = CliRunner().invoke(main, ["salin", str(catalog / "metadata/dinkes")])
    assert result.exit_code == 1 and "[salin-sumber]" in result.output
