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

from ..codes import Finding, finding
from ..layout import ACTIVITY_DIR, CHILD_KINDS, SLUG, ident_activity, ident_opd, suggest_name
from .loader import Document, LoadError, link_refused, load


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
        return ident_opd(self.ident)

    @property
    def activity(self) -> str | None:
        return ident_activity(self.ident)

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


LEGACY_CACHE = ".satudata-cache"  # where the validation cache once lived, inside the catalog


def legacy_cache(root: Path) -> list[Finding]:
    """A ``.satudata-cache/`` inside the catalog (left by an older version, or committed) is
    never read: the cache lives outside the working tree (:mod:`pipeline.check.cache`)."""
    if not os.path.lexists(os.path.join(root, LEGACY_CACHE)):
        return []
    return [
        finding(
            "cache-di-katalog",
            f"{LEGACY_CACHE}/",
            "Folder .satudata-cache/ di dalam katalog diabaikan: isinya tidak dibaca, karena cache "
            "pemeriksaan kini disimpan di luar repositori (lihat README, bagian Cache pemeriksaan).",
        )
    ]


def discover(root: Path) -> tuple[list[Found], list[Finding]]:
    """Every record file under ``root/metadata``, in a stable order, plus findings about the
    tree itself (misplaced files, bad slugs, missing opd.yaml, symbolic links, a cache inside
    the catalog). Uses os.scandir: at 200,000 files, pathlib objects alone would cost seconds."""
    found, by_scope = discover_scoped(root)
    return found, [f for findings in by_scope.values() for f in findings] + legacy_cache(root)


def discover_scoped(root: Path, only: set[str] | None = None) -> tuple[list[Found], dict[str, list[Finding]]]:
    """Like :func:`discover`, walking into the OPD folders named in ``only`` (all if None).
    Findings come by scope: "" for the top of metadata/, else the OPD folder they are under.
    A symbolic link is reported and never followed: nothing outside the catalog is listed."""
    walk = _Walk()
    meta = os.path.join(root, "metadata")
    if os.path.islink(meta):
        walk.link(walk.by_scope[""], "metadata", meta)
    elif not os.path.isdir(meta):
        walk.by_scope[""].append(
            _finding(
                "metadata",
                "katalog-tidak-ada",
                f"Folder metadata/ tidak ditemukan di {root}.",
                "Jalankan perintah dari folder katalog, atau sebutkan foldernya: satudata validate FOLDER.",
            )
        )
    else:
        for entry in _entries(meta):
            walk.opd(entry, only)
    return walk.found, walk.by_scope


