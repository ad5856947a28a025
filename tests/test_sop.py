"""schemas/sop.yaml: the one place the SOP steps live, and the loader that guards it."""

from __future__ import annotations

import copy
import json
import shutil

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO

from pipeline.check.alur import sop_file_findings
from pipeline.cli import main
from pipeline.contract.schema import BUNDLED, Schemas
from pipeline.sop.definition import BUNDLED_SOP, SopError, load_sop, parse
from pipeline.sop.doc import DOC_END, DOC_START, markdown, update_doc

RAW = yaml.safe_load(BUNDLED_SOP.read_text(encoding="utf-8"))


def test_bundled_sop_has_the_thirteen_steps_of_the_pasuruan_sop():
    sop = load_sop()
    assert list(sop.langkah) == list(range(1, 14))
    assert sop.nomor == "00.8.3.3/114.2/424.084/2024"
    assert sop.langkah[3].pelaksana == ("walidata", "bps")
    assert [sop.langkah[n].waktu for n in (1, 2, 3, 6, 7)] == ["15 menit", "1 hari", "3 hari", "15 menit", "30 menit"]
    assert sop.langkah[2].baku_menit == 480 and sop.langkah[9].baku_menit == 3 * 480
    assert sop.langkah[13].berikutnya == ()


def test_kegiatan_schema_agrees_with_sop():
    """The alur event schema's step range and role enum are the SOP's, not a second list."""
    sop = load_sop()
    event = Schemas(BUNDLED)["kegiatan"].subschema(("alur", "riwayat", 0))
    assert (event["properties"]["langkah"]["minimum"], event["properties"]["langkah"]["maximum"]) == (
        min(sop.langkah),
        max(sop.langkah),
    )
    assert event["properties"]["peran"]["enum"] == list(sop.peran)
    roles = Schemas(BUNDLED).roles.schema["properties"]["akun"]["additionalProperties"]["properties"]["peran"]
    assert roles["items"]["enum"] == list(sop.peran)


