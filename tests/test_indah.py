"""Indah v2: the catalog in Indah's keys and enums (export-indah) and an Indah export compared with
the catalog (banding-indah), labelled with form numbers."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import ACTIVITY, KOMPROMIN, PUBLIC_ALUR, VARIABEL

from pipeline.cli import main
from pipeline.contract.schema import BUNDLED, Schemas
from pipeline.publish.indah import annotation


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def indah(portal):
    portal.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"alur": PUBLIC_ALUR})
    return portal


def exported(indah, *extra) -> dict:
    result = run("export-indah", indah.root, *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_export_uses_indah_keys_enums_and_booleans(indah):
    doc = exported(indah)
    (keg,) = doc["kegiatan"]
    data = keg["data"]
    assert keg["version"] == "v2" and keg["status"] == "APPROVED" and keg["submission_period"] == 2025
    assert keg["produsen_data"] == {
        "name": "Dinas Kesehatan Kabupaten Pasuruan",
        "province_code": "35",
        "city_code": "3514",
    }
    assert data["jenis_statistik"] == "STATISTIK_SEKTORAL"
    assert data["cara_pengumpulan_data"] == "KOMPILASI_PRODUK_ADMINISTRASI"
    assert data["blok_i"]["instansi_penyelanggara"] == KOMPROMIN["penyelenggara"]["instansi"]  # Indah's own spelling
    assert data["blok_iv"]["frekuensi_penyelanggara"] == "TAHUNAN"
    assert data["blok_iv"]["metode_pengumpulan_data"] == {
        "wawancara": False,
        "mengisi_kuesioner_sendiri": False,
        "pengamatan": False,
        "pengumpulan_data_sekunder": True,
        "lainnya": False,
    }
    assert data["blok_iv"]["sarana_pengumpulan_data"]["sarana_pengumpulan_lainnya"] == "Aplikasi pelaporan puskesmas"
    assert data["blok_iv"]["sebagian_cakupan_wilayah_pengumpulan_data"] == [
        {"kode_provinsi": "35", "nama_provinsi": "Jawa Timur", "kode_kabupaten_kota": "3514",
         "nama_kabupaten_kota": "Kabupaten Pasuruan"}
    ]  # fmt: skip
    assert data["blok_vi"]["apakah_melakukan_uji_coba"] is False
    assert data["blok_vii"]["tahapan_pengolahan_data"] == {
        "editing": True,
        "coding": False,
        "data_entry": True,
        "validasi": True,
    }
    assert data["blok_vii"]["tingkat_penyajian_hasil_analisis"]["kabupaten_atau_kota"] is True
    assert data["blok_viii"]["rencana_jadwal_rilis_produk_digital"] == ["2025-10-01"]
    (var,) = keg["metadata_statistik_variabel"]
    assert var["data"]["tipe_data"] == "INTEGER" and var["data"]["konsep"] == ["Kelahiran hidup"]
    assert var["data"]["apakah_variabel_bisa_diakses_umum"] is True
    (ind,) = keg["metadata_statistik_indikator"]
    assert ind["data"]["variabel_pembangun"] == [{"nama": "Jumlah kelahiran hidup"}]
    assert ind["data"]["variabel_disaggregasi"] == [{"nama": "Kecamatan", "sumber": "input-manual"}]
    assert ind["data"]["apakah_indikator_komposit"] is False


def test_public_export_has_nothing_private_and_internal_is_for_step_8(indah):
    indah.write(f"{ACTIVITY}/variabel/nik-responden.yaml", VARIABEL | {"nama": "NIK Responden", "akses_umum": "Tidak"})
    text = json.dumps(exported(indah))
    for secret in ("Siti Aminah", "siti@example.org", "NIK Responden", "Survei Draf Rahasia"):
        assert secret not in text
    internal = exported(indah, "--internal")
    assert {k["data"]["judul_kegiatan"] for k in internal["kegiatan"]} >= {"Survei Draf Rahasia Tahunan"}
    keg = next(k for k in internal["kegiatan"] if k["satudata"]["id"] == "dinkes/2025-profil-kesehatan")
    assert keg["data"]["blok_ii"]["penanggung_jawab_teknis"]["nama"] == "Siti Aminah"
    nik = next(v for v in keg["metadata_statistik_variabel"] if v["data"]["nama"] == "NIK Responden")
    assert nik["data"]["apakah_variabel_bisa_diakses_umum"] is False
    draft = next(k for k in internal["kegiatan"] if k["satudata"]["id"] == "dinkes/2025-survei-draf")
    assert draft["status"] == "DRAFT"


def test_one_activity_to_a_file(indah, tmp_path):
    out = tmp_path / "indah.json"
    result = run("export-indah", indah.root / ACTIVITY, "--keluar", out)
    assert result.exit_code == 0 and "1 kegiatan" in result.output
    assert [k["satudata"]["id"] for k in json.loads(out.read_text())["kegiatan"]] == ["dinkes/2025-profil-kesehatan"]
    result = run("export-indah", indah.root / "metadata/dinkes/2025-survei-draf")
    assert result.exit_code == 1 and "Tidak ada kegiatan publik" in result.output


def test_comparing_the_export_with_the_catalog_finds_nothing(indah, tmp_path):
    out = tmp_path / "indah.json"
    out.write_text(json.dumps(exported(indah, "--internal")))
    result = run("banding-indah", out, "--katalog", indah.root)
    assert result.exit_code == 0, result.output
    assert "sama" in result.output


def test_differences_are_labelled_with_form_numbers(indah, tmp_path):
    doc = exported(indah, "--internal")
    keg = next(k for k in doc["kegiatan"] if k["satudata"]["id"] == "dinkes/2025-profil-kesehatan")
    keg["data"]["blok_iv"]["frekuensi_penyelanggara"] = "BULANAN"
    keg["data"]["blok_vi"]["apakah_melakukan_uji_coba"] = True
    keg["data"]["blok_ii"]["penanggung_jawab_teknis"]["nama"] = "Orang Lain"  # personal: never compared
    keg["metadata_statistik_variabel"] = []
    keg["status"] = "UNDER_REVIEW"
    out = tmp_path / "indah.json"
    out.write_text(json.dumps(doc))
    result = run("banding-indah", out, "--katalog", indah.root, "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    codes = {(f["kode"], f.get("nomor")) for f in found}
    assert ("indah-beda", "4.2") in codes and ("indah-beda", "6.1") in codes
    assert ("indah-tidak-ada", None) in codes and ("indah-status", None) in codes
    assert not any("Orang Lain" in f["pesan"] or "Siti" in f["pesan"] for f in found)
    freq = next(f for f in found if f.get("nomor") == "4.2")
    assert "'TAHUNAN'" in freq["pesan"] and "'BULANAN'" in freq["pesan"] and freq["formulir"] == "MS-Keg"
    missing = next(f for f in found if f["kode"] == "indah-tidak-ada")
    assert missing["berkas"] == f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml"
    text = run("banding-indah", out, "--katalog", indah.root).output
    assert "4.2" in text and "Frekuensi Penyelenggaraan" in text


def test_approved_activity_missing_in_indah_and_indah_only_records(indah, tmp_path):
    doc = exported(indah)
    doc["kegiatan"][0]["data"]["judul_kegiatan"] = "Kegiatan Lain di Indah"
    out = tmp_path / "indah.json"
    out.write_text(json.dumps(doc))
    found = json.loads(run("banding-indah", out, "--katalog", indah.root, "--format", "json").stdout)
    assert {f["kode"] for f in found} == {"indah-tidak-ada", "indah-tidak-dikenal"}
    assert any(f["berkas"] == f"{ACTIVITY}/kegiatan.yaml" for f in found)


def test_an_api_page_with_children_listed_apart_is_read(indah, tmp_path):
    (keg,) = exported(indah)["kegiatan"]
    children = [
        dict(c, ms_keg_id=77) for c in keg.pop("metadata_statistik_variabel") + keg.pop("metadata_statistik_indikator")
    ]
    page = {"result": {"content": [dict(keg, id=77), *children], "total_pages": 1}}
    out = tmp_path / "indah.json"
    out.write_text(json.dumps(page))
    result = run("banding-indah", out, "--katalog", indah.root)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("text", ["{bukan json", '{"apa": 1}', '"teks"', "[1, 2]", "\xff\xfe"])
def test_a_broken_file_is_a_finding_not_a_traceback(indah, tmp_path, text):
    out = tmp_path / "indah.json"
    out.write_bytes(text.encode("latin-1"))
    result = run("banding-indah", out, "--katalog", indah.root)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert "[indah-berkas]" in result.output or "[indah-tidak-ada]" in result.output


def test_every_field_of_the_three_forms_says_where_it_goes_in_indah():
    schemas = Schemas(BUNDLED)
    for kind in ("kegiatan", "variabel", "indikator"):
        rs = schemas[kind]
        for field in rs.fields():
            path = field.path
            if path[0] == "alur" and len(path) > 1:
                continue
            schema_path = []
            node = rs.schema
            for key in path:  # fields() steps into list items without saying so
                if (node.get("type") == "array") and isinstance(node.get("items"), dict):
                    schema_path.append("[]")
                    node = node["items"]
                node = node["properties"][key]
                schema_path.append(key)
            note = annotation(rs, tuple(schema_path))
            assert note is False or isinstance(note, (str, dict)), f"{kind}: {'.'.join(path)} has no x-indah"
