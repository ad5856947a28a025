"""The YAML loader: strict, safe, and precise about lines."""

from __future__ import annotations

import io
import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from pipeline.read import loader
from pipeline.read.loader import LoadError, load, parse, parse_events


def error(text):
    with pytest.raises(LoadError) as exc:
        parse(text) if isinstance(text, str) else loader.parse(loader.decode(text))
    return exc.value


def test_leading_zero_codes_stay_text():
    data = parse("kode: 01111\nlain: 0\nangka: 12\nnegatif: -3\npecahan: 0.05\noktal: 0o17\n").data
    assert data == {"kode": "01111", "lain": 0, "angka": 12, "negatif": -3, "pecahan": 0.05, "oktal": "0o17"}


def test_yaml_1_2_scalars():
    data = parse("a: no\nb: yes\nc: on\nd: true\ne: ~\nf:\ng: 2025-01-31\nh: 1_000\ni: .inf\n").data
    assert data == {
        "a": "no",
        "b": "yes",
        "c": "on",
        "d": True,
        "e": None,
        "f": None,
        "g": "2025-01-31",
        "h": "1_000",
        "i": ".inf",
    }


def test_quoted_and_explicit_str():
    assert parse("a: '12'\nb: !!str 12\nc: !!int 012\n").data == {"a": "12", "b": "12", "c": "012"}


def test_lines_of_keys_and_items():
    doc = parse("a: 1\nb:\n  - x: 1\n    y: 2\n  - z\n")
    assert doc.line(("b", 0, "y")) == 4
    assert doc.line(("b", 1)) == 5
    assert doc.line(("b", 7, "q")) == 2  # unknown paths fall back to the nearest ancestor


def test_alias_rejected_with_alias_line():
    e = error("a: &x [1, 2]\nb: *x\n")
    assert (e.kode, e.baris) == ("yaml-alias", 2)


def test_billion_laughs_rejected_fast():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(9)
    )
    assert error(bomb).kode == "yaml-alias"


def test_duplicate_key():
    e = error("nama: a\ndefinisi: b\nnama: c\n")
    assert (e.kode, e.baris) == ("yaml-kunci-ganda", 3)
    assert "baris 1" in e.pesan


def test_merge_key_rejected():
    assert error("a: {x: 1}\nb:\n  <<: {x: 2}\n").kode == "yaml-gabung"


def test_unsafe_tags_rejected():
    assert error("a: !!python/object/apply:os.system ['ls']\n").kode == "yaml-tag"
    assert error("a: !!set {x: null}\n").kode == "yaml-tag"
    assert error("a: !custom x\n").kode == "yaml-tag"


@pytest.mark.parametrize(
    "text, line, char",
    [
        ('a: 1\njudul: "Profil\\vKesehatan"\n', 2, "U+000B"),  # an escape: only double quotes have them
        ('a:\n  - b: "\\x1b[31m merah"\n', 2, "U+001B"),
        ('a: "x\\0"\n', 1, "U+0000"),
        ('a: "NEL\\N"\n', 1, "U+0085"),
        ('a: "\\uFFFE"\n', 1, "U+FFFE"),
        ('a: "\\U0010FFFF"\n', 1, "U+10FFFF"),
        ('"k\\x01": 1\n', 1, "U+0001"),  # a key
        ('a: {"x\\x02": 1}\n', 1, "U+0002"),  # flow style: libyaml's composer hands it over
        ("a: 1\nb: x\x7fy\n", 2, "U+007F"),  # raw: libyaml refuses it before parsing
        ("a: 'x\x9f'\n", 1, "U+009F"),
        ("a: \u00e9\u00e9\u00e9\n" * 40 + "b: x\x7f\n" + "c: 1\n" * 40, 41, "U+007F"),  # libyaml counts bytes
    ],
)
def test_text_that_xml_and_html_cannot_carry_is_refused_with_its_line(text, line, char):
    exc = error(text)
    assert (exc.kode, exc.baris) == ("yaml-karakter", line)
    assert char in exc.pesan and "Hapus" in exc.saran


