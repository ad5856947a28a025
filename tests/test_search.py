"""The search index `satudata build` writes (pipeline/search.py): what is in it, and its file format.

The browser side (pencarian/cari.js) is tested against these files in test_browser.py."""

from __future__ import annotations

import gzip
import json
import shutil
import struct

import pytest
from conftest import ACTIVITY, INDIKATOR, VARIABEL

from pipeline.publish.search import MAX_WORD, shard_file, shard_key, words


def read_index(site):
    """{word: [(doc, impact), ...]} and the fragments, read back from the files."""
    folder = site / "pencarian"
    meta = json.loads((folder / "indeks.json").read_text())
    postings = {}
    for key in meta["kunci"]:
        data = gzip.decompress((folder / meta["versi"] / "k" / shard_file(key)).read_bytes())
        assert data[:4] == b"SDC1"
        (length,) = struct.unpack_from("<I", data, 4)
        assert length % 4 == 0
        offset = 8 + length
        for word, df, idf in json.loads(data[8:offset]):
            assert shard_key(word) == key and idf > 0
            gaps = struct.unpack_from(f"<{df}I", data, offset)
            impacts = data[offset + 4 * df : offset + 5 * df]
            docs = [sum(gaps[: i + 1]) for i in range(df)]
            postings[word] = list(zip(docs, impacts, strict=True))
            offset += 5 * df + (-5 * df) % 4
        assert offset == len(data)
    fragments = [
        json.loads(gzip.decompress((folder / meta["versi"] / "d" / f"{n}.cari").read_bytes()))
        for n in range(meta["dokumen"])
    ]
    return meta, postings, fragments


def test_words_are_split_and_folded_like_the_browser_does():
    assert words("Angka Kematian Bayi (AKB), 2025") == ["angka", "kematian", "bayi", "akb", "2025"]
    assert words("Pérempuan ibu_hamil ℌ") == ["perempuan", "ibu", "hamil", "h"]
    assert words("x" * 40) == ["x" * MAX_WORD]
    assert words("— · …") == []


@pytest.fixture
def index(portal):
    portal.write(
        f"{ACTIVITY}/variabel/jumlah-bidan-praktik.yaml",
        VARIABEL | {"nama": "Jumlah bidan praktik mandiri", "definisi": "Bidan yang membuka praktik swasta berizin."},
    )
    portal.write(f"{ACTIVITY}/indikator/angka-kematian-bayi.yaml", INDIKATOR | {"rumus": r"\frac{D_0}{B} \sqrt{x}"})
    site = portal.build()
    return site, *read_index(site)


def test_free_values_are_indexed_and_options_labels_and_repeats_are_not(index):
    site, meta, postings, fragments = index
    activity = next(i for i, f in enumerate(fragments) if f["j"].startswith("Kegiatan"))
    for word in ("swasta", "bidan", "kelahiran", "jiwa", "pasuruan"):  # definition, name, unit, OPD name
        assert activity in [d for d, _ in postings[word]], word
    # labels ("Frekuensi Penyelenggaraan"), options ("Cross Sectional", "Ya"), formulas (\frac, \sqrt)
    for word in ("frekuensi", "penyelenggaraan", "sectional", "sqrt", "frac"):
        assert word not in postings, word
    for posting in postings.values():
        docs = [d for d, _ in posting]
        assert docs == sorted(set(docs)) and docs[-1] < meta["dokumen"]
        assert all(1 <= impact <= 255 for _, impact in posting)


def test_a_word_in_the_title_weighs_more_than_a_word_in_the_text(index):
    site, meta, postings, fragments = index
    indicator = next(i for i, f in enumerate(fragments) if f["t"].startswith("Angka Kematian Bayi"))
    # the title's "angka" and the definition's "banyaknya" are each once on the indicator's page
    assert dict(postings["angka"])[indicator] > dict(postings["banyaknya"])[indicator]


def test_fragments_link_to_pages_and_anchors_that_exist(index):
    site, meta, postings, fragments = index
    assert len(fragments) == meta["dokumen"] == 2  # one public activity, one public indicator
    for fragment in fragments:
        page = (site / fragment["u"] / "index.html").read_text()
        assert fragment["j"] in ("Kegiatan (MS-Keg)", "Indikator (MS-Ind)")
        for anchor, heading, _text in fragment["s"][1:]:
            assert f'id="{anchor}"' in page and heading in page
    (activity,) = [f for f in fragments if f["j"] == "Kegiatan (MS-Keg)"]
    assert [s[1] for s in activity["s"][1:]] == ["Jumlah bidan praktik mandiri", "Jumlah kelahiran hidup"]
    assert activity["t"].endswith("(Dinkes, 2025)")


def test_an_empty_catalog_gives_an_empty_index(portal):
    shutil.rmtree(portal.root / ACTIVITY)  # what is left is a draft
    meta, postings, fragments = read_index(portal.build())
    assert meta["dokumen"] == 0 and postings == {} and fragments == []
