"""Documents → records: walk ``metadata/`` and load every record with its identity.

A record's identity is its path: ``opd``, ``opd/tahun-slug`` (an activity) and
``opd/tahun-slug/slug`` (a variable or indicator). Problems found while reading the tree
(unreadable YAML, misplaced files, bad slugs) become findings; they never stop the walk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Finding
from .loader import Document, LoadError, load

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
ACTIVITY_DIR = re.compile(r"((?:19|20)\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)")
CHILD_DIRS = {"variabel": "variabel", "indikator": "indikator"}


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

    def of(self, kind: str) -> list[Record]:
        return [r for r in self.records.values() if r.kind == kind]

    def get(self, kind: str, ident: str) -> Record | None:
        return self.records.get(f"{kind}:{ident}")

    def children(self, activity: str, kind: str) -> list[Record]:
        prefix = activity + "/"
        return [r for r in self.of(kind) if r.ident.startswith(prefix)]

    def add(self, record: Record) -> None:
        self.records[f"{record.kind}:{record.ident}"] = record


def _finding(rel: str, kode: str, pesan: str, saran: str, tingkat="galat", baris=None) -> Finding:
    return Finding(kode=kode, tingkat=tingkat, berkas=rel, baris=baris, pesan=pesan, saran=saran)


def find_root(path: Path) -> Path:
    """The catalog root: the nearest directory (``path`` or above) that holds ``metadata/``."""
    path = Path(path).resolve()
    for candidate in [path, *path.parents]:
        if (candidate / "metadata").is_dir():
            return candidate
    return path


def load_catalog(root: Path, loader=load) -> Catalog:
    root = Path(root)
    catalog = Catalog(root)
    meta = root / "metadata"
    if not meta.is_dir():
        catalog.findings.append(
            _finding(
                "metadata",
                "katalog-tidak-ada",
                f"Folder metadata/ tidak ditemukan di {root}.",
                "Jalankan perintah dari folder katalog, atau sebutkan foldernya: satudata validate FOLDER.",
            )
        )
        return catalog

    def read(kind: str, ident: str, file: Path) -> None:
        rel = file.relative_to(root).as_posix()
        record = Record(kind, ident, rel)
        try:
            record.doc = loader(file)
        except LoadError as exc:
            catalog.findings.append(_finding(rel, exc.kode, exc.pesan, exc.saran, baris=exc.baris))
        else:
            if not isinstance(record.doc.data, dict):
                catalog.findings.append(
                    _finding(
                        rel,
                        "yaml-bukan-objek",
                        "Isi berkas bukan kumpulan isian 'nama: nilai'.",
                        "Setiap rekaman berupa pasangan nama isian dan nilai, misalnya 'nama: Jumlah penduduk'.",
                        baris=1,
                    )
                )
        catalog.add(record)

    def stray(path: Path, where: str) -> None:
        rel = path.relative_to(root).as_posix()
        if path.name.startswith("."):
            return
        if path.suffix == ".yml":
            catalog.findings.append(
                _finding(
                    rel,
                    "berkas-ekstensi",
                    "Ekstensi .yml tidak dibaca.",
                    f"Ganti nama berkas menjadi {path.stem}.yaml.",
                )
            )
        else:
            catalog.findings.append(
                _finding(
                    rel,
                    "berkas-tak-dikenal",
                    f"Berkas atau folder ini tidak dikenal di {where} dan diabaikan.",
                    "Pindahkan atau hapus; lihat susunan folder di README.",
                    tingkat="peringatan",
                )
            )

    for opd_dir in sorted(meta.iterdir()):
        if not opd_dir.is_dir():
            stray(opd_dir, "metadata/")
            continue
        opd = opd_dir.name
        if not _slug_ok(catalog, root, opd_dir, SLUG, "nama folder OPD"):
            continue
        opd_file = opd_dir / "opd.yaml"
        if opd_file.is_file():
            read("opd", opd, opd_file)
        else:
            catalog.findings.append(
                _finding(
                    opd_dir.relative_to(root).as_posix(),
                    "opd-tidak-ada",
                    f"Folder OPD '{opd}' tidak memiliki opd.yaml.",
                    "Buat opd.yaml berisi identitas OPD (lihat contoh OPD lain).",
                )
            )
        for entry in sorted(opd_dir.iterdir()):
            if entry.name == "opd.yaml":
                continue
            if not entry.is_dir():
                stray(entry, f"folder OPD {opd}/")
                continue
            if not _slug_ok(catalog, root, entry, ACTIVITY_DIR, "nama folder kegiatan (TAHUN-slug)"):
                continue
            activity = f"{opd}/{entry.name}"
            keg_file = entry / "kegiatan.yaml"
            if keg_file.is_file():
                read("kegiatan", activity, keg_file)
            else:
                catalog.findings.append(
                    _finding(
                        entry.relative_to(root).as_posix(),
                        "kegiatan-tidak-ada",
                        "Folder kegiatan tidak memiliki kegiatan.yaml.",
                        "Buat kegiatan.yaml (MS-Keg) di folder ini, atau hapus foldernya.",
                    )
                )
            for sub in sorted(entry.iterdir()):
                if sub.name == "kegiatan.yaml" or sub.name == "data":
                    continue
                if sub.name not in CHILD_DIRS or not sub.is_dir():
                    stray(sub, f"folder kegiatan {activity}/")
                    continue
                for file in sorted(sub.iterdir()):
                    if file.suffix != ".yaml" or not file.is_file():
                        stray(file, f"{activity}/{sub.name}/")
                        continue
                    if _slug_ok(catalog, root, file, SLUG, f"nama berkas {sub.name}", stem=True):
                        read(CHILD_DIRS[sub.name], f"{activity}/{file.stem}", file)
    return catalog


def _slug_ok(catalog: Catalog, root: Path, path: Path, pattern, what: str, stem=False) -> bool:
    name = path.stem if stem else path.name
    if pattern.fullmatch(name):
        return True
    suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "nama-baru"
    catalog.findings.append(
        _finding(
            path.relative_to(root).as_posix(),
            "slug-tidak-sah",
            f"{what.capitalize()} '{name}' tidak sah: hanya huruf kecil a-z, angka dan tanda hubung.",
            f"Ganti nama menjadi '{suggestion}'."
            + (" Folder kegiatan diawali tahun, misalnya 2025-profil-kesehatan." if pattern is ACTIVITY_DIR else ""),
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