@pytest.mark.parametrize("text", ['a: "tab\\there\\nbaris"\n', 'a: "\\_ \\L \\P é 🙂"\n'])
def test_tabs_line_breaks_and_other_unicode_stay(text):
    assert parse(text).data == yaml.safe_load(text)


def test_multiple_documents():
    assert error("a: 1\n---\nb: 2\n").kode == "yaml-banyak-dokumen"


def test_deep_nesting_does_not_crash():
    assert error("[" * 100_000 + "]" * 100_000).kode == "yaml-terlalu-dalam"


def test_syntax_error_in_indonesian_with_line():
    e = error("nama: x\ndefinisi: a: b\n")
    assert e.kode == "yaml-sintaks" and e.baris == 2
    assert "titik dua" in e.pesan


def test_tab_indentation():
    e = error("a:\n\tb: 1\n")
    assert e.kode == "yaml-sintaks" and e.baris == 2 and "tab" in e.pesan


def test_binary_and_encoding_and_size(tmp_path):
    assert error(b"nama: \x00\x01").kode == "berkas-biner"
    e = error("nama: Dinas\ndefinisi: Caf\xe9\n".encode("cp1252"))
    assert (e.kode, e.baris) == ("berkas-bukan-utf8", 2)
    assert parse(loader.decode("\ufeffnama: Dinas\n".encode())).data == {"nama": "Dinas"}
    big = tmp_path / "besar.yaml"
    big.write_bytes(b"a: " + b"x" * (loader.MAX_BYTES + 1))
    with pytest.raises(LoadError) as exc:
        load(big)
    assert exc.value.kode == "berkas-terlalu-besar"


def test_non_string_keys_become_text():
    assert parse("2025: a\ntrue: b\n").data == {"2025": "a", "true": "b"}


def test_complex_key_rejected():
    assert error("? [a, b]\n: c\n").kode == "yaml-kunci-kompleks"


# NEL/LS/PS are YAML line breaks that emitters write raw; not ours to test.
TEXT = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029")
# '<<' is a merge key (rejected on purpose); libyaml cannot read a plain key starting with ':'.
KEYS = st.text(TEXT, min_size=1, max_size=10).filter(lambda k: k != "<<" and not k.startswith(":"))
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(TEXT, max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSONISH)
def test_reads_what_our_yaml_1_2_writer_writes(value):
    out = io.StringIO()
    writer = YAML(typ="safe", pure=True)
    writer.width = 4096  # ruamel folds long plain keys in flow style, which no YAML reader accepts
    writer.default_flow_style = False
    writer.dump({"v": value}, out)
    assert parse(out.getvalue()).data == json.loads(json.dumps({"v": value}))


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes(text):
    try:
        parse(text)
    except LoadError as exc:
        assert exc.pesan and exc.saran


def _both(text):
    """The fast reader (libyaml's C composer) and the event reader, on the same text."""
    try:
        strict = parse_events(text)
    except LoadError as exc:
        strict = exc.kode
    try:
        fast = loader._compose(text)
    except (loader._Unusual, yaml.YAMLError):
        return strict, strict  # handed over to the event reader
    return fast, strict


