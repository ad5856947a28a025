"""`satudata langkah`: append an event to alur.riwayat, leaving every other byte of the file alone."""

from __future__ import annotations

import difflib

import yaml
from click.testing import CliRunner
from conftest import ACTIVITY, KOMPROMIN, KOMPROMIN_LOG, SURVEI, SURVEI_LOG, with_log

from pipeline.cli import main
from pipeline.read.loader import load

KEG = f"{ACTIVITY}/kegiatan.yaml"
OPD = ["--aktor", "dinkes-pasuruan"]


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
        8,
        "--aktor",
        "walidata-pasuruan",
        "--waktu",
        "2025-02-03T13:45:00+07:00",
        "--catatan",
        "Dientri ke Indah: periode 2025 # tanpa lampiran",
    )
    assert result.exit_code == 0, result.output
    after = catalog.root.joinpath(KEG).read_text(encoding="utf-8")
    assert added_lines(before, after) == [
        "        -   langkah: 8\n",
        "            waktu: 2025-02-03T13:45:00+07:00\n",
        "            peran: walidata\n",
        "            aktor: walidata-pasuruan\n",
        "            catatan: 'Dientri ke Indah: periode 2025 # tanpa lampiran'\n",
    ]
    assert after.endswith("# catatan penutup berkas\n")
    event = load(catalog.root / KEG).data["alur"]["riwayat"][-1]
    assert event == {
        "langkah": 8,
        "waktu": "2025-02-03T13:45:00+07:00",
        "peran": "walidata",
        "aktor": "walidata-pasuruan",
        "catatan": "Dientri ke Indah: periode 2025 # tanpa lampiran",
    }
    line = after.splitlines().index("        -   langkah: 8") + 1
    assert f"{KEG}:{line}: langkah 8 Lapor ke Indah dicatat oleh Walidata 'walidata-pasuruan'" in result.output
    assert "Berikutnya: langkah 9 BPS memeriksa oleh BPS (baku 3 hari)." in result.output
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
    result = run(catalog.root / ACTIVITY, 11, "--aktor", "bps-kab-pasuruan", "--waktu", "2025-02-03T10:00:00+07:00")
    assert result.exit_code == 1
    assert "[alur-transisi]" in result.output and "Langkah 11 tidak dicatat: 1 galat." in result.output
    assert catalog.root.joinpath(KEG).read_bytes() == before


def test_wrong_role_and_time_going_back_are_refused(catalog):
    catalog.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1]))
    result = run(catalog.root / ACTIVITY, 7, *OPD, "--peran", "bps", "--waktu", "2025-02-02T10:00:00+07:00")
    assert result.exit_code == 1
    assert "[alur-peran]" in result.output and "[alur-waktu-mundur]" in result.output


def test_survey_cannot_report_before_its_recommendation(catalog):
    catalog.write(KEG, with_log(SURVEI, *SURVEI_LOG[:1]))
    result = run(catalog.root / ACTIVITY, 7, *OPD, "--waktu", "2025-01-06T10:00:00+07:00")
    assert result.exit_code == 1 and "[alur-survei-rekomendasi]" in result.output


def test_step_with_two_performers_needs_a_role(catalog):
    catalog.write(KEG, with_log(SURVEI, *SURVEI_LOG[:2]))
    result = run(catalog.root / ACTIVITY, 3, "--aktor", "bps-kab-pasuruan")
    assert result.exit_code == 2
    assert "dilaksanakan oleh Walidata atau BPS; sebutkan --peran walidata atau --peran bps" in result.output
    result = run(catalog.root / ACTIVITY, 3, "--aktor", "bps-kab-pasuruan", "--peran", "bps")
    assert result.exit_code == 0, result.output


def test_letter_number_defaults_to_ms_keg_identity_and_date_is_required(catalog):
    catalog.write(KEG, with_log(SURVEI, *SURVEI_LOG[:6]))
    args = [catalog.root / ACTIVITY, 6, "--aktor", "bps-kab-pasuruan", "--waktu", "2025-01-09T09:10:00+07:00"]
    result = run(*args)
    assert (
        result.exit_code == 1 and "[alur-surat-wajib]" in result.output and "tanggal_surat belum diisi" in result.output
    )
    result = run(*args, "--tanggal-surat", "2025-01-09")
    assert result.exit_code == 0, result.output
    event = load(catalog.root / KEG).data["alur"]["riwayat"][-1]
    assert (event["nomor_surat"], event["tanggal_surat"]) == ("V-25.3514.004", "2025-01-09")
    assert catalog.codes("galat") == set()


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
    assert run(catalog.root / ACTIVITY, 7, *OPD, "--waktu", "2025-02-03T10:00:00+07:00").exit_code == 0
    after = path.read_bytes().decode()
    added = added_lines(before, after)
    assert len(added) == 4 and all(line.endswith("\r\n") for line in added)
    assert "\n" not in after.replace("\r\n", "")
    assert [e["langkah"] for e in load(path).data["alur"]["riwayat"]] == [1, 7]
