"""Records → findings across records: groups of records that share a key.

Every check across records looks at one group: an activity (3.4 against its MS-Var, unique
names, data files), a title, a set of significant words, a referenced record, the graph of
composite indicators. A change to a file can only alter the findings of the groups its old and
new versions belong to (``affected_keys``), which lets the cache re-check just those groups.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from ..codes import PERINGATAN, Finding
from ..contract.schema import RecordSchema, Schemas
from ..read.catalog import Catalog, Record, data_at, resolve_ref
from .datafiles import data_findings
from .messages import at
from .rootfiles import root_findings

# What the checks across records read from each record. A cached record keeps only these
# parts; tests compare cached and full validation to keep this list true.
CROSS_FIELDS = {
    "opd": [("pengelola",)],
    "kegiatan": [("judul_kegiatan",), ("tahun",), ("cara_pengumpulan_data",), ("perencanaan", "variabel_dikumpulkan")],
    "variabel": [
        ("nama",),
        ("definisi",),
        ("tipe_data",),
        ("klasifikasi_isian",),
        ("klasifikasi_referensi",),
        ("kalimat_pertanyaan",),
    ],
    "indikator": [("nama",), ("definisi",), ("kegiatan_penghasil",), ("variabel_pembangun",), ("indikator_pembangun",)],
}


def cross_data(kind: str, data) -> dict:
    """The parts of a record's data that the checks across records read (``CROSS_FIELDS``)."""
    out: dict = {}
    if not isinstance(data, dict):
        return out
    for path in CROSS_FIELDS.get(kind, []):
        src, dst = data, out
        for part in path[:-1]:
            src = src.get(part) if isinstance(src, dict) else None
            if not isinstance(src, dict):
                break
            dst = dst.setdefault(part, {})
        else:
            if path[-1] in src:
                dst[path[-1]] = src[path[-1]]
    return out


class Lookup(Protocol):
    """What a group check may ask about the rest of the catalog: a loaded :class:`Catalog`,
    or the validation cache (engine.py) answering from its index."""

    root: Path

    def exists(self, kind: str, ident: str) -> bool: ...

    def children(self, activity: str, kind: str) -> list[Record]: ...

    def of(self, kind: str) -> list[Record]: ...


def cross_findings(catalog: Catalog, schemas: Schemas) -> list[Finding]:
    """Findings that compare records with each other, for a whole loaded catalog."""
    out = [f for found in all_group_findings(catalog, schemas).values() for f in found]
    out.extend(root_findings(catalog, schemas))
    return out


def all_group_findings(catalog: Catalog, schemas: Schemas) -> dict[str, list[Finding]]:
    """Every group of the catalog → its findings."""
    groups: dict[str, list[Record]] = {}
    for record in catalog.records.values():
        for key in group_keys(record.kind, record.ident, record.data):
            groups.setdefault(key, []).append(record)
    return {
        key: group_findings(key, members, catalog, schemas)
        for key, members in groups.items()
        if worth_evaluating(key, len(members))
    }


# record's own data: an activity, a title, a set of significant words, a referenced record, the
# graph of composite indicators. A change to a file can only alter the findings of the groups
# its old and new versions belong to (``affected_keys``), which lets the cache re-check just
# those groups. Keys are text: a kind of group, then its parts, separated by NUL.

SEP = "\0"
ACTIVITY_GROUP = f"kegiatan{SEP}"


def worth_evaluating(key: str, size: int) -> bool:
    """A title or set of words held by one record alone has nothing to be compared with."""
    return size > 1 or not key.startswith(("judul", "mirip"))


