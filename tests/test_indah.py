"""Indah v2: the catalog in Indah's keys and enums (export-indah) and an Indah export compared with
the catalog (banding-indah), labelled with form numbers."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ACTIVITY, KOMPROMIN, PUBLIC_ALUR, REPO, SURVEI, VARIABEL, events
from markupsafe import escape
from ruamel.yaml import YAML

from pipeline.cli import main
from pipeline.contract.schema import BUNDLED, Schemas
from pipeline.layout import record_path
from pipeline.publish.apidoc import field_tables
from pipeline.publish.indah import CHILDREN, KINDS, annotation


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


def test_what_indah_cannot_hold_is_named_and_left_out(indah):
    draft = "metadata/dinkes/2025-survei-draf/kegiatan.yaml"
    survei = SURVEI | {"judul_kegiatan": "Survei Draf Rahasia Tahunan", "versi_formulir": "Romantik 2023"}
    survei["pengumpulan_data"] = SURVEI["pengumpulan_data"] | {"petugas": "Lainnya", "petugas_lainnya": "Relawan desa"}
    indah.write(draft, survei | {"alur": events(1, 2, 3)})
    result = run("export-indah", indah.root, "--internal")
    assert result.exit_code == 0, result.output
    keg = next(k for k in json.loads(result.stdout)["kegiatan"] if k["satudata"]["id"] == "dinkes/2025-survei-draf")
    assert "petugas_pengumpulan_data" not in keg["data"]["blok_vi"]  # no Indah value for 'Lainnya'
    assert keg["data"]["blok_vi"]["persyaratan_pendidikan_terendah_petugas_pengumpulan_data"]
    lost = [line for line in result.stderr.splitlines() if "tidak terkirim ke Indah" in line]
    assert len(lost) == 2 and all("6.4" in line for line in lost), result.stderr
    assert "'Lainnya'" in lost[0] and "'Relawan desa'" in lost[1]
    assert result.stderr.count("[indah-tanpa-padanan]") == 2 and draft in result.stderr


def test_a_full_disk_keeps_the_old_file_and_no_half_written_one(indah, tmp_path):
    """RLIMIT_FSIZE stands in for a full disk: the real command in its own process."""
    folder = tmp_path / "keluar"
    folder.mkdir()
    out = folder / "indah.json"
    out.write_text('{"lama": true}\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "export-indah", str(indah.root), "--internal", "--keluar", str(out)],
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000)),
        capture_output=True, text=True, cwd=REPO, env=os.environ | {"PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    assert result.returncode == 3, result.stdout + result.stderr
    assert "[disk-penuh]" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in folder.iterdir()] == ["indah.json"]  # no temp file (it would hold private contacts)
    assert out.read_text(encoding="utf-8") == '{"lama": true}\n'


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


@pytest.mark.parametrize(
    "text",
    ["{bukan json", '{"apa": 1}', '"teks"', "[1, 2]", "\xff\xfe", "[" * 100_000 + "]" * 100_000,
     '{"kegiatan": ' * 900 + "[]" + "}" * 900],
)  # fmt: skip
def test_a_broken_file_is_a_finding_not_a_traceback(indah, tmp_path, text):
    out = tmp_path / "indah.json"
    out.write_bytes(text.encode("latin-1"))
    result = run("banding-indah", out, "--katalog", indah.root)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert "[indah-berkas]" in result.output or "[indah-tidak-ada]" in result.output


# Indah v2's key paths in ``data`` (``[]`` marks a list item), transcribed from the key maps of
# STANDARDS.md §1.12 (MS-Keg), §2 (MS-Var envelope) and §3 (MS-Ind), which cite the Indah v2 client;
# the record envelope's ``produsen_data`` for opd.schema.json. The schemas' x-indah must name only these.
INDAH_V2 = {
    "kegiatan": """
