"""Catalog model → the portal's search index: static files that the search page queries in the browser.

Why not Pagefind: it scores every page that matches a word before it returns the top ten, so
at 10,000 activities a word found on nearly every page ("jumlah") took 0.5–1 s. Here the
ranking is computed at build time: each word's postings carry the page's BM25 weight, so a
query fetches one small file per word, adds up typed arrays, takes the top ten and fetches
those ten pages' text for excerpts. `pencarian/cari.js` is the browser side.

What is searchable comes from the schemas: free values (names, definitions, units, numbers)
are; coded options (``enum``/``const``) and fields marked ``"x-cari": false`` (they repeat
another page) are not, and neither are form labels. Layout of ``site/pencarian/``::

    indeks.json               {"format", "versi", "dokumen", "kunci"}; fetched without cache
    cari.js                   the search engine and page (an ES module)
    <versi>/k/<hex>.cari      words starting with the same two letters, with their postings
    <versi>/d/<n>.cari        page n: URL, title, kind and sections (text for excerpts)
    <versi>/f.cari            facets: {"nama": [[key, label], ...], "nilai": {key: [value, ...]},
                              "dok": {key: [value index per page, ...]}} (OPD, sector, year, kind)

Facets are computed here, at build time; the browser counts them over the pages a query found
and narrows the results to the values chosen. A query word that no indexed word equals or starts
with is corrected to the nearest word of its shard (the index's own vocabulary): see cari.js.

``versi`` is a hash of the content, so every file under it can be cached for ever. ``.cari``
files are gzip (the browser inflates them with DecompressionStream); the extension keeps
servers from announcing them as gzip-encoded.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
import shutil
import struct
import sys
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..contract.schema import RecordSchema, searchable, walk
from .model import Activity, CatalogModel
from .urls import activity_url, item_url

FOLDER = "pencarian"
FORMAT = 1
CLIENT = Path(__file__).resolve().parent / "web" / "cari.js"
MAX_WORD = 32  # longer words are cut (the browser cuts queries the same way)
K1, B = 1.2, 0.75  # BM25
WEIGHT = {"title": 4, "heading": 2, "text": 1}  # a word in the title counts as four in the text
IMPACT_STEPS = 255

_WORD = re.compile(r"[^\W_]+")
KINDS = ("Kegiatan (MS-Keg)", "Indikator (MS-Ind)")
FACETS = (("opd", "OPD"), ("sektor", "Sektor"), ("tahun", "Tahun"), ("jenis", "Jenis"))


def words(text: str) -> list[str]:
    """Normalized words: NFKD, lower case, marks dropped, split on anything not a letter or digit.

    ``cari.js`` does the same (``normalize("NFKD").toLowerCase()``, drop ``\\p{M}``,
    ``[\\p{L}\\p{N}]+``); a browser test compares the two."""
    text = text.lower() if text.isascii() else _fold(text)
    return [w[:MAX_WORD] for w in _WORD.findall(text)]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).lower()
    return "".join(c for c in text if not unicodedata.category(c).startswith("M"))


def shard_key(word: str) -> str:
    return word[:2]


def shard_file(key: str) -> str:
    return key.encode().hex() + ".cari"


# --- documents ---------------------------------------------------------------------------


@dataclass
class Section:
    anchor: str  # "" for the page itself
    heading: str
    text: list[str]


@dataclass
class Document:
    url: str
    title: str  # shown in results: "Name (OPD, year)"
    kind: str
    name: str  # the page's own heading, weighted as a title
    sections: list[Section]
    facets: dict[str, str] | None = None  # FACETS key → this page's value


class _Fields:
    """Which values of a record the search indexes: decided from the schema once per path shape
    (list positions ignored), not once per record."""

    def __init__(self):
        self._known: dict[tuple[int, tuple], bool] = {}

    def _indexed(self, rs: RecordSchema, path: tuple) -> bool:
        shape = (id(rs), tuple(0 if isinstance(p, int) else p for p in path))
        if shape not in self._known:
            nodes = (rs.subschema(path[:i]) for i in range(1, len(path) + 1))
            self._known[shape] = all(node is not None and searchable(node) for node in nodes)
        return self._known[shape]

    def values(self, rs: RecordSchema, data: dict, skip=frozenset()) -> Iterator[str]:
        """The searchable values of a record (its workflow properties, ``x-alur``, are not metadata)."""
        for path, value in walk(data):
            if value is None or isinstance(value, (dict, list)) or path[0] in skip or path[0] in rs.workflow_keys:
                continue
            if self._indexed(rs, path):
                yield str(value)


def _short(model: CatalogModel, a: Activity) -> str:
    opd = model.opds[a.opd]
    return f"{opd.data.get('singkatan') or opd.name}, {a.year}"


def documents(model: CatalogModel) -> Iterator[Document]:
    """One document per record page: activities (their variables as sections) and indicators."""
    schemas, fields = model.schemas, _Fields()
    for a in model.activities:
        sections = [Section("", "", [model.opds[a.opd].name, str(a.year or ""),
                                     *fields.values(schemas["kegiatan"], a.data)])]  # fmt: skip
        for v in a.variables:
            text = list(fields.values(schemas["variabel"], v.data, skip={"nama"}))
            sections.append(Section(item_url(v).split("#", 1)[1], v.name, text))
        short = _short(model, a)
        opd = model.opds[a.opd]
        facets = {"opd": str(opd.data.get("singkatan") or opd.name), "sektor": a.sector or "(tanpa sektor)",
                  "tahun": str(a.year or "(tanpa tahun)")}  # fmt: skip
        yield Document(
            activity_url(a), f"{a.title} ({short})", KINDS[0], a.title, sections, facets | {"jenis": KINDS[0]}
        )
        for ind in a.indicators:
            text = list(fields.values(schemas["indikator"], ind.data, skip={"nama"}))
            yield Document(item_url(ind), f"{ind.name} ({short})", KINDS[1], ind.name,
                           [Section("", "", text)], facets | {"jenis": KINDS[1]})  # fmt: skip


# --- index -------------------------------------------------------------------------------


@dataclass
class IndexStats:
    documents: int
    words: int
    postings: int
    shards: int
    bytes: int


class _Postings:
    __slots__ = ("docs", "weights")

    def __init__(self):
        self.docs = array("I")
        self.weights = array("f")


def _counts(doc: Document) -> tuple[Counter, int]:
    """Weighted occurrences of each word in a document, and its length in words."""
    counts: Counter = Counter()
    length = 0
    for role, text in _parts(doc):
        found = words(text)
        length += len(found)
        weight = WEIGHT[role]
        if weight == 1:
            counts.update(found)
        else:
            for w in found:
                counts[w] += weight
    return counts, length


def _parts(doc: Document) -> Iterator[tuple[str, str]]:
    yield "title", doc.name
    for s in doc.sections:
        if s.heading:
            yield "heading", s.heading
        yield "text", " ".join(s.text)


def _fragment(doc: Document) -> bytes:
    body = {"u": doc.url, "t": doc.title, "j": doc.kind,
            "s": [[s.anchor, s.heading, " · ".join(t for t in s.text if t.strip())] for s in doc.sections]}  # fmt: skip
    return gzip.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), 6, mtime=0)


def _shard(terms: list[tuple[str, _Postings]], n_docs: int, norms: list[float]) -> bytes:
    """``SDC1``, header length (u32), header JSON ``[[word, df, idf], ...]`` padded to 4 bytes, then
    per word: doc-id gaps (u32 LE) and impacts (u8, the BM25 term weight in 255 steps), padded to 4."""
    header, blobs = [], []
    for term, p in terms:
        df = len(p.docs)
        idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        header.append([term, df, round(idf, 4)])
        gaps = array("I", [p.docs[0]])
        gaps.extend(b - a for a, b in zip(p.docs, p.docs[1:]))  # noqa: B905 (one shorter by design)
        # BM25's term part w(k1+1)/(w+norm) over its maximum k1+1, in 255 steps
        impacts = bytes(
            [int(IMPACT_STEPS * w / (w + norms[d]) + 0.5) or 1 for d, w in zip(p.docs, p.weights, strict=True)]
        )
        if sys.byteorder == "big":
            gaps.byteswap()
        blob = gaps.tobytes() + impacts
        blobs.append(blob + b"\0" * (-len(blob) % 4))
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 4)
    return gzip.compress(b"SDC1" + struct.pack("<I", len(head)) + head + b"".join(blobs), 6, mtime=0)


def write_index(model: CatalogModel, site: Path) -> IndexStats:
    """Write ``site/pencarian/`` for the model's record pages."""
    folder = site / FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    staging = folder / "_baru"
    (staging / "d").mkdir(parents=True)
    (staging / "k").mkdir()
    postings: dict[str, _Postings] = {}
    lengths = array("I")
    digest = hashlib.sha256()
    size = 0
    values: dict[str, dict[str, int]] = {key: {} for key, _ in FACETS}
    of_doc: dict[str, list[int]] = {key: [] for key, _ in FACETS}
    for n, doc in enumerate(documents(model)):
        for key, _ in FACETS:
            value = (doc.facets or {}).get(key, "")
            of_doc[key].append(values[key].setdefault(value, len(values[key])))
        counts, length = _counts(doc)
        lengths.append(length)
        for term, weight in counts.items():
            p = postings.get(term)
            if p is None:
                p = postings[term] = _Postings()
            p.docs.append(n)
            p.weights.append(weight)
        blob = _fragment(doc)
        digest.update(blob)
        size += len(blob)
        (staging / "d" / f"{n}.cari").write_bytes(blob)
    n_docs = len(lengths)
    avg = (sum(lengths) / n_docs or 1.0) if n_docs else 1.0
    norms = [K1 * (1 - B + B * length / avg) for length in lengths]
    shards: dict[str, list] = {}
    for term in sorted(postings):
        shards.setdefault(shard_key(term), []).append((term, postings[term]))
    for key, terms in shards.items():
        blob = _shard(terms, n_docs, norms)
        digest.update(blob)
        size += len(blob)
        (staging / "k" / shard_file(key)).write_bytes(blob)
    facets = {"nama": FACETS, "nilai": {k: list(v) for k, v in values.items()}, "dok": of_doc}
    blob = gzip.compress(json.dumps(facets, ensure_ascii=False, separators=(",", ":")).encode(), 9, mtime=0)
    digest.update(blob)
    size += len(blob)
    (staging / "f.cari").write_bytes(blob)
    version = digest.hexdigest()[:12]
    staging.rename(folder / version)
    meta = {"format": FORMAT, "versi": version, "dokumen": n_docs, "kunci": sorted(shards)}
    (folder / "indeks.json").write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    shutil.copyfile(CLIENT, folder / "cari.js")
    return IndexStats(n_docs, len(postings), sum(len(p.docs) for p in postings.values()), len(shards), size)