def group_keys(kind: str, ident: str, data: dict) -> list[str]:
    """The groups a record belongs to."""
    if kind == "opd":
        return []
    activity = "/".join(ident.split("/")[:2])
    keys = [ACTIVITY_GROUP + activity]
    if kind == "kegiatan":
        title = data.get("judul_kegiatan")
        if isinstance(title, str):
            norm = re.sub(r"\s+", " ", title.strip().lower())
            keys.append(f"judul{SEP}{ident.split('/')[0]}{SEP}{data.get('tahun')!r}{SEP}{norm}")
    for key, limit in SIMILAR[kind]:
        text = data.get(key)
        words = similarity_key(text, limit) if isinstance(text, str) else None
        if words is not None:
            keys.append(f"mirip{SEP}{kind}{SEP}{key}{SEP}{' '.join(sorted(words))}")
    if kind == "indikator":
        for target_kind, _i, _ref, target in _references(ident, data):
            keys.append(f"rujukan{SEP}{target_kind}{SEP}{_folder(target)}")
        if isinstance(data.get("indikator_pembangun"), list):
            keys.append("siklus")
    return list(dict.fromkeys(keys))


def affected_keys(kind: str, ident: str, data: dict) -> list[str]:
    """The groups whose findings may change when this record appears, changes or disappears:
    its own groups, the references into its activity (they ask whether it exists, and draw
    their 'did you mean' from the activity), the composite graph."""
    keys = group_keys(kind, ident, data)
    if kind in ("variabel", "indikator"):
        keys.append(f"rujukan{SEP}{kind}{SEP}{_folder(ident)}")
    if kind == "indikator":
        keys.append("siklus")
    return keys


def _folder(ident: str) -> str:
    """The activity a variable or indicator identity points into."""
    return ident.rsplit("/", 1)[0]


# Names and definitions compared across OPDs: (field, number of leading words compared)
SIMILAR = {
    "opd": [],
    "kegiatan": [("judul_kegiatan", None)],
    "variabel": [("nama", None), ("definisi", 12)],
    "indikator": [("nama", None), ("definisi", 12)],
}


def _references(ident: str, data: dict) -> Iterable[tuple[str, int, str, str]]:
    """(kind, index, reference as written, record it names) for each building block of an indicator.
    Variables are checked only when the indicator is built in this catalog (no 'kegiatan_penghasil')."""
    home = "/".join(ident.split("/")[:2])
    fields = [("indikator", "indikator_pembangun")]
    if "kegiatan_penghasil" not in data:
        fields.insert(0, ("variabel", "variabel_pembangun"))
    for kind, key in fields:
        refs = data.get(key)
        for i, ref in enumerate(refs if isinstance(refs, list) else []):
            if isinstance(ref, str):
                yield kind, i, ref, resolve_ref(ref, home)


def group_findings(key: str, members: list[Record], lookup: Lookup, schemas: Schemas) -> list[Finding]:
    """The findings of one group, given all its members."""
    kind, _, rest = key.partition(SEP)
    members = sorted(members, key=lambda r: r.path)
    if kind == "kegiatan":
        return activity_group_findings(members, lookup, schemas)
    if kind == "judul":
        return [
            at(rec, schemas["kegiatan"], ("judul_kegiatan",), "judul-ganda",
                f"Judul kegiatan sama dengan {members[0].path} pada tahun yang sama.",
                "Satu kegiatan statistik hanya dilaporkan sekali per tahun; gabungkan kedua folder.")
            for rec in members[1:]
        ]  # fmt: skip
    if kind == "mirip":
        return duplicate_findings(rest.split(SEP)[1], members, schemas)
    if kind == "rujukan":
        target_kind, _, folder = rest.partition(SEP)
        return reference_findings(target_kind, folder, members, lookup, schemas)
    if kind == "siklus":
        return cycle_findings(members, lookup, schemas)
    raise ValueError(key)


# Words that say nothing about *what* is measured; left out when comparing names.
STOPWORDS = frozenset(
    "jumlah banyaknya persentase proporsi angka rasio indeks nilai rata data di dan yang dari ke pada untuk "
    "dengan menurut atau per dalam oleh kabupaten kota pasuruan tahun adalah kegiatan kompilasi produk "
    "administrasi survei statistik".split()
)
WORD = re.compile(r"[a-z0-9]+")


def similarity_key(text: str, limit: int | None = None) -> frozenset[str] | None:
    """Significant words of a name or definition, order-insensitive; None if too few to compare.
    With ``limit``, only the first ``limit`` significant words count."""
    if limit and len(text) > 40 * limit:  # a long definition: its opening is usually enough
        words = _significant(text[: 40 * limit])
        if len(words) > limit:  # the last word may be cut short, so it must lie beyond the limit
            return _key(words[:limit])
    words = _significant(text)
    return _key(words[:limit] if limit else words)


