"""Documents → records: walk ``metadata/`` and load every record with its identity.

A record's identity is its path: ``opd``, ``opd/tahun-slug`` (an activity) and
``opd/tahun-slug/slug`` (a variable or indicator). Problems found while reading the tree
(unreadable YAML, misplaced files, bad slugs) become findings; they never stop the walk.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..codes import Finding
from ..layout import ACTIVITY_DIR, CHILD_KINDS, SLUG, suggest_name
from .loader import Document, LoadError, load


@dataclass
class Record:
    kind: str  # opd | kegiatan | variabel | indikator
    ident: str
    path: str  # relative to the catalog root, posix
    doc: Document | None = None

    @property
    def data(self) -> dict:
        return self.doc.data if self.doc is not None and isinstance(self.doc.data, dict) else {}

    @property
    def opd(self) -> str:
        return self.ident.split("/")[0]

    @property
    def activity(self) -> str | None:
        parts = self.ident.split("/")
        return "/".join(parts[:2]) if len(parts) >= 2 else None

    @property
    def slug(self) -> str:
        return self.ident.split("/")[-1]

    def line(self, path=()) -> int | None:
        return self.doc.line(path) if self.doc is not None else None


@dataclass
class Catalog:
    root: Path
    records: dict[str, Record] = field(default_factory=dict)  # "kind:ident" → record
    findings: list[Finding] = field(default_factory=list)
    _by_kind: dict[str, list[Record]] = field(default_factory=dict, repr=False)
    _children: dict[tuple[str, str], list[Record]] = field(default_factory=dict, repr=False)

    def of(self, kind: str) -> list[Record]:
        return list(self._by_kind.get(kind, ()))

    def get(self, kind: str, ident: str) -> Record | None:
        return self.records.get(f"{kind}:{ident}")

    def children(self, activity: str, kind: str) -> list[Record]:
        return list(self._children.get((activity, kind), ()))

    def exists(self, kind: str, ident: str) -> bool:
        return f"{kind}:{ident}" in self.records

    def add(self, record: Record) -> None:
        key = f"{record.kind}:{record.ident}"
        if key in self.records:  # replacing: drop the old one from the indexes
            old = self.records[key]
            self._by_kind[old.kind].remove(old)
            if old.activity and old.kind in CHILD_KINDS:
                self._children[(old.activity, old.kind)].remove(old)
        self.records[key] = record
        self._by_kind.setdefault(record.kind, []).append(record)
        if record.activity and record.kind in CHILD_KINDS:
            self._children.setdefault((record.activity, record.kind), []).append(record)


def _finding(rel: str, kode: str, pesan: str, saran: str, tingkat="galat", baris=None) -> Finding:
    return Finding(kode=kode, tingkat=tingkat, berkas=rel, baris=baris, pesan=pesan, saran=saran)


def find_root(path: Path) -> Path:
    """The catalog root: the nearest directory (``path`` or above) that holds ``metadata/``."""
    path = Path(path).resolve()
    for candidate in [path, *path.parents]:
        if (candidate / "metadata").is_dir():
            return candidate
    return path


@dataclass(frozen=True)
class Found:
    """A record file found in the tree, with what the cache needs to know it unchanged."""

    kind: str
    ident: str
    rel: str  # path relative to the catalog root, posix
    size: int
    mtime_ns: int


def _entries(path: str) -> list[os.DirEntry]:
    with os.scandir(path) as it:
        return sorted(it, key=lambda e: e.name)


def discover(root: Path) -> tuple[list[Found], list[Finding]]:
    """Every record file under ``root/metadata``, in a stable order, plus findings about the
    tree itself (misplaced files, bad slugs, missing opd.yaml). Uses os.scandir: at 200,000
    files, pathlib objects alone would cost seconds."""
    found, by_scope = discover_scoped(root)
    return found, [f for findings in by_scope.values() for f in findings]


def discover_scoped(root: Path, only: set[str] | None = None) -> tuple[list[Found], dict[str, list[Finding]]]:
    """Like :func:`discover`, walking into the OPD folders named in ``only`` (all if None).
    Findings come by scope: "" for the top of metadata/, else the OPD folder they are under."""
    root = Path(root)
    found: list[Found] = []
    by_scope: dict[str, list[Finding]] = {"": []}
    meta = os.path.join(root, "metadata")
    if not os.path.isdir(meta):
        by_scope[""].append(
            _finding(
                "metadata",
                "katalog-tidak-ada",
                f"Folder metadata/ tidak ditemukan di {root}.",
                "Jalankan perintah dari folder katalog, atau sebutkan foldernya: satudata validate FOLDER.",
            )
        )
        return found, by_scope

    def read(kind: str, ident: str, rel: str, entry: os.DirEntry) -> None:
        st = entry.stat()
        found.append(Found(kind, ident, rel, st.st_size, st.st_mtime_ns))

    def stray(findings: list[Finding], rel: str, name: str, where: str) -> None:
        if name.startswith("."):
            return
        if name.endswith(".yml"):
            findings.append(
                _finding(
                    rel,
                    "berkas-ekstensi",
                    "Ekstensi .yml tidak dibaca.",
                    f"Ganti nama berkas menjadi {name[:-4]}.yaml.",
                )
            )
        else:
            findings.append(
                _finding(
                    rel,
                    "berkas-tak-dikenal",
                    f"Berkas atau folder ini tidak dikenal di {where} dan diabaikan.",
                    "Pindahkan atau hapus; lihat susunan folder di README.",
                    tingkat="peringatan",
                )
            )

    for opd_dir in _entries(meta):
        opd = opd_dir.name
        opd_rel = f"metadata/{opd}"
        if not opd_dir.is_dir():
            stray(by_scope[""], opd_rel, opd, "metadata/")
            continue
        if not _slug_ok(by_scope[""], opd_rel, opd, SLUG, "nama folder OPD"):
            continue
        if only is not None and opd not in only:
            continue
        findings = by_scope.setdefault(opd, [])
        entries = _entries(opd_dir.path)
        opd_file = next((e for e in entries if e.name == "opd.yaml" and e.is_file()), None)
        if opd_file is not None:
            read("opd", opd, f"{opd_rel}/opd.yaml", opd_file)
        else:
            findings.append(
                _finding(
                    opd_rel,
                    "opd-tidak-ada",
                    f"Folder OPD '{opd}' tidak memiliki opd.yaml.",
                    "Buat opd.yaml berisi identitas OPD (lihat contoh OPD lain).",
                )
            )
        for entry in entries:
            if entry.name == "opd.yaml":
                continue
            act_rel = f"{opd_rel}/{entry.name}"
            if not entry.is_dir():
                stray(findings, act_rel, entry.name, f"folder OPD {opd}/")
                continue
            if not _slug_ok(findings, act_rel, entry.name, ACTIVITY_DIR, "nama folder kegiatan (TAHUN-slug)"):
                continue
            activity = f"{opd}/{entry.name}"
            subs = _entries(entry.path)
            keg_file = next((e for e in subs if e.name == "kegiatan.yaml" and e.is_file()), None)
            if keg_file is not None:
                read("kegiatan", activity, f"{act_rel}/kegiatan.yaml", keg_file)
            else:
                findings.append(
                    _finding(
                        act_rel,
                        "kegiatan-tidak-ada",
                        "Folder kegiatan tidak memiliki kegiatan.yaml.",
                        "Buat kegiatan.yaml (MS-Keg) di folder ini, atau hapus foldernya.",
                    )
                )
            for sub in subs:
                if sub.name == "kegiatan.yaml" or sub.name == "data":
                    continue
                sub_rel = f"{act_rel}/{sub.name}"
                if sub.name not in CHILD_KINDS or not sub.is_dir():
                    stray(findings, sub_rel, sub.name, f"folder kegiatan {activity}/")
                    continue
                for file in _entries(sub.path):
                    file_rel = f"{sub_rel}/{file.name}"
                    if not file.name.endswith(".yaml") or not file.is_file():
                        stray(findings, file_rel, file.name, f"{activity}/{sub.name}/")
                        continue
                    stem = file.name[:-5]
                    if _slug_ok(findings, file_rel, stem, SLUG, f"nama berkas {sub.name}"):
                        read(sub.name, f"{activity}/{stem}", file_rel, file)
    return found, by_scope


def read_record(root: Path, kind: str, ident: str, rel: str, loader=load) -> tuple[Record, list[Finding]]:
    """Load one record file; problems become findings, never exceptions."""
    return as_record(kind, ident, rel, lambda: loader(Path(root) / rel))


def as_record(kind: str, ident: str, rel: str, read) -> tuple[Record, list[Finding]]:
    """A record whose document comes from ``read()``; load problems become findings."""
    record = Record(kind, ident, rel)
    try:
        record.doc = read()
    except LoadError as exc:
        return record, [load_finding(rel, exc)]
    if not isinstance(record.doc.data, dict):
        return record, [not_a_mapping(rel)]
    return record, []


def load_finding(rel: str, exc: LoadError) -> Finding:
    return _finding(rel, exc.kode, exc.pesan, exc.saran, baris=exc.baris)


def not_a_mapping(rel: str) -> Finding:
    return _finding(
        rel,
        "yaml-bukan-objek",
        "Isi berkas bukan kumpulan isian 'nama: nilai'.",
        "Setiap rekaman berupa pasangan nama isian dan nilai, misalnya 'nama: Jumlah penduduk'.",
        baris=1,
    )


def load_catalog(root: Path, loader=load) -> Catalog:
    """Discover and load every record (all of each file, for outputs and full checks)."""
    root = Path(root)
    found, findings = discover(root)
    catalog = Catalog(root, findings=findings)
    for f in found:
        record, problems = read_record(root, f.kind, f.ident, f.rel, loader)
        catalog.findings.extend(problems)
        catalog.add(record)
    return catalog


def _slug_ok(findings: list[Finding], rel: str, name: str, pattern, what: str) -> bool:
    if pattern.fullmatch(name):
        return True
    activity = pattern is ACTIVITY_DIR
    suggestion = suggest_name(name, activity)
    note = ""
    if activity:
        note = " Folder kegiatan diawali tahun kegiatannya, misalnya 2025-profil-kesehatan."
        if not re.search(r"(19|20)\d\d", name):
            note += f" Ganti {suggestion[:4]} dengan tahun kegiatan (isian tahun di kegiatan.yaml) bila berbeda."
    findings.append(
        _finding(
            rel,
            "slug-tidak-sah",
            f"{what.capitalize()} '{name}' tidak sah: hanya huruf kecil a-z, angka dan tanda hubung"
            + (", diawali tahun." if activity else "."),
            f"Ganti nama menjadi '{suggestion}'." + note,
        )
    )
    return False


def resolve_ref(ref: str, activity: str) -> str:
    """A building-block reference → record identity: 'slug' is in ``activity``, else 'opd/tahun-slug/slug'."""
    return ref if "/" in ref else f"{activity}/{ref}"


def data_at(data: Any, path) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