YAMLISH = st.lists(
    st.sampled_from(["a: 1\n", "b: x\n", "a: 2\n", "- 1\n", "  - 2\n", "c:\n", "  d: 01\n", "  e: no\n", "f: &x [1]\n",
                     "g: *x\n", "h: !!str 5\n", "i: !foo 3\n", "j: ! 7\n", "<<: {k: 1}\n", "? [l]\n", ": m\n", "---\n",
                     "n: 'o'\n", "p: [q, {r: s}]\n", "t: 1.5e3\n", "u: ~\n", "v: True\n", "'w': \"x\"\n", "y: -\n"]),
    max_size=8,
).map("".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(YAMLISH | st.text(max_size=120))
def test_fast_reader_agrees_with_the_event_reader(text):
    fast, strict = _both(text)
    if isinstance(strict, str):
        assert fast == strict  # what the event reader rejects, the fast one never accepts
    else:
        assert (fast.data, fast.lines) == (strict.data, strict.lines)


# Pieces of lines that a flat record has, and many it must not mistake for one
_VALUES = [
    "x",
    "x y",
    "x  y",
    "x ",
    "01",
    "1.5",
    "-1",
    "1e3",
    "true",
    "no",
    "null",
    "~",
    "'q'",
    "'it''s'",
    "''",
    "'a",
    '"d"',
    '"a\\"b"',
    '"e',
    '""',
    "a: b",
    "a:b",
    "a #c",
    "a#b",
    "#c",
    ">",
    ">-",
    "|",
    "|-",
    ">+",
    "|2",
    "> x",
    "[a]",
    "{a: 1}",
    "&x a",
    "*x",
    "!t a",
    "a:",
    "-",
    "- x",
    "-x",
    "?x",
    "? x",
    "@x",
    "`x",
    "%x",
    ",x",
    "x,]",
    "\u00a0x",
    "x\u00a0",
    "é",
    "\u2028x",
    "x\ty",
    "x\ry",
    "---",
    "...",
    "<<",
]
_INDENTS = st.sampled_from(["", "", " ", "  ", "  ", "   ", "    ", "    ", "      "])
_SIMPLE = st.sampled_from(["x", "x y", "01", "1.5", "true", "'q'", '"d"', ">-", "|"])
_GOOD_LINES = st.one_of(
    st.builds("{}{}: {}".format, _INDENTS, st.sampled_from(["a", "b", "nama"]), _SIMPLE),
    st.builds("{}{}:".format, _INDENTS, st.sampled_from(["a", "b", "c"])),
    st.builds("{}- {}".format, _INDENTS, _SIMPLE | st.sampled_from(["k: v", "a:", "k: >-"])),
    st.builds("{}{}".format, _INDENTS, _SIMPLE),
)
_ODD_LINES = st.one_of(
    st.builds("{}{}: {}".format, _INDENTS, st.sampled_from(["a", "a_b", "a b", "2a", "<<"]), st.sampled_from(_VALUES)),
    st.builds("{}-{}{}".format, _INDENTS, st.sampled_from([" ", "  "]), st.sampled_from(_VALUES + ["- x"])),
    st.builds("{}{}".format, _INDENTS, st.sampled_from(_VALUES)),
    st.sampled_from(["", " ", "   ", "# c", "  # c", "---", "--- x", "...", "%YAML 1.2", "\ufeffa: b"]),
)
_LINES = st.one_of(_GOOD_LINES, _GOOD_LINES, _GOOD_LINES, _ODD_LINES)
LINEWISE = st.builds(
    lambda lines, end: "\n".join(lines) + end, st.lists(_LINES, max_size=12), st.sampled_from(["", "\n"])
)


def _agree(text):
    """What the line reader accepts, the event reader reads the same; what it rejects, it defers."""
    try:
        strict = parse_events(text)
    except LoadError:
        strict = None
    try:
        read = loader._indented(text)
    except loader._Unusual:
        return False  # read by libyaml instead
    assert strict is not None, "the line reader accepted what YAML rejects"
    assert (read.data, read.lines) == (strict.data, strict.lines)
    return True


_LEAF = (
    _SIMPLE | st.sampled_from(_VALUES) | st.sampled_from([">-\n{pad}foo\n{pad}bar", "|\n{pad}l1\n{pad}l2", "x\n{pad}y"])
)


@st.composite
def nested_docs(draw):
    """A random tree laid out in block style with the indentation people use, tricky leaves."""

    def leaf(indent):
        return draw(_LEAF).replace("{pad}", " " * (indent + draw(st.sampled_from([1, 2, 3]))))

    def mapping(node, indent, out, first_prefix=None):
        for i, (key, value) in enumerate(node.items()):
            head = first_prefix if i == 0 and first_prefix is not None else " " * indent
            if isinstance(value, dict):
                out.append(f"{head}{key}:")
                mapping(value, indent + draw(st.sampled_from([1, 2, 4])), out)
            elif isinstance(value, list):
                out.append(f"{head}{key}:")
                sequence(value, indent + draw(st.sampled_from([0, 2, 4])), out)
            else:
                out.append(f"{head}{key}: {leaf(indent)}")

    def sequence(node, indent, out):
        for value in node:
            gap = draw(st.sampled_from([1, 1, 2]))
            if isinstance(value, dict):
                mapping(value, indent + 1 + gap, out, first_prefix=" " * indent + "-" + " " * gap)
            else:
                out.append(" " * indent + "- " + leaf(indent))

    shape = st.recursive(
        st.none(),
        lambda inner: (
            st.lists(inner, min_size=1, max_size=3)
            | st.dictionaries(st.sampled_from(["a", "b", "nama", "k"]), inner, min_size=1, max_size=3)
        ),
        max_leaves=10,
    )
    tree = draw(st.dictionaries(st.sampled_from(["a", "b", "nama", "k"]), shape, min_size=1, max_size=4))
    out: list[str] = []
    mapping(tree, 0, out)
    return "\n".join(out) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=3000, deadline=None)