class _Walk:
    """The record files found under metadata/ and the findings about the tree, by scope."""

    def __init__(self):
        self.found: list[Found] = []
        self.by_scope: dict[str, list[Finding]] = {"": []}

    def read(self, kind: str, ident: str, rel: str, entry: os.DirEntry) -> None:
        st = entry.stat(follow_symlinks=False)
        self.found.append(Found(kind, ident, rel, st.st_size, st.st_mtime_ns))

    @staticmethod
    def link(findings: list[Finding], rel: str, path: str) -> None:
        try:
            target = os.readlink(path)
        except OSError:
            target = None
        exc = link_refused(target, rel)
        findings.append(_finding(rel, exc.kode, exc.pesan, exc.saran))

    def _unusable(self, findings: list[Finding], rel: str, entry: os.DirEntry, folder: bool, where: str) -> bool:
        """Report ``entry`` if it is a symbolic link, or not a folder (``folder``) or file as it should be."""
        if entry.is_symlink():
            self.link(findings, rel, entry.path)
            return True
        if not (entry.is_dir(follow_symlinks=False) if folder else entry.is_file(follow_symlinks=False)):
            stray(findings, rel, entry.name, where)
            return True
        return False

    def own(self, findings, entries, folder_rel: str, name: str, kind: str, ident: str, missing: tuple) -> None:
        """The folder's own record file (opd.yaml, kegiatan.yaml): read, refused as a link, or
        reported ``missing`` (kode, pesan, saran)."""
        rel = f"{folder_rel}/{name}"
        own = next((e for e in entries if e.name == name), None)
        if own is not None and own.is_symlink():
            self.link(findings, rel, own.path)
        elif own is not None and own.is_file(follow_symlinks=False):
            self.read(kind, ident, rel, own)
        else:
            findings.append(_finding(folder_rel, *missing))

    def opd(self, entry: os.DirEntry, only: set[str] | None) -> None:
        opd = entry.name
        opd_rel = f"metadata/{opd}"
        if self._unusable(self.by_scope[""], opd_rel, entry, True, "metadata/"):
            return
        if not _slug_ok(self.by_scope[""], opd_rel, opd, SLUG, "nama folder OPD"):
            return
        if only is not None and opd not in only:
            return
        findings = self.by_scope.setdefault(opd, [])
        entries = _entries(entry.path)
        missing = (
            "opd-tidak-ada",
            f"Folder OPD '{opd}' tidak memiliki opd.yaml.",
            "Buat opd.yaml berisi identitas OPD (lihat contoh OPD lain).",
        )
        self.own(findings, entries, opd_rel, "opd.yaml", "opd", opd, missing)
        for sub in entries:
            act_rel = f"{opd_rel}/{sub.name}"
            if sub.name == "opd.yaml" or self._unusable(findings, act_rel, sub, True, f"folder OPD {opd}/"):
                continue
            if _slug_ok(findings, act_rel, sub.name, ACTIVITY_DIR, "nama folder kegiatan (TAHUN-slug)"):
                self.activity(findings, f"{opd}/{sub.name}", act_rel, sub)

    def activity(self, findings: list[Finding], activity: str, act_rel: str, entry: os.DirEntry) -> None:
        subs = _entries(entry.path)
        missing = (
            "kegiatan-tidak-ada",
            "Folder kegiatan tidak memiliki kegiatan.yaml.",
            "Buat kegiatan.yaml (MS-Keg) di folder ini, atau hapus foldernya.",
        )
        self.own(findings, subs, act_rel, "kegiatan.yaml", "kegiatan", activity, missing)
        for sub in subs:
            sub_rel = f"{act_rel}/{sub.name}"
            if sub.name == "kegiatan.yaml":
                continue
            if sub.name == "data":  # its CSV files are listed with the activity's checks (datafiles)
                self.data(findings, sub_rel, sub)
            elif sub.name not in CHILD_KINDS and not sub.is_symlink():
                stray(findings, sub_rel, sub.name, f"folder kegiatan {activity}/")
            elif not self._unusable(findings, sub_rel, sub, True, f"folder kegiatan {activity}/"):
                self.children(findings, activity, sub_rel, sub)

    def children(self, findings: list[Finding], activity: str, sub_rel: str, entry: os.DirEntry) -> None:
        kind = entry.name
        for file in _entries(entry.path):
            file_rel = f"{sub_rel}/{file.name}"
            if file.is_symlink():
                self.link(findings, file_rel, file.path)
            elif not file.name.endswith(".yaml") or not file.is_file(follow_symlinks=False):
                stray(findings, file_rel, file.name, f"{activity}/{kind}/")
            elif _slug_ok(findings, file_rel, file.name[:-5], SLUG, f"nama berkas {kind}"):
                self.read(kind, f"{activity}/{file.name[:-5]}", file_rel, file)

    def data(self, findings: list[Finding], rel: str, entry: os.DirEntry) -> None:
        """Links in an activity's data/ folder (or the folder as a link) are refused."""
        if entry.is_symlink():
            self.link(findings, rel, entry.path)
        elif entry.is_dir(follow_symlinks=False):
            for file in _entries(entry.path):
                if file.is_symlink():
                    self.link(findings, f"{rel}/{file.name}", file.path)


def stray(findings: list[Finding], rel: str, name: str, where: str) -> None:
    """A file or folder that has no place where it is (hidden ones are left alone)."""
    if name.startswith("."):
        return
    if name.endswith(".yml"):
        findings.append(
            _finding(
                rel, "berkas-ekstensi", "Ekstensi .yml tidak dibaca.", f"Ganti nama berkas menjadi {name[:-4]}.yaml."
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
