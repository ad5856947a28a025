"""schemas/sop.yaml: the one place the SOP steps live, and the loader that guards it."""

from __future__ import annotations

import copy

import pytest
import yaml

from pipeline.schema import BUNDLED, Schemas
from pipeline.sop import BUNDLED_SOP, SopError, load_sop, parse

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
    ("changes", "message"),
    [
        ({"langkah.0.waktu": "seperempat jam"}, "waktu baku"),
        ({"langkah.0.pelaksana": ["camat"]}, "bukan peran"),
        ({"langkah.0.berikutnya": [14]}, r"langkah \[14\] dirujuk"),
        ({"langkah.0.berikutnya": "2"}, "daftar nomor langkah"),
        ({"jam_kerja.zona_waktu": "WIB"}, "zona_waktu"),
        ({"jam_kerja.mulai": "8 pagi"}, "JJ:MM"),
        ({"rekomendasi": None}, "tidak lengkap"),
    ],
)
def test_malformed_sop_is_rejected_with_a_message(changes, message):
    assert parse(RAW, "sop.yaml") is not None  # the unbroken file passes
    with pytest.raises(SopError, match=message):
        parse(broken(**changes), "sop.yaml")


def test_unreadable_sop_file(tmp_path):
    path = tmp_path / "sop.yaml"
    path.write_text("langkah: [\n", encoding="utf-8")
    with pytest.raises(SopError, match="YAML tidak dapat dibaca"):
        load_sop(path)
