"""`satudata langkah`: append a typed event to alur.riwayat, leaving every other byte of the file alone,
and refuse before writing what `satudata check-pr` would refuse."""

from __future__ import annotations

import difflib
import os
import stat
import subprocess
import sys
import time

import pytest
import yaml
from click.testing import CliRunner
from conftest import ACTIVITY, KOMPROMIN, KOMPROMIN_LOG, ROLES, SURVEI, SURVEI_LOG, ev, with_log

from pipeline.cli import main
from pipeline.edit.events import locked
from pipeline.read.loader import load

KEG = f"{ACTIVITY}/kegiatan.yaml"
OPD = ["--aktor", "dinkes-pasuruan"]
PUBLISHED = [*KOMPROMIN_LOG[:7], ev(12, "2025-02-07 09:00")]  # … 11 → 12: waiting for the OPD's step 13


@pytest.fixture
def catalog(catalog):
    """The catalog with roles.yaml (langkah refuses accounts that hold no role, as check-pr does)."""
    catalog.write(
        "metadata/dispendik/opd.yaml",
        yaml.safe_load((catalog.root / "metadata/dinkes/opd.yaml").read_text()) | {"pengelola": ["dispendik-pasuruan"]},
    )
    catalog.write("roles.yaml", ROLES)
    return catalog


def run(*args, env=None):
    return CliRunner().invoke(main, ["langkah", *map(str, args)], catch_exceptions=False, env=env)