def _significant(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]


def _key(words: list[str]) -> frozenset[str] | None:
    return frozenset(words) if len(set(words)) >= 2 else None


def duplicate_findings(key: str, members: list[Record], schemas: Schemas) -> list[Finding]:
    """Satu Data's aim of one activity per statistic: warn when another OPD already reports a
    record with the same significant words in its name, or the same opening of its definition.
    ``members`` share those words; each pair is reported once, on the record whose path sorts
    last (usually the newer one)."""
    out = []
    what = "nama" if key in ("nama", "judul_kegiatan") else "definisi"
    for i, rec in enumerate(members):
        other = next((r for r in members[:i] if r.opd != rec.opd), None)
        if other is not None:
            out.append(at(rec, schemas[rec.kind], (key,), "duplikasi-opd-lain",
                           f"{what.capitalize()} ini mirip dengan {rec.kind} milik OPD lain: {other.path}.",
                           "Satu Data Indonesia menghindari duplikasi kegiatan statistik: periksa apakah "
                           "data ini sudah tersedia dari OPD tersebut, dan koordinasikan dengan Walidata.",
                           PERINGATAN))  # fmt: skip
    return out


def activity_group_findings(members: list[Record], lookup: Lookup, schemas: Schemas) -> list[Finding]:
    """An activity's records together: 3.4 against its MS-Var, names unique inside it, data files."""
    activity = next((r for r in members if r.kind == "kegiatan"), None)
    variables = [r for r in members if r.kind == "variabel"]
    out = []
    if activity is not None and activity.data:
        out.extend(reported_variable_findings(activity, schemas["kegiatan"], variables))
        if activity.data.get("cara_pengumpulan_data") == "Survei":
            out.extend(question_findings(variables, schemas["variabel"]))
    for kind in ("variabel", "indikator"):
        seen: dict[str, Record] = {}
        for rec in members:
            name = rec.data.get("nama") if rec.kind == kind else None
            if not isinstance(name, str):
                continue
            first = seen.setdefault(name.strip().lower(), rec)
            if first is not rec:
                out.append(
                    at(
                        rec,
                        schemas[kind],
                        ("nama",),
                        "nama-ganda",
                        f"Nama '{name}' sudah dipakai oleh {first.path}.",
                        "Setiap variabel/indikator dalam satu kegiatan harus bernama unik; gabungkan atau bedakan namanya.",
                    )
                )
    if activity is not None:
        out.extend(data_findings(lookup.root, activity, variables, schemas))
    return out


def reported_variable_findings(record: Record, rs: RecordSchema, variables: list[Record]) -> list[Finding]:
    """3.4 lists the main variables; each should also be reported as an MS-Var record."""
    out = []
    data = record.data
    names = {str(v.data.get("nama", "")).strip().lower() for v in variables}
    listed = data_at(data, ("perencanaan", "variabel_dikumpulkan"))
    if not variables:
        out.append(
            at(
                record,
                rs,
                (),
                "msvar-kosong",
                "Kegiatan ini belum memiliki MS-Var (folder variabel/ kosong).",
                "Tambahkan satu berkas variabel/<slug>.yaml untuk setiap variabel yang dikumpulkan.",
                PERINGATAN,
            )
        )
    elif isinstance(listed, list):
        for i, item in enumerate(listed):
            name = item.get("nama") if isinstance(item, dict) else None
            if isinstance(name, str) and name.strip().lower() not in names:
                out.append(
                    at(
                        record,
                        rs,
                        ("perencanaan", "variabel_dikumpulkan", i, "nama"),
                        "msvar-tidak-ada",
                        f"Variabel '{name}' pada 3.4 belum dilaporkan sebagai MS-Var.",
                        "Buat berkas di folder variabel/ dengan nama variabel yang sama persis.",
                    )
                )
    return out