@given(LINEWISE | nested_docs())
def test_line_reader_agrees_with_the_event_reader(text):
    _agree(text)


# Records as people write them: named fields, short texts with some punctuation, numbers, lists
RECORDISH = st.recursive(
    st.text("abcéxyz019 .,-/()'\"#:", min_size=1, max_size=40) | st.integers(-1000, 10**6) | st.booleans() | st.none(),
    lambda inner: (
        st.lists(inner, min_size=1, max_size=4)
        | st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), inner, min_size=1, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=500, deadline=None)
@given(
    st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), RECORDISH, min_size=1, max_size=6),
    st.sampled_from([(2, 2, 0), (2, 4, 2), (4, 4, 2)]),
)
def test_line_reader_reads_block_yaml_from_both_writers(value, indent):
    out = io.StringIO()
    writer = YAML(typ="safe", pure=True)
    writer.width = 60  # fold long text over lines
    writer.default_flow_style = False
    writer.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    writer.dump(value, out)
    _agree(out.getvalue())
    _agree(yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=60, indent=indent[0]))


def test_line_reader_reads_what_our_writer_writes():
    text = "nama: Jumlah\ndefinisi: >-\n  Banyaknya penduduk\n  menurut umur.\nkode:\n  - '01'\n  - 2\n"
    doc = loader._indented(text)
    assert doc.data == {"nama": "Jumlah", "definisi": "Banyaknya penduduk menurut umur.", "kode": ["01", 2]}
    assert doc.lines == {(): 1, ("nama",): 1, ("definisi",): 2, ("kode",): 5, ("kode", 0): 6, ("kode", 1): 7}


def test_deep_nesting_is_judged_by_the_event_reader():
    assert error("[" * 40 + "]" * 40).kode == "yaml-terlalu-dalam"  # the fast reader hands it over
    assert error("- " * 5000 + "x").kode == "yaml-terlalu-dalam"  # too deep to compose in C at all


@pytest.mark.parametrize("encoding,name", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-32", "UTF-32")])
def test_a_file_saved_as_unicode_is_named_and_the_fix_says_utf8(tmp_path, encoding, name):
    path = tmp_path / "opd.yaml"
    path.write_bytes("nama: Dinas Kesehatan\nalamat: Jl. Raya Raci\n".encode(encoding))
    with pytest.raises(LoadError) as caught:
        load(path)
    assert caught.value.kode == "berkas-bukan-utf8"
    assert name in caught.value.pesan and "biner" not in caught.value.pesan
    assert "Simpan sebagai UTF-8" in caught.value.saran


def test_an_indented_document_marker_is_not_one():
    """' ---' is a plain text at column 1, so the key below it at column 0 is a syntax error."""
    assert error(" ---\na: x\n").kode == "yaml-sintaks"
    assert parse("---\na: x\n").data == {"a": "x"}