judul_kegiatan tahun jenis_statistik cara_pengumpulan_data sektor_kegiatan identitas_rekomendasi
blok_i.instansi_penyelanggara blok_i.alamat_instansi_penyelenggara.{alamat,telepon,email,faksimile}
blok_ii.unit_penanggung_jawab.{eselon1,eselon2}
blok_ii.penanggung_jawab_teknis.{nama,jabatan,alamat,telepon,email,faksimile}
blok_iii.{latar_belakang_kegiatan,tujuan_kegiatan}
blok_iii.rencana_jadwal_kegiatan.{perencanaan_kegiatan,desain,pengumpulan_data,pengolahan_data,analisis,diseminasi_hasil,evaluasi}
blok_iii.rencana_jadwal_kegiatan.{perencanaan_kegiatan,desain,pengumpulan_data,pengolahan_data,analisis,diseminasi_hasil,evaluasi}[].{awal,akhir}
blok_iii.variabel_yang_dikumpulkan blok_iii.variabel_yang_dikumpulkan[].{nama,konsep,definisi,referensi_waktu}
blok_iv.{kegiatan_ini_dilakukan,frekuensi_penyelanggara,tipe_pengumpulan_data,cakupan_wilayah_pengumpulan_data}
blok_iv.sebagian_cakupan_wilayah_pengumpulan_data
blok_iv.sebagian_cakupan_wilayah_pengumpulan_data[].{kode_provinsi,nama_provinsi,kode_kabupaten_kota,nama_kabupaten_kota}
blok_iv.metode_pengumpulan_data.{wawancara,mengisi_kuesioner_sendiri,pengamatan,pengumpulan_data_sekunder,lainnya,metode_pengumpulan_lainnya}
blok_iv.sarana_pengumpulan_data.{papi,capi,cati,cawi,mail,lainnya,sarana_pengumpulan_lainnya}
blok_iv.unit_pengumpulan_data.{individu,rumah_tangga,usaha_atau_perusahaan,lainnya,unit_pengumpulan_data_lainnya}
blok_v.{jenis_rancangan_sampel,metode_pemilihan_sampel_tahap_terakhir,metode_yang_digunakan,kerangka_sampel_tahap_terakhir}
blok_v.{fraksi_sampel_keseluruhan,nilai_perkiraan_sampling_error_variabel_utama,unit_sampel,unit_observasi}
blok_vi.{apakah_melakukan_uji_coba,apakah_melakukan_penyesuaian_nonrespon,petugas_pengumpulan_data}
blok_vi.{persyaratan_pendidikan_terendah_petugas_pengumpulan_data,jumlah_petugas_supervisor,jumlah_petugas_enumerator}
blok_vi.apakah_melakukan_pelatihan_petugas
blok_vi.metode_pemeriksaan_kualitas_pengumpulan_data.{kunjungan_kembali,supervisi,taskforce,lainnya,metode_pemeriksaan_kualitas_pengumpulan_data_lainnya}
blok_vii.tahapan_pengolahan_data.{editing,coding,data_entry,validasi} blok_vii.metode_analisis
blok_vii.unit_analsis.{individu,rumah_tangga,usaha_atau_perusahaan,lainnya,unit_analisis_lainnya}
blok_vii.tingkat_penyajian_hasil_analisis.{nasional,provinsi,kabupaten_atau_kota,lainnya,tingkat_penyajian_hasil_analisis_lainnya}
blok_viii.{ketersediaan_produk_tercetak,ketersediaan_produk_digital,ketersediaan_produk_mikrodata}
blok_viii.{rencana_jadwal_rilis_produk_tercetak,rencana_jadwal_rilis_produk_digital,rencana_jadwal_rilis_produk_mikrodata}
""",
    "variabel": """
nama alias definisi konsep referensi_pemilihan referensi_waktu ukuran satuan tipe_data value_domain
value_domain[].{kode,nilai} aturan_validasi kalimat_pertanyaan apakah_variabel_bisa_diakses_umum id_sds
""",
    "indikator": """
