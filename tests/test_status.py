"""`satudata status`: where each activity is in the SOP, who must act and who is late."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import ACTIVITY, KOMPROMIN, KOMPROMIN_LOG, SURVEI, SURVEI_LOG, ev, with_log

from pipeline.cli import main

SURVEY_DIR = "metadata/dinkes/2025-survei-kepuasan"


def run(*args):
    return CliRunner().invoke(main, ["status", *map(str, args)], catch_exceptions=False)


def three_activities(catalog):
    catalog.write(f"{ACTIVITY}/kegiatan.yaml", with_log(KOMPROMIN, *KOMPROMIN_LOG[:2]))  # waiting for Walidata
    catalog.write(f"{SURVEY_DIR}/kegiatan.yaml", with_log(SURVEI, *SURVEI_LOG))  # approved, waiting to publish
    catalog.write("metadata/dinkes/2025-belum-mulai/kegiatan.yaml", KOMPROMIN | {"judul_kegiatan": "Kompilasi Lain"})


def test_table_shows_step_who_acts_elapsed_standard_and_late(catalog):
    three_activities(catalog)
    result = run(catalog.root, "--pada", "2025-02-03T11:00:00+07:00")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [*"Kegiatan Langkah terakhir Menunggu Harus bertindak Berjalan Baku Keterangan".split()]
    row = {line.split()[0]: " ".join(line.split()) for line in lines[1:4]}
    assert row["dinkes/2025-belum-mulai"] == ("dinkes/2025-belum-mulai - 1 Cek rekomendasi OPD - - belum dimulai")
    assert row["dinkes/2025-profil-kesehatan"] == (
        "dinkes/2025-profil-kesehatan 7 Lapor metadata ke Walidata 8 Lapor ke Indah Walidata 1 jam 30 menit TERLAMBAT"
    )
    # approved Mon 13 Jan 10:00, publication standard 3 days. By Mon 3 Feb 11:00: 6 h on 13 Jan, 11 full
    # days (27 Jan Isra Mikraj, 28 Jan cuti bersama Imlek and 29 Jan Imlek do not count) and 3 h.
    assert row["dinkes/2025-survei-kepuasan"].endswith("12 Publikasi Walidata 12 hari 1 jam 3 hari TERLAMBAT")
    assert lines[-1] == "3 kegiatan pada 2025-02-03T11:00:00+07:00: 2 terlambat, 1 disetujui BPS (tampil di portal)."


def test_within_standard_is_not_late(catalog):
    three_activities(catalog)
    result = run(catalog.root / ACTIVITY, "--pada", "2025-02-03T10:20:00+07:00")
    (row,) = [line for line in result.output.splitlines() if line.startswith("dinkes/")]
    assert row.endswith("dalam waktu baku")
    assert "20 menit" in row and "30 menit" in row
    assert result.output.splitlines()[-1].startswith("1 kegiatan")  # PATH limits the activities


def test_json_is_complete_and_deterministic(catalog):
    three_activities(catalog)
    result = run(catalog.root, "--pada", "2025-02-03T11:00:00+07:00", "--format", "json")
    report = json.loads(result.output)
    assert report["pada"] == "2025-02-03T11:00:00+07:00"
    assert report["jam_kerja"] == {
        "mulai": "08:00",
        "selesai": "16:00",
        "zona_waktu": "UTC+07:00",
        "menit_per_hari": 480,
    }
    by = {k["kegiatan"]: k for k in report["kegiatan"]}
    keg = by["dinkes/2025-profil-kesehatan"]
    assert keg["langkah"] == 7 and keg["pelaksana"] == ["walidata"] and keg["terlambat"] is True
    assert keg["menunggu"] == [
        {"langkah": 8, "nama": "Lapor ke Indah", "pelaksana": ["walidata"], "waktu_baku": "30 menit", "baku_menit": 30,
         "akun": [], "tenggat": "2025-02-03T10:30:00+07:00"}  # no roles.yaml in this catalog: no accounts
    ]  # fmt: skip
    assert (keg["berjalan_menit"], keg["baku_menit"], keg["publik"]) == (60, 30, False)
    assert keg["riwayat"][1] == {
        "langkah": 7,
        "peran": "opd",
        "aktor": "dinkes-pasuruan",
        "waktu": "2025-02-03T10:00:00+07:00",
        "durasi_menit": 60,
        "baku_menit": 30,
        "sesuai_baku": False,
    }
    survey = by["dinkes/2025-survei-kepuasan"]
    assert survey["disetujui"] and survey["publik"] and survey["pelaksana"] == ["walidata"]
    assert (
        by["dinkes/2025-belum-mulai"]["langkah"] is None
        and by["dinkes/2025-belum-mulai"]["menunggu"][0]["langkah"] == 1
    )


def test_finished_activity_and_bad_time(catalog):
    catalog.write(f"{ACTIVITY}/kegiatan.yaml", with_log(KOMPROMIN, *KOMPROMIN_LOG))
    catalog.write(f"{SURVEY_DIR}/kegiatan.yaml", with_log(SURVEI, ev(1, "2025-02-30T09:00:00+07:00")))
    result = run(catalog.root, "--pada", "2025-03-03T09:00:00+07:00")
    assert "selesai" in result.output and "waktu langkah terakhir tidak sah" in result.output


def test_bad_as_of_time_is_a_usage_error(catalog):
    result = run(catalog.root, "--pada", "kemarin")
    assert result.exit_code == 2 and "tanggal dan jam dengan zona waktu" in result.output
    assert "2025-02-03 atau 2025-02-03T09:00:00+07:00" in result.output


def test_as_of_a_date_alone_is_its_start_in_wib(catalog):
    catalog.write(f"{ACTIVITY}/kegiatan.yaml", with_log(KOMPROMIN, *KOMPROMIN_LOG))
    day = json.loads(run(catalog.root, "--pada", "2025-02-05", "--format", "json").output)
    moment = json.loads(run(catalog.root, "--pada", "2025-02-05T00:00:00+07:00", "--format", "json").output)
    assert day == moment and day["kegiatan"][0]["langkah"] == 8
    assert run(catalog.root, "--pada", "2025-02-30").exit_code == 2


def test_as_of_a_past_date_ignores_later_events(catalog):
    catalog.write(f"{ACTIVITY}/kegiatan.yaml", with_log(KOMPROMIN, *KOMPROMIN_LOG))  # finished on 10 Feb
    report = json.loads(run(catalog.root, "--pada", "2025-02-04T10:00:00+07:00", "--format", "json").output)
    (keg,) = report["kegiatan"]
    assert (keg["langkah"], keg["selesai"], keg["disetujui"]) == (8, False, False)
    assert [m["langkah"] for m in keg["menunggu"]] == [9] and keg["berjalan_menit"] == 60
    assert [e["langkah"] for e in keg["riwayat"]] == [1, 7, 8]
    table = run(catalog.root, "--pada", "2025-02-04T10:00:00+07:00").output
    assert "8 Lapor ke Indah" in table and "0 disetujui BPS" in table


def test_a_rejected_or_withdrawn_report_stops_the_clock(catalog):
    """ditolak and dibatalkan end the request: nothing is awaited, nothing is late, nothing public."""
    rejected = [*KOMPROMIN_LOG[:4], ev(1, "2025-02-05 10:00") | {"akhir": "ditolak", "peran": "bps"}]
    del rejected[-1]["langkah"]
    catalog.write(f"{ACTIVITY}/kegiatan.yaml", with_log(KOMPROMIN, *rejected))
    withdrawn = [*SURVEI_LOG[:2], ev(1, "2025-01-07 09:00") | {"akhir": "dibatalkan"}]
    del withdrawn[-1]["langkah"]
    catalog.write(f"{SURVEY_DIR}/kegiatan.yaml", with_log(SURVEI, *withdrawn))
    assert catalog.codes("galat") == set()
    result = run(catalog.root, "--pada", "2025-03-03T09:00:00+07:00")
    rows = {line.split()[0]: line for line in result.output.splitlines()[1:3]}
    assert rows["dinkes/2025-profil-kesehatan"].rstrip().endswith("ditolak")
    assert rows["dinkes/2025-survei-kepuasan"].rstrip().endswith("dibatalkan")
    assert result.output.splitlines()[-1].endswith(": 0 terlambat, 0 disetujui BPS (tampil di portal).")
    by = {k["kegiatan"]: k for k in json.loads(run(catalog.root, "--format", "json").output)["kegiatan"]}
    keg = by["dinkes/2025-profil-kesehatan"]
    assert (keg["akhir"], keg["menunggu"], keg["terlambat"], keg["selesai"]) == ("ditolak", [], False, True)
    assert keg["riwayat"][-1]["langkah"] == "ditolak"
    from datetime import datetime

    from pipeline.contract.schema import Schemas
    from pipeline.publish.model import build_model
    from pipeline.read.catalog import load_catalog

    model = build_model(
        load_catalog(catalog.root),
        Schemas.find(catalog.root),
        internal=True,
        pada=datetime.fromisoformat("2025-03-03T09:00:00+07:00"),
    )
    assert sum(sum(c.values()) for c in model.overdue.values()) == 0  # the dashboard's overdue counts