def added_lines(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`; fails if any line of `before` changed or moved."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    assert all(tag in ("equal", "insert") for tag, *_ in ops), ops
    return [line for tag, _, _, j1, j2 in ops if tag == "insert" for line in b[j1:j2]]


HAND_WRITTEN = """\
# MS-Keg Profil Kesehatan — disunting tangan; komentar ini harus tetap ada.
judul_kegiatan: "Kompilasi Produk Administrasi Profil Kesehatan Kabupaten Pasuruan"   # judul resmi
tahun: 2025
{rest}
alur:
    # Riwayat SOP: hanya ditambah di akhir.
    riwayat:
        -   langkah: 1
            waktu: 2025-02-03T09:00:00+07:00
            peran: 'opd'
            aktor: dinkes-pasuruan
            catatan: >-
                Kompilasi produk administrasi,
                rekomendasi tidak wajib.
        # komentar di antara peristiwa
        -   langkah: 7
            waktu: "2025-02-03T10:00:00+07:00"
            peran: opd
            aktor: dinkes-pasuruan   # pelapor
        -   {{langkah: 8, waktu: 2025-02-04T09:00:00+07:00, peran: walidata, aktor: walidata-pasuruan}}
        -   {{langkah: 9, waktu: 2025-02-05T09:00:00+07:00, peran: bps, aktor: bps-kab-pasuruan}}
        -   {{langkah: 11, waktu: 2025-02-05T10:00:00+07:00, peran: bps, aktor: bps-kab-pasuruan}}
        -   {{langkah: 12, waktu: 2025-02-06T09:00:00+07:00, peran: walidata, aktor: walidata-pasuruan}}
# catatan penutup berkas
"""


def hand_written(catalog) -> str:
    rest = {k: v for k, v in KOMPROMIN.items() if k not in ("judul_kegiatan", "tahun")}
    text = HAND_WRITTEN.format(rest=yaml.safe_dump(rest, allow_unicode=True, sort_keys=False, width=60).rstrip())
    catalog.text(KEG, text)
    return text


def test_appends_event_preserving_comments_quotes_and_indentation(catalog):
    before = hand_written(catalog)
    result = run(
        catalog.root / ACTIVITY,
        13,
        *OPD,
        "--waktu",
        "2025-02-10T13:45:00+07:00",
        "--catatan",
        "Pencacahan selesai: periode 2025 # tanpa lampiran",
    )
    assert result.exit_code == 0, result.output
    after = catalog.root.joinpath(KEG).read_text(encoding="utf-8")
    assert added_lines(before, after) == [
        "        -   langkah: 13\n",
        "            waktu: 2025-02-10T13:45:00+07:00\n",
        "            peran: opd\n",
        "            aktor: dinkes-pasuruan\n",
        "            catatan: 'Pencacahan selesai: periode 2025 # tanpa lampiran'\n",
    ]
    assert after.endswith("# catatan penutup berkas\n")
    event = load(catalog.root / KEG).data["alur"]["riwayat"][-1]
    assert event == {
        "langkah": 13,
        "waktu": "2025-02-10T13:45:00+07:00",
        "peran": "opd",
        "aktor": "dinkes-pasuruan",
        "catatan": "Pencacahan selesai: periode 2025 # tanpa lampiran",
    }
    line = after.splitlines().index("        -   langkah: 13") + 1
    assert f"{KEG}:{line}: langkah 13 Laksanakan kegiatan dicatat oleh OPD 'dinkes-pasuruan'" in result.output
    assert "Semua langkah SOP untuk kegiatan ini selesai." in result.output
    assert catalog.codes() == set()


def test_first_event_adds_an_alur_block_at_the_end(catalog):
    before = catalog.root.joinpath(KEG).read_text(encoding="utf-8")
    result = run(catalog.root / KEG, 1, *OPD, "--waktu", "2025-02-03T09:00:00+07:00")
    assert result.exit_code == 0, result.output
    assert added_lines(before, catalog.root.joinpath(KEG).read_text(encoding="utf-8")) == [
        "alur:\n",
        "  riwayat:\n",
        "  - langkah: 1\n",
        "    waktu: 2025-02-03T09:00:00+07:00\n",
        "    peran: opd\n",
        "    aktor: dinkes-pasuruan\n",
    ]
    assert "langkah 2 Ajukan rekomendasi oleh OPD (baku 1 hari); langkah 7" in result.output


def test_actor_from_environment_and_time_defaults_to_now(catalog):
    result = run(catalog.root / ACTIVITY, 1, env={"SATUDATA_AKTOR": "dinkes-pasuruan"})
    assert result.exit_code == 0, result.output
    event = load(catalog.root / KEG).data["alur"]["riwayat"][-1]
    assert event["aktor"] == "dinkes-pasuruan" and event["waktu"].endswith("+07:00")


def test_out_of_order_step_is_refused_and_file_untouched(catalog):
    catalog.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1]))
    before = catalog.root.joinpath(KEG).read_bytes()
    result = run(catalog.root / ACTIVITY, 13, *OPD, "--waktu", "2025-02-03T10:00:00+07:00")
    assert result.exit_code == 1
    assert "[alur-transisi]" in result.output and "Langkah 13 tidak dicatat: 1 galat." in result.output
    assert catalog.root.joinpath(KEG).read_bytes() == before


def test_wrong_role_and_time_going_back_are_refused(catalog):
    catalog.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1]))
    result = run(catalog.root / ACTIVITY, 2, *OPD, "--peran", "bps", "--waktu", "2025-02-02T10:00:00+07:00")
    assert result.exit_code == 1
    assert "[alur-peran]" in result.output and "[alur-waktu-mundur]" in result.output
    assert "[pr-peran-aktor]" in result.output  # dinkes-pasuruan does not hold the bps role either


@pytest.mark.parametrize("step", [3, 4, 5, 7, 8, 9, 10, 11, 12])
def test_steps_the_forge_records_cannot_be_typed(catalog, step):
    catalog.write(KEG, with_log(SURVEI, *SURVEI_LOG[:1]))
    before = catalog.root.joinpath(KEG).read_bytes()
    result = run(catalog.root / ACTIVITY, step, "--aktor", "walidata-pasuruan")
    assert result.exit_code == 1 and "[pr-langkah-forge]" in result.output, result.output
    assert "disaksikan GitHub dan dicatat otomatis" in result.output
    assert catalog.root.joinpath(KEG).read_bytes() == before


def test_letter_number_defaults_to_ms_keg_identity_and_date_is_required(catalog):
    catalog.write(KEG, with_log(SURVEI, *SURVEI_LOG[:6]))
    args = [catalog.root / ACTIVITY, 6, "--aktor", "bps-kab-pasuruan", "--waktu", "2025-01-09T09:10:00+07:00"]
    result = run(*args)
    assert (
        result.exit_code == 1 and "[alur-surat-wajib]" in result.output and "tanggal_surat belum diisi" in result.output
    )
    assert f"satudata langkah {ACTIVITY} 6 --nomor-surat V-25.3514.004 --tanggal-surat" in result.output
    result = run(*args, "--tanggal-surat", "2025-01-09")
    assert result.exit_code == 0, result.output
    event = load(catalog.root / KEG).data["alur"]["riwayat"][-1]
    assert (event["nomor_surat"], event["tanggal_surat"]) == ("V-25.3514.004", "2025-01-09")
    assert catalog.codes("galat") == set()


def test_accounts_are_judged_as_check_pr_judges_them(catalog):
    catalog.write(KEG, with_log(SURVEI, *SURVEI_LOG[:6]))
    at = ["--waktu", "2025-01-09T09:10:00+07:00", "--tanggal-surat", "2025-01-09"]
    result = run(catalog.root / ACTIVITY, 6, "--aktor", "orang-asing", *at)
    assert result.exit_code == 1 and "[pr-akun-tak-dikenal]" in result.output
    result = run(catalog.root / ACTIVITY, 6, *OPD, *at)
    assert result.exit_code == 1 and "[pr-peran-aktor]" in result.output
    assert "akun 'dinkes-pasuruan' berperan OPD (OPD: dinkes)" in result.output
    result = run(catalog.root / ACTIVITY, 6, "--aktor", "dispendik-pasuruan", "--peran", "opd", *at)
    assert "[pr-peran-opd]" in result.output and "[alur-peran]" in result.output
    result = run(catalog.root / ACTIVITY, 6, "--aktor", "bps-kab-pasuruan", "--waktu", "2999-01-01T09:00:00+07:00")
    assert result.exit_code == 1 and "[alur-waktu-masa-depan]" in result.output
    (catalog.root / "roles.yaml").unlink()
    result = run(catalog.root / ACTIVITY, 6, "--aktor", "bps-kab-pasuruan", *at)
    assert result.exit_code == 1 and "[pr-peran-tidak-ada]" in result.output


def test_the_file_keeps_its_mode(catalog):
    catalog.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1]))
    os.chmod(catalog.root / KEG, 0o644)
    assert run(catalog.root / ACTIVITY, 2, *OPD, "--waktu", "2025-02-03T10:00:00+07:00").exit_code == 0
    assert stat.S_IMODE(os.stat(catalog.root / KEG).st_mode) == 0o644


def test_runs_on_one_file_take_turns_and_lose_nothing(catalog):
    """While another writer holds the file for its read-modify-write, `langkah` waits, then re-reads
    the file and judges its event against what the other wrote (here: step 13 is already done)."""
    catalog.write(KEG, with_log(KOMPROMIN, *PUBLISHED))
    command = [sys.executable, "-m", "pipeline", "langkah", str(catalog.root / ACTIVITY), "13", *OPD]
    theirs = ev(13, "2025-02-10 08:00", catatan="ditulis penulis lain")
    with locked(catalog.root / KEG):
        runs = [
            subprocess.Popen([*command, "--waktu", f"2025-02-10T0{h}:00:00+07:00"], stdout=subprocess.PIPE, text=True)
            for h in (8, 9)
        ]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(p.poll() is None for p in runs):
            time.sleep(0.1)  # without a lock they would be done by now
        catalog.write(KEG, with_log(KOMPROMIN, *PUBLISHED, theirs))  # the other writer's change
    results = [(p.wait(timeout=120), p.stdout.read()) for p in runs]
    assert [code for code, _ in results] == [1, 1], results
    assert all("[alur-transisi]" in out for _, out in results)
    log = load(catalog.root / KEG).data["alur"]["riwayat"]
    assert log[-1]["catatan"] == "ditulis penulis lain" and len(log) == len(PUBLISHED) + 1


def test_malformed_letter_number_is_refused_by_the_schema(catalog):
    catalog.write(KEG, with_log(SURVEI, *SURVEI_LOG[:6]))
    result = run(
        catalog.root / ACTIVITY, 6, "--aktor", "x", "--nomor-surat", "V-2025-1", "--tanggal-surat", "2025-01-09"
    )
    assert result.exit_code == 1 and "[skema-pattern]" in result.output


def test_usage_errors(catalog):
    assert "Sebutkan akun GitHub Anda" in run(catalog.root / ACTIVITY, 1).output
    assert run(catalog.root / ACTIVITY, 14, *OPD).exit_code == 2
    assert (
        "bukan tanggal dan jam dengan zona waktu"
        in run(catalog.root / ACTIVITY, 1, *OPD, "--waktu", "2025-02-03").output
    )
    assert "bukan folder kegiatan" in run(catalog.root / "metadata/dinkes", 1, *OPD).output


def test_broken_yaml_is_reported_not_raised(catalog):
    catalog.text(KEG, "judul_kegiatan: [\n")
    result = run(catalog.root / ACTIVITY, 1, *OPD)
    assert result.exit_code == 1 and "[yaml-sintaks]" in result.output


def test_crlf_file_stays_crlf(catalog):
    text = yaml.safe_dump(with_log(KOMPROMIN, *KOMPROMIN_LOG[:1]), allow_unicode=True, sort_keys=False)
    path = catalog.root / KEG
    before = text.replace("\n", "\r\n")
    path.write_bytes(before.encode())
    assert run(catalog.root / ACTIVITY, 2, *OPD, "--waktu", "2025-02-03T10:00:00+07:00").exit_code == 0
    after = path.read_bytes().decode()
    added = added_lines(before, after)
    assert len(added) == 4 and all(line.endswith("\r\n") for line in added)
    assert "\n" not in after.replace("\r\n", "")
    assert [e["langkah"] for e in load(path).data["alur"]["riwayat"]] == [1, 2]