nama definisi konsep interpretasi metode_perhitungan rumus ukuran satuan variabel_disaggregasi
apakah_indikator_komposit indikator_pembangun indikator_pembangun[].sumber_publikasi variabel_pembangun
variabel_pembangun[].kegiatan_penghasil level_estimasi apakah_indikator_bisa_diakses_umum id_sds
""",
    "opd": "produsen_data produsen_data.{name,province_code,city_code}",
}


def _expand(text: str) -> set[str]:
    out = set()
    for word in text.split():
        m = re.search(r"\{([^{}]*)\}", word)
        out |= _expand(" ".join(word[: m.start()] + o + word[m.end() :] for o in m[1].split(","))) if m else {word}
    return out


def _key(note) -> str | None:
    return note if isinstance(note, str) else note.get("kunci") if isinstance(note, dict) else None


def _annotated(rs):
    """(schema path, x-indah, Indah key of the enclosing list item or '') of every form field."""

    def walk(node, path, outer):
        for key, sub in (node.get("properties") or {}).items():
            p = path + (key,)
            if sub.get("type") == "object":  # a group: its fields carry the keys
                assert "x-indah" not in sub, f"{rs.kind}: {'.'.join(p)} groups fields; annotate the fields"
                yield from walk(sub, p, outer)
                continue
            yield p, sub, outer
            items = sub.get("items") or {}
            if sub.get("type") == "array" and items.get("type") == "object" and _key(sub.get("x-indah")):
                yield from walk(items, p + ("[]",), f"{outer}{_key(sub['x-indah'])}[].")

    yield from walk(rs.schema, (), "")


@pytest.mark.parametrize("kind", ["kegiatan", "variabel", "indikator", "opd"])
def test_every_form_field_carries_its_indah_key_or_why_it_has_none(kind):
    rs = Schemas(BUNDLED)[kind]
    known = _expand(INDAH_V2[kind])
    for path, sub, outer in _annotated(rs):
        name = f"{kind}: {'.'.join(path)}"
        assert annotation(rs, path) == sub.get("x-indah"), name  # what export-indah reads is the schema itself
        note = sub.get("x-indah")
        assert isinstance(note, (str, dict)), f"{name} has no x-indah"
        spec = {"kunci": note} if isinstance(note, str) else note
        if spec["kunci"] is None:
            assert isinstance(spec.get("alasan"), str) and len(spec["alasan"]) > 20, f"{name}: say why Indah has none"
            continue
        full = spec["kunci"] if "[]." in spec["kunci"] else outer + spec["kunci"]
        kind_ = spec.get("jenis")
        grouped = kind_ in ("boolean-per-pilihan", "kode-wilayah")  # an Indah object: its keys are checked below
        assert grouped or full in known, f"{name}: {full} is not an Indah v2 key"
        assert kind_ is None or kind_ in KINDS, name
        if isinstance(spec.get("nama"), str):
            assert outer + spec["nama"] in known, name
        options = sub.get("enum") or (sub.get("items") or {}).get("enum")
        if "pilihan" in spec:  # every option of the form has its Indah value (or null, with a reason)
            assert set(spec["pilihan"]) == set(options), name
            if None in spec["pilihan"].values():
                assert spec.get("alasan"), name
            if kind_ == "boolean-per-pilihan":
                values = {v for v in spec["pilihan"].values() if v is not None}
                assert {f"{full}.{v}" for v in values} <= known, name
        else:
            assert not options or kind_ == "huruf-besar", f"{name}: options without their Indah values"
        if kind_ == "kode-wilayah":
            assert {f"{full}.province_code", f"{full}.city_code"} <= known, name


def test_the_api_page_shows_each_fields_indah_key_or_reason():
    schemas = Schemas(BUNDLED)
    html = field_tables(schemas)
    rs = schemas["indikator"]
    assert "<code>variabel_disaggregasi</code>" in html and "<code>blok_iv.frekuensi_penyelanggara</code>" in html
    reason = rs.schema["properties"]["kode_kegiatan_penghasil"]["x-indah"]["alasan"]
    assert str(escape(reason)) in html
    cells = re.findall(r"<tr>(?:<td>.*?</td>){4}<td>(.*?)</td></tr>", html)
    assert cells and all(c.startswith("<code>") or c.startswith("— ") for c in cells[2:] if c != "—")
    assert sum(c == "—" for c in cells) == 6  # only the identity columns (id, opd/kegiatan) have none
    assert not (REPO / "pipeline/publish/indah_sementara.json").exists()


def _filled(value) -> bool:
    return value not in (None, "", [], {})


def test_the_sample_catalog_goes_to_indah_and_back(sample, tmp_path):
    """Every filled field with an Indah key arrives under that key; banding-indah finds the export equal
    to the catalog; what Indah cannot hold is named (indah-tanpa-padanan) on stderr."""
    out = tmp_path / "indah.json"
    result = run("export-indah", sample, "--internal", "--keluar", out)
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    schemas = Schemas(BUNDLED)
    on_disk = {p.parent.relative_to(sample / "metadata").as_posix() for p in sample.glob("metadata/*/*/kegiatan.yaml")}
    assert {k["satudata"]["id"] for k in doc["kegiatan"]} == on_disk
    arrived = 0
    for keg in doc["kegiatan"]:
        records = [("kegiatan", keg)] + [(kind, c) for kind in ("variabel", "indikator") for c in keg[CHILDREN[kind]]]
        for kind, rec in records:
            rs = schemas[kind]
            data = YAML(typ="safe").load(
                (sample / record_path(kind, rec["satudata"]["id"])).read_text(encoding="utf-8")
            )
            for path, sub, outer in _annotated(rs):
                note = sub["x-indah"]
                spec = {"kunci": note} if isinstance(note, str) else note
                value = _get(data, path)
                if outer != "" or not spec["kunci"] or "[]." in spec["kunci"] or not _filled(value):
                    continue  # list items are checked with their list
                if isinstance(value, str) and (spec.get("pilihan") or {}).get(value, "") is None:
                    continue  # an option Indah has no value for (reported as lost)
                got = _get(rec["data"], tuple(spec["kunci"].split(".")))
                assert _filled(got) or got is False, (
                    f"{kind} {rec['satudata']['id']}: {'.'.join(path)} → {spec['kunci']}"
                )
                if isinstance(value, list) and sub.get("items", {}).get("type") == "object":
                    assert len(got) == len(value)
                arrived += 1
    assert arrived > 500
    again = run("banding-indah", out, "--katalog", sample)
    assert again.exit_code == 0, again.output
    assert "sama" in again.output
    assert "[indah-tanpa-padanan]" in result.stderr and "Klasifikasi Isian" in result.stderr
    assert "[indah-tanpa-padanan]" not in result.stdout


def _get(data, path):
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data
