"""Writing YAML: new files read back exactly; updates keep comments and every untouched byte."""

from __future__ import annotations

import copy

import pytest
from conftest import REPO, writable
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.edit.records import WriteError, new_text, same, updated_text
from pipeline.read.loader import parse

SAMPLE = REPO / "metadata/dinkes/2025-profil-kesehatan/kegiatan.yaml"
KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
SCALARS = (
    writable(st.text())
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4), max_leaves=12
)


def order(path):
    return []


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_a_new_file_reads_back_as_exactly_the_data(data):
    assert same(parse(new_text(data)).data, data)


@pytest.mark.parametrize(
    "text", ["01111", "12", "1.5", "1e3", "true", "no", "~", "null", "", "2025-03-15", "- x", "a: b", "#c"]
)
def test_text_that_looks_like_something_else_stays_text(text):
    written = new_text({"kode": text})
    assert parse(written).data == {"kode": text}


def test_codes_are_double_quoted_and_dates_unquoted():
    assert new_text({"kode": "01111", "awal": "2025-03-15", "bulan": "2025-03"}) == (
        'kode: "01111"\nawal: 2025-03-15\nbulan: 2025-03\n'
    )


def test_long_prose_is_folded_and_multiline_text_is_a_literal_block():
    prose = "kata " * 40
    text = new_text({"definisi": prose.strip(), "tujuan": "1. Satu.\n2. Dua."})
    assert text.startswith("definisi: >-\n  kata kata")
    assert "tujuan: |-\n  1. Satu.\n  2. Dua.\n" in text
    assert max(len(line) for line in text.splitlines()) < 110


@settings(max_examples=40, deadline=None)
@given(writable(st.text()), st.sampled_from(["judul_kegiatan", "sektor_kegiatan", "tahun"]))
def test_any_new_value_in_a_real_file_reads_back(value, key):
    text = SAMPLE.read_text()
    expected = parse(text).data | {key: value}
    out = updated_text(text, [("set", (key,), value)], expected, order)
    assert same(parse(out).data, expected)


@pytest.mark.parametrize("value", ["Profil\x0bKesehatan", "\x00", "\x1b[31m", "Profil \ufffe", "NEL\x85"])
def test_a_value_that_no_record_may_hold_is_refused_before_it_is_written(value):
    text = SAMPLE.read_text()
    expected = parse(text).data | {"judul_kegiatan": value}
    with pytest.raises(WriteError, match="karakter U\\+"):
        updated_text(text, [("set", ("judul_kegiatan",), value)], expected, order)


def _comments(text):
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def _paths(data, prefix=()):
    for key, value in data.items():
        yield prefix + (key,)
        if isinstance(value, dict):
            yield from _paths(value, prefix + (key,))


SAMPLE_PATHS = list(_paths(parse(SAMPLE.read_text()).data))


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=".".join)
def test_deleting_a_scalar_field_keeps_every_other_comment(path):
    text = SAMPLE.read_text()
    data = parse(text).data
    expected = copy.deepcopy(data)
    node = expected
    for key in path[:-1]:
        node = node[key]
    removed = node.pop(path[-1])
    out = updated_text(text, [("del", path)], expected, order)
    assert same(parse(out).data, expected)
    if isinstance(removed, (dict, list)):
        return  # comments inside a removed block go with it
    lost = [c for c in _comments(text) if c not in _comments(out)]
    lines = text.splitlines()
    at = parse(text).line(path) - 1
    heading = [line.strip() for line in lines[max(0, at - 3) : at] if line.strip().startswith("#")]
    assert set(lost) <= set(heading)  # only the heading right above the deleted field may go


def test_inserting_replacing_and_deleting_only_touch_their_own_lines():
    text = SAMPLE.read_text()
    expected = copy.deepcopy(parse(text).data)
    expected["kode_kegiatan"] = "0123"
    expected["desain_kegiatan"]["frekuensi"] = "Semesteran"
    del expected["penyelenggara"]["email"]
    ops = [
        ("set", ("kode_kegiatan",), "0123"),
        ("set", ("desain_kegiatan", "frekuensi"), "Semesteran"),
        ("del", ("penyelenggara", "email")),
    ]
    orders = {(): ["judul_kegiatan", "tahun", "kode_kegiatan", "jenis_statistik"]}
    out = updated_text(text, ops, expected, lambda p: orders.get(p, []))
    before, after = text.splitlines(), out.splitlines()
    assert [x for x in after if x not in before] == ['kode_kegiatan: "0123"', "  frekuensi: Semesteran"]
    assert [x for x in before if x not in after] == ["  email: dinkes@pasuruankab.go.id", "  frekuensi: Tahunan"]
    assert _comments(out) == _comments(text)
    assert after.index('kode_kegiatan: "0123"') == after.index("tahun: 2025") + 1


def test_crlf_line_ends_and_pyyaml_indentation_are_kept():
    text = "nama: Dinkes\r\npengelola:\r\n- satu\r\n- dua\r\nalamat: Bangil\r\n"
    expected = {"nama": "Dinas Kesehatan", "pengelola": ["satu", "dua"], "alamat": "Bangil"}
    out = updated_text(text, [("set", ("nama",), "Dinas Kesehatan")], expected, order)
    assert out == "nama: Dinas Kesehatan\r\npengelola:\r\n- satu\r\n- dua\r\nalamat: Bangil\r\n"