def question_findings(variables: list[Record], rs: RecordSchema) -> list[Finding]:
    """A survey asks every variable with a question: MS-Var column 11 is required there."""
    return [
        at(rec, rs, ("kalimat_pertanyaan",), "kalimat-pertanyaan-survei",
           "Variabel kegiatan survei wajib menuliskan Kalimat Pertanyaan (Kolom 11) seperti pada kuesioner.",
           "Salin kalimat pertanyaan dari kuesioner, misalnya 'Berapa jumlah anggota rumah tangga?'.")
        for rec in variables
        if rec.data and not (isinstance(rec.data.get("kalimat_pertanyaan"), str) and rec.data["kalimat_pertanyaan"].strip())
    ]  # fmt: skip


def reference_findings(
    kind: str, folder: str, members: list[Record], lookup: Lookup, schemas: Schemas
) -> list[Finding]:
    """Indicators naming a building block in activity ``folder``: it must exist and not be the
    indicator itself."""
    out = []
    rs = schemas["indikator"]
    for rec in members:
        for ref_kind, i, ref, target in _references(rec.ident, rec.data):
            if ref_kind != kind or _folder(target) != folder:
                continue
            where = ("indikator_pembangun" if kind == "indikator" else "variabel_pembangun", i)
            if kind == "indikator" and target == rec.ident:
                out.append(at(rec, rs, where, "rujukan-diri",
                               "Indikator komposit tidak boleh tersusun dari dirinya sendiri.", "Hapus rujukan ini."))  # fmt: skip
            elif not lookup.exists(kind, target):
                out.append(at(rec, rs, where, f"rujukan-{kind}",
                               f"{kind.capitalize()} pembangun '{ref}' tidak ditemukan di katalog.",
                               _suggest(ref, folder, rec.activity, lookup, kind)))  # fmt: skip
    return out


def cycle_findings(members: list[Record], lookup: Lookup, schemas: Schemas) -> list[Finding]:
    """Composite indicators must not build each other in a circle."""
    graph: dict[str, list[str]] = {}
    by_ident = {}
    for rec in members:
        by_ident[rec.ident] = rec
        graph[rec.ident] = [
            target
            for kind, _i, _ref, target in _references(rec.ident, rec.data)
            if kind == "indikator" and target != rec.ident and lookup.exists("indikator", target)
        ]
    return [
        at(by_ident[cycle[0]], schemas["indikator"], ("indikator_pembangun",), "rujukan-siklus",
            "Indikator komposit saling menyusun secara melingkar: " + " → ".join(cycle + [cycle[0]]) + ".",
            "Putus lingkaran: indikator pembangun harus lebih dasar daripada indikator komposit.")
        for cycle in _cycles(graph)
    ]  # fmt: skip


def _suggest(ref: str, where: str, home: str, lookup: Lookup, kind: str) -> str:
    """'Did you mean' among the records of the activity the reference points into."""
    candidates = [r.slug if where == home else r.ident for r in lookup.children(where, kind)]
    close = difflib.get_close_matches(ref, candidates, n=1, cutoff=0.6)
    base = (
        f"Tulis slug berkas {kind} (nama berkas tanpa .yaml) di kegiatan yang sama, "
        f"atau 'opd/tahun-kegiatan/slug' untuk kegiatan lain."
    )
    return (f"Mungkin maksud Anda '{close[0]}'? " if close else "") + base


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each elementary cycle once, found by iterative DFS (rotated to start at its smallest node)."""
    found, seen_keys = [], set()
    state: dict[str, int] = {}
    for start in sorted(graph):
        if state.get(start):
            continue
        stack = [(start, iter(graph.get(start, [])))]
        trail = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                trail.pop()
                state[node] = 2
                continue
            if state.get(child) == 1:
                cycle = trail[trail.index(child) :]
                i = cycle.index(min(cycle))
                cycle = cycle[i:] + cycle[:i]
                if tuple(cycle) not in seen_keys:
                    seen_keys.add(tuple(cycle))
                    found.append(cycle)
            elif not state.get(child):
                state[child] = 1
                trail.append(child)
                stack.append((child, iter(graph.get(child, []))))
    return found