def test_catalog_may_ship_its_own_sop(tmp_path):
    own = tmp_path / "schemas"
    own.mkdir()
    for f in BUNDLED.glob("*.json"):
        (own / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (own / "kode").symlink_to(BUNDLED / "kode")
    data = copy.deepcopy(RAW)
    data["langkah"][0]["waktu"] = "20 menit"
    (own / "sop.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert Schemas.find(tmp_path).sop.langkah[1].baku_menit == 20
    assert Schemas(BUNDLED).sop.langkah[1].baku_menit == 15


def broken(**changes):
    data = copy.deepcopy(RAW)
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split(".")
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        node[last] = value
    return data


@pytest.mark.parametrize(
    ("changes", "kode", "lokasi", "pesan"),
    [
        ({"langkah.0.waktu": "seperempat jam"}, "skema-pattern", "langkah.0.waktu", "Format 'seperempat jam'"),
        ({"langkah.0.pelaksana": ["camat"]}, "skema-enum", "langkah.0.pelaksana.0", "'camat' bukan pilihan"),
        ({"langkah.0.berikutnya": [14]}, "sop-langkah-tak-dikenal", "langkah.0.berikutnya", "langkah 14 dirujuk"),
        ({"langkah.0.berikutnya": "2"}, "skema-type", "langkah.0.berikutnya", "harus daftar"),
        ({"jam_kerja.zona_waktu": "WIB"}, "skema-pattern", "jam_kerja.zona_waktu", "Format 'WIB'"),
        ({"jam_kerja.mulai": "8 pagi"}, "skema-pattern", "jam_kerja.mulai", "Format '8 pagi'"),
        ({"rekomendasi": None}, "skema-type", "rekomendasi", "harus kumpulan isian"),
        ({"langkah.2.dicatat": "otomatis"}, "skema-enum", "langkah.2.dicatat", "'otomatis' bukan pilihan"),
        ({"langkah.6.forge": None}, "skema-type", "langkah.6.forge", "harus daftar"),
        ({"jam_kerja.selesai": "07:00"}, "sop-jam-kerja", "jam_kerja.selesai", "tidak setelah jam mulai"),
    ],
)
def test_malformed_sop_gives_findings_like_a_record(changes, kode, lokasi, pesan):
    """sop.yaml is checked by schemas/sop.schema.json: the same codes and messages as a record."""
    assert parse(RAW, "sop.yaml") is not None  # the unbroken file passes
    with pytest.raises(SopError) as caught:
        parse(broken(**changes), "sop.yaml")
    found = [f for f in sop_file_findings(caught.value) if f.lokasi == lokasi]
    assert found and found[0].kode == kode and pesan in found[0].pesan, sop_file_findings(caught.value)
    assert found[0].berkas == "schemas/sop.yaml" and found[0].formulir == "SOP"


def test_what_the_schema_cannot_say_is_checked_too():
    twice = copy.deepcopy(RAW)
    twice["langkah"][1]["nomor"] = 1
    no_bps = copy.deepcopy(RAW)
    del no_bps["peran"]["bps"]
    ends = copy.deepcopy(RAW)
    ends["akhir"]["ditolak"]["setelah"] = [9, 42]
    found = {}
    for name, data in (("twice", twice), ("no_bps", no_bps), ("ends", ends)):
        with pytest.raises(SopError) as caught:
            parse(data, "sop.yaml")
        found[name] = {(f.kode, f.lokasi) for f in sop_file_findings(caught.value)}
    assert ("sop-langkah-ganda", "langkah.1.nomor") in found["twice"]
    assert ("sop-peran-tak-dikenal", "langkah.2.pelaksana.1") in found["no_bps"]
    assert found["ends"] == {("sop-langkah-tak-dikenal", "akhir.ditolak.setelah")}


def test_every_step_says_how_it_is_recorded():
    """Steps outside GitHub are typed; reviews, approvals and merges come from the forge."""
    sop = load_sop()
    assert sop.typed_steps() == [1, 2, 6, 13]
    assert {n: sop.langkah[n].forge for n in (7, 8, 11, 12)} == {
        7: ("dibuka",),
        8: ("setuju", "dibuka"),
        11: ("setuju",),
        12: ("digabung",),
    }
    assert sorted(sop.akhir) == ["dibatalkan", "ditolak"] and sop.akhir["ditolak"].pelaksana == ("bps",)


def test_bad_sop_reaches_the_user_as_findings_with_lines_not_keyerror(tmp_path):
    own = tmp_path / "schemas"
    shutil.copytree(BUNDLED, own)
    text = (own / "sop.yaml").read_text(encoding="utf-8")
    (own / "sop.yaml").write_text(text.replace('  mulai: "08:00"\n', ""), encoding="utf-8")
    (tmp_path / "metadata").mkdir()
    for command in (["status", str(tmp_path)], ["validate", str(tmp_path)], ["sop", str(tmp_path)]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, (command, result.output)
        assert "GALAT [skema-wajib] SOP" in result.output and "(jam_kerja.mulai)" in result.output
        assert "Traceback" not in result.output and "KeyError" not in result.output
    line = int(result.output.split("sop.yaml:")[1].split(":")[0])
    assert (own / "sop.yaml").read_text(encoding="utf-8").splitlines()[line - 1].startswith("jam_kerja:")


def test_unreadable_sop_file(tmp_path):
    path = tmp_path / "sop.yaml"
    path.write_text("langkah: [\n", encoding="utf-8")
    with pytest.raises(SopError, match="YAML tidak dapat dibaca") as caught:
        load_sop(path)
    assert [f.kode for f in sop_file_findings(caught.value)] == ["yaml-sintaks"]


# --- the SOP in the docs and on the command line -----------------------------------------------


def sop_cli(*args):
    return CliRunner().invoke(main, ["sop", *map(str, args)], catch_exceptions=False)


def test_guide_shows_the_steps_from_sop_yaml():
    """docs/alur-sop.md carries the generated table; regenerate with `satudata sop --perbarui`."""
    text = (REPO / "docs" / "alur-sop.md").read_text(encoding="utf-8")
    assert update_doc(text, load_sop()) == text
    assert "| 11 | Menyetujui metadata kegiatan statistik yang dilaporkan oleh Walidata | BPS | 15 menit |" in text


def test_perbarui_rewrites_only_the_marked_block(tmp_path):
    doc = tmp_path / "panduan.md"
    doc.write_text(f"# Judul\n\n{DOC_START}\nusang\n{DOC_END}\n\nPenutup.\n", encoding="utf-8")
    result = sop_cli("--perbarui", doc)
    assert result.exit_code == 0 and "diperbarui" in result.output
    text = doc.read_text(encoding="utf-8")
    assert text.startswith(f"# Judul\n\n{DOC_START}\n\n| No. |") and text.endswith(f"```\n\n{DOC_END}\n\nPenutup.\n")
    assert "usang" not in text and "L11 -.->|siklus baru| L7" in text
    assert "sudah sesuai" in sop_cli("--perbarui", doc).output
    doc.write_text("tanpa penanda\n", encoding="utf-8")
    result = sop_cli("--perbarui", doc)
    assert result.exit_code == 1 and "tidak ditemukan" in result.output


def test_sop_command_formats():
    text = sop_cli().output
    assert "  3. Memeriksa pengajuan rekomendasi kegiatan statistik oleh OPD" in text
    assert "     Walidata atau BPS · 3 hari · berikutnya: 3, 4, 5, 6" in text
    steps = json.loads(sop_cli("--format", "json").output)["langkah"]
    assert [s["nomor"] for s in steps] == list(range(1, 14)) and steps[1]["baku_menit"] == 480
    assert sop_cli("--format", "markdown").output == markdown(load_sop())
