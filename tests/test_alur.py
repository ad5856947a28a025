"""The SOP state machine: status derived from alur.riwayat, and every rule on the log."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import ACTIVITY, KOMPROMIN, KOMPROMIN_LOG, SURVEI, SURVEI_LOG, ev, with_log

from pipeline.read.catalog import load_catalog
from pipeline.sop.state import current_step, is_public, status

KEG = f"{ACTIVITY}/kegiatan.yaml"


def alur_codes(catalog, data, level=None):
    catalog.write(KEG, data)
    return {
        f.kode
        for f in catalog.findings()
        if f.berkas == KEG and (f.lokasi or "").startswith("alur") and (level is None or f.tingkat == level)
    }


def finding(catalog, data, kode):
    catalog.write(KEG, data)
    (found,) = [f for f in catalog.findings() if f.kode == kode]
    return found


# --- complete, valid logs ---------------------------------------------------------------------


def test_complete_compilation_log_is_valid(catalog):
    assert alur_codes(catalog, with_log(KOMPROMIN, *KOMPROMIN_LOG)) == set()


def test_survey_log_with_recommendation_is_valid(catalog):
    assert alur_codes(catalog, with_log(SURVEI, *SURVEI_LOG)) == set()


def test_activity_without_log_has_no_workflow_findings(catalog):
    assert alur_codes(catalog, KOMPROMIN) == set()


# --- each rule: a log that breaks it (the valid logs above satisfy all of them) --------------

T = "2025-02-03 09:00"


@pytest.mark.parametrize(
    ("base", "log", "kode"),
    [
        (KOMPROMIN, [ev(7, T)], "alur-langkah-awal"),
        (KOMPROMIN, [ev(1, T), ev(9, "2025-02-03 10:00")], "alur-transisi"),
        (KOMPROMIN, [*KOMPROMIN_LOG[:7], ev(9, "2025-02-07 09:00")], "alur-transisi"),  # 11 → 9 needs a new cycle
        (SURVEI, [ev(1, T), ev(7, "2025-02-03 10:00")], "alur-survei-rekomendasi"),
        (KOMPROMIN, [ev(1, T), ev(7, "2025-02-03 10:00", peran="walidata")], "alur-peran"),
        (KOMPROMIN, [*KOMPROMIN_LOG[:6], ev(11, "2025-02-06 09:10", peran="opd")], "alur-peran"),
        (KOMPROMIN, [ev(1, T), ev(7, "2025-02-01 10:00")], "alur-waktu-mundur"),
        (KOMPROMIN, [ev(1, "2025-02-30T09:00:00+07:00")], "alur-waktu-tidak-sah"),
        (SURVEI, [*SURVEI_LOG[:6], ev(6, "2025-01-09 09:10", nomor_surat="V-25.3514.004")], "alur-surat-wajib"),
        (
            SURVEI,
            [*SURVEI_LOG[:6], ev(6, "2025-01-09 09:10", nomor_surat="K-25.3514.004", tanggal_surat="2025-01-09")],
            "alur-surat-awalan",
        ),
        (
            SURVEI,
            [*SURVEI_LOG[:6], ev(6, "2025-01-09 09:10", nomor_surat="V-25.3514.009", tanggal_surat="2025-01-09")],
            "alur-surat-beda",
        ),
    ],
)
def test_rule_is_enforced(catalog, base, log, kode):
    assert kode in alur_codes(catalog, with_log(base, *log), "galat")


def test_compilation_may_still_ask_for_a_recommendation(catalog):
    """Kompromin may take the 2–6 path; its letter starts with K; a missing MS-Keg identity is a warning."""
    log = [*SURVEI_LOG[:6], ev(6, "2025-01-09 09:10", nomor_surat="K-25.3514.002", tanggal_surat="2025-01-09")]
    assert alur_codes(catalog, with_log(KOMPROMIN, *log)) == {"alur-surat-identitas"}
    assert alur_codes(catalog, with_log(KOMPROMIN, *log), "galat") == set()
    matched = with_log(KOMPROMIN, *log) | {"rekomendasi_bps": "Ya", "identitas_rekomendasi": "K-25.3514.002"}
    assert alur_codes(catalog, matched) == set()


def test_only_the_latest_letter_must_match_the_ms_keg(catalog):
    """A re-issued letter replaces the old one; the old event stays in the log unchanged."""
    log = [
        *SURVEI_LOG[:6],
        ev(6, "2025-01-09 09:10", nomor_surat="V-25.3514.001", tanggal_surat="2025-01-09"),
        *SURVEI_LOG[7:11],
        ev(7, "2025-01-14 09:00"),
        ev(8, "2025-01-14 10:00"),
    ]
    assert alur_codes(catalog, with_log(SURVEI, *log)) == {"alur-surat-beda"}
    log[6] = SURVEI_LOG[6]  # the letter that matches identitas_rekomendasi
    assert alur_codes(catalog, with_log(SURVEI, *log)) == set()


def test_message_names_file_line_step_and_fix(catalog):
    f = finding(catalog, with_log(KOMPROMIN, ev(1, T), ev(9, "2025-02-03 10:00")), "alur-transisi")
    assert f.berkas == KEG and f.baris is not None and f.lokasi == "alur.riwayat.1.langkah"
    assert f.pesan == "Langkah 9 (BPS memeriksa) tidak boleh langsung setelah langkah 1 (Cek rekomendasi)."
    assert f.saran.startswith("Setelah langkah 1 yang boleh dicatat: 2 (Ajukan rekomendasi, OPD), 7 (Lapor metadata")
    assert f.item() == "Alur SOP riwayat ke-2 Langkah SOP"
    text = catalog.root.joinpath(KEG).read_text(encoding="utf-8").splitlines()
    assert text[f.baris - 1].strip() == "- langkah: 9"


def test_new_review_cycle_after_approval_is_allowed(catalog):
    for reopen in (7, 8):
        log = [*KOMPROMIN_LOG[:7], ev(reopen, "2025-02-07 09:00"), ev(8, "2025-02-07 10:00")][: 8 + (reopen == 7)]
        assert alur_codes(catalog, with_log(KOMPROMIN, *log)) == set(), reopen


def test_malformed_log_is_reported_not_raised(catalog):
    data = with_log(KOMPROMIN, "langkah 1", {"langkah": "satu"}, ev(1, T), {"langkah": 99}, ev(7, "2025-02-03 10:00"))
    codes = alur_codes(catalog, data)
    assert {"skema-type", "skema-maximum"} <= codes and "alur-transisi" not in codes
    catalog.write(KEG, KOMPROMIN | {"alur": {"riwayat": "1, 7"}})
    assert "skema-type" in {f.kode for f in catalog.findings()}
    assert status(KOMPROMIN | {"alur": {"riwayat": "1, 7"}}).langkah is None
    assert status({"alur": None}).menunggu == [1] and status("bukan objek").langkah is None


# --- derived status ---------------------------------------------------------------------------


def st(base, *log, pada=None):
    return status(with_log(base, *log), pada=datetime.fromisoformat(pada) if pada else None)


def test_status_of_an_activity_without_log():
    s = status(KOMPROMIN)
    assert (s.langkah, s.menunggu, s.pelaksana, s.selesai, s.disetujui) == (None, [1], ["opd"], False, False)


@pytest.mark.parametrize(
    ("base", "upto", "menunggu", "pelaksana"),
    [
        (KOMPROMIN, 1, [2, 7], ["opd"]),
        (SURVEI, 1, [2], ["opd"]),  # a survey cannot go straight to 7
        (SURVEI, 2, [3], ["walidata", "bps"]),
        (SURVEI, 3, [3, 4, 5, 6], ["opd", "walidata", "bps"]),
        (SURVEI, 7, [7], ["opd"]),  # the letter was issued
        (SURVEI, 8, [8], ["walidata"]),
        (SURVEI, 10, [10, 11], ["walidata", "bps"]),
        (SURVEI, 11, [12], ["walidata"]),  # approved: publication is next, a new cycle is optional
    ],
)
def test_who_must_act_next(base, upto, menunggu, pelaksana):
    s = st(base, *SURVEI_LOG[:upto]) if base is SURVEI else st(base, *KOMPROMIN_LOG[:upto])
    assert (s.menunggu, s.pelaksana) == (menunggu, pelaksana)


def test_finished_activity():
    s = st(KOMPROMIN, *KOMPROMIN_LOG, pada="2025-03-03T09:00:00+07:00")
    assert s.selesai and s.menunggu == [] and s.pelaksana == [] and s.berjalan_menit is None and not s.terlambat


def test_clock_against_the_most_lenient_awaited_standard():
    log = KOMPROMIN_LOG[:4]  # BPS reviewed Wed 5 Feb 09:00; waiting for 10 (30 min) or 11 (15 min)
    ok = st(KOMPROMIN, *log, pada="2025-02-05T09:30:00+07:00")
    assert (ok.berjalan_menit, ok.baku_menit, ok.terlambat) == (30, 30, False)
    late = st(KOMPROMIN, *log, pada="2025-02-05T09:31:00+07:00")
    assert late.terlambat
    log = KOMPROMIN_LOG[:2]  # OPD reported Mon 3 Feb 10:00; Walidata has 30 minutes
    assert not st(KOMPROMIN, *log, pada="2025-02-03T10:30:00+07:00").terlambat
    assert st(KOMPROMIN, *log, pada="2025-02-03T10:31:00+07:00").terlambat


def test_clock_skips_the_weekend():
    log = [ev(1, "2025-02-07 15:50")]  # Friday; waiting for step 2 (1 day) or 7 (30 min)
    s = st(KOMPROMIN, *log, pada="2025-02-10T15:50:00+07:00")
    assert (s.berjalan_menit, s.baku_menit, s.terlambat) == (480, 480, False)
    assert st(KOMPROMIN, *log, pada="2025-02-10T15:51:00+07:00").terlambat


# --- the public API for the portal -------------------------------------------------------------


def test_public_only_while_the_current_cycle_is_approved():
    assert not is_public(KOMPROMIN)
    assert not is_public(with_log(KOMPROMIN, *KOMPROMIN_LOG[:6]))
    assert is_public(with_log(KOMPROMIN, *KOMPROMIN_LOG[:7]))  # step 11
    assert is_public(with_log(KOMPROMIN, *KOMPROMIN_LOG))  # 12 and 13 keep it public
    reopened = [*KOMPROMIN_LOG, ev(7, "2025-03-03 09:00")]
    assert not is_public(with_log(KOMPROMIN, *reopened))
    s = status(with_log(KOMPROMIN, *reopened))
    assert s.pernah_disetujui and not s.disetujui and s.menunggu == [8]
    again = [*reopened, ev(8, "2025-03-03 10:00"), ev(9, "2025-03-04 09:00"), ev(11, "2025-03-04 10:00")]
    assert is_public(with_log(KOMPROMIN, *again))


def test_api_accepts_records_and_dicts(catalog):
    catalog.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:3]))
    record = load_catalog(catalog.root).get("kegiatan", "dinkes/2025-profil-kesehatan")
    assert current_step(record) == current_step(record.data) == 8
    assert current_step(KOMPROMIN) is None
    assert is_public(record) is False


def test_end_states_follow_the_sop(catalog):
    """ditolak ends a request or report in progress; not an approved activity, not by the OPD."""

    def end(key, at, peran):
        event = ev(1, at, peran=peran) | {"akhir": key}
        del event["langkah"]
        return event

    assert (
        alur_codes(catalog, with_log(KOMPROMIN, *KOMPROMIN_LOG[:4], end("ditolak", "2025-02-06 09:00", "bps"))) == set()
    )
    after_approval = with_log(KOMPROMIN, *KOMPROMIN_LOG[:7], end("ditolak", "2025-02-07 09:00", "bps"))
    f = finding(catalog, after_approval, "alur-akhir")
    assert f.pesan == "Keadaan akhir 'ditolak' (Ditolak oleh BPS) tidak boleh setelah langkah 11 (BPS menyetujui)."
    assert "alur-peran" in alur_codes(
        catalog, with_log(KOMPROMIN, *KOMPROMIN_LOG[:4], end("ditolak", "2025-02-06 09:00", "opd"))
    )
    reopened = with_log(
        KOMPROMIN, *KOMPROMIN_LOG[:4], end("dibatalkan", "2025-02-06 09:00", "opd"), ev(7, "2025-02-07 09:00")
    )
    assert alur_codes(catalog, reopened) == set()  # a new report may follow
    assert status(reopened).menunggu == [8]


def test_an_event_is_a_step_or_an_end_and_a_forge_event_names_its_pr(catalog):
    both = ev(1, T) | {"akhir": "dibatalkan"}
    assert "aturan-A1" in alur_codes(catalog, with_log(KOMPROMIN, both))
    neither = {k: v for k, v in ev(1, T).items() if k != "langkah"}
    assert "aturan-A1" in alur_codes(catalog, with_log(KOMPROMIN, neither))
    assert "aturan-A2" in alur_codes(catalog, with_log(KOMPROMIN, ev(1, T) | {"sumber": "forge"}))
    assert alur_codes(catalog, with_log(KOMPROMIN, ev(1, T) | {"sumber": "forge", "pr": 3})) == set()
